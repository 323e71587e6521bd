/** API shapes of the organisation module (divisions 行政区划 and units 单位). */
import { z } from 'zod';

export const DivisionLevel = z.enum(['province', 'city', 'county', 'township', 'village']);
export const DivisionCode = z
  .string()
  .regex(
    /^(\d{6}|\d{9}|\d{12})$/,
    '行政区划代码应为 6 位（县级及以上）、9 位（乡级）或 12 位（村级）数字',
  );

export const Division = z.object({
  code: z.string(),
  name: z.string(),
  level: DivisionLevel,
  parentCode: z.string().nullable(),
  status: z.enum(['active', 'retired']),
  hasChildren: z.boolean(),
});
export type Division = z.infer<typeof Division>;

export const DivisionChange = z.object({
  at: z.string(),
  change: z.enum(['added', 'renamed', 'retired', 'restored']),
  oldName: z.string().nullable(),
  newName: z.string().nullable(),
  batchId: z.string(),
  note: z.string().nullable(),
});

export const DivisionDetail = Division.omit({ hasChildren: true }).extend({
  path: z.array(z.object({ code: z.string(), name: z.string() })),
  history: z.array(DivisionChange),
});
export type DivisionDetail = z.infer<typeof DivisionDetail>;

export const DivisionListQuery = z.object({
  parent: DivisionCode.optional(),
  includeRetired: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
});

export const DivisionStats = z.object({
  total: z.number(),
  active: z.number(),
  retired: z.number(),
});

export const DivisionImportRequest = z.object({
  /** The published table as text: "code,name" / "code<TAB>name" lines, or a JSON array. */
  content: z.string().min(1, '区划表内容为空'),
  format: z.enum(['csv', 'tsv', 'json', 'auto']).default('auto'),
  sourceName: z
    .string()
    .trim()
    .min(1, '请填写来源（如：民政部 2024 年县以上行政区划代码）')
    .max(200),
  note: z.string().max(500).optional(),
});
export type DivisionImportRequest = z.infer<typeof DivisionImportRequest>;

export const DivisionImportResult = z.object({
  batchId: z.string(),
  rowCount: z.number(),
  added: z.number(),
  renamed: z.number(),
  retired: z.number(),
  restored: z.number(),
  /** Units still pointing at a code that this import retired: to be re-pointed by a person. */
  unitsOnRetiredCodes: z.array(
    z.object({
      unitId: z.string(),
      unitName: z.string(),
      divisionCode: z.string(),
      divisionName: z.string(),
    }),
  ),
});
export type DivisionImportResult = z.infer<typeof DivisionImportResult>;

export const UnitType = z.enum(['agency', 'institution', 'enterprise', 'other'], {
  error:
    '单位类型应为 行政机关(agency)、事业单位(institution)、受委托企业(enterprise) 或 其他(other)',
});
export const unitTypeNames: Record<z.infer<typeof UnitType>, string> = {
  agency: '行政机关',
  institution: '事业单位',
  enterprise: '受委托企业',
  other: '其他',
};

export const Unit = z.object({
  id: z.string(),
  name: z.string(),
  creditCode: z.string().nullable(),
  divisionCode: z.string(),
  divisionName: z.string(),
  parentUnitId: z.string().nullable(),
  parentUnitName: z.string().nullable(),
  type: UnitType,
  status: z.enum(['active', 'inactive']),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Unit = z.infer<typeof Unit>;

const unitName = z
  .string()
  .trim()
  .min(2, '单位名称至少 2 个字')
  .max(100, '单位名称不超过 100 个字');
const creditCode = z
  .string()
  .trim()
  .transform((v) => (v === '' ? null : v.toUpperCase()))
  .nullable();

export const UnitCreate = z.object({
  name: unitName,
  creditCode: creditCode.optional(),
  divisionCode: DivisionCode,
  parentUnitId: z.string().nullable().optional(),
  type: UnitType,
});
export type UnitCreate = z.infer<typeof UnitCreate>;

export const UnitPatch = z.object({
  version: z.number({ error: '缺少版本号 version（用于防止覆盖他人的修改）' }).int(),
  name: unitName.optional(),
  creditCode: creditCode.optional(),
  divisionCode: DivisionCode.optional(),
  parentUnitId: z.string().nullable().optional(),
  type: UnitType.optional(),
  status: z.enum(['active', 'inactive']).optional(),
  /** Why the record changes (修改原因), kept in its history. */
  reason: z.string().trim().max(200).optional(),
});
export type UnitPatch = z.infer<typeof UnitPatch>;

export const UnitListQuery = z.object({
  q: z.string().trim().max(100).optional(),
  divisionCode: DivisionCode.optional(),
  type: UnitType.optional(),
  status: z.enum(['active', 'inactive']).optional(),
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export type UnitListQuery = z.infer<typeof UnitListQuery>;

export const UnitList = z.object({ items: z.array(Unit), nextCursor: z.string().nullable() });
export type UnitList = z.infer<typeof UnitList>;

export const IdParam = z.object({ id: z.string().min(1).max(64) });
export const CodeParam = z.object({ code: DivisionCode });

export const IdentifierCheckRequest = z.object({
  kind: z.enum(['citizen_id', 'credit_code'], {
    error: '类型应为 citizen_id（公民身份号码）或 credit_code（统一社会信用代码）',
  }),
  value: z.string().max(64),
});
export type IdentifierCheckRequest = z.infer<typeof IdentifierCheckRequest>;

export const IdentifierCheckResult = z.object({
  valid: z.boolean(),
  /** The normalised form: upper case, and 18 characters for a 15-digit ID number. */
  normalized: z.string().nullable(),
  code: z.string().nullable(),
  message: z.string(),
  citizen: z
    .object({
      divisionCode: z.string(),
      divisionName: z.string().nullable(),
      divisionStatus: z.enum(['active', 'retired', 'unknown']),
      birthDate: z.string(),
      sex: z.enum(['male', 'female']),
      legacy15: z.boolean(),
    })
    .nullable(),
});
export type IdentifierCheckResult = z.infer<typeof IdentifierCheckResult>;
