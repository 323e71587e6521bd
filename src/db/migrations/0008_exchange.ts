import type { Engine } from '../engine.ts';
import type { AnyDb, EngineMigration } from './index.ts';
import { sqlIn } from './sql-in.ts';

/**
 * Exchange credentials (EXC-05) and the index incremental batch copies (EXC-03) read.
 *
 * Credentials: issued to a consumer unit for one grant, the secret sealed
 * with the master key and shown once; several may be active at once so a client can rotate
 * without downtime.
 */
export const exchange: EngineMigration = (_engine: Engine) => ({
  async up(db: AnyDb) {
    await db.schema
      .createTable('exchange_credentials')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('grant_id', 'text', (c) => c.notNull().references('sharing_grants.id'))
      .addColumn('consumer_unit_id', 'text', (c) => c.notNull().references('units.id'))
      .addColumn('secret', 'text', (c) => c.notNull())
      .addColumn('label', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull().check(sqlIn('status', ['active', 'revoked'])))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('revoked_at', 'text')
      .addColumn('revoked_by', 'text')
      .execute();
    // Incremental batch copies read the rows changed since a change number.
    await db.schema
      .createIndex('resource_rows_change')
      .on('resource_rows')
      .columns(['resource_no', 'change_no'])
      .execute();
    await db.schema
      .createIndex('exchange_credentials_grant')
      .on('exchange_credentials')
      .columns(['grant_id'])
      .execute();
  },
});
