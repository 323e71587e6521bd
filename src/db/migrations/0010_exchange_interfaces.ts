import { sql } from 'kysely';
import type { Engine } from '../engine.ts';
import type { AnyDb, EngineMigration } from './index.ts';
import { sqlIn } from './sql-in.ts';

/**
 * Exchange interface registry (接口登记), grant masking and daily quotas, SM2 credentials and
 * usage statistics (EXC-02, EXC-05).
 *
 * Interfaces are never deleted, so a code and its sequence are never given to another
 * interface: a retired one stays as it was. Usage rows are added to in the background
 * (one upsert per day × grant × interface every few seconds), never per call.
 */
export const exchangeInterfaces: EngineMigration = (engine: Engine) => ({
  async up(db: AnyDb) {
    const bigint = engine === 'postgres' ? 'bigint' : 'integer';

    await db.schema
      .createTable('exchange_interfaces')
      .addColumn('code', 'text', (c) => c.primaryKey())
      .addColumn('resource_id', 'text', (c) => c.notNull().references('catalog_resources.id'))
      .addColumn('class', 'integer', (c) => c.notNull().check(sql`class in (1, 2, 3, 4, 9)`))
      .addColumn('builder', 'text', (c) =>
        c.notNull().check(sqlIn('builder', ['provider', 'platform'])),
      )
      .addColumn('builder_unit_id', 'text', (c) => c.references('units.id'))
      .addColumn('sequence', 'integer', (c) => c.notNull().check(sql`sequence between 1 and 999`))
      .addColumn('mode', 'text')
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('method', 'text')
      .addColumn('path', 'text')
      .addColumn('parameters', 'text', (c) => c.notNull())
      .addColumn('example', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('status', 'text', (c) => c.notNull().check(sqlIn('status', ['active', 'retired'])))
      .addColumn('automatic', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('registered_by', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('retired_at', 'text')
      .addUniqueConstraint('exchange_interfaces_sequence', ['resource_id', 'class', 'sequence'])
      .execute();
    await db.schema
      .createIndex('exchange_interfaces_resource')
      .on('exchange_interfaces')
      .columns(['resource_id', 'status'])
      .execute();

    // What the provider decided for a grant: masking per data item (脱敏) and a daily call quota.
    await db.schema.alterTable('sharing_grants').addColumn('masking', 'text').execute();
    await db.schema.alterTable('sharing_grants').addColumn('daily_quota', 'integer').execute();

    // A credential signs with its secret (HMAC-SM3) or with the consumer's SM2 key pair, whose
    // public key the platform keeps (the secret column is then empty).
    await db.schema
      .alterTable('exchange_credentials')
      .addColumn('algorithm', 'text', (c) =>
        c
          .notNull()
          .defaultTo('hmac-sm3')
          .check(sqlIn('algorithm', ['hmac-sm3', 'sm2'])),
      )
      .execute();
    await db.schema.alterTable('exchange_credentials').addColumn('public_key', 'text').execute();

    const usage = db.schema
      .createTable('exchange_usage')
      .addColumn('day', 'text', (c) => c.notNull())
      .addColumn('grant_id', 'text', (c) => c.notNull().references('sharing_grants.id'))
      .addColumn('interface_code', 'text', (c) => c.notNull())
      .addColumn('resource_id', 'text', (c) => c.notNull())
      .addColumn('consumer_unit_id', 'text', (c) => c.notNull())
      .addColumn('provider_unit_id', 'text', (c) => c.notNull())
      .addColumn('mode', 'text', (c) => c.notNull());
    let withCounts = usage;
    for (const column of [
      'calls',
      'rows',
      'errors',
      'limited',
      'latency_ms_total',
      'latency_le_5',
      'latency_le_10',
      'latency_le_25',
      'latency_le_50',
      'latency_le_100',
      'latency_le_250',
      'latency_le_1000',
      'latency_gt_1000',
    ]) {
      withCounts = withCounts.addColumn(column, bigint, (c) => c.notNull().defaultTo(0));
    }
    await withCounts
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('exchange_usage_pk', ['day', 'grant_id', 'interface_code'])
      .execute();
    for (const [name, column] of [
      ['exchange_usage_provider', 'provider_unit_id'],
      ['exchange_usage_consumer', 'consumer_unit_id'],
      ['exchange_usage_resource', 'resource_id'],
    ] as const) {
      await db.schema.createIndex(name).on('exchange_usage').columns([column, 'day']).execute();
    }
  },
});
