// Shapes of the mzhub HTTP API as the console uses them (see the server's OpenAPI document
// at /api/openapi.json for the authoritative version).

export type AccountKind = 'platform' | 'unit_admin' | 'business';

export interface User {
  id: string;
  username: string;
  displayName: string;
  unitId: string;
  unitName: string;
  kind: AccountKind;
  roles: string[];
  permissions: string[];
  mustChangePassword: boolean;
  secondFactorEnabled: boolean;
}

/**
 * What the session may do before anything else: change the password (first login, reset,
 * expired) or bind a second factor. While set, other API calls answer 403.
 */
export type Restriction = 'password_change' | 'second_factor_setup' | null;

export interface Session {
  user: User;
  /** Null for API-token sessions (no cookie, no CSRF). */
  csrfToken: string | null;
  restriction: Restriction;
  /** The screen is locked (IAM-08): only unlock, me and logout answer. */
  locked: boolean;
}

export interface TotpSetup {
  secret: string;
  otpauthUrl: string;
}

export interface ApiToken {
  id: string;
  name: string;
  createdAt: string;
  expiresAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface ApiTokenCreated {
  id: string;
  name: string;
  createdAt: string;
  expiresAt: string;
  /** Shown once. */
  token: string;
}

export interface RoleInfo {
  role: string;
  name: string;
  /** 'platform' | 'unit_admin' | 'business': who may grant it. */
  kind: string;
  permissions: string[];
}

export interface Account {
  id: string;
  username: string;
  displayName: string;
  unitId: string;
  unitName: string;
  office: string | null;
  kind: AccountKind;
  roles: string[];
  status: 'active' | 'disabled';
  citizenIdMasked: string | null;
  phoneMasked: string | null;
  secondFactorEnabled: boolean;
  lastLoginAt: string | null;
  passwordChangedAt: string | null;
  disabledAt: string | null;
  disabledReason: string | null;
  /** Set while repeated failed logins keep the account locked. */
  lockedUntil: string | null;
  createdAt: string;
}

export interface AccountInput {
  username: string;
  displayName: string;
  citizenId: string;
  phone: string;
  unitId: string;
  office?: string | null;
  roles: string[];
}

export interface AccountPatch {
  displayName?: string;
  office?: string | null;
  roles?: string[];
}

export interface AccountCreated {
  account: Account;
  initialPassword: string;
}

export type HandoverKind = 'post_change' | 'departure';

export interface HandoverInput {
  kind: HandoverKind;
  handedToUserId?: string | null;
  items: string;
  witnessId: string;
  note?: string;
}

export interface Handover {
  id: string;
  kind: HandoverKind;
  items: string;
  note: string | null;
  recordedAt: string;
  handedTo: string | null;
  witness: string;
  recordedBy: string;
}

export interface Witness {
  id: string;
  displayName: string;
  unitName: string;
}

export interface AccountReviewItem extends Account {
  removalReasons: string[];
}

export interface AccountReview {
  period: string;
  generatedAt: string;
  dormantDays: number;
  total: number;
  toRemove: number;
  items: AccountReviewItem[];
}

export interface SecurityPolicy {
  passwordMinLength: number;
  passwordMaxAgeDays: number;
  passwordHistorySize: number;
  lockoutThreshold: number;
  lockoutMinutes: number;
  sessionIdleMinutes: number;
  dormantDays: number;
  secondFactorRoles: string[];
}

export type AuditResult = 'success' | 'failure' | 'denied';

export interface AuditEntry {
  seq: number;
  at: string;
  actorId: string | null;
  actorName: string | null;
  actorUnitId: string | null;
  actorUnitName: string | null;
  action: string;
  result: AuditResult;
  targetType: string | null;
  targetId: string | null;
  targetUnitId: string | null;
  targetUnitName: string | null;
  fields: string[] | null;
  recordCount: number | null;
  grantId: string | null;
  purpose: string | null;
  clientIp: string | null;
  requestId: string | null;
  detail: Record<string, unknown> | null;
  hash: string;
}

export interface AuditQuery {
  actorName?: string;
  unitId?: string;
  action?: string;
  result?: AuditResult;
  targetType?: string;
  targetId?: string;
  /** ISO 8601 instants. */
  from?: string;
  to?: string;
}

export interface AuditChain {
  ok: boolean;
  checked: number;
  headSeq: number;
  headHash: string;
  firstBad: { seq: number; problem: string; message: string } | null;
}

export interface AuditCheckpoint {
  format: string;
  seq: number;
  hash: string;
  at: string;
  publicKey: string;
  signature: string;
}

export type ChangeMethod = 'form' | 'import' | 'batch' | 'api' | 'system';

export interface RecordVersion {
  version: number;
  changedAt: string;
  changedBy: string | null;
  changedByName: string | null;
  /** ChangeMethod, or a newer method name. */
  method: string;
  reason: string | null;
  approvalRef: string | null;
  changes: { field: string; before: unknown; after: unknown }[];
  data: Record<string, unknown>;
}

export type BatchStatus = 'submitted' | 'applied' | 'rejected' | 'failed';

export interface UnitSet {
  name?: string;
  creditCode?: string | null;
  divisionCode?: string;
  parentUnitId?: string | null;
  type?: UnitType;
  status?: Unit['status'];
}

export interface BatchItem {
  entityId: string;
  version: number;
  set: UnitSet;
}

export interface BatchChange {
  id: string;
  title: string;
  reason: string;
  entityType: string;
  changeCount: number;
  changes: BatchItem[];
  status: BatchStatus;
  applicantId: string;
  applicantName: string;
  submittedAt: string;
  decidedBy: string | null;
  decidedByName: string | null;
  decidedAt: string | null;
  decisionNote: string | null;
}

export interface BatchChangeInput {
  title: string;
  reason: string;
  entityType: 'units';
  changes: BatchItem[];
}

export interface BatchVersion {
  entityType: string;
  entityId: string;
  version: number;
  changedFields: string[];
  changedByName: string | null;
  changedAt: string;
}

export interface Health {
  // 'ok' when healthy.
  status: string;
  engine: 'sqlite' | 'postgres';
  schemaVersion: number;
  version: string;
}

export type DivisionLevel = 'province' | 'city' | 'county' | 'township' | 'village';

export interface Division {
  code: string;
  name: string;
  level: DivisionLevel;
  parentCode: string | null;
  status: 'active' | 'retired';
  hasChildren: boolean;
}

export interface DivisionChange {
  at: string;
  change: 'added' | 'renamed' | 'retired' | 'restored';
  oldName: string | null;
  newName: string | null;
  batchId: string | null;
  note: string | null;
}

export interface DivisionDetail {
  code: string;
  name: string;
  level: DivisionLevel;
  parentCode: string | null;
  status: 'active' | 'retired';
  path: { code: string; name: string }[];
  history: DivisionChange[];
}

export interface DivisionStats {
  total: number;
  active: number;
  retired: number;
}

export type UnitType = 'agency' | 'institution' | 'enterprise' | 'other';

export interface Unit {
  id: string;
  name: string;
  creditCode: string | null;
  divisionCode: string;
  divisionName: string;
  parentUnitId: string | null;
  parentUnitName: string | null;
  type: UnitType;
  status: 'active' | 'inactive';
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface UnitStats {
  total: number;
  active: number;
}

export interface UnitInput {
  name: string;
  creditCode?: string | null;
  divisionCode: string;
  parentUnitId?: string | null;
  type: UnitType;
}

export interface UnitPatch extends Partial<UnitInput> {
  version: number;
  status?: Unit['status'];
  /** Why (修改原因), kept in the record's history. */
  reason?: string;
}

export interface CalendarDay {
  date: string;
  kind: 'holiday' | 'adjusted_workday';
  name: string;
  source: 'builtin' | 'override';
}

export interface CalendarYear {
  year: number;
  covered: boolean;
  days: CalendarDay[];
}

export interface CalendarOverrideInput {
  date: string;
  kind: 'holiday' | 'workday';
  name: string;
  notice: string;
}

export interface DueDate {
  from: string;
  days: number;
  due: string;
}

// ---- data resource catalog (数据资源目录) ----------------------------------------------

export type ResourceKind = 'table' | 'file' | 'service';
export type SharingType = 'unconditional' | 'conditional' | 'none';
export type OpenType = 'open_unconditional' | 'open_conditional' | 'not_open';
export type ClassificationTree = 'base' | 'theme' | 'department';
export type DataType = 'C' | 'N' | 'Y' | 'D' | 'T' | 'L' | 'M' | 'G' | 'B' | 'I' | 'F';
export type RuleKind =
  'citizen_id' | 'credit_code' | 'division_code' | 'phone' | 'enum' | 'pattern';

export type VersionStatus =
  | 'draft'
  | 'submitted'
  | 'returned'
  | 'reviewed'
  | 'published'
  | 'superseded'
  | 'retired'
  | 'withdrawn';

/** What the entry page may do next (`allowedActions`), and the action request names. */
export type EntryActionName =
  | 'submit'
  | 'withdraw'
  | 'open'
  | 'approve'
  | 'return'
  | 'publish'
  | 'retire'
  | 'confirm_maintained'
  | 'discard'
  | 'new_version';

/** One data item (信息项) of a structured resource. */
export interface DataItem {
  name: string;
  identifier: string;
  type: DataType;
  length: number | null;
  scale: number | null;
  isKey: boolean;
  required: boolean;
  sensitive: boolean;
  rule: { kind: RuleKind; values?: string[]; pattern?: string } | null;
  description: string;
}

/** The editable content of one version of a catalog entry (the catalog elements). */
export interface EntryContent {
  name: string;
  summary: string;
  kind: ResourceKind;
  classification: { tree: ClassificationTree; code: string } | null;
  formatType: string | null;
  formatDetail: string;
  dataItems: DataItem[];
  sharingType: SharingType | null;
  sharingCondition: string;
  legalBasis: string;
  sharingMethods: string[];
  sharingScope: string | null;
  sharingScopeNote: string;
  openType: OpenType | null;
  openCondition: string;
  updateFrequency: string | null;
  timeliness: string;
  provisionModes: string[];
  relatedCodes: string[];
  /** Resource codes this entry's data was obtained from through sharing. */
  derivedFrom: string[];
  contactPerson: string;
  contactPhone: string;
  sourceSystem: string;
  dataGrade: string | null;
}

export interface ComplianceFinding {
  code: string;
  severity: 'error' | 'warning';
  /** Path in the content, e.g. `dataItems[2].length`. */
  field: string;
  message: string;
}

export interface EntrySummary {
  id: string;
  code: string;
  name: string;
  providerUnitId: string;
  providerName: string;
  status: VersionStatus;
  workingVersion: number;
  publishedVersion: number | null;
  updatedAt: string;
  maintainedAt: string | null;
  /** Not maintained (published or confirmed) for over a year. */
  stale: boolean;
  rowCount: number;
}

export interface VersionDetail {
  version: number;
  status: VersionStatus;
  content: EntryContent;
  createdAt: string;
  updatedAt: string;
  publishedAt: string | null;
}

export interface EntryActionRecord {
  version: number;
  action: string;
  label: string;
  fromStatus: string | null;
  toStatus: string;
  actorId: string;
  actorName: string;
  at: string;
  note: string | null;
}

export interface EntryDetail extends EntrySummary {
  provider: { id: string; name: string; creditCode: string | null };
  working: VersionDetail;
  live: VersionDetail | null;
  versions: { version: number; status: VersionStatus; publishedAt: string | null }[];
  actions: EntryActionRecord[];
  findings: ComplianceFinding[];
  allowedActions: EntryActionName[];
  openedByMe: boolean;
}

export type EntryQueue = 'unit' | 'review' | 'publish' | 'stale' | 'all';

/** A Cascader option of a classification tree (value = full code). */
export interface ClassificationOption {
  value: string;
  label: string;
  children?: ClassificationOption[];
}

export interface CatalogVocabularies {
  /** Vocabulary name (sharingTypes, dataTypes, versionStatuses …) → code → Chinese label. */
  labels: Record<string, Record<string, string>>;
  /** One option per tree (value = tree), its children the tree's nodes. */
  classifications: ClassificationOption[];
}

export interface CatalogSearchQuery {
  q?: string;
  field?: string;
  provider?: string;
  classification?: string;
  sharingType?: SharingType;
  openType?: OpenType;
  kind?: ResourceKind;
  page?: number;
  pageSize?: number;
}

export interface SearchHit {
  id: string;
  code: string;
  name: string;
  summary: string;
  providerUnitId: string;
  providerName: string;
  kind: string;
  classificationCode: string | null;
  sharingType: string | null;
  openType: string | null;
  version: number;
  publishedAt: string | null;
  matchedFields: string[];
}

export interface FacetValue {
  value: string;
  label: string;
  count: number;
}

export interface SearchResult {
  items: SearchHit[];
  total: number;
  page: number;
  pageSize: number;
  facets: {
    provider: FacetValue[];
    classification: FacetValue[];
    sharingType: FacetValue[];
    openType: FacetValue[];
    kind: FacetValue[];
  };
}

export interface ProjectItem {
  name: string;
  identifier: string;
  /** `collect`: the project collects it itself; `share`: obtained through the platform. */
  source: 'collect' | 'share';
  note: string;
}

export type ProjectStatus = 'registered' | 'approved' | 'rejected';

export interface ProjectDuplicate {
  item: string;
  resourceId: string;
  resourceCode: string;
  resourceName: string;
  providerName: string;
  fieldName: string;
  sharingType: string | null;
}

export interface ProjectSummary {
  id: string;
  unitId: string;
  unitName: string;
  name: string;
  projectCode: string | null;
  description: string;
  status: ProjectStatus;
  createdAt: string;
  decidedAt: string | null;
  decisionNote: string | null;
}

export interface Project extends ProjectSummary {
  items: ProjectItem[];
  duplicates: ProjectDuplicate[];
}

export interface ProjectInput {
  name: string;
  projectCode?: string;
  description: string;
  items: ProjectItem[];
}

// ---- resource data (资源数据) ---------------------------------------------------------

export type ImportStatus = 'running' | 'applied' | 'rejected' | 'failed';

export interface ImportRowError {
  rowNumber: number;
  field: string;
  name: string;
  value: string;
  code: string;
  reason: string;
}

export interface ImportSummary {
  id: string;
  resourceId: string;
  fileName: string;
  format: 'csv' | 'xlsx' | 'json';
  byteSize: number;
  status: ImportStatus;
  totalRows: number;
  added: number;
  updated: number;
  unchanged: number;
  errorCount: number;
  errors: ImportRowError[];
  message: string | null;
  createdBy: string;
  createdAt: string;
  finishedAt: string | null;
  /** Rows read so far while the import runs. */
  progressRows: number;
}

export type RowValue = string | number | boolean | null;

export interface ResourceRow {
  key: string;
  data: Record<string, unknown>;
  version: number;
  updatedAt: string;
  method: string;
}

export interface RowPage extends Page<ResourceRow> {
  dataItems: DataItem[];
}

export interface RowSaved {
  key: string;
  outcome: 'added' | 'updated' | 'unchanged';
}

// ---- open data (开放数据, no login) -----------------------------------------------------

export interface OpenEntry {
  code: string;
  name: string;
  summary: string;
  providerName: string;
  kind: string;
  formatType: string | null;
  formatDetail: string;
  openType: string;
  openCondition: string;
  updateFrequency: string | null;
  publishedAt: string | null;
  dataItems: { name: string; identifier: string; type: string; description: string }[];
  downloadable: boolean;
}

// ---- sharing requests (共享申请), grants, supervision, notifications ---------------------

export type ProvisionMode = 'verify' | 'query' | 'batch' | 'subscribe' | 'file';

export type SharingRequestStatus =
  | 'prechecking'
  | 'provider_review'
  | 'authorized'
  | 'granted'
  | 'rejected'
  | 'refused'
  | 'disputed'
  | 'withdrawn';

export type SharingActionName =
  | 'withdraw'
  | 'precheck_pass'
  | 'precheck_reject'
  | 'approve'
  | 'refuse'
  | 'deliver'
  | 'escalate'
  | 'resolve';

export type SharingQueue = 'todo' | 'mine' | 'provider' | 'all';

/** Open steps: on_time, due_soon, overdue; closed ones: done or late. */
export type StepState = 'on_time' | 'due_soon' | 'overdue' | 'done' | 'late';

export type DueState = 'on_time' | 'due_soon' | 'overdue';

export interface SharingPolicy {
  /** Platform pre-check (and approval of unconditional requests), working days. */
  precheckDays: number;
  providerDecisionDays: number;
  deliveryDays: number;
  disputeDays: number;
  errorReportDays: number;
  errorAnswerDays: number;
  /** The longest period a grant may run, calendar days. */
  maxPeriodDays: number;
  /** A step is due soon when at most this many working days remain. */
  dueSoonDays: number;
}

export interface SharingPolicyView extends SharingPolicy {
  updatedAt: string | null;
  updatedBy: string | null;
}

export interface SharingRequestInput {
  resourceId: string;
  fields: string[];
  modes: ProvisionMode[];
  purpose: string;
  legalBasis: string;
  /** YYYY-MM-DD. */
  periodStart: string;
  periodEnd: string;
  contactName: string;
  contactPhone: string;
  onwardSharing: boolean;
}

export interface SharingActionInput {
  action: SharingActionName;
  note?: string;
  /** Provider approving: the fields it grants (a subset of those asked). */
  fields?: string[];
  /** Provider approving: an earlier end of the period. */
  periodEnd?: string;
  allowOnward?: boolean;
  outcome?: 'approve' | 'refuse' | 'return';
  /** Provider approving: masking per granted item (脱敏); 'none' shows a sensitive item in clear. */
  masking?: Record<string, MaskRule | 'none'>;
  /** Provider approving: calls allowed per day (default: the platform's setting). */
  dailyQuota?: number;
}

/** 脱敏规则 of exchange answers (docs/exchange.md). */
export type MaskRule = 'id_6_4' | 'name_first' | 'phone_3_4' | 'keep_last_4' | 'full';

export interface SharingStep {
  id: number;
  kind: 'precheck' | 'provider_decision' | 'delivery' | 'dispute' | 'error_answer';
  label: string;
  assigneeUnitId: string;
  assigneeUnitName: string;
  openedAt: string;
  dueOn: string;
  workingDays: number;
  closedAt: string | null;
  state: StepState;
  workingDaysLeft: number | null;
}

export type GrantStatus = 'authorized' | 'active' | 'expired' | 'revoked';

export interface SharingGrant {
  id: string;
  requestId: string;
  requestNumber: string;
  resourceId: string;
  resourceCode: string;
  resourceName: string;
  providerUnitId: string;
  providerName: string;
  consumerUnitId: string;
  consumerName: string;
  fields: { identifier: string; name: string }[];
  modes: string[];
  purpose: string;
  validFrom: string;
  validUntil: string;
  onwardAllowed: boolean;
  status: GrantStatus;
  authorizedAt: string;
  deliveredAt: string | null;
  revokedAt: string | null;
  revokeReason: string | null;
  /** Masking in force per data item. */
  masking: Record<string, MaskRule>;
  /** Calls allowed per day; null = the platform's default. */
  dailyQuota: number | null;
}

export interface SharingErrorReport {
  id: string;
  grantId: string;
  requestId: string;
  reporterUnitId: string;
  reporterUnitName: string;
  providerUnitId: string;
  foundOn: string;
  reportDueOn: string;
  reportedAt: string;
  reportedLate: boolean;
  description: string;
  rowKeys: string[];
  status: 'open' | 'answered';
  answer: string | null;
  answeredAt: string | null;
  answerDueOn: string | null;
}

export interface SharingErrorReportInput {
  foundOn: string;
  description: string;
  rowKeys: string[];
}

export interface SharingRequestSummary {
  id: string;
  number: string;
  resourceId: string;
  resourceCode: string;
  resourceName: string;
  sharingType: string;
  providerUnitId: string;
  providerName: string;
  consumerUnitId: string;
  consumerName: string;
  status: SharingRequestStatus;
  statusLabel: string;
  createdAt: string;
  updatedAt: string;
  /** The open step's due date, if any. */
  dueOn: string | null;
  dueState: DueState | null;
}

export interface SharingActionRecord {
  action: string;
  label: string;
  fromStatus: string | null;
  toStatus: string;
  actorName: string;
  actorUnitId: string;
  at: string;
  note: string | null;
}

export interface SharingRequestDetail extends SharingRequestSummary {
  requesterName: string;
  fields: { identifier: string; name: string; sensitive: boolean }[];
  approvedFields: string[] | null;
  modes: string[];
  purpose: string;
  legalBasis: string;
  periodStart: string;
  periodEnd: string;
  approvedPeriodEnd: string | null;
  contactName: string;
  contactPhone: string;
  onwardRequested: boolean;
  onwardAllowed: boolean;
  steps: SharingStep[];
  actions: SharingActionRecord[];
  grant: SharingGrant | null;
  errorReports: SharingErrorReport[];
  allowedActions: SharingActionName[];
}

/** 共享实施单. */
export interface ImplementationSheet {
  number: string;
  requestId: string;
  consumer: { name: string; creditCode: string | null };
  provider: { name: string; creditCode: string | null };
  resource: { code: string; name: string; sharingType: string };
  fields: { identifier: string; name: string; sensitive: boolean }[];
  modes: { code: string; label: string }[];
  purpose: string;
  legalBasis: string;
  validFrom: string;
  validUntil: string;
  onwardAllowed: boolean;
  grantId: string;
  grantStatus: string;
  credentials: { id: string; issuedAt: string }[];
  dates: {
    filedAt: string;
    precheckedAt: string | null;
    authorizedAt: string;
    deliveredAt: string | null;
  };
  contact: { name: string; phone: string };
}

export interface SupervisedStep extends SharingStep {
  requestId: string;
  requestNumber: string;
  resourceName: string;
  consumerName: string;
}

export interface SharingSupervision {
  today: string;
  counts: { status: string; label: string; count: number }[];
  openSteps: SupervisedStep[];
  perUnit: {
    unitId: string;
    unitName: string;
    open: number;
    dueSoon: number;
    overdue: number;
    closedLate: number;
  }[];
}

export interface AppNotification {
  id: number;
  kind: string;
  title: string;
  body: string;
  link: string | null;
  createdAt: string;
  readAt: string | null;
}
