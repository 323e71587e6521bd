import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, test } from 'node:test';
import { sql } from 'kysely';
import { createTestPlatform, type TestPlatform } from '../../../tests/helpers/platform.ts';
import { testEngines } from '../../../tests/helpers/engines.ts';
import { verifyArchiveFile } from './archive.ts';
import { verifyChain } from './chain.ts';

const root = resolve(import.meta.dirname, '../../..');

/** What an intruder with database rights does first: switch off the append-only triggers. */
async function disableProtection(t: TestPlatform) {
  if (t.engine === 'postgres') {
    await sql`alter table audit_entries disable trigger audit_entries_no_change`.execute(t.ctx.db);
  } else {
    await sql`drop trigger audit_entries_no_update`.execute(t.ctx.db);
    await sql`drop trigger audit_entries_no_delete`.execute(t.ctx.db);
  }
}

async function withPlatform(
  engine: 'sqlite' | 'postgres',
  work: (t: TestPlatform) => Promise<void>,
) {
  const t = await createTestPlatform(engine);
  try {
    await work(t);
  } finally {
    await t.close();
  }
}

function cliVerify(t: TestPlatform) {
  const res = spawnSync(process.execPath, [join(root, 'bin/mzhub.mjs'), 'audit', 'verify'], {
    env: {
      PATH: process.env.PATH ?? '',
      DATABASE_URL: t.ctx.config.databaseUrl,
      MZHUB_DATA_DIR: mkdtempSync(join(tmpdir(), 'mzhub-cli-')),
    },
    encoding: 'utf8',
  });
  return { code: res.status, out: res.stdout, err: res.stderr };
}

let unitCounter = 0;

/** Some audited activity: units created through the API. */
async function activity(t: TestPlatform, n: number) {
  const manager = await t.userWith(['platform_manager']);
  for (let i = 0; i < n; i += 1) {
    const res = await t.http('POST', '/api/v1/units', {
      as: manager,
      body: { name: `审计测试单位${(unitCounter += 1)}`, divisionCode: '130100', type: 'agency' },
    });
    assert.equal(res.status, 201, `${i}`);
  }
  return manager;
}

for (const engine of testEngines()) {
  describe(`audit trail (${engine})`, () => {
    test('[AUD-01] a change is logged with who, unit, what, which fields and the request, in its own transaction', async () => {
      await withPlatform(engine, async (t) => {
        const manager = await activity(t, 1);
        const entry = await t.ctx.db
          .selectFrom('audit_entries')
          .selectAll()
          .where('action', '=', 'unit.create')
          .where('actor_id', '=', manager.userId)
          .executeTakeFirstOrThrow();
        assert.equal(entry.result, 'success');
        assert.equal(entry.target_type, 'unit');
        assert.ok(entry.actor_unit_id);
        assert.equal(entry.client_ip, '127.0.0.1');
        assert.match(entry.request_id ?? '', /^[0-9a-f-]{36}$/);
        assert.deepEqual(JSON.parse(entry.fields ?? '[]').sort(), ['divisionCode', 'name', 'type']);
        // A refused change leaves neither the change nor an entry.
        const before = await t.ctx.db
          .selectFrom('audit_entries')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow();
        const refused = await t.http('POST', '/api/v1/units', {
          as: manager,
          body: { name: `审计测试单位${unitCounter}`, divisionCode: '130100', type: 'agency' },
        });
        assert.equal(refused.status, 409);
        const after = await t.ctx.db
          .selectFrom('audit_entries')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow();
        assert.equal(Number(after.n), Number(before.n));
      });
    });

    test('[AUD-02] audit verify passes on an intact trail and names an edited row', async () => {
      await withPlatform(engine, async (t) => {
        await activity(t, 5);
        const intact = cliVerify(t);
        assert.equal(intact.code, 0, intact.err);
        assert.match(intact.out, /审计链完整/);

        await disableProtection(t);
        const victim = await t.ctx.db
          .selectFrom('audit_entries')
          .select('seq')
          .where('action', '=', 'unit.create')
          .orderBy('seq')
          .offset(2)
          .limit(1)
          .executeTakeFirstOrThrow();
        await t.ctx.db
          .updateTable('audit_entries')
          .set({ actor_name: '别人' })
          .where('seq', '=', victim.seq)
          .execute();
        const report = await verifyChain(t.ctx.db);
        assert.equal(report.ok, false);
        assert.deepEqual(
          [report.firstBad?.seq, report.firstBad?.problem],
          [Number(victim.seq), 'edited'],
        );
        const cli = cliVerify(t);
        assert.equal(cli.code, 2);
        assert.match(cli.err, new RegExp(`第 ${victim.seq} 条审计记录的内容已被改动`));
      });
    });

    test('[AUD-02] audit verify names a deleted, a rehashed and a truncated entry', async () => {
      await withPlatform(engine, async (t) => {
        await activity(t, 6);
        await disableProtection(t);
        const seqs = (
          await t.ctx.db.selectFrom('audit_entries').select('seq').orderBy('seq').execute()
        ).map((r) => Number(r.seq));
        // A rewritten entry whose own hash was recomputed: caught by the next entry's link.
        const { chainHash } = await import('../../lib/hash-chain.ts');
        const { hashedContent } = await import('./service.ts');
        const target = await t.ctx.db
          .selectFrom('audit_entries')
          .selectAll()
          .where('seq', '=', seqs[3]!)
          .executeTakeFirstOrThrow();
        const forged = { ...target, actor_name: '伪造者' };
        await t.ctx.db
          .updateTable('audit_entries')
          .set({
            actor_name: '伪造者',
            hash: chainHash('sm3', hashedContent(forged), forged.prev_hash),
          })
          .where('seq', '=', seqs[3]!)
          .execute();
        let report = await verifyChain(t.ctx.db);
        assert.deepEqual([report.firstBad?.seq, report.firstBad?.problem], [seqs[3], 'edited']);
        await t.ctx.db
          .updateTable('audit_entries')
          .set({ actor_name: target.actor_name, hash: target.hash })
          .where('seq', '=', seqs[3]!)
          .execute();
        assert.equal((await verifyChain(t.ctx.db)).ok, true);

        await t.ctx.db.deleteFrom('audit_entries').where('seq', '=', seqs[2]!).execute();
        report = await verifyChain(t.ctx.db);
        assert.deepEqual([report.firstBad?.seq, report.firstBad?.problem], [seqs[2], 'missing']);
      });
      await withPlatform(engine, async (t) => {
        await activity(t, 3);
        await disableProtection(t);
        const last = await t.ctx.db
          .selectFrom('audit_entries')
          .select('seq')
          .orderBy('seq', 'desc')
          .limit(1)
          .executeTakeFirstOrThrow();
        await t.ctx.db.deleteFrom('audit_entries').where('seq', '=', last.seq).execute();
        const report = await verifyChain(t.ctx.db);
        assert.equal(report.ok, false);
        assert.equal(report.firstBad?.problem, 'missing');
        assert.match(report.firstBad?.message ?? '', /最后 1 条审计记录缺失/);
      });
    });

    test('[AUD-02] a signed checkpoint verifies later, and fails when forged or when the trail was cut', async () => {
      await withPlatform(engine, async (t) => {
        await activity(t, 3);
        const checkpoint = await t.services.anchors.anchor();
        assert.match(checkpoint.signature, /^[0-9a-f]{128}$/);
        await activity(t, 1);
        assert.deepEqual(await t.services.anchors.verifyAnchor(checkpoint), {
          ok: true,
          problem: null,
        });
        const forged = { ...checkpoint, seq: checkpoint.seq - 1 };
        assert.match((await t.services.anchors.verifyAnchor(forged)).problem ?? '', /签名无效/);

        await disableProtection(t);
        await t.ctx.db
          .updateTable('audit_entries')
          .set({ hash: 'f'.repeat(64) })
          .where('seq', '=', checkpoint.seq)
          .execute();
        assert.match(
          (await t.services.anchors.verifyAnchor(checkpoint)).problem ?? '',
          /与检查点不符/,
        );
      });
    });

    test('[AUD-02] entries older than 3 years are archived into signed files that verify on their own; younger ones never', async () => {
      await withPlatform(engine, async (t) => {
        const now = new Date();
        t.clock.set(new Date(now.getTime() - 4 * 365 * 86_400_000));
        await activity(t, 4);
        t.clock.set(now);
        await activity(t, 2);
        const dir = mkdtempSync(join(tmpdir(), 'mzhub-archive-'));
        const today = now.toISOString().slice(0, 10);
        await assert.rejects(t.services.archiver.archive(today, dir), /至少保留 3 年/);

        const limit = new Date(now.getTime() - 3 * 366 * 86_400_000).toISOString().slice(0, 10);
        const result = await t.services.archiver.archive(limit, dir);
        assert.ok(result);
        assert.ok(result.manifest.count >= 4);
        const oldest = await t.ctx.db
          .selectFrom('audit_entries')
          .select((eb) => eb.fn.min('seq').as('seq'))
          .executeTakeFirstOrThrow();
        assert.equal(Number(oldest.seq), result.manifest.toSeq + 1);
        assert.equal((await verifyChain(t.ctx.db)).ok, true);
        assert.deepEqual(verifyArchiveFile(result.path), {
          ok: true,
          manifest: result.manifest,
          problem: null,
        });

        // A truncated file, an altered entry and an altered manifest are each caught.
        const bytes = readFileSync(result.path);
        writeFileSync(join(dir, 'cut.gz'), bytes.subarray(0, Math.floor(bytes.length / 2)));
        assert.match(verifyArchiveFile(join(dir, 'cut.gz')).problem ?? '', /无法解压/);
        const lines = gunzipSync(bytes).toString('utf8').split('\n');
        writeFileSync(join(dir, 'short.gz'), gzipSync(lines.slice(0, -2).join('\n')));
        assert.match(verifyArchiveFile(join(dir, 'short.gz')).problem ?? '', /与清单不符/);
        const manifest = JSON.parse(lines[0]!);
        writeFileSync(
          join(dir, 'forged.gz'),
          gzipSync(
            [JSON.stringify({ ...manifest, count: manifest.count + 1 }), ...lines.slice(1)].join(
              '\n',
            ),
          ),
        );
        assert.match(verifyArchiveFile(join(dir, 'forged.gz')).problem ?? '', /签名无效/);
      });
    });

    test('[AUD-02] group commit answers each caller only after its entry is committed, in one chain', async () => {
      await withPlatform(engine, async (t) => {
        const seqs = await Promise.all(
          Array.from({ length: 500 }, (_, i) =>
            t.services.audit.enqueue({ action: 'test.read', result: 'success', recordCount: i }),
          ),
        );
        assert.equal(new Set(seqs).size, 500);
        const stored = await t.ctx.db
          .selectFrom('audit_entries')
          .select('seq')
          .where('action', '=', 'test.read')
          .execute();
        assert.equal(stored.length, 500);
        assert.equal((await verifyChain(t.ctx.db)).ok, true);
      });
    });

    if (engine === 'postgres') {
      test('[AUD-02] two server processes appending at once keep one consistent chain', async () => {
        await withPlatform(engine, async (t) => {
          const run = (name: string) =>
            new Promise<number>((ok) => {
              const child = spawn(
                process.execPath,
                [
                  '--import',
                  'tsx',
                  join(root, 'tests/helpers/audit-writer.ts'),
                  t.ctx.config.databaseUrl,
                  '300',
                  name,
                ],
                { stdio: 'inherit' },
              );
              child.on('exit', (code) => ok(code ?? 1));
            });
          const codes = await Promise.all([run('a'), run('b')]);
          assert.deepEqual(codes, [0, 0]);
          const rows = await t.ctx.db
            .selectFrom('audit_entries')
            .select('detail')
            .where('action', '=', 'test.concurrent')
            .execute();
          assert.equal(rows.length, 600);
          const report = await verifyChain(t.ctx.db);
          assert.equal(report.ok, true, report.firstBad?.message);
        });
      });
    }
  });
}
