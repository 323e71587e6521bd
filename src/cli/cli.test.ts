import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { scratchDatabase, testEngines, type ScratchDatabase } from '../../tests/helpers/engines.ts';

const bin = resolve(import.meta.dirname, '../../bin/mzhub.mjs');

function mzhub(args: string[], env: Record<string, string>, input?: string) {
  const result = spawnSync(process.execPath, [bin, ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    input,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

for (const engine of testEngines()) {
  describe(`mzhub command line (${engine})`, () => {
    let db: ScratchDatabase;
    let env: Record<string, string>;
    before(async () => {
      db = await scratchDatabase(engine);
      const dir = mkdtempSync(join(tmpdir(), 'mzhub-cli-'));
      env = { DATABASE_URL: db.url, MZHUB_DATA_DIR: dir, MZHUB_LOG_LEVEL: 'warn' };
    });
    after(() => db.drop());

    test('serve refuses a database that was never migrated', () => {
      const res = mzhub(['serve'], env);
      assert.equal(res.code, 1);
      assert.match(res.err, /请先运行 mzhub migrate/);
    });

    test('[ORG-01] migrate prepares the database and loads the national division table', () => {
      const first = mzhub(['migrate'], env);
      assert.equal(first.code, 0, first.err);
      assert.match(
        first.out,
        new RegExp(`数据库（${engine}）结构版本：\\d+；已载入内置行政区划代码表`),
      );
      const again = mzhub(['migrate'], env);
      assert.equal(again.code, 0);
      assert.doesNotMatch(again.out, /已载入/);
    });

    test('[IAM-02] bootstrap creates the platform unit and the three administrators on an empty database only', async () => {
      const fresh = await scratchDatabase(engine);
      try {
        const freshEnv = { ...env, DATABASE_URL: fresh.url };
        const bad = mzhub(['bootstrap', '--unit', '省数据中心', '--division', '139999'], freshEnv);
        assert.equal(bad.code, 1);
        assert.match(bad.err, /unit\.division_unknown/);
        const res = mzhub(
          ['bootstrap', '--unit', '河北省政务数据共享交换中心', '--division', '130000'],
          freshEnv,
        );
        assert.equal(res.code, 0, res.err);
        const lines = res.out.split('\n').filter((l) => /密码 /.test(l));
        assert.deepEqual(
          lines.map((l) => l.trim().split(/\s+/)[0]),
          ['sysadmin', 'secadmin', 'auditor'],
        );
        const again = mzhub(
          ['bootstrap', '--unit', '另一个中心', '--division', '130000'],
          freshEnv,
        );
        assert.equal(again.code, 1);
        assert.match(again.err, /只能在空库上执行一次/);
      } finally {
        await fresh.drop();
      }
    });

    test('demo loads once and prints the demo accounts', () => {
      const first = mzhub(['demo'], env);
      assert.equal(first.code, 0, first.err);
      assert.match(first.out, /演示数据已载入/);
      assert.match(first.out, /hb_platform\s+密码 \S+\s+平台管理员/);
      const again = mzhub(['demo'], env);
      assert.match(again.out, /演示数据已存在/);
    });

    test('[ORG-02] divisions import refuses a malformed table with line numbers and applies a good one', () => {
      const dir = mkdtempSync(join(tmpdir(), 'mzhub-div-'));
      const bad = join(dir, 'bad.csv');
      writeFileSync(bad, '代码,名称\n130000,河北省\n1301,石家庄\n');
      const refused = mzhub(['divisions', 'import', bad], env);
      assert.equal(refused.code, 1);
      assert.match(refused.err, /division\.table_invalid/);
      assert.match(refused.err, /line 3/);

      const good = join(dir, 'good.csv');
      writeFileSync(good, '代码\t名称\n650000\t新疆维吾尔自治区\n659099\t测试新设县级市\n');
      const applied = mzhub(['divisions', 'import', good, '--source', '测试表'], env);
      assert.equal(applied.code, 0, applied.err);
      assert.match(applied.out, /新增 1/);
    });

    test('a wrong setting stops the command with a message naming it', () => {
      const res = mzhub(['migrate'], { ...env, MZHUB_PORT: '99999' });
      assert.equal(res.code, 1);
      assert.match(res.err, /MZHUB_PORT：必须是 1–65535 的整数/);
    });

    test('[SEC-03] secrets seal turns a password into a sealed value that the config file accepts', () => {
      const sealed = mzhub(['secrets', 'seal'], env, 'db-pass-123\n');
      assert.equal(sealed.code, 0, sealed.err);
      assert.match(sealed.out.trim(), /^enc:v1:/);
      assert.doesNotMatch(sealed.out, /db-pass-123/);
    });
  });
}
