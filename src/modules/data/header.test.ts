import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DataItem } from '../catalog/elements.ts';
import { mapHeader, normaliseHeaderCell, selectItemValues } from './header.ts';

const items = [
  DataItem.parse({ name: '身份证号', identifier: 'id_number', type: 'C', isKey: true }),
  DataItem.parse({ name: '姓名', identifier: 'name', type: 'C', required: true }),
  DataItem.parse({ name: '联系电话', identifier: 'phone', type: 'C' }),
  DataItem.parse({ name: '备注', identifier: 'note', type: 'M' }),
];

describe('import header mapping', () => {
  test('[COL-02] matches columns by Chinese name or identifier, in any order', () => {
    assert.deepEqual(mapHeader(['姓名', 'ID_Number', ' 备注 '], items), {
      ok: true,
      columnOfItem: [1, 0, -1, 2],
    });
  });

  test('[COL-02] ignores the template marks "*" and "（必填）" after a name', () => {
    assert.equal(normaliseHeaderCell(' 姓名* '), '姓名');
    assert.equal(normaliseHeaderCell('姓名 ＊'), '姓名');
    assert.equal(normaliseHeaderCell('身份证号（必填）'), '身份证号');
    assert.equal(normaliseHeaderCell('身份证号(必填)'), '身份证号');
    assert.deepEqual(mapHeader(['身份证号（必填）', '姓名*', 'phone'], items), {
      ok: true,
      columnOfItem: [0, 1, 2, -1],
    });
  });

  test('[COL-02] lists unknown, duplicate, blank and missing mandatory columns together', () => {
    const r = mapHeader(['姓名', '籍贯', 'name', '', '联系电话'], items);
    assert.ok(!r.ok);
    assert.deepEqual(
      r.errors.map((e) => [e.code, e.column, e.reason]),
      [
        ['header.unknown', '籍贯', '列“籍贯”不是该资源的信息项'],
        [
          'header.duplicate',
          'name',
          '第 3 列“name”与第 1 列“姓名”重复（都对应信息项“姓名”）',
        ],
        ['header.empty', '第4列', '第 4 列没有表头，请填写信息项名称或删除该列'],
        ['header.missing', '身份证号', '文件缺少必填列“身份证号”（id_number），该列是主键'],
      ],
    );
    const missing = mapHeader(['身份证号'], items);
    assert.ok(!missing.ok);
    assert.deepEqual(
      missing.errors.map((e) => e.reason),
      ['文件缺少必填列“姓名”（name）'],
    );
  });

  test('[COL-02] picks the item values out of a file row, reusing the target array', () => {
    const mapping = mapHeader(['姓名', 'id_number'], items);
    assert.ok(mapping.ok);
    const target: (string | undefined)[] = [];
    const values = selectItemValues(['张三', '11010519491231002X'], mapping.columnOfItem, target);
    assert.equal(values, target);
    assert.deepEqual(values, ['11010519491231002X', '张三', undefined, undefined]);
  });
});
