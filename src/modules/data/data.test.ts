import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { makeCitizenId } from '../../lib/ids/citizen-id.ts';
import {
  catalogCast,
  completeEntry,
  publishEntry,
  type CatalogCast,
} from '../../../tests/helpers/catalog.ts';
import { testEngines } from '../../../tests/helpers/engines.ts';
import { createTestPlatform, type TestPlatform } from '../../../tests/helpers/platform.ts';

const header = '公民身份号码,姓名,优抚类别,行政区划代码,月抚恤金额,认定日期';
const id = (n: number) => {
  const birth = new Date(Date.UTC(1950, 0, 1) + Math.floor(n / 900) * 86_400_000);
  return makeCitizenId('130102', birth.toISOString().slice(0, 10).replaceAll('-', ''), 100 + (n % 900));
};
const row = (n: number, name = `测试${n}`) =>
  `${id(n)},${name},伤残军人,130102,1500.00,2019-03-0${1 + (n % 9)}`;
const csv = (...lines: string[]) => [header, ...lines].join('\n') + '\n';

for (const engine of testEngines()) {
  describe(`resource data store and imports (${engine})`, () => {
    let t: TestPlatform;
    let cast: CatalogCast;
    let resourceId: string;
    let resourceNo: number;
    const upload = (body: Buffer | string, fileName: string, who = cast.clerk) =>
      t.http(
        'POST',
        `/api/v1/catalog/entries/${resourceId}/imports?wait=true&fileName=${encodeURIComponent(fileName)}`,
        { as: who, raw: body },
      );
    const rowCount = async () =>
      Number(
        (
          await t.handle.db
            .selectFrom('resource_rows')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('resource_no', '=', resourceNo)
            .executeTakeFirstOrThrow()
        ).n,
      );

    before(async () => {
      // A stand-in malware scanner with ClamAV's exit codes: 1 and "…: NAME FOUND" for the
      // EICAR test string, 0 otherwise.
      const scannerDir = mkdtempSync(join(tmpdir(), 'mzhub-scan-'));
      const scanner = join(scannerDir, 'scan.mjs');
      writeFileSync(
        scanner,
        `import { readFileSync } from 'node:fs';
const file = process.argv.at(-1);
if (readFileSync(file, 'latin1').includes('EICAR-STANDARD-ANTIVIRUS-TEST-FILE')) {
  console.log(file + ': Eicar-Test-Signature FOUND');
  process.exit(1);
}`,
      );
      t = await createTestPlatform(engine, {
        importMaxBytes: 200_000,
        scanCommand: `${process.execPath} ${scanner}`,
      });
      cast = await catalogCast(t);
      resourceId = (await publishEntry(t, cast, completeEntry())).id;
      resourceNo = (
        await t.handle.db
          .selectFrom('catalog_resources')
          .select('no')
          .where('id', '=', resourceId)
          .executeTakeFirstOrThrow()
      ).no;
    });
    after(() => t.close());

    test('[COL-02] a valid CSV is imported; re-importing it changes nothing; a changed row is updated with its old version kept', async () => {
      const file = csv(row(1), row(2), row(3));
      const first = await upload(file, '优抚对象.csv');
      assert.equal(first.status, 200, JSON.stringify(first.body));
      assert.equal(first.body.status, 'applied');
      assert.deepEqual([first.body.added, first.body.updated, first.body.unchanged], [3, 0, 0]);
      const again = await upload(file, '优抚对象.csv');
      assert.deepEqual([again.body.added, again.body.updated, again.body.unchanged], [0, 0, 3]);
      const changed = await upload(csv(row(1), row(2, '测试二'), row(3), row(4)), '优抚对象.csv');
      assert.deepEqual([changed.body.added, changed.body.updated, changed.body.unchanged], [1, 1, 2]);
      assert.equal(await rowCount(), 4);
      const history = await t.http('GET', `/api/v1/catalog/entries/${resourceId}/rows/${id(2)}`, {
        as: cast.clerk,
      });
      assert.equal(history.status, 200);
      assert.equal(history.body.current.version, 2);
      assert.equal(history.body.current.data.name, '测试二');
      assert.equal(history.body.history.length, 1);
      assert.equal(history.body.history[0].data.name, '测试2');
      assert.equal(history.body.current.method, 'import');
      // Values are stored normalised: amount as a number, dates ISO.
      assert.equal(history.body.current.data.monthly_amount, 1500);
      // The entry counts its rows.
      const entry = await t.http('GET', `/api/v1/catalog/entries/${resourceId}`, { as: cast.clerk });
      assert.equal(entry.body.rowCount, 4);
      // Each import is audited with its counts.
      const audited = await t.handle.db
        .selectFrom('audit_entries')
        .select(['record_count', 'result'])
        .where('action', '=', 'data.import')
        .where('target_id', '=', resourceId)
        .execute();
      assert.ok(audited.some((a) => a.result === 'success' && a.record_count === 2));
    });

    test('[COL-02] a file with a bad row is rejected whole, with a per-row report downloadable as XLSX', async () => {
      const before = await rowCount();
      const badId = id(9).slice(0, 17) + (id(9).endsWith('0') ? '1' : '0');
      const res = await upload(
        csv(row(10), `${badId},王五,伤残军人,130102,1500.00,2019-03-01`, `${id(11)},,未知类别,999999,abc,2019-02-30`),
        '有错误的文件.csv',
      );
      assert.equal(res.status, 200);
      assert.equal(res.body.status, 'rejected');
      assert.equal(res.body.totalRows, 3);
      assert.ok(res.body.errorCount >= 5, JSON.stringify(res.body.errors));
      const byRow = (n: number) => res.body.errors.filter((e: { rowNumber: number }) => e.rowNumber === n);
      assert.equal(byRow(3)[0].field, 'id_number');
      assert.match(byRow(3)[0].reason, /校验码/);
      const fields = byRow(4).map((e: { field: string }) => e.field).sort();
      assert.deepEqual(fields, ['category', 'division_code', 'monthly_amount', 'name', 'recognised_on']);
      assert.equal(await rowCount(), before, 'nothing written');

      const report = await t.http('GET', `/api/v1/data/imports/${res.body.id}/report`, { as: cast.clerk });
      assert.equal(report.status, 200);
      const book = new ExcelJS.Workbook();
      await book.xlsx.load(report.body as never);
      const text = JSON.stringify(book.worksheets[0]!.getSheetValues());
      assert.match(text, /校验码/);
      assert.match(text, /有错误的文件/);
    });

    test('[COL-01] ID numbers are checked by GB 11643 in forms too, and a legacy 15-digit number is stored as 18 digits', async () => {
      const bad = await t.http('PUT', `/api/v1/catalog/entries/${resourceId}/rows`, {
        as: cast.clerk,
        body: { values: { id_number: '130102195001011234', name: '李四', category: '烈士遗属' } },
      });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.code, 'row.invalid');
      assert.equal(bad.body.errors[0].path, 'id_number');
      const good = await t.http('PUT', `/api/v1/catalog/entries/${resourceId}/rows`, {
        as: cast.clerk,
        body: { values: { id_number: id(20), name: '李四', category: '烈士遗属', monthly_amount: 980.5 } },
      });
      assert.equal(good.status, 200, JSON.stringify(good.body));
      assert.equal(good.body.outcome, 'added');
      const same = await t.http('PUT', `/api/v1/catalog/entries/${resourceId}/rows`, {
        as: cast.clerk,
        body: { values: { id_number: id(20), name: '李四', category: '烈士遗属', monthly_amount: '980.50' } },
      });
      assert.equal(same.body.outcome, 'unchanged');
      const legacy = makeCitizenId('130102', '19500101', 777);
      const legacy15 = legacy.slice(0, 6) + legacy.slice(8, 17);
      const saved = await t.http('PUT', `/api/v1/catalog/entries/${resourceId}/rows`, {
        as: cast.clerk,
        body: { values: { id_number: legacy15, name: '老证', category: '在乡复员军人' } },
      });
      assert.equal(saved.status, 200, JSON.stringify(saved.body));
      assert.equal(saved.body.key, legacy);
    });

    test('[COL-02] XLSX and JSON files import; GBK CSVs are read; header mismatches, duplicates and oversize files are refused', async () => {
      const book = new ExcelJS.Workbook();
      const sheet = book.addWorksheet('优抚对象');
      sheet.addRow(header.split(','));
      sheet.addRow([id(30), '表格一', '烈士遗属', '130102', 2000, new Date(Date.UTC(2020, 0, 15))]);
      sheet.addRow([id(31), '表格二', '烈士遗属', '130104', 2100.5, '2020-01-16']);
      const xlsx = Buffer.from(await book.xlsx.writeBuffer());
      const fromXlsx = await upload(xlsx, '优抚对象.xlsx');
      assert.equal(fromXlsx.body.status, 'applied', JSON.stringify(fromXlsx.body));
      assert.equal(fromXlsx.body.added, 2);

      const json = [
        { id_number: id(40), name: '接口一', category: '伤残军人' },
        { id_number: id(41), name: '接口二', category: '伤残军人', monthly_amount: 1000 },
      ];
      const fromJson = await upload(JSON.stringify(json), '优抚对象.json');
      assert.equal(fromJson.body.status, 'applied', JSON.stringify(fromJson.body));
      const ndjson = json.map((o) => JSON.stringify({ ...o, name: `${o.name}改` })).join('\n');
      const fromNdjson = await upload(ndjson, '优抚对象.jsonl');
      assert.equal(fromNdjson.body.updated, 2);

      // 公民身份号码,姓名,优抚类别 in GBK, then one row.
      const gbk = Buffer.concat([
        Buffer.from('b9abc3f1c9edb7ddbac5c2eb2cd0d5c3fb2cd3c5b8a7c0e0b1f00a', 'hex'),
        Buffer.from(`${id(50)},`),
        Buffer.from('d5c5c8fd2c', 'hex'), // 张三,
        Buffer.from('c9cbb2d0befcc8cb0a', 'hex'), // 伤残军人
      ]);
      const fromGbk = await upload(gbk, 'gbk.csv');
      assert.equal(fromGbk.body.status, 'applied', JSON.stringify(fromGbk.body));
      const gbkRow = await t.http('GET', `/api/v1/catalog/entries/${resourceId}/rows/${id(50)}`, {
        as: cast.clerk,
      });
      assert.equal(gbkRow.body.current.data.name, '张三');

      const before = await rowCount();
      const wrongHeader = await upload('身份证,名字\n1,2\n', 'wrong.csv');
      assert.equal(wrongHeader.body.status, 'rejected');
      assert.ok(wrongHeader.body.errors.some((e: { code: string }) => /header|column/.test(e.code)));
      const duplicated = await upload(csv(row(60), row(61), row(60)), 'dup.csv');
      assert.equal(duplicated.body.status, 'rejected');
      assert.ok(duplicated.body.errors.some((e: { code: string; rowNumber: number }) => e.code === 'row.duplicate_key' && e.rowNumber === 4));
      const big = csv(...Array.from({ length: 3000 }, (_, i) => row(1000 + i)));
      const tooBig = await upload(big, 'big.csv');
      assert.equal(tooBig.status, 400);
      assert.equal(tooBig.body.code, 'import.too_large');
      const notXlsx = await upload('this is not a zip', 'fake.xlsx');
      assert.equal(notXlsx.body.status, 'rejected');
      assert.equal(await rowCount(), before, 'nothing written by refused files');
    });

    test('[EXC-07] uploaded files are checked by content and scanned for malware before they are read', async () => {
      const before = await rowCount();
      const eicar = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*';
      const infected = await upload(csv(row(80), `${id(81)},${eicar},伤残军人,130102,1,2019-01-01`), 'infected.csv');
      assert.equal(infected.body.status, 'rejected');
      assert.match(infected.body.message, /病毒扫描.*Eicar-Test-Signature/);
      const pdf = await upload(Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(64, 1)]), 'report.csv');
      assert.equal(pdf.body.status, 'rejected');
      assert.match(pdf.body.message, /PDF/);
      const textAsXlsx = await upload(csv(row(82)), 'table.xlsx');
      assert.equal(textAsXlsx.body.status, 'rejected');
      assert.match(textAsXlsx.body.message, /不是 XLSX/);
      assert.equal(await rowCount(), before);
      const clean = await upload(csv(row(83)), 'clean.csv');
      assert.equal(clean.body.status, 'applied');
    });

    test('[COL-02] only the provider’s data-entry staff load rows; other units read nothing directly', async () => {
      const foreign = await upload(csv(row(70)), 'x.csv', cast.consumer);
      assert.equal(foreign.status, 403);
      const read = await t.http('GET', `/api/v1/catalog/entries/${resourceId}/rows`, {
        as: cast.consumer,
      });
      assert.equal(read.status, 403);
      const own = await t.http('GET', `/api/v1/catalog/entries/${resourceId}/rows?limit=2`, {
        as: cast.clerk,
      });
      assert.equal(own.status, 200);
      assert.equal(own.body.items.length, 2);
      assert.ok(own.body.nextCursor);
      const next = await t.http(
        'GET',
        `/api/v1/catalog/entries/${resourceId}/rows?limit=2&cursor=${own.body.nextCursor}`,
        { as: cast.clerk },
      );
      assert.notEqual(next.body.items[0].key, own.body.items[0].key);
      const noFormat = await upload('a', 'file.doc');
      assert.equal(noFormat.status, 400);
      assert.equal(noFormat.body.code, 'import.format_unknown');
    });
  });
}
