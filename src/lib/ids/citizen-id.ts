/**
 * GB 11643 citizen ID number (公民身份号码): 6-digit division code (地址码) + 8-digit birth date
 * (出生日期码) + 3-digit sequence (顺序码, odd for men) + check character (校验码, ISO 7064
 * MOD 11-2). The 15-digit numbers of first-generation cards (2-digit year) are still met in
 * old records and are accepted and converted.
 */
import { isRealDate, shanghaiEpochDay, toEpochDay } from '../calendar/dates.ts';
import type { DateInput } from '../calendar/dates.ts';
import { isProvinceCode } from '../divisions/codes.ts';

export type CitizenIdError =
  'id.empty' | 'id.format' | 'id.division' | 'id.birth_date' | 'id.check_char';

export interface CitizenId {
  /** The 18-character number (converted if the input was 15 digits). */
  id18: string;
  /** First 6 digits: the division where the number was issued (may be a historic code). */
  divisionCode: string;
  /** 'YYYY-MM-DD'. */
  birthDate: string;
  sex: 'male' | 'female';
  /** The input was a 15-digit first-generation number. */
  legacy15: boolean;
}

export type CitizenIdResult =
  { ok: true; value: CitizenId } | { ok: false; code: CitizenIdError; message: string };

export interface CitizenIdOptions {
  /** "Today" for the future-birth-date check; defaults to the current Shanghai date. */
  today?: DateInput;
}

const WEIGHTS: readonly number[] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = '10X98765432';
const CHECK_CODES = Array.from(CHECK_CHARS, (c) => c.charCodeAt(0));
const ID18 = /^\d{17}[\dX]$/;
const ID15 = /^\d{15}$/;
// First-generation IDs and the earliest records: nobody alive was born before 1900.
const MIN_BIRTH = 19_000_101;

// Province validity as a 100-slot table: one lookup instead of a substring + Set per call.
// 83 is the address code of Taiwan residents' residence permits (台湾居民居住证, 830000),
// whose numbers follow GB 11643; Hong Kong (81) and Macao (82) are province codes already.
const PROVINCE_OK = new Uint8Array(100);
for (let i = 10; i < 100; i++) PROVINCE_OK[i] = isProvinceCode(String(i)) ? 1 : 0;

/** Sum of digit × weight over the first 17 characters; caller guarantees they are digits. */
function weightedSum(s: string): number {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (s.charCodeAt(i) - 48) * WEIGHTS[i]!;
  return sum;
}

/**
 * Check character of the first 17 digits (ISO 7064 MOD 11-2: '0'–'9' or 'X').
 * @example computeCitizenIdCheckChar('11010519491231002') // 'X'
 */
export function computeCitizenIdCheckChar(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new RangeError('first17 must be 17 digits');
  return CHECK_CHARS[weightedSum(first17) % 11]!;
}

// Today as YYYYMMDD in Shanghai. The validator runs millions of times in a bulk import, so
// the clock is read only when a birth date is later than the last "today" seen: today only
// moves forward, so any date up to that cached value is certainly not in the future.
let todayCache = 0;
function isFuture(birth: number, today: DateInput | undefined): boolean {
  if (today !== undefined) return birth > yyyymmddOfEpochDay(toEpochDay(today));
  if (birth <= todayCache) return false;
  todayCache = yyyymmddOfEpochDay(shanghaiEpochDay(Date.now()));
  return birth > todayCache;
}

function yyyymmddOfEpochDay(day: number): number {
  const d = new Date(day * 86_400_000);
  return d.getUTCFullYear() * 10_000 + (d.getUTCMonth() + 1) * 100 + d.getUTCDate();
}

function digits(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) n = n * 10 + (s.charCodeAt(i) - 48);
  return n;
}

// The birth digits as the user typed them (6 for a 15-digit number); built only on failure,
// since a slice per call is measurable at millions of calls.
function birthText(s: string, legacy15: boolean): string {
  return legacy15 ? s.slice(8, 14) : s.slice(6, 14);
}

type Failure = { code: CitizenIdError; message: string };

/**
 * Checks an 18-character number that already matched the format; returns null when valid.
 * Shared by parse and isValid so both apply the same rules in the same order.
 */
function check18(s: string, today: DateInput | undefined, legacy15: boolean): Failure | null {
  const p = digits(s, 0, 2);
  if (PROVINCE_OK[p] !== 1 && !s.startsWith('830000')) {
    return {
      code: 'id.division',
      message: `身份证号码前两位“${s.slice(0, 2)}”不是有效的省级行政区划代码`,
    };
  }
  const y = digits(s, 6, 10);
  const m = digits(s, 10, 12);
  const d = digits(s, 12, 14);
  const birth = y * 10_000 + m * 100 + d;
  if (!isRealDate(y, m, d)) {
    return {
      code: 'id.birth_date',
      message: `身份证号码中的出生日期“${birthText(s, legacy15)}”不是有效日期`,
    };
  }
  if (birth < MIN_BIRTH) {
    return {
      code: 'id.birth_date',
      message: `身份证号码中的出生日期“${birthText(s, legacy15)}”早于1900年1月1日`,
    };
  }
  if (isFuture(birth, today)) {
    return {
      code: 'id.birth_date',
      message: `身份证号码中的出生日期“${birthText(s, legacy15)}”晚于今天`,
    };
  }
  // The expected character is not revealed: a clerk must re-read the card, not "fix" the
  // number by typing what the system suggests.
  if (!legacy15 && CHECK_CODES[weightedSum(s) % 11] !== s.charCodeAt(17)) {
    return { code: 'id.check_char', message: '身份证号码校验码错误，请核对号码是否录入有误' };
  }
  return null;
}

function normalise(input: string): string {
  const s = input.trim();
  // Only the last character may be an x; upper-casing just that avoids a copy per call.
  return s.charCodeAt(s.length - 1) === 120 ? `${s.slice(0, -1)}X` : s;
}

function formatFailure(s: string): Failure {
  const message =
    s.length === 18 || s.length === 15
      ? `身份证号码只能由数字组成${s.length === 18 ? '，末位可以是X' : ''}`
      : `身份证号码应为18位（旧版为15位），当前为${s.length}位`;
  return { code: 'id.format', message };
}

/** 15 → 18 digits: insert the century '19' (first-generation cards ended in 1999) + check. */
function upgrade15(s: string): string {
  const first17 = `${s.slice(0, 6)}19${s.slice(6)}`;
  return first17 + CHECK_CHARS[weightedSum(first17) % 11]!;
}

/**
 * Parses and validates a citizen ID number: trims, accepts a lowercase x, converts a 15-digit
 * number to 18 digits. On failure returns a stable code and a specific Chinese message.
 * @example parseCitizenId('11010519491231002x')
 * // { ok: true, value: { id18: '11010519491231002X', divisionCode: '110105',
 * //   birthDate: '1949-12-31', sex: 'female', legacy15: false } }
 * @example parseCitizenId('110105194912310021') // { ok: false, code: 'id.check_char', … }
 */
export function parseCitizenId(input: string, options: CitizenIdOptions = {}): CitizenIdResult {
  const s = normalise(input);
  if (s === '') return { ok: false, code: 'id.empty', message: '身份证号码为空' };
  const legacy15 = s.length === 15;
  if (!(legacy15 ? ID15 : ID18).test(s)) return { ok: false, ...formatFailure(s) };
  const id18 = legacy15 ? upgrade15(s) : s;
  const failure = check18(id18, options.today, legacy15);
  if (failure) return { ok: false, ...failure };
  const birthDate = `${id18.slice(6, 10)}-${id18.slice(10, 12)}-${id18.slice(12, 14)}`;
  const sex = (id18.charCodeAt(16) - 48) % 2 === 1 ? 'male' : 'female';
  return { ok: true, value: { id18, divisionCode: id18.slice(0, 6), birthDate, sex, legacy15 } };
}

/**
 * Whether `input` is a valid citizen ID number (same rules as parseCitizenId, no allocation
 * of a result on success).
 * @example isValidCitizenId('440524188001010014') // false: born before 1900
 */
export function isValidCitizenId(input: string, options?: CitizenIdOptions): boolean {
  const s = normalise(input);
  if (s.length === 18) return ID18.test(s) && check18(s, options?.today, false) === null;
  if (s.length === 15) return ID15.test(s) && check18(upgrade15(s), options?.today, true) === null;
  return false;
}

/**
 * Builds a valid 18-digit number, for demo data and tests.
 * @example makeCitizenId('110105', '19491231', '002') // '11010519491231002X'
 */
export function makeCitizenId(division6: string, birth: string, seq3: string | number): string {
  const seq = typeof seq3 === 'number' ? String(seq3).padStart(3, '0') : seq3;
  if (!/^\d{6}$/.test(division6)) throw new RangeError('division6 must be 6 digits');
  if (!/^\d{3}$/.test(seq)) throw new RangeError('seq3 must be 000–999');
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(birth);
  if (!m || !isRealDate(Number(m[1]), Number(m[2]), Number(m[3]))) {
    throw new RangeError('birth must be a real YYYYMMDD date');
  }
  const first17 = division6 + birth + seq;
  return first17 + CHECK_CHARS[weightedSum(first17) % 11]!;
}

/**
 * Masks a number for display: first 6 and last 4 characters shown, the birth date and
 * sequence hidden. Short or odd inputs are masked entirely rather than partly leaked.
 * @example maskCitizenId('11010519491231002X') // '110105********002X'
 */
export function maskCitizenId(id: string): string {
  const s = id.trim();
  if (s.length <= 10) return '*'.repeat(s.length);
  return `${s.slice(0, 6)}${'*'.repeat(s.length - 10)}${s.slice(-4)}`;
}

// Exported for the demo generator, which builds millions of numbers from precomputed parts.
export { CHECK_CHARS as CITIZEN_ID_CHECK_CHARS, WEIGHTS as CITIZEN_ID_WEIGHTS };
