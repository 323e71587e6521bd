/**
 * UUID version 7 (RFC 9562): 48-bit Unix milliseconds then random bits, so ids sort by
 * creation time — good for index locality and cursor pagination. Ids are opaque strings
 * to API clients.
 *
 * @example uuidv7() // '0193a5b2-7c1e-7b3a-9f4e-2d1c0b9a8e7f'
 */
import { randomFillSync } from 'node:crypto';

/**
 * Random bytes are drawn 4 KB at a time: one system call per 256 ids instead of one per id
 * (every audited exchange call makes an id).
 */
const pool = Buffer.alloc(4096);
let poolOffset = pool.length;

export function uuidv7(now: number = Date.now()): string {
  if (poolOffset + 16 > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const bytes = Buffer.from(pool.subarray(poolOffset, poolOffset + 16));
  poolOffset += 16;
  bytes.writeUIntBE(now, 0, 6);
  bytes[6] = 0x70 | ((bytes[6] ?? 0) & 0x0f);
  bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
