/**
 * Opaque cursors for keyset pagination: the sort key of the last row of a page, encoded
 * as base64url JSON. A cursor that does not decode is a client error, not a 500.
 *
 * @example decodeCursor(encodeCursor(['130000', '河北省民政厅', 'id']))
 */
export function encodeCursor(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/** Returns the key, or null when the text is not a cursor of `length` strings/numbers. */
export function decodeCursor(text: string, length: number): (string | number)[] | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === length &&
      value.every((v) => typeof v === 'string' || typeof v === 'number')
    ) {
      return value;
    }
  } catch {
    // fall through
  }
  return null;
}
