/**
 * GB/T 2260 administrative division codes (行政区划代码): levels and parents derived from
 * the code itself. Province/city/county codes have 6 digits (PPCCXX); township (乡级) codes
 * extend a county or city code by 3 digits and village (村级) codes a township code by 3.
 */

/** Level of a division in the ministry → province → city → county → township → village tree. */
export type DivisionLevel = 'province' | 'city' | 'county' | 'township' | 'village';

/** One row of a division table. `parentCode` is null for provinces. */
export interface DivisionRow {
  code: string;
  name: string;
  level: DivisionLevel;
  parentCode: string | null;
}

/** Anything that can answer "is this code in the table?" — a Set or a Map. */
export interface CodeLookup {
  has(code: string): boolean;
}

// prettier-ignore
// Province-level codes of GB/T 2260 (省级): 31 mainland provinces, Taiwan (71), Hong Kong (81)
// and Macao (82). They have not changed since Chongqing (50) in 1997, so a constant is safer
// and faster than loading the national table just to validate an ID number's first digits.
const PROVINCE_CODES: ReadonlySet<string> = new Set([
  '11', '12', '13', '14', '15', '21', '22', '23', '31', '32', '33', '34', '35', '36', '37',
  '41', '42', '43', '44', '45', '46', '50', '51', '52', '53', '54', '61', '62', '63', '64',
  '65', '71', '81', '82',
]);

/**
 * Whether two digits are a GB/T 2260 province code.
 * @example isProvinceCode('44') // true (广东省)
 * @example isProvinceCode('10') // false
 */
export function isProvinceCode(prefix2: string): boolean {
  return PROVINCE_CODES.has(prefix2);
}

const SIX = /^[1-9]\d{5}$/;
const NINE = /^[1-9]\d{8}$/;
const TWELVE = /^[1-9]\d{11}$/;

/**
 * Level of a division code from its shape, or null when it is not a well-formed code.
 * A 6-digit code ending in 0000 is a province, ending in 00 a city, otherwise a county.
 * A 9-digit code must extend a city or county code, a 12-digit one a township code.
 * @example divisionLevel('440000') // 'province'
 * @example divisionLevel('441900003') // 'township' (a town directly under 东莞市)
 * @example divisionLevel('11010') // null
 */
export function divisionLevel(code: string): DivisionLevel | null {
  if (SIX.test(code)) {
    if (code.endsWith('0000')) return 'province';
    if (code.slice(2, 4) === '00') return null; // a county needs its city digits (or 01–90)
    return code.endsWith('00') ? 'city' : 'county';
  }
  if (NINE.test(code)) {
    const county = divisionLevel(code.slice(0, 6));
    if (county !== 'county' && county !== 'city') return null;
    return code.endsWith('000') ? null : 'township';
  }
  if (TWELVE.test(code)) {
    if (divisionLevel(code.slice(0, 9)) !== 'township') return null;
    return code.endsWith('000') ? null : 'village';
  }
  return null;
}

/**
 * The parent code of a division, looked up in `knownCodes` because GB/T 2260 skips levels:
 * a county whose city code is not in the table (municipalities' districts, 省直辖县级 such as
 * 济源市 419001) belongs to the province; a township in a city without counties (东莞市)
 * belongs to the city. Returns null for provinces and malformed codes. The province code is
 * returned even if it is missing from `knownCodes`, so callers can report the gap.
 * @example parentCodeOf('110105', new Set(['110000'])) // '110000'
 * @example parentCodeOf('130102', new Set(['130000', '130100'])) // '130100'
 */
export function parentCodeOf(code: string, knownCodes: CodeLookup): string | null {
  const level = divisionLevel(code);
  if (level === null || level === 'province') return null;
  const province = `${code.slice(0, 2)}0000`;
  const city = `${code.slice(0, 4)}00`;
  if (level === 'city') return province;
  if (level === 'county') return knownCodes.has(city) ? city : province;
  const candidates =
    level === 'township' ? [code.slice(0, 6), city] : [code.slice(0, 9), code.slice(0, 6), city];
  for (const candidate of candidates) {
    if (candidate !== code && knownCodes.has(candidate)) return candidate;
  }
  return province;
}
