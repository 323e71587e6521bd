// Shared bits of the sharing pages (共享申请): status, due-state and grant tags, the Chinese
// labels of the workflow's actions and steps, the provision modes.
import { Tag, Tooltip } from 'antd';
import type {
  DueState,
  GrantStatus,
  ProvisionMode,
  SharingActionName,
  SharingRequestStatus,
  StepState,
} from '../../api/types';

export const requestStatusLabels: Record<SharingRequestStatus, string> = {
  prechecking: '平台预审',
  provider_review: '提供方审批',
  authorized: '待交付',
  granted: '已授权',
  rejected: '预审不通过',
  refused: '不予共享',
  disputed: '协调中',
  withdrawn: '已撤回',
};

const requestStatusColors: Record<SharingRequestStatus, string> = {
  prechecking: 'processing',
  provider_review: 'blue',
  authorized: 'purple',
  granted: 'success',
  rejected: 'error',
  refused: 'error',
  disputed: 'warning',
  withdrawn: 'default',
};

export function RequestStatusTag({
  status,
  label,
}: {
  status: SharingRequestStatus;
  label?: string | undefined;
}) {
  return (
    <Tag
      color={requestStatusColors[status] ?? 'default'}
      data-testid="request-status"
      data-status={status}
    >
      {label ?? requestStatusLabels[status] ?? status}
    </Tag>
  );
}

export const stepStateLabels: Record<StepState, string> = {
  on_time: '办理中',
  due_soon: '临期',
  overdue: '超期',
  done: '按期办结',
  late: '超期办结',
};

const stepStateColors: Record<StepState, string> = {
  on_time: 'blue',
  due_soon: 'orange',
  overdue: 'red',
  done: 'green',
  late: 'volcano',
};

/** 临期 (orange) / 超期 (red) / 办理中 …, with the working days left as a tooltip. */
export function StepStateTag({
  state,
  daysLeft,
}: {
  state: StepState | DueState | null;
  daysLeft?: number | null;
}) {
  if (!state) return null;
  const tip =
    daysLeft === null || daysLeft === undefined
      ? ''
      : daysLeft < 0
        ? `已超期 ${-daysLeft} 个工作日`
        : `剩余 ${daysLeft} 个工作日`;
  const tag = (
    <Tag color={stepStateColors[state]} data-testid="due-state" data-state={state}>
      {stepStateLabels[state]}
    </Tag>
  );
  return tip ? <Tooltip title={tip}>{tag}</Tooltip> : tag;
}

/** The due-state tag of a list row: only 临期 and 超期 are worth a colour there. */
export function DueTag({ state }: { state: DueState | null }) {
  if (state !== 'due_soon' && state !== 'overdue') return null;
  return <StepStateTag state={state} />;
}

export const grantStatusLabels: Record<GrantStatus, string> = {
  authorized: '待交付',
  active: '有效',
  expired: '已到期',
  revoked: '已撤销',
};

const grantStatusColors: Record<GrantStatus, string> = {
  authorized: 'purple',
  active: 'success',
  expired: 'default',
  revoked: 'error',
};

export function GrantStatusTag({ status }: { status: GrantStatus }) {
  return (
    <Tag color={grantStatusColors[status]} data-testid="grant-status" data-status={status}>
      {grantStatusLabels[status]}
    </Tag>
  );
}

export const modeLabels: Record<ProvisionMode, string> = {
  verify: '比对验证',
  query: '查询引用',
  batch: '批量复制',
  subscribe: '订阅推送',
  file: '文件下载',
};

export function modeLabel(code: string): string {
  return modeLabels[code as ProvisionMode] ?? code;
}

export const sharingTypeLabels: Record<string, string> = {
  unconditional: '无条件共享',
  conditional: '有条件共享',
  none: '不予共享',
};

export const actionLabels: Record<SharingActionName, string> = {
  withdraw: '撤回申请',
  precheck_pass: '预审通过',
  precheck_reject: '预审不通过',
  approve: '批准共享',
  refuse: '不予共享',
  deliver: '交付',
  escalate: '提请协调',
  resolve: '协调处理',
};

export const queueLabels = {
  todo: '待我处理',
  mine: '本单位的申请',
  provider: '向本单位的申请',
  all: '全部',
} as const;
