/**
 * The elements of a catalog entry (政务信息资源目录, GB/T 21063 and 政务信息资源目录编制指南),
 * as typed values with their Chinese labels. The API, the compliance check, the import
 * validation and the console all take their vocabularies from here.
 */
import { z } from 'zod';

/** A closed vocabulary: code → Chinese label. */
function vocabulary<const T extends Record<string, string>>(labels: T) {
  const codes = Object.keys(labels) as [keyof T & string, ...(keyof T & string)[]];
  return { labels, schema: z.enum(codes), codes };
}

/** What the resource is (CAT-07): rows held by the platform, files, or a service interface. */
export const resourceKinds = vocabulary({
  table: '结构化数据（库表）',
  file: '文件',
  service: '服务接口',
});

/** 格式分类 (element 7). */
export const formatTypes = vocabulary({
  file: '电子文件',
  spreadsheet: '电子表格',
  database: '数据库',
  image: '图形图像',
  media: '流媒体',
  self_describing: '自描述格式',
  service: '服务接口',
});

/** 信息项数据类型 (element 8), letters as in the national catalog sheets. */
export const dataTypes = vocabulary({
  C: '字符型',
  N: '数值型',
  Y: '货币型',
  D: '日期型',
  T: '日期时间型',
  L: '逻辑型',
  M: '备注型',
  G: '通用型',
  B: '双精度型',
  I: '整型',
  F: '浮点型',
});
export type DataType = z.infer<typeof dataTypes.schema>;

/** Validation rules beyond type and length (our addition to element 8). */
export const ruleKinds = vocabulary({
  citizen_id: '公民身份号码（GB 11643）',
  credit_code: '统一社会信用代码（GB 32100）',
  division_code: '行政区划代码（GB/T 2260）',
  phone: '电话号码',
  enum: '枚举值',
  pattern: '正则表达式',
});

/** 共享类型 (element 9, CAT-02). */
export const sharingTypes = vocabulary({
  unconditional: '无条件共享',
  conditional: '有条件共享',
  none: '不予共享',
});
export type SharingType = z.infer<typeof sharingTypes.schema>;

/** 共享方式 (element 9). */
export const sharingMethods = vocabulary({
  platform_table: '共享平台（库表）',
  platform_file: '共享平台（文件）',
  platform_api: '共享平台（接口）',
  email: '电子邮件',
  media: '介质拷贝',
});

/** 共享范围: who may ask for it. */
export const sharingScopes = vocabulary({
  all: '全国政务部门',
  province: '本省政务部门',
  city: '本市政务部门',
  specified: '指定部门',
});

/** 开放属性 (element 10, CAT-09). */
export const openTypes = vocabulary({
  open_unconditional: '无条件开放',
  open_conditional: '有条件开放',
  not_open: '不予开放',
});
export type OpenType = z.infer<typeof openTypes.schema>;

/** 更新周期 (element 11); drives the freshness check (COL-06). */
export const updateFrequencies = vocabulary({
  realtime: '实时',
  daily: '每日',
  weekly: '每周',
  monthly: '每月',
  quarterly: '每季度',
  half_yearly: '每半年',
  yearly: '每年',
  irregular: '不定期',
});

/** 提供方式: how consumers get it (the exchange modes). */
export const provisionModes = vocabulary({
  verify: '比对验证',
  query: '查询引用',
  batch: '批量复制',
  subscribe: '订阅推送',
  file: '文件下载',
});
export type ProvisionMode = z.infer<typeof provisionModes.schema>;

/** 数据分级 (local extension). */
export const dataGrades = vocabulary({
  general: '一般数据',
  important: '重要数据',
  core: '核心数据',
});

/** 资源分类树: 基础 / 主题 / 部门. */
export const classificationTrees = vocabulary({
  base: '基础信息资源',
  theme: '主题信息资源',
  department: '部门信息资源',
});

/** English identifier of a data item: lower snake case, as used in APIs and files. */
export const identifierPattern = /^[a-z][a-z0-9_]{0,62}$/;

/** One data item (信息项) of a structured resource. */
export const DataItem = z.object({
  name: z.string().trim().min(1, '请填写信息项名称').max(100),
  identifier: z
    .string()
    .trim()
    .regex(identifierPattern, '英文标识须以小写字母开头，只含小写字母、数字和下划线'),
  type: dataTypes.schema,
  /** Maximum length in characters (C, M), total digits (N, Y, I, B, F); absent for D, T, L. */
  length: z.number().int().min(1).max(100000).nullable().default(null),
  /** Digits after the decimal point (N, Y). */
  scale: z.number().int().min(0).max(10).nullable().default(null),
  isKey: z.boolean().default(false),
  required: z.boolean().default(false),
  /** Personal or otherwise sensitive (涉及个人信息/敏感): masked by default in exchange. */
  sensitive: z.boolean().default(false),
  rule: z
    .object({
      kind: ruleKinds.schema,
      /** For `enum`: the allowed values. */
      values: z.array(z.string().min(1)).max(500).optional(),
      /** For `pattern`: a JavaScript regular expression, anchored by the validator. */
      pattern: z.string().max(500).optional(),
    })
    .nullable()
    .default(null),
  description: z.string().max(500).default(''),
});
export type DataItem = z.infer<typeof DataItem>;

/**
 * The editable content of one version of a catalog entry. Everything is optional in a draft
 * (a draft may be incomplete); the compliance check says what is missing before submission.
 */
export const EntryContent = z.object({
  name: z.string().trim().max(100).default(''),
  summary: z.string().trim().max(2000).default(''),
  kind: resourceKinds.schema.default('table'),
  classification: z
    .object({ tree: classificationTrees.schema, code: z.string().regex(/^\d{6,9}$/) })
    .nullable()
    .default(null),
  formatType: formatTypes.schema.nullable().default(null),
  /** 格式明细: OFD, wps, xml, txt, doc, pdf, et, xls, xlsx, csv, jpg … */
  formatDetail: z.string().trim().max(50).default(''),
  dataItems: z.array(DataItem).max(500).default([]),
  sharingType: sharingTypes.schema.nullable().default(null),
  /** 共享条件 (required for conditional sharing). */
  sharingCondition: z.string().trim().max(1000).default(''),
  /** 不予共享依据 (required for not shared). */
  legalBasis: z.string().trim().max(1000).default(''),
  sharingMethods: z.array(sharingMethods.schema).max(5).default([]),
  sharingScope: sharingScopes.schema.nullable().default(null),
  sharingScopeNote: z.string().trim().max(500).default(''),
  openType: openTypes.schema.nullable().default(null),
  openCondition: z.string().trim().max(1000).default(''),
  updateFrequency: updateFrequencies.schema.nullable().default(null),
  /** 时效性要求, e.g. "数据产生后 2 个工作日内更新". */
  timeliness: z.string().trim().max(200).default(''),
  provisionModes: z.array(provisionModes.schema).max(5).default([]),
  relatedCodes: z.array(z.string().trim().max(40)).max(50).default([]),
  /**
   * Codes of other providers' resources this entry's data was obtained from through sharing
   * (数据来源于共享): it may be shared onward or opened only with their consent (SHR-09, SEC-04).
   */
  derivedFrom: z.array(z.string().trim().max(40)).max(50).default([]),
  // Local extensions (optional): contact, system of origin, data grade.
  contactPerson: z.string().trim().max(50).default(''),
  contactPhone: z.string().trim().max(30).default(''),
  sourceSystem: z.string().trim().max(100).default(''),
  dataGrade: dataGrades.schema.nullable().default(null),
});
export type EntryContent = z.infer<typeof EntryContent>;
