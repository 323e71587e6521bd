import type { Engine } from '../engine.ts';
import type { AnyDb, EngineMigration } from './index.ts';
import { sqlIn } from './sql-in.ts';

/**
 * Exchange subscriptions — webhooks and their delivery outbox (EXC-04).
 *
 * A subscription's cursor (`last_change_no`) and the outbox rows it produces are written in
 * one transaction; (subscription, change) is unique, so producing twice yields one
 * notification. Delivery state lives in the outbox row, with a lease so that several app
 * instances never deliver the same row at the same time.
 */
export const subscriptions: EngineMigration = (engine: Engine) => ({
  async up(db: AnyDb) {
    const bigint = engine === 'postgres' ? 'bigint' : 'integer';
    await db.schema
      .createTable('exchange_subscriptions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('grant_id', 'text', (c) => c.notNull().references('sharing_grants.id'))
      .addColumn('consumer_unit_id', 'text', (c) => c.notNull().references('units.id'))
      .addColumn('resource_id', 'text', (c) => c.notNull().references('catalog_resources.id'))
      .addColumn('url', 'text', (c) => c.notNull())
      .addColumn('secret', 'text', (c) => c.notNull())
      .addColumn('signature', 'text', (c) =>
        c.notNull().check(sqlIn('signature', ['hmac-sm3', 'hmac-sm3+sm2'])),
      )
      .addColumn('label', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) =>
        c.notNull().check(sqlIn('status', ['active', 'cancelled', 'ended'])),
      )
      .addColumn('last_change_no', bigint, (c) => c.notNull())
      .addColumn('start_change_no', bigint)
      .addColumn('start_snapshot', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('ended_at', 'text')
      .addColumn('ended_by', 'text')
      .addColumn('end_reason', 'text')
      .execute();
    await db.schema
      .createIndex('exchange_subscriptions_grant')
      .on('exchange_subscriptions')
      .columns(['grant_id', 'created_at'])
      .execute();
    await db.schema
      .createIndex('exchange_subscriptions_status')
      .on('exchange_subscriptions')
      .columns(['status', 'resource_id'])
      .execute();

    await db.schema
      .createTable('exchange_outbox')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('subscription_id', 'text', (c) =>
        c.notNull().references('exchange_subscriptions.id'),
      )
      .addColumn('change_no', bigint, (c) => c.notNull())
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('row_count', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) =>
        c.notNull().check(sqlIn('status', ['pending', 'delivered', 'failed'])),
      )
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('next_attempt_at', 'text', (c) => c.notNull())
      .addColumn('last_error', 'text')
      .addColumn('last_error_detail', 'text')
      .addColumn('last_status_code', 'integer')
      .addColumn('last_attempt_at', 'text')
      .addColumn('lease_until', 'text')
      .addColumn('leased_by', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('queued_at', 'text', (c) => c.notNull())
      .addColumn('delivered_at', 'text')
      .addUniqueConstraint('exchange_outbox_change', ['subscription_id', 'change_no'])
      .execute();
    // The dispatcher's claim reads due pending rows in time order.
    await db.schema
      .createIndex('exchange_outbox_due')
      .on('exchange_outbox')
      .columns(['status', 'next_attempt_at'])
      .execute();
    await db.schema
      .createIndex('exchange_outbox_subscription')
      .on('exchange_outbox')
      .columns(['subscription_id', 'status', 'change_no'])
      .execute();

    // Producing reads a resource's changes after a cursor, and the keys each change touched:
    // the versions it wrote (current or superseded since) and those it replaced or removed.
    await db.schema
      .createIndex('data_changes_resource')
      .on('data_changes')
      .columns(['resource_id', 'no'])
      .execute();
    await db.schema
      .createIndex('resource_row_history_change')
      .on('resource_row_history')
      .columns(['resource_no', 'change_no'])
      .execute();
    await db.schema
      .createIndex('resource_row_history_superseded')
      .on('resource_row_history')
      .columns(['resource_no', 'superseded_by'])
      .execute();
  },
});
