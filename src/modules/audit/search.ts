/**
 * Reading the trail: the auditor searches everything except entries about themselves
 * (IAM-02); a unit sees every access to its data (provider view) and every access its own
 * staff made (consumer view) — AUD-03. Exports are audited too.
 */
import ExcelJS from 'exceljs';
import type { AppContext } from '../../server/context.ts';
import type { SessionUser } from '../iam/auth.ts';
import { verifyChain } from './chain.ts';
import { searchEntries, type AuditRow, type AuditScope } from './repository.ts';
import type { AuditEntry, AuditQuery, UnitAuditQuery } from './schemas.ts';
import type { AuditContext, AuditService } from './service.ts';

export const EXPORT_LIMIT = 50_000;

function toEntry(r: AuditRow): AuditEntry {
  return {
    seq: Number(r.seq),
    at: r.at,
    actorId: r.actor_id,
    actorName: r.actor_name,
    actorUnitId: r.actor_unit_id,
    actorUnitName: r.actor_unit_name,
    action: r.action,
    result: r.result,
    targetType: r.target_type,
    targetId: r.target_id,
    targetUnitId: r.target_unit_id,
    targetUnitName: r.target_unit_name,
    fields: r.fields ? (JSON.parse(r.fields) as string[]) : null,
    recordCount: r.record_count,
    grantId: r.grant_id,
    purpose: r.purpose,
    clientIp: r.client_ip,
    requestId: r.request_id,
    detail: r.detail ? (JSON.parse(r.detail) as Record<string, unknown>) : null,
    hash: r.hash,
  };
}

const resultNames = { success: '成功', failure: '失败', denied: '拒绝' } as const;

const columns: [string, (e: AuditEntry) => string | number][] = [
  ['序号', (e) => e.seq],
  [
    '时间（北京时间）',
    (e) => new Date(Date.parse(e.at) + 8 * 3_600_000).toISOString().replace('T', ' ').slice(0, 19),
  ],
  ['操作人', (e) => e.actorName ?? '系统'],
  ['操作人单位', (e) => e.actorUnitName ?? ''],
  ['操作', (e) => e.action],
  ['结果', (e) => resultNames[e.result]],
  ['对象类型', (e) => e.targetType ?? ''],
  ['对象', (e) => e.targetId ?? ''],
  ['数据所属单位', (e) => e.targetUnitName ?? ''],
  ['字段', (e) => (e.fields ?? []).join('、')],
  ['记录数', (e) => e.recordCount ?? ''],
  ['授权', (e) => e.grantId ?? ''],
  ['用途', (e) => e.purpose ?? ''],
  ['客户端地址', (e) => e.clientIp ?? ''],
  ['请求编号', (e) => e.requestId ?? ''],
  ['详情', (e) => (e.detail ? JSON.stringify(e.detail) : '')],
];

/** A CSV cell; formula-looking text is quoted so spreadsheets do not execute it. */
function csvCell(value: string | number): string {
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function createAuditSearch(ctx: AppContext, audit: AuditService) {
  const { db } = ctx;

  async function page(
    q: Omit<AuditQuery, 'limit' | 'cursor'> & { cursor?: string | undefined; limit: number },
    scope: AuditScope,
  ) {
    const rows = await searchEntries(db, q, scope, {
      ...(q.cursor ? { before: Number(q.cursor) } : {}),
      limit: q.limit + 1,
    });
    const items = rows.slice(0, q.limit).map(toEntry);
    return { items, nextCursor: rows.length > q.limit ? String(items.at(-1)!.seq) : null };
  }

  const auditorScope = (user: SessionUser): AuditScope => ({ excludeActorId: user.id });
  const unitScope = (user: SessionUser, view: 'provider' | 'consumer'): AuditScope =>
    view === 'provider'
      ? { excludeActorId: user.id, targetUnitId: user.unitId }
      : { excludeActorId: user.id, actorUnitId: user.unitId };

  return {
    verifyChain: () => verifyChain(db, { sqlite: ctx.sqlite ?? null }),
    search: (user: SessionUser, q: AuditQuery) => page(q, auditorScope(user)),
    unitSearch: (user: SessionUser, q: UnitAuditQuery) => page(q, unitScope(user, q.view)),

    /** A selection as CSV (UTF-8 with BOM, for Excel) or XLSX; the export is itself audited. */
    async export(
      user: SessionUser,
      q: AuditQuery | UnitAuditQuery,
      format: 'csv' | 'xlsx',
      by: AuditContext,
    ): Promise<Buffer> {
      // A unit's own log (with `view`) or, for the auditor, the whole trail.
      const scope = 'view' in q ? unitScope(user, q.view) : auditorScope(user);
      const rows = (await searchEntries(db, q, scope, { limit: EXPORT_LIMIT })).map(toEntry);
      await audit.record({
        ...by,
        action: 'audit.export',
        result: 'success',
        recordCount: rows.length,
        detail: { format, query: q },
      });
      if (format === 'csv') {
        const lines = [columns.map(([h]) => h).join(',')];
        for (const e of rows) lines.push(columns.map(([, get]) => csvCell(get(e))).join(','));
        return Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`, 'utf8');
      }
      const book = new ExcelJS.Workbook();
      const sheet = book.addWorksheet('审计日志');
      sheet.addRow(columns.map(([h]) => h)).font = { bold: true };
      for (const e of rows) sheet.addRow(columns.map(([, get]) => get(e)));
      return Buffer.from(await book.xlsx.writeBuffer());
    },
  };
}

export type AuditSearch = ReturnType<typeof createAuditSearch>;
