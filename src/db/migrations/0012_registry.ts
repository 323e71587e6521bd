import { sql } from 'kysely';
import type { Engine } from '../engine.ts';
import type { AnyDb, EngineMigration } from './index.ts';
import { sqlIn } from './sql-in.ts';

const recordStatuses = ['draft', 'approved', 'suspended', 'cancelled', 'discarded'];
const requestKinds = ['register', 'change', 'transfer', 'suspend', 'resume', 'cancel'];
const requestStatuses = [
  'draft',
  'pending_check',
  'pending_review',
  'pending_approval',
  'returned',
  'approved',
  'withdrawn',
];

/**
 * Veterans' benefit registry (优抚对象) (REG-01…13): records (versioned through
 * record_versions), the requests that enter and change them with their append-only action log,
 * attachments, problem data, certificate numbers (never reused), the province lock and settings.
 */
export const registry: EngineMigration = (engine: Engine) => ({
  async up(db: AnyDb) {
    const autoId = (table: ReturnType<AnyDb['schema']['createTable']>) =>
      table.addColumn('id', engine === 'postgres' ? 'bigserial' : 'integer', (c) =>
        engine === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
      );
    const index = async (name: string, table: string, columns: string[], unique = false) => {
      let b = db.schema.createIndex(name).on(table).columns(columns);
      if (unique) b = b.unique();
      await b.execute();
    };

    await db.schema
      .createTable('registry_categories')
      .addColumn('code', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('certificate_name', 'text', (c) => c.notNull())
      .addColumn('required_benefit', 'text', (c) => c.notNull())
      .addColumn('forbidden_benefit', 'text', (c) => c.notNull())
      .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('sort', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('updated_by', 'text')
      .execute();

    // The usual categories (configurable data: the province adds, renames or retires them).
    const surviving = ['deceasedName', 'relation'];
    const disability = ['disabilityGrade', 'disabilityNature'];
    const service = ['serviceStart', 'serviceEnd'];
    const categories: [string, string, string, string[], string[]][] = [
      ['11', '伤残军人', '残疾军人证', disability, surviving],
      ['12', '烈士遗属', '烈士遗属证', surviving, disability],
      ['13', '因公牺牲军人遗属', '因公牺牲军人遗属证', surviving, disability],
      ['14', '病故军人遗属', '病故军人遗属证', surviving, disability],
      ['21', '在乡复员军人', '在乡复员军人证', service, [...surviving, ...disability]],
      ['22', '带病回乡退伍军人', '带病回乡退伍军人证', service, [...surviving, ...disability]],
      ['23', '参战参试退役人员', '参战参试退役人员证', service, surviving],
    ];
    const seededAt = new Date().toISOString();
    await db
      .insertInto('registry_categories')
      .values(
        categories.map(([code, name, certificate, required, forbidden], i) => ({
          code,
          name,
          certificate_name: certificate,
          required_benefit: JSON.stringify(required),
          forbidden_benefit: JSON.stringify(forbidden),
          active: 1,
          sort: i + 1,
          updated_at: seededAt,
          updated_by: null,
        })),
      )
      .execute();

    await db.schema
      .createTable('registry_settings')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('updated_by', 'text')
      .addColumn('updated_by_name', 'text')
      .execute();

    await db.schema
      .createTable('registry_lock')
      .addColumn('id', 'integer', (c) => c.primaryKey().check(sql`id = 1`))
      .addColumn('locked', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('locked_by', 'text')
      .addColumn('locked_by_name', 'text')
      .addColumn('locked_at', 'text')
      .addColumn('reason', 'text')
      .execute();
    await db.insertInto('registry_lock').values({ id: 1, locked: 0 }).execute();

    await db.schema
      .createTable('registry_counters')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('next_value', 'integer', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('registry_records')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('record_no', 'text', (c) => c.notNull().unique())
      .addColumn('status', 'text', (c) => c.notNull().check(sqlIn('status', recordStatuses)))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('id_number', 'text', (c) => c.notNull())
      .addColumn('id_number_key', 'text')
      .addColumn('id_valid', 'integer', (c) => c.notNull())
      .addColumn('id_problem', 'text')
      .addColumn('id_verified_by', 'text')
      .addColumn('id_verified_note', 'text')
      .addColumn('id_verified_by_user', 'text')
      .addColumn('id_verified_by_user_name', 'text')
      .addColumn('id_verified_at', 'text')
      .addColumn('sex', 'text')
      .addColumn('birth_date', 'text')
      .addColumn('ethnicity', 'text')
      .addColumn('division_code', 'text', (c) => c.notNull())
      .addColumn('province_code', 'text', (c) => c.notNull())
      .addColumn('city_code', 'text', (c) => c.notNull())
      .addColumn('county_code', 'text', (c) => c.notNull())
      .addColumn('address', 'text')
      .addColumn('phone', 'text')
      .addColumn('category_code', 'text', (c) => c.notNull().references('registry_categories.code'))
      .addColumn('benefit', 'text', (c) => c.notNull())
      .addColumn('person_key', 'text', (c) => c.notNull())
      .addColumn('certificate_no', 'text')
      .addColumn('certificate_issued_at', 'text')
      .addColumn('materials_complete', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('open_problems', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('open_request_id', 'text')
      .addColumn('open_request_kind', 'text')
      .addColumn('open_request_status', 'text')
      .addColumn('historical', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('unit_id', 'text', (c) => c.notNull().references('units.id'))
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('approved_at', 'text')
      .execute();
    // The same ID number anywhere in the province is a hard stop (the database enforces it too).
    await index('registry_records_id_number', 'registry_records', ['id_number_key'], true);
    await index('registry_records_certificate', 'registry_records', ['certificate_no'], true);
    // Keyset pages (newest first) within a scope, optionally one status or category.
    await index('registry_records_province', 'registry_records', ['province_code', 'id']);
    await index('registry_records_city', 'registry_records', ['city_code', 'id']);
    await index('registry_records_county', 'registry_records', ['county_code', 'id']);
    await index('registry_records_division', 'registry_records', ['division_code', 'id']);
    await index('registry_records_status', 'registry_records', ['status', 'province_code', 'id']);
    await index('registry_records_category', 'registry_records', [
      'category_code',
      'province_code',
      'id',
    ]);
    // Name prefixes are ranges in code-point order on both engines (PostgreSQL: collation "C",
    // whatever the database's locale).
    if (engine === 'postgres') {
      await sql`create index registry_records_name on registry_records (name collate "C", id)`.execute(
        db,
      );
    } else {
      await index('registry_records_name', 'registry_records', ['name', 'id']);
    }
    await index('registry_records_person', 'registry_records', ['person_key']);

    await db.schema
      .createTable('registry_requests')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('no', 'text', (c) => c.notNull().unique())
      .addColumn('record_id', 'text', (c) => c.notNull().references('registry_records.id'))
      .addColumn('kind', 'text', (c) => c.notNull().check(sqlIn('kind', requestKinds)))
      .addColumn('status', 'text', (c) => c.notNull().check(sqlIn('status', requestStatuses)))
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('proposal', 'text')
      .addColumn('reason', 'text')
      .addColumn('open_record_id', 'text')
      .addColumn('province_code', 'text', (c) => c.notNull())
      .addColumn('city_code', 'text', (c) => c.notNull())
      .addColumn('county_code', 'text', (c) => c.notNull())
      .addColumn('division_code', 'text', (c) => c.notNull())
      .addColumn('category_code', 'text', (c) => c.notNull())
      .addColumn('person_name', 'text', (c) => c.notNull())
      .addColumn('id_number', 'text', (c) => c.notNull())
      .addColumn('unit_id', 'text', (c) => c.notNull().references('units.id'))
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('submitted_at', 'text')
      .addColumn('reported_at', 'text')
      .addColumn('passed_at', 'text')
      .addColumn('approved_at', 'text')
      .addColumn('stage_action_id', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('return_reason', 'text')
      .execute();
    // One open request per record at a time.
    await index('registry_requests_open', 'registry_requests', ['open_record_id'], true);
    await index('registry_requests_record', 'registry_requests', ['record_id', 'created_at']);
    await index('registry_requests_county', 'registry_requests', ['status', 'county_code', 'id']);
    await index('registry_requests_city', 'registry_requests', ['status', 'city_code', 'id']);
    await index('registry_requests_province', 'registry_requests', [
      'status',
      'province_code',
      'id',
    ]);

    await autoId(db.schema.createTable('registry_actions'))
      .addColumn('record_id', 'text', (c) => c.notNull())
      .addColumn('request_id', 'text')
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('from_status', 'text')
      .addColumn('to_status', 'text')
      .addColumn('actor_id', 'text', (c) => c.notNull())
      .addColumn('actor_name', 'text', (c) => c.notNull())
      .addColumn('actor_unit_id', 'text', (c) => c.notNull())
      .addColumn('actor_unit_name', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('note', 'text')
      .addColumn('detail', 'text')
      .execute();
    await index('registry_actions_record', 'registry_actions', ['record_id', 'id']);
    await index('registry_actions_request', 'registry_actions', [
      'request_id',
      'action',
      'actor_id',
    ]);

    await db.schema
      .createTable('registry_attachments')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('record_id', 'text', (c) => c.notNull().references('registry_records.id'))
      .addColumn('request_id', 'text')
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('file_name', 'text', (c) => c.notNull())
      .addColumn('byte_size', 'integer', (c) => c.notNull())
      .addColumn('width', 'integer')
      .addColumn('height', 'integer')
      .addColumn('sm3', 'text', (c) => c.notNull())
      .addColumn('content', engine === 'postgres' ? 'bytea' : 'blob', (c) => c.notNull())
      .addColumn('uploaded_by', 'text', (c) => c.notNull())
      .addColumn('uploaded_by_name', 'text', (c) => c.notNull())
      .addColumn('uploaded_at', 'text', (c) => c.notNull())
      .execute();
    await index('registry_attachments_record', 'registry_attachments', ['record_id', 'kind']);

    await db.schema
      .createTable('registry_problems')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('record_id', 'text', (c) => c.notNull().references('registry_records.id'))
      .addColumn('province_code', 'text', (c) => c.notNull())
      .addColumn('city_code', 'text', (c) => c.notNull())
      .addColumn('county_code', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('detail', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) =>
        c.notNull().check(sqlIn('status', ['open', 'cleared', 'corrected'])),
      )
      .addColumn('open_key', 'text')
      .addColumn('detected_at', 'text', (c) => c.notNull())
      .addColumn('resolved_at', 'text')
      .addColumn('resolved_by', 'text')
      .addColumn('resolved_by_name', 'text')
      .addColumn('resolution_note', 'text')
      .execute();
    await index('registry_problems_open', 'registry_problems', ['open_key'], true);
    await index('registry_problems_record', 'registry_problems', ['record_id']);
    await index('registry_problems_county', 'registry_problems', ['county_code', 'status', 'id']);

    await db.schema
      .createTable('registry_certificates')
      .addColumn('number', 'text', (c) => c.primaryKey())
      .addColumn('record_id', 'text', (c) => c.notNull())
      .addColumn('category_code', 'text', (c) => c.notNull())
      .addColumn('issued_at', 'text', (c) => c.notNull())
      .addColumn('issued_by', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('registry_backups')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('location', 'text', (c) => c.notNull())
      .addColumn('note', 'text')
      .addColumn('recorded_by', 'text', (c) => c.notNull())
      .addColumn('recorded_by_name', 'text', (c) => c.notNull())
      .addColumn('recorded_at', 'text', (c) => c.notNull())
      .execute();
    await index('registry_backups_at', 'registry_backups', ['at']);

    // The action log and the issued certificate numbers are evidence: never changed or removed.
    for (const table of ['registry_actions', 'registry_certificates']) {
      if (engine === 'postgres') {
        await sql
          .raw(
            `create function ${table}_append_only() returns trigger language plpgsql as $$
             begin raise exception '${table} is append-only'; end $$`,
          )
          .execute(db);
        await sql
          .raw(
            `create trigger ${table}_no_change before update or delete on ${table}
             for each row execute function ${table}_append_only()`,
          )
          .execute(db);
      } else {
        for (const op of ['update', 'delete']) {
          await sql
            .raw(
              `create trigger ${table}_no_${op} before ${op} on ${table}
               begin select raise(abort, '${table} is append-only'); end`,
            )
            .execute(db);
        }
      }
    }
  },
});
