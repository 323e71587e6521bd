/**
 * Archiving (AUD-02): entries older than the live window leave the table only into a signed,
 * gzip-compressed NDJSON file that verifies on its own — first line a manifest (range, count,
 * first previous hash, last hash, SHA-256 of the entry lines, SM2 signature of the node), then
 * one entry per line. Entries younger than 3 years are never archived.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { AppContext } from '../../server/context.ts';
import { AppError } from '../../server/errors.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AuditEntryTable } from '../../db/schema.ts';
import { canonicalFlat, GENESIS_HASH } from '../../lib/hash-chain.ts';
import { sm2Verify } from '../../lib/sm2.ts';
import { uuidv7 } from '../../lib/uuid.ts';
import type { KeyService } from '../keys/service.ts';
import { checkEntry, verifyChain } from './chain.ts';
import type { AuditService } from './service.ts';

export const RETENTION_YEARS = 3;
const FORMAT = 'mzhub-audit-archive/1';

export interface ArchiveManifest {
  format: typeof FORMAT;
  fromSeq: number;
  toSeq: number;
  count: number;
  firstPrevHash: string;
  lastHash: string;
  before: string;
  createdAt: string;
  entriesSha256: string;
  publicKey: string;
  signature: string;
}

function manifestText(m: Omit<ArchiveManifest, 'signature'>): string {
  return canonicalFlat({ ...m });
}

/** The latest date before which entries may be archived: today minus the retention years. */
export function retentionLimit(now: Date): string {
  const limit = new Date(now);
  limit.setUTCFullYear(limit.getUTCFullYear() - RETENTION_YEARS);
  return limit.toISOString().slice(0, 10);
}

export interface ArchiveCheck {
  ok: boolean;
  manifest: ArchiveManifest | null;
  problem: string | null;
}

/** Verifies an archive file on its own: signature, entry digest, count and the chain inside. */
export function verifyArchiveFile(path: string, expectedPublicKey?: string): ArchiveCheck {
  let lines: string[];
  try {
    lines = gunzipSync(readFileSync(path))
      .toString('utf8')
      .split('\n')
      .filter((l) => l.length > 0);
  } catch (e) {
    return {
      ok: false,
      manifest: null,
      problem: `归档文件无法解压（文件不完整或已损坏）：${(e as Error).message}`,
    };
  }
  let manifest: ArchiveManifest;
  try {
    manifest = JSON.parse(lines[0] ?? '') as ArchiveManifest;
  } catch {
    return { ok: false, manifest: null, problem: '归档文件缺少清单行' };
  }
  if (manifest.format !== FORMAT)
    return { ok: false, manifest, problem: '不是 mzhub 审计归档文件' };
  const { signature, ...unsigned } = manifest;
  if (expectedPublicKey && manifest.publicKey !== expectedPublicKey) {
    return { ok: false, manifest, problem: '归档文件不是由本节点签名的' };
  }
  if (!sm2Verify(manifestText(unsigned), signature, manifest.publicKey)) {
    return { ok: false, manifest, problem: '归档清单的 SM2 签名无效（清单被改动或签名错误）' };
  }
  const body = lines.slice(1);
  const digest = createHash('sha256').update(body.join('\n'), 'utf8').digest('hex');
  if (digest !== manifest.entriesSha256) {
    return {
      ok: false,
      manifest,
      problem: `归档记录与清单不符（应有 ${manifest.count} 条，实有 ${body.length} 条，或内容被改动）`,
    };
  }
  let prevHash = manifest.firstPrevHash;
  let expected = manifest.fromSeq;
  for (const line of body) {
    const entry = JSON.parse(line) as AuditEntryTable;
    const problem = checkEntry(entry, expected, prevHash);
    if (problem) return { ok: false, manifest, problem: problem.message };
    prevHash = entry.hash;
    expected += 1;
  }
  if (expected - 1 !== manifest.toSeq || prevHash !== manifest.lastHash) {
    return { ok: false, manifest, problem: '归档记录的范围与清单不符' };
  }
  return { ok: true, manifest, problem: null };
}

export function createArchiver(ctx: AppContext, keys: KeyService, audit: AuditService) {
  const { db, clock } = ctx;

  return {
    /**
     * Moves entries dated before `before` (YYYY-MM-DD, Asia/Shanghai midnight) into one archive
     * file under `dir`. Refuses dates inside the retention window and a chain that does not
     * verify; the file is written before the rows are removed, in one transaction.
     */
    async archive(before: string, dir: string) {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(before) || Number.isNaN(Date.parse(before))) {
        throw new AppError('invalid', 'audit.archive_date', '归档截止日期格式应为 YYYY-MM-DD');
      }
      const limit = retentionLimit(clock.now());
      if (before > limit) {
        throw new AppError(
          'invalid',
          'audit.retention',
          `审计日志至少保留 ${RETENTION_YEARS} 年：只能归档 ${limit} 之前的记录`,
        );
      }
      const report = await verifyChain(db);
      if (!report.ok) {
        throw new AppError(
          'conflict',
          'audit.chain_broken',
          `审计链校验未通过，暂停归档：${report.firstBad?.message ?? ''}`,
        );
      }
      const cutoff = new Date(`${before}T00:00:00+08:00`).toISOString();
      const { publicKey } = await keys.sign('');
      return withTransaction(db, async (tx) => {
        const rows = await tx
          .selectFrom('audit_entries')
          .selectAll()
          .where('at', '<', cutoff)
          .orderBy('seq')
          .execute();
        if (rows.length === 0) return null;
        // Only a contiguous run from the oldest entry leaves the table.
        let count = 0;
        for (const [i, r] of rows.entries()) {
          if (Number(r.seq) !== Number(rows[0]!.seq) + i) break;
          count += 1;
        }
        const entries = rows.slice(0, count);
        const first = entries[0]!;
        const last = entries.at(-1)!;
        const body = entries.map((e) => JSON.stringify({ ...e, seq: Number(e.seq) })).join('\n');
        const unsigned = {
          format: FORMAT,
          fromSeq: Number(first.seq),
          toSeq: Number(last.seq),
          count,
          firstPrevHash: first.prev_hash,
          lastHash: last.hash,
          before,
          createdAt: clock.now().toISOString(),
          entriesSha256: createHash('sha256').update(body, 'utf8').digest('hex'),
          publicKey,
        } as const;
        const { signature } = await keys.sign(manifestText(unsigned));
        const manifest: ArchiveManifest = { ...unsigned, signature };
        const file = gzipSync(`${JSON.stringify(manifest)}\n${body}\n`);
        mkdirSync(dir, { recursive: true });
        const fileName = `audit-${String(manifest.fromSeq).padStart(12, '0')}-${String(manifest.toSeq).padStart(12, '0')}.ndjson.gz`;
        writeFileSync(join(dir, fileName), file);
        await tx.insertInto('audit_archive_permit').values({ up_to_seq: manifest.toSeq }).execute();
        await tx.deleteFrom('audit_entries').where('seq', '<=', manifest.toSeq).execute();
        await tx.deleteFrom('audit_archive_permit').execute();
        await tx
          .insertInto('audit_archives')
          .values({
            id: uuidv7(),
            from_seq: manifest.fromSeq,
            to_seq: manifest.toSeq,
            entry_count: count,
            first_prev_hash: manifest.firstPrevHash || GENESIS_HASH,
            last_hash: manifest.lastHash,
            before_date: before,
            file_name: fileName,
            file_sha256: createHash('sha256').update(file).digest('hex'),
            signature,
            created_at: manifest.createdAt,
          })
          .execute();
        await audit.append(tx, {
          action: 'audit.archive',
          result: 'success',
          target: { type: 'audit_archive', id: fileName },
          recordCount: count,
          detail: { fromSeq: manifest.fromSeq, toSeq: manifest.toSeq, before },
        });
        return { fileName, path: join(dir, fileName), manifest };
      });
    },
  };
}
