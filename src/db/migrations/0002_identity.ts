import type { AnyDb, EngineMigration } from './index.ts';
import { sqlIn } from './sql-in.ts';

/**
 * Identity (IAM-01 … IAM-10): real-name person data on accounts (sealed, with a keyed digest
 * of the ID number for the one-person-one-account rule), password history and expiry,
 * lockout by user name, second factor, handovers, API tokens and the security policy.
 */
export const identity: EngineMigration = () => ({
  async up(db: AnyDb) {
    const userColumns: [string, 'text' | 'integer', boolean][] = [
      ['kind', 'text', true],
      ['office', 'text', false],
      ['citizen_id_digest', 'text', false],
      ['citizen_id_sealed', 'text', false],
      ['citizen_id_masked', 'text', false],
      ['phone_sealed', 'text', false],
      ['phone_masked', 'text', false],
      ['birth_date', 'text', false],
      ['password_changed_at', 'text', false],
      ['totp_secret_sealed', 'text', false],
      ['totp_pending_sealed', 'text', false],
      ['totp_enabled', 'integer', true],
      ['totp_last_step', 'integer', false],
      ['disabled_at', 'text', false],
      ['disabled_reason', 'text', false],
      ['created_by', 'text', false],
    ];
    for (const [name, type, required] of userColumns) {
      await db.schema
        .alterTable('users')
        .addColumn(name, type, (c) =>
          required ? c.notNull().defaultTo(type === 'integer' ? 0 : 'business') : c,
        )
        .execute();
    }
    await db.schema
      .createIndex('users_unit_person')
      .on('users')
      .columns(['unit_id', 'citizen_id_digest'])
      .execute();

    await db.schema
      .alterTable('sessions')
      .addColumn('restriction', 'text', (c) =>
        c.check(sqlIn('restriction', ['password_change', 'second_factor_setup'])),
      )
      .execute();
    await db.schema
      .alterTable('sessions')
      .addColumn('locked', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();

    await db.schema
      .createTable('password_history')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('password_hash', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('password_history_user')
      .on('password_history')
      .columns(['user_id', 'created_at'])
      .execute();

    // Keyed by the name typed, whether or not such an account exists, so that lockout
    // behaves the same for unknown names and leaks nothing.
    await db.schema
      .createTable('login_failures')
      .addColumn('username', 'text', (c) => c.primaryKey())
      .addColumn('failures', 'integer', (c) => c.notNull())
      .addColumn('locked_until', 'text')
      .addColumn('last_failure_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('security_policy')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('policy', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('updated_by', 'text')
      .execute();

    await db.schema
      .createTable('handovers')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('kind', 'text', (c) =>
        c.notNull().check(sqlIn('kind', ['post_change', 'departure'])),
      )
      .addColumn('handed_to_user_id', 'text', (c) => c.references('users.id'))
      .addColumn('items', 'text', (c) => c.notNull())
      .addColumn('witness_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('recorded_by', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('recorded_at', 'text', (c) => c.notNull())
      .addColumn('note', 'text')
      .execute();

    await db.schema
      .createTable('api_tokens')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('token_digest', 'text', (c) => c.notNull().unique())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('last_used_at', 'text')
      .addColumn('revoked_at', 'text')
      .execute();
    await db.schema.createIndex('api_tokens_user').on('api_tokens').column('user_id').execute();
  },
});
