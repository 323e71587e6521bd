/**
 * Exchange usage statistics (使用统计): calls, records, errors, refusals and answer times per
 * Shanghai calendar day, grant and interface.
 *
 * The hot path never writes to the database: each app instance adds to counters in memory
 * and a background flush (every few seconds, and when the server stops) adds them to
 * `exchange_usage` with one upsert per day × grant × interface. The daily quota reads the
 * same counters (see quota.ts).
 */
import { sql } from 'kysely';
import { withTransaction } from '../../db/transaction.ts';
import type { ExchangeUsageTable } from '../../db/tables/interfaces.ts';
import type { AppContext } from '../../server/context.ts';

/** Upper bounds (ms) of the answer-time buckets; slower calls fall in the last one. */
export const latencyBounds = [5, 10, 25, 50, 100, 250, 1000] as const;
const bucketColumns = [
  'latency_le_5',
  'latency_le_10',
  'latency_le_25',
  'latency_le_50',
  'latency_le_100',
  'latency_le_250',
  'latency_le_1000',
  'latency_gt_1000',
] as const;

/** What identifies a usage row besides the day. */
export interface UsageSubject {
  grantId: string;
  interfaceCode: string;
  resourceId: string;
  consumerUnitId: string;
  providerUnitId: string;
  mode: string;
}

interface Counters {
  subject: UsageSubject;
  day: string;
  calls: number;
  rows: number;
  errors: number;
  limited: number;
  latency: number;
  buckets: number[];
}

/** The Asia/Shanghai calendar date of an instant. */
export function shanghaiDay(at: Date): string {
  return new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

/** Seconds from `at` to the next midnight in Asia/Shanghai (at least 1). */
export function secondsToShanghaiMidnight(at: Date): number {
  const local = at.getTime() + 8 * 3600_000;
  const next = Math.floor(local / 86_400_000 + 1) * 86_400_000;
  return Math.max(1, Math.ceil((next - local) / 1000));
}

/**
 * The 95th-percentile answer time estimated from the buckets: the upper bound of the bucket
 * in which the 95th percent of calls falls (the slowest bucket counts as twice its floor).
 */
export function p95FromBuckets(buckets: readonly number[]): number | null {
  const total = buckets.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  let seen = 0;
  for (let i = 0; i < buckets.length; i++) {
    seen += buckets[i]!;
    if (seen >= total * 0.95) return latencyBounds[i] ?? latencyBounds.at(-1)! * 2;
  }
  return latencyBounds.at(-1)! * 2;
}

export function createUsageMeter(ctx: AppContext, options: { flushEveryMs?: number } = {}) {
  const { db } = ctx;
  const flushEveryMs = options.flushEveryMs ?? 5_000;
  let pending = new Map<string, Counters>();
  /** Calls admitted per grant and day that are not yet in the database. */
  let unsaved = new Map<string, number>();
  /** The same for a flush that is being written. */
  let saving = new Map<string, number>();
  let timer: NodeJS.Timeout | null = null;
  let flushing: Promise<void> | null = null;
  /**
   * Told the grant|day keys after each write; each may return a step to run at the moment
   * the written calls leave `saving`, so a reader never counts them twice or not at all.
   */
  const afterFlush: ((grantDays: string[]) => Promise<(() => void) | void>)[] = [];

  function counters(subject: UsageSubject, day: string): Counters {
    const key = `${day}|${subject.grantId}|${subject.interfaceCode}`;
    let c = pending.get(key);
    if (!c) {
      c = {
        subject,
        day,
        calls: 0,
        rows: 0,
        errors: 0,
        limited: 0,
        latency: 0,
        buckets: bucketColumns.map(() => 0),
      };
      pending.set(key, c);
    }
    // The background flush starts with the first call and never keeps the process alive.
    if (!timer) {
      timer = setInterval(() => void meter.flush().catch(() => undefined), flushEveryMs);
      timer.unref();
    }
    return c;
  }

  async function write(batch: Map<string, Counters>) {
    const at = ctx.clock.now().toISOString();
    await withTransaction(db, async (tx) => {
      for (const c of batch.values()) {
        const row: ExchangeUsageTable = {
          day: c.day,
          grant_id: c.subject.grantId,
          interface_code: c.subject.interfaceCode,
          resource_id: c.subject.resourceId,
          consumer_unit_id: c.subject.consumerUnitId,
          provider_unit_id: c.subject.providerUnitId,
          mode: c.subject.mode,
          calls: c.calls,
          rows: c.rows,
          errors: c.errors,
          limited: c.limited,
          latency_ms_total: Math.round(c.latency),
          latency_le_5: c.buckets[0]!,
          latency_le_10: c.buckets[1]!,
          latency_le_25: c.buckets[2]!,
          latency_le_50: c.buckets[3]!,
          latency_le_100: c.buckets[4]!,
          latency_le_250: c.buckets[5]!,
          latency_le_1000: c.buckets[6]!,
          latency_gt_1000: c.buckets[7]!,
          updated_at: at,
        };
        const add = (column: keyof ExchangeUsageTable) =>
          sql<number>`exchange_usage.${sql.ref(column)} + excluded.${sql.ref(column)}`;
        await tx
          .insertInto('exchange_usage')
          .values(row)
          .onConflict((oc) =>
            oc.columns(['day', 'grant_id', 'interface_code']).doUpdateSet({
              calls: add('calls'),
              rows: add('rows'),
              errors: add('errors'),
              limited: add('limited'),
              latency_ms_total: add('latency_ms_total'),
              latency_le_5: add('latency_le_5'),
              latency_le_10: add('latency_le_10'),
              latency_le_25: add('latency_le_25'),
              latency_le_50: add('latency_le_50'),
              latency_le_100: add('latency_le_100'),
              latency_le_250: add('latency_le_250'),
              latency_le_1000: add('latency_le_1000'),
              latency_gt_1000: add('latency_gt_1000'),
              updated_at: at,
            }),
          )
          .execute();
      }
    });
  }

  const meter = {
    /** A call admitted under a grant: counted at once (the daily quota reads this). */
    admit(subject: UsageSubject, day: string) {
      counters(subject, day).calls += 1;
      const key = `${subject.grantId}|${day}`;
      unsaved.set(key, (unsaved.get(key) ?? 0) + 1);
    },

    /** How an admitted call ended: records returned, error or not, answer time. */
    finish(
      subject: UsageSubject,
      day: string,
      outcome: { rows: number; error: boolean; ms: number },
    ) {
      const c = counters(subject, day);
      c.rows += outcome.rows;
      if (outcome.error) c.errors += 1;
      c.latency += outcome.ms;
      let i = latencyBounds.findIndex((bound) => outcome.ms <= bound);
      if (i === -1) i = latencyBounds.length;
      c.buckets[i]! += 1;
    },

    /** A call refused by the rate limit or the daily quota. */
    limited(subject: UsageSubject, day: string) {
      counters(subject, day).limited += 1;
    },

    /** Admitted calls of a grant on a day that this instance has not yet written. */
    unsavedCalls(grantId: string, day: string): number {
      const key = `${grantId}|${day}`;
      return (unsaved.get(key) ?? 0) + (saving.get(key) ?? 0);
    },

    /** Called after each flush with the grant|day keys written (the quota refreshes them). */
    onFlushed(listener: (grantDays: string[]) => Promise<(() => void) | void>) {
      afterFlush.push(listener);
    },

    /** Adds the counters to the database; concurrent callers share one flush. */
    flush(): Promise<void> {
      if (flushing) return flushing.then(() => meter.flush());
      if (pending.size === 0) return Promise.resolve();
      const batch = pending;
      pending = new Map();
      saving = unsaved;
      unsaved = new Map();
      flushing = (async () => {
        try {
          await write(batch);
          const written = [...saving.keys()];
          const steps: (() => void)[] = [];
          for (const listener of afterFlush) {
            // The rows are written: a listener that fails must not put them back.
            const step = await listener(written).catch(() => undefined);
            if (step) steps.push(step);
          }
          for (const step of steps) step();
          saving = new Map();
        } catch (error) {
          // Nothing is lost: the counters go back to be written with the next flush.
          for (const [key, c] of batch) {
            const now = pending.get(key);
            if (!now) pending.set(key, c);
            else {
              now.calls += c.calls;
              now.rows += c.rows;
              now.errors += c.errors;
              now.limited += c.limited;
              now.latency += c.latency;
              c.buckets.forEach((n, i) => (now.buckets[i]! += n));
            }
          }
          for (const [key, n] of saving) unsaved.set(key, (unsaved.get(key) ?? 0) + n);
          saving = new Map();
          throw error;
        } finally {
          flushing = null;
        }
      })();
      return flushing;
    },

    /** Stops the background flush and writes what is left (the server is stopping). */
    async close() {
      if (timer) clearInterval(timer);
      timer = null;
      await meter.flush();
    },
  };
  return meter;
}

export type UsageMeter = ReturnType<typeof createUsageMeter>;

export const usageBucketColumns = bucketColumns;
