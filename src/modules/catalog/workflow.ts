/**
 * The review workflow of one catalog entry version (CAT-03): draft → submitted → reviewed →
 * published → superseded by a newer version, or retired. The reviewer opens each submitted
 * version before approving it; a returned version is edited and submitted again.
 */
import { defineWorkflow } from '../../lib/workflow.ts';
import type { CatalogVersionStatus } from '../../db/schema.ts';

export const catalogWorkflow = defineWorkflow<
  CatalogVersionStatus,
  | 'create'
  | 'new_version'
  | 'edit'
  | 'submit'
  | 'withdraw'
  | 'open'
  | 'approve'
  | 'return'
  | 'publish'
  | 'supersede'
  | 'retire'
  | 'confirm_maintained'
  | 'discard'
>({
  initial: 'draft',
  transitions: {
    create: { from: ['draft'], to: 'draft', label: '新建' },
    new_version: { from: ['draft'], to: 'draft', label: '新建版本' },
    edit: { from: ['draft', 'returned'], to: null, label: '修改' },
    submit: { from: ['draft', 'returned'], to: 'submitted', label: '提交审核' },
    withdraw: { from: ['submitted'], to: 'draft', label: '撤回' },
    open: { from: ['submitted'], to: null, label: '查阅' },
    approve: { from: ['submitted'], to: 'reviewed', label: '审核通过' },
    return: { from: ['submitted', 'reviewed'], to: 'returned', label: '退回' },
    publish: { from: ['reviewed'], to: 'published', label: '发布' },
    supersede: { from: ['published'], to: 'superseded', label: '被新版本替代' },
    retire: { from: ['published'], to: 'retired', label: '停用' },
    confirm_maintained: { from: ['published'], to: null, label: '年度维护确认' },
    discard: { from: ['draft', 'returned'], to: 'withdrawn', label: '作废草稿' },
  },
});

export type CatalogAction = keyof typeof catalogWorkflow.transitions;

export const versionStatusLabels: Record<CatalogVersionStatus, string> = {
  draft: '草稿',
  submitted: '待审核',
  returned: '已退回',
  reviewed: '待发布',
  published: '已发布',
  superseded: '历史版本',
  retired: '已停用',
  withdrawn: '已作废',
};
