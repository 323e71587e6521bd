/**
 * The two state machines of the registry. A request (登记 or a change to an approved record)
 * climbs the levels: entered → re-checked and reported by the county (复核上报) → reviewed by
 * the city (审核) → approved by the province (审批); any level may return it (退回) to the
 * enterer. A record's own status follows from the requests approved on it.
 */
import { defineWorkflow } from '../../lib/workflow.ts';
import type { DutyRoleMap } from '../iam/duties.ts';
import type { RecordStatus, RequestKind, RequestStatus } from './schemas.ts';

export const requestWorkflow = defineWorkflow<
  RequestStatus,
  'create' | 'edit' | 'submit' | 'open' | 'report' | 'pass' | 'approve' | 'return' | 'withdraw'
>({
  initial: 'draft',
  transitions: {
    create: { from: ['draft'], to: 'draft', label: '录入' },
    edit: { from: ['draft', 'returned'], to: null, label: '修改' },
    submit: { from: ['draft', 'returned'], to: 'pending_check', label: '提交复核' },
    open: {
      from: ['pending_check', 'pending_review', 'pending_approval'],
      to: null,
      label: '查看',
    },
    report: { from: ['pending_check'], to: 'pending_review', label: '复核上报' },
    pass: { from: ['pending_review'], to: 'pending_approval', label: '审核通过' },
    approve: { from: ['pending_approval'], to: 'approved', label: '审批通过' },
    return: {
      from: ['pending_check', 'pending_review', 'pending_approval'],
      to: 'returned',
      label: '退回',
    },
    withdraw: { from: ['draft', 'returned'], to: 'withdrawn', label: '撤回' },
  },
});
export type RequestAction = keyof typeof requestWorkflow.transitions;

/** The record's own life: what approved requests (and discarding a draft) lead to. */
export const recordWorkflow = defineWorkflow<
  RecordStatus,
  | 'enter'
  | 'register'
  | 'import_historical'
  | 'change'
  | 'transfer'
  | 'suspend'
  | 'resume'
  | 'cancel'
  | 'discard'
>({
  initial: 'draft',
  transitions: {
    enter: { from: ['draft'], to: 'draft', label: '录入' },
    register: { from: ['draft'], to: 'approved', label: '登记审批通过' },
    import_historical: { from: ['draft'], to: 'approved', label: '导入历史已审批数据' },
    change: { from: ['approved', 'suspended'], to: null, label: '变更' },
    transfer: { from: ['approved', 'suspended'], to: null, label: '迁移' },
    suspend: { from: ['approved'], to: 'suspended', label: '暂停' },
    resume: { from: ['suspended'], to: 'approved', label: '恢复' },
    cancel: { from: ['approved', 'suspended'], to: 'cancelled', label: '注销' },
    discard: { from: ['draft'], to: 'discarded', label: '作废草稿' },
  },
});
export type RecordAction = keyof typeof recordWorkflow.transitions;

/** Which request kinds a record in each status accepts. */
export function kindAllowed(status: RecordStatus, kind: RequestKind): boolean {
  if (kind === 'register') return false;
  return recordWorkflow.next(status, kind) !== null;
}

/**
 * IAM-04 on one request: whoever entered it (录入) may not re-check, review or approve it;
 * the county re-check and the city review are both 审核; the approver did neither.
 */
export const registryDutyRoles: DutyRoleMap = Object.freeze({
  create: 'enter',
  edit: 'enter',
  submit: 'enter',
  report: 'review',
  pass: 'review',
  approve: 'approve',
});

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

export const requestKindLabels: Record<RequestKind, string> = {
  register: '新增登记',
  change: '信息变更',
  transfer: '迁移',
  suspend: '暂停',
  resume: '恢复',
  cancel: '注销',
};

/** Request number prefixes: 登记 DJ, 变更 BG, 迁移 QY, 暂停 ZT, 恢复 HF, 注销 ZX. */
export const requestNoPrefix: Record<RequestKind, string> = {
  register: 'DJ',
  change: 'BG',
  transfer: 'QY',
  suspend: 'ZT',
  resume: 'HF',
  cancel: 'ZX',
};

/** The level that acts on a request in each pending status. */
export const stageLevel: Partial<Record<RequestStatus, 'county' | 'city' | 'province'>> = {
  pending_check: 'county',
  pending_review: 'city',
  pending_approval: 'province',
};
