/** API shapes of reconciliation (对账, COL-07). */
import { z } from 'zod';
import { Holdings } from '../frontend/schemas.ts';

export const Issue = z.enum([
  'receipt_missing',
  'count_mismatch',
  'checksum_mismatch',
  'incomplete',
  'publication_rejected',
  'no_publication',
  'changed_on_platform',
]);

export const BatchLine = z.object({
  batchId: z.string(),
  grantId: z.string(),
  resourceId: z.string(),
  resourceCode: z.string(),
  resourceName: z.string(),
  providerUnitId: z.string(),
  providerUnitName: z.string(),
  consumerUnitId: z.string(),
  consumerUnitName: z.string(),
  deliveredAt: z.string(),
  mode: z.string(),
  format: z.string(),
  delivered: z.object({ rowCount: z.number(), checksum: z.string(), complete: z.boolean() }),
  received: z
    .object({ rowCount: z.number(), checksum: z.string(), receivedAt: z.string() })
    .nullable(),
  issues: z.array(Issue),
});

export const PublicationLine = z.object({
  resourceId: z.string(),
  resourceCode: z.string(),
  resourceName: z.string(),
  nodeId: z.string(),
  nodeName: z.string(),
  mode: z.enum(['publish', 'hold']),
  applied: z.number(),
  rejected: z.number(),
  last: z
    .object({
      publicationId: z.string(),
      at: z.string(),
      kind: z.enum(['snapshot', 'delta']),
      source: Holdings.nullable(),
      platform: Holdings.nullable(),
    })
    .nullable(),
  platformRowCount: z.number(),
  issues: z.array(Issue),
});

export const DailyReport = z.object({
  date: z.string(),
  from: z.string(),
  to: z.string(),
  generatedAt: z.string(),
  units: z.array(
    z.object({
      unitId: z.string(),
      unitName: z.string(),
      provider: z.object({
        publications: z.array(PublicationLine),
        batches: z.array(BatchLine),
      }),
      consumer: z.object({ batches: z.array(BatchLine) }),
      differences: z.number(),
    }),
  ),
  differences: z.number(),
});

export const ReceiptInput = z.object({
  batchId: z.string().min(1).max(64),
  rowCount: z.number().int().min(0),
  checksum: z.string().min(1).max(128),
  note: z.string().max(500).optional(),
});

export const ReceiptResult = z.object({
  batchId: z.string(),
  delivered: z.object({ rowCount: z.number(), checksum: z.string(), complete: z.boolean() }),
  received: z.object({ rowCount: z.number(), checksum: z.string(), receivedAt: z.string() }),
  issues: z.array(Issue),
});
