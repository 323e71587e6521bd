/**
 * 信息资源代码 (GB/T 21063.4): 前段码 (the 6- or 9-digit classification code) + '/' + 后段码
 * (a 6-digit sequence within that classification), e.g. '301002/000001'. The database
 * allocates the sequence per classification code and never reuses one, so a code names one
 * resource for good, even after it is withdrawn.
 */

/** A well-formed resource code; group 1 is the classification code, group 2 the sequence. */
export const resourceCodePattern = /^(\d{6}|\d{9})\/(?!000000)(\d{6})$/;

export const MAX_RESOURCE_SEQUENCE = 999_999;

/**
 * Builds the code from a classification code and a sequence (1–999999). Throws for bad
 * parts: they come from the database, not from a user.
 * @example formatResourceCode('301002', 1) // '301002/000001'
 */
export function formatResourceCode(classificationCode: string, sequence: number): string {
  if (!/^(\d{6}|\d{9})$/.test(classificationCode)) {
    throw new RangeError('classificationCode must be 6 or 9 digits');
  }
  if (!Number.isInteger(sequence) || sequence < 1 || sequence > MAX_RESOURCE_SEQUENCE) {
    throw new RangeError('sequence must be an integer from 1 to 999999');
  }
  return `${classificationCode}/${String(sequence).padStart(6, '0')}`;
}

/**
 * Splits a code into its parts, or null when it is not a well-formed code (surrounding
 * spaces are ignored). Whether the classification still exists is not checked: codes of
 * retired classification nodes stay valid.
 * @example parseResourceCode('301002/000012') // { classificationCode: '301002', sequence: 12 }
 */
export function parseResourceCode(
  code: string,
): { classificationCode: string; sequence: number } | null {
  const m = resourceCodePattern.exec(code.trim());
  if (!m) return null;
  return { classificationCode: m[1]!, sequence: Number(m[2]) };
}
