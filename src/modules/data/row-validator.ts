/**
 * Row validation for imports into a structured resource (COL-02): checks one row of raw text
 * against the resource's data items (type, length, digits, dates, rules) and normalises it.
 *
 * The validator sits on the bulk-import path (≈120,000 rows/s × 12 fields), so all the work
 * that does not depend on the row — regular expressions, enum sets, messages' fixed parts —
 * is done once in `compileRowValidator`; per value there is one closure call, no try/catch
 * and, on the happy path, no allocation beyond the normalised values and the result itself.
 * Failures may allocate freely: they are rare and end the import anyway (all-or-nothing).
 */
import type { DataItem, DataType } from '../catalog/elements.ts';
import { isValidCitizenId, parseCitizenId, parseCreditCode } from '../../lib/ids/index.ts';
import { isRealDate } from '../../lib/calendar/dates.ts';

/** Stable codes of row errors; the import report and the API use them as keys. */
export type RowErrorCode =
  | 'row.required'
  | 'row.too_long'
  | 'row.not_number'
  | 'row.too_many_digits'
  | 'row.scale'
  | 'row.precision'
  | 'row.not_integer'
  | 'row.out_of_range'
  | 'row.date'
  | 'row.datetime'
  | 'row.boolean'
  | 'row.citizen_id'
  | 'row.credit_code'
  | 'row.division_code'
  | 'row.phone'
  | 'row.enum'
  | 'row.pattern';

export interface RowError {
  /** The item's English identifier. */
  field: string;
  /** The item's Chinese name. */
  name: string;
  /** The raw text as found in the file. */
  value: string;
  code: RowErrorCode;
  /** Specific Chinese explanation, e.g. "长度 25 超过上限 18". */
  reason: string;
}

export type RowValue = string | number | boolean | null;

export type RowResult =
  | { ok: true; data: Record<string, RowValue>; key: string }
  | { ok: false; errors: RowError[] };

export interface RowValidatorOptions {
  /** Whether a well-formed division code exists (e.g. a lookup in the division table). */
  isDivisionCode?: (code: string) => boolean;
}

/** `values[i]` is the raw text of `items[i]`; undefined when the file has no such column. */
export type RowValidator = (values: readonly (string | undefined)[]) => RowResult;

/** Separates key parts: a control character no sane key value contains. */
export const KEY_SEPARATOR = '\u001f';

// A check returns the normalised value, or a Failure object (the only object it can return,
// so `typeof r === 'object'` tells them apart without a wrapper on the happy path).
interface Failure {
  code: RowErrorCode;
  reason: string;
}
type Value = string | number | boolean;
type Check = (s: string) => Value | Failure;
type TextCheck = (s: string) => string | Failure;

const fail = (code: RowErrorCode, reason: string): Failure => ({ code, reason });

// Any decimal with at most 15 significant digits survives the round trip through a double.
const MAX_EXACT_DIGITS = 15;

/**
 * Compiles a validator for one resource's data items. Throws (a programmer/catalog error,
 * not a row error) when a `pattern` rule is not a valid regular expression.
 * @example
 * const validate = compileRowValidator(items);
 * validate(['张三', '11010519491231002x']) // { ok: true, data: { name: '张三', id_number: '11010519491231002X' }, key: '11010519491231002X' }
 */
export function compileRowValidator(
  items: readonly DataItem[],
  options: RowValidatorOptions = {},
): RowValidator {
  const count = items.length;
  const identifiers = items.map((it) => it.identifier);
  const mandatory = items.map((it) => it.required || it.isKey);
  const keyFlags = items.map((it) => it.isKey);
  const checks = items.map((it) => compileItem(it, options));
  const requiredReasons = items.map((it) => (it.isKey ? '主键信息项不能为空' : '必填项不能为空'));

  return (values) => {
    let errors: RowError[] | null = null;
    const data: Record<string, RowValue> = {};
    let key = '';
    let keyParts = 0;
    for (let i = 0; i < count; i++) {
      const raw = values[i];
      const s = raw === undefined ? '' : raw.trim();
      let v: Value | null = null;
      if (s === '') {
        if (mandatory[i]) {
          (errors ??= []).push(rowError(items[i]!, raw, 'row.required', requiredReasons[i]!));
        }
      } else {
        const r = checks[i]!(s);
        if (typeof r === 'object') (errors ??= []).push(rowError(items[i]!, raw, r.code, r.reason));
        else v = r;
      }
      data[identifiers[i]!] = v;
      if (keyFlags[i]) {
        key = keyParts++ === 0 ? String(v) : key + KEY_SEPARATOR + String(v);
      }
    }
    return errors === null ? { ok: true, data, key } : { ok: false, errors };
  };
}

function rowError(
  item: DataItem,
  raw: string | undefined,
  code: RowErrorCode,
  reason: string,
): RowError {
  return { field: item.identifier, name: item.name, value: raw ?? '', code, reason };
}

/** Type check, then the rule (for text types the rule runs first: its message is clearer). */
function compileItem(item: DataItem, options: RowValidatorOptions): Check {
  const rule = compileRule(item, options);
  const type: DataType = item.type;
  switch (type) {
    case 'C':
    case 'M':
    case 'G': {
      const length = lengthCheck(item.length);
      if (!rule) return length;
      return (s) => {
        const r = rule(s);
        return typeof r === 'object' ? r : length(r);
      };
    }
    case 'N':
    case 'Y':
      return withRule(decimalCheck(item.length, item.scale, true), rule);
    case 'B':
    case 'F':
      return withRule(decimalCheck(item.length, item.scale, false), rule);
    case 'I':
      return withRule(integerCheck(item.length), rule);
    case 'D':
      return withRule(checkDate, rule);
    case 'T':
      return withRule(checkDateTime, rule);
    case 'L':
      return withRule(checkBoolean, rule);
  }
}

/** For non-text types the rule sees the trimmed text; the typed value is kept. */
function withRule(check: Check, rule: TextCheck | null): Check {
  if (!rule) return check;
  return (s) => {
    const v = check(s);
    if (typeof v === 'object') return v;
    const r = rule(s);
    return typeof r === 'object' ? r : v;
  };
}

// ---------------------------------------------------------------------------------------
// Text length

function lengthCheck(max: number | null): TextCheck {
  if (max === null) return (s) => s;
  return (s) => {
    // UTF-16 units ≥ characters, so the count is needed only past the limit (rare).
    if (s.length <= max) return s;
    const chars = countChars(s);
    return chars <= max ? s : fail('row.too_long', `长度 ${chars} 超过上限 ${max}`);
  };
}

/** Characters as people count them: a surrogate pair (e.g. 𠀀 in a rare name) is one. */
function countChars(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xdc00 || c > 0xdfff) n++;
  }
  return n;
}

// ---------------------------------------------------------------------------------------
// Numbers

const NOT_NUMBER_HINT = '（只能包含数字、负号和小数点，不使用千分位和科学计数法）';

/**
 * Plain decimals only (`-12.50`): thousands separators and exponents are refused because
 * they are how a spreadsheet silently mangles long numbers. `length` is the total number of
 * digits and `scale` the decimals, as in SQL DECIMAL(length, scale): with a scale the
 * integer part may have at most length − scale digits. Leading zeros of the integer part
 * and trailing zeros of the fraction do not count.
 */
function decimalCheck(length: number | null, scale: number | null, exact: boolean): Check {
  const intMax = length !== null && scale !== null ? Math.max(length - scale, 0) : null;
  return (s) => {
    const n = s.length;
    let i = s.charCodeAt(0) === 45 ? 1 : 0; // '-'
    const intStart = i;
    while (i < n && isDigit(s.charCodeAt(i))) i++;
    const intEnd = i;
    let fracStart = i;
    let fracEnd = i;
    if (i < n && s.charCodeAt(i) === 46) {
      fracStart = ++i;
      while (i < n && isDigit(s.charCodeAt(i))) i++;
      fracEnd = i;
    }
    if (intEnd === intStart || i !== n || (fracStart !== intEnd && fracEnd === fracStart)) {
      return fail('row.not_number', `不是有效数字：${s}${NOT_NUMBER_HINT}`);
    }
    let a = intStart;
    while (a < intEnd && s.charCodeAt(a) === 48) a++;
    const intDigits = intEnd - a;
    let b = fracEnd;
    while (b > fracStart && s.charCodeAt(b - 1) === 48) b--;
    const fracDigits = b - fracStart;
    if (scale !== null && fracDigits > scale) {
      return fail('row.scale', `小数位数 ${fracDigits} 超过上限 ${scale}`);
    }
    if (intMax !== null && intDigits > intMax) {
      return fail(
        'row.too_many_digits',
        `整数部分 ${intDigits} 位超过上限 ${intMax} 位（共 ${length} 位，其中小数 ${scale} 位）`,
      );
    }
    if (intMax === null && length !== null && intDigits + fracDigits > length) {
      return fail('row.too_many_digits', `数字位数 ${intDigits + fracDigits} 超过上限 ${length}`);
    }
    if (exact && intDigits + fracDigits > MAX_EXACT_DIGITS) {
      return fail(
        'row.precision',
        `有效数字 ${intDigits + fracDigits} 位，超过可精确保存的 ${MAX_EXACT_DIGITS} 位`,
      );
    }
    const v = Number(s);
    return v === 0 ? 0 : v; // no -0
  };
}

const DECIMAL = /^-?\d+\.\d+$/;

function integerCheck(length: number | null): Check {
  return (s) => {
    const n = s.length;
    let i = s.charCodeAt(0) === 45 ? 1 : 0;
    const start = i;
    while (i < n && isDigit(s.charCodeAt(i))) i++;
    if (i === start || i !== n) {
      return DECIMAL.test(s)
        ? fail('row.not_integer', `不是整数：${s}`)
        : fail('row.not_number', `不是有效整数：${s}${NOT_NUMBER_HINT}`);
    }
    let a = start;
    while (a < n && s.charCodeAt(a) === 48) a++;
    const digits = n - a;
    if (length !== null && digits > length) {
      return fail('row.too_many_digits', `数字位数 ${digits} 超过上限 ${length}`);
    }
    const v = digits > 16 ? Infinity : Number(s);
    if (!(Math.abs(v) <= Number.MAX_SAFE_INTEGER)) {
      return fail('row.out_of_range', `整数超出范围（绝对值不能超过 ${Number.MAX_SAFE_INTEGER}）`);
    }
    return v === 0 ? 0 : v;
  };
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

// ---------------------------------------------------------------------------------------
// Dates and times

// scanDate's second result: where the date ended. A module variable instead of a returned
// pair keeps the happy path allocation-free; the validator is synchronous, so it is safe.
let dateEnd = 0;

/**
 * Reads a date at the start of `s`: YYYY-MM-DD, YYYY/MM/DD (month and day may have one
 * digit), YYYYMMDD or YYYY年M月D日. Returns y·10⁴ + m·10² + d, −1 when the shape is wrong,
 * −2 when the shape is right but the date does not exist (2023-02-30). Years 1000–9999.
 */
function scanDate(s: string): number {
  const n = s.length;
  if (n < 8) return -1;
  const y = digitsAt(s, 0, 4);
  if (y < 1000) return -1;
  let m: number;
  let d: number;
  const sep = s.charCodeAt(4);
  if (isDigit(sep)) {
    m = digitsAt(s, 4, 2);
    d = digitsAt(s, 6, 2);
    if (m < 0 || d < 0) return -1;
    dateEnd = 8;
  } else {
    // '-' '-', '/' '/', or 年 月 … 日
    const close = sep === 45 ? 45 : sep === 47 ? 47 : sep === 0x5e74 ? 0x6708 : 0;
    if (close === 0) return -1;
    let i = 5;
    const m1 = oneOrTwoDigits(s, i);
    if (m1 < 0) return -1;
    m = m1 & 0xff;
    i += m1 >> 8;
    if (s.charCodeAt(i) !== close) return -1;
    const d1 = oneOrTwoDigits(s, ++i);
    if (d1 < 0) return -1;
    d = d1 & 0xff;
    i += d1 >> 8;
    if (close === 0x6708) {
      if (s.charCodeAt(i) !== 0x65e5) return -1; // 日
      i++;
    }
    dateEnd = i;
  }
  if (dateEnd < n && isDigit(s.charCodeAt(dateEnd))) return -1;
  return isRealDate(y, m, d) ? y * 10_000 + m * 100 + d : -2;
}

/** `count` digits at `from` as a number, or −1. */
function digitsAt(s: string, from: number, count: number): number {
  let v = 0;
  for (let i = from; i < from + count; i++) {
    const c = s.charCodeAt(i);
    if (!isDigit(c)) return -1;
    v = v * 10 + c - 48;
  }
  return v;
}

/** One or two digits at `from`: (digits used << 8) | value, or −1. */
function oneOrTwoDigits(s: string, from: number): number {
  const a = s.charCodeAt(from);
  if (!isDigit(a)) return -1;
  const b = s.charCodeAt(from + 1);
  return isDigit(b) ? (2 << 8) | ((a - 48) * 10 + b - 48) : (1 << 8) | (a - 48);
}

let timeEnd = 0;

/**
 * Reads H:mm or H:mm:ss (hour may have one digit; fractional seconds are accepted and
 * dropped, as database exports write "12:00:00.000") at `from`. Returns seconds of the day,
 * −1 for a wrong shape, −2 for an impossible time (24:00, 12:60).
 */
function scanTime(s: string, from: number): number {
  const h1 = oneOrTwoDigits(s, from);
  if (h1 < 0) return -1;
  let i = from + (h1 >> 8);
  if (s.charCodeAt(i) !== 58) return -1; // ':'
  const mi = digitsAt(s, i + 1, 2);
  if (mi < 0) return -1;
  i += 3;
  let sec = 0;
  if (s.charCodeAt(i) === 58) {
    sec = digitsAt(s, i + 1, 2);
    if (sec < 0) return -1;
    i += 3;
    if (s.charCodeAt(i) === 46) {
      const start = ++i;
      while (isDigit(s.charCodeAt(i))) i++;
      if (i === start) return -1;
    }
  }
  timeEnd = i;
  const h = h1 & 0xff;
  return h > 23 || mi > 59 || sec > 59 ? -2 : h * 3600 + mi * 60 + sec;
}

function isoDate(packed: number): string {
  const y = Math.floor(packed / 10_000);
  const m = Math.floor(packed / 100) % 100;
  const d = packed % 100;
  return `${y}-${m < 10 ? '0' : ''}${m}-${d < 10 ? '0' : ''}${d}`;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function isSpaceOrT(c: number): boolean {
  return c === 32 || c === 84 || c === 116; // ' ', 'T', 't'
}

/** Already 'YYYY-MM-DD'? Then the input string itself is the normalised value. */
function isCanonicalDate(s: string): boolean {
  return s.charCodeAt(4) === 45 && s.charCodeAt(7) === 45 && dateEnd === 10;
}

const checkDate: Check = (s) => {
  const packed = scanDate(s);
  if (packed >= 0) {
    if (dateEnd === s.length) return isCanonicalDate(s) ? s : isoDate(packed);
    // "2023-01-05 00:00:00" from a database export is still a date.
    if (isSpaceOrT(s.charCodeAt(dateEnd)) && scanTime(s, dateEnd + 1) === 0) {
      if (timeEnd === s.length) return isoDate(packed);
    }
  }
  return fail('row.date', `不是有效日期：${s}（应为 YYYY-MM-DD）`);
};

const checkDateTime: Check = (s) => {
  const packed = scanDate(s);
  if (packed >= 0) {
    const n = s.length;
    // A date alone is midnight: a spreadsheet shows a midnight date-time as the date.
    if (dateEnd === n) return `${isoDate(packed)}T00:00:00`;
    if (isSpaceOrT(s.charCodeAt(dateEnd))) {
      const t = scanTime(s, dateEnd + 1);
      if (t >= 0 && timeEnd === n) {
        if (n === 19 && s.charCodeAt(10) === 84 && isCanonicalDate(s)) return s;
        const time = `${pad2(Math.floor(t / 3600))}:${pad2(Math.floor(t / 60) % 60)}:${pad2(t % 60)}`;
        return `${isoDate(packed)}T${time}`;
      }
    }
  }
  return fail('row.datetime', `不是有效日期时间：${s}（应为 YYYY-MM-DD HH:mm:ss）`);
};

// ---------------------------------------------------------------------------------------
// Logical values

// Every upper/lower-case spelling precomputed, so a lookup needs no toLowerCase copy.
const BOOLEANS = new Map<string, boolean>([
  ['是', true],
  ['否', false],
]);
for (const [word, value] of [
  ['true', true],
  ['false', false],
  ['1', true],
  ['0', false],
  ['y', true],
  ['n', false],
  ['t', true],
  ['f', false],
] as const) {
  for (const spelling of caseVariants(word)) BOOLEANS.set(spelling, value);
}

function caseVariants(word: string): string[] {
  let out = [''];
  for (const ch of word) {
    const lower = ch.toLowerCase();
    const upper = ch.toUpperCase();
    out = out.flatMap((p) => (lower === upper ? [p + ch] : [p + lower, p + upper]));
  }
  return out;
}

const checkBoolean: Check = (s) => {
  const v = BOOLEANS.get(s);
  return v ?? fail('row.boolean', `不是有效的逻辑值：${s}（可填 是/否、true/false、1/0、Y/N、T/F）`);
};

// ---------------------------------------------------------------------------------------
// Rules

function compileRule(item: DataItem, options: RowValidatorOptions): TextCheck | null {
  const rule = item.rule;
  if (!rule) return null;
  switch (rule.kind) {
    case 'citizen_id':
      return checkCitizenId;
    case 'credit_code':
      return checkCreditCode;
    case 'division_code':
      return divisionCheck(options.isDivisionCode);
    case 'phone':
      return checkPhone;
    case 'enum':
      return enumCheck(rule.values ?? []);
    case 'pattern':
      return patternCheck(item, rule.pattern);
  }
}

/** GB 11643 (COL-01): stored as 18 characters with an upper-case X. */
const checkCitizenId: TextCheck = (s) => {
  if (s.length === 18 && isValidCitizenId(s)) {
    return s.charCodeAt(17) === 120 ? `${s.slice(0, 17)}X` : s;
  }
  // Failures and 15-digit legacy numbers (converted to 18) take the slower, detailed path.
  const parsed = parseCitizenId(s);
  return parsed.ok ? parsed.value.id18 : fail('row.citizen_id', parsed.message);
};

/** GB 32100 (COL-01): stored upper-cased. */
const checkCreditCode: TextCheck = (s) => {
  const parsed = parseCreditCode(s);
  return parsed.ok ? parsed.value.code : fail('row.credit_code', parsed.message);
};

function divisionCheck(isKnown: ((code: string) => boolean) | undefined): TextCheck {
  return (s) => {
    const n = s.length;
    let digits = n === 6 || n === 9 || n === 12;
    for (let i = 0; digits && i < n; i++) digits = isDigit(s.charCodeAt(i));
    if (!digits) return fail('row.division_code', `行政区划代码应为6位、9位或12位数字：${s}`);
    if (isKnown && !isKnown(s)) return fail('row.division_code', `行政区划代码不存在：${s}`);
    return s;
  };
}

// Mainland mobile numbers, or a landline with its area code (010, 02x, 0xxx) and an
// optional extension; digits and '-' only.
const PHONE = /^(?:1[3-9]\d{9}|0\d{2,3}-?[1-9]\d{6,7}(?:-\d{1,6})?)$/;

const checkPhone: TextCheck = (s) =>
  PHONE.test(s)
    ? s
    : fail(
        'row.phone',
        `不是有效的电话号码：${s}（手机号为11位数字，固定电话须带区号，只能包含数字和“-”）`,
      );

function enumCheck(values: readonly string[]): TextCheck {
  const allowed = new Set(values);
  const shown = values.slice(0, 10).join('、') + (values.length > 10 ? ' 等' : '');
  return (s) => (allowed.has(s) ? s : fail('row.enum', `“${s}”不是可选值（可选值：${shown}）`));
}

function patternCheck(item: DataItem, pattern: string | undefined): TextCheck {
  if (pattern === undefined || pattern === '') return (s) => s;
  let re: RegExp;
  try {
    // Anchored around the whole pattern so "a|b" cannot match a part of the value.
    re = new RegExp(`^(?:${pattern})$`);
  } catch {
    throw new Error(`信息项“${item.name}”（${item.identifier}）的正则表达式无效：${pattern}`);
  }
  const hint = item.description ? `：${item.description}` : '';
  return (s) => (re.test(s) ? s : fail('row.pattern', `“${s}”不符合规定的格式${hint}`));
}
