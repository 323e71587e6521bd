/** API shapes of the audit trail. */
import { z } from 'zod';

const isoInstant = z
  .string()
  .refine(
    (v) => !Number.isNaN(Date.parse(v)),
    '时间格式应为 ISO 8601，如 2026-01-01 或 2026-01-01T08:00:00+08:00',
  );

export const AuditQuery = z.object({
  actorId: z.string().max(64).optional(),
  actorName: z.string().trim().max(50).optional(),
  unitId: z.string().max(64).optional(),
  action: z.string().trim().max(60).optional(),
  result: z.enum(['success', 'failure', 'denied']).optional(),
  targetType: z.string().max(40).optional(),
  targetId: z.string().max(64).optional(),
  from: isoInstant.optional(),
  to: isoInstant.optional(),
  cursor: z.string().regex(/^\d+$/, '分页游标无效').optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type AuditQuery = z.infer<typeof AuditQuery>;

export const UnitAuditQuery = AuditQuery.omit({ unitId: true }).extend({
  view: z.enum(['provider', 'consumer'], {
    error: '视角应为 provider（本单位数据被谁访问）或 consumer（本单位人员访问了什么）',
  }),
});
export type UnitAuditQuery = z.infer<typeof UnitAuditQuery>;

export const AuditEntry = z.object({
  seq: z.number(),
  at: z.string(),
  actorId: z.string().nullable(),
  actorName: z.string().nullable(),
  actorUnitId: z.string().nullable(),
  actorUnitName: z.string().nullable(),
  action: z.string(),
  result: z.enum(['success', 'failure', 'denied']),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  targetUnitId: z.string().nullable(),
  targetUnitName: z.string().nullable(),
  fields: z.array(z.string()).nullable(),
  recordCount: z.number().nullable(),
  grantId: z.string().nullable(),
  purpose: z.string().nullable(),
  clientIp: z.string().nullable(),
  requestId: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()).nullable(),
  hash: z.string(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

export const AuditPage = z.object({
  items: z.array(AuditEntry),
  nextCursor: z.string().nullable(),
});

export const ChainStatus = z.object({
  ok: z.boolean(),
  checked: z.number(),
  headSeq: z.number(),
  headHash: z.string(),
  firstBad: z.object({ seq: z.number(), problem: z.string(), message: z.string() }).nullable(),
});
