import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { divisionLevel, isProvinceCode, parentCodeOf } from './codes.ts';
import { loadNationalTable } from './national.ts';

describe('GB/T 2260 division codes', () => {
  test('[ORG-01] derives the level of 6-, 9- and 12-digit codes', () => {
    assert.equal(divisionLevel('440000'), 'province');
    assert.equal(divisionLevel('440100'), 'city');
    assert.equal(divisionLevel('440106'), 'county');
    assert.equal(divisionLevel('419001'), 'county');
    assert.equal(divisionLevel('440106001'), 'township');
    assert.equal(divisionLevel('441900003'), 'township'); // a town directly under 东莞市
    assert.equal(divisionLevel('440106001001'), 'village');
  });

  test('[ORG-01] rejects malformed codes and codes whose levels do not nest', () => {
    for (const bad of ['', '44010', '4401066', '44010600', 'abcdef', '040106', '440006']) {
      assert.equal(divisionLevel(bad), null, bad);
    }
    assert.equal(divisionLevel('440000001'), null, 'township directly under a province');
    assert.equal(divisionLevel('440106000'), null, 'township part 000');
    assert.equal(divisionLevel('440106000001'), null, 'village under township 000');
    assert.equal(divisionLevel('440106001000'), null, 'village part 000');
  });

  test('[ORG-01] finds the parent, skipping levels GB/T 2260 leaves out', () => {
    const known = new Set([
      '110000',
      '410000',
      '440000',
      '440100',
      '440106',
      '440106001',
      '441900',
    ]);
    assert.equal(parentCodeOf('440000', known), null);
    assert.equal(parentCodeOf('440100', known), '440000');
    assert.equal(parentCodeOf('440106', known), '440100');
    assert.equal(parentCodeOf('110105', known), '110000', 'municipal district');
    assert.equal(parentCodeOf('419001', known), '410000', '省直辖县级市 济源');
    assert.equal(parentCodeOf('440106001', known), '440106');
    assert.equal(parentCodeOf('441900003', known), '441900', 'town of a city without counties');
    assert.equal(parentCodeOf('440106001001', known), '440106001');
    assert.equal(parentCodeOf('440106002001', known), '440106', 'township missing → county');
    assert.equal(parentCodeOf('120101', known), '120000', 'province returned even if unknown');
    assert.equal(parentCodeOf('bad', known), null);
  });

  test('[ORG-01] isProvinceCode matches the province rows of the national table', () => {
    const provinces = loadNationalTable()
      .filter((r) => r.level === 'province')
      .map((r) => r.code.slice(0, 2));
    assert.equal(provinces.length, 34);
    for (let i = 0; i < 100; i++) {
      const p = String(i).padStart(2, '0');
      assert.equal(isProvinceCode(p), provinces.includes(p), p);
    }
  });
});
