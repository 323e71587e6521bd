/**
 * Certificate number rules (证书编号规则): each province fixes, per recipient category, how the
 * system numbers the certificates it issues on approval (民办发〔2017〕28号 四(五)). A rule is a
 * template of literal text and placeholders, e.g. `{prefix}{division6}{year}{seq5}` or
 * `YF-{category}-{division6}-{year}-{seq6}`:
 *
 * | placeholder              | gives                                                      |
 * | ------------------------ | ---------------------------------------------------------- |
 * | `{prefix}`               | the province's prefix (e.g. 冀), the same for every category |
 * | `{category}`             | the recipient category code (2 digits)                     |
 * | `{division6}`            | the county's administrative division code (6 digits)       |
 * | `{division4}`            | its city part (4 digits)                                   |
 * | `{division2}`            | its province part (2 digits)                               |
 * | `{year}` / `{year2}`     | the year of approval, 4 or 2 digits                        |
 * | `{seqN}` (N = 3 … 10)    | the sequence, zero-padded to N digits                      |
 *
 * Every part has a fixed width, so one rule never gives the same number for two different
 * inputs; numbers stay unique as long as the sequence is counted per `sequenceScope` (see
 * there). Across categories, `ruleCollisionProblem` refuses rule sets that could overlap.
 */
import { AppError } from '../../server/errors.ts';

export type CertificateRulePart =
  | { type: 'literal'; text: string }
  | { type: 'prefix' }
  | { type: 'category' }
  | { type: 'division'; digits: 2 | 4 | 6 }
  | { type: 'year'; digits: 2 | 4 }
  | { type: 'sequence'; digits: number };

export interface CertificateRule {
  template: string;
  parts: CertificateRulePart[];
}

export interface CertificateRuleError {
  error: { code: string; message: string };
}

export const MIN_SEQUENCE_DIGITS = 3;
export const MAX_SEQUENCE_DIGITS = 10;
/** Placeholders people can use, for the settings page. */
export const certificatePlaceholders = [
  { placeholder: '{prefix}', meaning: '本省前缀（如“冀”）' },
  { placeholder: '{category}', meaning: '优抚对象类别代码（2 位）' },
  { placeholder: '{division6}', meaning: '县级行政区划代码（6 位）' },
  { placeholder: '{division4}', meaning: '市级行政区划代码（前 4 位）' },
  { placeholder: '{division2}', meaning: '省级行政区划代码（前 2 位）' },
  { placeholder: '{year}', meaning: '审批年度（4 位）' },
  { placeholder: '{year2}', meaning: '审批年度（后 2 位）' },
  { placeholder: '{seq5}', meaning: '顺序号（数字为位数，3–10 位，不足补 0）' },
] as const;

const literalAllowed = /^[\p{Script=Han}A-Za-z0-9\-_/.·()（）]*$/u;

function fail(code: string, message: string): CertificateRuleError {
  return { error: { code: `registry.certificate_rule_${code}`, message } };
}

function placeholderPart(name: string): CertificateRulePart | CertificateRuleError {
  switch (name) {
    case 'prefix':
      return { type: 'prefix' };
    case 'category':
      return { type: 'category' };
    case 'division6':
      return { type: 'division', digits: 6 };
    case 'division4':
      return { type: 'division', digits: 4 };
    case 'division2':
      return { type: 'division', digits: 2 };
    case 'year':
      return { type: 'year', digits: 4 };
    case 'year2':
      return { type: 'year', digits: 2 };
  }
  const seq = /^seq(\d{1,2})$/.exec(name);
  if (seq) {
    const digits = Number(seq[1]);
    if (digits < MIN_SEQUENCE_DIGITS) {
      return fail(
        'sequence_too_narrow',
        `顺序号 {${name}} 只有 ${digits} 位，至少需要 ${MIN_SEQUENCE_DIGITS} 位（如 {seq5}），否则很快用完。`,
      );
    }
    if (digits > MAX_SEQUENCE_DIGITS) {
      return fail('sequence_too_wide', `顺序号 {${name}} 超过 ${MAX_SEQUENCE_DIGITS} 位。`);
    }
    return { type: 'sequence', digits };
  }
  return fail(
    'unknown_placeholder',
    `不认识的占位符 {${name}}。可用的占位符：${certificatePlaceholders.map((p) => p.placeholder).join('、')}（顺序号写作 {seq3}–{seq10}）。`,
  );
}

/**
 * Reads a template into its parts, or says in Chinese what is wrong with it.
 * @example parseCertificateRule('YF-{category}-{seq6}') // { template, parts: [literal 'YF-', category, literal '-', sequence 6] }
 */
export function parseCertificateRule(template: string): CertificateRule | CertificateRuleError {
  const text = template.trim();
  if (text === '') return fail('empty', '证书编号规则不能为空。');
  const parts: CertificateRulePart[] = [];
  let pos = 0;
  while (pos < text.length) {
    const open = text.indexOf('{', pos);
    const close = text.indexOf('}', pos);
    if (close !== -1 && (open === -1 || close < open)) {
      return fail('unbalanced_brace', `规则“${text}”中有多余的“}”。`);
    }
    const literalEnd = open === -1 ? text.length : open;
    if (literalEnd > pos) {
      const literal = text.slice(pos, literalEnd);
      if (!literalAllowed.test(literal)) {
        return fail(
          'literal_invalid',
          `规则中的固定文字“${literal}”含有不允许的字符；只能用汉字、字母、数字和 - _ / . · ( )。`,
        );
      }
      parts.push({ type: 'literal', text: literal });
    }
    if (open === -1) break;
    const end = text.indexOf('}', open);
    if (end === -1) return fail('unbalanced_brace', `规则“${text}”中的“{”没有对应的“}”。`);
    const part = placeholderPart(text.slice(open + 1, end).trim());
    if ('error' in part) return part;
    parts.push(part);
    pos = end + 1;
  }
  const count = (type: CertificateRulePart['type']) => parts.filter((p) => p.type === type).length;
  if (count('sequence') === 0) {
    return fail(
      'no_sequence',
      `规则“${text}”没有顺序号占位符（如 {seq5}），无法保证证书编号不重复。`,
    );
  }
  for (const [type, label] of [
    ['sequence', '顺序号'],
    ['year', '年度'],
    ['division', '行政区划代码'],
    ['category', '类别代码'],
    ['prefix', '前缀'],
  ] as const) {
    if (count(type) > 1) {
      return fail('duplicate_placeholder', `规则“${text}”中${label}占位符出现了不止一次。`);
    }
  }
  if (fixedLength(parts, 1) > 40) {
    return fail('too_long', `规则“${text}”生成的编号超过 40 个字符。`);
  }
  return { template: text, parts };
}

function fixedLength(parts: CertificateRulePart[], prefixLength: number): number {
  return parts.reduce((sum, p) => {
    switch (p.type) {
      case 'literal':
        return sum + [...p.text].length;
      case 'prefix':
        return sum + prefixLength;
      case 'category':
        return sum + 2;
      case 'division':
      case 'year':
      case 'sequence':
        return sum + p.digits;
    }
  }, 0);
}

export interface CertificateNumberValues {
  /** The province's prefix; required when the rule has {prefix}. */
  prefix?: string;
  /** The county's 6-digit division code. */
  divisionCode: string;
  year: number;
  /** 1 or more; must fit the rule's sequence width. */
  sequence: number;
  categoryCode: string;
}

/**
 * Which parts the sequence counter must be kept per, so that numbers of one rule never repeat:
 * per category always, per division part and per year when the rule shows them. Counting per
 * (category, county) with a rule that has no division code would repeat numbers.
 * @example sequenceScope(rule, v) // '11|130123|2025'
 */
export function sequenceScope(rule: CertificateRule, v: CertificateNumberValues): string {
  const division = rule.parts.find((p) => p.type === 'division');
  const year = rule.parts.find((p) => p.type === 'year');
  return [
    v.categoryCode,
    division ? v.divisionCode.slice(0, division.digits) : '*',
    year ? String(v.year) : '*',
  ].join('|');
}

/** The largest sequence the rule can show. */
export function maxSequence(rule: CertificateRule): number {
  const seq = rule.parts.find((p) => p.type === 'sequence');
  return seq ? 10 ** seq.digits - 1 : 0;
}

/**
 * Builds the certificate number. Throws an AppError when the values cannot be shown by the
 * rule, above all when the sequence no longer fits its width (the province must widen it).
 * @example formatCertificateNumber(rule('YF-{category}-{division6}-{year}-{seq6}'), { divisionCode: '130123', year: 2025, sequence: 7, categoryCode: '11' }) // 'YF-11-130123-2025-000007'
 */
export function formatCertificateNumber(rule: CertificateRule, v: CertificateNumberValues): string {
  if (!/^\d{6}$/.test(v.divisionCode)) {
    throw new AppError(
      'invalid',
      'registry.certificate_division_invalid',
      '行政区划代码应为 6 位数字。',
    );
  }
  if (!Number.isInteger(v.year) || v.year < 1000 || v.year > 9999) {
    throw new AppError('invalid', 'registry.certificate_year_invalid', '年度应为 4 位数字。');
  }
  if (!/^\d{2}$/.test(v.categoryCode)) {
    throw new AppError(
      'invalid',
      'registry.certificate_category_invalid',
      '类别代码应为 2 位数字。',
    );
  }
  if (!Number.isInteger(v.sequence) || v.sequence < 1) {
    throw new AppError('invalid', 'registry.certificate_sequence_invalid', '顺序号应为正整数。');
  }
  return rule.parts
    .map((p) => {
      switch (p.type) {
        case 'literal':
          return p.text;
        case 'prefix':
          if (!v.prefix) {
            throw new AppError(
              'invalid',
              'registry.certificate_prefix_missing',
              `证书编号规则“${rule.template}”使用了 {prefix}，但本省尚未设置前缀。`,
            );
          }
          return v.prefix;
        case 'category':
          return v.categoryCode;
        case 'division':
          return v.divisionCode.slice(0, p.digits);
        case 'year':
          return String(v.year).slice(4 - p.digits);
        case 'sequence': {
          const digits = String(v.sequence);
          if (digits.length > p.digits) {
            throw new AppError(
              'conflict',
              'registry.certificate_sequence_exhausted',
              `证书编号规则“${rule.template}”的顺序号只有 ${p.digits} 位，最大 ${10 ** p.digits - 1}，已用完；请省级民政部门加宽顺序号位数后再审批。`,
            );
          }
          return digits.padStart(p.digits, '0');
        }
      }
    })
    .join('');
}

/**
 * One character position of a number a rule can produce: an exact character, any digit, or
 * the province prefix (unknown here, but the same in every rule).
 */
type Slot = { kind: 'char'; char: string } | { kind: 'digit'; sample: string } | { kind: 'prefix' };

function slots(rule: CertificateRule, categoryCode: string, prefix: string | undefined): Slot[] {
  const sample = formatSample(rule, categoryCode, prefix);
  const out: Slot[] = [];
  let i = 0;
  for (const p of rule.parts) {
    const push = (s: Slot) => {
      out.push(s);
      i += 1;
    };
    switch (p.type) {
      case 'literal':
        for (const char of p.text) push({ kind: 'char', char });
        break;
      case 'prefix':
        if (prefix) for (const char of prefix) push({ kind: 'char', char });
        else push({ kind: 'prefix' });
        break;
      case 'category':
        // Category codes of one province are distinct; here the code is fixed text.
        for (const char of categoryCode) push({ kind: 'char', char });
        break;
      case 'division':
      case 'year':
      case 'sequence':
        for (let d = 0; d < p.digits; d += 1) push({ kind: 'digit', sample: sample[i] ?? '0' });
        break;
    }
  }
  return out;
}

function formatSample(rule: CertificateRule, categoryCode: string, prefix?: string): string[] {
  const text = formatCertificateNumber(rule, {
    prefix: prefix || '\u0000',
    divisionCode: '130123',
    year: 2025,
    sequence: 1,
    categoryCode: /^\d{2}$/.test(categoryCode) ? categoryCode : '00',
  });
  // The prefix stands for one slot when its value is not known.
  return [...(prefix ? text : text.replace('\u0000', '#'))];
}

/** A number both rules could give, or null when they can never give the same one. */
function commonNumber(a: Slot[], b: Slot[], prefix: string | undefined): string | null {
  if (a.length !== b.length) return null;
  let out = '';
  for (const [i, x] of a.entries()) {
    const y = b[i]!;
    if (x.kind === 'prefix' || y.kind === 'prefix') {
      if (x.kind !== y.kind) return null;
      out += prefix || '{prefix}';
    } else if (x.kind === 'char' && y.kind === 'char') {
      if (x.char !== y.char) return null;
      out += x.char;
    } else if (x.kind === 'char' || y.kind === 'char') {
      const char = x.kind === 'char' ? x.char : (y as { char: string }).char;
      if (!/^\d$/.test(char)) return null;
      out += char;
    } else {
      out += x.sample;
    }
  }
  return out;
}

/**
 * Checks a province's whole rule set and returns the first problem in Chinese, or null:
 * a category listed twice, a template that does not parse (unknown placeholder, no sequence,
 * a sequence narrower than 3 digits …), or two categories whose rules could give the same
 * number (same shape with no distinguishing literal text or {category}). `category` is the
 * 2-digit category code; `prefix` is the province prefix when known.
 * @example ruleCollisionProblem([{ category: '11', template: '{seq5}' }, { category: '12', template: '{seq5}' }]) // '…可能生成相同的证书编号…'
 */
export function ruleCollisionProblem(
  rules: { category: string; template: string }[],
  prefix?: string,
): string | null {
  const parsed: { category: string; rule: CertificateRule; slots: Slot[] }[] = [];
  const seen = new Set<string>();
  for (const r of rules) {
    if (seen.has(r.category)) return `类别“${r.category}”设置了不止一条证书编号规则。`;
    seen.add(r.category);
    const rule = parseCertificateRule(r.template);
    if ('error' in rule) return `类别“${r.category}”的证书编号规则有误：${rule.error.message}`;
    parsed.push({ category: r.category, rule, slots: slots(rule, r.category, prefix) });
  }
  for (const [i, a] of parsed.entries()) {
    for (const b of parsed.slice(i + 1)) {
      const example = commonNumber(a.slots, b.slots, prefix);
      if (example !== null) {
        return `类别“${a.category}”的规则“${a.rule.template}”与类别“${b.category}”的规则“${b.rule.template}”可能生成相同的证书编号（如 ${example}）。请在规则中加入 {category}，或使用不同的固定文字。`;
      }
    }
  }
  return null;
}
