import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { diffDivisionTables } from './diff.ts';
import { loadNationalTable } from './national.ts';
import type { DivisionRow } from './codes.ts';

describe('diffDivisionTables', () => {
  test('[ORG-02] reports added, renamed and retired codes of a new yearly table', () => {
    const current = loadNationalTable();
    // A plausible yearly change: a county becomes a county-level city under a new code
    // (retired + added), another division is renamed.
    const incoming: DivisionRow[] = current
      .filter((r) => r.code !== '130183')
      .map((r) => (r.code === '130102' ? { ...r, name: '长安新区' } : r));
    incoming.push({ code: '130185', name: '新设市', level: 'county', parentCode: '130100' });
    const diff = diffDivisionTables(current, incoming);
    assert.deepEqual(
      diff.added.map((r) => r.code),
      ['130185'],
    );
    assert.deepEqual(diff.renamed, [{ code: '130102', oldName: '长安区', newName: '长安新区' }]);
    assert.deepEqual(
      diff.retired.map((r) => r.code),
      ['130183'],
    );
    assert.equal(diff.unchanged, current.length - 2);
  });

  test('[ORG-02] identical tables differ in nothing; lists come sorted by code', () => {
    const rows = loadNationalTable();
    assert.deepEqual(diffDivisionTables(rows, [...rows].reverse()), {
      added: [],
      renamed: [],
      retired: [],
      unchanged: rows.length,
    });
    const a = (code: string, name = code): DivisionRow => ({
      code,
      name,
      level: 'county',
      parentCode: null,
    });
    const diff = diffDivisionTables([a('110105'), a('110101')], [a('120102'), a('120101')]);
    assert.deepEqual(
      diff.added.map((r) => r.code),
      ['120101', '120102'],
    );
    assert.deepEqual(
      diff.retired.map((r) => r.code),
      ['110101', '110105'],
    );
  });
});
