/**
 * API shapes of the veterans' benefit registry (优抚对象信息管理): recipient records, the
 * requests that enter or change them (登记、变更、迁移、暂停、恢复、注销), work queues,
 * categories and certificate rules, the reporting deadline, the province lock, problem data
 * and the quality assessment.
 */
import { z } from 'zod';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD');
const divisionCode = z
  .string()
  .trim()
  .regex(/^\d{6}(\d{3}(\d{3})?)?$/, '行政区划代码应为 6、9 或 12 位数字');
const optionalText = (max: number) => z.string().trim().max(max).nullable().optional();

export const IdParam = z.object({ id: z.string().min(1).max(64) });
export const AttachmentParam = z.object({
  id: z.string().min(1).max(64),
  attachmentId: z.string().min(1).max(64),
});
export const CategoryParam = z.object({
  code: z.string().regex(/^\d{2}$/, '类别代码应为 2 位数字'),
});

/** Keys of the benefit details (抚恤优待信息); which a category needs is configured per category. */
export const benefitKeys = [
  'disabilityGrade',
  'disabilityNature',
  'deceasedName',
  'relation',
  'serviceStart',
  'serviceEnd',
  'monthlyAmount',
  'recognisedOn',
] as const;
export const BenefitKey = z.enum(benefitKeys);
export type BenefitKey = z.infer<typeof BenefitKey>;

export const benefitLabels: Record<BenefitKey | 'note', string> = {
  disabilityGrade: '残疾等级',
  disabilityNature: '残疾性质',
  deceasedName: '牺牲（病故）军人姓名',
  relation: '与牺牲（病故）军人关系',
  serviceStart: '入伍时间',
  serviceEnd: '退伍时间',
  monthlyAmount: '抚恤补助标准（元/月）',
  recognisedOn: '认定日期',
  note: '备注',
};

export const disabilityGrades = [
  '一级',
  '二级',
  '三级',
  '四级',
  '五级',
  '六级',
  '七级',
  '八级',
  '九级',
  '十级',
] as const;

/** 抚恤优待信息: what the recipient receives and why; every text is screened (REG-08). */
export const Benefit = z.object({
  disabilityGrade: z.enum(disabilityGrades).nullable().optional(),
  disabilityNature: z.enum(['因战', '因公', '因病']).nullable().optional(),
  deceasedName: optionalText(50),
  relation: z.enum(['父母', '配偶', '子女', '兄弟姐妹', '其他']).nullable().optional(),
  serviceStart: z
    .string()
    .regex(/^\d{4}-\d{2}$/, '年月格式应为 YYYY-MM')
    .nullable()
    .optional(),
  serviceEnd: z
    .string()
    .regex(/^\d{4}-\d{2}$/, '年月格式应为 YYYY-MM')
    .nullable()
    .optional(),
  monthlyAmount: z.number().min(0).max(1_000_000).nullable().optional(),
  recognisedOn: isoDate.nullable().optional(),
  note: optionalText(500),
});
export type Benefit = z.infer<typeof Benefit>;

export const sexes = ['男', '女'] as const;

/** The person and benefit fields of a record as entered (草稿可以不完整). */
export const RecordFields = z.object({
  name: z.string().trim().min(1, '请填写姓名').max(50),
  /** Kept as entered: an invalid number can be saved, but not reported (REG-03). */
  idNumber: z
    .string()
    .trim()
    .min(1, '请填写公民身份号码')
    .max(18)
    .transform((s) => s.toUpperCase()),
  sex: z.enum(sexes).nullable().optional(),
  birthDate: isoDate.nullable().optional(),
  ethnicity: optionalText(20),
  divisionCode,
  address: optionalText(200),
  phone: z
    .string()
    .trim()
    .regex(/^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$/, '联系电话应为手机号或带区号的固定电话')
    .nullable()
    .optional(),
  categoryCode: z.string().regex(/^\d{2}$/, '请选择优抚类别'),
  benefit: Benefit.default({}),
});
export type RecordFields = z.infer<typeof RecordFields>;

export const RecordCreate = RecordFields;
export const RecordUpdate = RecordFields.extend({
  /** The version the editor saw (optimistic concurrency). */
  version: z.number().int().min(1),
});
export type RecordUpdate = z.infer<typeof RecordUpdate>;

export const recordStatuses = ['draft', 'approved', 'suspended', 'cancelled', 'discarded'] as const;
export const RecordStatus = z.enum(recordStatuses);
export type RecordStatus = z.infer<typeof RecordStatus>;

export const requestKinds = [
  'register',
  'change',
  'transfer',
  'suspend',
  'resume',
  'cancel',
] as const;
export const RequestKind = z.enum(requestKinds);
export type RequestKind = z.infer<typeof RequestKind>;

export const requestStatuses = [
  'draft',
  'pending_check',
  'pending_review',
  'pending_approval',
  'returned',
  'approved',
  'withdrawn',
] as const;
export const RequestStatus = z.enum(requestStatuses);
export type RequestStatus = z.infer<typeof RequestStatus>;

export const queues = ['to_enter', 'to_check', 'to_review', 'to_approve', 'returned'] as const;
export const Queue = z.enum(queues);
export type Queue = z.infer<typeof Queue>;

/** A finding of the record check: what is missing or wrong, and whether it blocks reporting. */
export const Finding = z.object({
  code: z.string(),
  field: z.string(),
  message: z.string(),
  blocking: z.boolean(),
});
export type Finding = z.infer<typeof Finding>;

export const Attachment = z.object({
  id: z.string(),
  kind: z.string(),
  kindLabel: z.string(),
  fileName: z.string(),
  byteSize: z.number(),
  width: z.number().nullable(),
  height: z.number().nullable(),
  sm3: z.string(),
  requestId: z.string().nullable(),
  uploadedAt: z.string(),
  uploadedByName: z.string(),
});
export type Attachment = z.infer<typeof Attachment>;

export const Problem = z.object({
  id: z.string(),
  recordId: z.string(),
  recordNo: z.string(),
  personName: z.string(),
  countyCode: z.string(),
  countyName: z.string(),
  kind: z.string(),
  kindLabel: z.string(),
  detail: z.string(),
  status: z.enum(['open', 'cleared', 'corrected']),
  detectedAt: z.string(),
  resolvedAt: z.string().nullable(),
  resolvedByName: z.string().nullable(),
  resolutionNote: z.string().nullable(),
});
export type Problem = z.infer<typeof Problem>;

export const ActionEntry = z.object({
  id: z.number(),
  requestId: z.string().nullable(),
  requestNo: z.string().nullable(),
  requestKind: RequestKind.nullable(),
  action: z.string(),
  label: z.string(),
  fromStatus: z.string().nullable(),
  toStatus: z.string().nullable(),
  actorName: z.string(),
  actorUnitName: z.string(),
  at: z.string(),
  note: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()).nullable(),
});
export type ActionEntry = z.infer<typeof ActionEntry>;

const PersonView = {
  name: z.string(),
  idNumber: z.string(),
  sex: z.string().nullable(),
  birthDate: z.string().nullable(),
  ethnicity: z.string().nullable(),
  divisionCode: z.string(),
  divisionName: z.string(),
  countyCode: z.string(),
  address: z.string().nullable(),
  phone: z.string().nullable(),
  categoryCode: z.string(),
  categoryName: z.string(),
  benefit: Benefit,
};

export const RecordSummary = z.object({
  id: z.string(),
  recordNo: z.string(),
  status: RecordStatus,
  statusLabel: z.string(),
  name: z.string(),
  /** Masked in lists (110105********002X); the detail shows it whole to those in scope. */
  idNumberMasked: z.string(),
  sex: z.string().nullable(),
  birthDate: z.string().nullable(),
  divisionCode: z.string(),
  divisionName: z.string(),
  categoryCode: z.string(),
  categoryName: z.string(),
  certificateNo: z.string().nullable(),
  openProblems: z.number(),
  openRequest: z.object({ id: z.string(), kind: RequestKind, status: RequestStatus }).nullable(),
  updatedAt: z.string(),
});
export type RecordSummary = z.infer<typeof RecordSummary>;

export const RecordDetail = z.object({
  id: z.string(),
  recordNo: z.string(),
  version: z.number(),
  status: RecordStatus,
  statusLabel: z.string(),
  ...PersonView,
  idValid: z.boolean(),
  idProblem: z.string().nullable(),
  idVerification: z
    .object({
      verifiedBy: z.string(),
      recordedByName: z.string(),
      at: z.string(),
      note: z.string().nullable(),
    })
    .nullable(),
  certificateNo: z.string().nullable(),
  certificateIssuedAt: z.string().nullable(),
  materialsComplete: z.boolean(),
  unitId: z.string(),
  unitName: z.string(),
  attachments: z.array(Attachment),
  problems: z.array(Problem),
  findings: z.array(Finding),
  openRequest: z
    .object({ id: z.string(), no: z.string(), kind: RequestKind, status: RequestStatus })
    .nullable(),
  /** What the caller may do now: edit, upload, verify_id, submit, file_change, complete_certificate … */
  allowedActions: z.array(z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
  approvedAt: z.string().nullable(),
});
export type RecordDetail = z.infer<typeof RecordDetail>;

export const RecordListQuery = z.object({
  /** Name (prefix) or ID number (exact), or record number. */
  q: z.string().trim().max(50).optional(),
  categoryCode: z
    .string()
    .regex(/^\d{2}$/)
    .optional(),
  divisionCode: z
    .string()
    .regex(/^\d{2,12}$/)
    .optional(),
  status: RecordStatus.optional(),
  /** Approved records without a certificate number (REG-07, 历史数据补充). */
  missingCertificate: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => v === 'true'),
  withProblems: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => v === 'true'),
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type RecordListQuery = z.infer<typeof RecordListQuery>;

export const RecordList = z.object({
  items: z.array(RecordSummary),
  nextCursor: z.string().nullable(),
});

/** Fields a change request may set (变更); the division changes only by transfer (迁移). */
export const ChangeFields = RecordFields.omit({ divisionCode: true, benefit: true })
  .partial()
  .extend({
    /** Benefit keys to set; null removes one. */
    benefit: Benefit.optional(),
  });

export const RequestCreate = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('change'),
    changes: ChangeFields,
    reason: z.string().trim().min(2, '请填写变更原因').max(500),
  }),
  z.object({
    kind: z.literal('transfer'),
    divisionCode,
    address: optionalText(200),
    reason: z.string().trim().min(2, '请填写迁移原因').max(500),
  }),
  z.object({
    kind: z.literal('suspend'),
    reason: z.string().trim().min(2, '请填写暂停原因').max(500),
  }),
  z.object({
    kind: z.literal('resume'),
    reason: z.string().trim().min(2, '请填写恢复原因').max(500),
  }),
  z.object({
    kind: z.literal('cancel'),
    cancelKind: z.enum(['death', 'loss_of_status', 'other']),
    effectiveOn: isoDate,
    reason: z.string().trim().min(2, '请填写注销原因').max(500),
  }),
]);
export type RequestCreate = z.infer<typeof RequestCreate>;

export const RequestUpdate = z.object({
  version: z.number().int().min(1),
  proposal: RequestCreate,
});
export type RequestUpdate = z.infer<typeof RequestUpdate>;

export const requestActions = [
  'submit',
  'open',
  'report',
  'pass',
  'approve',
  'return',
  'withdraw',
] as const;

export const RequestActionBody = z.object({
  action: z.enum(requestActions),
  /** Return: the reason (required). Others: an optional remark. */
  note: z.string().trim().max(1000).optional(),
  /** County re-check (report): the fields the checker confirmed one by one (REG-04). */
  checkedFields: z.array(z.string().max(40)).max(60).optional(),
});
export type RequestActionBody = z.infer<typeof RequestActionBody>;

export const BulkActionBody = z.object({
  action: z.enum(['pass', 'approve']),
  /** The pending requests of the list the reviewer worked through. */
  requestIds: z.array(z.string().min(1).max(64)).min(1, '请选择要处理的记录').max(20_000),
  note: z.string().trim().max(1000).optional(),
});

export const BulkActionResult = z.object({
  done: z.number(),
  certificateNumbers: z.array(z.object({ requestId: z.string(), certificateNo: z.string() })),
});

export const RequestSummary = z.object({
  id: z.string(),
  no: z.string(),
  kind: RequestKind,
  kindLabel: z.string(),
  status: RequestStatus,
  statusLabel: z.string(),
  recordId: z.string(),
  recordNo: z.string(),
  name: z.string(),
  idNumberMasked: z.string(),
  divisionCode: z.string(),
  divisionName: z.string(),
  categoryCode: z.string(),
  categoryName: z.string(),
  unitName: z.string(),
  /** Whether the caller opened it since it reached its current stage (review all needs all). */
  openedByMe: z.boolean(),
  openProblems: z.number(),
  returnReason: z.string().nullable(),
  updatedAt: z.string(),
});
export type RequestSummary = z.infer<typeof RequestSummary>;

export const QueueQuery = z.object({
  queue: Queue,
  q: z.string().trim().max(50).optional(),
  kind: RequestKind.optional(),
  categoryCode: z
    .string()
    .regex(/^\d{2}$/)
    .optional(),
  divisionCode: z
    .string()
    .regex(/^\d{2,12}$/)
    .optional(),
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});
export type QueueQuery = z.infer<typeof QueueQuery>;

export const QueueList = z.object({
  items: z.array(RequestSummary),
  nextCursor: z.string().nullable(),
  /** Every pending request of this queue and filter (all pages). */
  total: z.number(),
  /** How many of them the caller has not opened yet: "review all" needs 0. */
  unopened: z.number(),
});

export const ProposedChange = z.object({
  field: z.string(),
  label: z.string(),
  before: z.unknown(),
  after: z.unknown(),
});

export const RequestDetail = RequestSummary.extend({
  version: z.number(),
  reason: z.string().nullable(),
  proposal: z.record(z.string(), z.unknown()).nullable(),
  changes: z.array(ProposedChange),
  record: RecordDetail,
  actions: z.array(ActionEntry),
  findings: z.array(Finding),
  /** Fields the county checker confirms one by one before reporting (REG-04). */
  checkFields: z.array(z.object({ field: z.string(), label: z.string(), value: z.unknown() })),
  allowedActions: z.array(z.string()),
});
export type RequestDetail = z.infer<typeof RequestDetail>;

export const IdVerificationBody = z.object({
  /** Who checked the original ID card (核验人). */
  verifiedBy: z.string().trim().min(2, '请填写核验人姓名').max(50),
  note: z.string().trim().max(500).optional(),
});

export const Category = z.object({
  code: z.string().regex(/^\d{2}$/, '类别代码应为 2 位数字'),
  name: z.string().trim().min(2).max(30),
  certificateName: z.string().trim().max(30).default(''),
  requiredBenefit: z.array(BenefitKey).max(benefitKeys.length).default([]),
  forbiddenBenefit: z.array(BenefitKey).max(benefitKeys.length).default([]),
  active: z.boolean().default(true),
  sort: z.number().int().min(0).max(999).default(0),
});
export type Category = z.infer<typeof Category>;
export const CategoryUpsert = Category.omit({ code: true });

export const CertificateRuleSet = z.object({
  /** Replaces the whole set: one template per category. */
  rules: z
    .array(
      z.object({
        category: z.string().regex(/^\d{2}$/),
        template: z.string().trim().min(1).max(100),
      }),
    )
    .max(100),
  /** The province's prefix some templates use (e.g. 冀). */
  prefix: z.string().trim().max(10).default(''),
});
export type CertificateRuleSet = z.infer<typeof CertificateRuleSet>;

export const CertificateRuleView = CertificateRuleSet.extend({
  updatedAt: z.string().nullable(),
  updatedByName: z.string().nullable(),
  /** What each template gives for a sample record (prefix, 130123, this year, sequence 1). */
  examples: z.array(z.object({ category: z.string(), example: z.string() })),
});

export const DeadlineBody = z.object({
  year: z.number().int().min(2000).max(2100),
  /** 年度申报截止日期. */
  deadline: isoDate,
  /** Working days after the deadline within which incomplete units must complete their data. */
  completionWorkingDays: z.number().int().min(1).max(60).default(10),
});
export type DeadlineBody = z.infer<typeof DeadlineBody>;

export const LockBody = z.object({ reason: z.string().trim().min(2, '请填写原因').max(500) });

export const LockState = z.object({
  locked: z.boolean(),
  lockedByName: z.string().nullable(),
  lockedAt: z.string().nullable(),
  reason: z.string().nullable(),
});
export type LockState = z.infer<typeof LockState>;

export const Overview = z.object({
  deadline: DeadlineBody.extend({
    completionDue: z.string(),
    daysLeft: z.number(),
    passed: z.boolean(),
  }).nullable(),
  lock: LockState,
  queues: z.record(z.string(), z.number()),
  /** The caller's reach: province, city, county or township, and its division. */
  level: z.string(),
  divisionCode: z.string(),
  divisionName: z.string(),
});

export const IncompleteUnit = z.object({
  countyCode: z.string(),
  countyName: z.string(),
  cityName: z.string(),
  unreported: z.number(),
  missingMaterials: z.number(),
  openProblems: z.number(),
  missing: z.array(z.string()),
  completionDue: z.string(),
});
export const IncompleteUnits = z.object({
  deadline: z.string().nullable(),
  passed: z.boolean(),
  completionDue: z.string().nullable(),
  items: z.array(IncompleteUnit),
});

export const ProblemListQuery = z.object({
  countyCode: z
    .string()
    .regex(/^\d{6}$/)
    .optional(),
  kind: z.string().max(40).optional(),
  status: z.enum(['open', 'cleared', 'corrected']).optional(),
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export const ProblemList = z.object({
  items: z.array(Problem),
  nextCursor: z.string().nullable(),
  /** Per county: how many were flagged and how many are resolved (REG-11). */
  counties: z.array(
    z.object({
      countyCode: z.string(),
      countyName: z.string(),
      total: z.number(),
      open: z.number(),
      resolved: z.number(),
      cleanupRate: z.number().nullable(),
    }),
  ),
});
export const ProblemResolve = z.object({
  /** cleared: checked against the file, the data is right; corrected: the data was fixed. */
  resolution: z.enum(['cleared', 'corrected']),
  note: z.string().trim().min(2, '请写明核查依据').max(500),
});
export const ScreeningResult = z.object({
  scanned: z.number(),
  flagged: z.number(),
  corrected: z.number(),
});

export const ImportQuery = z.object({
  fileName: z.string().trim().min(1, '请提供文件名').max(200),
  format: z.enum(['csv', 'xlsx']).optional(),
});
export const ImportResult = z.object({
  created: z.number(),
  recordIds: z.array(z.string()),
});

export const BackupCreate = z.object({
  at: z.string().datetime({ offset: true }).optional(),
  location: z.string().trim().min(2).max(200),
  note: z.string().trim().max(500).optional(),
});
export const Backup = z.object({
  id: z.string(),
  at: z.string(),
  location: z.string(),
  note: z.string().nullable(),
  recordedByName: z.string(),
  recordedAt: z.string(),
});

const Rate = z.number().nullable();
export const QualityRow = z.object({
  code: z.string(),
  name: z.string(),
  level: z.enum(['province', 'city', 'county']),
  records: z.number(),
  completeness: Rate,
  accuracy: Rate,
  reportingTimeliness: Rate,
  reviewTimeliness: Rate,
  cleanupRate: Rate,
  openProblems: z.number(),
});
export const Quality = z.object({
  generatedAt: z.string(),
  reviewWorkingDays: z.number(),
  deadline: z.string().nullable(),
  rows: z.array(QualityRow),
  lastBackup: Backup.nullable(),
  /** Backups are due monthly (规范 五(六)): whether the last one is within 31 days. */
  backupCurrent: z.boolean(),
  ministryLink: z.object({ status: z.enum(['not_connected']), label: z.string() }),
  catalog: z.object({
    resourceId: z.string().nullable(),
    code: z.string().nullable(),
    sharingType: z.string().nullable(),
    openType: z.string().nullable(),
  }),
});

export const CatalogLinkBody = z.object({ resourceId: z.string().min(1).max(64) });
export const CatalogLink = Quality.shape.catalog;

export const PrintForm = z.object({
  title: z.string(),
  recordNo: z.string(),
  printedAt: z.string(),
  sections: z.array(
    z.object({
      title: z.string(),
      rows: z.array(z.object({ label: z.string(), value: z.string() })),
    }),
  ),
  attachments: z.array(z.object({ kindLabel: z.string(), fileName: z.string(), sm3: z.string() })),
  signatures: z.array(
    z.object({ step: z.string(), name: z.string(), unit: z.string(), at: z.string() }),
  ),
});
export type PrintForm = z.infer<typeof PrintForm>;

export const HistoryView = z.object({
  actions: z.array(ActionEntry),
  versions: z.array(
    z.object({
      version: z.number(),
      changedAt: z.string(),
      changedByName: z.string().nullable(),
      method: z.string(),
      reason: z.string().nullable(),
      approvalRef: z.string().nullable(),
      changes: z.array(z.object({ field: z.string(), before: z.unknown(), after: z.unknown() })),
    }),
  ),
});
