// One typed function per API call the console makes.
import { api, downloadFile } from './client';
import type {
  Account,
  AccountCreated,
  AccountInput,
  AccountPatch,
  AccountReview,
  ApiToken,
  ApiTokenCreated,
  AuditChain,
  AuditCheckpoint,
  AuditEntry,
  AuditQuery,
  BatchChange,
  BatchChangeInput,
  BatchVersion,
  CalendarOverrideInput,
  CatalogSearchQuery,
  CatalogVocabularies,
  ComplianceFinding,
  EntryActionName,
  EntryContent,
  EntryDetail,
  EntryQueue,
  EntrySummary,
  ImportSummary,
  OpenEntry,
  Project,
  ProjectInput,
  ProjectSummary,
  RowPage,
  RowSaved,
  RowValue,
  SearchResult,
  VersionDetail,
  CalendarYear,
  Division,
  DivisionDetail,
  DivisionStats,
  DueDate,
  Handover,
  HandoverInput,
  Health,
  Page,
  RecordVersion,
  RoleInfo,
  SecurityPolicy,
  Session,
  TotpSetup,
  Unit,
  UnitInput,
  UnitPatch,
  UnitStats,
  UnitType,
  Witness,
  AppNotification,
  ImplementationSheet,
  SharingActionInput,
  SharingErrorReport,
  SharingErrorReportInput,
  SharingGrant,
  SharingPolicy,
  SharingPolicyView,
  SharingQueue,
  SharingRequestDetail,
  SharingRequestInput,
  SharingRequestStatus,
  SharingRequestSummary,
  SharingSupervision,
} from './types';

const enc = encodeURIComponent;

export const authApi = {
  login: (username: string, password: string, totp?: string) =>
    api.post<Session>(
      '/api/v1/auth/login',
      { username, password, ...(totp ? { totp } : {}) },
      { redirectOnUnauthorized: false },
    ),
  logout: () => api.post<void>('/api/v1/auth/logout'),
  me: () => api.get<Session>('/api/v1/auth/me', undefined, { redirectOnUnauthorized: false }),
  changePassword: (currentPassword: string, newPassword: string) =>
    api.post<Session>('/api/v1/auth/password', { currentPassword, newPassword }),
  totpSetup: () => api.post<TotpSetup>('/api/v1/auth/totp/setup'),
  totpConfirm: (code: string) => api.post<Session>('/api/v1/auth/totp/confirm', { code }),
  lock: () => api.post<void>('/api/v1/auth/lock'),
  unlock: (password: string) => api.post<void>('/api/v1/auth/unlock', { password }),
  tokens: () => api.get<{ items: ApiToken[] }>('/api/v1/auth/tokens'),
  createToken: (name: string, days: number) =>
    api.post<ApiTokenCreated>('/api/v1/auth/tokens', { name, days }),
  revokeToken: (id: string) => api.delete<void>(`/api/v1/auth/tokens/${enc(id)}`),
};

export const healthApi = {
  get: () => api.get<Health>('/api/health'),
};

export const divisionApi = {
  children: (parent?: string | null, includeRetired = false, signal?: AbortSignal) =>
    api.get<{ items: Division[] }>(
      '/api/v1/divisions',
      { parent: parent ?? undefined, includeRetired: includeRetired ? 'true' : 'false' },
      signal ? { signal } : {},
    ),
  get: (code: string, signal?: AbortSignal) =>
    api.get<DivisionDetail>(`/api/v1/divisions/${enc(code)}`, undefined, signal ? { signal } : {}),
  stats: () => api.get<DivisionStats>('/api/v1/divisions/stats'),
};

export interface UnitQuery {
  q?: string;
  divisionCode?: string;
  type?: UnitType;
  status?: Unit['status'];
  cursor?: string | null;
  limit?: number;
}

export const unitApi = {
  list: (query: UnitQuery, signal?: AbortSignal) =>
    api.get<Page<Unit>>('/api/v1/units', { ...query }, signal ? { signal } : {}),
  stats: () => api.get<UnitStats>('/api/v1/units/stats'),
  get: (id: string) => api.get<Unit>(`/api/v1/units/${enc(id)}`),
  create: (input: UnitInput) => api.post<Unit>('/api/v1/units', input),
  update: (id: string, patch: UnitPatch) => api.patch<Unit>(`/api/v1/units/${enc(id)}`, patch),
};

export const historyApi = {
  versions: (entityType: string, entityId: string) =>
    api.get<{ items: RecordVersion[] }>(`/api/v1/history/${enc(entityType)}/${enc(entityId)}`),
};

export const calendarApi = {
  year: (year: number) => api.get<CalendarYear>('/api/v1/calendar', { year }),
  addOverride: (input: CalendarOverrideInput) =>
    api.post<unknown>('/api/v1/calendar/overrides', input),
  addWorkingDays: (from: string, days: number) =>
    api.get<DueDate>('/api/v1/calendar/add-working-days', { from, days }),
};

export const roleApi = {
  list: () => api.get<{ items: RoleInfo[] }>('/api/v1/roles'),
};

export interface AccountListQuery {
  q?: string;
  status?: Account['status'];
  unitId?: string;
}

/**
 * The account calls under one prefix: `/api/v1/unit-admins` (the system administrator's
 * unit administrators) or `/api/v1/accounts` (a unit administrator's business accounts).
 */
/** An account that can take over another's work (same unit, active). */
export interface HandoverCandidate {
  id: string;
  username: string;
  displayName: string;
  office: string | null;
}

export function accountApi(prefix: '/api/v1/unit-admins' | '/api/v1/accounts') {
  const one = (id: string) => `${prefix}/${enc(id)}`;
  return {
    list: (query: AccountListQuery) => api.get<{ items: Account[] }>(prefix, { ...query }),
    get: (id: string) => api.get<Account>(one(id)),
    create: (input: AccountInput) => api.post<AccountCreated>(prefix, input),
    update: (id: string, patch: AccountPatch) => api.patch<Account>(one(id), patch),
    resetPassword: (id: string) =>
      api.post<{ initialPassword: string }>(`${one(id)}/reset-password`),
    disable: (id: string, reason: string) => api.post<Account>(`${one(id)}/disable`, { reason }),
    enable: (id: string, reason: string) => api.post<Account>(`${one(id)}/enable`, { reason }),
    unlock: (id: string) => api.post<void>(`${one(id)}/unlock`),
    handover: (id: string, input: HandoverInput) =>
      api.post<{ handoverId: string; account: Account }>(`${one(id)}/handover`, input),
    handovers: (id: string) => api.get<{ items: Handover[] }>(`${one(id)}/handovers`),
    handoverCandidates: (id: string) =>
      api.get<{ items: HandoverCandidate[] }>(`${one(id)}/handover-candidates`),
  };
}

export type AccountApi = ReturnType<typeof accountApi>;

export const accountReviewApi = {
  get: (unitId?: string) => api.get<AccountReview>('/api/v1/account-review', { unitId }),
  exportXlsx: (unitId?: string) =>
    downloadFile('/api/v1/account-review.xlsx', { unitId }, '账号清理审查报告.xlsx'),
  witnesses: () => api.get<{ items: Witness[] }>('/api/v1/witnesses'),
};

export const policyApi = {
  get: () => api.get<SecurityPolicy>('/api/v1/security-policy'),
  put: (policy: SecurityPolicy) => api.put<SecurityPolicy>('/api/v1/security-policy', policy),
};

export type UnitAuditView = 'provider' | 'consumer';

export const auditApi = {
  entries: (query: AuditQuery, cursor?: string | null, limit = 50) =>
    api.get<Page<AuditEntry>>('/api/v1/audit/entries', { ...query, cursor, limit }),
  unitEntries: (
    view: UnitAuditView,
    query: Omit<AuditQuery, 'unitId'>,
    cursor?: string | null,
    limit = 50,
  ) => api.get<Page<AuditEntry>>('/api/v1/audit/unit-entries', { ...query, view, cursor, limit }),
  exportFile: (format: 'csv' | 'xlsx', query: AuditQuery) =>
    downloadFile(`/api/v1/audit/entries.${format}`, { ...query }, `审计日志.${format}`),
  exportUnitFile: (format: 'csv' | 'xlsx', view: UnitAuditView, query: AuditQuery) =>
    downloadFile(
      `/api/v1/audit/unit-entries.${format}`,
      { ...query, view },
      `本单位日志.${format}`,
    ),
  chain: () => api.get<AuditChain>('/api/v1/audit/chain'),
  checkpoint: () => api.post<AuditCheckpoint>('/api/v1/audit/checkpoints'),
};

export const batchApi = {
  list: () => api.get<{ items: BatchChange[] }>('/api/v1/batch-changes'),
  get: (id: string) => api.get<BatchChange>(`/api/v1/batch-changes/${enc(id)}`),
  versions: (id: string) =>
    api.get<{ items: BatchVersion[] }>(`/api/v1/batch-changes/${enc(id)}/versions`),
  create: (input: BatchChangeInput) => api.post<BatchChange>('/api/v1/batch-changes', input),
  approve: (id: string, note?: string) =>
    api.post<BatchChange>(`/api/v1/batch-changes/${enc(id)}/approve`, note ? { note } : {}),
  reject: (id: string, note: string) =>
    api.post<BatchChange>(`/api/v1/batch-changes/${enc(id)}/reject`, { note }),
};

/** Asked once per page load: the vocabularies never change while the platform runs. */
let vocabularies: Promise<CatalogVocabularies> | null = null;

export const catalogApi = {
  vocabularies: () => {
    vocabularies ??= api
      .get<CatalogVocabularies>('/api/v1/catalog/vocabularies')
      .catch((e: unknown) => {
        vocabularies = null; // try again next time
        throw e;
      });
    return vocabularies;
  },
  search: (query: CatalogSearchQuery, signal?: AbortSignal) =>
    api.get<SearchResult>('/api/v1/catalog/search', { ...query }, signal ? { signal } : {}),
  list: (queue: EntryQueue, cursor: string | null, limit = 20, signal?: AbortSignal) =>
    api.get<Page<EntrySummary>>(
      '/api/v1/catalog/entries',
      { queue, cursor, limit },
      signal ? { signal } : {},
    ),
  get: (id: string) => api.get<EntryDetail>(`/api/v1/catalog/entries/${enc(id)}`),
  version: (id: string, version: number) =>
    api.get<VersionDetail>(`/api/v1/catalog/entries/${enc(id)}/versions/${version}`),
  create: (content: EntryContent) => api.post<EntryDetail>('/api/v1/catalog/entries', { content }),
  updateDraft: (id: string, content: EntryContent, version: number) =>
    api.put<EntryDetail>(`/api/v1/catalog/entries/${enc(id)}/draft`, { content, version }),
  act: (id: string, action: EntryActionName, note?: string) =>
    api.post<EntryDetail>(`/api/v1/catalog/entries/${enc(id)}/actions`, {
      action,
      ...(note ? { note } : {}),
    }),
  complianceCheck: (content: EntryContent, signal?: AbortSignal) =>
    api.post<{ findings: ComplianceFinding[] }>(
      '/api/v1/catalog/compliance-check',
      { content },
      signal ? { signal } : {},
    ),
};

export const projectApi = {
  list: () => api.get<{ items: ProjectSummary[] }>('/api/v1/catalog/projects'),
  get: (id: string) => api.get<Project>(`/api/v1/catalog/projects/${enc(id)}`),
  create: (input: ProjectInput) => api.post<Project>('/api/v1/catalog/projects', input),
  decide: (id: string, decision: 'approve' | 'reject', note?: string) =>
    api.post<Project>(`/api/v1/catalog/projects/${enc(id)}/decision`, {
      decision,
      ...(note ? { note } : {}),
    }),
};

export interface RowQuery {
  key?: string;
  cursor?: string | null;
  limit?: number;
}

export const dataApi = {
  rows: (entryId: string, query: RowQuery, signal?: AbortSignal) =>
    api.get<RowPage>(
      `/api/v1/catalog/entries/${enc(entryId)}/rows`,
      { ...query },
      signal ? { signal } : {},
    ),
  saveRow: (entryId: string, values: Record<string, RowValue>) =>
    api.put<RowSaved>(`/api/v1/catalog/entries/${enc(entryId)}/rows`, { values }),
  /** Uploads a data file (CSV, XLSX, JSON); answers at once with status `running`. */
  startImport: (entryId: string, file: File) =>
    api.upload<ImportSummary>(`/api/v1/catalog/entries/${enc(entryId)}/imports`, file, {
      fileName: file.name,
    }),
  imports: (entryId: string) =>
    api.get<{ items: ImportSummary[] }>(`/api/v1/catalog/entries/${enc(entryId)}/imports`),
  getImport: (id: string) => api.get<ImportSummary>(`/api/v1/data/imports/${enc(id)}`),
  downloadReport: (id: string, fileName: string) =>
    downloadFile(`/api/v1/data/imports/${enc(id)}/report`, {}, `导入错误报告-${fileName}.xlsx`),
};

/** The public open-data catalog (no login). */
export const openApi = {
  search: (query: CatalogSearchQuery, signal?: AbortSignal) =>
    api.get<SearchResult>('/api/v1/open/catalog', { ...query }, signal ? { signal } : {}),
  get: (code: string) => api.get<OpenEntry>(`/api/v1/open/catalog/${enc(code)}`),
  /** The address of the CSV download (a plain link: no session needed). */
  dataUrl: (code: string, format: 'csv' | 'ndjson' = 'csv') =>
    `/api/v1/open/catalog/${enc(code)}/data?format=${format}`,
};

/** Sharing requests (共享申请), grants (授权), error reports, supervision (电子监察). */
export const sharingApi = {
  list: (
    queue: SharingQueue,
    cursor: string | null,
    status?: SharingRequestStatus,
    limit = 20,
    signal?: AbortSignal,
  ) =>
    api.get<Page<SharingRequestSummary>>(
      '/api/v1/sharing/requests',
      { queue, cursor, status, limit },
      signal ? { signal } : {},
    ),
  get: (id: string) => api.get<SharingRequestDetail>(`/api/v1/sharing/requests/${enc(id)}`),
  file: (input: SharingRequestInput) =>
    api.post<SharingRequestDetail>('/api/v1/sharing/requests', input),
  act: (id: string, input: SharingActionInput) =>
    api.post<SharingRequestDetail>(`/api/v1/sharing/requests/${enc(id)}/actions`, input),
  sheet: (id: string) => api.get<ImplementationSheet>(`/api/v1/sharing/requests/${enc(id)}/sheet`),
  grants: (side: 'consumer' | 'provider') =>
    api.get<{ items: SharingGrant[] }>('/api/v1/sharing/grants', { side }),
  revoke: (grantId: string, reason: string) =>
    api.post<SharingGrant>(`/api/v1/sharing/grants/${enc(grantId)}/revoke`, { reason }),
  reportError: (grantId: string, input: SharingErrorReportInput) =>
    api.post<SharingErrorReport>(`/api/v1/sharing/grants/${enc(grantId)}/error-reports`, input),
  answerError: (reportId: string, answer: string) =>
    api.post<SharingErrorReport>(`/api/v1/sharing/error-reports/${enc(reportId)}/answer`, {
      answer,
    }),
  supervision: () => api.get<SharingSupervision>('/api/v1/sharing/supervision'),
  policy: () => api.get<SharingPolicyView>('/api/v1/sharing/policy'),
  setPolicy: (policy: SharingPolicy) =>
    api.put<SharingPolicyView>('/api/v1/sharing/policy', policy),
};

export const notificationApi = {
  list: (unreadOnly: boolean, signal?: AbortSignal) =>
    api.get<{ items: AppNotification[]; unread: number }>(
      '/api/v1/notifications',
      { unread: unreadOnly ? 'true' : 'false' },
      signal ? { signal } : {},
    ),
  markRead: (id: number) => api.post<void>(`/api/v1/notifications/${id}/read`),
  markAllRead: () => api.post<void>('/api/v1/notifications/read-all'),
};
