import { sql } from 'kysely';
import type { Engine } from '../engine.ts';
import type { AnyDb, EngineMigration } from './index.ts';
import { sqlIn } from './sql-in.ts';

/**
 * The audit trail (AUD-01, AUD-02): append-only entries, each hash-chained to the one
 * before. The database itself refuses UPDATE and DELETE on entries.
 */
export const audit: EngineMigration = (engine: Engine) => ({
  async up(db: AnyDb) {
    await db.schema
      .createTable('audit_entries')
      .addColumn('seq', engine === 'postgres' ? 'bigint' : 'integer', (c) => c.primaryKey())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('actor_id', 'text')
      .addColumn('actor_name', 'text')
      .addColumn('actor_unit_id', 'text')
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('result', 'text', (c) =>
        c.notNull().check(sqlIn('result', ['success', 'failure', 'denied'])),
      )
      .addColumn('target_type', 'text')
      .addColumn('target_id', 'text')
      .addColumn('target_unit_id', 'text')
      .addColumn('fields', 'text')
      .addColumn('record_count', 'integer')
      .addColumn('grant_id', 'text')
      .addColumn('purpose', 'text')
      .addColumn('client_ip', 'text')
      .addColumn('request_id', 'text')
      .addColumn('detail', 'text')
      .addColumn('prev_hash', 'text', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .execute();
    for (const [name, columns] of [
      ['audit_actor', ['actor_id', 'seq']],
      ['audit_target', ['target_type', 'target_id', 'seq']],
      ['audit_action', ['action', 'seq']],
      ['audit_at', ['at']],
      ['audit_actor_unit', ['actor_unit_id', 'seq']],
      ['audit_target_unit', ['target_unit_id', 'seq']],
    ] as const) {
      await db.schema
        .createIndex(name)
        .on('audit_entries')
        .columns([...columns])
        .execute();
    }
    // The chain head: one row, locked by each append so that app instances sharing one
    // PostgreSQL keep a single consistent chain.
    await db.schema
      .createTable('audit_chain_head')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('seq', 'bigint', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .execute();
    await db
      .insertInto('audit_chain_head')
      .values({ id: 1, seq: 0, hash: '0'.repeat(64) })
      .execute();

    if (engine === 'postgres') {
      await sql`
        create function audit_entries_append_only() returns trigger language plpgsql as $$
        begin
          raise exception 'audit entries are append-only';
        end $$`.execute(db);
      await sql`
        create trigger audit_entries_no_change before update or delete on audit_entries
        for each row execute function audit_entries_append_only()`.execute(db);
    } else {
      await sql`
        create trigger audit_entries_no_update before update on audit_entries
        begin select raise(abort, 'audit entries are append-only'); end`.execute(db);
      await sql`
        create trigger audit_entries_no_delete before delete on audit_entries
        begin select raise(abort, 'audit entries are append-only'); end`.execute(db);
    }
  },
});
