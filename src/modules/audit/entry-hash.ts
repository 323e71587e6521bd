/**
 * The hash of one audit entry: SM3 over the RFC 8785 canonical JSON of its content with the
 * previous entry's hash. The content has a fixed set of scalar fields, so the canonical text
 * is written out in key order directly — the same bytes `canonicalFlat` produces (a test
 * holds them equal) at a fraction of the cost, since appends and `audit verify` do this for
 * every entry.
 */
import type { AuditEntryTable } from '../../db/schema.ts';
import { digestHex } from '../../lib/hash-chain.ts';

/** What the hash covers: every column but the two hashes. */
export type HashedFields = Omit<AuditEntryTable, 'prev_hash' | 'hash'>;

// Strings with nothing to escape are quoted directly (most of them: ids, times, codes);
// anything else goes through JSON.stringify, whose escaping is what RFC 8785 prescribes.
// eslint-disable-next-line no-control-regex -- control characters are exactly what needs escaping
const needsEscape = /["\\\u0000-\u001f\ud800-\udfff]/;
function j(value: string | number | null): string {
  if (typeof value === 'string')
    return needsEscape.test(value) ? JSON.stringify(value) : `"${value}"`;
  return value === null ? 'null' : JSON.stringify(value);
}

/**
 * The canonical text around the previous hash: `prefix + ',"prev_hash":"…"' + suffix`. Split
 * so that a worker thread can chain a batch knowing only these strings.
 */
export function entryCanonicalParts(e: HashedFields): [prefix: string, suffix: string] {
  return [
    `{"action":${j(e.action)},"actor_id":${j(e.actor_id)},"actor_name":${j(e.actor_name)}` +
      `,"actor_unit_id":${j(e.actor_unit_id)},"at":${j(e.at)},"client_ip":${j(e.client_ip)}` +
      `,"detail":${j(e.detail)},"fields":${j(e.fields)},"grant_id":${j(e.grant_id)}`,
    `,"purpose":${j(e.purpose)},"record_count":${j(e.record_count === null ? null : Number(e.record_count))}` +
      `,"request_id":${j(e.request_id)},"result":${j(e.result)},"seq":${Number(e.seq)}` +
      `,"target_id":${j(e.target_id)},"target_type":${j(e.target_type)},"target_unit_id":${j(e.target_unit_id)}}`,
  ];
}

/** Joins the parts with a previous hash (a 64-character hex string needs no escaping). */
export function joinCanonical(prefix: string, prevHash: string, suffix: string): string {
  return `${prefix},"prev_hash":"${prevHash}"${suffix}`;
}

export function entryCanonical(e: HashedFields, prevHash: string): string {
  const [prefix, suffix] = entryCanonicalParts(e);
  return joinCanonical(prefix, prevHash, suffix);
}

export function entryHash(e: HashedFields, prevHash: string): string {
  return digestHex('sm3', entryCanonical(e, prevHash));
}

/** Chains a batch: the hash of each entry from its parts and the hash before it. */
export function chainParts(
  parts: readonly (readonly [string, string])[],
  prevHash: string,
): string[] {
  const hashes = new Array<string>(parts.length);
  let prev = prevHash;
  for (let i = 0; i < parts.length; i += 1) {
    prev = digestHex('sm3', joinCanonical(parts[i]![0], prev, parts[i]![1]));
    hashes[i] = prev;
  }
  return hashes;
}
