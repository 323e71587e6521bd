/**
 * GB 32100 unified social credit code (统一社会信用代码) of legal persons and other
 * organisations: registration authority (登记管理部门, 1 char) + organisation category
 * (机构类别, 1) + registering authority's division code (登记管理机关行政区划码, 6 digits)
 * + subject identifier (主体标识码, 9 — the GB 11714 organisation code with its own check
 * character) + check character (校验码, 1).
 */
import { CREDIT_CODE_AUTHORITIES } from './credit-code-labels.ts';

export type CreditCodeError =
  | 'credit_code.empty'
  | 'credit_code.format'
  | 'credit_code.charset'
  | 'credit_code.check_char'
  | 'credit_code.org_code';

export interface CreditCode {
  code: string;
  /** 1st character, e.g. '5' 民政, '9' 工商. */
  registrationAuthority: string;
  /** 2nd character, meaning depends on the authority (民政: 1 社会团体, 2 民办非企业单位, 3 基金会). */
  orgType: string;
  /** Name of the authority and of the category when they are in the GB 32100 list. */
  authorityName?: string;
  orgTypeName?: string;
  /** Characters 3–8: division code of the registering authority (100000 = national). */
  divisionCode: string;
  /** Characters 9–17: the organisation code (组织机构代码, GB 11714). */
  orgCode: string;
  checkChar: string;
}

export type CreditCodeResult =
  { ok: true; value: CreditCode } | { ok: false; code: CreditCodeError; message: string };

export interface CreditCodeOptions {
  /**
   * Also check the organisation code's own check character (default true). Every genuine code
   * seen passes it; the switch exists for a data source that proves otherwise.
   */
  checkOrgCode?: boolean;
}

// 31 characters: digits and capitals without I, O, Z, S, V (read as 1, 0, 2, 5, U).
const CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS: readonly number[] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
// GB 11714 uses all 36 digits and capitals; inside a credit code only CHARSET appears anyway.
const ORG_CHARSET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const ORG_WEIGHTS: readonly number[] = [3, 7, 9, 10, 5, 8, 4, 2];

const VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < CHARSET.length; i++) VALUE[CHARSET.charCodeAt(i)] = i;

function sum17(s: string): number {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += VALUE[s.charCodeAt(i)]! * WEIGHTS[i]!;
  return sum;
}

// C18 = 31 − (Σ mod 31), where 31 itself is written as '0'.
function checkCharOf(s: string): string {
  return CHARSET[(31 - (sum17(s) % 31)) % 31]!;
}

/**
 * Check character (18th) of the first 17 characters.
 * @example computeCreditCodeCheckChar('91350100M000100Y4') // '3'
 */
export function computeCreditCodeCheckChar(first17: string): string {
  if (!/^[0-9A-HJ-NPQRTUWXY]{17}$/.test(first17)) {
    throw new RangeError('first17 must be 17 characters of 0-9 A-H J-N P-R T-U W-Y');
  }
  return checkCharOf(first17);
}

/**
 * GB 11714 organisation code check character (9th) of an 8-character body:
 * C9 = 11 − (Σ cᵢwᵢ mod 11) with weights 3 7 9 10 5 8 4 2; 10 → 'X', 11 → '0'.
 * @example computeOrgCodeCheckChar('M000100Y') // '4'
 */
export function computeOrgCodeCheckChar(body8: string): string {
  if (!/^[0-9A-Z]{8}$/.test(body8)) throw new RangeError('body8 must be 8 digits or capitals');
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += ORG_CHARSET.indexOf(body8[i]!) * ORG_WEIGHTS[i]!;
  const c = 11 - (sum % 11);
  return c === 10 ? 'X' : c === 11 ? '0' : String(c);
}

function fail(code: CreditCodeError, message: string): CreditCodeResult {
  return { ok: false, code, message };
}

/**
 * Parses and validates a unified social credit code (trimmed, letters upper-cased).
 * Order: length, character set, digits of the division part, check character, organisation
 * code check character. Messages are Chinese and name the offending position.
 * @example parseCreditCode('91350100M000100Y43')
 * // { ok: true, value: { code: '91350100M000100Y43', registrationAuthority: '9', orgType: '1',
 * //   authorityName: '工商', orgTypeName: '企业', divisionCode: '350100', orgCode: 'M000100Y4', checkChar: '3' } }
 * @example parseCreditCode('91350100M000100Y4Z') // { ok: false, code: 'credit_code.check_char', … }
 */
export function parseCreditCode(input: string, options: CreditCodeOptions = {}): CreditCodeResult {
  const s = input.trim().toUpperCase();
  if (s === '') return fail('credit_code.empty', '统一社会信用代码为空');
  if (s.length !== 18) {
    return fail('credit_code.format', `统一社会信用代码应为18位，当前为${s.length}位`);
  }
  for (let i = 0; i < 18; i++) {
    if ((VALUE[s.charCodeAt(i)] ?? -1) < 0) {
      const ch = s[i]!;
      const hint = 'IOZSV'.includes(ch) ? '（代码中不使用字母 I、O、Z、S、V）' : '';
      return fail('credit_code.charset', `统一社会信用代码第${i + 1}位“${ch}”不是有效字符${hint}`);
    }
  }
  if (!/^\d{6}$/.test(s.slice(2, 8))) {
    return fail(
      'credit_code.format',
      '统一社会信用代码第3–8位应为登记管理机关行政区划码（6位数字）',
    );
  }
  if (checkCharOf(s) !== s[17]) {
    return fail('credit_code.check_char', '统一社会信用代码校验码错误，请核对代码是否录入有误');
  }
  const orgCode = s.slice(8, 17);
  if (
    options.checkOrgCode !== false &&
    computeOrgCodeCheckChar(orgCode.slice(0, 8)) !== orgCode[8]
  ) {
    return fail('credit_code.org_code', '统一社会信用代码第9–17位（组织机构代码）的校验位错误');
  }
  const authority = CREDIT_CODE_AUTHORITIES[s[0]!];
  const value: CreditCode = {
    code: s,
    registrationAuthority: s[0]!,
    orgType: s[1]!,
    divisionCode: s.slice(2, 8),
    orgCode,
    checkChar: s[17],
  };
  if (authority) {
    value.authorityName = authority.name;
    const typeName = authority.types[s[1]!];
    if (typeName) value.orgTypeName = typeName;
  }
  return { ok: true, value };
}

/**
 * Whether `input` is a valid unified social credit code (same rules as parseCreditCode).
 * @example isValidCreditCode('91512081MA62K0260E') // true
 */
export function isValidCreditCode(input: string, options: CreditCodeOptions = {}): boolean {
  return parseCreditCode(input, options).ok;
}

/**
 * Builds a valid code from its parts — for synthetic demo units. `body8` is the first 8
 * characters of the organisation code; both check characters are computed.
 * @example makeCreditCode({ authority: '9', orgType: '1', division: '350100', body8: 'M000100Y' })
 * // '91350100M000100Y43'
 */
export function makeCreditCode(parts: {
  authority: string;
  orgType: string;
  division: string;
  body8: string;
}): string {
  const { authority, orgType, division, body8 } = parts;
  if (!/^\d{6}$/.test(division)) throw new RangeError('division must be 6 digits');
  const first17 = `${authority}${orgType}${division}${body8}${computeOrgCodeCheckChar(body8)}`;
  return first17 + computeCreditCodeCheckChar(first17);
}
