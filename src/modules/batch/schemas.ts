/** API shapes of batch modification applications (批量修改申请, AUD-05). */
import { z } from 'zod';
import { UnitPatch } from '../org/schemas.ts';

export const BatchChangeItem = z.object({
  entityId: z.string().min(1),
  /** The version the applicant saw: the change is refused if the record moved on since. */
  version: z.number().int(),
  set: UnitPatch.omit({ version: true, reason: true }),
});

export const BatchChangeCreate = z.object({
  title: z.string().trim().min(2, '请填写申请标题').max(100),
  reason: z.string().trim().min(2, '请填写修改理由和依据').max(1000),
  entityType: z.literal('units', { error: '目前支持批量修改的记录类型：units（单位）' }),
  changes: z.array(BatchChangeItem).min(1, '至少包含一项修改').max(5000, '一次最多 5000 项修改'),
});
export type BatchChangeCreate = z.infer<typeof BatchChangeCreate>;

export const BatchChange = z.object({
  id: z.string(),
  title: z.string(),
  reason: z.string(),
  entityType: z.string(),
  changeCount: z.number(),
  changes: z.array(BatchChangeItem),
  status: z.enum(['submitted', 'applied', 'rejected', 'failed']),
  applicantId: z.string(),
  applicantName: z.string(),
  submittedAt: z.string(),
  decidedBy: z.string().nullable(),
  decidedByName: z.string().nullable(),
  decidedAt: z.string().nullable(),
  decisionNote: z.string().nullable(),
});
export type BatchChange = z.infer<typeof BatchChange>;

export const BatchDecision = z.object({ note: z.string().trim().max(500).optional() });
export const BatchRejection = z.object({
  note: z.string().trim().min(2, '请填写退回理由').max(500),
});
