/**
 * Table types for the typed query layer (Kysely). One interface per table; columns are
 * portable across SQLite and PostgreSQL: ids and timestamps are TEXT (timestamps are UTC
 * ISO 8601 strings, which sort correctly as text), booleans are INTEGER 0/1, JSON is TEXT.
 */
import type { Generated } from 'kysely';
import type { SubscriptionTables } from './tables/subscriptions.ts';
import type { ExchangeInterfaceTables } from './tables/interfaces.ts';
import type { FrontendTables } from './tables/frontend.ts';
import type { RegistryTables } from './tables/registry.ts';

export interface DivisionTable {
  code: string;
  name: string;
  level: 'province' | 'city' | 'county' | 'township' | 'village';
  parent_code: string | null;
  status: 'active' | 'retired';
  created_at: string;
  updated_at: string;
}

export interface DivisionImportBatchTable {
  id: string;
  source_name: string;
  imported_at: string;
  imported_by: string | null;
  row_count: number;
  added: number;
  renamed: number;
  retired: number;
  note: string | null;
}

export interface DivisionChangeTable {
  id: Generated<number>;
  batch_id: string;
  code: string;
  change: 'added' | 'renamed' | 'retired' | 'restored';
  old_name: string | null;
  new_name: string | null;
  at: string;
}

export interface UnitTable {
  id: string;
  name: string;
  credit_code: string | null;
  division_code: string;
  parent_unit_id: string | null;
  type: 'agency' | 'institution' | 'enterprise' | 'other';
  status: 'active' | 'inactive';
  version: number;
  created_at: string;
  updated_at: string;
}

export interface UserTable {
  id: string;
  username: string;
  display_name: string;
  unit_id: string;
  password_hash: string;
  status: 'active' | 'disabled';
  must_change_password: number;
  failed_logins: number;
  last_login_at: string | null;
  created_at: string;
  updated_at: string;
  /** platform: the three administrators (三员); unit_admin: 单位管理员; business: 业务账号. */
  kind: 'platform' | 'unit_admin' | 'business';
  /** Internal office (内设机构/科室) the account serves. */
  office: string | null;
  /** HMAC of the ID number under a key derived from the master key: equality without disclosure. */
  citizen_id_digest: string | null;
  citizen_id_sealed: string | null;
  citizen_id_masked: string | null;
  phone_sealed: string | null;
  phone_masked: string | null;
  birth_date: string | null;
  password_changed_at: string | null;
  totp_secret_sealed: string | null;
  /** A secret being enrolled: it replaces the current one only once confirmed with a code. */
  totp_pending_sealed: string | null;
  totp_enabled: number;
  totp_last_step: number | null;
  disabled_at: string | null;
  disabled_reason: string | null;
  created_by: string | null;
}

export interface UserRoleTable {
  user_id: string;
  role: string;
}

export interface SessionTable {
  /** SHA-256 of the session token: the token itself is never stored. */
  id: string;
  user_id: string;
  csrf_token: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  client_ip: string | null;
  user_agent: string | null;
  /** Set while the account must first change its password or enrol a second factor. */
  restriction: 'password_change' | 'second_factor_setup' | null;
  /** The user locked the screen: only unlock (with the password) is allowed. */
  locked: number;
}

export interface PasswordHistoryTable {
  id: string;
  user_id: string;
  password_hash: string;
  created_at: string;
}

export interface LoginFailureTable {
  username: string;
  failures: number;
  locked_until: string | null;
  last_failure_at: string;
}

export interface SecurityPolicyTable {
  id: number;
  policy: string;
  updated_at: string;
  updated_by: string | null;
}

export interface HandoverTable {
  id: string;
  user_id: string;
  kind: 'post_change' | 'departure';
  handed_to_user_id: string | null;
  items: string;
  witness_id: string;
  recorded_by: string;
  recorded_at: string;
  note: string | null;
}

export interface ApiTokenTable {
  id: string;
  user_id: string;
  name: string;
  token_digest: string;
  created_at: string;
  expires_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface CalendarOverrideTable {
  date: string;
  kind: 'holiday' | 'workday';
  name: string;
  notice: string | null;
  created_at: string;
  created_by: string | null;
}

export interface SecretTable {
  name: string;
  /** Encrypted with the master key: see src/server/secrets.ts. */
  ciphertext: string;
  created_at: string;
}

export interface AuditEntryTable {
  seq: number;
  at: string;
  actor_id: string | null;
  actor_name: string | null;
  actor_unit_id: string | null;
  /** What was done, e.g. `auth.login`, `unit.update`, `exchange.query`. */
  action: string;
  result: 'success' | 'failure' | 'denied';
  target_type: string | null;
  target_id: string | null;
  /** The unit whose data was touched (the provider), so it can see every access (AUD-03). */
  target_unit_id: string | null;
  /** JSON array of field names read or changed. */
  fields: string | null;
  record_count: number | null;
  grant_id: string | null;
  purpose: string | null;
  client_ip: string | null;
  request_id: string | null;
  /** JSON object with whatever else the action needs to be understood later. */
  detail: string | null;
  prev_hash: string;
  hash: string;
}

export interface AuditChainHeadTable {
  id: number;
  seq: number;
  hash: string;
}

export interface AuditArchiveTable {
  id: string;
  from_seq: number;
  to_seq: number;
  entry_count: number;
  first_prev_hash: string;
  last_hash: string;
  before_date: string;
  file_name: string;
  file_sha256: string;
  signature: string;
  created_at: string;
}

export type ChangeMethod = 'form' | 'import' | 'batch' | 'api' | 'system';

export interface RecordVersionTable {
  id: Generated<number>;
  entity_type: string;
  entity_id: string;
  version: number;
  /** The whole record as JSON after this change. */
  data: string;
  /** JSON array of the fields this change touched. */
  changed_fields: string;
  changed_by: string | null;
  changed_by_name: string | null;
  changed_at: string;
  reason: string | null;
  /** The approval the change ran under (a batch application id, a workflow action id). */
  approval_ref: string | null;
  method: ChangeMethod;
}

export interface BatchChangeTable {
  id: string;
  title: string;
  reason: string;
  entity_type: string;
  /** JSON array of { entityId, version, set }. */
  changes: string;
  change_count: number;
  status: 'submitted' | 'applied' | 'rejected' | 'failed';
  applicant_id: string;
  applicant_unit_id: string;
  submitted_at: string;
  decided_by: string | null;
  decided_at: string | null;
  decision_note: string | null;
}

export type CatalogVersionStatus =
  | 'draft'
  | 'submitted'
  | 'returned'
  | 'reviewed'
  | 'published'
  | 'superseded'
  | 'retired'
  | 'withdrawn';

export interface CatalogResourceTable {
  id: string;
  code: string;
  /** The resource's number in the row store. */
  no: number;
  provider_unit_id: string;
  /** The status of the working version (the newest one). */
  status: CatalogVersionStatus;
  working_version: number;
  published_version: number | null;
  name: string;
  /** Last publication or yearly maintenance confirmation (CAT-05). */
  maintained_at: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
  row_count: number;
  data_updated_at: string | null;
}

export interface CatalogVersionTable {
  id: string;
  resource_id: string;
  version: number;
  status: CatalogVersionStatus;
  /** EntryContent as JSON. */
  content: string;
  /** 1 for the published version consumers see, else 0. */
  live: number;
  /** The version's rowid in the SQLite full-text index. */
  search_no: number;
  code: string;
  name: string;
  provider_unit_id: string;
  kind: string;
  classification_code: string | null;
  sharing_type: string | null;
  open_type: string | null;
  format_type: string | null;
  tokens: string;
  field_tokens: string;
  created_by: string;
  created_at: string;
  updated_at: string;
  published_at: string | null;
}

export interface CatalogActionTable {
  id: Generated<number>;
  resource_id: string;
  version: number;
  action: string;
  from_status: string | null;
  to_status: string;
  actor_id: string;
  actor_name: string;
  at: string;
  note: string | null;
}

export interface CatalogProjectTable {
  id: string;
  unit_id: string;
  name: string;
  project_code: string | null;
  description: string;
  /** JSON array of ProjectItem. */
  items: string;
  status: 'registered' | 'approved' | 'rejected';
  created_by: string;
  created_at: string;
  updated_at: string;
  decided_by: string | null;
  decided_at: string | null;
  decision_note: string | null;
}

export interface DataChangeTable {
  no: Generated<number>;
  resource_id: string;
  method: ChangeMethod;
  at: string;
  by_id: string | null;
  by_name: string | null;
  import_id: string | null;
  reason: string | null;
}

export interface ResourceRowTable {
  resource_no: number;
  row_key: string;
  /** The validated row as JSON: identifier → normalised value. */
  data: string;
  hash: string;
  version: number;
  /** The data_changes entry (import or edit) that wrote this version. */
  change_no: number;
}

export interface ResourceRowHistoryTable {
  id: Generated<number>;
  resource_no: number;
  row_key: string;
  version: number;
  data: string;
  hash: string;
  change_no: number;
  superseded_by: number;
}

export interface DataImportTable {
  id: string;
  resource_id: string;
  unit_id: string;
  file_name: string;
  format: 'csv' | 'xlsx' | 'json';
  byte_size: number;
  status: 'running' | 'applied' | 'rejected' | 'failed';
  total_rows: number;
  added: number;
  updated: number;
  unchanged: number;
  error_count: number;
  /** JSON array of the first row errors (the report keeps at most a fixed number). */
  errors: string;
  message: string | null;
  created_by: string;
  created_by_name: string;
  created_at: string;
  finished_at: string | null;
}

export type SharingRequestStatus =
  | 'prechecking'
  | 'provider_review'
  | 'authorized'
  | 'granted'
  | 'rejected'
  | 'refused'
  | 'disputed'
  | 'withdrawn';

export interface SharingRequestTable {
  id: string;
  number: string;
  resource_id: string;
  resource_version: number;
  sharing_type: string;
  provider_unit_id: string;
  consumer_unit_id: string;
  requester_id: string;
  status: SharingRequestStatus;
  status_before_dispute: SharingRequestStatus | null;
  /** JSON array of data item identifiers. */
  fields: string;
  /** JSON array of provision modes. */
  modes: string;
  purpose: string;
  legal_basis: string;
  period_start: string;
  period_end: string;
  contact_name: string;
  contact_phone: string;
  onward_requested: number;
  approved_fields: string | null;
  approved_period_end: string | null;
  onward_allowed: number;
  created_at: string;
  updated_at: string;
}

export type SharingStepKind =
  'precheck' | 'provider_decision' | 'delivery' | 'dispute' | 'error_answer';

export interface SharingStepTable {
  id: Generated<number>;
  request_id: string;
  error_report_id: string | null;
  kind: SharingStepKind;
  assignee_unit_id: string;
  assignee_permission: string;
  opened_at: string;
  /** The last working day (Asia/Shanghai date) by which the step must be done. */
  due_on: string;
  working_days: number;
  closed_at: string | null;
  closed_by: string | null;
  overdue_notified: number;
  due_soon_notified: number;
}

export interface SharingActionTable {
  id: Generated<number>;
  request_id: string;
  action: string;
  from_status: string | null;
  to_status: string;
  actor_id: string;
  actor_name: string;
  actor_unit_id: string;
  at: string;
  note: string | null;
  detail: string | null;
}

export interface SharingGrantTable {
  id: string;
  request_id: string;
  resource_id: string;
  provider_unit_id: string;
  consumer_unit_id: string;
  fields: string;
  modes: string;
  purpose: string;
  valid_from: string;
  valid_until: string;
  onward_allowed: number;
  status: 'authorized' | 'active' | 'revoked';
  authorized_at: string;
  delivered_at: string | null;
  revoked_at: string | null;
  revoked_by: string | null;
  revoke_reason: string | null;
  /** JSON object: data item → masking rule decided by the provider (脱敏), or null (defaults). */
  masking: string | null;
  /** Calls allowed per calendar day; null = the platform default (exchangeDailyQuota). */
  daily_quota: number | null;
}

export interface SharingErrorReportTable {
  id: string;
  grant_id: string;
  request_id: string;
  reporter_id: string;
  reporter_unit_id: string;
  provider_unit_id: string;
  found_on: string;
  report_due_on: string;
  reported_at: string;
  reported_late: number;
  description: string;
  row_keys: string;
  status: 'open' | 'answered';
  answer: string | null;
  answered_at: string | null;
  answered_by: string | null;
}

export interface NotificationTable {
  id: Generated<number>;
  user_id: string;
  kind: string;
  title: string;
  body: string;
  link: string | null;
  created_at: string;
  read_at: string | null;
}

export interface ExchangeCredentialTable {
  id: string;
  grant_id: string;
  consumer_unit_id: string;
  /** The shared secret, sealed with the master key (`enc:v1:`); empty for SM2 credentials. */
  secret: string;
  /** How calls are signed: HMAC-SM3 with the secret, or SM2 with the consumer's key pair. */
  algorithm: Generated<'hmac-sm3' | 'sm2'>;
  /** The consumer's SM2 public key (hex), for SM2 credentials. */
  public_key: string | null;
  label: string;
  status: 'active' | 'revoked';
  created_at: string;
  created_by: string;
  revoked_at: string | null;
  revoked_by: string | null;
}

/** Later modules keep their table types in ./tables/, one file per migration. */
export interface Database
  extends SubscriptionTables, ExchangeInterfaceTables, FrontendTables, RegistryTables {
  divisions: DivisionTable;
  division_import_batches: DivisionImportBatchTable;
  division_changes: DivisionChangeTable;
  units: UnitTable;
  users: UserTable;
  user_roles: UserRoleTable;
  sessions: SessionTable;
  calendar_overrides: CalendarOverrideTable;
  secrets: SecretTable;
  password_history: PasswordHistoryTable;
  login_failures: LoginFailureTable;
  security_policy: SecurityPolicyTable;
  handovers: HandoverTable;
  api_tokens: ApiTokenTable;
  audit_entries: AuditEntryTable;
  audit_chain_head: AuditChainHeadTable;
  audit_archives: AuditArchiveTable;
  audit_archive_permit: { up_to_seq: number };
  record_versions: RecordVersionTable;
  batch_changes: BatchChangeTable;
  catalog_code_counters: { classification_code: string; next_sequence: number };
  catalog_resources: CatalogResourceTable;
  catalog_versions: CatalogVersionTable;
  catalog_actions: CatalogActionTable;
  catalog_projects: CatalogProjectTable;
  data_changes: DataChangeTable;
  resource_rows: ResourceRowTable;
  resource_row_history: ResourceRowHistoryTable;
  data_imports: DataImportTable;
  sharing_policy: { id: number; settings: string; updated_at: string; updated_by: string | null };
  sharing_requests: SharingRequestTable;
  sharing_steps: SharingStepTable;
  sharing_actions: SharingActionTable;
  sharing_grants: SharingGrantTable;
  sharing_error_reports: SharingErrorReportTable;
  notifications: NotificationTable;
  exchange_credentials: ExchangeCredentialTable;
}
