/**
 * Verification of the audit chain (AUD-02): every entry's hash is recomputed from its
 * content and the hash before it; the first entry that does not fit is named, with what is
 * wrong — edited, missing (deleted), out of order, or a head that does not match.
 */
import type { Db } from '../../db/database.ts';
import type { AuditEntryTable } from '../../db/schema.ts';
import { chainHash, GENESIS_HASH } from '../../lib/hash-chain.ts';
import { hashedContent } from './service.ts';

export type ChainProblem = 'edited' | 'missing' | 'reordered' | 'head_mismatch' | 'archive_gap';

export interface ChainReport {
  ok: boolean;
  /** Entries checked in the live table. */
  checked: number;
  /** Sequence number and hash of the last entry checked. */
  headSeq: number;
  headHash: string;
  firstBad: { seq: number; problem: ChainProblem; message: string } | null;
}

const PAGE = 5000;

/** Checks one entry against the hash of the entry before it; null when it fits. */
export function checkEntry(
  entry: AuditEntryTable,
  expectedSeq: number,
  prevHash: string,
): { seq: number; problem: ChainProblem; message: string } | null {
  const seq = Number(entry.seq);
  if (seq > expectedSeq) {
    return {
      seq: expectedSeq,
      problem: 'missing',
      message: `第 ${expectedSeq} 条审计记录缺失（已被删除），下一条为第 ${seq} 条`,
    };
  }
  if (seq < expectedSeq) {
    return { seq, problem: 'reordered', message: `第 ${seq} 条审计记录顺序错乱` };
  }
  const recomputed = chainHash('sm3', hashedContent(entry), entry.prev_hash);
  if (recomputed !== entry.hash) {
    return { seq, problem: 'edited', message: `第 ${seq} 条审计记录的内容已被改动（哈希不符）` };
  }
  if (entry.prev_hash !== prevHash) {
    return {
      seq: seq - 1,
      problem: 'edited',
      message: `第 ${seq - 1} 条审计记录已被改动或替换（第 ${seq} 条记下的前一条哈希与之不符）`,
    };
  }
  return null;
}

/**
 * Walks the live table in sequence order, starting after the last archive (whose last hash
 * the first live entry must continue), and compares the end with the chain head.
 */
export async function verifyChain(db: Db): Promise<ChainReport> {
  const lastArchive = await db
    .selectFrom('audit_archives')
    .select(['to_seq', 'last_hash'])
    .orderBy('to_seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  let expectedSeq = lastArchive ? Number(lastArchive.to_seq) + 1 : 1;
  let prevHash = lastArchive?.last_hash ?? GENESIS_HASH;
  let checked = 0;
  const fail = (seq: number, problem: ChainProblem, message: string): ChainReport => ({
    ok: false,
    checked,
    headSeq: expectedSeq - 1,
    headHash: prevHash,
    firstBad: { seq, problem, message },
  });

  if (lastArchive) {
    const oldest = await db
      .selectFrom('audit_entries')
      .select((eb) => eb.fn.min('seq').as('seq'))
      .executeTakeFirst();
    if (oldest?.seq !== null && oldest?.seq !== undefined && Number(oldest.seq) < expectedSeq) {
      return fail(
        Number(oldest.seq),
        'archive_gap',
        `第 ${oldest.seq} 条审计记录已归档却仍在在线表中`,
      );
    }
  }

  let cursor = expectedSeq - 1;
  for (;;) {
    const page = await db
      .selectFrom('audit_entries')
      .selectAll()
      .where('seq', '>', cursor)
      .orderBy('seq')
      .limit(PAGE)
      .execute();
    for (const entry of page) {
      const problem = checkEntry(entry, expectedSeq, prevHash);
      if (problem) return fail(problem.seq, problem.problem, problem.message);
      prevHash = entry.hash;
      expectedSeq += 1;
      checked += 1;
      cursor = Number(entry.seq);
    }
    if (page.length < PAGE) break;
  }

  const head = await db
    .selectFrom('audit_chain_head')
    .select(['seq', 'hash'])
    .where('id', '=', 1)
    .executeTakeFirstOrThrow();
  if (Number(head.seq) !== expectedSeq - 1 || head.hash !== prevHash) {
    return fail(
      expectedSeq,
      Number(head.seq) > expectedSeq - 1 ? 'missing' : 'head_mismatch',
      Number(head.seq) > expectedSeq - 1
        ? `最后 ${Number(head.seq) - (expectedSeq - 1)} 条审计记录缺失（链头记录到第 ${head.seq} 条，表中只到第 ${expectedSeq - 1} 条）`
        : `审计链头（第 ${head.seq} 条）与表中最后一条记录不符`,
    );
  }
  return { ok: true, checked, headSeq: expectedSeq - 1, headHash: prevHash, firstBad: null };
}
