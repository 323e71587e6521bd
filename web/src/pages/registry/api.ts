// Calls and shapes of the veterans' benefit registry API (优抚对象信息管理, /api/v1/registry),
// kept beside its pages. The server decides everything; the hints here (attachment limits,
// ID number check) only save a round trip.
import { api, downloadFile, type Query } from '../../api/client';

export type RecordStatus = 'draft' | 'approved' | 'suspended' | 'cancelled' | 'discarded';
export type RequestKind = 'register' | 'change' | 'transfer' | 'suspend' | 'resume' | 'cancel';
export type RequestStatus =
  | 'draft'
  | 'pending_check'
  | 'pending_review'
  | 'pending_approval'
  | 'returned'
  | 'approved'
  | 'withdrawn';
export type QueueName = 'to_enter' | 'to_check' | 'to_review' | 'to_approve' | 'returned';
export type RequestActionName =
  'submit' | 'open' | 'report' | 'pass' | 'approve' | 'return' | 'withdraw';
export type BenefitKey =
  | 'disabilityGrade'
  | 'disabilityNature'
  | 'deceasedName'
  | 'relation'
  | 'serviceStart'
  | 'serviceEnd'
  | 'monthlyAmount'
  | 'recognisedOn';

export interface Benefit {
  disabilityGrade?: string | null;
  disabilityNature?: string | null;
  deceasedName?: string | null;
  relation?: string | null;
  serviceStart?: string | null;
  serviceEnd?: string | null;
  monthlyAmount?: number | null;
  recognisedOn?: string | null;
  note?: string | null;
}

export interface RecordFields {
  name: string;
  idNumber: string;
  sex?: string | null;
  birthDate?: string | null;
  ethnicity?: string | null;
  divisionCode: string;
  address?: string | null;
  phone?: string | null;
  categoryCode: string;
  benefit: Benefit;
}

export interface Finding {
  code: string;
  field: string;
  message: string;
  blocking: boolean;
}

export interface Attachment {
  id: string;
  kind: string;
  kindLabel: string;
  fileName: string;
  byteSize: number;
  width: number | null;
  height: number | null;
  sm3: string;
  requestId: string | null;
  uploadedAt: string;
  uploadedByName: string;
}

export interface Problem {
  id: string;
  recordId: string;
  recordNo: string;
  personName: string;
  countyCode: string;
  countyName: string;
  kind: string;
  kindLabel: string;
  detail: string;
  status: 'open' | 'cleared' | 'corrected';
  detectedAt: string;
  resolvedAt: string | null;
  resolvedByName: string | null;
  resolutionNote: string | null;
}

export interface ActionEntry {
  id: number;
  requestId: string | null;
  requestNo: string | null;
  requestKind: RequestKind | null;
  action: string;
  label: string;
  fromStatus: string | null;
  toStatus: string | null;
  actorName: string;
  actorUnitName: string;
  at: string;
  note: string | null;
  detail: Record<string, unknown> | null;
}

export interface RecordSummary {
  id: string;
  recordNo: string;
  status: RecordStatus;
  statusLabel: string;
  name: string;
  idNumberMasked: string;
  sex: string | null;
  birthDate: string | null;
  divisionCode: string;
  divisionName: string;
  categoryCode: string;
  categoryName: string;
  certificateNo: string | null;
  openProblems: number;
  openRequest: { id: string; kind: RequestKind; status: RequestStatus } | null;
  updatedAt: string;
}

export interface RecordDetail {
  id: string;
  recordNo: string;
  version: number;
  status: RecordStatus;
  statusLabel: string;
  name: string;
  idNumber: string;
  sex: string | null;
  birthDate: string | null;
  ethnicity: string | null;
  divisionCode: string;
  divisionName: string;
  countyCode: string;
  address: string | null;
  phone: string | null;
  categoryCode: string;
  categoryName: string;
  benefit: Benefit;
  idValid: boolean;
  idProblem: string | null;
  idVerification: {
    verifiedBy: string;
    recordedByName: string;
    at: string;
    note: string | null;
  } | null;
  certificateNo: string | null;
  certificateIssuedAt: string | null;
  materialsComplete: boolean;
  unitId: string;
  unitName: string;
  attachments: Attachment[];
  problems: Problem[];
  findings: Finding[];
  openRequest: { id: string; no: string; kind: RequestKind; status: RequestStatus } | null;
  allowedActions: string[];
  createdAt: string;
  updatedAt: string;
  approvedAt: string | null;
}

export interface RequestSummary {
  id: string;
  no: string;
  kind: RequestKind;
  kindLabel: string;
  status: RequestStatus;
  statusLabel: string;
  recordId: string;
  recordNo: string;
  name: string;
  idNumberMasked: string;
  divisionCode: string;
  divisionName: string;
  categoryCode: string;
  categoryName: string;
  unitName: string;
  openedByMe: boolean;
  openProblems: number;
  returnReason: string | null;
  updatedAt: string;
}

export interface ProposedChange {
  field: string;
  label: string;
  before: unknown;
  after: unknown;
}

export interface RequestDetail extends RequestSummary {
  version: number;
  reason: string | null;
  proposal: Record<string, unknown> | null;
  changes: ProposedChange[];
  record: RecordDetail;
  actions: ActionEntry[];
  findings: Finding[];
  checkFields: { field: string; label: string; value: unknown }[];
  allowedActions: string[];
}

export interface QueueList {
  items: RequestSummary[];
  nextCursor: string | null;
  total: number;
  unopened: number;
}

export interface Category {
  code: string;
  name: string;
  certificateName: string;
  requiredBenefit: BenefitKey[];
  forbiddenBenefit: BenefitKey[];
  active: boolean;
  sort: number;
}

export interface CertificateRuleView {
  rules: { category: string; template: string }[];
  prefix: string;
  updatedAt: string | null;
  updatedByName: string | null;
  examples: { category: string; example: string }[];
}

export interface DeadlineInput {
  year: number;
  deadline: string;
  completionWorkingDays: number;
}

export interface LockState {
  locked: boolean;
  lockedByName: string | null;
  lockedAt: string | null;
  reason: string | null;
}

export interface Overview {
  deadline: (DeadlineInput & { completionDue: string; daysLeft: number; passed: boolean }) | null;
  lock: LockState;
  queues: Record<string, number>;
  level: string;
  divisionCode: string;
  divisionName: string;
}

export interface IncompleteUnits {
  deadline: string | null;
  passed: boolean;
  completionDue: string | null;
  items: {
    countyCode: string;
    countyName: string;
    cityName: string;
    unreported: number;
    missingMaterials: number;
    openProblems: number;
    missing: string[];
    completionDue: string;
  }[];
}

export interface ProblemList {
  items: Problem[];
  nextCursor: string | null;
  counties: {
    countyCode: string;
    countyName: string;
    total: number;
    open: number;
    resolved: number;
    cleanupRate: number | null;
  }[];
}

export interface QualityRow {
  code: string;
  name: string;
  level: 'province' | 'city' | 'county';
  records: number;
  completeness: number | null;
  accuracy: number | null;
  reportingTimeliness: number | null;
  reviewTimeliness: number | null;
  cleanupRate: number | null;
  openProblems: number;
}

export interface Backup {
  id: string;
  at: string;
  location: string;
  note: string | null;
  recordedByName: string;
  recordedAt: string;
}

export interface Quality {
  generatedAt: string;
  reviewWorkingDays: number;
  deadline: string | null;
  rows: QualityRow[];
  lastBackup: Backup | null;
  backupCurrent: boolean;
  ministryLink: { status: 'not_connected'; label: string };
  catalog: {
    resourceId: string | null;
    code: string | null;
    sharingType: string | null;
    openType: string | null;
  };
}

export interface PrintForm {
  title: string;
  recordNo: string;
  printedAt: string;
  sections: { title: string; rows: { label: string; value: string }[] }[];
  attachments: { kindLabel: string; fileName: string; sm3: string }[];
  signatures: { step: string; name: string; unit: string; at: string }[];
}

export interface HistoryView {
  actions: ActionEntry[];
  versions: {
    version: number;
    changedAt: string;
    changedByName: string | null;
    method: string;
    reason: string | null;
    approvalRef: string | null;
    changes: { field: string; before: unknown; after: unknown }[];
  }[];
}

export type RequestCreate =
  | { kind: 'change'; changes: Partial<Omit<RecordFields, 'divisionCode'>>; reason: string }
  | { kind: 'transfer'; divisionCode: string; address?: string | null; reason: string }
  | { kind: 'suspend'; reason: string }
  | { kind: 'resume'; reason: string }
  | {
      kind: 'cancel';
      cancelKind: 'death' | 'loss_of_status' | 'other';
      effectiveOn: string;
      reason: string;
    };

export interface RecordListQuery {
  q?: string;
  categoryCode?: string;
  divisionCode?: string;
  status?: RecordStatus;
  missingCertificate?: boolean;
  withProblems?: boolean;
}

export interface QueueQuery {
  queue: QueueName;
  q?: string;
  kind?: RequestKind;
  categoryCode?: string;
  divisionCode?: string;
}

const enc = encodeURIComponent;
const base = '/api/v1/registry';

function recordQuery(q: RecordListQuery): Query {
  return {
    q: q.q,
    categoryCode: q.categoryCode,
    divisionCode: q.divisionCode,
    status: q.status,
    missingCertificate: q.missingCertificate ? 'true' : undefined,
    withProblems: q.withProblems ? 'true' : undefined,
  };
}

function queueQuery(q: QueueQuery): Query {
  return {
    queue: q.queue,
    q: q.q,
    kind: q.kind,
    categoryCode: q.categoryCode,
    divisionCode: q.divisionCode,
  };
}

export const registryApi = {
  overview: () => api.get<Overview>(`${base}/overview`),
  categories: () => api.get<{ items: Category[] }>(`${base}/categories`).then((r) => r.items),
  saveCategory: (code: string, c: Omit<Category, 'code'>) =>
    api.put<Category>(`${base}/categories/${enc(code)}`, c),
  certificateRules: () => api.get<CertificateRuleView>(`${base}/certificate-rules`),
  saveCertificateRules: (set: {
    rules: { category: string; template: string }[];
    prefix: string;
  }) => api.put<CertificateRuleView>(`${base}/certificate-rules`, set),
  setDeadline: (d: DeadlineInput) => api.put<Overview>(`${base}/deadline`, d),
  lock: (reason: string) => api.post<LockState>(`${base}/lock`, { reason }),
  unlock: (reason: string) => api.post<LockState>(`${base}/unlock`, { reason }),
  incompleteUnits: () => api.get<IncompleteUnits>(`${base}/incomplete-units`),

  records: (q: RecordListQuery, cursor: string | null, limit: number, signal?: AbortSignal) =>
    api.get<{ items: RecordSummary[]; nextCursor: string | null }>(
      `${base}/records`,
      { ...recordQuery(q), cursor, limit },
      signal ? { signal } : {},
    ),
  exportRecords: (q: RecordListQuery) =>
    downloadFile(`${base}/records.xlsx`, recordQuery(q), '优抚对象名册.xlsx'),
  createRecord: (f: RecordFields) => api.post<RecordDetail>(`${base}/records`, f),
  record: (id: string) => api.get<RecordDetail>(`${base}/records/${enc(id)}`),
  updateRecord: (id: string, f: RecordFields & { version: number }) =>
    api.put<RecordDetail>(`${base}/records/${enc(id)}`, f),
  discardRecord: (id: string, reason: string) =>
    api.post<RecordDetail>(`${base}/records/${enc(id)}/discard`, { reason }),
  uploadAttachment: (id: string, kind: string, file: Blob, fileName: string) =>
    api.upload<Attachment>(
      `${base}/records/${enc(id)}/attachments`,
      file,
      { kind, fileName },
      'application/octet-stream',
    ),
  attachmentUrl: (id: string, attachmentId: string) =>
    `${base}/records/${enc(id)}/attachments/${enc(attachmentId)}`,
  removeAttachment: (id: string, attachmentId: string) =>
    api.delete<RecordDetail>(`${base}/records/${enc(id)}/attachments/${enc(attachmentId)}`),
  verifyId: (id: string, verifiedBy: string, note?: string) =>
    api.post<RecordDetail>(`${base}/records/${enc(id)}/id-verification`, {
      verifiedBy,
      ...(note ? { note } : {}),
    }),
  history: (id: string) => api.get<HistoryView>(`${base}/records/${enc(id)}/history`),
  printForm: (id: string) => api.get<PrintForm>(`${base}/records/${enc(id)}/form`),
  completeCertificate: (id: string) =>
    api.post<RecordDetail>(`${base}/records/${enc(id)}/certificate`),
  fileRequest: (id: string, body: RequestCreate) =>
    api.post<RequestDetail>(`${base}/records/${enc(id)}/requests`, body),

  queue: (q: QueueQuery, cursor: string | null, limit: number, signal?: AbortSignal) =>
    api.get<QueueList>(
      `${base}/queue`,
      { ...queueQuery(q), cursor, limit },
      signal ? { signal } : {},
    ),
  exportQueue: (q: QueueQuery) =>
    downloadFile(`${base}/queue.xlsx`, queueQuery(q), '优抚工作队列.xlsx'),
  bulk: (action: 'pass' | 'approve', requestIds: string[], note?: string) =>
    api.post<{ done: number; certificateNumbers: { requestId: string; certificateNo: string }[] }>(
      `${base}/requests/bulk`,
      { action, requestIds, ...(note ? { note } : {}) },
    ),
  request: (id: string) => api.get<RequestDetail>(`${base}/requests/${enc(id)}`),
  updateRequest: (id: string, version: number, proposal: RequestCreate) =>
    api.put<RequestDetail>(`${base}/requests/${enc(id)}`, { version, proposal }),
  act: (
    id: string,
    action: RequestActionName,
    extra: { note?: string; checkedFields?: string[] } = {},
  ) => api.post<RequestDetail>(`${base}/requests/${enc(id)}/actions`, { action, ...extra }),

  problems: (
    q: { countyCode?: string; kind?: string; status?: Problem['status'] },
    cursor: string | null,
    limit: number,
    signal?: AbortSignal,
  ) => api.get<ProblemList>(`${base}/problems`, { ...q, cursor, limit }, signal ? { signal } : {}),
  screenProblems: () =>
    api.post<{ scanned: number; flagged: number; corrected: number }>(`${base}/problems/screen`),
  resolveProblem: (id: string, resolution: 'cleared' | 'corrected', note: string) =>
    api.post<Problem>(`${base}/problems/${enc(id)}/resolve`, { resolution, note }),

  quality: () => api.get<Quality>(`${base}/quality`),
  backups: () => api.get<{ items: Backup[] }>(`${base}/backups`).then((r) => r.items),
  recordBackup: (b: { location: string; note?: string; at?: string }) =>
    api.post<Backup>(`${base}/backups`, b),
};

// ---- client-side hints (the server checks again and decides) ----------------------------

export type AttachmentKind =
  'id_portrait' | 'id_card_copy' | 'household_register_copy' | 'yearly_photo' | 'other_scan';

/** The limits of 民办发〔2017〕28号 四(一); 户口簿复印件 has none of its own and counts as a scan. */
export const attachmentKindHints: Record<
  AttachmentKind,
  { name: string; maxKb: number; required: boolean }
> = {
  id_card_copy: { name: '身份证复印件', maxKb: 40, required: true },
  household_register_copy: { name: '户口簿复印件', maxKb: 300, required: true },
  id_portrait: { name: '身份证基准头像', maxKb: 3, required: false },
  yearly_photo: { name: '个人年度近照', maxKb: 300, required: false },
  other_scan: { name: '其他扫描件', maxKb: 300, required: false },
};

/**
 * What is wrong with a file before it is sent, judged like the server does: by its first
 * bytes (a JPEG starts FF D8 FF) and its size. Null when it looks fine.
 */
export async function attachmentHint(kind: AttachmentKind, file: Blob): Promise<string | null> {
  const spec = attachmentKindHints[kind];
  if (file.size === 0) return `${spec.name}文件为空`;
  const head = new Uint8Array(await file.slice(0, 3).arrayBuffer());
  if (head[0] !== 0xff || head[1] !== 0xd8 || head[2] !== 0xff) {
    return `${spec.name}必须是 JPG 格式的图片（按文件内容判断，改扩展名无效）`;
  }
  if (file.size > spec.maxKb * 1024) {
    return `${spec.name}不能超过 ${spec.maxKb} KB，所选文件为 ${(file.size / 1024).toFixed(1)} KB`;
  }
  return null;
}

export const requestKindLabels: Record<RequestKind, string> = {
  register: '新增登记',
  change: '信息变更',
  transfer: '迁移',
  suspend: '暂停',
  resume: '恢复',
  cancel: '注销',
};

export const requestStatusLabels: Record<RequestStatus, string> = {
  draft: '待录入',
  pending_check: '待复核',
  pending_review: '待审核',
  pending_approval: '待审批',
  returned: '被退回',
  approved: '已审批',
  withdrawn: '已撤回',
};

export const recordStatusLabels: Record<RecordStatus, string> = {
  draft: '登记中',
  approved: '在册',
  suspended: '暂停',
  cancelled: '已注销',
  discarded: '已作废',
};

export const queueLabels: Record<QueueName, string> = {
  to_enter: '待录入',
  to_check: '待复核',
  to_review: '待审核',
  to_approve: '待审批',
  returned: '被退回',
};

export const benefitLabels: Record<BenefitKey | 'note', string> = {
  disabilityGrade: '残疾等级',
  disabilityNature: '残疾性质',
  deceasedName: '牺牲（病故）军人姓名',
  relation: '与牺牲（病故）军人关系',
  serviceStart: '入伍时间',
  serviceEnd: '退伍时间',
  monthlyAmount: '抚恤补助标准（元/月）',
  recognisedOn: '认定日期',
  note: '备注',
};

export const benefitKeys = Object.keys(benefitLabels).filter((k) => k !== 'note') as BenefitKey[];
