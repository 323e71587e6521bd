import type { Engine } from '../engine.ts';
import type { AnyDb, EngineMigration } from './index.ts';
import { sqlIn } from './sql-in.ts';

/**
 * Front-end processors (前置机, EXC-06) and reconciliation (对账, COL-07).
 *
 * A node is a provider unit's processor with a sealed signing secret; a mapping says which
 * node serves a resource and whether it publishes rows or holds them. A publication stages
 * its validated rows until the node commits it, then applies them in one transaction and
 * keeps the source's and the platform's counts and checksums. Batch copies delivered to
 * consumers and the consumers' receipts are kept for the daily reconciliation report.
 */
export const frontend: EngineMigration = (_engine: Engine) => ({
  async up(db: AnyDb) {
    await db.schema
      .createTable('frontend_nodes')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('unit_id', 'text', (c) => c.notNull().references('units.id'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('secret', 'text', (c) => c.notNull())
      .addColumn('callback_url', 'text')
      .addColumn('status', 'text', (c) => c.notNull().check(sqlIn('status', ['active', 'revoked'])))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('revoked_at', 'text')
      .addColumn('revoked_by', 'text')
      .addColumn('last_seen_at', 'text')
      .execute();
    await db.schema
      .createIndex('frontend_nodes_unit')
      .on('frontend_nodes')
      .column('unit_id')
      .execute();

    await db.schema
      .createTable('frontend_mappings')
      .addColumn('resource_id', 'text', (c) => c.primaryKey().references('catalog_resources.id'))
      .addColumn('node_id', 'text', (c) => c.notNull().references('frontend_nodes.id'))
      .addColumn('mode', 'text', (c) => c.notNull().check(sqlIn('mode', ['publish', 'hold'])))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('frontend_mappings_node')
      .on('frontend_mappings')
      .column('node_id')
      .execute();

    await db.schema
      .createTable('frontend_publications')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('node_id', 'text', (c) => c.notNull().references('frontend_nodes.id'))
      .addColumn('resource_id', 'text', (c) => c.notNull().references('catalog_resources.id'))
      .addColumn('unit_id', 'text', (c) => c.notNull().references('units.id'))
      .addColumn('kind', 'text', (c) => c.notNull().check(sqlIn('kind', ['snapshot', 'delta'])))
      .addColumn('status', 'text', (c) =>
        c.notNull().check(sqlIn('status', ['open', 'applied', 'rejected'])),
      )
      .addColumn('catalog_version', 'integer', (c) => c.notNull())
      .addColumn('started_at', 'text', (c) => c.notNull())
      .addColumn('finished_at', 'text')
      .addColumn('chunk_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('staged_rows', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('staged_deletes', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('added', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('updated', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('unchanged', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('deleted', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('change_no', 'integer')
      .addColumn('source_row_count', 'integer')
      .addColumn('source_checksum', 'text')
      .addColumn('platform_row_count', 'integer')
      .addColumn('platform_checksum', 'text')
      .addColumn('error_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('errors', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('message', 'text')
      .execute();
    await db.schema
      .createIndex('frontend_publications_resource')
      .on('frontend_publications')
      .columns(['resource_id', 'started_at'])
      .execute();
    await db.schema
      .createIndex('frontend_publications_unit')
      .on('frontend_publications')
      .columns(['unit_id', 'started_at'])
      .execute();
    await db.schema
      .createIndex('frontend_publications_node')
      .on('frontend_publications')
      .columns(['node_id', 'started_at'])
      .execute();

    await db.schema
      .createTable('frontend_publication_chunks')
      .addColumn('publication_id', 'text', (c) =>
        c.notNull().references('frontend_publications.id'),
      )
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('rows', 'integer', (c) => c.notNull())
      .addColumn('deletes', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('frontend_publication_chunks_pk', ['publication_id', 'seq'])
      .execute();

    // The primary key refuses a key sent twice in one publication.
    await db.schema
      .createTable('frontend_staged_rows')
      .addColumn('publication_id', 'text', (c) =>
        c.notNull().references('frontend_publications.id'),
      )
      .addColumn('row_key', 'text', (c) => c.notNull())
      .addColumn('data', 'text')
      .addColumn('chunk_seq', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('frontend_staged_rows_pk', ['publication_id', 'row_key'])
      .execute();

    await db.schema
      .createTable('reconciliation_batches')
      .addColumn('batch_id', 'text', (c) => c.primaryKey())
      .addColumn('grant_id', 'text', (c) => c.notNull().references('sharing_grants.id'))
      .addColumn('resource_id', 'text', (c) => c.notNull().references('catalog_resources.id'))
      .addColumn('provider_unit_id', 'text', (c) => c.notNull().references('units.id'))
      .addColumn('consumer_unit_id', 'text', (c) => c.notNull().references('units.id'))
      .addColumn('mode', 'text', (c) => c.notNull())
      .addColumn('format', 'text', (c) => c.notNull())
      .addColumn('row_count', 'integer', (c) => c.notNull())
      .addColumn('checksum', 'text', (c) => c.notNull())
      .addColumn('from_change', 'integer')
      .addColumn('to_change', 'integer')
      .addColumn('complete', 'integer', (c) => c.notNull())
      .addColumn('delivered_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('reconciliation_batches_consumer')
      .on('reconciliation_batches')
      .columns(['consumer_unit_id', 'delivered_at'])
      .execute();
    await db.schema
      .createIndex('reconciliation_batches_provider')
      .on('reconciliation_batches')
      .columns(['provider_unit_id', 'delivered_at'])
      .execute();

    await db.schema
      .createTable('reconciliation_receipts')
      .addColumn('batch_id', 'text', (c) =>
        c.primaryKey().references('reconciliation_batches.batch_id'),
      )
      .addColumn('credential_id', 'text', (c) => c.notNull())
      .addColumn('consumer_unit_id', 'text', (c) => c.notNull().references('units.id'))
      .addColumn('row_count', 'integer', (c) => c.notNull())
      .addColumn('checksum', 'text', (c) => c.notNull())
      .addColumn('received_at', 'text', (c) => c.notNull())
      .addColumn('note', 'text')
      .execute();

    await db.schema
      .createTable('reconciliation_reports')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('report_date', 'text', (c) => c.notNull())
      .addColumn('unit_id', 'text', (c) => c.notNull().references('units.id'))
      .addColumn('generated_at', 'text', (c) => c.notNull())
      .addColumn('difference_count', 'integer', (c) => c.notNull())
      .addColumn('content', 'text', (c) => c.notNull())
      .addUniqueConstraint('reconciliation_reports_day_unit', ['report_date', 'unit_id'])
      .execute();
  },
});
