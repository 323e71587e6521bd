/**
 * The veterans' benefit registry (REG-06, REG-07) at province scale, through the real HTTP API:
 * - approval: APPROVE (10,000) records waiting in one city's 待审批 queue, each opened by the
 *   approver, approved in one "approve all" call with certificate numbers issued by the
 *   province's rule, each with its action log, new record version and audit entry (records/s);
 * - listing: a RECORDS-record (1,000,000) provincial registry paged and filtered as the
 *   province, a city and a county see it — first and deep keyset pages, category, division,
 *   status, name prefix, ID number, missing certificates (goal p95 ≤ 100 ms per page).
 *
 * The records are written straight into the tables (the same columns the service writes), so
 * the set-up takes seconds, not hours; the measured calls go through the service unchanged.
 *
 *   RECORDS=100000 APPROVE=2000 npm run bench registry           — a smaller run
 *   REGISTRY_BENCH_ENGINE=postgres TEST_DATABASE_URL=… npm run bench registry
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createPeopleGenerator } from '../src/lib/demo/people.ts';
import { uuidv7 } from '../src/lib/uuid.ts';
import type { Engine } from '../src/db/engine.ts';
import type {
  RegistryActionTable,
  RegistryRecordTable,
  RegistryRequestTable,
} from '../src/db/tables/registry.ts';
import { sql, type Insertable } from 'kysely';
import { createTestPlatform, type TestPlatform } from '../tests/helpers/platform.ts';
import type { BenchResult } from './run.ts';

const RECORDS = Number(process.env.RECORDS ?? 1_000_000);
const APPROVE = Number(process.env.APPROVE ?? 10_000);
const ENGINE = (process.env.REGISTRY_BENCH_ENGINE ?? 'sqlite') as Engine;
const PAGE = 50;

/** Counties of the bench province by city (real GB/T 2260 codes of 河北省). */
const counties: Record<string, string[]> = {
  '130100': [
    '130102',
    '130104',
    '130105',
    '130107',
    '130108',
    '130109',
    '130110',
    '130111',
    '130121',
    '130123',
    '130125',
    '130126',
    '130127',
    '130128',
    '130129',
    '130130',
    '130131',
    '130132',
    '130133',
    '130181',
    '130183',
    '130184',
  ],
  '130200': [
    '130202',
    '130203',
    '130204',
    '130205',
    '130207',
    '130208',
    '130209',
    '130224',
    '130225',
    '130227',
    '130229',
    '130281',
    '130283',
    '130284',
  ],
  '130400': [
    '130402',
    '130403',
    '130404',
    '130406',
    '130407',
    '130408',
    '130423',
    '130424',
    '130425',
    '130426',
    '130427',
    '130430',
    '130431',
    '130432',
    '130433',
    '130434',
    '130435',
    '130481',
  ],
  '130600': [
    '130602',
    '130606',
    '130607',
    '130608',
    '130609',
    '130623',
    '130624',
    '130626',
    '130627',
    '130628',
    '130629',
    '130630',
    '130631',
    '130632',
    '130633',
    '130634',
    '130635',
    '130636',
    '130637',
    '130638',
    '130681',
    '130682',
    '130683',
    '130684',
  ],
};
const allCounties = Object.values(counties).flat();
// Category 23 is rare (about 1 in 100), to make a selective filter.
const categories = ['11', '12', '13', '14', '21', '22', '11', '12', '21', '11'];

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};

function recordRow(
  i: number,
  person: ReturnType<ReturnType<typeof createPeopleGenerator>['next']>,
  unitId: string,
  userId: string,
  at: string,
  status: RegistryRecordTable['status'],
): Insertable<RegistryRecordTable> {
  const d = person.divisionCode;
  const category = i % 100 === 7 ? '23' : categories[i % categories.length]!;
  const benefit =
    category === '11'
      ? { disabilityGrade: '六级', disabilityNature: '因公', monthlyAmount: 2000 }
      : category.startsWith('1')
        ? { deceasedName: '王铁柱', relation: '配偶', monthlyAmount: 2100 }
        : { serviceStart: '1968-03', serviceEnd: '1975-12', monthlyAmount: 900 };
  const approved = status !== 'draft';
  return {
    id: uuidv7(),
    version: 1,
    record_no: `YF${d}${String(i + 1).padStart(7, '0')}`,
    status,
    name: person.name,
    id_number: person.citizenId,
    id_number_key: person.citizenId,
    id_valid: 1,
    id_problem: null,
    id_verified_by: null,
    id_verified_note: null,
    id_verified_by_user: null,
    id_verified_by_user_name: null,
    id_verified_at: null,
    sex: person.sex === 'male' ? '男' : '女',
    birth_date: person.birthDate,
    ethnicity: person.ethnicity,
    division_code: d,
    province_code: `${d.slice(0, 2)}0000`,
    city_code: `${d.slice(0, 4)}00`,
    county_code: d,
    address: person.address,
    phone: person.phone,
    category_code: category,
    benefit: JSON.stringify(benefit),
    person_key: `${person.name}|${person.birthDate}|${d}`,
    // One approved record in 200 came from the old system without a number.
    certificate_no:
      approved && i % 200 !== 3 ? `冀${category}${d}2020${String(i).padStart(7, '0')}` : null,
    certificate_issued_at: approved ? at : null,
    materials_complete: 1,
    open_problems: i % 200 === 5 ? 1 : 0,
    open_request_id: null,
    open_request_kind: null,
    open_request_status: null,
    historical: 0,
    unit_id: unitId,
    created_by: userId,
    created_at: at,
    updated_at: at,
    approved_at: approved ? at : null,
  };
}

async function insertChunks<T>(
  t: TestPlatform,
  table: 'registry_records' | 'registry_requests' | 'registry_actions',
  rows: T[],
) {
  const chunk = table === 'registry_actions' ? 2000 : 400;
  for (let i = 0; i < rows.length; i += chunk) {
    await t.handle.db
      .insertInto(table)
      .values(rows.slice(i, i + chunk) as never)
      .execute();
  }
}

/** One generator for every record of the run: its ID numbers never repeat. */
const people = createPeopleGenerator(2026, allCounties);

export async function seedRegistry(t: TestPlatform, unitId: string, userId: string) {
  const started = performance.now();
  const at = new Date().toISOString();
  const batch = 20_000;
  for (let done = 0; done < RECORDS; done += batch) {
    const rows: Insertable<RegistryRecordTable>[] = [];
    for (let i = done; i < Math.min(RECORDS, done + batch); i++) {
      rows.push(
        recordRow(i, people.next(), unitId, userId, at, i % 100 === 11 ? 'suspended' : 'approved'),
      );
    }
    await t.handle.db.transaction().execute(async (tx) => {
      for (let i = 0; i < rows.length; i += 400) {
        await tx
          .insertInto('registry_records')
          .values(rows.slice(i, i + 400))
          .execute();
      }
    });
    if ((done / batch) % 10 === 0) console.log(`  registry: ${done + rows.length} records`);
  }
  // Fresh statistics, as autovacuum would have gathered them on a live database.
  await sql`analyze`.execute(t.handle.db);
  return (performance.now() - started) / 1000;
}

/** APPROVE records of one city (石家庄) in 待审批, each opened by the approver since it got there. */
async function seedQueue(
  t: TestPlatform,
  unitId: string,
  enterer: string,
  approver: { userId: string; name: string },
) {
  const at = new Date().toISOString();
  const records: Insertable<RegistryRecordTable>[] = [];
  const requests: Insertable<RegistryRequestTable>[] = [];
  const actions: Insertable<RegistryActionTable>[] = [];
  for (let i = 0; i < APPROVE; i++) {
    // People of the city's counties (石家庄), each name made unique so none is a look-alike.
    let p = people.next();
    while (!p.divisionCode.startsWith('1301')) p = people.next();
    const r = recordRow(RECORDS + i, { ...p, name: `${p.name}${i}` }, unitId, enterer, at, 'draft');
    const requestId = uuidv7();
    r.open_request_id = requestId;
    r.open_request_kind = 'register';
    r.open_request_status = 'pending_approval';
    r.person_key = `${r.name}|${r.birth_date}|${r.county_code}`;
    records.push(r);
    requests.push({
      id: requestId,
      no: `DJ2026${String(i + 1).padStart(8, '0')}`,
      record_id: r.id,
      kind: 'register',
      status: 'pending_approval',
      version: 1,
      proposal: null,
      reason: null,
      open_record_id: r.id,
      province_code: r.province_code,
      city_code: r.city_code,
      county_code: r.county_code,
      division_code: r.division_code,
      category_code: r.category_code,
      person_name: r.name,
      id_number: r.id_number,
      unit_id: unitId,
      created_by: enterer,
      created_at: at,
      updated_at: at,
      submitted_at: at,
      reported_at: at,
      passed_at: at,
      approved_at: null,
      stage_action_id: 0,
      return_reason: null,
    });
    actions.push({
      record_id: r.id,
      request_id: requestId,
      action: 'open',
      from_status: 'pending_approval',
      to_status: 'pending_approval',
      actor_id: approver.userId,
      actor_name: approver.name,
      actor_unit_id: unitId,
      actor_unit_name: '河北省民政厅',
      at,
      note: null,
      detail: null,
    });
  }
  await insertChunks(t, 'registry_records', records);
  await insertChunks(t, 'registry_requests', requests);
  await insertChunks(t, 'registry_actions', actions);
  return requests.map((q) => q.id);
}

export default async function run(): Promise<BenchResult> {
  const t = await createTestPlatform(ENGINE);
  try {
    const unit = async (name: string, divisionCode: string) =>
      (
        await t.services.org.createUnit({
          name,
          divisionCode,
          type: 'agency',
          creditCode: null,
          parentUnitId: null,
        })
      ).id;
    const province = await unit('河北省民政厅', '130000');
    const city = await unit('石家庄市民政局', '130100');
    const county = await unit('正定县民政局', '130123');
    const manager = await t.userWith(['registry_manager'], province);
    const approver = await t.userWith(['registry_approver'], province);
    const cityReviewer = await t.userWith(['registry_reviewer'], city);
    const countyChecker = await t.userWith(['registry_checker'], county);
    const entry = await t.userWith(['registry_enterer'], county);
    const rules = await t.http('PUT', '/api/v1/registry/certificate-rules', {
      as: manager,
      body: {
        prefix: '冀',
        rules: ['11', '12', '13', '14', '21', '22', '23'].map((category) => ({
          category,
          template: '{prefix}{category}{division6}{year}{seq6}',
        })),
      },
    });
    if (rules.status !== 200) throw new Error(JSON.stringify(rules.body));

    console.log(`[${ENGINE}] seeding ${RECORDS} records…`);
    const seedSeconds = await seedRegistry(t, county, entry.userId);
    console.log(`[${ENGINE}] seeded in ${seedSeconds.toFixed(1)} s; queue of ${APPROVE}…`);
    const approverName = (
      await t.handle.db
        .selectFrom('users')
        .select('display_name')
        .where('id', '=', approver.userId)
        .executeTakeFirstOrThrow()
    ).display_name;
    const requestIds = await seedQueue(t, county, entry.userId, {
      userId: approver.userId,
      name: approverName,
    });

    // The client's pooled connection idled through the seeding and the server has closed it:
    // one request to open a fresh one (a reset here is the pool's, not the server's answer).
    await t.http('GET', '/api/v1/registry/overview', { as: approver }).catch(() => undefined);

    // The whole queue, page by page, as the approver's console reads it before "approve all".
    const queueStarted = performance.now();
    let cursor: string | null = null;
    let listed = 0;
    do {
      const page: {
        status: number;
        body: { items: unknown[]; nextCursor: string | null; unopened: number };
      } = await t.http(
        'GET',
        `/api/v1/registry/queue?queue=to_approve&limit=500${cursor ? `&cursor=${cursor}` : ''}`,
        { as: approver },
      );
      if (page.status !== 200) throw new Error(JSON.stringify(page.body));
      if (page.body.unopened !== 0) throw new Error(`unopened: ${page.body.unopened}`);
      listed += page.body.items.length;
      cursor = page.body.nextCursor;
    } while (cursor);
    const queueSeconds = (performance.now() - queueStarted) / 1000;

    const started = performance.now();
    const approved = await t.http<{
      done: number;
      certificateNumbers: { certificateNo: string }[];
    }>('POST', '/api/v1/registry/requests/bulk', {
      as: approver,
      body: { action: 'approve', requestIds },
    });
    const approveSeconds = (performance.now() - started) / 1000;
    if (approved.status !== 200 || approved.body.done !== APPROVE) {
      throw new Error(
        `approval failed: ${approved.status} ${JSON.stringify(approved.body).slice(0, 400)}`,
      );
    }
    const numbers = new Set(
      (approved.body.certificateNumbers as { certificateNo: string }[]).map((c) => c.certificateNo),
    );
    if (numbers.size !== APPROVE) throw new Error('certificate numbers are not unique');
    const approveRecordsPerSecond = APPROVE / approveSeconds;
    console.log(
      `[${ENGINE}] approved ${APPROVE} in ${approveSeconds.toFixed(1)} s (${Math.round(approveRecordsPerSecond)} records/s); queue read ${listed} in ${queueSeconds.toFixed(2)} s`,
    );

    // Paging and filtering the registry.
    const sample = await t.handle.db
      .selectFrom('registry_records')
      .select(['id_number', 'name'])
      .where('county_code', '=', '130123')
      .limit(20)
      .execute();
    const timings: Record<string, number[]> = {};
    const time = async (label: string, as: typeof approver, path: string) => {
      const t0 = performance.now();
      const res = await t.http('GET', `/api/v1/registry/records${path}`, { as });
      const ms = performance.now() - t0;
      if (res.status !== 200)
        throw new Error(
          `${label} ${path}: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`,
        );
      (timings[label] ??= []).push(ms);
      return res.body as { items: { id: string }[]; nextCursor: string | null };
    };
    for (let round = 0; round < 10; round++) {
      let next: string | null = null;
      for (let page = 0; page < 10; page++) {
        const body = await time(
          'province pages',
          manager,
          `?limit=${PAGE}${next ? `&cursor=${next}` : ''}`,
        );
        next = body.nextCursor;
      }
      await time('category 23 (1%)', manager, `?limit=${PAGE}&categoryCode=23`);
      await time('city 唐山', manager, `?limit=${PAGE}&divisionCode=130200`);
      await time(
        'county 正定县 + category 11',
        manager,
        `?limit=${PAGE}&divisionCode=130123&categoryCode=11`,
      );
      await time('status suspended (1%)', manager, `?limit=${PAGE}&status=suspended`);
      await time('missing certificate (0.5%)', manager, `?limit=${PAGE}&missingCertificate=true`);
      await time('with problems (0.5%)', manager, `?limit=${PAGE}&withProblems=true`);
      await time(
        'name prefix',
        manager,
        `?limit=${PAGE}&q=${encodeURIComponent(sample[round % sample.length]!.name.slice(0, 1))}`,
      );
      await time(
        'ID number',
        manager,
        `?limit=${PAGE}&q=${sample[round % sample.length]!.id_number}`,
      );
      await time('city reviewer view', cityReviewer, `?limit=${PAGE}`);
      await time('county checker view', countyChecker, `?limit=${PAGE}`);
    }
    const all = Object.values(timings).flat();
    const perFilter = Object.fromEntries(
      Object.entries(timings).map(([k, v]) => [
        `p95Ms ${k}`,
        Math.round(percentile(v, 95) * 10) / 10,
      ]),
    );
    const p95 = Math.round(percentile(all, 95) * 10) / 10;
    console.log(`[${ENGINE}] list p95 ${p95} ms`, perFilter);
    const result = {
      engine: ENGINE,
      figures: {
        records: RECORDS,
        approved: APPROVE,
        seedSeconds: Math.round(seedSeconds),
        approveRecordsPerSecond: Math.round(approveRecordsPerSecond),
        approveSeconds: Math.round(approveSeconds * 10) / 10,
        queueReadSeconds: Math.round(queueSeconds * 100) / 100,
        listP95Ms: p95,
        listP50Ms: Math.round(percentile(all, 50) * 10) / 10,
        ...perFilter,
      },
      baseline: { listP95GoalMs: 100 },
      ratio: Math.round((p95 / 100) * 100) / 100,
    };
    // run.ts keeps the last run as registry.json; each engine's last run is kept beside it.
    writeFileSync(
      join(import.meta.dirname, 'results', `registry-${ENGINE}.json`),
      `${JSON.stringify({ name: 'registry', date: new Date().toISOString(), machine: { cpus: cpus().length, node: process.version, loadAverage: loadavg() }, ...result }, null, 2)}\n`,
    );
    return result;
  } finally {
    await t.close();
  }
}
