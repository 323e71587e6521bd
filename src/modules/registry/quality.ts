/**
 * The network quality assessment (联网质量评估, REG-13) per county, city and province:
 *
 * - completeness (完整性): records whose key information and required scans are all present;
 * - accuracy (准确性): records with a valid (or verified) ID number and no open problem data;
 * - reporting timeliness (上报及时性): registrations of the reporting year that the county
 *   reported up by the province's deadline;
 * - review timeliness (审核审批及时性): city reviews and province approvals done within the set
 *   number of working days (holiday calendar) after the step opened, over the last 365 days;
 *   a step still open past that limit counts as late;
 * - clean-up rate (问题数据清理率): problems cleared or corrected out of all flagged.
 *
 * Counts come from SQL aggregates by county; the timeliness figures read the step timestamps.
 */
import type { Expression, SqlBool } from 'kysely';
import type { WorkingCalendar } from '../../lib/calendar/index.ts';
import type { AppContext } from '../../server/context.ts';

type Db = AppContext['db'];

interface Tally {
  records: number;
  complete: number;
  accurate: number;
  reportDue: number;
  reportOnTime: number;
  stepsDue: number;
  stepsOnTime: number;
  problems: number;
  resolved: number;
  open: number;
}

const empty = (): Tally => ({
  records: 0,
  complete: 0,
  accurate: 0,
  reportDue: 0,
  reportOnTime: 0,
  stepsDue: 0,
  stepsOnTime: 0,
  problems: 0,
  resolved: 0,
  open: 0,
});

const shanghaiDate = (iso: string) =>
  new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(0, 10);
const rate = (n: number, d: number) => (d > 0 ? Math.round((n / d) * 10_000) / 10_000 : null);

export interface QualityOptions {
  scope: (alias: string) => Expression<SqlBool>;
  reachLevel: 'province' | 'city' | 'county' | 'township';
  reachCode: string;
  deadline: string | null;
  deadlineYear: number | null;
  reviewWorkingDays: number;
  calendar: WorkingCalendar;
  names: (codes: string[]) => Promise<Map<string, string>>;
  today?: string;
}

export async function computeQuality(db: Db, o: QualityOptions) {
  const byCounty = new Map<string, Tally>();
  const tally = (county: string) => {
    let t = byCounty.get(county);
    if (!t) byCounty.set(county, (t = empty()));
    return t;
  };

  const records = await db
    .selectFrom('registry_records as r')
    .select([
      'r.county_code',
      (eb) => eb.fn.countAll<number>().as('n'),
      (eb) => eb.fn.sum<number>('r.materials_complete').as('complete'),
      (eb) =>
        eb.fn
          .sum<number>(
            eb
              .case()
              .when(
                eb.and([
                  eb('r.open_problems', '=', 0),
                  eb.or([eb('r.id_valid', '=', 1), eb('r.id_verified_at', 'is not', null)]),
                ]),
              )
              .then(1)
              .else(0)
              .end(),
          )
          .as('accurate'),
    ])
    .where(o.scope('r'))
    .where('r.status', '!=', 'discarded')
    .groupBy('r.county_code')
    .execute();
  for (const r of records) {
    const t = tally(r.county_code);
    t.records = Number(r.n);
    t.complete = Number(r.complete ?? 0);
    t.accurate = Number(r.accurate ?? 0);
  }

  const problems = await db
    .selectFrom('registry_problems as p')
    .select([
      'p.county_code',
      (eb) => eb.fn.countAll<number>().as('n'),
      (eb) =>
        eb.fn.sum<number>(eb.case().when('p.status', '=', 'open').then(1).else(0).end()).as('open'),
    ])
    .where(o.scope('p'))
    .groupBy('p.county_code')
    .execute();
  for (const p of problems) {
    const t = tally(p.county_code);
    t.problems = Number(p.n);
    t.open = Number(p.open ?? 0);
    t.resolved = t.problems - t.open;
  }

  const today = o.today ?? shanghaiDate(new Date().toISOString());
  if (o.deadline && o.deadlineYear) {
    // Registrations of the reporting year: reported by the deadline, or not (once it passed).
    const from = new Date(Date.UTC(o.deadlineYear, 0, 1) - 8 * 3600_000).toISOString();
    const until = new Date(Date.parse(`${o.deadline}T00:00:00Z`) + 16 * 3600_000).toISOString();
    const rows = await db
      .selectFrom('registry_requests as q')
      .select(['q.county_code', 'q.reported_at'])
      .where(o.scope('q'))
      .where('q.kind', '=', 'register')
      .where('q.status', '!=', 'withdrawn')
      .where('q.created_at', '>=', from)
      .where('q.created_at', '<', until)
      .execute();
    const passed = today > o.deadline;
    for (const r of rows) {
      const onTime = r.reported_at !== null && shanghaiDate(r.reported_at) <= o.deadline;
      if (!onTime && !passed) continue; // still in time
      const t = tally(r.county_code);
      t.reportDue += 1;
      if (onTime) t.reportOnTime += 1;
    }
  }

  // City review and province approval steps of the last year, against the working-day limit.
  const since = new Date(Date.parse(`${today}T00:00:00Z`) - 365 * 86_400_000).toISOString();
  const steps = await db
    .selectFrom('registry_requests as q')
    .select(['q.county_code', 'q.reported_at', 'q.passed_at', 'q.approved_at', 'q.status'])
    .where(o.scope('q'))
    .where('q.reported_at', '>=', since)
    .execute();
  const limit = o.reviewWorkingDays;
  const judge = (t: Tally, opened: string, closed: string | null) => {
    const start = shanghaiDate(opened);
    const due = o.calendar.addWorkingDays(start, limit);
    if (closed === null) {
      if (today <= due) return; // still within its time
      t.stepsDue += 1;
      return;
    }
    t.stepsDue += 1;
    if (shanghaiDate(closed) <= due) t.stepsOnTime += 1;
  };
  for (const s of steps) {
    const t = tally(s.county_code);
    if (s.reported_at && (s.passed_at || s.status === 'pending_review')) {
      judge(t, s.reported_at, s.passed_at);
    }
    if (s.passed_at && (s.approved_at || s.status === 'pending_approval')) {
      judge(t, s.passed_at, s.approved_at);
    }
  }

  // Roll counties up to cities and the province.
  const add = (a: Tally, b: Tally) => {
    for (const k of Object.keys(a) as (keyof Tally)[]) a[k] += b[k];
  };
  const cities = new Map<string, Tally>();
  const province = empty();
  for (const [county, t] of byCounty) {
    const city = `${county.slice(0, 4)}00`;
    if (!cities.has(city)) cities.set(city, empty());
    add(cities.get(city)!, t);
    add(province, t);
  }
  const provinceCode = `${o.reachCode.slice(0, 2)}0000`;
  const names = await o.names([provinceCode, ...cities.keys(), ...byCounty.keys()]);
  const row = (code: string, level: 'province' | 'city' | 'county', t: Tally) => ({
    code,
    name: names.get(code) ?? code,
    level,
    records: t.records,
    completeness: rate(t.complete, t.records),
    accuracy: rate(t.accurate, t.records),
    reportingTimeliness: rate(t.reportOnTime, t.reportDue),
    reviewTimeliness: rate(t.stepsOnTime, t.stepsDue),
    cleanupRate: rate(t.resolved, t.problems),
    openProblems: t.open,
  });
  const out: ReturnType<typeof row>[] = [];
  if (o.reachLevel === 'province') out.push(row(provinceCode, 'province', province));
  for (const city of [...cities.keys()].sort()) {
    if (o.reachLevel === 'province' || o.reachLevel === 'city') {
      out.push(row(city, 'city', cities.get(city)!));
    }
    for (const county of [...byCounty.keys()]
      .filter((c) => c.startsWith(city.slice(0, 4)))
      .sort()) {
      out.push(row(county, 'county', byCounty.get(county)!));
    }
  }
  return out;
}
