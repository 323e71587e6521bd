/**
 * The working-day calendar (工作日历) every deadline uses: built-in State Council holiday
 * notices plus overrides kept in the database, so next year's notice can be entered by an
 * administrator without a new release. Overrides are read per use (a handful of rows), so
 * every app instance sees a new notice at once.
 */
import type { AppContext } from '../../server/context.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AuditContext, AuditService } from '../audit/service.ts';
import { AppError, conflict, notFound } from '../../server/errors.ts';
import { createWorkingCalendar, type WorkingCalendar } from '../../lib/calendar/index.ts';
import type { CalendarOverrideCreate, CalendarYear } from './schemas.ts';

export function createCalendarService(ctx: AppContext, audit: AuditService) {
  const { db, clock } = ctx;

  async function overrides() {
    return db.selectFrom('calendar_overrides').selectAll().orderBy('date').execute();
  }

  return {
    /** The calendar in force now, overrides included. */
    async calendar(): Promise<WorkingCalendar> {
      const rows = await overrides();
      return createWorkingCalendar(rows.map((r) => ({ date: r.date, kind: r.kind, name: r.name })));
    },

    async year(year: number): Promise<CalendarYear> {
      const rows = await overrides();
      const cal = createWorkingCalendar(
        rows.map((r) => ({ date: r.date, kind: r.kind, name: r.name })),
      );
      const overridden = new Set(rows.map((r) => r.date));
      const days: CalendarYear['days'] = [];
      for (let t = Date.UTC(year, 0, 1); t < Date.UTC(year + 1, 0, 1); t += 86_400_000) {
        const date = new Date(t).toISOString().slice(0, 10);
        const info = cal.dayInfo(date);
        if (info.kind === 'holiday' || info.kind === 'adjusted_workday') {
          days.push({
            date,
            kind: info.kind,
            name: info.name ?? '',
            source: overridden.has(date) ? 'override' : 'builtin',
          });
        }
      }
      const covered =
        cal.coverage().includes(year) || rows.some((r) => r.date.startsWith(`${year}-`));
      return { year, covered, days };
    },

    async addOverride(input: CalendarOverrideCreate, by: AuditContext) {
      const existing = await db
        .selectFrom('calendar_overrides')
        .select('date')
        .where('date', '=', input.date)
        .executeTakeFirst();
      if (existing)
        throw conflict('calendar.override_exists', `${input.date} 已有调整记录，请先删除再添加`);
      const row = {
        date: input.date,
        kind: input.kind,
        name: input.name,
        notice: input.notice ?? null,
        created_at: clock.now().toISOString(),
        created_by: by.actor?.id ?? null,
      };
      await withTransaction(db, async (tx) => {
        await tx.insertInto('calendar_overrides').values(row).execute();
        await audit.appendBy(tx, by, {
          action: 'calendar.override_add',
          result: 'success',
          target: { type: 'calendar_day', id: row.date },
          detail: { kind: row.kind, name: row.name, notice: row.notice },
        });
      });
      return {
        date: row.date,
        kind: row.kind,
        name: row.name,
        notice: row.notice,
        createdAt: row.created_at,
      };
    },

    async removeOverride(date: string, by: AuditContext) {
      await withTransaction(db, async (tx) => {
        const result = await tx
          .deleteFrom('calendar_overrides')
          .where('date', '=', date)
          .executeTakeFirst();
        if (Number(result.numDeletedRows) === 0) {
          throw notFound('calendar.override_not_found', `${date} 没有调整记录`);
        }
        await audit.appendBy(tx, by, {
          action: 'calendar.override_remove',
          result: 'success',
          target: { type: 'calendar_day', id: date },
        });
      });
    },

    async addWorkingDays(from: string, days: number) {
      const cal = await this.calendar();
      const year = Number(from.slice(0, 4));
      if (
        !cal.coverage().includes(year) &&
        !(await overrides()).some((r) => r.date.startsWith(`${year}-`))
      ) {
        // Deadlines in a year without a holiday notice would silently ignore holidays.
        throw new AppError(
          'invalid',
          'calendar.year_not_covered',
          `尚未录入 ${year} 年的节假日安排，无法准确计算工作日，请先在工作日历中录入国务院办公厅通知`,
        );
      }
      return { from, days, due: cal.addWorkingDays(from, days) };
    },
  };
}

export type CalendarService = ReturnType<typeof createCalendarService>;
