import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { loadNationalTable, nationalTableInfo } from './national.ts';

describe('shipped national division table', () => {
  const rows = loadNationalTable();
  const byCode = new Map(rows.map((r) => [r.code, r]));

  test('[ORG-01] holds provinces, cities and counties with unique, sorted codes', () => {
    assert.ok(rows.length > 3_000 && rows.length < 3_400, `${rows.length} rows`);
    const count = (level: string) => rows.filter((r) => r.level === level).length;
    assert.equal(count('province'), 34);
    assert.equal(count('city'), 333); // 地级行政区 in 2023
    assert.ok(count('county') > 2_800);
    assert.equal(byCode.size, rows.length);
    assert.deepEqual(
      rows.map((r) => r.code),
      rows.map((r) => r.code).sort(),
    );
    assert.ok(statSync(new URL('./data/divisions.json', import.meta.url)).size < 250_000);
    assert.equal(nationalTableInfo().snapshot, '2023-06-30');
  });

  test('[ORG-01] forms one ministry → province → city → county tree', () => {
    for (const row of rows) {
      if (row.level === 'province') {
        assert.equal(row.parentCode, null);
        continue;
      }
      const parent = byCode.get(row.parentCode ?? '');
      assert.ok(parent, `${row.code} ${row.name} has its parent`);
      if (row.level === 'city') assert.equal(parent.level, 'province');
      if (row.level === 'county') assert.ok(parent.level === 'city' || parent.level === 'province');
    }
    assert.deepEqual(byCode.get('110105'), {
      code: '110105',
      name: '朝阳区',
      level: 'county',
      parentCode: '110000',
    });
    assert.equal(byCode.get('130102')?.parentCode, '130100');
    assert.equal(byCode.get('419001')?.parentCode, '410000');
    assert.equal(byCode.get('500229')?.parentCode, '500000');
    assert.equal(byCode.get('441900')?.level, 'city');
  });

  test('[ORG-01] leaves out NBS statistical areas that are not divisions', () => {
    assert.ok(!rows.some((r) => r.level === 'county' && r.code[4] === '7'));
    assert.ok(!rows.some((r) => /开发区|高新技术|市辖区|直辖县级/.test(r.name)));
    assert.ok(!byCode.has('232761'));
    assert.ok(!byCode.has('110100') && !byCode.has('419000'));
  });

  test('returns a copy the caller may change', () => {
    const copy = loadNationalTable();
    copy.length = 0;
    assert.equal(loadNationalTable().length, rows.length);
    assert.throws(() => {
      (rows[0] as { name: string }).name = 'x';
    }, TypeError);
  });
});
