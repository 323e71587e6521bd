/**
 * Import and catalog search speed on SQLite (file, WAL, synchronous=FULL):
 * - 1,000,000 generated rows (12 data items, valid ID numbers) imported from CSV through the
 *   real HTTP route with full validation, all or nothing (goal ≥ 120,000 rows/s, peak memory
 *   ≤ 300 MB), beside the `sqlite3` command-line `.import` of the same file into a plain table
 *   without validation (the ratio ours / .import; goal ≥ 0.5);
 * - catalog search over 50,000 published entries (goal p95 ≤ 30 ms).
 *
 * ROWS=200000 npm run bench import  — a smaller run.
 */
import { execFileSync } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { performance } from 'node:perf_hooks';
import { uuidv7 } from '../src/lib/uuid.ts';
import { searchTokens } from '../src/lib/search-text.ts';
import { createPeopleGenerator } from '../src/lib/demo/people.ts';
import type { DataItem } from '../src/modules/catalog/elements.ts';
import { catalogCast, completeEntry, publishEntry } from '../tests/helpers/catalog.ts';
import { createTestPlatform } from '../tests/helpers/platform.ts';
import type { BenchResult } from './run.ts';

const ROWS = Number(process.env.ROWS ?? 1_000_000);
const ENTRIES = Number(process.env.ENTRIES ?? 50_000);

const item = (
  name: string,
  identifier: string,
  type: DataItem['type'],
  length: number | null,
  extra: Partial<DataItem> = {},
): DataItem => ({
  name,
  identifier,
  type,
  length,
  scale: null,
  isKey: false,
  required: false,
  sensitive: false,
  rule: null,
  description: '',
  ...extra,
});

const items: DataItem[] = [
  item('公民身份号码', 'id_number', 'C', 18, {
    isKey: true,
    required: true,
    rule: { kind: 'citizen_id' },
  }),
  item('姓名', 'name', 'C', 50, { required: true }),
  item('性别', 'sex', 'C', 2, { rule: { kind: 'enum', values: ['男', '女'] } }),
  item('出生日期', 'birth_date', 'D', null, { required: true }),
  item('民族', 'ethnicity', 'C', 20),
  item('联系电话', 'phone', 'C', 20, { rule: { kind: 'phone' } }),
  item('住址', 'address', 'C', 200),
  item('行政区划代码', 'division_code', 'C', 12, { rule: { kind: 'division_code' } }),
  item('优抚类别', 'category', 'C', 20, {
    rule: { kind: 'enum', values: ['伤残军人', '烈士遗属', '在乡复员军人'] },
  }),
  item('月抚恤金额', 'monthly_amount', 'Y', 10, { scale: 2 }),
  item('认定日期', 'recognised_on', 'D', null),
  item('备注', 'remark', 'C', 200),
];

async function writeCsv(path: string) {
  const divisions = ['130102', '130104', '130123', '130202', '130403', '130602', '130682'];
  const people = createPeopleGenerator(42, divisions);
  const categories = ['伤残军人', '烈士遗属', '在乡复员军人'];
  const out = createWriteStream(path);
  out.write(items.map((i) => i.name).join(',') + '\n');
  let buffer = '';
  for (let i = 0; i < ROWS; i++) {
    const p = people.next();
    const birth = p.birthDate;
    buffer += `${p.citizenId},${p.name},${p.sex === 'male' ? '男' : '女'},${birth},${p.ethnicity},${p.phone},${p.address},${p.divisionCode},${categories[i % 3]},${(1000 + (i % 1000) / 4).toFixed(2)},2015-0${1 + (i % 9)}-1${i % 10},\n`;
    if (buffer.length > 1 << 20) {
      if (!out.write(buffer)) await new Promise<void>((r) => out.once('drain', () => r()));
      buffer = '';
    }
  }
  out.end(buffer);
  await new Promise<void>((r) => out.on('finish', () => r()));
}

function sqliteCliImport(dir: string, csv: string): number {
  const db = join(dir, 'plain.sqlite');
  const started = performance.now();
  execFileSync('sqlite3', [db, '.mode csv', `.import ${csv} plain`]);
  const seconds = (performance.now() - started) / 1000;
  const count = Number(execFileSync('sqlite3', [db, 'select count(*) from plain']).toString());
  if (count !== ROWS) throw new Error(`sqlite3 .import loaded ${count} rows, expected ${ROWS}`);
  return ROWS / seconds;
}

export default async function run(): Promise<BenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'mzhub-bench-import-'));
  try {
    const csv = join(dir, 'people.csv');
    await writeCsv(csv);
    const bytes = statSync(csv).size;
    console.log(`generated ${ROWS} rows, ${(bytes / 1e6).toFixed(0)} MB`);

    let cliRowsPerSecond = Number.NaN;
    try {
      cliRowsPerSecond = sqliteCliImport(dir, csv);
    } catch (error) {
      console.error(`sqlite3 .import unavailable (apt-get install sqlite3): ${String(error)}`);
    }

    const t = await createTestPlatform('sqlite', {
      importMaxBytes: 4 * 1024 * 1024 * 1024,
      importMaxRows: 50_000_000,
    });
    try {
      const cast = await catalogCast(t);
      const entry = (await publishEntry(
        t,
        cast,
        completeEntry({ name: '优抚对象人员信息', dataItems: items }),
      )) as { id: string };
      const baseRss = process.memoryUsage().rss;
      let peakRss = baseRss;
      const sampler = setInterval(() => {
        peakRss = Math.max(peakRss, process.memoryUsage().rss);
      }, 20);
      const started = performance.now();
      const response = await fetch(
        `${t.url}/api/v1/catalog/entries/${entry.id}/imports?wait=true&fileName=people.csv`,
        {
          method: 'POST',
          headers: {
            cookie: cast.clerk.cookie,
            'x-csrf-token': cast.clerk.csrfToken,
            'content-type': 'text/csv',
          },
          body: Readable.toWeb(createReadStream(csv)) as ReadableStream,
          duplex: 'half',
        },
      );
      const result = (await response.json()) as { status: string; added: number };
      const seconds = (performance.now() - started) / 1000;
      clearInterval(sampler);
      if (result.status !== 'applied' || result.added !== ROWS) {
        throw new Error(`import did not apply: ${JSON.stringify(result).slice(0, 500)}`);
      }
      const rowsPerSecond = ROWS / seconds;

      // Re-import of the same file: every row compared by hash, nothing written.
      const again = performance.now();
      const second = await fetch(
        `${t.url}/api/v1/catalog/entries/${entry.id}/imports?wait=true&fileName=people.csv`,
        {
          method: 'POST',
          headers: {
            cookie: cast.clerk.cookie,
            'x-csrf-token': cast.clerk.csrfToken,
            'content-type': 'text/csv',
          },
          body: Readable.toWeb(createReadStream(csv)) as ReadableStream,
          duplex: 'half',
        },
      );
      const unchanged = ((await second.json()) as { unchanged: number }).unchanged;
      const reimportRowsPerSecond = unchanged / ((performance.now() - again) / 1000);

      const searchP95 = await searchBench(t, cast.providerUnitId);
      return {
        engine: 'sqlite',
        figures: {
          rows: ROWS,
          importRowsPerSecond: Math.round(rowsPerSecond),
          importSeconds: Number(seconds.toFixed(2)),
          reimportUnchangedRowsPerSecond: Math.round(reimportRowsPerSecond),
          peakRssMb: Math.round(peakRss / 1024 / 1024),
          rssGrowthMb: Math.round((peakRss - baseRss) / 1024 / 1024),
          catalogEntries: ENTRIES,
          searchP95Ms: searchP95.p95,
          searchP50Ms: searchP95.p50,
        },
        baseline: { sqlite3CliImportRowsPerSecond: Math.round(cliRowsPerSecond) },
        ratio: Number((rowsPerSecond / cliRowsPerSecond).toFixed(2)),
      };
    } finally {
      await t.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Fills the catalog with published entries directly, then times searches through HTTP. */
async function searchBench(t: Awaited<ReturnType<typeof createTestPlatform>>, unitId: string) {
  const words = [
    '优抚',
    '低保',
    '养老',
    '婚姻',
    '殡葬',
    '儿童',
    '残疾',
    '社会组织',
    '救助',
    '区划',
  ];
  const nouns = ['对象', '机构', '登记', '补贴', '档案', '服务', '名录', '统计', '核验', '证照'];
  const sqlite = t.handle.sqlite!;
  const user = await t.handle.db.selectFrom('users').select('id').executeTakeFirstOrThrow();
  const at = new Date().toISOString();
  const insertResource = sqlite.prepare(
    `insert into catalog_resources (id, code, no, provider_unit_id, status, working_version, published_version, name, maintained_at, created_by, created_at, updated_at, row_count)
     values (?, ?, ?, ?, 'published', 1, 1, ?, ?, ?, ?, ?, 0)`,
  );
  const insertVersion = sqlite.prepare(
    `insert into catalog_versions (id, resource_id, version, status, content, live, search_no, code, name, provider_unit_id, kind, classification_code, sharing_type, open_type, format_type, tokens, field_tokens, created_by, created_at, updated_at, published_at)
     values (?, ?, 1, 'published', ?, 1, ?, ?, ?, ?, 'table', ?, ?, 'not_open', 'database', ?, ?, ?, ?, ?, ?)`,
  );
  const insertFts = sqlite.prepare(
    'insert into catalog_search (rowid, tokens, field_tokens) values (?, ?, ?)',
  );
  const content = JSON.stringify(completeEntry());
  sqlite.transaction(() => {
    for (let i = 0; i < ENTRIES; i++) {
      const id = uuidv7();
      const versionId = uuidv7();
      const name = `${words[i % words.length]}${nouns[Math.floor(i / 10) % nouns.length]}信息${i}`;
      const code = `30100${1 + (i % 9)}/${String(100000 + i).slice(-6)}`;
      const tokens = searchTokens(`${name} 全省${name}的基础数据，按月更新 河北省民政厅 ${code}`);
      const fields = searchTokens('公民身份号码 id number 姓名 name 行政区划代码');
      insertResource.run(id, code, 1_000_000 + i, unitId, name, at, user.id, at, at);
      insertVersion.run(
        versionId,
        id,
        content,
        1_000_000 + i,
        code,
        name,
        unitId,
        code.slice(0, 6),
        i % 3 === 0 ? 'unconditional' : 'conditional',
        tokens,
        fields,
        user.id,
        at,
        at,
        at,
      );
      insertFts.run(1_000_000 + i, tokens, fields);
    }
  })();
  const cast = await t.userWith([]);
  const queries = [
    'q=优抚',
    'q=低保对象',
    'q=养老机构',
    'q=婚',
    'field=身份号码',
    'q=救助&sharingType=conditional',
    'q=社会组织登记',
    'classification=301002',
    'q=儿童&page=3',
    'q=信息',
  ];
  const times: number[] = [];
  const perQuery = new Map<string, number>();
  for (let round = 0; round < 30; round++) {
    for (const q of queries) {
      const started = performance.now();
      const res = await fetch(`${t.url}/api/v1/catalog/search?${encodeURI(q)}`, {
        headers: { cookie: cast.cookie },
      });
      await res.json();
      if (res.status !== 200) throw new Error(`search ${q}: ${res.status}`);
      times.push(performance.now() - started);
      perQuery.set(q, (perQuery.get(q) ?? 0) + (performance.now() - started) / 30);
    }
  }
  for (const [q, ms] of perQuery) console.log(`  search ${q}: ${ms.toFixed(1)} ms`);
  times.sort((a, b) => a - b);
  const at95 = times[Math.floor(times.length * 0.95)]!;
  const at50 = times[Math.floor(times.length * 0.5)]!;
  return { p95: Number(at95.toFixed(1)), p50: Number(at50.toFixed(1)) };
}
