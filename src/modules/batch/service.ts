/**
 * Batch modifications of provincial data (AUD-05, SX 32): a batch is applied only after an
 * application is approved by another person; it then runs in one transaction under the
 * approver's authority, every record version carrying the application as its approval, and
 * either all of it is applied or none.
 */
import type { AppContext } from '../../server/context.ts';
import { AppError, conflict, notFound } from '../../server/errors.ts';
import { withTransaction } from '../../db/transaction.ts';
import { uuidv7 } from '../../lib/uuid.ts';
import type { AuditContext, AuditService } from '../audit/service.ts';
import type { SessionUser } from '../iam/auth.ts';
import { checkDuties } from '../iam/duties.ts';
import type { OrgService } from '../org/service.ts';
import type { BatchChange, BatchChangeCreate } from './schemas.ts';

export function createBatchService(
  ctx: AppContext,
  deps: { audit: AuditService; org: OrgService },
) {
  const { db, clock } = ctx;

  function query() {
    return db
      .selectFrom('batch_changes as b')
      .innerJoin('users as a', 'a.id', 'b.applicant_id')
      .leftJoin('users as d', 'd.id', 'b.decided_by')
      .selectAll('b')
      .select(['a.display_name as applicant_name', 'd.display_name as decided_by_name']);
  }

  type Row = Awaited<ReturnType<ReturnType<typeof query>['executeTakeFirstOrThrow']>>;
  const toView = (r: Row): BatchChange => ({
    id: r.id,
    title: r.title,
    reason: r.reason,
    entityType: r.entity_type,
    changeCount: r.change_count,
    changes: JSON.parse(r.changes) as BatchChange['changes'],
    status: r.status,
    applicantId: r.applicant_id,
    applicantName: r.applicant_name,
    submittedAt: r.submitted_at,
    decidedBy: r.decided_by,
    decidedByName: r.decided_by_name,
    decidedAt: r.decided_at,
    decisionNote: r.decision_note,
  });

  async function load(id: string): Promise<Row> {
    const row = await query().where('b.id', '=', id).executeTakeFirst();
    if (!row) throw notFound('batch.not_found', '批量修改申请不存在');
    return row;
  }

  return {
    async submit(
      caller: SessionUser,
      input: BatchChangeCreate,
      by: AuditContext,
    ): Promise<BatchChange> {
      // Every record named must exist now; versions are checked again when applied.
      for (const [i, change] of input.changes.entries()) {
        const unit = await db
          .selectFrom('units')
          .select(['id'])
          .where('id', '=', change.entityId)
          .executeTakeFirst();
        if (!unit) {
          throw new AppError('invalid', 'batch.record_unknown', `第 ${i + 1} 项修改的记录不存在`, {
            errors: [{ path: `changes.${i}.entityId`, message: '记录不存在' }],
          });
        }
      }
      const id = uuidv7();
      await withTransaction(db, async (tx) => {
        await tx
          .insertInto('batch_changes')
          .values({
            id,
            title: input.title,
            reason: input.reason,
            entity_type: input.entityType,
            changes: JSON.stringify(input.changes),
            change_count: input.changes.length,
            status: 'submitted',
            applicant_id: caller.id,
            applicant_unit_id: caller.unitId,
            submitted_at: clock.now().toISOString(),
            decided_by: null,
            decided_at: null,
            decision_note: null,
          })
          .execute();
        await deps.audit.appendBy(tx, by, {
          action: 'batch.submit',
          result: 'success',
          target: { type: 'batch_change', id, unitId: caller.unitId },
          recordCount: input.changes.length,
          detail: { title: input.title, entityType: input.entityType },
        });
      });
      return toView(await load(id));
    },

    async list(): Promise<BatchChange[]> {
      return (await query().orderBy('b.submitted_at', 'desc').limit(200).execute()).map(toView);
    },

    async get(id: string): Promise<BatchChange> {
      return toView(await load(id));
    },

    /**
     * Approves and applies the batch under the approver's authority. The applicant may not
     * approve their own application (IAM-04). If any change fails, nothing is applied and
     * the application is marked failed with the reason.
     */
    async approve(
      caller: SessionUser,
      id: string,
      note: string | undefined,
      by: AuditContext,
    ): Promise<BatchChange> {
      const row = await load(id);
      if (row.status !== 'submitted')
        throw conflict('batch.not_pending', '该申请已处理，不能再次审批');
      const duty = checkDuties([{ action: 'enter', actorId: row.applicant_id }], {
        action: 'approve',
        actorId: caller.id,
      });
      if (!duty.ok) throw new AppError('forbidden', duty.code, duty.message);
      const changes = JSON.parse(row.changes) as BatchChange['changes'];
      const at = clock.now().toISOString();
      try {
        await withTransaction(db, async (tx) => {
          for (const change of changes) {
            await deps.org.updateUnit(
              change.entityId,
              { ...change.set, version: change.version, reason: `批量修改：${row.title}` },
              by,
              { tx, method: 'batch', approvalRef: id },
            );
          }
          await tx
            .updateTable('batch_changes')
            .set({
              status: 'applied',
              decided_by: caller.id,
              decided_at: at,
              decision_note: note ?? null,
            })
            .where('id', '=', id)
            .execute();
          await deps.audit.appendBy(tx, by, {
            action: 'batch.apply',
            result: 'success',
            target: { type: 'batch_change', id, unitId: row.applicant_unit_id },
            recordCount: changes.length,
            detail: { title: row.title },
          });
        });
      } catch (error) {
        const reason = error instanceof AppError ? error.message : '执行时出错';
        await withTransaction(db, async (tx) => {
          await tx
            .updateTable('batch_changes')
            .set({
              status: 'failed',
              decided_by: caller.id,
              decided_at: at,
              decision_note: `未执行：${reason}`,
            })
            .where('id', '=', id)
            .execute();
          await deps.audit.appendBy(tx, by, {
            action: 'batch.apply',
            result: 'failure',
            target: { type: 'batch_change', id, unitId: row.applicant_unit_id },
            detail: { reason },
          });
        });
        throw new AppError(
          'conflict',
          'batch.apply_failed',
          `批量修改未执行，没有任何记录被改动：${reason}`,
          { cause: error },
        );
      }
      return toView(await load(id));
    },

    async reject(
      caller: SessionUser,
      id: string,
      note: string,
      by: AuditContext,
    ): Promise<BatchChange> {
      const row = await load(id);
      if (row.status !== 'submitted') throw conflict('batch.not_pending', '该申请已处理');
      await withTransaction(db, async (tx) => {
        await tx
          .updateTable('batch_changes')
          .set({
            status: 'rejected',
            decided_by: caller.id,
            decided_at: clock.now().toISOString(),
            decision_note: note,
          })
          .where('id', '=', id)
          .execute();
        await deps.audit.appendBy(tx, by, {
          action: 'batch.reject',
          result: 'success',
          target: { type: 'batch_change', id, unitId: row.applicant_unit_id },
          detail: { note },
        });
      });
      return toView(await load(id));
    },

    /** The record versions an applied batch produced, for inspection. */
    async versions(id: string) {
      await load(id);
      const rows = await db
        .selectFrom('record_versions')
        .select([
          'entity_type',
          'entity_id',
          'version',
          'changed_fields',
          'changed_by_name',
          'changed_at',
        ])
        .where('approval_ref', '=', id)
        .orderBy('id')
        .execute();
      return rows.map((r) => ({
        entityType: r.entity_type,
        entityId: r.entity_id,
        version: r.version,
        changedFields: JSON.parse(r.changed_fields) as string[],
        changedByName: r.changed_by_name,
        changedAt: r.changed_at,
      }));
    },
  };
}

export type BatchService = ReturnType<typeof createBatchService>;
