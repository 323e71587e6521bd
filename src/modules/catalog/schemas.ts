/** API shapes of the catalog module (数据资源目录) and its open-data view. */
import { z } from 'zod';
import { EntryContent, openTypes, resourceKinds, sharingTypes } from './elements.ts';

export const VersionStatus = z.enum([
  'draft',
  'submitted',
  'returned',
  'reviewed',
  'published',
  'superseded',
  'retired',
  'withdrawn',
]);

export const ComplianceFinding = z.object({
  code: z.string(),
  severity: z.enum(['error', 'warning']),
  field: z.string(),
  message: z.string(),
});
export type ComplianceFinding = z.infer<typeof ComplianceFinding>;

export const EntrySummary = z.object({
  id: z.string(),
  code: z.string(),
  name: z.string(),
  providerUnitId: z.string(),
  providerName: z.string(),
  status: VersionStatus,
  workingVersion: z.number(),
  publishedVersion: z.number().nullable(),
  updatedAt: z.string(),
  maintainedAt: z.string().nullable(),
  /** Not maintained (published or confirmed) for over a year (CAT-05). */
  stale: z.boolean(),
  rowCount: z.number(),
});
export type EntrySummary = z.infer<typeof EntrySummary>;

export const VersionDetail = z.object({
  version: z.number(),
  status: VersionStatus,
  content: EntryContent,
  createdAt: z.string(),
  updatedAt: z.string(),
  publishedAt: z.string().nullable(),
});
export type VersionDetail = z.infer<typeof VersionDetail>;

export const EntryAction = z.object({
  version: z.number(),
  action: z.string(),
  label: z.string(),
  fromStatus: z.string().nullable(),
  toStatus: z.string(),
  actorId: z.string(),
  actorName: z.string(),
  at: z.string(),
  note: z.string().nullable(),
});

export const EntryDetail = EntrySummary.extend({
  provider: z.object({ id: z.string(), name: z.string(), creditCode: z.string().nullable() }),
  working: VersionDetail,
  live: VersionDetail.nullable(),
  versions: z.array(
    z.object({ version: z.number(), status: VersionStatus, publishedAt: z.string().nullable() }),
  ),
  actions: z.array(EntryAction),
  findings: z.array(ComplianceFinding),
  /** What the caller may do next (the console shows these buttons). */
  allowedActions: z.array(z.string()),
  /** The caller opened the submitted version (required before approving it). */
  openedByMe: z.boolean(),
});
export type EntryDetail = z.infer<typeof EntryDetail>;

export const EntryCreate = z.object({
  /** The provider unit; the caller's own unit when absent. */
  providerUnitId: z.string().optional(),
  content: EntryContent,
});

export const EntryDraftUpdate = z.object({
  content: EntryContent,
  /** The working version the editor started from (refused when it changed since). */
  version: z.number().int(),
});

export const EntryActionRequest = z.object({
  action: z.enum([
    'submit',
    'withdraw',
    'open',
    'approve',
    'return',
    'publish',
    'retire',
    'confirm_maintained',
    'discard',
    'new_version',
  ]),
  note: z.string().trim().max(1000).optional(),
});

export const EntryListQuery = z.object({
  queue: z.enum(['unit', 'review', 'publish', 'stale', 'all']).default('unit'),
  status: VersionStatus.optional(),
  cursor: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const EntryList = z.object({
  items: z.array(EntrySummary),
  nextCursor: z.string().nullable(),
});

export const IdParam = z.object({ id: z.string().min(1).max(64) });
export const VersionParam = z.object({
  id: z.string().min(1).max(64),
  version: z.coerce.number().int().min(1),
});

const facet = z.array(z.object({ value: z.string(), label: z.string(), count: z.number() }));

export const SearchQuery = z.object({
  q: z.string().trim().max(100).optional(),
  /** Words that must appear in a data item's name or identifier. */
  field: z.string().trim().max(100).optional(),
  provider: z.string().max(64).optional(),
  /** A classification code or its prefix (class, item, category). */
  classification: z
    .string()
    .regex(/^\d{1,9}$/, '分类代码应为 1–9 位数字')
    .optional(),
  sharingType: sharingTypes.schema.optional(),
  openType: openTypes.schema.optional(),
  kind: resourceKinds.schema.optional(),
  page: z.coerce.number().int().min(1).max(1000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});
export type SearchQuery = z.infer<typeof SearchQuery>;

export const SearchHit = z.object({
  id: z.string(),
  code: z.string(),
  name: z.string(),
  summary: z.string(),
  providerUnitId: z.string(),
  providerName: z.string(),
  kind: z.string(),
  classificationCode: z.string().nullable(),
  sharingType: z.string().nullable(),
  openType: z.string().nullable(),
  version: z.number(),
  publishedAt: z.string().nullable(),
  /** Data items whose name or identifier matched the field search. */
  matchedFields: z.array(z.string()),
});
export type SearchHit = z.infer<typeof SearchHit>;

export const SearchResult = z.object({
  items: z.array(SearchHit),
  total: z.number(),
  page: z.number(),
  pageSize: z.number(),
  facets: z.object({
    provider: facet,
    classification: facet,
    sharingType: facet,
    openType: facet,
    kind: facet,
  }),
});
export type SearchResult = z.infer<typeof SearchResult>;

export const ComplianceCheckRequest = z.object({
  content: EntryContent,
  providerUnitId: z.string().optional(),
});

/** One data item an information-system project plans to hold (CAT-08). */
export const ProjectItem = z.object({
  name: z.string().trim().min(1, '请填写数据项名称').max(100),
  identifier: z.string().trim().max(63).default(''),
  /** `collect`: the project will collect it itself; `share`: obtained through the platform. */
  source: z.enum(['collect', 'share']).default('collect'),
  note: z.string().max(500).default(''),
});
export type ProjectItem = z.infer<typeof ProjectItem>;

export const ProjectCreate = z.object({
  name: z.string().trim().min(2, '请填写项目名称').max(100),
  projectCode: z.string().trim().max(50).optional(),
  description: z.string().trim().max(2000).default(''),
  items: z.array(ProjectItem).min(1, '项目数据目录至少要有一个数据项').max(1000),
});

export const ProjectDuplicate = z.object({
  item: z.string(),
  resourceId: z.string(),
  resourceCode: z.string(),
  resourceName: z.string(),
  providerName: z.string(),
  fieldName: z.string(),
  sharingType: z.string().nullable(),
});
export type ProjectDuplicate = z.infer<typeof ProjectDuplicate>;

export const Project = z.object({
  id: z.string(),
  unitId: z.string(),
  unitName: z.string(),
  name: z.string(),
  projectCode: z.string().nullable(),
  description: z.string(),
  items: z.array(ProjectItem),
  status: z.enum(['registered', 'approved', 'rejected']),
  createdAt: z.string(),
  decidedAt: z.string().nullable(),
  decisionNote: z.string().nullable(),
  /** Items the project means to collect although another provider already publishes them. */
  duplicates: z.array(ProjectDuplicate),
});
export type Project = z.infer<typeof Project>;

export const ProjectDecision = z.object({
  decision: z.enum(['approve', 'reject']),
  note: z.string().trim().max(1000).optional(),
});
