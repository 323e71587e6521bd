/**
 * The shipped national division table (全国县以上行政区划), province to county level.
 * See data/README.md for its source and how it was cut.
 */
import { readFileSync } from 'node:fs';
import { divisionLevel, parentCodeOf } from './codes.ts';
import type { DivisionRow } from './codes.ts';

interface NationalFile {
  source: string;
  snapshot: string;
  rows: [string, string][];
}

let cache: { info: { source: string; snapshot: string }; rows: readonly DivisionRow[] } | null =
  null;

// Read lazily: most callers (ID validation) never need the 3,000 rows.
function load(): NonNullable<typeof cache> {
  if (cache) return cache;
  const url = new URL('./data/divisions.json', import.meta.url);
  const file = JSON.parse(readFileSync(url, 'utf8')) as NationalFile;
  const known = new Set(file.rows.map(([code]) => code));
  const rows = file.rows.map(([code, name]): DivisionRow => {
    const level = divisionLevel(code);
    if (level === null) throw new Error(`divisions.json: malformed code ${code}`);
    return Object.freeze({ code, name, level, parentCode: parentCodeOf(code, known) });
  });
  cache = { info: { source: file.source, snapshot: file.snapshot }, rows: Object.freeze(rows) };
  return cache;
}

/**
 * All rows of the shipped national table, sorted by code. Rows are frozen and shared;
 * the array is a fresh copy the caller may sort or filter.
 * @example loadNationalTable().find((r) => r.code === '419001')
 * // { code: '419001', name: '济源市', level: 'county', parentCode: '410000' }
 */
export function loadNationalTable(): DivisionRow[] {
  return load().rows.slice();
}

/**
 * Where the shipped table comes from, for display next to imported tables.
 * @example nationalTableInfo().snapshot // '2023-06-30'
 */
export function nationalTableInfo(): { source: string; snapshot: string } {
  return { ...load().info };
}
