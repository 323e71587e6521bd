/**
 * Daily call quotas per grant (每日调用限额), counted per Asia/Shanghai calendar day.
 *
 * A grant's count is what the database holds for the day — read once per grant and day,
 * then again after each background flush of the usage counters — plus the calls this
 * instance admitted that are not yet written. No call writes to the database, the count
 * survives restarts (the counters are flushed when the server stops), and with several
 * instances each sees the others' calls within a flush interval or two.
 */
import { AppError } from '../../server/errors.ts';
import type { AppContext } from '../../server/context.ts';
import {
  secondsToShanghaiMidnight,
  shanghaiDay,
  type UsageMeter,
  type UsageSubject,
} from './usage.ts';

export function createDailyQuota(ctx: AppContext, meter: UsageMeter) {
  const { db } = ctx;
  /** Calls in the database per grant|day, as last read. */
  const stored = new Map<string, number>();
  const loading = new Map<string, Promise<number>>();

  async function readTotals(grantDays: string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>(grantDays.map((k) => [k, 0]));
    const byDay = new Map<string, string[]>();
    for (const key of grantDays) {
      const [grantId, day] = key.split('|') as [string, string];
      byDay.set(day, [...(byDay.get(day) ?? []), grantId]);
    }
    for (const [day, grantIds] of byDay) {
      const rows = await db
        .selectFrom('exchange_usage')
        .select(['grant_id', (eb) => eb.fn.sum<number>('calls').as('calls')])
        .where('day', '=', day)
        .where('grant_id', 'in', grantIds)
        .groupBy('grant_id')
        .execute();
      for (const r of rows) out.set(`${r.grant_id}|${day}`, Number(r.calls ?? 0));
    }
    return out;
  }

  async function storedCalls(grantId: string, day: string): Promise<number> {
    const key = `${grantId}|${day}`;
    const known = stored.get(key);
    if (known !== undefined) return known;
    let load = loading.get(key);
    if (!load) {
      load = readTotals([key]).then((totals) => {
        const n = totals.get(key) ?? 0;
        stored.set(key, n);
        loading.delete(key);
        return n;
      });
      load.catch(() => loading.delete(key));
      loading.set(key, load);
    }
    return load;
  }

  // After each flush the written calls move from the meter's unsaved count into `stored`.
  meter.onFlushed(async (grantDays) => {
    const tracked = grantDays.filter((k) => stored.has(k));
    try {
      const totals = await readTotals(tracked);
      return () => {
        for (const [key, n] of totals) stored.set(key, n);
      };
    } catch {
      return () => {
        for (const key of tracked) stored.delete(key); // read again at the next call
      };
    }
  });

  return {
    /**
     * Admits a call, or refuses it when the grant has used its quota today (429 with
     * Retry-After until midnight in Shanghai). Counting and admitting happen in one step
     * after the last await, so concurrent calls cannot all slip under the limit.
     */
    async admit(
      grant: { id: string; daily_quota: number | null },
      subject: UsageSubject,
    ): Promise<string> {
      const at = ctx.clock.now();
      const day = shanghaiDay(at);
      const quota = grant.daily_quota ?? ctx.config.exchangeDailyQuota;
      const used = (await storedCalls(grant.id, day)) + meter.unsavedCalls(grant.id, day);
      if (used >= quota) {
        meter.limited(subject, day);
        throw new AppError(
          'rate_limited',
          'exchange.daily_quota_exceeded',
          `该授权今日调用次数已达上限（${quota} 次），请于明日（北京时间零点后）再调用`,
          { headers: { 'retry-after': String(secondsToShanghaiMidnight(at)) } },
        );
      }
      meter.admit(subject, day);
      // Entries of past days are no longer needed.
      if (stored.size > 50_000) stored.clear();
      return day;
    },
  };
}

export type DailyQuota = ReturnType<typeof createDailyQuota>;
