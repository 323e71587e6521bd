import type { Engine } from '../engine.ts';
import type { AnyDb, EngineMigration } from './index.ts';
import { sqlIn } from './sql-in.ts';

/**
 * Record history (AUD-04): every version of every versioned record, with who, when, why, how
 * and under which approval; and approved batch modifications (AUD-05).
 */
export const history: EngineMigration = (engine: Engine) => ({
  async up(db: AnyDb) {
    await db.schema
      .createTable('record_versions')
      .addColumn('id', engine === 'postgres' ? 'bigserial' : 'integer', (c) =>
        engine === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
      )
      .addColumn('entity_type', 'text', (c) => c.notNull())
      .addColumn('entity_id', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('data', 'text', (c) => c.notNull())
      .addColumn('changed_fields', 'text', (c) => c.notNull())
      .addColumn('changed_by', 'text')
      .addColumn('changed_by_name', 'text')
      .addColumn('changed_at', 'text', (c) => c.notNull())
      .addColumn('reason', 'text')
      .addColumn('approval_ref', 'text')
      .addColumn('method', 'text', (c) =>
        c.notNull().check(sqlIn('method', ['form', 'import', 'batch', 'api', 'system'])),
      )
      .addUniqueConstraint('record_versions_entity_version', [
        'entity_type',
        'entity_id',
        'version',
      ])
      .execute();

    await db.schema
      .createTable('batch_changes')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('entity_type', 'text', (c) => c.notNull())
      .addColumn('changes', 'text', (c) => c.notNull())
      .addColumn('change_count', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) =>
        c.notNull().check(sqlIn('status', ['submitted', 'applied', 'rejected', 'failed'])),
      )
      .addColumn('applicant_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('applicant_unit_id', 'text', (c) => c.notNull())
      .addColumn('submitted_at', 'text', (c) => c.notNull())
      .addColumn('decided_by', 'text', (c) => c.references('users.id'))
      .addColumn('decided_at', 'text')
      .addColumn('decision_note', 'text')
      .execute();
  },
});
