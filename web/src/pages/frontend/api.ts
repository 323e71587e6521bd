// Console API of front-end processors (前置机) and reconciliation (对账). Shapes follow
// src/modules/frontend/schemas.ts and src/modules/reconciliation/schemas.ts.
import { api } from '../../api/client';

export interface Holdings {
  rowCount: number;
  checksum: string;
}

export type Reconciled = 'match' | 'count_mismatch' | 'checksum_mismatch';

export interface LastPublication {
  id: string;
  status: 'open' | 'applied' | 'rejected';
  at: string;
  reconciled: Reconciled | null;
}

export interface FrontendNode {
  id: string;
  name: string;
  callbackUrl: string | null;
  status: 'active' | 'revoked';
  createdAt: string;
  revokedAt: string | null;
  lastSeenAt: string | null;
  resources: number;
  lastPublication: LastPublication | null;
}

export interface FrontendResource {
  id: string;
  code: string;
  name: string;
  status: string;
  rowCount: number;
  mapping: { nodeId: string; nodeName: string; mode: 'publish' | 'hold' } | null;
  lastPublication: LastPublication | null;
}

export interface PublicationError {
  chunk: number;
  row: number;
  field: string;
  name: string;
  code: string;
  reason: string;
}

export interface Publication {
  id: string;
  nodeId: string;
  nodeName: string;
  resourceId: string;
  resourceCode: string;
  resourceName: string;
  kind: 'snapshot' | 'delta';
  status: 'open' | 'applied' | 'rejected';
  startedAt: string;
  finishedAt: string | null;
  added: number;
  updated: number;
  deleted: number;
  source: Holdings | null;
  platform: Holdings | null;
  reconciled: Reconciled | null;
  errorCount: number;
  errors: PublicationError[];
  message: string | null;
}

export type Issue =
  | 'receipt_missing'
  | 'count_mismatch'
  | 'checksum_mismatch'
  | 'incomplete'
  | 'publication_rejected'
  | 'no_publication'
  | 'changed_on_platform';

export interface BatchLine {
  batchId: string;
  resourceCode: string;
  resourceName: string;
  providerUnitName: string;
  consumerUnitName: string;
  deliveredAt: string;
  mode: string;
  format: string;
  delivered: { rowCount: number; checksum: string; complete: boolean };
  received: { rowCount: number; checksum: string; receivedAt: string } | null;
  issues: Issue[];
}

export interface PublicationLine {
  resourceId: string;
  resourceCode: string;
  resourceName: string;
  nodeName: string;
  mode: 'publish' | 'hold';
  applied: number;
  rejected: number;
  last: {
    publicationId: string;
    at: string;
    kind: 'snapshot' | 'delta';
    source: Holdings | null;
    platform: Holdings | null;
  } | null;
  platformRowCount: number;
  issues: Issue[];
}

export interface UnitReport {
  unitId: string;
  unitName: string;
  provider: { publications: PublicationLine[]; batches: BatchLine[] };
  consumer: { batches: BatchLine[] };
  differences: number;
}

export interface DailyReport {
  date: string;
  generatedAt: string;
  units: UnitReport[];
  differences: number;
}

export const issueLabels: Record<Issue, string> = {
  receipt_missing: '使用方未回执',
  count_mismatch: '行数不一致',
  checksum_mismatch: '校验值不一致',
  incomplete: '批次未传完',
  publication_rejected: '发布被拒绝',
  no_publication: '当日未发布',
  changed_on_platform: '平台数据被改动',
};

export const frontendApi = {
  nodes: () => api.get<{ items: FrontendNode[] }>('/api/v1/frontend/nodes'),
  register: (body: { name: string; callbackUrl: string | null }) =>
    api.post<FrontendNode & { secret: string }>('/api/v1/frontend/nodes', body),
  update: (id: string, body: { name?: string; callbackUrl?: string | null }) =>
    api.patch<FrontendNode>(`/api/v1/frontend/nodes/${encodeURIComponent(id)}`, body),
  revoke: (id: string) => api.post(`/api/v1/frontend/nodes/${encodeURIComponent(id)}/revoke`),
  resources: () => api.get<{ items: FrontendResource[] }>('/api/v1/frontend/resources'),
  map: (resourceId: string, body: { nodeId: string; mode: 'publish' | 'hold' }) =>
    api.put(`/api/v1/frontend/resources/${encodeURIComponent(resourceId)}/mapping`, body),
  unmap: (resourceId: string) =>
    api.delete(`/api/v1/frontend/resources/${encodeURIComponent(resourceId)}/mapping`),
  publications: () =>
    api.get<{ items: Publication[] }>('/api/v1/frontend/publications', { limit: 100 }),
  report: (date: string) => api.get<DailyReport>('/api/v1/reconciliation/report', { date }),
};
