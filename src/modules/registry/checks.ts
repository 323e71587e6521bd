/**
 * The checks of a registry record, without I/O: what is missing or wrong before it may be
 * reported (REG-02, REG-03, REG-05), the problem data the screening flags (REG-11), and the
 * items the county confirms one by one (REG-04).
 */
import { parseCitizenId } from '../../lib/ids/citizen-id.ts';
import { attachmentKinds, requiredAttachmentKinds, type AttachmentKind } from './attachments.ts';
import {
  benefitLabels,
  type Benefit,
  type BenefitKey,
  type Category,
  type Finding,
} from './schemas.ts';

/** The record as the checks see it (column names of registry_records). */
export interface CheckedRecord {
  name: string;
  id_number: string;
  id_valid: number;
  id_verified_at: string | null;
  sex: string | null;
  birth_date: string | null;
  ethnicity: string | null;
  division_code: string;
  address: string | null;
  phone: string | null;
  category_code: string;
  benefit: string;
}

export const fieldLabels: Record<string, string> = {
  name: '姓名',
  idNumber: '公民身份号码',
  sex: '性别',
  birthDate: '出生日期',
  ethnicity: '民族',
  divisionCode: '行政区划',
  address: '住址',
  phone: '联系电话',
  categoryCode: '优抚类别',
  ...Object.fromEntries(Object.entries(benefitLabels).map(([k, v]) => [`benefit.${k}`, v])),
};

/** Person fields every record needs before it is formal data (关键信息). */
const requiredPersonFields: [keyof CheckedRecord, string][] = [
  ['name', 'name'],
  ['id_number', 'idNumber'],
  ['sex', 'sex'],
  ['birth_date', 'birthDate'],
  ['ethnicity', 'ethnicity'],
  ['division_code', 'divisionCode'],
  ['address', 'address'],
];

export function parseBenefit(json: string): Benefit {
  try {
    return JSON.parse(json) as Benefit;
  } catch {
    return {};
  }
}

const filled = (v: unknown) => v !== null && v !== undefined && v !== '';

/** Whether a number (as stored) passes GB 11643, and why not. */
export function idCheck(idNumber: string): {
  valid: boolean;
  id18: string;
  problem: string | null;
} {
  const parsed = parseCitizenId(idNumber);
  return parsed.ok
    ? { valid: true, id18: parsed.value.id18, problem: null }
    : { valid: false, id18: idNumber.trim().toUpperCase(), problem: parsed.message };
}

/** Missing key information: required person fields and the category's required benefit. */
export function missingKeyInfo(record: CheckedRecord, category: Category | undefined): string[] {
  const missing: string[] = [];
  for (const [column, field] of requiredPersonFields) {
    if (!filled(record[column])) missing.push(field);
  }
  const benefit = parseBenefit(record.benefit);
  for (const key of category?.requiredBenefit ?? []) {
    if (!filled(benefit[key])) missing.push(`benefit.${key}`);
  }
  return missing;
}

/** Benefit details the category contradicts (类别与待遇不符). */
export function benefitConflicts(
  record: CheckedRecord,
  category: Category | undefined,
): BenefitKey[] {
  const benefit = parseBenefit(record.benefit);
  return (category?.forbiddenBenefit ?? []).filter((k) => filled(benefit[k]));
}

/** Sex and birth date that contradict a valid ID number. */
export function idMismatches(record: CheckedRecord): string[] {
  const parsed = parseCitizenId(record.id_number);
  if (!parsed.ok) return [];
  const out: string[] = [];
  if (record.birth_date && record.birth_date !== parsed.value.birthDate) out.push('birthDate');
  const sex = parsed.value.sex === 'male' ? '男' : '女';
  if (record.sex && record.sex !== sex) out.push('sex');
  return out;
}

/**
 * Everything that stands between the record and reporting it upward, in the order a clerk
 * fixes them. `blocking` findings refuse submission and the county's report.
 */
export function recordFindings(
  record: CheckedRecord,
  category: Category | undefined,
  attachmentKindsPresent: ReadonlySet<string>,
): Finding[] {
  const findings: Finding[] = [];
  if (!category) {
    findings.push({
      code: 'registry.category_unknown',
      field: 'categoryCode',
      message: '优抚类别不存在',
      blocking: true,
    });
  } else if (!category.active) {
    findings.push({
      code: 'registry.category_inactive',
      field: 'categoryCode',
      message: `优抚类别“${category.name}”已停用`,
      blocking: true,
    });
  }
  for (const field of missingKeyInfo(record, category)) {
    findings.push({
      code: 'registry.field_missing',
      field,
      message: `请填写${fieldLabels[field] ?? field}`,
      blocking: true,
    });
  }
  for (const key of benefitConflicts(record, category)) {
    findings.push({
      code: 'registry.benefit_inconsistent',
      field: `benefit.${key}`,
      message: `优抚类别“${category?.name ?? ''}”不应填写${benefitLabels[key]}（类别与待遇不符）`,
      blocking: true,
    });
  }
  if (!record.id_valid) {
    const problem = idCheck(record.id_number).problem ?? '校验不通过';
    findings.push(
      record.id_verified_at
        ? {
            code: 'registry.id_verified',
            field: 'idNumber',
            message: `身份证号码${problem}，已核验身份证原件`,
            blocking: false,
          }
        : {
            code: 'registry.id_unverified',
            field: 'idNumber',
            message: `身份证号码${problem}：须核验身份证原件并上传身份证复印件后才能上报`,
            blocking: true,
          },
    );
  }
  for (const field of idMismatches(record)) {
    findings.push({
      code: 'registry.id_mismatch',
      field,
      message: `${fieldLabels[field]}与身份证号码不一致`,
      blocking: true,
    });
  }
  for (const kind of requiredAttachmentKinds) {
    if (!attachmentKindsPresent.has(kind)) {
      findings.push({
        code: 'registry.attachment_missing',
        field: `attachments.${kind}`,
        message: `请上传${attachmentKinds[kind].name}`,
        blocking: true,
      });
    }
  }
  return findings;
}

/** Materials are complete when nothing is missing (fields and required scans). */
export function materialsComplete(findings: readonly Finding[]): boolean {
  return !findings.some(
    (f) => f.code === 'registry.field_missing' || f.code === 'registry.attachment_missing',
  );
}

/** Name + birth date + county: two live records with the same key are flagged for a person to look at. */
export function personKey(name: string, birthDate: string | null, divisionCode: string): string {
  return `${name.trim()}|${birthDate ?? ''}|${divisionCode.slice(0, 6)}`;
}

export const problemKinds = {
  missing_key_info: '关键信息缺失',
  invalid_id: '身份证号码不合法',
  category_benefit_mismatch: '类别与待遇不符',
  duplicate_suspect: '疑似重复登记',
} as const;
export type ProblemKind = keyof typeof problemKinds;

/** The problems the screening finds on one record (duplicates are found across records). */
export function detectProblems(
  record: CheckedRecord,
  category: Category | undefined,
): { kind: ProblemKind; detail: string }[] {
  const out: { kind: ProblemKind; detail: string }[] = [];
  const missing = missingKeyInfo(record, category);
  if (missing.length > 0) {
    out.push({
      kind: 'missing_key_info',
      detail: `缺少：${missing.map((f) => fieldLabels[f] ?? f).join('、')}`,
    });
  }
  if (!record.id_valid && !record.id_verified_at) {
    out.push({
      kind: 'invalid_id',
      detail: `身份证号码 ${record.id_number}：${idCheck(record.id_number).problem ?? '校验不通过'}`,
    });
  }
  const conflicts = benefitConflicts(record, category);
  if (conflicts.length > 0) {
    out.push({
      kind: 'category_benefit_mismatch',
      detail: `类别“${category?.name ?? record.category_code}”不应有：${conflicts.map((k) => benefitLabels[k]).join('、')}`,
    });
  }
  return out;
}

/** The items the county checker confirms one by one before reporting (REG-04). */
export function checkFieldsOf(
  record: CheckedRecord,
  category: Category | undefined,
): { field: string; label: string; value: unknown }[] {
  const benefit = parseBenefit(record.benefit);
  const items: { field: string; label: string; value: unknown }[] = [
    { field: 'name', label: '姓名', value: record.name },
    { field: 'idNumber', label: '公民身份号码', value: record.id_number },
    { field: 'sex', label: '性别', value: record.sex },
    { field: 'birthDate', label: '出生日期', value: record.birth_date },
    { field: 'ethnicity', label: '民族', value: record.ethnicity },
    { field: 'divisionCode', label: '行政区划', value: record.division_code },
    { field: 'address', label: '住址', value: record.address },
    { field: 'phone', label: '联系电话', value: record.phone },
    { field: 'categoryCode', label: '优抚类别', value: category?.name ?? record.category_code },
  ];
  for (const key of Object.keys(benefitLabels) as (BenefitKey | 'note')[]) {
    if (filled(benefit[key]) || (key !== 'note' && category?.requiredBenefit.includes(key))) {
      items.push({
        field: `benefit.${key}`,
        label: benefitLabels[key],
        value: benefit[key] ?? null,
      });
    }
  }
  items.push({ field: 'attachments', label: '扫描件（身份证复印件、户口簿复印件）', value: null });
  return items;
}

export function isAttachmentKind(kind: string): kind is AttachmentKind {
  return Object.hasOwn(attachmentKinds, kind);
}
