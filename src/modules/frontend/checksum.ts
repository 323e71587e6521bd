/**
 * The canonical checksum of what one side holds of a resource (对账, COL-07), computed the
 * same way by the front-end processor over its source rows and by the platform over its
 * stored rows, so that equal checksums mean equal contents.
 *
 *   line     = JSON.stringify(key) + "\t" + hex SM3 of the row's normalised JSON + "\n"
 *   checksum = hex SM3 of all lines, in ascending key order
 *
 * The key is the row's normalised key and the row JSON the validated row exactly as the data
 * store keeps it (`JSON.stringify` of the row validator's output). Keys are ordered by their
 * UTF-8 bytes — SQLite's BINARY collation and PostgreSQL's COLLATE "C" — never by a locale.
 */
import { createHash } from 'node:crypto';

export interface RowChecksum {
  /** Adds one row; keys must come in ascending byte order, each once. */
  add(key: string, rowJson: string): void;
  /** Adds a row whose content digest is already known (see `rowDigest`). */
  addDigest(key: string, digest: string): void;
  readonly count: number;
  digest(): string;
}

/** Hex SM3 of a row's normalised JSON: what the checksum covers of each row. */
export function rowDigest(rowJson: string): string {
  return createHash('sm3').update(rowJson).digest('hex');
}

/** Byte order of UTF-8 strings (what SQLite BINARY and PostgreSQL COLLATE "C" sort by). */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

export function createRowChecksum(): RowChecksum {
  const hash = createHash('sm3');
  let count = 0;
  let last: string | null = null;
  const addDigest = (key: string, digest: string) => {
    // A wrong order would give a different checksum for the same contents: fail loudly.
    if (last !== null && compareKeys(last, key) >= 0) {
      throw new Error(`对账校验值：主键未按字节升序给出（${JSON.stringify(key)}）`);
    }
    last = key;
    hash.update(`${JSON.stringify(key)}\t${digest}\n`);
    count++;
  };
  return {
    add: (key, rowJson) => addDigest(key, rowDigest(rowJson)),
    addDigest,
    get count() {
      return count;
    },
    digest: () => hash.digest('hex'),
  };
}

/** The checksum of an empty resource. */
export const emptyChecksum = createRowChecksum().digest();

/** What one side holds of a resource: its row count and canonical checksum. */
export interface Holdings {
  rowCount: number;
  checksum: string;
}

/** How two sides' holdings compare (a count difference is the plainer finding, so it wins). */
export function compareHoldings(
  a: Holdings,
  b: Holdings,
): 'match' | 'count_mismatch' | 'checksum_mismatch' {
  if (a.rowCount !== b.rowCount) return 'count_mismatch';
  return a.checksum === b.checksum ? 'match' : 'checksum_mismatch';
}
