import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseDivisionTable } from './parse-table.ts';
import type { DivisionTableResult } from './parse-table.ts';
import { loadNationalTable } from './national.ts';

const SMALL = [
  ['410000', '河南省'],
  ['410100', '郑州市'],
  ['410102', '中原区'],
  ['419001', '济源市'],
];

function rowsOf(r: DivisionTableResult) {
  assert.ok(r.ok, r.ok ? '' : JSON.stringify(r.errors));
  return r.rows.map((row) => [row.code, row.name, row.level, row.parentCode]);
}

const EXPECTED = [
  ['410000', '河南省', 'province', null],
  ['410100', '郑州市', 'city', '410000'],
  ['410102', '中原区', 'county', '410100'],
  ['419001', '济源市', 'county', '410000'],
];

function errorsOf(r: DivisionTableResult) {
  assert.ok(!r.ok, 'a malformed table must not yield rows');
  assert.ok(!('rows' in r));
  return r.errors.map((e) => [e.line, e.kind, e.code]);
}

describe('parseDivisionTable', () => {
  test('[ORG-02] reads comma, tab and whitespace tables with an optional header', () => {
    const csv = ['行政区划代码,单位名称', ...SMALL.map((r) => r.join(','))].join('\n');
    assert.deepEqual(rowsOf(parseDivisionTable(csv, 'csv')), EXPECTED);
    assert.deepEqual(rowsOf(parseDivisionTable(csv)), EXPECTED);
    const tsv = ['code\tname', ...SMALL.map((r) => r.join('\t'))].join('\r\n');
    assert.deepEqual(rowsOf(parseDivisionTable(tsv, 'tsv')), EXPECTED);
    assert.deepEqual(rowsOf(parseDivisionTable(tsv, 'auto')), EXPECTED);
    // Copied from a web page: spaces (incl. ideographic and no-break), blank lines, a BOM.
    const spaced = `\uFEFF${SMALL.map(([c, n]) => `${c}\u3000 ${n}\u00A0`).join('\n\n')}\n`;
    assert.deepEqual(rowsOf(parseDivisionTable(spaced)), EXPECTED);
    // Quoted CSV as exported by spreadsheet tools, extra columns ignored.
    const quoted = SMALL.map(([c, n]) => `"${c}","${n}","备注"`).join('\n');
    assert.deepEqual(rowsOf(parseDivisionTable(quoted, 'csv')), EXPECTED);
  });

  test('[ORG-02] reads JSON arrays of objects or pairs, and the shipped file format', () => {
    const objects = JSON.stringify(SMALL.map(([code, name]) => ({ code, name })));
    assert.deepEqual(rowsOf(parseDivisionTable(objects, 'json')), EXPECTED);
    assert.deepEqual(rowsOf(parseDivisionTable(objects)), EXPECTED);
    assert.deepEqual(rowsOf(parseDivisionTable(JSON.stringify(SMALL))), EXPECTED);
    const numeric = JSON.stringify([{ code: 410000, name: '河南省', level: 'province' }]);
    assert.deepEqual(rowsOf(parseDivisionTable(numeric)), [EXPECTED[0]]);
  });

  test('[ORG-02] the shipped national table parses to the same rows', () => {
    const text = readFileSync(new URL('./data/divisions.json', import.meta.url), 'utf8');
    const parsed = parseDivisionTable(text);
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.rows, loadNationalTable());
  });

  test('[ORG-02] a malformed table yields every error with its line and no rows', () => {
    const text = [
      '代码,名称', // 1: header
      '410000,河南省', // 2
      '41010,郑州市', // 3: bad code
      '410102,', // 4: empty name
      '410102,中原区', // 5: duplicate of line 4
      '420102,江岸区', // 6: parent 420000 missing
      '410000001,某街道', // 7: township under a province
      'abc,无效', // 8: not a code (only the first line may be a header)
      '410103,二七区', // 9: fine
    ].join('\n');
    const r = parseDivisionTable(text);
    assert.deepEqual(errorsOf(r), [
      [3, 'code', '41010'],
      [4, 'name', '410102'],
      [5, 'duplicate', '410102'],
      [6, 'parent', '420102'],
      [7, 'level', '410000001'],
      [8, 'code', 'abc'],
    ]);
    assert.ok(!r.ok);
    const messages = r.errors.map((e) => e.message);
    assert.match(messages[0]!, /区划代码“41010”格式错误/);
    assert.match(messages[1]!, /名称为空/);
    assert.match(messages[2]!, /与第4行重复/);
    assert.match(messages[3]!, /江岸区（420102）的上级区划“420000”不在表中/);
    assert.match(messages[4]!, /层级不一致/);
  });

  test('[ORG-02] reports a JSON level that contradicts the code, by item number', () => {
    const json = JSON.stringify([
      { code: '410000', name: '河南省' },
      { code: '410100', name: '郑州市', level: 'county' },
      { code: '410100', name: '郑州市' },
      'oops',
    ]);
    const r = parseDivisionTable(json);
    assert.deepEqual(errorsOf(r), [
      [2, 'level', '410100'],
      [3, 'duplicate', '410100'],
      [4, 'code', ''],
      [4, 'name', ''],
    ]);
    assert.ok(!r.ok && r.errors[0]!.message.includes('是地级代码，但标注的级别为县级'));
    assert.ok(!r.ok && r.errors[1]!.message.includes('与第2项重复'));
  });

  test('[ORG-02] refuses an empty table and broken JSON as a whole', () => {
    assert.deepEqual(errorsOf(parseDivisionTable('')), [[0, 'empty', undefined]]);
    assert.deepEqual(errorsOf(parseDivisionTable('代码,名称\n')), [[0, 'empty', undefined]]);
    assert.deepEqual(errorsOf(parseDivisionTable('[{"code":"410000",')), [
      [0, 'syntax', undefined],
    ]);
    assert.deepEqual(errorsOf(parseDivisionTable('{"a":1}', 'json')), [[0, 'syntax', undefined]]);
  });
});
