/**
 * The data layer that keeps record history (AUD-04). Versioned records (units now; catalog
 * entries, registry records and resource rows later) are written only through these two
 * functions, which store every version with who changed what, when, why, how and under
 * which approval — in the same transaction, so no module can skip it.
 */
import type { Insertable, Updateable } from 'kysely';
import type { ChangeMethod, Database } from './schema.ts';
import type { Tx } from './transaction.ts';

/** Tables with `id` and an integer `version` column that keep history. */
export type VersionedTable = 'units' | 'registry_records';

export interface ChangeMeta {
  by: { id: string; name: string } | null;
  at: string;
  method: ChangeMethod;
  reason?: string | null;
  approvalRef?: string | null;
}

async function writeVersion(
  tx: Tx,
  table: VersionedTable,
  id: string,
  changedFields: string[],
  meta: ChangeMeta,
) {
  const row = await tx.selectFrom(table).selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  await tx
    .insertInto('record_versions')
    .values({
      entity_type: table,
      entity_id: id,
      version: row.version,
      data: JSON.stringify(row),
      changed_fields: JSON.stringify(changedFields),
      changed_by: meta.by?.id ?? null,
      changed_by_name: meta.by?.name ?? null,
      changed_at: meta.at,
      reason: meta.reason ?? null,
      approval_ref: meta.approvalRef ?? null,
      method: meta.method,
    })
    .execute();
}

/** Inserts version 1 of a record and its first history row. */
export async function insertVersioned<T extends VersionedTable>(
  tx: Tx,
  table: T,
  row: Insertable<Database[T]> & { id: string; version: 1 },
  meta: ChangeMeta,
): Promise<void> {
  await tx.insertInto(table).values(row).execute();
  await writeVersion(tx, table, row.id, Object.keys(row), meta);
}

/**
 * Updates a record if its stored version is still `version` (optimistic concurrency), and
 * stores the new version. Returns false when someone else changed it first.
 */
export async function updateVersioned<T extends VersionedTable>(
  tx: Tx,
  table: T,
  id: string,
  version: number,
  set: Updateable<Database[T]>,
  meta: ChangeMeta,
): Promise<boolean> {
  // Kysely cannot type one query over a union of tables; every versioned table has `id` and
  // `version`, which is all this statement names.
  const result = await tx
    .updateTable(table as 'units')
    .set({ ...(set as Updateable<Database['units']>), version: version + 1 })
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) return false;
  await writeVersion(
    tx,
    table,
    id,
    Object.keys(set).filter((k) => k !== 'updated_at'),
    meta,
  );
  return true;
}
