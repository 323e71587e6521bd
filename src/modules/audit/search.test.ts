import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import ExcelJS from 'exceljs';
import {
  createTestPlatform,
  type Caller,
  type TestPlatform,
} from '../../../tests/helpers/platform.ts';
import { testEngines } from '../../../tests/helpers/engines.ts';

for (const engine of testEngines()) {
  describe(`reading the audit trail (${engine})`, () => {
    let t: TestPlatform;
    let auditor: Caller & { userId: string };
    let manager: Caller & { userId: string };
    let unitA: string;
    let unitB: string;

    before(async () => {
      t = await createTestPlatform(engine);
      auditor = await t.userWith(['auditor']);
      manager = await t.userWith(['platform_manager']);
      unitA = (
        await t.services.org.createUnit({
          name: '石家庄市民政局',
          divisionCode: '130100',
          type: 'agency',
          creditCode: null,
          parentUnitId: null,
        })
      ).id;
      unitB = (
        await t.services.org.createUnit({
          name: '唐山市民政局',
          divisionCode: '130200',
          type: 'agency',
          creditCode: null,
          parentUnitId: null,
        })
      ).id;
      // Shared-data reads as the exchange layer will record them: B's staff reading A's data.
      const readerB = await t.userWith(['data_entry'], unitB);
      for (let i = 0; i < 3; i += 1) {
        await t.services.audit.enqueue({
          action: 'exchange.query',
          result: 'success',
          actor: { id: readerB.userId, name: '唐山查询员', unitId: unitB },
          target: { type: 'resource', id: 'res-1', unitId: unitA },
          fields: ['name', 'citizen_id'],
          recordCount: 1,
          grantId: 'grant-1',
          purpose: '低保审核',
        });
      }
    });
    after(() => t.close());

    test('[AUD-01] the auditor searches by person, unit, action, result and time and sees every detail', async () => {
      const res = await t.http(
        'GET',
        `/api/v1/audit/entries?action=exchange.query&unitId=${unitA}`,
        { as: auditor },
      );
      assert.equal(res.status, 200);
      assert.equal(res.body.items.length, 3);
      const e = res.body.items[0];
      assert.deepEqual(
        [
          e.actorName,
          e.actorUnitName,
          e.targetUnitName,
          e.fields,
          e.recordCount,
          e.grantId,
          e.purpose,
          e.result,
        ],
        [
          '唐山查询员',
          '唐山市民政局',
          '石家庄市民政局',
          ['name', 'citizen_id'],
          1,
          'grant-1',
          '低保审核',
          'success',
        ],
      );
      const prefix = await t.http('GET', '/api/v1/audit/entries?action=unit.', { as: auditor });
      assert.ok(prefix.body.items.length >= 2);
      const future = await t.http('GET', '/api/v1/audit/entries?from=2999-01-01', { as: auditor });
      assert.equal(future.body.items.length, 0);
      const failures = await t.http('GET', '/api/v1/audit/entries?result=failure', { as: auditor });
      assert.ok(failures.body.items.every((x: { result: string }) => x.result === 'failure'));
      const paged = await t.http('GET', '/api/v1/audit/entries?limit=2', { as: auditor });
      const next = await t.http(
        'GET',
        `/api/v1/audit/entries?limit=2&cursor=${paged.body.nextCursor}`,
        { as: auditor },
      );
      assert.ok(
        next.body.items[0].seq < paged.body.items[1].seq + 0 ||
          next.body.items[0].seq < paged.body.items[0].seq,
      );
    });

    test('[IAM-02] the auditor never sees entries about their own actions', async () => {
      const res = await t.http('GET', `/api/v1/audit/entries?actorId=${auditor.userId}`, {
        as: auditor,
      });
      assert.deepEqual(res.body.items, []);
      const other = await t.userWith(['auditor']);
      const seen = await t.http('GET', `/api/v1/audit/entries?actorId=${auditor.userId}`, {
        as: other,
      });
      assert.ok(seen.body.items.length >= 1, 'another auditor sees them');
    });

    test('[AUD-03] a provider sees every access to its data; a consumer sees its own staff’s accesses; nothing else', async () => {
      const officerA = await t.userWith(['unit_auditor'], unitA);
      const officerB = await t.userWith(['unit_auditor'], unitB);
      const provider = await t.http(
        'GET',
        '/api/v1/audit/unit-entries?view=provider&action=exchange.query',
        { as: officerA },
      );
      assert.equal(provider.body.items.length, 3);
      const consumer = await t.http(
        'GET',
        '/api/v1/audit/unit-entries?view=consumer&action=exchange.query',
        { as: officerB },
      );
      assert.equal(consumer.body.items.length, 3);
      const wrongSide = await t.http(
        'GET',
        '/api/v1/audit/unit-entries?view=consumer&action=exchange.query',
        { as: officerA },
      );
      assert.equal(wrongSide.body.items.length, 0);
      const all = await t.http('GET', '/api/v1/audit/unit-entries?view=provider', { as: officerB });
      assert.ok(all.body.items.every((x: { targetUnitId: string }) => x.targetUnitId === unitB));
      assert.equal((await t.http('GET', '/api/v1/audit/entries', { as: officerA })).status, 403);
      const exported = await fetch(
        `${t.url}/api/v1/audit/unit-entries.csv?view=provider&action=exchange.query`,
        { headers: { cookie: officerA.cookie } },
      );
      assert.equal(exported.status, 200);
      assert.equal((await exported.text()).trim().split('\r\n').length, 4);
      const nothing = await fetch(
        `${t.url}/api/v1/audit/unit-entries.csv?view=consumer&action=exchange.query`,
        { headers: { cookie: officerA.cookie } },
      );
      assert.equal((await nothing.text()).trim().split('\r\n').length, 1);
    });

    test('[AUD-01] a selection exports to CSV and XLSX, and the export is audited', async () => {
      const csv = await fetch(`${t.url}/api/v1/audit/entries.csv?action=exchange.query`, {
        headers: { cookie: auditor.cookie },
      });
      assert.equal(csv.status, 200);
      const bytes = Buffer.from(await csv.arrayBuffer());
      assert.deepEqual(
        [...bytes.subarray(0, 3)],
        [0xef, 0xbb, 0xbf],
        'UTF-8 BOM so that Excel reads Chinese',
      );
      const text = bytes.subarray(3).toString('utf8');
      assert.ok(text.startsWith('序号,时间（北京时间）,操作人'));
      assert.equal(text.trim().split('\r\n').length, 4);
      assert.match(text, /唐山查询员/);
      const xlsx = await fetch(`${t.url}/api/v1/audit/entries.xlsx?action=exchange.query`, {
        headers: { cookie: auditor.cookie },
      });
      const book = new ExcelJS.Workbook();
      await book.xlsx.load(await xlsx.arrayBuffer());
      assert.equal(book.getWorksheet('审计日志')!.rowCount, 4);
      const other = await t.userWith(['auditor']);
      const exports = await t.http(
        'GET',
        `/api/v1/audit/entries?action=audit.export&actorId=${auditor.userId}`,
        { as: other },
      );
      assert.equal(exports.body.items.length, 2);
    });

    test('[AUD-02] the console can check the chain and issue a checkpoint', async () => {
      const chain = await t.http('GET', '/api/v1/audit/chain', { as: auditor });
      assert.equal(chain.body.ok, true);
      const checkpoint = await t.http('POST', '/api/v1/audit/checkpoints', { as: auditor });
      assert.equal(checkpoint.status, 201);
      assert.equal((await t.services.anchors.verifyAnchor(checkpoint.body)).ok, true);
      assert.equal((await t.http('GET', '/api/v1/audit/chain', { as: manager })).status, 403);
    });
  });
}
