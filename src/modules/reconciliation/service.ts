/**
 * Reconciliation (对账, COL-07): what each side holds, day by day.
 *
 * Two kinds of facts are kept as they happen: every batch copy the exchange layer delivers
 * to a consumer (rows and checksum, reported through `exchange.onBatchDelivered`) with the
 * consumer's receipt for it (rows and checksum it received or loaded), and every front-end
 * publication with the source's and the platform's count and checksum (kept by the
 * frontend module). The daily report puts them side by side per provider unit and per
 * consumer unit and names each difference: a missing receipt, a count or checksum that
 * does not match, a rejected publication, rows changed on the platform behind the node.
 */
import { withTransaction } from '../../db/transaction.ts';
import { uuidv7 } from '../../lib/uuid.ts';
import type { AppContext } from '../../server/context.ts';
import { AppError } from '../../server/errors.ts';
import type { AuditContext, AuditService } from '../audit/service.ts';
import type { ExchangeCaller } from '../exchange/service.ts';
import { compareHoldings, type Holdings } from '../frontend/checksum.ts';
import type { FrontendService } from '../frontend/service.ts';
import type { SessionUser } from '../iam/auth.ts';
import { divisionPrefix } from '../iam/scope.ts';

/** What the exchange layer reports for each batch copy it delivered. */
export interface BatchDelivered {
  batchId: string;
  grantId: string;
  resourceId: string;
  consumerUnitId: string;
  mode: string;
  format: string;
  rows: number;
  checksum: string;
  fromChange: number | null;
  toChange: number | null;
  complete: boolean;
}

/** A difference the report names (差异). */
export type Issue =
  | 'receipt_missing'
  | 'count_mismatch'
  | 'checksum_mismatch'
  | 'incomplete'
  | 'publication_rejected'
  | 'no_publication'
  | 'changed_on_platform';

export interface BatchLine {
  batchId: string;
  grantId: string;
  resourceId: string;
  resourceCode: string;
  resourceName: string;
  providerUnitId: string;
  providerUnitName: string;
  consumerUnitId: string;
  consumerUnitName: string;
  deliveredAt: string;
  mode: string;
  format: string;
  delivered: { rowCount: number; checksum: string; complete: boolean };
  received: { rowCount: number; checksum: string; receivedAt: string } | null;
  issues: Issue[];
}

export interface PublicationLine {
  resourceId: string;
  resourceCode: string;
  resourceName: string;
  nodeId: string;
  nodeName: string;
  mode: 'publish' | 'hold';
  /** Publications finished that day, applied and rejected. */
  applied: number;
  rejected: number;
  /** The last applied publication up to the end of the day: what each side held then. */
  last: {
    publicationId: string;
    at: string;
    kind: 'snapshot' | 'delta';
    source: Holdings | null;
    platform: Holdings | null;
  } | null;
  /** Rows the platform holds now. */
  platformRowCount: number;
  issues: Issue[];
}

export interface UnitReport {
  unitId: string;
  unitName: string;
  provider: { publications: PublicationLine[]; batches: BatchLine[] };
  consumer: { batches: BatchLine[] };
  differences: number;
}

export interface DailyReport {
  date: string;
  from: string;
  to: string;
  generatedAt: string;
  units: UnitReport[];
  differences: number;
}

/** The UTC bounds of a calendar day in China Standard Time (UTC+8, no daylight saving). */
export function dayBounds(date: string): { from: string; to: string } {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00+08:00`))) {
    throw new AppError('invalid', 'reconciliation.bad_date', `日期格式应为 YYYY-MM-DD：${date}`);
  }
  const start = Date.parse(`${date}T00:00:00+08:00`);
  return {
    from: new Date(start).toISOString(),
    to: new Date(start + 24 * 3600_000).toISOString(),
  };
}

/** Yesterday in China Standard Time: the day `mzhub reconcile` reports by default. */
export function previousDay(now: Date): string {
  return new Date(now.getTime() + 8 * 3600_000 - 24 * 3600_000).toISOString().slice(0, 10);
}

export function createReconciliationService(
  ctx: AppContext,
  deps: { audit: AuditService; frontend: FrontendService },
) {
  const { db } = ctx;
  const { audit, frontend } = deps;
  const now = () => ctx.clock.now().toISOString();

  function batchIssues(
    delivered: { rowCount: number; checksum: string; complete: boolean },
    received: { rowCount: number; checksum: string } | null,
  ): Issue[] {
    const issues: Issue[] = [];
    if (!delivered.complete) issues.push('incomplete');
    if (!received) issues.push('receipt_missing');
    else {
      const compared = compareHoldings(delivered, received);
      if (compared !== 'match') issues.push(compared);
    }
    return issues;
  }

  async function batchLines(from: string, to: string, unitIds: string[] | null) {
    if (unitIds && unitIds.length === 0) return [];
    let q = db
      .selectFrom('reconciliation_batches as b')
      .innerJoin('catalog_resources as r', 'r.id', 'b.resource_id')
      .innerJoin('units as pu', 'pu.id', 'b.provider_unit_id')
      .innerJoin('units as cu', 'cu.id', 'b.consumer_unit_id')
      .leftJoin('reconciliation_receipts as x', 'x.batch_id', 'b.batch_id')
      .select([
        'b.batch_id',
        'b.grant_id',
        'b.resource_id',
        'b.provider_unit_id',
        'b.consumer_unit_id',
        'b.mode',
        'b.format',
        'b.row_count',
        'b.checksum',
        'b.complete',
        'b.delivered_at',
        'r.code',
        'r.name',
        'pu.name as provider_name',
        'cu.name as consumer_name',
        'x.row_count as received_rows',
        'x.checksum as received_checksum',
        'x.received_at',
      ])
      .where('b.delivered_at', '>=', from)
      .where('b.delivered_at', '<', to);
    if (unitIds) {
      q = q.where((eb) =>
        eb.or([eb('b.provider_unit_id', 'in', unitIds), eb('b.consumer_unit_id', 'in', unitIds)]),
      );
    }
    const rows = await q.orderBy('b.delivered_at').execute();
    return rows.map((b): BatchLine => {
      const delivered = { rowCount: b.row_count, checksum: b.checksum, complete: b.complete === 1 };
      const received =
        b.received_rows !== null && b.received_checksum !== null && b.received_at !== null
          ? { rowCount: b.received_rows, checksum: b.received_checksum, receivedAt: b.received_at }
          : null;
      return {
        batchId: b.batch_id,
        grantId: b.grant_id,
        resourceId: b.resource_id,
        resourceCode: b.code,
        resourceName: b.name,
        providerUnitId: b.provider_unit_id,
        providerUnitName: b.provider_name,
        consumerUnitId: b.consumer_unit_id,
        consumerUnitName: b.consumer_name,
        deliveredAt: b.delivered_at,
        mode: b.mode,
        format: b.format,
        delivered,
        received,
        issues: batchIssues(delivered, received),
      };
    });
  }

  /** The report of a day for the given units (every unit with something to report when null). */
  async function build(date: string, unitIds: string[] | null): Promise<DailyReport> {
    const { from, to } = dayBounds(date);
    const [publications, mappings, batches] = await Promise.all([
      frontend.publicationsBetween(from, to, unitIds),
      frontend.mappingsOf(unitIds),
      batchLines(from, to, unitIds),
    ]);
    const lastApplied = await frontend.lastAppliedBefore(
      mappings.map((m) => m.resource_id),
      to,
    );
    const involved = new Set<string>(unitIds ?? []);
    if (!unitIds) {
      for (const m of mappings) if (m.created_at < to) involved.add(m.unit_id);
      for (const p of publications) involved.add(p.unitId);
      for (const b of batches) {
        involved.add(b.providerUnitId);
        involved.add(b.consumerUnitId);
      }
    }
    const names = new Map<string, string>();
    if (involved.size > 0) {
      const units = await db
        .selectFrom('units')
        .select(['id', 'name'])
        .where('id', 'in', [...involved])
        .execute();
      for (const u of units) names.set(u.id, u.name);
    }
    const units: UnitReport[] = [...involved]
      .filter((id) => names.has(id))
      .sort((a, b) => names.get(a)!.localeCompare(names.get(b)!, 'zh-CN'))
      .map((unitId) => {
        const lines: PublicationLine[] = mappings
          // A resource assigned to a node after the day had nothing to report that day.
          .filter((m) => m.unit_id === unitId && m.created_at < to)
          .map((m) => {
            const ofDay = publications.filter((p) => p.resourceId === m.resource_id);
            const last = lastApplied.get(m.resource_id) ?? null;
            const issues: Issue[] = [];
            const rejected = ofDay.filter((p) => p.status === 'rejected').length;
            if (m.mode === 'publish') {
              if (ofDay.length === 0) issues.push('no_publication');
              if (rejected > 0) issues.push('publication_rejected');
              if (last?.source && last.platform) {
                const compared = compareHoldings(last.source, last.platform);
                if (compared !== 'match') issues.push(compared);
              }
              if (last?.changedAfter) issues.push('changed_on_platform');
            }
            return {
              resourceId: m.resource_id,
              resourceCode: m.code,
              resourceName: m.name,
              nodeId: m.node_id,
              nodeName: m.node_name,
              mode: m.mode,
              applied: ofDay.filter((p) => p.status === 'applied').length,
              rejected,
              last: last
                ? {
                    publicationId: last.id,
                    at: last.at,
                    kind: last.kind,
                    source: last.source,
                    platform: last.platform,
                  }
                : null,
              platformRowCount: m.row_count,
              issues,
            };
          });
        const given = batches.filter((b) => b.providerUnitId === unitId);
        const taken = batches.filter((b) => b.consumerUnitId === unitId);
        const differences =
          lines.reduce((n, l) => n + l.issues.length, 0) +
          given.reduce((n, b) => n + b.issues.length, 0) +
          taken.filter((b) => b.providerUnitId !== unitId).reduce((n, b) => n + b.issues.length, 0);
        return {
          unitId,
          unitName: names.get(unitId)!,
          provider: { publications: lines, batches: given },
          consumer: { batches: taken },
          differences,
        };
      });
    return {
      date,
      from,
      to,
      generatedAt: now(),
      units,
      differences: units.reduce((n, u) => n + u.differences, 0),
    };
  }

  const service = {
    /** The day reported when none is named: yesterday in China Standard Time. */
    defaultDate: () => previousDay(ctx.clock.now()),

    /** Keeps a delivered batch (the exchange layer's listener). */
    async recordBatch(event: BatchDelivered): Promise<void> {
      const grant = await db
        .selectFrom('sharing_grants')
        .select(['provider_unit_id'])
        .where('id', '=', event.grantId)
        .executeTakeFirst();
      if (!grant) return;
      const values = {
        grant_id: event.grantId,
        resource_id: event.resourceId,
        provider_unit_id: grant.provider_unit_id,
        consumer_unit_id: event.consumerUnitId,
        mode: event.mode,
        format: event.format,
        row_count: event.rows,
        checksum: event.checksum,
        from_change: event.fromChange,
        to_change: event.toChange,
        complete: event.complete ? 1 : 0,
        delivered_at: now(),
      };
      await db
        .insertInto('reconciliation_batches')
        .values({ batch_id: event.batchId, ...values })
        .onConflict((oc) => oc.column('batch_id').doUpdateSet(values))
        .execute();
    },

    /** The consumer's receipt for a batch: what it received or loaded (回执). */
    async receipt(
      caller: ExchangeCaller,
      input: { batchId: string; rowCount: number; checksum: string; note?: string | undefined },
      meta: { clientIp: string; requestId: string },
    ) {
      const batch = await db
        .selectFrom('reconciliation_batches')
        .selectAll()
        .where('batch_id', '=', input.batchId)
        .executeTakeFirst();
      if (!batch || batch.grant_id !== caller.grant.id) {
        throw new AppError(
          'not_found',
          'reconciliation.batch_not_found',
          '没有该批次：批次编号见批量复制应答的 x-mzhub-batch-id 头',
        );
      }
      const at = now();
      const values = {
        credential_id: caller.credentialId,
        consumer_unit_id: caller.consumerUnitId,
        row_count: input.rowCount,
        checksum: input.checksum,
        received_at: at,
        note: input.note ?? null,
      };
      const delivered = {
        rowCount: batch.row_count,
        checksum: batch.checksum,
        complete: batch.complete === 1,
      };
      const received = { rowCount: input.rowCount, checksum: input.checksum };
      const issues = batchIssues(delivered, received);
      const by: AuditContext = {
        actor: {
          id: caller.credentialId,
          name: `${caller.consumerUnitName}（接口凭证）`,
          unitId: caller.consumerUnitId,
        },
        clientIp: meta.clientIp,
        requestId: meta.requestId,
      };
      await withTransaction(db, async (tx) => {
        await tx
          .insertInto('reconciliation_receipts')
          .values({ batch_id: batch.batch_id, ...values })
          .onConflict((oc) => oc.column('batch_id').doUpdateSet(values))
          .execute();
        await audit.appendBy(tx, by, {
          action: 'reconciliation.receipt',
          result: 'success',
          target: { type: 'catalog_entry', id: batch.resource_id, unitId: batch.provider_unit_id },
          grantId: batch.grant_id,
          recordCount: input.rowCount,
          detail: { batchId: batch.batch_id, issues },
        });
      });
      return {
        batchId: batch.batch_id,
        delivered,
        received: { ...received, receivedAt: at },
        issues,
      };
    },

    /**
     * The report of a day as the caller may see it: a unit's staff see their unit (as
     * provider and as consumer); the platform's supervisors see every unit of their division.
     */
    async report(date: string, unitId: string | undefined, user: SessionUser, by: AuditContext) {
      if (user.kind === 'platform') {
        throw new AppError(
          'forbidden',
          'reconciliation.not_allowed',
          '对账报告供业务单位与平台管理方查看，三员账号不查看业务数据',
        );
      }
      let unitIds: string[];
      if (user.permissions.includes('sharing.supervise')) {
        const prefix = divisionPrefix(user.unitDivisionCode);
        let q = db.selectFrom('units').select('id').where('division_code', 'like', `${prefix}%`);
        if (unitId) q = q.where('id', '=', unitId);
        unitIds = (await q.execute()).map((u) => u.id);
        if (unitId && unitIds.length === 0) {
          throw new AppError('not_found', 'reconciliation.unit_not_found', '本辖区没有该单位');
        }
      } else {
        if (unitId && unitId !== user.unitId) {
          throw new AppError(
            'not_found',
            'reconciliation.unit_not_found',
            '只能查看本单位的对账报告',
          );
        }
        unitIds = [user.unitId];
      }
      const report = await build(date, unitIds);
      // Units of the division without anything that day are left out of a supervisor's view.
      if (!unitId && user.permissions.includes('sharing.supervise')) {
        report.units = report.units.filter(
          (u) =>
            u.provider.publications.length + u.provider.batches.length + u.consumer.batches.length >
            0,
        );
      }
      await audit.enqueue({
        action: 'reconciliation.report_read',
        result: 'success',
        actor: by.actor,
        clientIp: by.clientIp,
        requestId: by.requestId,
        detail: { date, units: report.units.length, differences: report.differences },
      });
      return report;
    },

    /** Whether the report of a day was already stored (the daily run in `serve` asks). */
    async hasReport(date: string): Promise<boolean> {
      const row = await db
        .selectFrom('reconciliation_reports')
        .select('id')
        .where('report_date', '=', date)
        .limit(1)
        .executeTakeFirst();
      return row !== undefined;
    },

    /** Builds and stores the report of a day for every unit with something to report. */
    async generateDaily(date: string): Promise<DailyReport> {
      const report = await build(date, null);
      await withTransaction(db, async (tx) => {
        for (const unit of report.units) {
          await tx
            .deleteFrom('reconciliation_reports')
            .where('report_date', '=', date)
            .where('unit_id', '=', unit.unitId)
            .execute();
          await tx
            .insertInto('reconciliation_reports')
            .values({
              id: uuidv7(),
              report_date: date,
              unit_id: unit.unitId,
              generated_at: report.generatedAt,
              difference_count: unit.differences,
              content: JSON.stringify(unit),
            })
            .execute();
        }
        await audit.append(tx, {
          action: 'reconciliation.report',
          result: 'success',
          actor: null,
          detail: { date, units: report.units.length, differences: report.differences },
        });
      });
      return report;
    },
  };
  return service;
}

export type ReconciliationService = ReturnType<typeof createReconciliationService>;
