import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPeopleGenerator, mulberry32 } from './people.ts';
import { parseCitizenId } from '../ids/citizen-id.ts';
import { loadNationalTable } from '../divisions/national.ts';

const COUNTIES = loadNationalTable()
  .filter((r) => r.level === 'county')
  .map((r) => r.code);

describe('synthetic people generator', () => {
  test('is deterministic for a seed and differs between seeds', () => {
    const a = createPeopleGenerator(7, COUNTIES).take(100);
    const b = createPeopleGenerator(7, COUNTIES).take(100);
    const c = createPeopleGenerator(8, COUNTIES).take(100);
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
    assert.equal(mulberry32(1)(), mulberry32(1)());
  });

  test('makes valid ID numbers consistent with sex, birth date and division', () => {
    const codes = ['110105', '441900', '419001', '654326'];
    const gen = createPeopleGenerator(42, codes);
    const sexes = { male: 0, female: 0 };
    for (const p of gen.take(20_000)) {
      const id = parseCitizenId(p.citizenId, { today: '2026-01-01' });
      assert.ok(id.ok, p.citizenId);
      assert.equal(id.value.sex, p.sex);
      assert.equal(id.value.birthDate, p.birthDate);
      assert.equal(id.value.divisionCode, p.divisionCode);
      assert.ok(codes.includes(p.divisionCode));
      assert.ok(p.birthDate >= '1930-01-01' && p.birthDate <= '2005-12-31', p.birthDate);
      assert.match(p.name, /^[\u4e00-\u9fff]{2,4}$/);
      assert.match(p.phone, /^1[3-9]\d{9}$/);
      assert.match(p.ethnicity, /族$/);
      assert.match(
        p.address,
        /^(北京市朝阳区|广东省东莞市|河南省济源市|新疆维吾尔自治区阿勒泰地区吉木乃县).+(镇|乡|街道).+(村|社区)\d+号$/,
      );
      sexes[p.sex]++;
    }
    assert.ok(Math.abs(sexes.male - sexes.female) < 1_000, JSON.stringify(sexes));
  });

  test('never repeats an ID number, even crowded into one division', () => {
    const gen = createPeopleGenerator(3, ['110105']);
    const seen = new Set<string>();
    for (let i = 0; i < 300_000; i++) seen.add(gen.next().citizenId);
    assert.equal(seen.size, 300_000);
    assert.equal(gen.remaining(), (2006 - 1930) * 365 * 500 + 19 * 500 - 300_000); // 19 leap days
  });

  test('mostly Han, with other ethnic groups present', () => {
    const people = createPeopleGenerator(5, COUNTIES).take(10_000);
    const han = people.filter((p) => p.ethnicity === '汉族').length;
    assert.ok(han > 8_900 && han < 9_400, String(han));
    assert.ok(new Set(people.map((p) => p.ethnicity)).size > 10);
  });

  test('refuses an empty list and unknown division codes', () => {
    assert.throws(() => createPeopleGenerator(1, []), RangeError);
    assert.throws(() => createPeopleGenerator(1, ['110105', '999999']), /999999/);
    assert.throws(() => createPeopleGenerator(1, ['11010']), RangeError);
  });
});
