import type { Engine } from '../engine.ts';
import type { AnyDb, EngineMigration } from './index.ts';
import { sqlIn } from './sql-in.ts';

export const requestStatuses = [
  'prechecking',
  'provider_review',
  'authorized',
  'granted',
  'rejected',
  'refused',
  'disputed',
  'withdrawn',
] as const;

/**
 * Sharing requests, their steps with due dates, the append-only action log, grants, data
 * error reports (SHR-01 … SHR-10), the deadline policy, and in-console notifications.
 */
export const sharing: EngineMigration = (engine: Engine) => ({
  async up(db: AnyDb) {
    const autoId = (table: ReturnType<AnyDb['schema']['createTable']>) =>
      table.addColumn('id', engine === 'postgres' ? 'bigserial' : 'integer', (c) =>
        engine === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
      );

    await db.schema
      .createTable('sharing_policy')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('settings', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('updated_by', 'text')
      .execute();

    await db.schema
      .createTable('sharing_requests')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('number', 'text', (c) => c.notNull().unique())
      .addColumn('resource_id', 'text', (c) => c.notNull().references('catalog_resources.id'))
      .addColumn('resource_version', 'integer', (c) => c.notNull())
      .addColumn('sharing_type', 'text', (c) => c.notNull())
      .addColumn('provider_unit_id', 'text', (c) => c.notNull().references('units.id'))
      .addColumn('consumer_unit_id', 'text', (c) => c.notNull().references('units.id'))
      .addColumn('requester_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('status', 'text', (c) => c.notNull().check(sqlIn('status', requestStatuses)))
      /** The state a dispute returns to when it is resolved by sending it back. */
      .addColumn('status_before_dispute', 'text')
      .addColumn('fields', 'text', (c) => c.notNull())
      .addColumn('modes', 'text', (c) => c.notNull())
      .addColumn('purpose', 'text', (c) => c.notNull())
      .addColumn('legal_basis', 'text', (c) => c.notNull())
      .addColumn('period_start', 'text', (c) => c.notNull())
      .addColumn('period_end', 'text', (c) => c.notNull())
      .addColumn('contact_name', 'text', (c) => c.notNull())
      .addColumn('contact_phone', 'text', (c) => c.notNull())
      .addColumn('onward_requested', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('approved_fields', 'text')
      .addColumn('approved_period_end', 'text')
      .addColumn('onward_allowed', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    for (const [name, columns] of [
      ['sharing_requests_consumer', ['consumer_unit_id', 'status']],
      ['sharing_requests_provider', ['provider_unit_id', 'status']],
      ['sharing_requests_status', ['status', 'updated_at']],
    ] as const) {
      await db.schema
        .createIndex(name)
        .on('sharing_requests')
        .columns([...columns])
        .execute();
    }

    // An open step is work someone owes by a date; the supervision view reads only this table.
    await autoId(db.schema.createTable('sharing_steps'))
      .addColumn('request_id', 'text', (c) => c.notNull().references('sharing_requests.id'))
      .addColumn('error_report_id', 'text')
      .addColumn('kind', 'text', (c) =>
        c
          .notNull()
          .check(
            sqlIn('kind', ['precheck', 'provider_decision', 'delivery', 'dispute', 'error_answer']),
          ),
      )
      .addColumn('assignee_unit_id', 'text', (c) => c.notNull())
      /** Which permission acts on it in that unit (the queue it shows in). */
      .addColumn('assignee_permission', 'text', (c) => c.notNull())
      .addColumn('opened_at', 'text', (c) => c.notNull())
      .addColumn('due_on', 'text', (c) => c.notNull())
      .addColumn('working_days', 'integer', (c) => c.notNull())
      .addColumn('closed_at', 'text')
      .addColumn('closed_by', 'text')
      .addColumn('overdue_notified', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('due_soon_notified', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .createIndex('sharing_steps_open')
      .on('sharing_steps')
      .columns(['closed_at', 'due_on'])
      .execute();
    await db.schema
      .createIndex('sharing_steps_request')
      .on('sharing_steps')
      .columns(['request_id', 'id'])
      .execute();

    await autoId(db.schema.createTable('sharing_actions'))
      .addColumn('request_id', 'text', (c) => c.notNull().references('sharing_requests.id'))
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('from_status', 'text')
      .addColumn('to_status', 'text', (c) => c.notNull())
      .addColumn('actor_id', 'text', (c) => c.notNull())
      .addColumn('actor_name', 'text', (c) => c.notNull())
      .addColumn('actor_unit_id', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('note', 'text')
      .addColumn('detail', 'text')
      .execute();
    await db.schema
      .createIndex('sharing_actions_request')
      .on('sharing_actions')
      .columns(['request_id', 'id'])
      .execute();

    await db.schema
      .createTable('sharing_grants')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('request_id', 'text', (c) =>
        c.notNull().unique().references('sharing_requests.id'),
      )
      .addColumn('resource_id', 'text', (c) => c.notNull())
      .addColumn('provider_unit_id', 'text', (c) => c.notNull())
      .addColumn('consumer_unit_id', 'text', (c) => c.notNull())
      .addColumn('fields', 'text', (c) => c.notNull())
      .addColumn('modes', 'text', (c) => c.notNull())
      .addColumn('purpose', 'text', (c) => c.notNull())
      .addColumn('valid_from', 'text', (c) => c.notNull())
      .addColumn('valid_until', 'text', (c) => c.notNull())
      .addColumn('onward_allowed', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('status', 'text', (c) =>
        c.notNull().check(sqlIn('status', ['authorized', 'active', 'revoked'])),
      )
      .addColumn('authorized_at', 'text', (c) => c.notNull())
      .addColumn('delivered_at', 'text')
      .addColumn('revoked_at', 'text')
      .addColumn('revoked_by', 'text')
      .addColumn('revoke_reason', 'text')
      .execute();
    await db.schema
      .createIndex('sharing_grants_consumer')
      .on('sharing_grants')
      .columns(['consumer_unit_id', 'resource_id'])
      .execute();
    await db.schema
      .createIndex('sharing_grants_provider')
      .on('sharing_grants')
      .columns(['provider_unit_id'])
      .execute();

    await db.schema
      .createTable('sharing_error_reports')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('grant_id', 'text', (c) => c.notNull().references('sharing_grants.id'))
      .addColumn('request_id', 'text', (c) => c.notNull())
      .addColumn('reporter_id', 'text', (c) => c.notNull())
      .addColumn('reporter_unit_id', 'text', (c) => c.notNull())
      .addColumn('provider_unit_id', 'text', (c) => c.notNull())
      .addColumn('found_on', 'text', (c) => c.notNull())
      /** The last day the report was due (found_on + 1 working day). */
      .addColumn('report_due_on', 'text', (c) => c.notNull())
      .addColumn('reported_at', 'text', (c) => c.notNull())
      .addColumn('reported_late', 'integer', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('row_keys', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull().check(sqlIn('status', ['open', 'answered'])))
      .addColumn('answer', 'text')
      .addColumn('answered_at', 'text')
      .addColumn('answered_by', 'text')
      .execute();

    await autoId(db.schema.createTable('notifications'))
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('link', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('read_at', 'text')
      .execute();
    await db.schema
      .createIndex('notifications_user')
      .on('notifications')
      .columns(['user_id', 'read_at', 'id'])
      .execute();
  },
});
