/**
 * Audit trail speed on SQLite (file, WAL, synchronous=FULL) on this machine:
 * - appends per second through the group-commit path, with SM3 chaining and, in the same run,
 *   with hashing off (the ratio shows what the chain costs; goal ≥ 0.8, goal ≥ 100,000/s);
 * - `audit verify` throughput in entries per second (goal ≥ 300,000/s).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { migrateToLatest, openDatabase } from '../src/db/database.ts';
import { verifyChain } from '../src/modules/audit/chain.ts';
import { createAuditService, type AuditInput } from '../src/modules/audit/service.ts';
import { systemClock } from '../src/server/context.ts';
import { testConfig } from '../tests/helpers/platform.ts';
import type { BenchResult } from './run.ts';

const ENTRIES = 200_000;
/** Calls in flight at once, as on a busy exchange server. */
const CONCURRENCY = 1_000;

function entry(i: number): AuditInput {
  return {
    action: 'exchange.query',
    result: 'success',
    actor: {
      id: '0193a5b2-7c1e-7b3a-9f4e-2d1c0b9a8e7f',
      name: '唐山市民政局接口',
      unitId: '0193a5b2-7c1e-7b3a-9f4e-000000000001',
    },
    target: { type: 'resource', id: 'res-0001', unitId: '0193a5b2-7c1e-7b3a-9f4e-000000000002' },
    fields: ['name', 'citizen_id', 'address'],
    recordCount: 1,
    grantId: 'grant-0001',
    purpose: '最低生活保障审核',
    clientIp: '10.12.0.8',
    requestId: `req-${i}`,
  };
}

async function appendRun(chain: 'sm3' | 'none') {
  const dir = mkdtempSync(join(tmpdir(), 'mzhub-bench-audit-'));
  const url = `sqlite:${join(dir, 'audit.sqlite')}`;
  const handle = openDatabase(url);
  await migrateToLatest(handle);
  const ctx = {
    db: handle.db,
    engine: handle.engine,
    sqlite: handle.sqlite,
    config: testConfig(url),
    clock: systemClock,
  };
  const audit = createAuditService(ctx, { chain });
  // CONCURRENCY clients, each sending its next call as soon as the last was answered.
  let issued = 0;
  const client = async () => {
    while (issued < ENTRIES) await audit.enqueue(entry((issued += 1)));
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, client));
  const seconds = (performance.now() - start) / 1000;
  return { rate: ENTRIES / seconds, handle, dir };
}

export default async function run(): Promise<BenchResult> {
  const plain = await appendRun('none');
  await plain.handle.close();
  rmSync(plain.dir, { recursive: true, force: true });
  const hashed = await appendRun('sm3');
  const start = performance.now();
  const report = await verifyChain(hashed.handle.db, { sqlite: hashed.handle.sqlite });
  const verifySeconds = (performance.now() - start) / 1000;
  if (!report.ok || report.checked !== ENTRIES)
    throw new Error(`verify failed: ${JSON.stringify(report)}`);
  await hashed.handle.close();
  rmSync(hashed.dir, { recursive: true, force: true });
  return {
    engine: 'sqlite',
    figures: {
      entries: ENTRIES,
      appendsPerSecond: Math.round(hashed.rate),
      appendsPerSecondWithoutHashing: Math.round(plain.rate),
      verifyEntriesPerSecond: Math.round(ENTRIES / verifySeconds),
    },
    baseline: { appendsPerSecondWithoutHashing: Math.round(plain.rate) },
    ratio: Number((hashed.rate / plain.rate).toFixed(3)),
  };
}
