/** API shapes of sharing requests (共享申请), grants (授权), supervision and notifications. */
import { z } from 'zod';
import { provisionModes } from '../catalog/elements.ts';
import { maskRuleCodes } from '../exchange/masking.ts';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD');

/** Time limits in working days and other settings a province sets for itself. */
export const SharingPolicy = z.object({
  /** Platform pre-check (and approval of unconditional requests). */
  precheckDays: z.number().int().min(1).max(30).default(2),
  /** Provider's decision on a conditional request. */
  providerDecisionDays: z.number().int().min(1).max(30).default(3),
  /** Platform's delivery after authorization. */
  deliveryDays: z.number().int().min(1).max(30).default(2),
  /** Sharing authority's coordination of a dispute. */
  disputeDays: z.number().int().min(1).max(60).default(10),
  /** Consumer's report of an error after finding it. */
  errorReportDays: z.number().int().min(1).max(30).default(1),
  /** Provider's answer to an error report. */
  errorAnswerDays: z.number().int().min(1).max(30).default(3),
  /** The longest period a grant may run. */
  maxPeriodDays: z.number().int().min(1).max(3660).default(1095),
  /** A step is "due soon" when at most this many working days remain. */
  dueSoonDays: z.number().int().min(0).max(10).default(1),
});
export type SharingPolicy = z.infer<typeof SharingPolicy>;

export const SharingPolicyView = SharingPolicy.extend({
  updatedAt: z.string().nullable(),
  updatedBy: z.string().nullable(),
});

export const RequestStatus = z.enum([
  'prechecking',
  'provider_review',
  'authorized',
  'granted',
  'rejected',
  'refused',
  'disputed',
  'withdrawn',
]);

export const RequestCreate = z.object({
  resourceId: z.string().min(1).max(64),
  /** The data items asked for, by identifier: only those needed (minimum necessary). */
  fields: z.array(z.string().min(1).max(63)).min(1, '请至少选择一个信息项').max(500),
  modes: z.array(provisionModes.schema).min(1, '请至少选择一种使用方式').max(5),
  purpose: z.string().trim().min(5, '请写明用途（至少 5 个字）').max(1000),
  legalBasis: z.string().trim().min(2, '请写明依据（法律法规或业务需要）').max(2000),
  periodStart: isoDate,
  periodEnd: isoDate,
  contactName: z.string().trim().min(2, '请填写联系人').max(50),
  contactPhone: z
    .string()
    .trim()
    .regex(/^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$/, '联系电话应为手机号或带区号的固定电话'),
  /** Asks the provider's consent to share the data onward or open it (SEC-04). */
  onwardSharing: z.boolean().default(false),
});
export type RequestCreate = z.infer<typeof RequestCreate>;

export const RequestAction = z.object({
  action: z.enum([
    'withdraw',
    'precheck_pass',
    'precheck_reject',
    'approve',
    'refuse',
    'deliver',
    'escalate',
    'resolve',
  ]),
  note: z.string().trim().max(2000).optional(),
  /** Provider approving: the fields it grants (a subset of those asked). */
  fields: z.array(z.string().min(1).max(63)).max(500).optional(),
  /** Provider approving: an earlier end of the period. */
  periodEnd: isoDate.optional(),
  /** Provider approving: consent to onward sharing / opening, when asked. */
  allowOnward: z.boolean().optional(),
  /** Provider approving: masking per granted data item (脱敏); 'none' shows a sensitive item in clear. */
  masking: z.record(z.string().min(1).max(63), z.enum([...maskRuleCodes, 'none'])).optional(),
  /** Provider approving: calls allowed per day (default: the platform's setting). */
  dailyQuota: z.number().int().min(1).max(1_000_000_000).optional(),
  /** Sharing authority resolving a dispute. */
  outcome: z.enum(['approve', 'refuse', 'return']).optional(),
});
export type RequestAction = z.infer<typeof RequestAction>;

export const Step = z.object({
  id: z.number(),
  kind: z.enum(['precheck', 'provider_decision', 'delivery', 'dispute', 'error_answer']),
  label: z.string(),
  assigneeUnitId: z.string(),
  assigneeUnitName: z.string(),
  openedAt: z.string(),
  dueOn: z.string(),
  workingDays: z.number(),
  closedAt: z.string().nullable(),
  /** on_time, due_soon or overdue for open steps; done or late for closed ones. */
  state: z.enum(['on_time', 'due_soon', 'overdue', 'done', 'late']),
  workingDaysLeft: z.number().nullable(),
});
export type Step = z.infer<typeof Step>;

export const Grant = z.object({
  id: z.string(),
  requestId: z.string(),
  requestNumber: z.string(),
  resourceId: z.string(),
  resourceCode: z.string(),
  resourceName: z.string(),
  providerUnitId: z.string(),
  providerName: z.string(),
  consumerUnitId: z.string(),
  consumerName: z.string(),
  fields: z.array(z.object({ identifier: z.string(), name: z.string() })),
  modes: z.array(z.string()),
  purpose: z.string(),
  validFrom: z.string(),
  validUntil: z.string(),
  onwardAllowed: z.boolean(),
  /** authorized (awaiting delivery), active, expired or revoked. */
  status: z.enum(['authorized', 'active', 'expired', 'revoked']),
  authorizedAt: z.string(),
  deliveredAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  revokeReason: z.string().nullable(),
  /** Masking in force per data item (decided by the provider, else the default for sensitive items). */
  masking: z.record(z.string(), z.enum(maskRuleCodes)),
  /** Calls allowed per day; null = the platform's default. */
  dailyQuota: z.number().nullable(),
});
export type Grant = z.infer<typeof Grant>;

export const ErrorReport = z.object({
  id: z.string(),
  grantId: z.string(),
  requestId: z.string(),
  reporterUnitId: z.string(),
  reporterUnitName: z.string(),
  providerUnitId: z.string(),
  foundOn: z.string(),
  reportDueOn: z.string(),
  reportedAt: z.string(),
  reportedLate: z.boolean(),
  description: z.string(),
  rowKeys: z.array(z.string()),
  status: z.enum(['open', 'answered']),
  answer: z.string().nullable(),
  answeredAt: z.string().nullable(),
  answerDueOn: z.string().nullable(),
});
export type ErrorReport = z.infer<typeof ErrorReport>;

export const RequestSummary = z.object({
  id: z.string(),
  number: z.string(),
  resourceId: z.string(),
  resourceCode: z.string(),
  resourceName: z.string(),
  sharingType: z.string(),
  providerUnitId: z.string(),
  providerName: z.string(),
  consumerUnitId: z.string(),
  consumerName: z.string(),
  status: RequestStatus,
  statusLabel: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** The open step's due date, if any. */
  dueOn: z.string().nullable(),
  dueState: z.enum(['on_time', 'due_soon', 'overdue']).nullable(),
});
export type RequestSummary = z.infer<typeof RequestSummary>;

export const RequestDetail = RequestSummary.extend({
  requesterName: z.string(),
  fields: z.array(z.object({ identifier: z.string(), name: z.string(), sensitive: z.boolean() })),
  approvedFields: z.array(z.string()).nullable(),
  modes: z.array(z.string()),
  purpose: z.string(),
  legalBasis: z.string(),
  periodStart: z.string(),
  periodEnd: z.string(),
  approvedPeriodEnd: z.string().nullable(),
  contactName: z.string(),
  contactPhone: z.string(),
  onwardRequested: z.boolean(),
  onwardAllowed: z.boolean(),
  steps: z.array(Step),
  actions: z.array(
    z.object({
      action: z.string(),
      label: z.string(),
      fromStatus: z.string().nullable(),
      toStatus: z.string(),
      actorName: z.string(),
      actorUnitId: z.string(),
      at: z.string(),
      note: z.string().nullable(),
    }),
  ),
  grant: Grant.nullable(),
  errorReports: z.array(ErrorReport),
  allowedActions: z.array(z.string()),
});
export type RequestDetail = z.infer<typeof RequestDetail>;

export const RequestListQuery = z.object({
  /** mine: my unit's requests; todo: steps my unit owes that I can act on; provider: requests to my unit; all: the platform's (supervisors). */
  queue: z.enum(['mine', 'todo', 'provider', 'all']).default('mine'),
  status: RequestStatus.optional(),
  cursor: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const RequestList = z.object({
  items: z.array(RequestSummary),
  nextCursor: z.string().nullable(),
});

/** 共享实施单: what was agreed, for printing and for the exchange layer. */
export const ImplementationSheet = z.object({
  number: z.string(),
  requestId: z.string(),
  consumer: z.object({ name: z.string(), creditCode: z.string().nullable() }),
  provider: z.object({ name: z.string(), creditCode: z.string().nullable() }),
  resource: z.object({ code: z.string(), name: z.string(), sharingType: z.string() }),
  fields: z.array(z.object({ identifier: z.string(), name: z.string(), sensitive: z.boolean() })),
  modes: z.array(z.object({ code: z.string(), label: z.string() })),
  purpose: z.string(),
  legalBasis: z.string(),
  validFrom: z.string(),
  validUntil: z.string(),
  onwardAllowed: z.boolean(),
  grantId: z.string(),
  grantStatus: z.string(),
  /** Credentials issued on the grant (exchange interfaces); empty until delivery. */
  credentials: z.array(z.object({ id: z.string(), issuedAt: z.string() })),
  dates: z.object({
    filedAt: z.string(),
    precheckedAt: z.string().nullable(),
    authorizedAt: z.string(),
    deliveredAt: z.string().nullable(),
  }),
  contact: z.object({ name: z.string(), phone: z.string() }),
});

export const ErrorReportCreate = z.object({
  foundOn: isoDate,
  description: z.string().trim().min(5, '请描述发现的错误（至少 5 个字）').max(2000),
  rowKeys: z.array(z.string().max(200)).max(1000).default([]),
});

export const ErrorAnswer = z.object({
  answer: z.string().trim().min(2, '请填写答复').max(2000),
});

export const RevokeRequest = z.object({
  reason: z.string().trim().min(2, '请填写撤销理由').max(1000),
});

export const Supervision = z.object({
  today: z.string(),
  counts: z.array(z.object({ status: z.string(), label: z.string(), count: z.number() })),
  openSteps: z.array(
    Step.extend({
      requestId: z.string(),
      requestNumber: z.string(),
      resourceName: z.string(),
      consumerName: z.string(),
    }),
  ),
  perUnit: z.array(
    z.object({
      unitId: z.string(),
      unitName: z.string(),
      open: z.number(),
      dueSoon: z.number(),
      overdue: z.number(),
      closedLate: z.number(),
    }),
  ),
});
export type Supervision = z.infer<typeof Supervision>;

export const Notification = z.object({
  id: z.number(),
  kind: z.string(),
  title: z.string(),
  body: z.string(),
  link: z.string().nullable(),
  createdAt: z.string(),
  readAt: z.string().nullable(),
});

export const IdParam = z.object({ id: z.string().min(1).max(64) });
