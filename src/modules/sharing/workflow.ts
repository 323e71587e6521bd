/**
 * The lifecycle of a sharing request (共享申请, SHR-01 … SHR-07). Unconditional resources:
 * the platform approves at its pre-check and delivers (SHR-02). Conditional ones: the platform
 * pre-checks, the provider approves or refuses, the platform delivers (SHR-03). Either party
 * may take a dispute to the sharing authority (SHR-07), whose outcome is one of three actions.
 */
import { defineWorkflow } from '../../lib/workflow.ts';
import type { SharingRequestStatus, SharingStepKind } from '../../db/schema.ts';

export const sharingWorkflow = defineWorkflow<
  SharingRequestStatus,
  | 'file'
  | 'withdraw'
  | 'precheck_pass'
  | 'precheck_reject'
  | 'approve'
  | 'refuse'
  | 'deliver'
  | 'escalate'
  | 'resolve_approve'
  | 'resolve_refuse'
  | 'resolve_return'
>({
  initial: 'prechecking',
  transitions: {
    file: { from: ['prechecking'], to: 'prechecking', label: '提交申请' },
    withdraw: { from: ['prechecking', 'provider_review'], to: 'withdrawn', label: '撤回申请' },
    precheck_pass: { from: ['prechecking'], to: 'provider_review', label: '预审通过' },
    precheck_reject: { from: ['prechecking'], to: 'rejected', label: '预审不通过' },
    approve: { from: ['prechecking', 'provider_review'], to: 'authorized', label: '批准共享' },
    refuse: { from: ['provider_review'], to: 'refused', label: '不予共享' },
    deliver: { from: ['authorized'], to: 'granted', label: '交付' },
    escalate: { from: ['provider_review', 'refused'], to: 'disputed', label: '提请协调' },
    resolve_approve: { from: ['disputed'], to: 'authorized', label: '协调结果：予以共享' },
    resolve_refuse: { from: ['disputed'], to: 'refused', label: '协调结果：不予共享' },
    resolve_return: {
      from: ['disputed'],
      to: 'provider_review',
      label: '协调结果：退回提供方重新审批',
    },
  },
});

export type SharingAction = keyof typeof sharingWorkflow.transitions;

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

export const stepLabels: Record<SharingStepKind, string> = {
  precheck: '平台预审',
  provider_decision: '提供方审批',
  delivery: '平台交付',
  dispute: '争议协调',
  error_answer: '答复数据纠错',
};
