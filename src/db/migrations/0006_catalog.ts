import { sql } from 'kysely';
import type { Engine } from '../engine.ts';
import type { AnyDb, EngineMigration } from './index.ts';
import { sqlIn } from './sql-in.ts';

const versionStatuses = [
  'draft',
  'submitted',
  'returned',
  'reviewed',
  'published',
  'superseded',
  'retired',
  'withdrawn',
];

/**
 * The data resource catalog (CAT-01 … CAT-09) and the resource data store (COL-02).
 *
 * A resource keeps its code for life; each edit cycle is a version whose content is JSON (the
 * elements change more often than a schema should); the searchable and facet columns of the
 * live published version are copied out beside it. Workflow actions are append-only.
 *
 * Rows of structured resources live in one table keyed by (resource, key) with the data as
 * JSON and a content hash (see docs/decisions/0004-resource-data-store.md).
 */
export const catalog: EngineMigration = (engine: Engine) => ({
  async up(db: AnyDb) {
    const autoIdNamed = (table: ReturnType<AnyDb['schema']['createTable']>, name: string) =>
      table.addColumn(name, engine === 'postgres' ? 'bigserial' : 'integer', (c) =>
        engine === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
      );
    const autoId = (table: ReturnType<AnyDb['schema']['createTable']>) => autoIdNamed(table, 'id');

    await db.schema
      .createTable('catalog_code_counters')
      .addColumn('classification_code', 'text', (c) => c.primaryKey())
      .addColumn('next_sequence', 'integer', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('catalog_resources')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('code', 'text', (c) => c.notNull().unique())
      // A small number naming the resource in the row store (keys stay short).
      .addColumn('no', 'integer', (c) => c.notNull().unique())
      .addColumn('provider_unit_id', 'text', (c) => c.notNull().references('units.id'))
      .addColumn('status', 'text', (c) => c.notNull().check(sqlIn('status', versionStatuses)))
      .addColumn('working_version', 'integer', (c) => c.notNull())
      .addColumn('published_version', 'integer')
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('maintained_at', 'text')
      .addColumn('created_by', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('row_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('data_updated_at', 'text')
      .execute();
    await db.schema
      .createIndex('catalog_resources_provider')
      .on('catalog_resources')
      .columns(['provider_unit_id', 'status'])
      .execute();

    let versions = db.schema
      .createTable('catalog_versions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('resource_id', 'text', (c) => c.notNull().references('catalog_resources.id'))
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull().check(sqlIn('status', versionStatuses)))
      .addColumn('content', 'text', (c) => c.notNull())
      .addColumn('live', 'integer', (c) => c.notNull().defaultTo(0))
      // The version's row in the SQLite full-text index (a stable integer, unlike rowid).
      .addColumn('search_no', 'integer', (c) => c.notNull().unique())
      // Copies of content elements for search, facets and listing.
      .addColumn('code', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('provider_unit_id', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('classification_code', 'text')
      .addColumn('sharing_type', 'text')
      .addColumn('open_type', 'text')
      .addColumn('format_type', 'text')
      .addColumn('tokens', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('field_tokens', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('published_at', 'text')
      .addUniqueConstraint('catalog_versions_resource_version', ['resource_id', 'version']);
    if (engine === 'postgres') {
      versions = versions
        .addColumn('search_vector', sql`tsvector`, (c) =>
          c.generatedAlwaysAs(sql`to_tsvector('simple', tokens || ' ' || field_tokens)`).stored(),
        )
        .addColumn('field_vector', sql`tsvector`, (c) =>
          c.generatedAlwaysAs(sql`to_tsvector('simple', field_tokens)`).stored(),
        );
    }
    await versions.execute();
    // These two cover search: page ordering and facet counts (grouped in index order) read
    // only the indexes, never the wide rows whose JSON content would be read for every entry.
    await db.schema
      .createIndex('catalog_versions_live')
      .on('catalog_versions')
      .columns(['live', 'published_at', 'id', 'name', 'search_no'])
      .execute();
    await db.schema
      .createIndex('catalog_versions_facets')
      .on('catalog_versions')
      .columns([
        'live',
        'provider_unit_id',
        'sharing_type',
        'open_type',
        'kind',
        'classification_code',
        'search_no',
      ])
      .execute();
    if (engine === 'postgres') {
      await sql`create index catalog_versions_search on catalog_versions using gin (search_vector) where live = 1`.execute(
        db,
      );
      await sql`create index catalog_versions_fields on catalog_versions using gin (field_vector) where live = 1`.execute(
        db,
      );
    } else {
      // Holds the tokens of live versions only; rowid = catalog_versions.search_no.
      await sql`create virtual table catalog_search using fts5(tokens, field_tokens, tokenize = 'unicode61')`.execute(
        db,
      );
    }

    await autoId(db.schema.createTable('catalog_actions'))
      .addColumn('resource_id', 'text', (c) => c.notNull().references('catalog_resources.id'))
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('from_status', 'text')
      .addColumn('to_status', 'text', (c) => c.notNull())
      .addColumn('actor_id', 'text', (c) => c.notNull())
      .addColumn('actor_name', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('note', 'text')
      .execute();
    await db.schema
      .createIndex('catalog_actions_resource')
      .on('catalog_actions')
      .columns(['resource_id', 'id'])
      .execute();

    await db.schema
      .createTable('catalog_projects')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('unit_id', 'text', (c) => c.notNull().references('units.id'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('project_code', 'text')
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('items', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) =>
        c.notNull().check(sqlIn('status', ['registered', 'approved', 'rejected'])),
      )
      .addColumn('created_by', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('decided_by', 'text', (c) => c.references('users.id'))
      .addColumn('decided_at', 'text')
      .addColumn('decision_note', 'text')
      .execute();

    // Who wrote a set of rows, when and how: one row per import or form edit, so that each data
    // row carries only a small change number (the store stays compact and fast to load).
    await autoIdNamed(db.schema.createTable('data_changes'), 'no')
      .addColumn('resource_id', 'text', (c) => c.notNull().references('catalog_resources.id'))
      .addColumn('method', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('by_id', 'text')
      .addColumn('by_name', 'text')
      .addColumn('import_id', 'text')
      .addColumn('reason', 'text')
      .execute();

    await db.schema
      .createTable('resource_rows')
      .addColumn('resource_no', 'integer', (c) => c.notNull())
      .addColumn('row_key', 'text', (c) => c.notNull())
      .addColumn('data', 'text', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('change_no', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('resource_rows_pk', ['resource_no', 'row_key'])
      .execute();

    await autoId(db.schema.createTable('resource_row_history'))
      .addColumn('resource_no', 'integer', (c) => c.notNull())
      .addColumn('row_key', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('data', 'text', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .addColumn('change_no', 'integer', (c) => c.notNull())
      .addColumn('superseded_by', 'integer', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('resource_row_history_key')
      .on('resource_row_history')
      .columns(['resource_no', 'row_key', 'version'])
      .execute();

    await db.schema
      .createTable('data_imports')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('resource_id', 'text', (c) => c.notNull().references('catalog_resources.id'))
      .addColumn('unit_id', 'text', (c) => c.notNull())
      .addColumn('file_name', 'text', (c) => c.notNull())
      .addColumn('format', 'text', (c) => c.notNull())
      .addColumn('byte_size', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) =>
        c.notNull().check(sqlIn('status', ['running', 'applied', 'rejected', 'failed'])),
      )
      .addColumn('total_rows', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('added', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('updated', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('unchanged', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('error_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('errors', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('message', 'text')
      .addColumn('created_by', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('created_by_name', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('finished_at', 'text')
      .execute();
    await db.schema
      .createIndex('data_imports_resource')
      .on('data_imports')
      .columns(['resource_id', 'created_at'])
      .execute();
  },
});
