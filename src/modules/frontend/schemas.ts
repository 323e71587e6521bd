/** API shapes of the front-end processor module (前置机, EXC-06): one zod schema per shape. */
import { z } from 'zod';
import { DataItem } from '../catalog/elements.ts';

export const Holdings = z.object({ rowCount: z.number(), checksum: z.string() });
export const Reconciled = z.enum(['match', 'count_mismatch', 'checksum_mismatch']);

export const LastPublication = z.object({
  id: z.string(),
  status: z.enum(['open', 'applied', 'rejected']),
  at: z.string(),
  reconciled: Reconciled.nullable(),
});

export const FrontendNode = z.object({
  id: z.string(),
  name: z.string(),
  callbackUrl: z.string().nullable(),
  status: z.enum(['active', 'revoked']),
  createdAt: z.string(),
  revokedAt: z.string().nullable(),
  lastSeenAt: z.string().nullable(),
  resources: z.number(),
  lastPublication: LastPublication.nullable(),
});

const callbackUrl = z
  .string()
  .trim()
  .max(500)
  .refine((v) => {
    try {
      const url = new URL(v);
      return (url.protocol === 'http:' || url.protocol === 'https:') && !url.username;
    } catch {
      return false;
    }
  }, '须为 http:// 或 https:// 开头的地址，如 https://10.12.0.8:8443')
  .nullable();

export const NodeInput = z.object({
  name: z.string().trim().min(1, '请填写前置机名称，如“民政业务库前置机”').max(100),
  callbackUrl: callbackUrl.default(null),
});

export const NodePatch = z.object({
  name: z.string().trim().min(1).max(100).optional(),
  callbackUrl: callbackUrl.optional(),
});

export const FrontendResource = z.object({
  id: z.string(),
  code: z.string(),
  name: z.string(),
  status: z.string(),
  rowCount: z.number(),
  mapping: z
    .object({ nodeId: z.string(), nodeName: z.string(), mode: z.enum(['publish', 'hold']) })
    .nullable(),
  lastPublication: LastPublication.nullable(),
});

export const MappingInput = z.object({
  nodeId: z.string().min(1).max(64),
  mode: z.enum(['publish', 'hold']),
});

export const PublicationError = z.object({
  chunk: z.number(),
  row: z.number(),
  field: z.string(),
  name: z.string(),
  code: z.string(),
  reason: z.string(),
});

export const Publication = z.object({
  id: z.string(),
  nodeId: z.string(),
  nodeName: z.string(),
  resourceId: z.string(),
  resourceCode: z.string(),
  resourceName: z.string(),
  unitId: z.string(),
  kind: z.enum(['snapshot', 'delta']),
  status: z.enum(['open', 'applied', 'rejected']),
  catalogVersion: z.number(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  chunkCount: z.number(),
  stagedRows: z.number(),
  stagedDeletes: z.number(),
  added: z.number(),
  updated: z.number(),
  unchanged: z.number(),
  deleted: z.number(),
  changeNo: z.number().nullable(),
  source: Holdings.nullable(),
  platform: Holdings.nullable(),
  reconciled: Reconciled.nullable(),
  errorCount: z.number(),
  errors: z.array(PublicationError),
  message: z.string().nullable(),
});

// ---- node calls ----

export const NodeResource = z.object({
  resourceId: z.string(),
  code: z.string(),
  name: z.string(),
  mode: z.enum(['publish', 'hold']),
  catalogVersion: z.number(),
  dataItems: z.array(DataItem),
  lastApplied: z
    .object({
      publicationId: z.string(),
      at: z.string(),
      platform: Holdings.nullable(),
      changedSince: z.boolean(),
    })
    .nullable(),
});

export const BeginInput = z.object({
  resourceCode: z.string().min(1).max(64),
  kind: z.enum(['snapshot', 'delta']),
});

const Scalar = z.union([z.string().max(100_000), z.number(), z.boolean(), z.null()]);

/** Rows and removals per chunk: enough to keep calls few, small enough to keep memory flat. */
export const maxChunkEntries = 5000;

export const ChunkInput = z.object({
  seq: z.number().int().min(1),
  rows: z.array(z.record(z.string(), Scalar)).max(maxChunkEntries).default([]),
  deletes: z.array(z.string().min(1).max(2000)).max(maxChunkEntries).default([]),
});

export const ChunkResult = z.object({
  seq: z.number(),
  repeated: z.boolean(),
  staged: z.number(),
  errors: z.array(PublicationError),
});

export const CommitInput = z.object({
  chunkCount: z.number().int().min(0),
  sourceRowCount: z.number().int().min(0),
  sourceChecksum: z.string().regex(/^[0-9a-f]{64}$/, '须为 64 位十六进制 SM3 校验值'),
});
