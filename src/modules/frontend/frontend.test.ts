import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import pino from 'pino';
import {
  catalogCast,
  completeEntry,
  publishEntry,
  type CatalogCast,
} from '../../../tests/helpers/catalog.ts';
import { scratchDatabase, testEngines } from '../../../tests/helpers/engines.ts';
import {
  grantThrough,
  interfaceCodes,
  issueCredential,
  signedCall,
  todayOf,
} from '../../../tests/helpers/exchange.ts';
import {
  createTestPlatform,
  type Caller,
  type TestPlatform,
} from '../../../tests/helpers/platform.ts';
import { makeCitizenId } from '../../lib/ids/citizen-id.ts';
import { MasterKey } from '../../server/secrets.ts';
import { compareKeys, createRowChecksum } from './checksum.ts';
import type { FrontendConfig, PublicationSetting } from './processor/config.ts';
import { createFrontendProcessor, type FrontendProcessor } from './processor/index.ts';
import { createPlatformClient, PlatformError } from './processor/platform-client.ts';
import { openSource } from './processor/sources/index.ts';
import { lookupPath, nodePaths, nodeSignedHeaders } from './protocol.ts';

const bin = resolve(import.meta.dirname, '../../../bin/mzhub.mjs');
const silent = pino({ level: 'silent' });

/** The people table of a department's own database, as its DBA would have it. */
const columns = {
  id_number: 'sfzh',
  name: 'xm',
  category: 'lb',
  division_code: 'dz',
  monthly_amount: 'je',
  recognised_on: 'rdrq',
};

interface Person {
  sfzh: string;
  xm: string;
  lb: string;
  dz: string;
  je: string;
  rdrq: string;
}

const people: Person[] = [
  ['19520301', 211, '赵铁柱', '伤残军人'],
  ['19480715', 322, '钱秀英', '烈士遗属'],
  ['19500102', 413, '孙志强', '在乡复员军人'],
  ['19551230', 514, '李桂兰', '烈士遗属'],
  ['19491001', 615, '周建国', '伤残军人'],
].map(([birth, seq, xm, lb]) => ({
  sfzh: makeCitizenId('130102', birth as string, seq as number),
  xm: xm as string,
  lb: lb as string,
  dz: '130102',
  je: '1520.50',
  rdrq: '2019-05-01',
}));

/**
 * The department's database: a real PostgreSQL database with a role that may only SELECT
 * (when the suite has a PostgreSQL server), else an SQLite file.
 */
interface SourceDb {
  engine: 'postgres' | 'sqlite';
  /** What the processor connects with: the read-only role. */
  readerUrl: string;
  name: string;
  exec(sql: string, params?: unknown[]): Promise<void>;
  insert(p: Person): Promise<void>;
  drop(): Promise<void>;
}

async function departmentDatabase(dir: string): Promise<SourceDb> {
  const create = `create table people (sfzh text primary key, xm text not null, lb text,
    dz text, je numeric(10,2), rdrq date, updated_at timestamp)`;
  if (process.env.TEST_DATABASE_URL) {
    const scratch = await scratchDatabase('postgres');
    const admin = new pg.Client({ connectionString: scratch.url });
    await admin.connect();
    const role = `dept_reader_${randomBytes(4).toString('hex')}`;
    const password = randomBytes(12).toString('hex');
    const name = new URL(scratch.url).pathname.slice(1);
    await admin.query(create);
    // What docs/frontend.md asks the department's DBA for: a role that may only read.
    await admin.query(`create role ${role} login password '${password}'`);
    await admin.query(`grant connect on database ${name} to ${role}`);
    await admin.query(`grant usage on schema public to ${role}`);
    await admin.query(`grant select on people to ${role}`);
    const reader = new URL(scratch.url);
    reader.username = role;
    reader.password = password;
    const exec = async (sql: string, params: unknown[] = []) => {
      let n = 0;
      await admin.query(
        sql.replace(/\?/g, () => `$${++n}`),
        params,
      );
    };
    return {
      engine: 'postgres',
      readerUrl: reader.toString(),
      name,
      exec,
      insert: (p) =>
        exec(
          'insert into people (sfzh, xm, lb, dz, je, rdrq, updated_at) values (?, ?, ?, ?, ?, ?, now())',
          [p.sfzh, p.xm, p.lb, p.dz, p.je, p.rdrq],
        ),
      drop: async () => {
        await admin.end();
        await scratch.drop();
        const c = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
        await c.connect();
        await c.query(`drop role if exists ${role}`);
        await c.end();
      },
    };
  }
  return sqliteDepartment(join(dir, 'department.sqlite'));
}

function sqliteDepartment(path: string): SourceDb {
  const db = new SqliteDatabase(path);
  db.exec(`create table people (sfzh text primary key, xm text not null, lb text, dz text,
    je real, rdrq text, updated_at text)`);
  const exec = async (sql: string, params: unknown[] = []) => {
    db.prepare(sql.replace('now()', "datetime('now')")).run(...params);
  };
  return {
    engine: 'sqlite',
    readerUrl: `sqlite:${path}`,
    name: path,
    exec,
    insert: (p) =>
      exec(
        'insert into people (sfzh, xm, lb, dz, je, rdrq, updated_at) values (?, ?, ?, ?, ?, ?, now())',
        [p.sfzh, p.xm, p.lb, p.dz, p.je, p.rdrq],
      ),
    drop: async () => {
      db.close();
    },
  };
}

for (const engine of testEngines()) {
  describe(`front-end processor and reconciliation (${engine})`, () => {
    let t: TestPlatform;
    let cast: CatalogCast;
    let admin: Caller;
    let outsideAdmin: Caller;
    let applicant: Caller;
    let approver: Caller;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    let published: any;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    let held: any;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    let spare: any;
    let dir: string;
    let source: SourceDb;
    let node: { id: string; secret: string };
    let processor: FrontendProcessor;
    let today: string;

    const publishSetting = (): PublicationSetting => ({
      resource: published.code as string,
      mode: 'publish',
      table: 'people',
      columns,
      everySeconds: 3600,
    });
    const configOf = (overrides: Partial<FrontendConfig> = {}): FrontendConfig => ({
      platformUrl: t.url,
      nodeId: node.id,
      nodeSecret: node.secret,
      sourceUrl: source.readerUrl,
      timeZone: 'Asia/Shanghai',
      stateFile: join(dir, 'state.sqlite'),
      listen: { host: '127.0.0.1', port: 0 },
      chunkRows: 2,
      logLevel: 'silent',
      publications: [
        publishSetting(),
        { resource: held.code as string, mode: 'hold', table: 'people', columns },
      ],
      ...overrides,
    });
    const rowsOf = async (entryId: string) => {
      const res = await t.http('GET', `/api/v1/catalog/entries/${entryId}/rows?limit=100`, {
        as: cast.clerk,
      });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body.items as { key: string; data: Record<string, unknown> }[];
    };
    const report = async (as: Caller, unitId?: string) => {
      const res = await t.http(
        'GET',
        `/api/v1/reconciliation/report?date=${today}${unitId ? `&unitId=${unitId}` : ''}`,
        { as },
      );
      return res;
    };
    const client = (id = node.id, secret = node.secret) =>
      createPlatformClient({ platformUrl: t.url, nodeId: id, nodeSecret: secret, retryDelays: [] });
    const refusal = async (work: Promise<unknown>, status: number, code: string) => {
      await assert.rejects(work, (e: unknown) => {
        assert.ok(e instanceof PlatformError, String(e));
        assert.equal(e.code, code, e.message);
        assert.equal(e.status, status);
        return true;
      });
    };

    before(async () => {
      t = await createTestPlatform(engine);
      today = todayOf(t);
      cast = await catalogCast(t);
      admin = await t.userWith(['unit_admin'], cast.providerUnitId);
      outsideAdmin = await t.userWith(['unit_admin'], cast.consumerUnitId);
      applicant = await t.userWith(['sharing_applicant'], cast.consumerUnitId);
      approver = await t.userWith(['sharing_approver'], cast.providerUnitId);
      published = await publishEntry(t, cast, completeEntry());
      held = await publishEntry(t, cast, completeEntry({ name: '优抚对象身份核验信息' }));
      spare = await publishEntry(t, cast, completeEntry({ name: '优抚对象补助发放信息' }));
      dir = mkdtempSync(join(tmpdir(), 'mzhub-frontend-'));
      source = await departmentDatabase(dir);
      for (const p of people) await source.insert(p);
    });
    after(async () => {
      await processor?.stop().catch(() => undefined);
      await t.close();
      await source.drop();
      rmSync(dir, { recursive: true, force: true });
    });

    test('[EXC-06] a unit administrator registers a node (secret shown once, stored sealed) and assigns resources of the unit only', async () => {
      const registered = await t.http('POST', '/api/v1/frontend/nodes', {
        as: admin,
        body: { name: '民政业务库前置机' },
      });
      assert.equal(registered.status, 201, JSON.stringify(registered.body));
      assert.match(registered.body.id, /^fen_[0-9a-f]{20}$/);
      node = { id: registered.body.id, secret: registered.body.secret };
      assert.ok(node.secret.length >= 40);
      const listed = await t.http('GET', '/api/v1/frontend/nodes', { as: admin });
      assert.deepEqual(
        listed.body.items.map((n: { id: string }) => n.id),
        [node.id],
      );
      assert.ok(!JSON.stringify(listed.body).includes(node.secret), 'the secret is shown once');
      const stored = await t.handle.db
        .selectFrom('frontend_nodes')
        .select('secret')
        .where('id', '=', node.id)
        .executeTakeFirstOrThrow();
      assert.match(stored.secret, /^enc:v1:/);
      assert.ok(!stored.secret.includes(node.secret));

      const map = (entryId: string, body: unknown, as = admin) =>
        t.http('PUT', `/api/v1/frontend/resources/${entryId}/mapping`, { as, body });
      assert.equal((await map(published.id, { nodeId: node.id, mode: 'publish' })).status, 204);
      // Hold mode needs an address where the platform can reach the node.
      const noCallback = await map(held.id, { nodeId: node.id, mode: 'hold' });
      assert.equal(noCallback.status, 400);
      assert.equal(noCallback.body.code, 'frontend.callback_required');
      // Another unit's administrator neither sees the node nor maps the provider's resources.
      const outside = await t.http('GET', '/api/v1/frontend/nodes', { as: outsideAdmin });
      assert.deepEqual(outside.body.items, []);
      const foreign = await map(published.id, { nodeId: node.id, mode: 'publish' }, outsideAdmin);
      assert.equal(foreign.status, 404);
      assert.equal(foreign.body.code, 'frontend.resource_not_found');
      const resources = await t.http('GET', '/api/v1/frontend/resources', { as: admin });
      const row = resources.body.items.find((r: { id: string }) => r.id === published.id);
      assert.deepEqual(row.mapping, {
        nodeId: node.id,
        nodeName: '民政业务库前置机',
        mode: 'publish',
      });
      const audited = await t.handle.db
        .selectFrom('audit_entries')
        .select('action')
        .where('action', 'in', ['frontend.node_register', 'frontend.mapping_set'])
        .execute();
      assert.equal(audited.length, 2);
    });

    test(`[EXC-06] the processor publishes the department's table (${process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'SQLite'}): rows land on the platform, validated, with matching counts and checksums`, async () => {
      processor = createFrontendProcessor(configOf(), { log: silent, retryDelays: [] });
      const [result] = await processor.runOnce();
      assert.ok(result);
      assert.equal(result.outcome, 'applied', `${result.message} ${JSON.stringify(result.errors)}`);
      assert.equal(result.kind, 'snapshot');
      assert.deepEqual(result.sent, { rows: 5, deletes: 0 });
      assert.equal(result.reconciled, 'match');
      assert.deepEqual(result.source, result.platform);
      const rows = await rowsOf(published.id);
      assert.equal(rows.length, 5);
      const zhao = rows.find((r) => r.key === people[0]!.sfzh)!;
      // Normalised as any import: the amount as a number, the date as YYYY-MM-DD.
      assert.deepEqual(zhao.data, {
        id_number: people[0]!.sfzh,
        name: '赵铁柱',
        category: '伤残军人',
        division_code: '130102',
        monthly_amount: 1520.5,
        recognised_on: '2019-05-01',
      });
      // The checksum is the canonical one over what the platform now holds.
      const sum = createRowChecksum();
      for (const r of [...rows].sort((a, b) => compareKeys(a.key, b.key)))
        sum.add(r.key, JSON.stringify(r.data));
      assert.deepEqual(result.platform, { rowCount: 5, checksum: sum.digest() });
      if (source.engine === 'postgres') {
        // The processor's sessions cannot write, whatever the role may do.
        const probe = openSource(source.readerUrl, { timeZone: 'Asia/Shanghai' });
        try {
          const ro = await probe.first(
            "select current_setting('default_transaction_read_only') as ro",
            [],
          );
          assert.equal(ro?.ro, 'on');
        } finally {
          await probe.close();
        }
      }
    });

    test('[EXC-06] the next run sends only what changed at the source, deletions included; an unchanged source still reports its count and checksum', async () => {
      await source.exec('update people set xm = ? where sfzh = ?', [
        '赵铁柱（更正）',
        people[0]!.sfzh,
      ]);
      await source.exec('delete from people where sfzh = ?', [people[1]!.sfzh]);
      const added = {
        sfzh: makeCitizenId('130104', '19470808', 716),
        xm: '吴秀兰',
        lb: '烈士遗属',
        dz: '130104',
        je: '980.00',
        rdrq: '2020-01-15',
      };
      await source.insert(added);
      const [delta] = await processor.runOnce();
      assert.equal(delta!.outcome, 'applied', delta!.message);
      assert.equal(delta!.kind, 'delta');
      assert.deepEqual(delta!.sent, { rows: 2, deletes: 1 });
      assert.equal(delta!.reconciled, 'match');
      const rows = await rowsOf(published.id);
      assert.equal(rows.length, 5);
      assert.ok(!rows.some((r) => r.key === people[1]!.sfzh), 'deleted at the source');
      assert.equal(rows.find((r) => r.key === added.sfzh)?.data.monthly_amount, 980);
      const changed = await t.http(
        'GET',
        `/api/v1/catalog/entries/${published.id}/rows/${people[0]!.sfzh}`,
        { as: cast.clerk },
      );
      assert.equal(changed.body.current.data.name, '赵铁柱（更正）');
      assert.equal(changed.body.history.length, 1, 'the replaced version is kept');
      assert.equal(changed.body.current.method, 'api');

      const [quiet] = await processor.runOnce();
      assert.equal(quiet!.outcome, 'applied');
      assert.equal(quiet!.kind, 'delta');
      assert.deepEqual(quiet!.sent, { rows: 0, deletes: 0 });
      assert.equal(quiet!.reconciled, 'match');
      assert.equal(quiet!.source!.rowCount, 5);

      const list = await t.http('GET', `/api/v1/frontend/publications?resourceId=${published.id}`, {
        as: admin,
      });
      assert.deepEqual(
        list.body.items.map((p: { kind: string; status: string; reconciled: string }) => [
          p.kind,
          p.status,
          p.reconciled,
        ]),
        [
          ['delta', 'applied', 'match'],
          ['delta', 'applied', 'match'],
          ['snapshot', 'applied', 'match'],
        ],
      );
    });

    test('[EXC-06] rows failing validation are refused whole: nothing is applied and the department learns which rows', async () => {
      const bad = { ...people[2]!, sfzh: '130102195001024139', xm: '错号' };
      assert.notEqual(bad.sfzh, people[2]!.sfzh);
      await source.insert(bad);
      await source.exec('update people set xm = ? where sfzh = ?', [
        '孙志强（新）',
        people[2]!.sfzh,
      ]);
      const before = await rowsOf(published.id);
      const [refused] = await processor.runOnce();
      assert.equal(refused!.outcome, 'rejected', refused!.message);
      assert.ok(
        refused!.errors.some((e) => e.key === bad.sfzh && e.field === 'id_number'),
        JSON.stringify(refused!.errors),
      );
      assert.deepEqual(await rowsOf(published.id), before, 'not even the valid change is applied');
      const list = await t.http('GET', `/api/v1/frontend/publications?resourceId=${published.id}`, {
        as: admin,
      });
      const last = list.body.items[0];
      assert.equal(last.status, 'rejected');
      assert.ok(last.errorCount >= 1);
      assert.ok(!JSON.stringify(last.errors).includes(bad.sfzh), 'values stay in the department');
      const staged = await t.handle.db
        .selectFrom('frontend_staged_rows')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      assert.equal(Number(staged.n), 0);

      await source.exec('delete from people where sfzh = ?', [bad.sfzh]);
      const [fixed] = await processor.runOnce();
      assert.equal(fixed!.outcome, 'applied', fixed!.message);
      assert.equal(fixed!.kind, 'delta');
      assert.deepEqual(fixed!.sent, { rows: 1, deletes: 0 });
      assert.equal(fixed!.reconciled, 'match');
    });

    test('[EXC-06] node calls are refused for an unknown node, a wrong secret, a stale or replayed signature, a revoked node and an unmapped resource', async () => {
      await refusal(
        client(`fen_${'0'.repeat(20)}`).resource(published.code),
        401,
        'frontend.node_unknown',
      );
      await refusal(
        client(node.id, 'not-the-secret').resource(published.code),
        401,
        'frontend.bad_signature',
      );
      await refusal(client().resource(spare.code), 403, 'frontend.resource_not_mapped');
      await refusal(client().begin(spare.code, 'snapshot'), 403, 'frontend.resource_not_mapped');
      await refusal(client().resource('301002/999999'), 404, 'frontend.resource_unknown');

      const path = nodePaths.resource(published.code);
      const stale = nodeSignedHeaders(
        node,
        { method: 'GET', path, body: '' },
        {
          now: Date.now() - 10 * 60_000,
        },
      );
      const staleRes = await fetch(t.url + path, { headers: stale });
      assert.equal(staleRes.status, 401);
      assert.equal(((await staleRes.json()) as { code: string }).code, 'frontend.stale_timestamp');
      const once = nodeSignedHeaders(node, { method: 'GET', path, body: '' });
      assert.equal((await fetch(t.url + path, { headers: once })).status, 200);
      const replay = await fetch(t.url + path, { headers: once });
      assert.equal(replay.status, 401);
      assert.equal(((await replay.json()) as { code: string }).code, 'frontend.replayed_nonce');
      const unsigned = await fetch(t.url + path);
      assert.equal(unsigned.status, 401);

      // A second node of the unit, revoked: refused at once.
      const second = await t.http('POST', '/api/v1/frontend/nodes', {
        as: admin,
        body: { name: '备用前置机' },
      });
      const revoked = await t.http('POST', `/api/v1/frontend/nodes/${second.body.id}/revoke`, {
        as: admin,
      });
      assert.equal(revoked.status, 204);
      await refusal(
        client(second.body.id, second.body.secret).resource(published.code),
        401,
        'frontend.node_revoked',
      );
      // Published by another node of the unit: not this node's resource.
      const third = await t.http('POST', '/api/v1/frontend/nodes', {
        as: admin,
        body: { name: '第三前置机' },
      });
      await refusal(
        client(third.body.id, third.body.secret).begin(published.code, 'delta'),
        403,
        'frontend.wrong_node',
      );
      // A commit that does not account for every chunk is refused; nothing is applied.
      const begun = await client().begin(published.code, 'delta');
      await client().chunk(begun.id, { seq: 1, rows: [], deletes: [people[0]!.sfzh] });
      await refusal(
        client().commit(begun.id, {
          chunkCount: 2,
          sourceRowCount: 5,
          sourceChecksum: 'a'.repeat(64),
        }),
        400,
        'frontend.chunks_missing',
      );
      await refusal(
        client(third.body.id, third.body.secret).chunk(begun.id, { seq: 2, rows: [], deletes: [] }),
        404,
        'frontend.publication_not_found',
      );
      assert.equal((await rowsOf(published.id)).length, 5);
    });

    test('[COL-07] a count or checksum that does not match is flagged in the publication and the daily report; the next run restores agreement', async () => {
      // A node that misreports its source: the platform records both sides and the difference.
      const begun = await client().begin(published.code, 'delta');
      const skewed = await client().commit(begun.id, {
        chunkCount: 0,
        sourceRowCount: 8,
        sourceChecksum: 'b'.repeat(64),
      });
      assert.equal(skewed.status, 'applied');
      assert.equal(skewed.reconciled, 'count_mismatch');
      assert.equal(skewed.platform!.rowCount, 5);
      let res = await report(admin);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      let line = res.body.units[0].provider.publications.find(
        (p: { resourceId: string }) => p.resourceId === published.id,
      );
      assert.ok(line.issues.includes('count_mismatch'), JSON.stringify(line));
      assert.ok(line.issues.includes('publication_rejected'), 'the refused run of the day');
      assert.deepEqual(line.last.source, { rowCount: 8, checksum: 'b'.repeat(64) });
      assert.ok(res.body.differences > 0);
      // Rows changed on the platform behind the node's back are named too.
      const edited = await t.http('PUT', `/api/v1/catalog/entries/${published.id}/rows`, {
        as: cast.clerk,
        body: {
          values: { id_number: people[3]!.sfzh, name: '李桂兰（平台改）', category: '烈士遗属' },
        },
      });
      assert.equal(edited.status, 200, JSON.stringify(edited.body));
      res = await report(admin);
      line = res.body.units[0].provider.publications.find(
        (p: { resourceId: string }) => p.resourceId === published.id,
      );
      assert.ok(line.issues.includes('changed_on_platform'), JSON.stringify(line));

      // The processor sees the platform drifted from what it published and sends a snapshot.
      const [repaired] = await processor.runOnce();
      assert.equal(repaired!.outcome, 'applied', repaired!.message);
      assert.equal(repaired!.kind, 'snapshot');
      assert.equal(repaired!.reconciled, 'match');
      const li = (await rowsOf(published.id)).find((r) => r.key === people[3]!.sfzh);
      assert.equal(li?.data.name, '李桂兰', 'the source is the truth');
      res = await report(admin);
      line = res.body.units[0].provider.publications.find(
        (p: { resourceId: string }) => p.resourceId === published.id,
      );
      assert.ok(!line.issues.includes('count_mismatch'), JSON.stringify(line));
      assert.ok(!line.issues.includes('changed_on_platform'), JSON.stringify(line));
      assert.deepEqual(line.last.source, line.last.platform);
    });

    test('[EXC-06] hold mode: verify and query are answered by the node from the source; the platform stores no rows and never connects to the source', async () => {
      const { port } = await processor.start();
      assert.ok(port);
      const unsigned = await fetch(`http://127.0.0.1:${port}${lookupPath}`, {
        method: 'POST',
        body: '{}',
      });
      assert.equal(unsigned.status, 401, 'the node answers only the platform');
      const patched = await t.http('PATCH', `/api/v1/frontend/nodes/${node.id}`, {
        as: admin,
        body: { callbackUrl: `http://127.0.0.1:${port}` },
      });
      assert.equal(patched.status, 200, JSON.stringify(patched.body));
      const mapped = await t.http('PUT', `/api/v1/frontend/resources/${held.id}/mapping`, {
        as: admin,
        body: { nodeId: node.id, mode: 'hold' },
      });
      assert.equal(mapped.status, 204, JSON.stringify(mapped.body));
      await refusal(client().begin(held.code, 'snapshot'), 409, 'frontend.mode_hold');

      const grantId = await grantThrough(
        t,
        cast,
        { applicant, approver },
        held.id,
        { fields: ['id_number', 'name', 'category'], modes: ['verify', 'query'] },
        { masking: { name: 'none' } },
      );
      const credential = await issueCredential(t, applicant, grantId, '核验系统');
      const codes = await interfaceCodes(t, held.id, applicant);
      const verify = (body: unknown) =>
        signedCall(t, credential, codes.verify!, 'POST', '/api/v1/exchange/verify', body);
      const query = (body: unknown) =>
        signedCall(t, credential, codes.query!, 'POST', '/api/v1/exchange/query', body);
      const sun = people[2]!.sfzh;
      const verified = await verify({
        key: sun,
        claims: { name: '孙志强（新）', category: '伤残军人' },
      });
      assert.equal(verified.status, 200, verified.text);
      assert.deepEqual(verified.body, {
        found: true,
        results: { name: 'match', category: 'no_match' },
      });
      const asked = await query({ key: sun, fields: ['name', 'category'] });
      assert.equal(asked.status, 200, asked.text);
      assert.deepEqual(asked.body.record, { name: '孙志强（新）', category: '在乡复员军人' });
      // Answered live from the department's database.
      await source.exec('update people set lb = ? where sfzh = ?', ['伤残军人', sun]);
      assert.deepEqual((await query({ key: sun, fields: ['category'] })).body.record, {
        category: '伤残军人',
      });
      const missing = await query({ key: makeCitizenId('130102', '19600101', 555) });
      assert.equal(missing.body.found, false);

      // The platform keeps none of these rows and knows nothing of the source database.
      const stored = await t.handle.db
        .selectFrom('catalog_resources')
        .select('row_count')
        .where('id', '=', held.id)
        .executeTakeFirstOrThrow();
      assert.equal(stored.row_count, 0);
      assert.ok(!JSON.stringify(t.ctx.config).includes(source.name));
      assert.ok(!JSON.stringify(process.env).includes(source.readerUrl));
      if (source.engine === 'postgres') {
        const c = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
        await c.connect();
        const sessions = await c.query<{ application_name: string; usename: string }>(
          'select application_name, usename from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
          [source.name],
        );
        await c.end();
        const reader = new URL(source.readerUrl).username;
        const foreign = sessions.rows.filter(
          (s) => s.usename !== 'postgres' && s.usename !== reader,
        );
        assert.deepEqual(foreign, []);
        assert.ok(
          sessions.rows
            .filter((s) => s.usename === reader)
            .every((s) => s.application_name === 'mzhub-frontend'),
          JSON.stringify(sessions.rows),
        );
      }

      // The node down: a clear 503 of its own, not a server error.
      await processor.stop();
      const down = await query({ key: sun });
      assert.equal(down.status, 503, down.text);
      assert.equal(down.body.code, 'frontend.unavailable');
      assert.ok(!down.text.includes('孙志强'));
      processor = createFrontendProcessor(configOf(), { log: silent, retryDelays: [] });
    });

    test('[COL-07] batch copies and consumer receipts are reconciled per provider and per consumer, scoped to each side', async () => {
      const grantId = await grantThrough(
        t,
        cast,
        { applicant, approver },
        published.id,
        { fields: ['id_number', 'name'], modes: ['batch'], purpose: '优抚对象数据比对（批量）' },
        { masking: { id_number: 'none', name: 'none' } },
      );
      const credential = await issueCredential(t, applicant, grantId, '批量');
      const codes = await interfaceCodes(t, published.id, applicant);
      const copy = async () => {
        const res = await signedCall(
          t,
          credential,
          codes.batch!,
          'GET',
          '/api/v1/exchange/batch?format=csv',
        );
        assert.equal(res.status, 200, res.text);
        const batchId = res.headers.get('x-mzhub-batch-id')!;
        for (let i = 0; i < 50; i++) {
          const kept = await t.handle.db
            .selectFrom('reconciliation_batches')
            .select('batch_id')
            .where('batch_id', '=', batchId)
            .executeTakeFirst();
          if (kept) break;
          await new Promise((r) => setTimeout(r, 50));
        }
        return { batchId, text: res.text, rows: res.text.trim().split('\r\n').length - 1 };
      };
      const receipt = (body: unknown) =>
        signedCall(t, credential, codes.batch!, 'POST', '/api/v1/reconciliation/receipts', body);
      const good = await copy();
      assert.equal(good.rows, 5);
      const ok = await receipt({
        batchId: good.batchId,
        rowCount: good.rows,
        checksum: createHash('sm3').update(good.text).digest('hex'),
      });
      assert.equal(ok.status, 200, ok.text);
      assert.deepEqual(ok.body.issues, []);
      const short = await copy();
      const mismatch = await receipt({
        batchId: short.batchId,
        rowCount: short.rows - 1,
        checksum: createHash('sm3').update(short.text.slice(0, -10)).digest('hex'),
        note: '入库时丢失一行',
      });
      assert.deepEqual(mismatch.body.issues, ['count_mismatch']);
      const unanswered = await copy();
      const stranger = await receipt({
        batchId: '0193a5b2-7c1e-7b3a-9f4e-2d1c0b9a8e7f',
        rowCount: 1,
        checksum: 'x',
      });
      assert.equal(stranger.status, 404);
      assert.equal(stranger.body.code, 'reconciliation.batch_not_found');

      const issuesOf = (lines: { batchId: string; issues: string[] }[]) =>
        Object.fromEntries(
          lines
            .filter((l) => [good.batchId, short.batchId, unanswered.batchId].includes(l.batchId))
            .map((l) => [l.batchId, l.issues]),
        );
      const expected = {
        [good.batchId]: [],
        [short.batchId]: ['count_mismatch'],
        [unanswered.batchId]: ['receipt_missing'],
      };
      const asConsumer = await report(applicant);
      assert.equal(asConsumer.status, 200, JSON.stringify(asConsumer.body));
      assert.deepEqual(
        asConsumer.body.units.map((u: { unitId: string }) => u.unitId),
        [cast.consumerUnitId],
      );
      assert.deepEqual(issuesOf(asConsumer.body.units[0].consumer.batches), expected);
      assert.deepEqual(asConsumer.body.units[0].provider.publications, [], 'not the provider’s');
      const asProvider = await report(admin);
      assert.deepEqual(issuesOf(asProvider.body.units[0].provider.batches), expected);
      const received = asProvider.body.units[0].provider.batches.find(
        (b: { batchId: string }) => b.batchId === short.batchId,
      );
      assert.equal(received.delivered.rowCount, 5);
      assert.equal(received.received.rowCount, 4);
      // The platform's supervisors see both sides; a unit never sees another unit's report.
      const asPlatform = await report(cast.manager);
      assert.deepEqual(
        asPlatform.body.units.map((u: { unitId: string }) => u.unitId).sort(),
        [cast.consumerUnitId, cast.providerUnitId].sort(),
      );
      const nosy = await report(applicant, cast.providerUnitId);
      assert.equal(nosy.status, 404);
      assert.equal(nosy.body.code, 'reconciliation.unit_not_found');
      const receipts = await t.handle.db
        .selectFrom('audit_entries')
        .select('action')
        .where('action', '=', 'reconciliation.receipt')
        .execute();
      assert.equal(receipts.length, 2);
    });

    test('[COL-07] mzhub reconcile --date stores the day’s report per unit and prints the differences', () => {
      const out = join(dir, 'report.json');
      const res = spawnSync(process.execPath, [bin, 'reconcile', '--date', today, '--out', out], {
        env: {
          PATH: process.env.PATH ?? '',
          DATABASE_URL: t.ctx.config.databaseUrl,
          MZHUB_DATA_DIR: dir,
          MZHUB_LOG_LEVEL: 'warn',
        },
        encoding: 'utf8',
        timeout: 60_000,
      });
      assert.equal(res.status, 0, res.stderr);
      assert.match(res.stdout, new RegExp(`${today} 对账报告：2 个单位`));
      assert.match(res.stdout, /使用方未回执/);
      assert.match(res.stdout, /行数不一致/);
      const written = JSON.parse(readFileSync(out, 'utf8')) as { units: { unitId: string }[] };
      assert.equal(written.units.length, 2);
      return t.handle.db
        .selectFrom('reconciliation_reports')
        .select(['unit_id', 'difference_count'])
        .where('report_date', '=', today)
        .execute()
        .then((stored) => {
          assert.deepEqual(
            stored.map((s) => s.unit_id).sort(),
            [cast.consumerUnitId, cast.providerUnitId].sort(),
          );
          assert.ok(stored.every((s) => s.difference_count > 0));
        });
    });

    test('[EXC-06] mzhub frontend takes secrets only sealed or from the environment, and publishes with --once', async () => {
      const keyFile = join(dir, 'department.key');
      const key = randomBytes(32).toString('hex');
      writeFileSync(keyFile, `${key}\n`, { mode: 0o600 });
      const master = MasterKey.parse(key);
      const reader = new URL(source.readerUrl);
      const password = reader.password;
      reader.password = '';
      const file = (settings: Record<string, unknown>) => {
        const path = join(dir, `frontend-${randomBytes(3).toString('hex')}.json`);
        writeFileSync(
          path,
          JSON.stringify({
            platformUrl: t.url,
            nodeId: node.id,
            source: { url: source.engine === 'postgres' ? reader.toString() : source.readerUrl },
            stateFile: join(dir, 'cli-state.sqlite'),
            logLevel: 'warn',
            publications: [publishSetting()],
            ...settings,
          }),
        );
        return path;
      };
      // Asynchronously: the platform answering the child runs in this process.
      const run = (path: string, flag = '--once') =>
        new Promise<{ status: number | null; stdout: string; stderr: string }>((done) => {
          execFile(
            process.execPath,
            [bin, 'frontend', '--config', path, flag],
            { env: { PATH: process.env.PATH ?? '' }, encoding: 'utf8', timeout: 60_000 },
            (error, stdout, stderr) =>
              done({
                status: error ? ((error.code as number | undefined) ?? null) : 0,
                stdout,
                stderr,
              }),
          );
        });
      const plain = await run(file({ nodeSecret: node.secret }));
      assert.equal(plain.status, 1);
      assert.match(plain.stderr, /nodeSecret：不得写明文密钥/);
      assert.ok(!plain.stderr.includes(node.secret));
      const sealed = file({
        nodeSecret: master.seal(node.secret),
        masterKeyFile: keyFile,
        ...(source.engine === 'postgres'
          ? { source: { url: reader.toString(), password: master.seal(password) } }
          : {}),
      });
      const checked = await run(sealed, '--check');
      assert.equal(checked.status, 0, checked.stderr + checked.stdout);
      assert.match(checked.stdout, /发布，对应 6\/6 个信息项，源库 5 行/);
      const once = await run(sealed);
      assert.equal(once.status, 0, once.stderr + once.stdout);
      assert.match(
        once.stdout,
        new RegExp(`${published.code.replace('/', '\\/')}\\s+已写入平台（全量）`),
      );
      assert.match(once.stdout, /对账一致/);
    });

    test('[EXC-06] an SQLite source is read the same way, through its own adapter', async () => {
      const mapped = await t.http('PUT', `/api/v1/frontend/resources/${spare.id}/mapping`, {
        as: admin,
        body: { nodeId: node.id, mode: 'publish' },
      });
      assert.equal(mapped.status, 204);
      const file = sqliteDepartment(join(dir, `second-${randomBytes(3).toString('hex')}.sqlite`));
      for (const p of people.slice(0, 3)) await file.insert(p);
      const second = createFrontendProcessor(
        configOf({
          sourceUrl: file.readerUrl,
          stateFile: join(dir, 'state-sqlite.sqlite'),
          publications: [
            {
              resource: spare.code as string,
              mode: 'publish',
              query:
                'select sfzh as id_number, xm as name, lb as category, je as monthly_amount from people',
              columns: {},
              onChange: {
                pollSeconds: 60,
                probe: 'select count(*) as n, max(updated_at) as at from people',
              },
            },
          ],
        }),
        { log: silent, retryDelays: [] },
      );
      try {
        const [first] = await second.runOnce();
        assert.equal(first!.outcome, 'applied', first!.message);
        assert.equal(first!.reconciled, 'match');
        assert.equal((await rowsOf(spare.id)).length, 3);
        // Nothing changed: an on-change publication sends nothing at all.
        const [idle] = await second.runOnce(undefined, false);
        assert.equal(idle!.outcome, 'skipped');
        await file.exec('update people set xm = ?, updated_at = ? where sfzh = ?', [
          '赵铁柱（县里）',
          '2030-01-01 00:00:00',
          people[0]!.sfzh,
        ]);
        const [changed] = await second.runOnce(undefined, false);
        assert.equal(changed!.outcome, 'applied', changed!.message);
        assert.deepEqual(changed!.sent, { rows: 1, deletes: 0 });
        assert.equal(changed!.reconciled, 'match');
      } finally {
        await second.stop();
        await file.drop();
      }
    });
  });
}
