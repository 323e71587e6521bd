/** SQL for divisions and units. Filters are applied in the query, never after loading rows. */
import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { DivisionTable, UnitTable } from '../../db/schema.ts';
import type { Tx } from '../../db/transaction.ts';
import { insertVersioned, updateVersioned, type ChangeMeta } from '../../db/versioned.ts';

type Executor = Db | Tx;

export async function listDivisions(db: Executor, parent: string | null, includeRetired: boolean) {
  let query = db
    .selectFrom('divisions as d')
    .select(['d.code', 'd.name', 'd.level', 'd.parent_code', 'd.status'])
    .select((eb) =>
      eb
        .exists(
          eb
            .selectFrom('divisions as c')
            .select('c.code')
            .whereRef('c.parent_code', '=', 'd.code')
            .$if(!includeRetired, (q) => q.where('c.status', '=', 'active')),
        )
        .as('has_children'),
    )
    .orderBy('d.code');
  query =
    parent === null
      ? query.where('d.parent_code', 'is', null)
      : query.where('d.parent_code', '=', parent);
  if (!includeRetired) query = query.where('d.status', '=', 'active');
  const rows = await query.execute();
  return rows.map((r) => ({ ...r, has_children: Boolean(r.has_children) }));
}

export function findDivision(db: Executor, code: string) {
  return db.selectFrom('divisions').selectAll().where('code', '=', code).executeTakeFirst();
}

export function allDivisions(db: Executor) {
  return db.selectFrom('divisions').selectAll().orderBy('code').execute();
}

export async function divisionStats(db: Executor) {
  const rows = await db
    .selectFrom('divisions')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('status')
    .execute();
  const of = (s: string) => Number(rows.find((r) => r.status === s)?.n ?? 0);
  return { total: of('active') + of('retired'), active: of('active'), retired: of('retired') };
}

export function divisionHistory(db: Executor, code: string) {
  return db
    .selectFrom('division_changes as c')
    .innerJoin('division_import_batches as b', 'b.id', 'c.batch_id')
    .select([
      'c.at',
      'c.change',
      'c.old_name',
      'c.new_name',
      'c.batch_id',
      'b.source_name',
      'b.note',
    ])
    .where('c.code', '=', code)
    .orderBy('c.id')
    .execute();
}

export async function insertDivisions(db: Executor, rows: DivisionTable[]) {
  // Chunked: SQLite caps bound parameters per statement.
  for (let i = 0; i < rows.length; i += 500) {
    await db
      .insertInto('divisions')
      .values(rows.slice(i, i + 500))
      .execute();
  }
}

export async function updateDivision(db: Executor, code: string, set: Partial<DivisionTable>) {
  await db.updateTable('divisions').set(set).where('code', '=', code).execute();
}

export async function insertDivisionChanges(
  db: Executor,
  rows: {
    batch_id: string;
    code: string;
    change: 'added' | 'renamed' | 'retired' | 'restored';
    old_name: string | null;
    new_name: string | null;
    at: string;
  }[],
) {
  for (let i = 0; i < rows.length; i += 500) {
    await db
      .insertInto('division_changes')
      .values(rows.slice(i, i + 500))
      .execute();
  }
}

/** Units whose division is in `codes` (used to report units left on retired codes). */
export function unitsOnDivisions(db: Executor, codes: string[]) {
  if (codes.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('units as u')
    .innerJoin('divisions as d', 'd.code', 'u.division_code')
    .select(['u.id', 'u.name', 'u.division_code', 'd.name as division_name'])
    .where('u.division_code', 'in', codes)
    .orderBy('u.division_code')
    .execute();
}

const unitColumns = [
  'u.id',
  'u.name',
  'u.credit_code',
  'u.division_code',
  'd.name as division_name',
  'u.parent_unit_id',
  'p.name as parent_unit_name',
  'u.type',
  'u.status',
  'u.version',
  'u.created_at',
  'u.updated_at',
] as const;

function unitsQuery(db: Executor) {
  return db
    .selectFrom('units as u')
    .innerJoin('divisions as d', 'd.code', 'u.division_code')
    .leftJoin('units as p', 'p.id', 'u.parent_unit_id')
    .select(unitColumns);
}

export type UnitRow = Awaited<ReturnType<typeof findUnit>> & object;

export function findUnit(db: Executor, id: string) {
  return unitsQuery(db).where('u.id', '=', id).executeTakeFirst();
}

export interface UnitFilter {
  q?: string | undefined;
  divisionPrefix?: string | undefined;
  type?: UnitTable['type'] | undefined;
  status?: UnitTable['status'] | undefined;
  after?: [string, string, string] | undefined;
  limit: number;
}

/** One page in (division code, name, id) order, the keyset of the cursor. */
export function listUnits(db: Executor, f: UnitFilter) {
  let query = unitsQuery(db);
  if (f.q) {
    const like = `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const q = f.q.toUpperCase();
    query = query.where((eb) =>
      eb.or([sql<boolean>`u.name like ${like} escape '\\'`, eb('u.credit_code', '=', q)]),
    );
  }
  if (f.divisionPrefix) query = query.where('u.division_code', 'like', `${f.divisionPrefix}%`);
  if (f.type) query = query.where('u.type', '=', f.type);
  if (f.status) query = query.where('u.status', '=', f.status);
  if (f.after) {
    const [code, name, id] = f.after;
    query = query.where((eb) =>
      eb(eb.refTuple('u.division_code', 'u.name', 'u.id'), '>', eb.tuple(code, name, id)),
    );
  }
  return query
    .orderBy('u.division_code')
    .orderBy('u.name')
    .orderBy('u.id')
    .limit(f.limit + 1)
    .execute();
}

export function findUnitByCreditCode(db: Executor, creditCode: string) {
  return db
    .selectFrom('units')
    .select(['id', 'name'])
    .where('credit_code', '=', creditCode)
    .executeTakeFirst();
}

export function findUnitByName(db: Executor, divisionCode: string, name: string) {
  return db
    .selectFrom('units')
    .select(['id'])
    .where('division_code', '=', divisionCode)
    .where('name', '=', name)
    .executeTakeFirst();
}

export function parentOf(db: Executor, id: string) {
  return db.selectFrom('units').select(['parent_unit_id']).where('id', '=', id).executeTakeFirst();
}

/** Units keep every version (AUD-04): they are written through the versioned data layer. */
export async function insertUnit(tx: Tx, unit: UnitTable & { version: 1 }, meta: ChangeMeta) {
  await insertVersioned(tx, 'units', unit, meta);
}

/** Updates only when the stored version is `version`; returns whether a row changed. */
export function updateUnit(
  tx: Tx,
  id: string,
  version: number,
  set: Partial<UnitTable>,
  meta: ChangeMeta,
) {
  return updateVersioned(tx, 'units', id, version, set, meta);
}

export async function countUnits(db: Executor) {
  const row = await db
    .selectFrom('units')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function unitStats(db: Executor) {
  const rows = await db
    .selectFrom('units')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('status')
    .execute();
  const active = Number(rows.find((r) => r.status === 'active')?.n ?? 0);
  return { total: rows.reduce((sum, r) => sum + Number(r.n), 0), active };
}
