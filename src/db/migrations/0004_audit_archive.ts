import { sql } from 'kysely';
import type { Engine } from '../engine.ts';
import type { AnyDb, EngineMigration } from './index.ts';

/**
 * Archiving of old audit entries (AUD-02): entries leave the live table only into signed
 * archive files, and only while an archive run holds a permit for their sequence numbers.
 */
export const auditArchive: EngineMigration = (engine: Engine) => ({
  async up(db: AnyDb) {
    await db.schema
      .createTable('audit_archives')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('from_seq', 'bigint', (c) => c.notNull())
      .addColumn('to_seq', 'bigint', (c) => c.notNull())
      .addColumn('entry_count', 'integer', (c) => c.notNull())
      .addColumn('first_prev_hash', 'text', (c) => c.notNull())
      .addColumn('last_hash', 'text', (c) => c.notNull())
      .addColumn('before_date', 'text', (c) => c.notNull())
      .addColumn('file_name', 'text', (c) => c.notNull())
      .addColumn('file_sha256', 'text', (c) => c.notNull())
      .addColumn('signature', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('audit_archive_permit')
      .addColumn('up_to_seq', 'bigint', (c) => c.notNull())
      .execute();

    if (engine === 'postgres') {
      await sql`
        create or replace function audit_entries_append_only() returns trigger language plpgsql as $$
        begin
          if tg_op = 'DELETE' and exists (select 1 from audit_archive_permit where up_to_seq >= old.seq) then
            return old;
          end if;
          raise exception 'audit entries are append-only';
        end $$`.execute(db);
    } else {
      await sql`drop trigger audit_entries_no_delete`.execute(db);
      await sql`
        create trigger audit_entries_no_delete before delete on audit_entries
        when not exists (select 1 from audit_archive_permit where up_to_seq >= old.seq)
        begin select raise(abort, 'audit entries are append-only'); end`.execute(db);
    }
  },
});
