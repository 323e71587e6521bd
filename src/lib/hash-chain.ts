/**
 * Hash chaining for tamper-evident logs: each entry's hash is SM3 (GB/T 32905; SHA-256 as an
 * option) over the RFC 8785 canonical JSON of its content plus the previous entry's hash. Editing,
 * deleting or reordering any entry breaks every hash after it.
 *
 * @example chainHash('sm3', { seq: 1, action: 'auth.login' }, GENESIS_HASH)
 */
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

export type ChainAlgorithm = 'sm3' | 'sha256';

export const GENESIS_HASH = '0'.repeat(64);

export function chainHash(
  algorithm: ChainAlgorithm,
  content: Record<string, unknown>,
  prevHash: string,
): string {
  const text = canonicalize({ ...content, prev_hash: prevHash });
  if (text === undefined) throw new Error('entry cannot be encoded as JSON');
  return createHash(algorithm).update(text, 'utf8').digest('hex');
}
