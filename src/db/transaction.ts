/**
 * The transaction helper: every multi-row change runs inside one, so a failure leaves
 * nothing half-applied. Services receive a `Tx` (a `Kysely<Database>` bound to the
 * transaction) and pass it down to repositories.
 */
import type { Transaction } from 'kysely';
import type { Db } from './database.ts';
import type { Database } from './schema.ts';

export type Tx = Transaction<Database>;

/** Runs `work` in a transaction: committed when it resolves, rolled back when it throws. */
export function withTransaction<T>(db: Db, work: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction().execute(work);
}
