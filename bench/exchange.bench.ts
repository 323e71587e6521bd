/**
 * Exchange layer speed (docs/performance.md), on SQLite and PostgreSQL in the same run:
 *
 * - loads MZHUB_BENCH_PEOPLE (1,000,000) synthetic people — valid ID numbers, names,
 *   addresses — into a published catalog entry through the data service's import path, and
 *   grants a consumer unit verify, query and batch use through the real sharing workflow,
 *   with a real exchange credential;
 * - starts `node bin/mzhub.mjs serve` as its own process (benchmark mode: the bare peers of
 *   src/server/bench-routes.ts are mounted) and drives it over loopback with autocannon from
 *   another process, so client and server do not share an event loop;
 * - verify and query, signed (HMAC-SM3, a fresh nonce per request) and audited (group
 *   commit), each beside the bare endpoint doing the same lookup with no signature, grant
 *   or audit: requests/s, latency p50/p99 and the ratio full / bare
 *   (goals: ≥ 12,000 req/s, p99 ≤ 15 ms, ratio ≥ 0.65);
 * - the batch copy of every row as CSV, streamed by a signed client, with the server's RSS
 *   sampled from /proc (goal ≥ 250,000 rows/s, flat memory), beside a naive export that
 *   parses every row's JSON in JavaScript.
 *
 * Writes bench/results/exchange-<engine>-<timestamp>.json per engine (run.ts adds the
 * summary of both as bench/results/exchange.json).
 *
 *   MZHUB_BENCH_PEOPLE=100000 MZHUB_BENCH_SECONDS=5 npm run bench exchange   — a quick run
 *   MZHUB_BENCH_ENGINES=sqlite          only one engine (default sqlite,postgres)
 *   MZHUB_BENCH_CONNECTIONS=64          autocannon connections (pipelining 1)
 *   MZHUB_BENCH_WARMUP=3                seconds of warm-up per call before measuring
 *   MZHUB_BENCH_ROUNDS=2                measured rounds of the four calls (best one counts)
 *   MZHUB_BENCH_LOG_LEVEL=info          the server's log level (its log goes to a file)
 *   MZHUB_BENCH_PROFILE=1               then each call again on a server under
 *                                       `node --cpu-prof`: where the time goes, per request,
 *                                       and what the full call costs beyond the bare one
 *   MZHUB_BENCH_SERVER_TREE=/other/checkout   serve from another checkout (same schema) to
 *                                       measure a change against the same data and client
 *   MZHUB_BENCH_HEAP_CAP_MB=96          the JS heap cap of the server that repeats the batch
 *                                       copy to show its memory stays flat
 *   MZHUB_BENCH_KEEP=1                  keep the data folder and database afterwards
 *   BENCH_DATABASE_URL / TEST_DATABASE_URL   a PostgreSQL server to create the database in;
 *                                       without one a throwaway cluster is started
 */
import { execFileSync, fork, spawn, type ChildProcess } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { sql } from 'kysely';
import pg from 'pg';
import { loadDemoData } from '../src/cli/demo.ts';
import { actAs, type Runtime } from '../src/cli/runtime.ts';
import { migrateToLatest, openDatabase } from '../src/db/database.ts';
import { createPeopleGenerator } from '../src/lib/demo/people.ts';
import type { DataItem } from '../src/modules/catalog/elements.ts';
import { EntryContent } from '../src/modules/catalog/elements.ts';
import { signedHeaders } from '../src/modules/exchange/signing.ts';
import { createServices } from '../src/server/app.ts';
import { loadConfig, redactUrl } from '../src/server/config.ts';
import { systemClock, type AppContext } from '../src/server/context.ts';
import type { BenchResult } from './run.ts';

const env = process.env;
const PEOPLE = Number(env.MZHUB_BENCH_PEOPLE ?? 1_000_000);
const SECONDS = Number(env.MZHUB_BENCH_SECONDS ?? 10);
const WARMUP_SECONDS = Number(env.MZHUB_BENCH_WARMUP ?? 3);
const CONNECTIONS = Number(env.MZHUB_BENCH_CONNECTIONS ?? 64);
const ENGINES = (env.MZHUB_BENCH_ENGINES ?? 'sqlite,postgres').split(',').map((e) => e.trim());
const LOG_LEVEL = env.MZHUB_BENCH_LOG_LEVEL ?? 'info';
const PROFILE = env.MZHUB_BENCH_PROFILE === '1';
/** Serve from another checkout (same schema) to measure a change against this one. */
const SERVER_TREE = resolve(env.MZHUB_BENCH_SERVER_TREE ?? resolve(import.meta.dirname, '..'));
/** Measured rounds of the four calls; each call's best round counts. */
const ROUNDS = Number(env.MZHUB_BENCH_ROUNDS ?? 2);
/** The JS heap cap (MB) of the server that repeats the batch copy to show flat memory. */
const HEAP_CAP_MB = Number(env.MZHUB_BENCH_HEAP_CAP_MB ?? 96);
/** Keep the data folder and database afterwards (for looking into them). */
const KEEP = env.MZHUB_BENCH_KEEP === '1';
/** Keys the load generator draws from (every n-th loaded person). */
const SAMPLE_KEYS = 50_000;

const goals = {
  callsPerSecond: 12_000,
  p99Ms: 15,
  ratioToBare: 0.65,
  batchRowsPerSecond: 250_000,
};

const repoRoot = resolve(import.meta.dirname, '..');

// ---------------------------------------------------------------------------------------
// The load generator: a child process running autocannon (see the end of this file).

type CallKind = 'verify' | 'query' | 'bare-verify' | 'bare-query';

interface LoadJob {
  url: string;
  kind: CallKind;
  seconds: number;
  connections: number;
  resourceId: string;
  credential: { id: string; secret: string };
  /** The registered interface (接口) the signed calls name (x-mzhub-interface). */
  interfaceCode: string;
  /** Signed requests prepared before the clock starts, so signing does not slow the client. */
  presign: number;
}

interface LoadResult {
  kind: CallKind;
  seconds: number;
  requests: number;
  requestsPerSecond: number;
  latencyP50Ms: number;
  latencyP90Ms: number;
  latencyP99Ms: number;
  latencyMaxMs: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  /** CPU the load generator used, in % of one core. */
  clientCpuPercent: number;
}

type SampleKey = [id: string, name: string, category: string];

const paths: Record<CallKind, string> = {
  verify: '/api/v1/exchange/verify',
  query: '/api/v1/exchange/query',
  'bare-verify': '/api/bench/bare-verify',
  'bare-query': '/api/bench/bare-query',
};

/** The load generator process, reused for every run; one job at a time. */
function startLoadGenerator(keys: SampleKey[]) {
  const child = fork(import.meta.filename, [], {
    execArgv: ['--import', 'tsx'],
    env: { ...env, MZHUB_BENCH_ROLE: 'load-generator' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  child.send({ keys });
  return {
    run(job: LoadJob): Promise<LoadResult> {
      return new Promise((resolvePromise, reject) => {
        const onMessage = (m: { result?: LoadResult; error?: string }) => {
          child.off('exit', onExit);
          if (m.error) reject(new Error(`load generator: ${m.error}`));
          else resolvePromise(m.result!);
        };
        const onExit = (code: number | null) =>
          reject(new Error(`load generator exited (${code})`));
        child.once('message', onMessage);
        child.once('exit', onExit);
        child.send({ job });
      });
    },
    stop() {
      child.kill();
    },
  };
}

// ---------------------------------------------------------------------------------------
// The data: a catalog entry of 12 data items and PEOPLE rows, granted to another unit.

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
    sensitive: true,
    rule: { kind: 'citizen_id' },
  }),
  item('姓名', 'name', 'C', 50, { required: true, sensitive: true }),
  item('性别', 'sex', 'C', 2, { rule: { kind: 'enum', values: ['男', '女'] } }),
  item('出生日期', 'birth_date', 'D', null, { required: true }),
  item('民族', 'ethnicity', 'C', 20),
  item('联系电话', 'phone', 'C', 20, { sensitive: true, rule: { kind: 'phone' } }),
  item('住址', 'address', 'C', 200, { sensitive: true }),
  item('行政区划代码', 'division_code', 'C', 12, { rule: { kind: 'division_code' } }),
  item('优抚类别', 'category', 'C', 20, {
    required: true,
    rule: { kind: 'enum', values: ['伤残军人', '烈士遗属', '在乡复员军人'] },
  }),
  item('月抚恤金额', 'monthly_amount', 'Y', 10, { scale: 2 }),
  item('认定日期', 'recognised_on', 'D', null),
  item('备注', 'remark', 'C', 200),
];
const categories = ['伤残军人', '烈士遗属', '在乡复员军人'];

/** The CSV the provider's clerk imports, generated as it streams; samples keys on the way. */
async function* peopleCsv(count: number, keys: SampleKey[]): AsyncGenerator<string> {
  const divisions = ['130102', '130104', '130123', '130202', '130403', '130602', '130682'];
  const people = createPeopleGenerator(20_260_101, divisions);
  const every = Math.max(1, Math.floor(count / SAMPLE_KEYS));
  yield items.map((i) => i.name).join(',') + '\n';
  let buffer = '';
  for (let i = 0; i < count; i++) {
    const p = people.next();
    const category = categories[i % 3]!;
    if (i % every === 0 && keys.length < SAMPLE_KEYS) keys.push([p.citizenId, p.name, category]);
    buffer += `${p.citizenId},${p.name},${p.sex === 'male' ? '男' : '女'},${p.birthDate},${p.ethnicity},${p.phone},${p.address},${p.divisionCode},${category},${(1000 + (i % 1000) / 4).toFixed(2)},2015-0${1 + (i % 9)}-1${i % 10},\n`;
    if (buffer.length > 1 << 20) {
      yield buffer;
      buffer = '';
    }
  }
  yield buffer;
}

interface Prepared {
  resourceId: string;
  fields: string[];
  credential: { id: string; secret: string };
  /** The interface codes registered on publication, by provision mode. */
  interfaces: Record<'verify' | 'query' | 'batch', string>;
  keys: SampleKey[];
  loadSeconds: number;
  loadRowsPerSecond: number;
}

/**
 * Demo units and accounts, the entry compiled, reviewed and published, the rows imported,
 * a sharing request filed, checked, approved and delivered, and a credential issued — all
 * through the services the console and the command line use.
 */
async function prepare(serverEnv: Record<string, string>): Promise<Prepared> {
  const config = loadConfig(serverEnv);
  const handle = openDatabase(config.databaseUrl);
  const ctx: AppContext = {
    db: handle.db,
    engine: handle.engine,
    sqlite: handle.sqlite,
    config,
    clock: systemClock,
  };
  const rt: Runtime = {
    config,
    handle,
    ctx,
    services: createServices(ctx),
    close: () => handle.close(),
  };
  try {
    await migrateToLatest(handle);
    await rt.services.org.ensureBuiltinDivisions();
    await loadDemoData(rt);
    const { catalog, data, sharing, exchange } = rt.services;
    const editor = await actAs(rt, 'hb_mz_catalog');
    const reviewer = await actAs(rt, 'hb_mz_catreview');
    const platform = await actAs(rt, 'hb_platform');
    const clerk = await actAs(rt, 'hb_mz_entry');
    const applicant = await actAs(rt, 'hb_rs_apply');
    const approver = await actAs(rt, 'hb_mz_share');
    const content = EntryContent.parse({
      name: '优抚对象人员信息（性能测试）',
      summary: '全省在册优抚对象的身份、联系方式、住址、类别和抚恤标准，用于交换接口的性能测试。',
      kind: 'table',
      classification: { tree: 'department', code: '301002' },
      formatType: 'database',
      formatDetail: 'csv',
      dataItems: items,
      sharingType: 'conditional',
      sharingCondition: '用于社会救助、优待抚恤资格核验，须经提供方审批',
      sharingMethods: ['platform_api', 'platform_table'],
      sharingScope: 'province',
      openType: 'not_open',
      updateFrequency: 'monthly',
      timeliness: '数据产生后 2 个工作日内更新',
      provisionModes: ['verify', 'query', 'batch'],
      contactPerson: '陈晓燕',
      contactPhone: '0311-86012345',
      sourceSystem: '全国优抚信息管理系统（河北）',
      dataGrade: 'important',
    });
    const entry = await catalog.createEntry({ content }, editor.user, editor.by);
    await catalog.act(entry.id, { action: 'submit' }, editor.user, editor.by);
    await catalog.act(entry.id, { action: 'open' }, reviewer.user, reviewer.by);
    await catalog.act(entry.id, { action: 'approve' }, reviewer.user, reviewer.by);
    await catalog.act(entry.id, { action: 'publish' }, platform.user, platform.by);

    const registered = await handle.db
      .selectFrom('exchange_interfaces')
      .select(['code', 'mode'])
      .where('resource_id', '=', entry.id)
      .where('status', '=', 'active')
      .execute();
    const codeOf = (mode: string) => {
      const code = registered.find((r) => r.mode === mode)?.code;
      if (!code) throw new Error(`no ${mode} interface registered for the entry`);
      return code;
    };
    const interfaces = { verify: codeOf('verify'), query: codeOf('query'), batch: codeOf('batch') };

    const keys: SampleKey[] = [];
    const started = performance.now();
    const imported = await data.startImport(
      entry.id,
      Readable.from(peopleCsv(PEOPLE, keys)),
      { fileName: 'people.csv', format: 'csv' },
      clerk.user,
      clerk.by,
      { wait: true },
    );
    const loadSeconds = (performance.now() - started) / 1000;
    if (imported.status !== 'applied' || imported.added !== PEOPLE) {
      throw new Error(`import did not apply: ${JSON.stringify(imported).slice(0, 800)}`);
    }

    const fields = items.map((i) => i.identifier);
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const inAYear = new Date(Date.now() + 8 * 3600_000 + 364 * 86_400_000)
      .toISOString()
      .slice(0, 10);
    const filed = await sharing.file(
      {
        resourceId: entry.id,
        fields,
        modes: ['verify', 'query', 'batch'],
        purpose: '社会救助对象认定时核验优抚对象身份与抚恤标准',
        legalBasis: '《社会救助暂行办法》第四十六条',
        periodStart: today,
        periodEnd: inAYear,
        contactName: '郑建国',
        contactPhone: '0311-87011234',
        onwardSharing: false,
      },
      applicant.user,
      applicant.by,
    );
    await sharing.act(filed.id, { action: 'precheck_pass' }, platform.user, platform.by);
    await sharing.act(filed.id, { action: 'approve' }, approver.user, approver.by);
    await sharing.act(filed.id, { action: 'deliver' }, platform.user, platform.by);
    const grant = await handle.db
      .selectFrom('sharing_grants')
      .select('id')
      .where('request_id', '=', filed.id)
      .executeTakeFirstOrThrow();
    const credential = await exchange.issueCredential(
      grant.id,
      '性能测试客户端',
      applicant.user,
      applicant.by,
    );
    // Measure the steady state, not the moment after a bulk load: statistics and visibility
    // maps up to date on PostgreSQL, the write-ahead log folded back into the file on SQLite.
    if (handle.engine === 'postgres') await sql`vacuum analyze`.execute(handle.db);
    else handle.sqlite!.pragma('wal_checkpoint(TRUNCATE)');
    return {
      resourceId: entry.id,
      fields,
      credential: { id: credential.id, secret: credential.secret },
      interfaces,
      keys,
      loadSeconds,
      loadRowsPerSecond: PEOPLE / loadSeconds,
    };
  } finally {
    await rt.close();
  }
}

// ---------------------------------------------------------------------------------------
// The server process.

async function freePort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      s.close(() => resolvePromise(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

interface Server {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

async function startServer(
  serverEnv: Record<string, string>,
  logPath: string,
  nodeArgs: string[] = [],
): Promise<Server> {
  const port = await freePort();
  const log = openSync(logPath, 'a');
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, 'bin/mzhub.mjs', 'serve'], {
    cwd: SERVER_TREE,
    env: { ...serverEnv, MZHUB_PORT: String(port) },
    stdio: ['ignore', log, log],
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`server exited (${child.exitCode}); see ${logPath}`);
    }
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`server did not start; see ${logPath}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    pid: child.pid!,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** The resident set size of a process, in MB (Linux /proc). */
function rssMb(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1];
    return kb ? Number(kb) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** CPU seconds (user + system) a process has used so far (Linux /proc, 100 ticks a second). */
function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // utime and stime are fields 14 and 15 of stat, 12 and 13 after the command name.
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

/** Samples a process's RSS every 50 ms until stopped. */
function rssSampler(pid: number) {
  const base = rssMb(pid);
  let peak = base;
  const timer = setInterval(() => {
    peak = Math.max(peak, rssMb(pid));
  }, 50);
  return {
    base,
    now: () => rssMb(pid),
    stop() {
      clearInterval(timer);
      peak = Math.max(peak, rssMb(pid));
      return { baseMb: round(base), peakMb: round(peak), growthMb: round(peak - base) };
    },
  };
}

// ---------------------------------------------------------------------------------------
// The batch copy and its naive peer: streamed over HTTP, rows counted as they arrive.

async function streamCsv(
  url: string,
  path: string,
  headers: Record<string, string>,
  serverPid: number,
  expectedRows: number,
) {
  const sampler = rssSampler(serverPid);
  /** RSS when a quarter, half, three quarters of the rows had arrived. */
  const atQuarter: number[] = [];
  const started = performance.now();
  let lines = 0;
  let status = 0;
  await new Promise<void>((resolvePromise, reject) => {
    const req = httpRequest(url + path, { method: 'GET', headers }, (res) => {
      status = res.statusCode ?? 0;
      res.on('data', (chunk: Buffer) => {
        for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) lines++;
        const quarter = Math.floor((4 * lines) / (expectedRows + 1));
        while (atQuarter.length < Math.min(quarter, 3)) atQuarter.push(round(sampler.now()));
      });
      res.on('end', () => resolvePromise());
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
  const seconds = (performance.now() - started) / 1000;
  const rss = sampler.stop();
  const rows = lines - 1;
  if (status !== 200 || rows !== expectedRows) {
    throw new Error(`${path}: status ${status}, ${rows} rows (expected ${expectedRows})`);
  }
  return {
    rows,
    seconds: round(seconds),
    rowsPerSecond: Math.round(rows / seconds),
    rss: { ...rss, atQuartersMb: atQuarter },
  };
}

/**
 * How the group commit batched the exchange calls' audit entries: entries of one commit share
 * their timestamp, so distinct timestamps count commits (two in the same millisecond count once).
 */
async function auditCommits(databaseUrl: string) {
  const handle = openDatabase(databaseUrl);
  try {
    const row = await handle.db
      .selectFrom('audit_entries')
      .select((eb) => [
        eb.fn.countAll<number>().as('entries'),
        eb.fn.count<number>('at').distinct().as('commits'),
      ])
      .where('action', 'in', ['exchange.verify', 'exchange.query'])
      .executeTakeFirstOrThrow();
    const entries = Number(row.entries);
    const commits = Number(row.commits);
    return { entries, commits, entriesPerCommit: round(entries / Math.max(1, commits)) };
  } finally {
    await handle.close();
  }
}

// ---------------------------------------------------------------------------------------
// The CPU profile of the server: where the time goes.

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

/**
 * Where a profiled server spent its time between `from` and `to` (CLOCK_MONOTONIC µs, the
 * clock of both V8's profiler and process.hrtime), per request answered in that window:
 * self time by package or source folder, the top functions by self time, and the inclusive
 * time of our own functions (synchronous stacks only: time after an await is not included).
 */
function summariseProfile(file: string, window: { from: number; to: number; requests: number }) {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as {
    nodes: ProfileNode[];
    startTime: number;
    samples: number[];
    timeDeltas: number[];
  };
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const where = (n: ProfileNode) => {
    const url = n.callFrame.url
      .replace(/^file:\/\//, '')
      .replace(`${repoRoot}/`, '')
      .replace(/^node_modules\//, '');
    return `${n.callFrame.functionName || '(anonymous)'} ${url}`.trim();
  };
  const area = (n: ProfileNode) => {
    const url = n.callFrame.url.replace(/^file:\/\//, '');
    if (!url)
      return n.callFrame.functionName.startsWith('(') ? n.callFrame.functionName : '(native)';
    if (url.startsWith('node:')) return 'node: internals';
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
    if (pkg) return pkg;
    const src = /\/(src\/[^/]+(?:\/[^/.]+)?)/.exec(url)?.[1];
    return src ?? url;
  };
  const self = new Map<string, number>();
  const areas = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let total = 0;
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    at += dt;
    const node = byId.get(id);
    if (!node || at < window.from || at > window.to) return;
    total += dt;
    const key = where(node);
    self.set(key, (self.get(key) ?? 0) + dt);
    const a = area(node);
    areas.set(a, (areas.get(a) ?? 0) + dt);
    const seen = new Set<string>();
    for (let n: ProfileNode | undefined = node; n; n = byId.get(parent.get(n.id) ?? -1)) {
      if (!n.callFrame.url.includes(`${repoRoot}/src/`)) continue;
      const k = where(n);
      if (seen.has(k)) continue;
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + dt);
    }
  });
  const perRequest = (us: number) => round(us / Math.max(1, window.requests));
  const top = (m: Map<string, number>, n: number) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, us]) => ({ name, share: round(us / total, 3), usPerRequest: perRequest(us) }));
  const idle = areas.get('(idle)') ?? 0;
  return {
    sampledMs: Math.round(total / 1000),
    requests: window.requests,
    busyShare: round((total - idle) / total, 3),
    busyUsPerRequest: perRequest(total - idle),
    byArea: top(areas, 20),
    selfTop: top(self, 30),
    ourFunctionsInclusive: top(inclusive, 25),
  };
}

type ProfileSummary = ReturnType<typeof summariseProfile>;

/** What the full call costs beyond the bare one, per request, by area and by function. */
function profileDifference(full: ProfileSummary, bare: ProfileSummary) {
  const diff = (a: { name: string; usPerRequest: number }[], b: typeof a) => {
    const base = new Map(b.map((e) => [e.name, e.usPerRequest]));
    return a
      .map((e) => ({
        name: e.name,
        extraUsPerRequest: round(e.usPerRequest - (base.get(e.name) ?? 0)),
      }))
      .sort((x, y) => y.extraUsPerRequest - x.extraUsPerRequest)
      .slice(0, 15);
  };
  return {
    busyUsPerRequest: { full: full.busyUsPerRequest, bare: bare.busyUsPerRequest },
    byArea: diff(full.byArea, bare.byArea),
    selfTop: diff(full.selfTop, bare.selfTop),
  };
}

// ---------------------------------------------------------------------------------------
// One engine, end to end.

/** A run counts only when every call was answered 2xx (a 401 or 429 is far cheaper). */
function assertAllAnswered(result: LoadResult) {
  if (result.non2xx + result.errors + result.timeouts > 0) {
    throw new Error(
      `${result.kind}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts: ${JSON.stringify(result.statusCodes)}`,
    );
  }
}

const round = (n: number, digits = 1) => Number(n.toFixed(digits));
const round2 = (n: number) => round(n, 2);

function serverEnvironment(databaseUrl: string, dataDir: string): Record<string, string> {
  const base: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (v !== undefined && !k.startsWith('MZHUB_') && k !== 'DATABASE_URL') base[k] = v;
  }
  return {
    ...base,
    DATABASE_URL: databaseUrl,
    MZHUB_DATA_DIR: dataDir,
    MZHUB_WEB_DIR: join(dataDir, 'no-console'),
    MZHUB_HOST: '127.0.0.1',
    MZHUB_LOG_LEVEL: LOG_LEVEL,
    // One grant carries the whole load: its per-grant limit must not be what is measured.
    MZHUB_EXCHANGE_RATE: '100000',
    MZHUB_EXCHANGE_DAILY_QUOTA: '1000000000',
    MZHUB_IMPORT_MAX_MB: '4096',
    MZHUB_IMPORT_MAX_ROWS: '50000000',
    MZHUB_BENCH_MODE: '1',
  };
}

async function benchEngine(engine: string, databaseUrl: string) {
  const dir = mkdtempSync(join(tmpdir(), `mzhub-bench-exchange-${engine}-`));
  const serverEnv = serverEnvironment(databaseUrl, dir);
  const loadBefore = loadavg();
  try {
    console.log(`[${engine}] loading ${PEOPLE} people…`);
    const prepared = await prepare(serverEnv);
    console.log(
      `[${engine}] loaded in ${prepared.loadSeconds.toFixed(1)} s (${Math.round(prepared.loadRowsPerSecond)} rows/s)`,
    );
    const load = startLoadGenerator(prepared.keys);
    const calls: Partial<
      Record<
        CallKind,
        LoadResult & { round: number; serverPeakRssMb: number; serverCpuPercent: number }
      >
    > = {};
    const rounds: {
      round: number;
      kind: CallKind;
      requestsPerSecond: number;
      latencyP99Ms: number;
      serverCpuPercent: number;
      loadAverage: number;
    }[] = [];
    let batch: Awaited<ReturnType<typeof streamCsv>>;
    let naive: Awaited<ReturnType<typeof streamCsv>>;
    let profile:
      | (Partial<Record<CallKind, ProfileSummary>> & {
          verifyBeyondBare: ReturnType<typeof profileDifference>;
          queryBeyondBare: ReturnType<typeof profileDifference>;
        })
      | undefined;
    let audit: Awaited<ReturnType<typeof auditCommits>>;
    let cappedBatch:
      | ({ heapCapMb: number; completed: true } & Awaited<ReturnType<typeof streamCsv>>)
      | { heapCapMb: number; completed: false; error: string };
    const batchPath = '/api/v1/exchange/batch?format=csv';
    const batchHeaders = () =>
      signedHeaders(prepared.credential, {
        method: 'GET',
        path: batchPath,
        body: '',
        interfaceCode: prepared.interfaces.batch,
      });
    const job = (url: string, kind: CallKind, seconds: number): LoadJob => {
      const signed = kind === 'verify' || kind === 'query';
      return {
        url,
        kind,
        seconds,
        connections: CONNECTIONS,
        resourceId: prepared.resourceId,
        credential: prepared.credential,
        interfaceCode:
          prepared.interfaces[kind === 'query' || kind === 'bare-query' ? 'query' : 'verify'],
        // Enough for 1.6 × the goal rate; past that the client signs as it goes.
        presign: signed ? Math.ceil(goals.callsPerSecond * 1.6 * seconds) : 0,
      };
    };
    try {
      const server = await startServer(serverEnv, join(dir, 'server.log'));
      try {
        const order: CallKind[] = ['bare-verify', 'verify', 'bare-query', 'query'];
        for (const kind of order) await load.run(job(server.url, kind, WARMUP_SECONDS));
        // Rounds of the four calls in turn, keeping each call's best round: other work on
        // this shared machine comes and goes, and a bare and a full run should not be
        // compared across a burst of it.
        for (let roundNo = 1; roundNo <= ROUNDS; roundNo++) {
          for (const kind of order) {
            const sampler = rssSampler(server.pid);
            const cpuBefore = cpuSeconds(server.pid);
            const result = await load.run(job(server.url, kind, SECONDS));
            const serverCpuPercent = Math.round(
              ((cpuSeconds(server.pid) - cpuBefore) / result.seconds) * 100,
            );
            const rss = sampler.stop();
            console.log(
              `[${engine}] round ${roundNo} ${kind}: ${Math.round(result.requestsPerSecond)} req/s, p50 ${result.latencyP50Ms} ms, p99 ${result.latencyP99Ms} ms; CPU server ${serverCpuPercent}%, client ${result.clientCpuPercent}%; load ${loadavg()[0]!.toFixed(1)}`,
            );
            assertAllAnswered(result);
            rounds.push({
              round: roundNo,
              kind,
              requestsPerSecond: Math.round(result.requestsPerSecond),
              latencyP99Ms: result.latencyP99Ms,
              serverCpuPercent,
              loadAverage: round2(loadavg()[0]!),
            });
            const best = calls[kind];
            if (!best || result.requestsPerSecond > best.requestsPerSecond) {
              calls[kind] = {
                ...result,
                round: roundNo,
                serverPeakRssMb: rss.peakMb,
                serverCpuPercent,
              };
            }
          }
        }

        batch = await streamCsv(server.url, batchPath, batchHeaders(), server.pid, PEOPLE);
        console.log(
          `[${engine}] batch copy: ${batch.rowsPerSecond} rows/s, server RSS ${JSON.stringify(batch.rss)}`,
        );
        naive = await streamCsv(
          server.url,
          `/api/bench/naive-batch?resourceId=${prepared.resourceId}&fields=${prepared.fields.join(',')}`,
          {},
          server.pid,
          PEOPLE,
        );
        console.log(
          `[${engine}] naive export: ${naive.rowsPerSecond} rows/s, server RSS ${JSON.stringify(naive.rss)}`,
        );
      } finally {
        await server.stop();
      }
      audit = await auditCommits(databaseUrl);
      console.log(`[${engine}] audit group commit: ${JSON.stringify(audit)}`);

      // Flat memory: the same copy on a server whose JS heap is capped far below the size of
      // the output completes only if nothing it holds grows with the number of rows.
      const capped = await startServer(serverEnv, join(dir, 'server-capped.log'), [
        `--max-old-space-size=${HEAP_CAP_MB}`,
      ]);
      try {
        cappedBatch = await streamCsv(
          capped.url,
          batchPath,
          batchHeaders(),
          capped.pid,
          PEOPLE,
        ).then(
          (r) => ({ heapCapMb: HEAP_CAP_MB, completed: true, ...r }),
          (error: unknown) => ({ heapCapMb: HEAP_CAP_MB, completed: false, error: String(error) }),
        );
      } finally {
        await capped.stop();
      }
      console.log(`[${engine}] batch copy, heap capped: ${JSON.stringify(cappedBatch)}`);

      if (PROFILE) {
        const summaries: Partial<Record<CallKind, ProfileSummary>> = {};
        for (const kind of ['bare-verify', 'verify', 'bare-query', 'query'] as const) {
          const profileDir = join(dir, `profile-${kind}`);
          mkdirSync(profileDir);
          const profiled = await startServer(serverEnv, join(dir, 'server-profiled.log'), [
            '--cpu-prof',
            `--cpu-prof-dir=${profileDir}`,
          ]);
          let window: { from: number; to: number; requests: number };
          try {
            await load.run(job(profiled.url, kind, WARMUP_SECONDS));
            const from = Number(process.hrtime.bigint() / 1000n);
            const result = await load.run(job(profiled.url, kind, SECONDS));
            assertAllAnswered(result);
            window = {
              from,
              to: Number(process.hrtime.bigint() / 1000n),
              requests: result.requests,
            };
            console.log(
              `[${engine}] ${kind} while profiled: ${Math.round(result.requestsPerSecond)} req/s`,
            );
          } finally {
            await profiled.stop();
          }
          const file = readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
          if (!file) throw new Error(`no CPU profile written for ${kind}`);
          summaries[kind] = summariseProfile(join(profileDir, file), window);
          // Kept outside the results (several MB): open it in Chrome DevTools.
          const keep = join(tmpdir(), `mzhub-exchange-${engine}-${kind}.cpuprofile`);
          writeFileSync(keep, readFileSync(join(profileDir, file)));
          console.log(`[${engine}] CPU profile: ${keep}`);
        }
        profile = {
          ...summaries,
          verifyBeyondBare: profileDifference(summaries.verify!, summaries['bare-verify']!),
          queryBeyondBare: profileDifference(summaries.query!, summaries['bare-query']!),
        };
        console.log(
          JSON.stringify(
            {
              verifyBeyondBare: profile.verifyBeyondBare,
              queryBeyondBare: profile.queryBeyondBare,
            },
            null,
            2,
          ),
        );
      }
    } finally {
      load.stop();
    }

    const figure = (kind: CallKind) => calls[kind]!;
    const ratio = (full: CallKind, bare: CallKind) =>
      round(figure(full).requestsPerSecond / figure(bare).requestsPerSecond, 3);
    const figures = {
      people: PEOPLE,
      loadRowsPerSecond: Math.round(prepared.loadRowsPerSecond),
      verifyPerSecond: Math.round(figure('verify').requestsPerSecond),
      verifyP50Ms: figure('verify').latencyP50Ms,
      verifyP99Ms: figure('verify').latencyP99Ms,
      bareVerifyPerSecond: Math.round(figure('bare-verify').requestsPerSecond),
      bareVerifyP50Ms: figure('bare-verify').latencyP50Ms,
      bareVerifyP99Ms: figure('bare-verify').latencyP99Ms,
      verifyRatioToBare: ratio('verify', 'bare-verify'),
      queryPerSecond: Math.round(figure('query').requestsPerSecond),
      queryP50Ms: figure('query').latencyP50Ms,
      queryP99Ms: figure('query').latencyP99Ms,
      bareQueryPerSecond: Math.round(figure('bare-query').requestsPerSecond),
      bareQueryP50Ms: figure('bare-query').latencyP50Ms,
      bareQueryP99Ms: figure('bare-query').latencyP99Ms,
      queryRatioToBare: ratio('query', 'bare-query'),
      batchRowsPerSecond: batch.rowsPerSecond,
      batchSeconds: batch.seconds,
      batchServerBaseRssMb: batch.rss.baseMb,
      batchServerPeakRssMb: batch.rss.peakMb,
      batchServerRssGrowthMb: batch.rss.growthMb,
      naiveExportRowsPerSecond: naive.rowsPerSecond,
      naiveExportServerPeakRssMb: naive.rss.peakMb,
      batchRatioToNaive: round(batch.rowsPerSecond / naive.rowsPerSecond, 3),
      batchHeapCapMb: HEAP_CAP_MB,
      batchCompletedUnderHeapCap: cappedBatch.completed ? 1 : 0,
      batchUnderHeapCapPeakRssMb: cappedBatch.completed ? cappedBatch.rss.peakMb : -1,
      serverPeakRssUnderVerifyMb: figure('verify').serverPeakRssMb,
      verifyServerCpuPercent: figure('verify').serverCpuPercent,
      verifyClientCpuPercent: figure('verify').clientCpuPercent,
      bareVerifyServerCpuPercent: figure('bare-verify').serverCpuPercent,
      bareVerifyClientCpuPercent: figure('bare-verify').clientCpuPercent,
      auditEntriesPerCommit: audit.entriesPerCommit,
    };
    const record = {
      name: 'exchange',
      date: new Date().toISOString(),
      engine,
      machine: {
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model ?? '',
        memoryGb: round(totalmem() / 1024 ** 3),
        node: process.version,
        loadAverageBefore: loadBefore.map((n) => round(n, 2)),
        loadAverageAfter: loadavg().map((n) => round(n, 2)),
      },
      settings: {
        people: PEOPLE,
        seconds: SECONDS,
        warmupSeconds: WARMUP_SECONDS,
        rounds: ROUNDS,
        connections: CONNECTIONS,
        pipelining: 1,
        serverLogLevel: LOG_LEVEL,
        ...(SERVER_TREE !== repoRoot ? { serverTree: SERVER_TREE } : {}),
        sqlite: engine === 'sqlite' ? 'WAL, synchronous=FULL' : undefined,
        postgres:
          engine === 'postgres'
            ? (env.BENCH_DATABASE_URL ?? env.TEST_DATABASE_URL)
              ? 'given server'
              : 'throwaway cluster (scripts/pg-test-cluster.sh: fsync=off, synchronous_commit=off)'
            : undefined,
      },
      goals,
      figures,
      baseline: {
        bareVerifyPerSecond: figures.bareVerifyPerSecond,
        bareQueryPerSecond: figures.bareQueryPerSecond,
        naiveExportRowsPerSecond: figures.naiveExportRowsPerSecond,
      },
      ratio: Math.min(figures.verifyRatioToBare, figures.queryRatioToBare),
      calls,
      rounds,
      audit,
      batch,
      cappedBatch,
      naive,
      ...(profile ? { profile } : {}),
    };
    const stamp = record.date.replace(/[:.]/g, '-');
    writeFileSync(
      join(repoRoot, 'bench', 'results', `exchange-${engine}-${stamp}.json`),
      JSON.stringify(record, null, 2) + '\n',
    );
    return record;
  } catch (error) {
    // The server's last words explain most failures (a 500, a refused signature).
    for (const log of ['server.log', 'server-profiled.log']) {
      try {
        const lines = readFileSync(join(dir, log), 'utf8').trimEnd().split('\n');
        console.error(`--- last lines of ${log} ---\n${lines.slice(-15).join('\n')}`);
      } catch {
        // not started
      }
    }
    throw error;
  } finally {
    if (KEEP) console.log(`[${engine}] kept ${dir} (${redactUrl(databaseUrl)})`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------
// PostgreSQL: a database of its own on a given server, or a throwaway cluster.

async function withPostgres<T>(work: (url: string) => Promise<T>): Promise<T> {
  let admin = env.BENCH_DATABASE_URL ?? env.TEST_DATABASE_URL;
  let clusterDir: string | undefined;
  if (!admin) {
    const out = execFileSync('bash', [join(repoRoot, 'scripts', 'pg-test-cluster.sh'), 'start'], {
      encoding: 'utf8',
    });
    admin = /TEST_DATABASE_URL=(\S+)/.exec(out)?.[1];
    clusterDir = /PG_TEST_DIR=(\S+)/.exec(out)?.[1];
    if (!admin) throw new Error(`could not start PostgreSQL: ${out}`);
  }
  const name = `mzhub_bench_${Date.now().toString(36)}`;
  const query = async (text: string) => {
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    try {
      await client.query(text);
    } finally {
      await client.end();
    }
  };
  await query(`create database ${name}`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  try {
    return await work(url.toString());
  } finally {
    if (!KEEP) await query(`drop database if exists ${name} with (force)`).catch(() => undefined);
    if (clusterDir && !KEEP) {
      execFileSync('bash', [join(repoRoot, 'scripts', 'pg-test-cluster.sh'), 'stop', clusterDir]);
    }
  }
}

export default async function run(): Promise<BenchResult> {
  const records: Awaited<ReturnType<typeof benchEngine>>[] = [];
  for (const engine of ENGINES) {
    if (engine === 'sqlite') {
      const dir = mkdtempSync(join(tmpdir(), 'mzhub-bench-sqlite-'));
      try {
        records.push(await benchEngine('sqlite', `sqlite:${join(dir, 'mzhub.sqlite')}`));
      } finally {
        if (!KEEP) rmSync(dir, { recursive: true, force: true });
      }
    } else if (engine === 'postgres') {
      records.push(await withPostgres((url) => benchEngine('postgres', url)));
    } else {
      throw new Error(`unknown engine ${engine} (sqlite, postgres)`);
    }
  }
  const figures: Record<string, number> = {};
  const baseline: Record<string, number> = {};
  for (const r of records) {
    for (const [k, v] of Object.entries(r.figures)) figures[`${r.engine}.${k}`] = v;
    for (const [k, v] of Object.entries(r.baseline)) baseline[`${r.engine}.${k}`] = v;
  }
  return {
    engine: records.map((r) => r.engine).join('+'),
    figures,
    baseline,
    // The lowest full / bare ratio of any call on any engine (goal ≥ 0.65).
    ratio: Math.min(...records.map((r) => r.ratio)),
  };
}

// ---------------------------------------------------------------------------------------
// Load generator process: `fork`ed from run() above with MZHUB_BENCH_ROLE=load-generator.

interface AutocannonRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
}
interface AutocannonResult {
  requests: { total: number };
  latency: { p50: number; p90: number; p99: number; max: number };
  duration: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodeStats: Record<string, { count: number }>;
}
type Autocannon = (options: {
  url: string;
  connections: number;
  pipelining: number;
  duration: number;
  requests: {
    method: string;
    path: string;
    setupRequest: (r: AutocannonRequest) => AutocannonRequest;
  }[];
}) => Promise<AutocannonResult>;

async function loadGenerator() {
  const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;
  let keys: SampleKey[] = [];
  let jobNo = 0;
  process.on('message', (message: { keys?: SampleKey[]; job?: LoadJob }) => {
    if (message.keys) keys = message.keys;
    if (!message.job) return;
    const job = message.job;
    jobNo++;
    void runJob(job).then(
      (result) => process.send!({ result }),
      (error: unknown) => process.send!({ error: String(error) }),
    );
  });

  /** The body of the i-th call: half the verify claims carry a wrong name. */
  function bodyOf(kind: CallKind, i: number, resourceId: string): string {
    const [id, name, category] = keys[i % keys.length]!;
    const bare = kind.startsWith('bare-') ? { resourceId } : {};
    return kind.endsWith('verify')
      ? JSON.stringify({ ...bare, key: id, claims: { name: i % 2 ? name : `${name}明`, category } })
      : JSON.stringify({ ...bare, key: id });
  }

  async function runJob(job: LoadJob): Promise<LoadResult> {
    const path = paths[job.kind];
    const signed = !job.kind.startsWith('bare-');
    const prefix = `j${process.pid.toString(36)}x${jobNo.toString(36)}x${Date.now().toString(36)}`;
    const sign = (i: number) => {
      const body = bodyOf(job.kind, i, job.resourceId);
      return {
        body,
        headers: {
          'content-type': 'application/json',
          ...signedHeaders(
            job.credential,
            { method: 'POST', path, body, interfaceCode: job.interfaceCode },
            { nonce: `${prefix}n${i.toString(36).padStart(8, '0')}` },
          ),
        },
      };
    };
    const plain = (i: number) => ({
      body: bodyOf(job.kind, i, job.resourceId),
      headers: { 'content-type': 'application/json' },
    });
    const pool = signed
      ? Array.from({ length: job.presign }, (_, i) => sign(i))
      : Array.from({ length: Math.min(keys.length, 20_000) }, (_, i) => plain(i));
    let next = 0;
    const cpuBefore = process.cpuUsage();
    const result = await autocannon({
      url: job.url,
      connections: job.connections,
      pipelining: 1,
      duration: job.seconds,
      requests: [
        {
          method: 'POST',
          path,
          setupRequest: (request) => {
            const i = next++;
            const prepared = signed ? (pool[i] ?? sign(i)) : pool[i % pool.length]!;
            request.headers = prepared.headers;
            request.body = prepared.body;
            return request;
          },
        },
      ],
    });
    const cpu = process.cpuUsage(cpuBefore);
    const statusCodes: Record<string, number> = {};
    for (const [code, s] of Object.entries(result.statusCodeStats ?? {}))
      statusCodes[code] = s.count;
    return {
      kind: job.kind,
      seconds: result.duration,
      requests: result.requests.total,
      requestsPerSecond: result.requests.total / result.duration,
      latencyP50Ms: result.latency.p50,
      latencyP90Ms: result.latency.p90,
      latencyP99Ms: result.latency.p99,
      latencyMaxMs: result.latency.max,
      non2xx: result.non2xx,
      errors: result.errors,
      timeouts: result.timeouts,
      statusCodes,
      clientCpuPercent: Math.round(((cpu.user + cpu.system) / 1e6 / result.duration) * 100),
    };
  }
}

if (env.MZHUB_BENCH_ROLE === 'load-generator') await loadGenerator();
