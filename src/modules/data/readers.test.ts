import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import { ImportFileError, cellText, openRowReader, plainDecimal, sniffDelimiter } from './readers.ts';
import type { FileRow, ImportFileErrorCode, ImportFormat, RowReader } from './readers.ts';
import { inspectZip } from './zip-inspect.ts';

const LIMITS = { maxRows: 1000, maxBytes: 10 * 1024 * 1024 };
let dir = '';

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mzhub-readers-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

let fileNo = 0;
async function file(content: string | Buffer, ext: string): Promise<string> {
  const path = join(dir, `f${++fileNo}.${ext}`);
  await writeFile(path, content);
  return path;
}

async function rowsOf(reader: RowReader): Promise<FileRow[]> {
  const rows: FileRow[] = [];
  for await (const row of reader.rows) rows.push(row);
  return rows;
}

async function readAll(path: string, format: ImportFormat, limits = LIMITS) {
  const reader = await openRowReader(path, format, limits);
  return { header: reader.header, encoding: reader.encoding, rows: await rowsOf(reader) };
}

/** Asserts that opening or reading the file fails with `code` (and a Chinese message). */
async function fails(
  path: string,
  format: ImportFormat,
  code: ImportFileErrorCode,
  limits = LIMITS,
): Promise<ImportFileError> {
  let caught: unknown;
  try {
    await readAll(path, format, limits);
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof ImportFileError, `expected ImportFileError ${code}, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  assert.match(caught.message, /[\u4e00-\u9fff]/, 'message in Chinese');
  return caught;
}

// GBK bytes written by hand (Node has no GBK encoder): 张 D5C5, 三 C8FD, 优 D3C5, 抚 B8A7.
const GBK = { 张三: [0xd5, 0xc5, 0xc8, 0xfd], 优抚: [0xd3, 0xc5, 0xb8, 0xa7] };

describe('CSV reader', () => {
  test('[COL-02] reads UTF-8 with a BOM and gives Excel row numbers', async () => {
    const path = await file('\uFEFF姓名,身份证号\r\n张三,11010519491231002X\r\n李四,110105194912310037\r\n', 'csv');
    assert.deepEqual(await readAll(path, 'csv'), {
      header: ['姓名', '身份证号'],
      encoding: 'utf-8',
      rows: [
        { rowNumber: 2, values: ['张三', '11010519491231002X'] },
        { rowNumber: 3, values: ['李四', '110105194912310037'] },
      ],
    });
  });

  test('[COL-02] detects GBK (read as GB18030) when the file is not UTF-8', async () => {
    const bytes = Buffer.concat([
      Buffer.from('name,category\r\n'),
      Buffer.from(GBK.张三),
      Buffer.from(','),
      Buffer.from(GBK.优抚),
      Buffer.from('\r\n'),
    ]);
    const r = await readAll(await file(bytes, 'csv'), 'csv');
    assert.equal(r.encoding, 'gb18030');
    assert.deepEqual(r.rows, [{ rowNumber: 2, values: ['张三', '优抚'] }]);
  });

  test('[COL-02] reads UTF-16 with a BOM and sniffs tab and semicolon delimiters', async () => {
    const utf16 = Buffer.from('\uFEFF姓名\t年龄\n张三\t30\n', 'utf16le');
    const r = await readAll(await file(utf16, 'csv'), 'csv');
    assert.equal(r.encoding, 'utf-16le');
    assert.deepEqual(r.header, ['姓名', '年龄']);
    assert.deepEqual(r.rows[0]!.values, ['张三', '30']);
    const be = Buffer.from('\uFEFFa,b\n1,2\n', 'utf16le').swap16();
    assert.equal((await readAll(await file(be, 'csv'), 'csv')).encoding, 'utf-16be');
    const semi = await readAll(await file('姓名;金额\n张三;"1,5"\n', 'csv'), 'csv');
    assert.deepEqual(semi.rows[0]!.values, ['张三', '1,5']);
    assert.equal(sniffDelimiter('"a;b",c,d\n1;2;3;4'), ',');
  });

  test('[COL-02] refuses a file that is neither UTF-8 nor GB18030, and binary files', async () => {
    const e = await fails(await file(Buffer.from([0x61, 0x2c, 0x62, 0x0a, 0xff, 0xff, 0x0a]), 'csv'), 'csv', 'import.encoding');
    assert.match(e.message, /无法识别文件编码/);
    const xlsx = await fails(await file(Buffer.from('PK\u0003\u0004rest'), 'csv'), 'csv', 'import.encoding');
    assert.match(xlsx.message, /XLSX/);
  });

  test('[COL-02] an invalid byte beyond the sniffed 64 KB still fails the whole file', async () => {
    const body = 'abc,def\n'.repeat(10_000); // 80 KB of ASCII: detected as UTF-8
    const bytes = Buffer.concat([Buffer.from(`a,b\n${body}`), Buffer.from([0xd5, 0xc5, 0x2c, 0x78, 0x0a])]);
    const limits = { maxRows: 100_000, maxBytes: 1024 * 1024 };
    const e = await fails(await file(bytes, 'csv'), 'csv', 'import.encoding', limits);
    assert.match(e.message, /UTF-8/);
  });

  test('[COL-02] a row with the wrong number of columns fails with its row number', async () => {
    const path = await file('a,b,c\n1,2,3\n4,5,6,7\n8,9,10\n', 'csv');
    const e = await fails(path, 'csv', 'import.csv_malformed');
    assert.equal(e.rowNumber, 3);
    assert.match(e.message, /^第 3 行有 4 列，与表头的 3 列不一致/);
    // Quoted line breaks and blank lines: Excel's row numbers, not the text's line numbers.
    const tricky = await file('a,b\n"x\ny",1\n\n2\n', 'csv');
    assert.equal((await fails(tricky, 'csv', 'import.csv_malformed')).rowNumber, 4);
    const unclosed = await file('a,b\n1,"2\n3,4\n', 'csv');
    assert.match((await fails(unclosed, 'csv', 'import.csv_malformed')).message, /双引号没有闭合/);
  });

  test('[COL-02] quoted fields, blank lines and ",,," rows', async () => {
    const path = await file('a,b\n"x, ""y""","多\n行"\n\n,\n 3 ,4\n', 'csv');
    assert.deepEqual((await readAll(path, 'csv')).rows, [
      { rowNumber: 2, values: ['x, "y"', '多\n行'] },
      { rowNumber: 5, values: [' 3 ', '4'] },
    ]);
  });

  test('[COL-02] limits: file size up front, row count while reading, empty files', async () => {
    const path = await file('a\n1\n2\n3\n', 'csv');
    const big = await fails(path, 'csv', 'import.too_large', { maxRows: 10, maxBytes: 4 });
    assert.match(big.message, /超过上限/);
    const many = await fails(path, 'csv', 'import.too_many_rows', { maxRows: 2, maxBytes: 100 });
    assert.equal(many.rowNumber, 4);
    await fails(await file('', 'csv'), 'csv', 'import.empty');
    const headerOnly = await fails(await file('a,b\r\n', 'csv'), 'csv', 'import.empty');
    assert.match(headerOnly.message, /没有数据行/);
  });

  test('[COL-02] close() releases a reader whose rows are not read', async () => {
    const reader = await openRowReader(await file('a\n1\n2\n', 'csv'), 'csv', LIMITS);
    await reader.close();
    assert.deepEqual(await rowsOf(reader), []);
    const early = await openRowReader(await file('a\n1\n2\n', 'csv'), 'csv', LIMITS);
    for await (const row of early.rows) {
      assert.equal(row.rowNumber, 2);
      break;
    }
  });
});

describe('XLSX reader', () => {
  async function workbook(fill: (sheet: ExcelJS.Worksheet) => void): Promise<string> {
    const book = new ExcelJS.Workbook();
    fill(book.addWorksheet('数据'));
    book.addWorksheet('说明').addRow(['不读取这张表']);
    const path = join(dir, `book${++fileNo}.xlsx`);
    await book.xlsx.writeFile(path);
    return path;
  }

  test('[COL-02] streams the first sheet, cells as text, empty rows skipped', async () => {
    const path = await workbook((sheet) => {
      sheet.addRow(['姓名', '出生日期', '办理时间', '金额', '是否', '备注', '合计']);
      sheet.addRow([
        '张三',
        new Date(Date.UTC(1949, 11, 31)),
        new Date(Date.UTC(2024, 4, 6, 8, 30, 15)),
        1234.5,
        true,
        { richText: [{ text: '富' }, { text: '文本', font: { bold: true } }] },
        { formula: 'D2*2', result: 2469 },
      ]);
      sheet.addRow([]);
      sheet.addRow(['李四', null, null, 1e21, false, '', { formula: 'D4*2', result: 2e21 }]);
      sheet.addRow(['王五', '1990-01-01', null, 0.00000015]);
      sheet.getCell('A8').value = '赵六';
    });
    assert.deepEqual(await readAll(path, 'xlsx'), {
      header: ['姓名', '出生日期', '办理时间', '金额', '是否', '备注', '合计'],
      encoding: undefined,
      rows: [
        {
          rowNumber: 2,
          values: ['张三', '1949-12-31', '2024-05-06T08:30:15', '1234.5', 'true', '富文本', '2469'],
        },
        {
          rowNumber: 4,
          values: ['李四', '', '', '1000000000000000000000', 'false', '', '2000000000000000000000'],
        },
        { rowNumber: 5, values: ['王五', '1990-01-01', '', '0.00000015', '', '', ''] },
        { rowNumber: 8, values: ['赵六', '', '', '', '', '', ''] },
      ],
    });
  });

  test('[COL-02] a cell to the right of the header is an error with its row number', async () => {
    const path = await workbook((sheet) => {
      sheet.addRow(['a', 'b']);
      sheet.addRow([1, 2]);
      sheet.addRow([1, 2, '多出的值']);
    });
    const e = await fails(path, 'xlsx', 'import.extra_cells');
    assert.equal(e.rowNumber, 3);
  });

  test('[COL-02] refuses a file that is not a ZIP, or a ZIP that is not a workbook', async () => {
    const e = await fails(await file('姓名,年龄\n张三,30\n', 'xlsx'), 'xlsx', 'import.not_xlsx');
    assert.match(e.message, /不是可读取的 Excel/);
    const ole = Buffer.alloc(4096);
    ole.writeUInt32BE(0xd0cf11e0, 0);
    assert.match((await fails(await file(ole, 'xlsx'), 'xlsx', 'import.not_xlsx')).message, /xls/);
    const plainZip = zip([{ name: 'readme.txt', data: Buffer.from('hello') }]);
    const notBook = await fails(await file(plainZip, 'xlsx'), 'xlsx', 'import.not_xlsx');
    assert.match(notBook.message, /不是 Excel/);
  });

  test('[COL-02] refuses an XLSX bomb: one entry of 50 MB of zeros', async () => {
    const bomb = zip([
      { name: '[Content_Types].xml', data: Buffer.from('<Types/>') },
      { name: 'xl/workbook.xml', data: Buffer.from('<workbook/>') },
      { name: 'xl/worksheets/sheet1.xml', data: Buffer.alloc(50 * 1024 * 1024) },
    ]);
    assert.ok(bomb.length < 200 * 1024, `bomb is small: ${bomb.length} bytes`);
    const e = await fails(await file(bomb, 'xlsx'), 'xlsx', 'import.xlsx_bomb', {
      maxRows: 10,
      maxBytes: 100 * 1024 * 1024,
    });
    assert.match(e.message, /压缩比为 \d+:1，超过上限 200:1/);
  });

  test('[COL-02] refuses an XLSX whose total inflated size is implausible', async () => {
    // Runs of 300 equal bytes: a ratio of about 100, under the per-entry limit.
    const data = Buffer.alloc(6 * 1024 * 1024);
    for (let i = 0; i < data.length; i += 300) data.fill((i * 7919) % 251, i, Math.min(i + 300, data.length));
    const archive = zip([
      { name: '[Content_Types].xml', data: Buffer.from('<Types/>') },
      { name: 'xl/workbook.xml', data: Buffer.from('<workbook/>') },
      { name: 'xl/worksheets/sheet1.xml', data },
    ]);
    const maxBytes = archive.length + 1000; // the file itself is within the limit
    const e = await fails(await file(archive, 'xlsx'), 'xlsx', 'import.xlsx_bomb', { maxRows: 10, maxBytes });
    assert.match(e.message, /解压后共 .+，超过上限/);
  });

  test('[COL-02] refuses a ZIP that understates an entry size, and one with too many entries', async () => {
    const lying = zip([
      { name: '[Content_Types].xml', data: Buffer.from('<Types/>') },
      { name: 'xl/workbook.xml', data: Buffer.from('<workbook/>') },
      { name: 'xl/worksheets/sheet1.xml', data: Buffer.alloc(8 * 1024 * 1024), declaredSize: 1000 },
    ]);
    const e = await fails(await file(lying, 'xlsx'), 'xlsx', 'import.xlsx_bomb');
    assert.match(e.message, /实际大小超过目录中记录的大小/);
    const crowd = zip(
      Array.from({ length: 10_001 }, (_, i) => ({ name: `x/${i}`, data: Buffer.alloc(0), method: 0 as const })),
    );
    const many = await fails(await file(crowd, 'xlsx'), 'xlsx', 'import.xlsx_bomb');
    assert.match(many.message, /10001 个条目，超过上限 10000 个/);
  });

  test('[COL-02] the ZIP inspection accepts what exceljs writes (data descriptors included)', async () => {
    const path = await workbook((sheet) => {
      sheet.addRow(['a']);
      for (let i = 0; i < 2000; i++) sheet.addRow([`值${i}`]);
    });
    const r = await inspectZip(path, { maxTotalUncompressed: 1e9, maxRatio: 200, maxEntries: 100 });
    assert.ok(r.ok, r.ok ? '' : r.message);
    assert.ok(r.entries.some((e) => e.name === 'xl/worksheets/sheet1.xml'));
  });

  test('cell values and numbers become plain text', () => {
    assert.equal(plainDecimal(1e21), '1000000000000000000000');
    assert.equal(plainDecimal(-1.5e-7), '-0.00000015');
    assert.equal(plainDecimal(1.2345e25), '12345000000000000000000000');
    assert.equal(plainDecimal(123.456), '123.456');
    assert.equal(cellText({ error: '#N/A' }), '#N/A');
    assert.equal(cellText({ text: '链接', hyperlink: 'https://example.org' }), '链接');
    assert.equal(cellText(new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 999))), '2024-01-02T03:04:06');
  });
});

describe('JSON reader', () => {
  test('[COL-02] streams NDJSON; numbers, booleans and null become text', async () => {
    const path = await file(
      '{"name":"张三","age":30,"ok":true,"note":null}\n\n{"name":"李四","age":31.5,"ok":false}\r\n',
      'json',
    );
    assert.deepEqual(await readAll(path, 'json'), {
      header: ['name', 'age', 'ok', 'note'],
      encoding: 'utf-8',
      rows: [
        { rowNumber: 1, values: ['张三', '30', 'true', ''] },
        { rowNumber: 2, values: ['李四', '31.5', 'false', ''] },
      ],
    });
  });

  test('[COL-02] reads a JSON array of objects', async () => {
    const path = await file(' [{"a":1,"b":"x"},{"b":"y"}] ', 'json');
    assert.deepEqual((await readAll(path, 'json')).rows, [
      { rowNumber: 1, values: ['1', 'x'] },
      { rowNumber: 2, values: ['', 'y'] },
    ]);
    const many = await fails(path, 'json', 'import.too_many_rows', { maxRows: 1, maxBytes: 1000 });
    assert.match(many.message, /超过 1 条的上限/);
  });

  test('[COL-02] an object with a key the first one lacks is an error at that object', async () => {
    const path = await file('{"a":1}\n{"a":2}\n{"a":3,"籍贯":"x"}\n', 'json');
    const e = await fails(path, 'json', 'import.json_extra_key');
    assert.equal(e.rowNumber, 3);
    assert.match(e.message, /第 3 个对象含有第 1 个对象中没有的字段“籍贯”/);
  });

  test('[COL-02] malformed JSON, nested values and non-objects are refused', async () => {
    await fails(await file('[{"a":1},]', 'json'), 'json', 'import.json_malformed');
    const line = await fails(await file('{"a":1}\n{"a":\n', 'json'), 'json', 'import.json_malformed');
    assert.match(line.message, /第 2 行不是有效的 JSON/);
    await fails(await file('{"a":{"b":1}}\n', 'json'), 'json', 'import.json_malformed');
    await fails(await file('[1, 2]', 'json'), 'json', 'import.json_malformed');
    await fails(await file('"text"', 'json'), 'json', 'import.json_malformed');
    await fails(await file('[]', 'json'), 'json', 'import.empty');
  });

  test('[COL-02] a JSON array over 64 MB is refused (NDJSON streams instead)', async () => {
    const huge = Buffer.alloc(64 * 1024 * 1024 + 10, 0x20);
    huge[0] = 0x5b; // '['
    huge[huge.length - 1] = 0x5d; // ']'
    const e = await fails(await file(huge, 'json'), 'json', 'import.too_large', {
      maxRows: 10,
      maxBytes: 100 * 1024 * 1024,
    });
    assert.match(e.message, /NDJSON/);
  });
});

/** A hand-written ZIP (no data descriptors); `declaredSize` lets an entry lie about its size. */
function zip(entries: { name: string; data: Buffer; method?: 0 | 8; declaredSize?: number }[]): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const method = e.method ?? 8;
    const body = method === 8 ? deflateRawSync(e.data) : e.data;
    const name = Buffer.from(e.name, 'utf8');
    const size = e.declaredSize ?? e.data.length;
    const crc = crc32(e.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x800, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(20, 4);
    entry.writeUInt16LE(20, 6);
    entry.writeUInt16LE(0x800, 8);
    entry.writeUInt16LE(method, 10);
    entry.writeUInt32LE(crc, 16);
    entry.writeUInt32LE(body.length, 20);
    entry.writeUInt32LE(size, 24);
    entry.writeUInt16LE(name.length, 28);
    entry.writeUInt32LE(offset, 42);
    parts.push(local, name, body);
    central.push(entry, name);
    offset += 30 + name.length + body.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Math.min(entries.length, 0xffff), 8);
  end.writeUInt16LE(Math.min(entries.length, 0xffff), 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, cd, end]);
}
