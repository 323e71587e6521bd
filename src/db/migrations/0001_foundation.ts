import type { Engine } from '../engine.ts';
import type { AnyDb, EngineMigration } from './index.ts';
import { sqlIn } from './sql-in.ts';

export const foundation: EngineMigration = (engine: Engine) => ({
  async up(db: AnyDb) {
    await db.schema
      .createTable('divisions')
      .addColumn('code', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('level', 'text', (c) =>
        c.notNull().check(sqlIn('level', ['province', 'city', 'county', 'township', 'village'])),
      )
      .addColumn('parent_code', 'text')
      .addColumn('status', 'text', (c) => c.notNull().check(sqlIn('status', ['active', 'retired'])))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('divisions_parent').on('divisions').column('parent_code').execute();

    await db.schema
      .createTable('division_import_batches')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('source_name', 'text', (c) => c.notNull())
      .addColumn('imported_at', 'text', (c) => c.notNull())
      .addColumn('imported_by', 'text')
      .addColumn('row_count', 'integer', (c) => c.notNull())
      .addColumn('added', 'integer', (c) => c.notNull())
      .addColumn('renamed', 'integer', (c) => c.notNull())
      .addColumn('retired', 'integer', (c) => c.notNull())
      .addColumn('note', 'text')
      .execute();

    await db.schema
      .createTable('division_changes')
      .addColumn('id', engine === 'postgres' ? 'bigserial' : 'integer', (c) =>
        engine === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
      )
      .addColumn('batch_id', 'text', (c) => c.notNull().references('division_import_batches.id'))
      .addColumn('code', 'text', (c) => c.notNull())
      .addColumn('change', 'text', (c) =>
        c.notNull().check(sqlIn('change', ['added', 'renamed', 'retired', 'restored'])),
      )
      .addColumn('old_name', 'text')
      .addColumn('new_name', 'text')
      .addColumn('at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('division_changes_code')
      .on('division_changes')
      .column('code')
      .execute();

    await db.schema
      .createTable('units')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('credit_code', 'text', (c) => c.unique())
      .addColumn('division_code', 'text', (c) => c.notNull().references('divisions.code'))
      .addColumn('parent_unit_id', 'text', (c) => c.references('units.id'))
      .addColumn('type', 'text', (c) =>
        c.notNull().check(sqlIn('type', ['agency', 'institution', 'enterprise', 'other'])),
      )
      .addColumn('status', 'text', (c) =>
        c.notNull().check(sqlIn('status', ['active', 'inactive'])),
      )
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('units_division_name')
      .on('units')
      .columns(['division_code', 'name', 'id'])
      .execute();
    // Two units in one division may not share a name (CHECK of the organisation register).
    await db.schema
      .createIndex('units_division_name_unique')
      .on('units')
      .columns(['division_code', 'name'])
      .unique()
      .execute();

    await db.schema
      .createTable('users')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('username', 'text', (c) => c.notNull().unique())
      .addColumn('display_name', 'text', (c) => c.notNull())
      .addColumn('unit_id', 'text', (c) => c.notNull().references('units.id'))
      .addColumn('password_hash', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) =>
        c.notNull().check(sqlIn('status', ['active', 'disabled'])),
      )
      .addColumn('must_change_password', 'integer', (c) => c.notNull())
      .addColumn('failed_logins', 'integer', (c) => c.notNull())
      .addColumn('last_login_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('user_roles')
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('role', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('user_roles_pk', ['user_id', 'role'])
      .execute();

    await db.schema
      .createTable('sessions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('csrf_token', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('last_seen_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('client_ip', 'text')
      .addColumn('user_agent', 'text')
      .execute();
    await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();

    await db.schema
      .createTable('calendar_overrides')
      .addColumn('date', 'text', (c) => c.primaryKey())
      .addColumn('kind', 'text', (c) => c.notNull().check(sqlIn('kind', ['holiday', 'workday'])))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('notice', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text')
      .execute();

    await db.schema
      .createTable('secrets')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('ciphertext', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
  },
});
