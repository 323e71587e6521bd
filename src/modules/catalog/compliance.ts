/**
 * The catalog compliance check (CAT-04): what stops an entry from being submitted (errors)
 * and what a reviewer would question (warnings). It runs on drafts as the user edits and
 * again on submission, so it never throws and reports everything at once, each finding with
 * a stable code, the field it concerns and a specific Chinese message.
 */
import { isValidCreditCode } from '../../lib/ids/credit-code.ts';
import { classificationNode, isAssignable } from './classification.ts';
import type { DataItem, EntryContent, ProvisionMode } from './elements.ts';
import {
  classificationTrees,
  dataTypes,
  formatTypes,
  identifierPattern,
  provisionModes,
  resourceKinds,
} from './elements.ts';
import { parseResourceCode } from './resource-code.ts';

export type ComplianceSeverity = 'error' | 'warning';

/** The codes this check emits; they are stable (the console and the API clients key on them). */
export type ComplianceCode =
  | 'catalog.missing_element'
  | 'catalog.name_length'
  | 'catalog.name_punctuation'
  | 'catalog.name_not_descriptive'
  | 'catalog.name_starts_with_provider'
  | 'catalog.name_contains_year'
  | 'catalog.summary_too_short'
  | 'catalog.unknown_classification'
  | 'catalog.classification_not_assignable'
  | 'catalog.classification_tree_mismatch'
  | 'catalog.invalid_provider_code'
  | 'catalog.format_kind_mismatch'
  | 'catalog.missing_sharing_condition'
  | 'catalog.missing_legal_basis'
  | 'catalog.not_shared_with_modes'
  | 'catalog.not_shared_with_methods'
  | 'catalog.not_shared_with_scope'
  | 'catalog.missing_scope_note'
  | 'catalog.open_but_not_shared'
  | 'catalog.missing_open_condition'
  | 'catalog.open_with_sensitive_items'
  | 'catalog.key_required'
  | 'catalog.verify_without_non_key_item'
  | 'catalog.file_mode_mismatch'
  | 'catalog.service_without_api'
  | 'catalog.duplicate_item_name'
  | 'catalog.duplicate_item_identifier'
  | 'catalog.invalid_identifier'
  | 'catalog.length_required'
  | 'catalog.length_not_allowed'
  | 'catalog.scale_exceeds_length'
  | 'catalog.scale_not_applicable'
  | 'catalog.currency_scale'
  | 'catalog.key_not_required'
  | 'catalog.enum_values_required'
  | 'catalog.enum_duplicate_value'
  | 'catalog.enum_value_too_long'
  | 'catalog.pattern_required'
  | 'catalog.invalid_pattern'
  | 'catalog.rule_type_mismatch'
  | 'catalog.invalid_related_code'
  | 'catalog.related_self'
  | 'catalog.resharing_without_consent'
  | 'catalog.duplicate_related_code'
  | 'catalog.unknown_related_code';

export interface ComplianceFinding {
  code: string;
  severity: ComplianceSeverity;
  /** Path of the field in the entry content, e.g. 'dataItems[2].length'. */
  field: string;
  message: string;
}

export interface ComplianceContext {
  /** The providing department (信息资源提供方), a separate element taken from the unit. */
  providerName: string;
  /** Its unified social credit code (信息资源提供方代码); null when the unit has none yet. */
  providerCreditCode: string | null;
  /** Resource codes of the catalog, to check relatedCodes against; omitted = not checked. */
  knownResourceCodes?: ReadonlySet<string>;
  /** This entry's own resource code, once allocated. */
  ownCode?: string;
  /**
   * Of the codes in `derivedFrom`, those whose providers consented to onward sharing and
   * opening (a grant to this unit with that consent); omitted = none consented.
   */
  onwardConsented?: ReadonlySet<string>;
}

type Push = (
  severity: ComplianceSeverity,
  code: ComplianceCode,
  field: string,
  message: string,
) => void;

const NAME_MIN = 2;
const NAME_MAX = 50;
const SUMMARY_MIN = 10;
// Punctuation and symbols, half- or full-width; brackets and the middle dot are allowed
// (e.g. "社会组织（社会团体）", "少数民族人名·译名").
const PUNCTUATION = /[\p{P}\p{S}]/gu;
const ALLOWED_PUNCTUATION = new Set(['（', '）', '(', ')', '·']);
const ONLY_LATIN = /^[A-Za-z0-9\s]+$/;
const YEAR = /(?:19|20)\d{2}\s*年/;

const KEY_MODES: readonly ProvisionMode[] = ['verify', 'query', 'subscribe'];
const WITH_LENGTH = new Set<DataItem['type']>(['C', 'M']);
const WITHOUT_LENGTH = new Set<DataItem['type']>(['D', 'T', 'L']);
const WITH_SCALE = new Set<DataItem['type']>(['N', 'Y', 'B', 'F']);

type Kind = EntryContent['kind'];
type Format = NonNullable<EntryContent['formatType']>;

// Formats that contradict the kind (error) or are unusual for it (warning); the rest fit.
const FORMAT_FIT: Readonly<Record<Kind, Partial<Record<Format, ComplianceSeverity>>>> = {
  table: { image: 'error', media: 'error', file: 'warning', service: 'warning' },
  file: { service: 'error' },
  service: {
    file: 'warning',
    spreadsheet: 'warning',
    database: 'warning',
    image: 'warning',
    media: 'warning',
    self_describing: 'warning',
  },
};
const EXPECTED_FORMATS: Readonly<Record<Kind, string>> = {
  table: '“数据库”或“电子表格”',
  file: '“电子文件”“电子表格”“图形图像”等',
  service: '“服务接口”',
};

function quoted(values: readonly string[]): string {
  return values.map((v) => `“${v}”`).join('');
}

function modeNames(modes: readonly ProvisionMode[]): string {
  return quoted(modes.map((m) => provisionModes.labels[m]));
}

function itemRef(item: DataItem, index: number): string {
  const name = item.name.trim();
  return name ? `第 ${index + 1} 个信息项“${name}”` : `第 ${index + 1} 个信息项`;
}

/** Length in characters: a supplementary-plane ideograph (生僻字) counts once. */
function charCount(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xdc00 || c > 0xdfff) n++;
  }
  return n;
}

function checkName(content: EntryContent, context: ComplianceContext, push: Push): void {
  const name = content.name.trim();
  if (!name) {
    push('error', 'catalog.missing_element', 'name', '请填写信息资源名称');
    return;
  }
  const length = charCount(name);
  if (length < NAME_MIN || length > NAME_MAX) {
    push(
      'error',
      'catalog.name_length',
      'name',
      `信息资源名称应为 ${NAME_MIN}～${NAME_MAX} 个字，当前为 ${length} 个字`,
    );
  }
  const marks = [...new Set(name.match(PUNCTUATION) ?? [])].filter(
    (c) => !ALLOWED_PUNCTUATION.has(c),
  );
  if (marks.length > 0) {
    push(
      'error',
      'catalog.name_punctuation',
      'name',
      `信息资源名称不得含有标点符号${quoted(marks)}（括号和间隔号“·”除外）`,
    );
  }
  const normal = name.normalize('NFKC');
  if (ONLY_LATIN.test(normal)) {
    push(
      'error',
      'catalog.name_not_descriptive',
      'name',
      '信息资源名称不能只由数字或字母组成，请用中文说明资源的内容',
    );
  }
  const provider = context.providerName.trim();
  if (provider && name.startsWith(provider)) {
    push(
      'warning',
      'catalog.name_starts_with_provider',
      'name',
      `信息资源名称不宜以提供方名称“${provider}”开头，提供方已单独著录`,
    );
  }
  const year = YEAR.exec(normal);
  if (year) {
    push(
      'warning',
      'catalog.name_contains_year',
      'name',
      `信息资源名称含有年份“${year[0]}”；名称在资源存续期间保持不变，数据年份请在摘要或信息项中说明`,
    );
  }
}

function checkSummary(content: EntryContent, push: Push): void {
  const summary = content.summary.trim();
  if (!summary) {
    push('error', 'catalog.missing_element', 'summary', '请填写信息资源摘要');
    return;
  }
  const length = charCount(summary);
  if (length < SUMMARY_MIN) {
    push(
      'warning',
      'catalog.summary_too_short',
      'summary',
      `信息资源摘要过短（${length} 个字），请至少用 ${SUMMARY_MIN} 个字说明资源的内容、范围和用途`,
    );
  }
}

function checkClassification(content: EntryContent, push: Push): void {
  const c = content.classification;
  if (!c) {
    push('error', 'catalog.missing_element', 'classification', '请选择信息资源分类');
    return;
  }
  const node = classificationNode(c.code);
  if (!node) {
    push(
      'error',
      'catalog.unknown_classification',
      'classification.code',
      `信息资源分类代码“${c.code}”不存在`,
    );
    return;
  }
  const pathText = node.path.map((p) => p.name).join(' / ');
  if (!isAssignable(c.code)) {
    push(
      'error',
      'catalog.classification_not_assignable',
      'classification.code',
      `“${pathText}”不能直接编目，请选择到“目”或“细目”`,
    );
  }
  if (node.tree !== c.tree) {
    push(
      'error',
      'catalog.classification_tree_mismatch',
      'classification.tree',
      `分类代码“${c.code}”属于${classificationTrees.labels[node.tree]}，与所选的${classificationTrees.labels[c.tree]}不一致`,
    );
  }
}

function checkProvider(context: ComplianceContext, push: Push): void {
  const name = context.providerName.trim();
  if (!name) push('error', 'catalog.missing_element', 'providerName', '未设置信息资源提供方');
  const code = context.providerCreditCode?.trim() ?? '';
  if (!code) {
    push(
      'error',
      'catalog.missing_element',
      'providerCreditCode',
      `信息资源提供方${name ? `“${name}”` : ''}没有统一社会信用代码，请先在机构信息中补全`,
    );
  } else if (!isValidCreditCode(code)) {
    push(
      'error',
      'catalog.invalid_provider_code',
      'providerCreditCode',
      `信息资源提供方代码“${code}”不是有效的统一社会信用代码，请核对机构信息`,
    );
  }
}

function checkFormat(content: EntryContent, push: Push): void {
  const format = content.formatType;
  if (!format) {
    push('error', 'catalog.missing_element', 'formatType', '请选择信息资源格式');
    return;
  }
  const severity = FORMAT_FIT[content.kind][format];
  if (!severity) return;
  const kind = resourceKinds.labels[content.kind];
  const expected = EXPECTED_FORMATS[content.kind];
  push(
    severity,
    'catalog.format_kind_mismatch',
    'formatType',
    severity === 'error'
      ? `${kind}资源的格式不能是“${formatTypes.labels[format]}”，应为${expected}`
      : `${kind}资源的格式一般为${expected}，当前为“${formatTypes.labels[format]}”`,
  );
}

function checkRule(item: DataItem, index: number, push: Push): void {
  const rule = item.rule;
  if (!rule) return;
  const ref = itemRef(item, index);
  const f = `dataItems[${index}]`;
  // A code-shaped rule needs a character field at least as long as the code.
  const needText = (what: string, minLength: number) => {
    if (item.type !== 'C') {
      push(
        'error',
        'catalog.rule_type_mismatch',
        `${f}.type`,
        `${ref}采用${what}校验，须为字符型${minLength > 0 ? `且长度不小于 ${minLength}` : ''}`,
      );
    } else if (item.length !== null && item.length < minLength) {
      push(
        'error',
        'catalog.rule_type_mismatch',
        `${f}.length`,
        `${ref}采用${what}校验，长度不能小于 ${minLength}（当前为 ${item.length}）`,
      );
    }
  };
  switch (rule.kind) {
    case 'citizen_id':
      needText('公民身份号码', 18);
      break;
    case 'credit_code':
      needText('统一社会信用代码', 18);
      break;
    case 'division_code':
      needText('行政区划代码', 6);
      break;
    case 'phone':
      // As a number, a phone loses its leading 0 and '+'.
      needText('电话号码', 0);
      break;
    case 'enum': {
      const values = rule.values ?? [];
      if (values.length === 0) {
        push(
          'error',
          'catalog.enum_values_required',
          `${f}.rule.values`,
          `${ref}采用枚举值校验，须列出可选值`,
        );
        break;
      }
      const seen = new Set<string>();
      const reported = new Set<string>();
      for (const value of values) {
        if (seen.has(value) && !reported.has(value)) {
          reported.add(value);
          push(
            'error',
            'catalog.enum_duplicate_value',
            `${f}.rule.values`,
            `${ref}的枚举值“${value}”重复`,
          );
        }
        seen.add(value);
      }
      if (item.type === 'C' && item.length !== null) {
        const max = item.length;
        const long = [...seen].filter((v) => charCount(v) > max);
        if (long.length > 0) {
          push(
            'error',
            'catalog.enum_value_too_long',
            `${f}.rule.values`,
            `${ref}的枚举值${quoted(long.slice(0, 5))}超过了信息项长度 ${max}`,
          );
        }
      }
      break;
    }
    case 'pattern': {
      const pattern = rule.pattern?.trim() ?? '';
      if (!pattern) {
        push(
          'error',
          'catalog.pattern_required',
          `${f}.rule.pattern`,
          `${ref}采用正则表达式校验，须填写正则表达式`,
        );
      } else {
        try {
          new RegExp(pattern);
        } catch {
          push(
            'error',
            'catalog.invalid_pattern',
            `${f}.rule.pattern`,
            `${ref}的正则表达式“${pattern}”无法解析，请检查括号、转义等写法`,
          );
        }
      }
      if (item.type !== 'C') {
        push(
          'error',
          'catalog.rule_type_mismatch',
          `${f}.type`,
          `${ref}采用正则表达式校验，只适用于字符型，当前为${dataTypes.labels[item.type]}`,
        );
      }
      break;
    }
  }
}

function checkItem(item: DataItem, index: number, push: Push): void {
  const ref = itemRef(item, index);
  const f = `dataItems[${index}]`;
  const typeLabel = dataTypes.labels[item.type];
  if (!identifierPattern.test(item.identifier)) {
    push(
      'error',
      'catalog.invalid_identifier',
      `${f}.identifier`,
      `${ref}的英文标识“${item.identifier}”不正确，须以小写字母开头，只含小写字母、数字和下划线`,
    );
  }
  if (WITH_LENGTH.has(item.type) && item.length === null) {
    push('error', 'catalog.length_required', `${f}.length`, `${ref}为${typeLabel}，必须填写长度`);
  }
  if (WITHOUT_LENGTH.has(item.type) && item.length !== null) {
    push(
      'error',
      'catalog.length_not_allowed',
      `${f}.length`,
      `${ref}为${typeLabel}，不应填写长度`,
    );
  }
  if (item.scale !== null && !WITH_SCALE.has(item.type)) {
    push(
      'warning',
      'catalog.scale_not_applicable',
      `${f}.scale`,
      `${ref}为${typeLabel}，不适用小数位数`,
    );
  }
  if (
    (item.type === 'N' || item.type === 'Y') &&
    item.scale !== null &&
    item.length !== null &&
    item.scale > item.length
  ) {
    push(
      'error',
      'catalog.scale_exceeds_length',
      `${f}.scale`,
      `${ref}的小数位数（${item.scale}）不能大于长度（${item.length}）`,
    );
  }
  if (item.type === 'Y' && item.scale !== 2) {
    push(
      'warning',
      'catalog.currency_scale',
      `${f}.scale`,
      `${ref}为货币型，建议小数位数为 2（当前${item.scale === null ? '未填写' : `为 ${item.scale}`}）`,
    );
  }
  if (item.isKey && !item.required) {
    push('error', 'catalog.key_not_required', `${f}.required`, `${ref}是主键，必须设为必填`);
  }
  checkRule(item, index, push);
}

function checkDataItems(content: EntryContent, push: Push): void {
  const items = content.dataItems;
  if (content.kind === 'table' && items.length === 0) {
    push(
      'error',
      'catalog.missing_element',
      'dataItems',
      '结构化数据（库表）资源须至少著录一个信息项',
    );
  }
  const names = new Map<string, number>();
  const identifiers = new Map<string, number>();
  items.forEach((item, index) => {
    const name = item.name.trim();
    const first = names.get(name);
    if (name && first !== undefined) {
      push(
        'error',
        'catalog.duplicate_item_name',
        `dataItems[${index}].name`,
        `第 ${index + 1} 个信息项的名称“${name}”与第 ${first + 1} 个重复`,
      );
    } else if (name) names.set(name, index);
    const identifier = item.identifier.trim();
    const firstId = identifiers.get(identifier);
    if (identifier && firstId !== undefined) {
      push(
        'error',
        'catalog.duplicate_item_identifier',
        `dataItems[${index}].identifier`,
        `第 ${index + 1} 个信息项的英文标识“${identifier}”与第 ${firstId + 1} 个重复`,
      );
    } else if (identifier) identifiers.set(identifier, index);
    checkItem(item, index, push);
  });
}

function checkSharing(content: EntryContent, push: Push): void {
  const type = content.sharingType;
  if (!type) push('error', 'catalog.missing_element', 'sharingType', '请选择共享类型');
  if (type === 'conditional' && !content.sharingCondition.trim()) {
    push(
      'error',
      'catalog.missing_sharing_condition',
      'sharingCondition',
      '有条件共享的资源须说明共享条件（如限定用途、须提交的申请材料等）',
    );
  }
  if (type === 'none') {
    if (!content.legalBasis.trim()) {
      push(
        'error',
        'catalog.missing_legal_basis',
        'legalBasis',
        '不予共享的资源须写明不予共享的法律、行政法规或政策依据',
      );
    }
    if (content.provisionModes.length > 0) {
      push(
        'error',
        'catalog.not_shared_with_modes',
        'provisionModes',
        `不予共享的资源不能设置提供方式（当前为${modeNames(content.provisionModes)}）`,
      );
    }
    if (content.sharingMethods.length > 0) {
      push(
        'error',
        'catalog.not_shared_with_methods',
        'sharingMethods',
        '不予共享的资源不能设置共享方式',
      );
    }
    if (content.sharingScope !== null) {
      push(
        'warning',
        'catalog.not_shared_with_scope',
        'sharingScope',
        '不予共享的资源无需设置共享范围，提交时将不予展示',
      );
    }
    return;
  }
  if (content.sharingMethods.length === 0) {
    push('error', 'catalog.missing_element', 'sharingMethods', '请选择共享方式');
  }
  if (content.sharingScope === null) {
    push('error', 'catalog.missing_element', 'sharingScope', '请选择共享范围');
  } else if (content.sharingScope === 'specified' && !content.sharingScopeNote.trim()) {
    push(
      'error',
      'catalog.missing_scope_note',
      'sharingScopeNote',
      '共享范围为“指定部门”时，须列明可以申请的部门',
    );
  }
}

function checkOpen(content: EntryContent, push: Push): void {
  const open = content.openType;
  if (!open) {
    push('error', 'catalog.missing_element', 'openType', '请选择开放属性');
    return;
  }
  if (open === 'not_open') return;
  if (content.sharingType === 'none') {
    push(
      'error',
      'catalog.open_but_not_shared',
      'openType',
      '不予共享的资源不能向社会开放，开放属性应为“不予开放”',
    );
  }
  if (open === 'open_conditional' && !content.openCondition.trim()) {
    push(
      'error',
      'catalog.missing_open_condition',
      'openCondition',
      '有条件开放的资源须说明开放条件',
    );
  }
  const sensitive = content.dataItems.filter((item) => item.sensitive);
  if (sensitive.length > 0) {
    const names = sensitive.slice(0, 5).map((item) => item.name.trim() || item.identifier);
    const more = sensitive.length > 5 ? ` 等 ${sensitive.length} 项` : '';
    push(
      'error',
      'catalog.open_with_sensitive_items',
      'openType',
      `向社会开放的资源不得含有个人信息等敏感信息项（${quoted(names)}${more}），请改为“不予开放”或去除这些信息项`,
    );
  }
}

function checkProvision(content: EntryContent, push: Push): void {
  const modes = content.provisionModes;
  const shared = content.sharingType !== 'none';
  if (shared && modes.length === 0) {
    push('error', 'catalog.missing_element', 'provisionModes', '请选择提供方式');
  }
  const items = content.dataItems;
  const keyCount = items.filter((item) => item.isKey).length;
  const keyModes = KEY_MODES.filter((m) => modes.includes(m));
  if (content.kind === 'file') {
    const wrong = modes.filter((m) => m === 'verify' || m === 'query');
    if (wrong.length > 0) {
      push(
        'error',
        'catalog.file_mode_mismatch',
        'provisionModes',
        `文件类资源不能提供${modeNames(wrong)}方式，请选择“文件下载”“订阅推送”或“批量复制”`,
      );
    }
  } else if (keyCount === 0) {
    const forModes = keyModes.length > 0 ? `，提供方式${modeNames(keyModes)}须按主键定位数据` : '';
    if (content.kind === 'table' && items.length > 0) {
      push(
        'error',
        'catalog.key_required',
        'dataItems',
        `库表类资源须至少指定一个主键信息项${forModes}`,
      );
    } else if (content.kind === 'service' && keyModes.length > 0) {
      push(
        'error',
        'catalog.key_required',
        'dataItems',
        `服务接口类资源须至少指定一个主键信息项${forModes}`,
      );
    }
  } else if (modes.includes('verify') && keyCount === items.length) {
    push(
      'error',
      'catalog.verify_without_non_key_item',
      'provisionModes',
      '提供方式“比对验证”须至少有一个非主键信息项作为比对内容',
    );
  }
  if (
    content.kind === 'service' &&
    shared &&
    content.sharingMethods.length > 0 &&
    !content.sharingMethods.includes('platform_api')
  ) {
    push(
      'warning',
      'catalog.service_without_api',
      'sharingMethods',
      '服务接口类资源宜通过“共享平台（接口）”方式共享',
    );
  }
}

function checkRelatedCodes(content: EntryContent, context: ComplianceContext, push: Push): void {
  const seen = new Set<string>();
  content.relatedCodes.forEach((raw, index) => {
    const code = raw.trim();
    const field = `relatedCodes[${index}]`;
    if (!parseResourceCode(code)) {
      push(
        'error',
        'catalog.invalid_related_code',
        field,
        code
          ? `关联资源代码“${code}”格式不正确，应为“分类代码/6 位顺序号”，如 301002/000001`
          : `第 ${index + 1} 个关联资源代码为空`,
      );
      return;
    }
    if (context.ownCode !== undefined && code === context.ownCode) {
      push('error', 'catalog.related_self', field, `关联资源不能是本资源自身（${code}）`);
      return;
    }
    if (seen.has(code)) {
      push('warning', 'catalog.duplicate_related_code', field, `关联资源代码“${code}”重复填写`);
      return;
    }
    seen.add(code);
    if (context.knownResourceCodes && !context.knownResourceCodes.has(code)) {
      push(
        'warning',
        'catalog.unknown_related_code',
        field,
        `关联资源代码“${code}”在目录中不存在，请核对`,
      );
    }
  });
}

/**
 * All findings for one entry, in form order (name, summary, classification, provider,
 * format, data items, sharing, opening, update, provision, related resources).
 * @example checkCompliance(draft, { providerName: '某市民政局', providerCreditCode: null })
 * // [{ code: 'catalog.missing_element', severity: 'error', field: 'providerCreditCode', … }, …]
 */
export function checkCompliance(
  content: EntryContent,
  context: ComplianceContext,
): ComplianceFinding[] {
  const findings: ComplianceFinding[] = [];
  const push: Push = (severity, code, field, message) => {
    findings.push({ code, severity, field, message });
  };
  checkName(content, context, push);
  checkSummary(content, push);
  checkClassification(content, push);
  checkProvider(context, push);
  checkFormat(content, push);
  checkDataItems(content, push);
  checkSharing(content, push);
  checkOpen(content, push);
  if (!content.updateFrequency) {
    push('error', 'catalog.missing_element', 'updateFrequency', '请选择更新周期');
  }
  if (!content.timeliness.trim()) {
    push('error', 'catalog.missing_element', 'timeliness', '请填写时效性要求');
  }
  checkProvision(content, push);
  checkRelatedCodes(content, context, push);
  checkDerivedFrom(content, context, push);
  return findings;
}

/**
 * Data obtained through sharing stays with the unit that obtained it: an entry built on it
 * may be shared onward or opened only with the source provider's consent (SHR-09, SEC-04).
 */
function checkDerivedFrom(content: EntryContent, context: ComplianceContext, push: Push) {
  const passesOn = content.sharingType === 'unconditional' || content.sharingType === 'conditional';
  const opens =
    content.openType === 'open_unconditional' || content.openType === 'open_conditional';
  if (!passesOn && !opens) return;
  content.derivedFrom.forEach((code, index) => {
    if (context.onwardConsented?.has(code)) return;
    push(
      'error',
      'catalog.resharing_without_consent',
      `derivedFrom[${index}]`,
      `本资源的数据来源于共享获得的资源 ${code}，未经其提供方同意不得再共享或向社会开放：请将共享类型设为“不予共享”、开放类型设为“不予开放”，或取得提供方的同意`,
    );
  });
}

/** Whether the findings stop submission: any error does; warnings are for the reviewer. */
export function blocksSubmission(findings: readonly ComplianceFinding[]): boolean {
  return findings.some((f) => f.severity === 'error');
}
