/**
 * Walking a run of audit entries and checking each against its predecessor — the part of
 * verification that worker threads run, kept free of heavy imports so they start fast.
 */
import type { AuditEntryTable } from '../../db/schema.ts';
import { entryHash } from './entry-hash.ts';

export type ChainProblem = 'edited' | 'missing' | 'reordered' | 'head_mismatch' | 'archive_gap';

export interface Problem {
  seq: number;
  problem: ChainProblem;
  message: string;
}

/** Checks one entry against the hash of the entry before it; null when it fits. */
export function checkEntry(
  entry: AuditEntryTable,
  expectedSeq: number,
  prevHash: string,
): Problem | null {
  const seq = Number(entry.seq);
  if (seq > expectedSeq) {
    return {
      seq: expectedSeq,
      problem: 'missing',
      message: `第 ${expectedSeq} 条审计记录缺失（已被删除），下一条为第 ${seq} 条`,
    };
  }
  if (seq < expectedSeq)
    return { seq, problem: 'reordered', message: `第 ${seq} 条审计记录顺序错乱` };
  if (entryHash(entry, entry.prev_hash) !== entry.hash) {
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

/** The result of walking one contiguous range of sequence numbers. */
export interface RangeResult {
  checked: number;
  /** prev_hash of the first entry (to be joined to the range before). */
  firstPrevHash: string | null;
  lastSeq: number;
  lastHash: string | null;
  bad: Problem | null;
}

export type PageReader = (
  afterSeq: number,
  limit: number,
) => Promise<AuditEntryTable[]> | AuditEntryTable[];

const PAGE = 5000;

/**
 * Walks entries with fromSeq ≤ seq ≤ toSeq. The first entry's link is not checked here (its
 * predecessor may belong to another range); everything else is.
 */
export async function walkRange(
  read: PageReader,
  fromSeq: number,
  toSeq: number,
): Promise<RangeResult> {
  const result: RangeResult = {
    checked: 0,
    firstPrevHash: null,
    lastSeq: fromSeq - 1,
    lastHash: null,
    bad: null,
  };
  let cursor = fromSeq - 1;
  let prevHash: string | null = null;
  for (;;) {
    const page = await read(cursor, PAGE);
    for (const entry of page) {
      const seq = Number(entry.seq);
      if (seq > toSeq) return result;
      if (prevHash === null) {
        result.firstPrevHash = entry.prev_hash;
        prevHash = entry.prev_hash;
      }
      const problem = checkEntry(entry, result.lastSeq + 1, prevHash);
      if (problem) {
        result.bad = problem;
        return result;
      }
      prevHash = entry.hash;
      result.lastSeq = seq;
      result.lastHash = entry.hash;
      result.checked += 1;
      cursor = seq;
    }
    if (page.length < PAGE) return result;
    // Let a serving process answer other requests between pages.
    await new Promise((resolve) => setImmediate(resolve));
  }
}
