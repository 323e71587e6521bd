/**
 * The delivery outbox of subscriptions (订阅推送, EXC-04): turning data changes into
 * notifications, and delivering them until the receiver acknowledges.
 *
 * Producing: for each active subscription, the resource's changes after the subscription's
 * cursor become outbox rows, and the cursor advances, in one transaction. (subscription,
 * change) is unique, so producing a change twice — after a crash, or by two instances —
 * leaves one notification. The cursor only moves up to a change number below which no
 * transaction can still commit a change (`settledChangeNo`): on PostgreSQL a change with a
 * lower number can commit after a higher one, and must not be skipped.
 *
 * Delivering: due pending rows are claimed with a lease (PostgreSQL: FOR UPDATE SKIP LOCKED),
 * so two instances never deliver the same row at the same time. A subscription's rows go out
 * in change order; when one fails, the rest of that subscription waits for the same retry
 * time, so a receiver that is down gets one attempt per backoff step rather than a flood.
 * Retries back off exponentially with jitter (5 s, 10 s, 20 s … at most 1 h) until the
 * receiver answers 2xx, or the give-up age (72 h) or attempt count (100) is reached: then it
 * is failed, and the consumer can re-queue it.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { withTransaction, type Tx } from '../../db/transaction.ts';
import type {
  ExchangeOutboxTable,
  ExchangeSubscriptionTable,
} from '../../db/tables/subscriptions.ts';
import { uuidv7 } from '../../lib/uuid.ts';
import type { AppContext } from '../../server/context.ts';
import type { AuditService } from '../audit/service.ts';
import type { CatalogService } from '../catalog/service.ts';
import { KEY_SEPARATOR } from '../data/row-validator.ts';
import type { KeyService } from '../keys/service.ts';
import type { SharingService } from '../sharing/service.ts';
import { effectiveMasking, maskValue, parseMaskDecision, type MaskRule } from './masking.ts';
import {
  deliveryTimeoutMs,
  postWebhook,
  webhookHeaders,
  webhookSignature,
  webhookStringToSign,
  type DeliveryResult,
} from './subscriptions-webhook.ts';

/** At most this many changed keys travel in one notification; the rest via batch `since`. */
export const maxKeysPerNotification = 1000;

export interface OutboxSettings {
  /** First retry delay; each further one doubles, up to an hour. */
  retrySeconds: number;
  /** After this long pending, a notification is marked failed (it can be re-queued). */
  giveUpHours: number;
  /** …or after this many attempts. */
  maxAttempts: number;
  allowPrivate: boolean;
}

/** The notification body (JSON), fixed when it is produced. */
export interface NotificationPayload {
  id: string;
  event: 'resource.rows_changed';
  subscriptionId: string;
  grantId: string;
  resource: { id: string; code: string; name: string };
  change: { no: number; method: string; at: string; rowCount: number };
  /** The key items (identifiers), when the grant includes them all; else null. */
  keyItems: string[] | null;
  /**
   * Keys of the rows the change touched (when keyItems is set): a string for a one-item key,
   * else an object by identifier — as the verify and query calls take them; masked as the
   * grant masks those items in query and batch answers.
   */
  keys: (string | Record<string, string>)[] | null;
  /** Key items whose values are masked (脱敏) under the grant. */
  masked: string[];
  keysTruncated: boolean;
  /** Pass as `since` to the batch copy (GET /api/v1/exchange/batch) to fetch these rows. */
  since: number;
  producedAt: string;
}

type Grant = NonNullable<Awaited<ReturnType<SharingService['activeGrant']>>>;

const leaseMs = 15_000;
/** Rows one claim takes. */
export const claimBatch = 50;
const parallelSubscriptions = 4;
const maxRetryMs = 3600_000;
/** How often an idle subscription's grant is re-checked (always when there is news). */
const grantCheckMs = 30_000;

export function createOutbox(
  ctx: AppContext,
  deps: {
    audit: AuditService;
    catalog: CatalogService;
    sharing: SharingService;
    keys: KeyService;
  },
  settings: OutboxSettings,
) {
  const { db } = ctx;
  const { audit, catalog, sharing, keys } = deps;
  const nowIso = () => ctx.clock.now().toISOString();
  /** Who holds a lease: this process, for the lease columns and the logs. */
  const instanceId = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const secrets = new Map<string, string>();
  const openSecret = (sealed: string) => {
    let secret = secrets.get(sealed);
    if (secret === undefined) {
      secret = ctx.config.masterKey.open(sealed);
      secrets.set(sealed, secret);
    }
    return secret;
  };
  const grantCheckedAt = new Map<string, number>();
  let stopping = false;

  // ---- the settled change number ----

  /** PostgreSQL snapshots seen: when, the next transaction id then, the newest change visible. */
  const observations: { at: number; xmax: bigint; top: number }[] = [];
  let settledFloor = 0;

  /**
   * The highest change number such that every change numbered at or below it is committed
   * (and visible) or will never exist.
   *
   * SQLite has one writer at a time, so numbers commit in order: the newest visible one.
   * PostgreSQL hands out numbers when a transaction writes, not when it commits. An
   * observation `m` (newest number visible, taken from a snapshot) is settled once every
   * transaction that held a number at that moment has ended: i.e. once the oldest running
   * transaction is newer than the snapshot of a later observation `o`. `o` is taken at least a
   * second after `m`, so a transaction that drew its number just before `m` has its
   * transaction id by then.
   */
  async function settledChangeNo(): Promise<number> {
    if (ctx.engine === 'sqlite') {
      const row = await db
        .selectFrom('data_changes')
        .select((eb) => eb.fn.max('no').as('no'))
        .executeTakeFirst();
      return Number(row?.no ?? 0);
    }
    const { rows } = await sql<{ xmin: string; xmax: string; top: string | number | null }>`
      select pg_snapshot_xmin(pg_current_snapshot())::text as xmin,
             pg_snapshot_xmax(pg_current_snapshot())::text as xmax,
             (select max(no) from data_changes) as top`.execute(db);
    const current = rows[0]!;
    const at = performance.now();
    const xmin = BigInt(current.xmin);
    observations.push({ at, xmax: BigInt(current.xmax), top: Number(current.top ?? 0) });
    for (let i = observations.length - 1; i >= 0; i--) {
      const m = observations[i]!;
      const later = observations.find((o) => o.at >= m.at + 1000);
      if (later && xmin >= later.xmax) {
        settledFloor = Math.max(settledFloor, m.top);
        observations.splice(0, i);
        break;
      }
    }
    // A transaction left open for hours keeps everything unsettled; keep memory bounded.
    if (observations.length > 2000) observations.splice(0, observations.length - 2000);
    return settledFloor;
  }

  // ---- producing ----

  async function resourceInfo(resourceId: string) {
    const resource = await db
      .selectFrom('catalog_resources')
      .select(['id', 'code', 'name', 'no'])
      .where('id', '=', resourceId)
      .executeTakeFirstOrThrow();
    const entry = await catalog.publishedEntry(resourceId);
    const items = entry ? entry.content.dataItems : [];
    return { ...resource, items, keyItems: items.filter((i) => i.isKey).map((i) => i.identifier) };
  }
  type ResourceInfo = Awaited<ReturnType<typeof resourceInfo>>;

  /** The rows a change touched: the versions it wrote, and those it replaced or removed. */
  async function changedRows(resourceNo: number, changeNo: number, withKeys: boolean) {
    const touched = db
      .selectFrom('resource_rows')
      .select('row_key')
      .where('resource_no', '=', resourceNo)
      .where('change_no', '=', changeNo)
      .union(
        db
          .selectFrom('resource_row_history')
          .select('row_key')
          .where('resource_no', '=', resourceNo)
          .where((eb) =>
            eb.or([eb('change_no', '=', changeNo), eb('superseded_by', '=', changeNo)]),
          ),
      );
    const counted = await db
      .selectFrom(touched.as('t'))
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const rowCount = Number(counted.n);
    if (!withKeys || rowCount === 0) return { rowCount, keys: null };
    const keys = await db
      .selectFrom(touched.as('t'))
      .select('row_key')
      .orderBy('row_key')
      .limit(maxKeysPerNotification)
      .execute();
    return { rowCount, keys: keys.map((k) => k.row_key) };
  }

  /** A key as the exchange calls take it: a string, or an object by identifier. */
  function keyValue(
    rowKey: string,
    keyItems: string[],
    masks: Record<string, MaskRule>,
  ): string | Record<string, string> {
    const parts = rowKey.split(KEY_SEPARATOR);
    const values = keyItems.map((item, i) => {
      const rule = masks[item];
      const value = parts[i] ?? '';
      return rule ? String(maskValue(value, rule)) : value;
    });
    if (keyItems.length === 1) return values[0]!;
    return Object.fromEntries(keyItems.map((item, i) => [item, values[i]!]));
  }

  /** Ends a subscription whose grant expired or was revoked; its pending rows fail. */
  async function endForInactiveGrant(subscription: {
    id: string;
    consumer_unit_id: string;
    grant_id: string;
  }) {
    const at = nowIso();
    await withTransaction(db, async (tx) => {
      const ended = await tx
        .updateTable('exchange_subscriptions')
        .set({ status: 'ended', ended_at: at, ended_by: null, end_reason: 'grant_inactive' })
        .where('id', '=', subscription.id)
        .where('status', '=', 'active')
        .executeTakeFirst();
      if (Number(ended.numUpdatedRows) === 0) return;
      await failPending(tx, subscription.id, 'grant_inactive', '授权已过期或已撤销，停止推送', at);
      await audit.appendBy(
        tx,
        { actor: null, clientIp: null, requestId: null },
        {
          action: 'exchange.subscription_end',
          result: 'success',
          target: {
            type: 'exchange_subscription',
            id: subscription.id,
            unitId: subscription.consumer_unit_id,
          },
          grantId: subscription.grant_id,
          detail: { reason: 'grant_inactive' },
        },
      );
    });
  }

  async function failPending(
    tx: Tx,
    subscriptionId: string,
    code: string,
    detail: string,
    at: string,
  ) {
    await tx
      .updateTable('exchange_outbox')
      .set({
        status: 'failed',
        last_error: code,
        last_error_detail: detail,
        lease_until: null,
        leased_by: null,
        last_attempt_at: at,
      })
      .where('subscription_id', '=', subscriptionId)
      .where('status', '=', 'pending')
      .execute();
  }

  /** How many changes one subscription turns into notifications per run. */
  const produceBatch = 500;

  async function produceFor(
    subscription: ExchangeSubscriptionTable,
    settled: number,
    resources: Map<string, ResourceInfo>,
    touchedCache: Map<string, Awaited<ReturnType<typeof changedRows>>>,
  ): Promise<number> {
    const cursor = Number(subscription.last_change_no);
    const after = await db
      .selectFrom('data_changes')
      .select(['no', 'method', 'at'])
      .where('resource_id', '=', subscription.resource_id)
      .where('no', '>', cursor)
      .orderBy('no')
      .limit(produceBatch)
      .execute();
    // Once every change up to the subscription's start is settled, those of them that were
    // still being written when it started are looked for, once.
    const started =
      subscription.start_snapshot !== null && settled >= Number(subscription.start_change_no)
        ? await changesAfterStart(subscription)
        : null;
    const changes = [...(started ?? []), ...after];
    const checkedAt = grantCheckedAt.get(subscription.id) ?? 0;
    let grant: Grant | null = null;
    if (changes.length > 0 || performance.now() - checkedAt > grantCheckMs) {
      grant = await sharing.activeGrant(subscription.grant_id);
      grantCheckedAt.set(subscription.id, performance.now());
      if (!grant) {
        await endForInactiveGrant(subscription);
        return 0;
      }
    }
    const full = after.length === produceBatch;
    const nextCursor = Math.max(
      cursor,
      full ? Math.min(settled, Number(after.at(-1)!.no)) : settled,
    );
    const startDone = started !== null;
    if (changes.length === 0) {
      if (nextCursor > cursor || startDone) {
        await advanceCursor(subscription.id, cursor, nextCursor, [], startDone);
      }
      return 0;
    }
    const done = new Set(
      (
        await db
          .selectFrom('exchange_outbox')
          .select('change_no')
          .where('subscription_id', '=', subscription.id)
          .where('change_no', '>=', Number(changes[0]!.no))
          .execute()
      ).map((r) => Number(r.change_no)),
    );
    let resource = resources.get(subscription.resource_id);
    if (!resource) {
      resource = await resourceInfo(subscription.resource_id);
      resources.set(subscription.resource_id, resource);
    }
    const withKeys =
      resource.keyItems.length > 0 && resource.keyItems.every((k) => grant!.fields.includes(k));
    // Keys leave masked where the grant's query and batch answers mask them.
    const masks = effectiveMasking(
      resource.items,
      resource.keyItems,
      parseMaskDecision(grant!.masking ?? null),
    );
    const at = nowIso();
    const rows: ExchangeOutboxTable[] = [];
    for (const change of changes) {
      const no = Number(change.no);
      if (done.has(no)) continue;
      // Several subscriptions on one resource share what a change touched.
      const cacheKey = `${resource.no}:${no}:${withKeys}`;
      let touched = touchedCache.get(cacheKey);
      if (!touched) {
        touched = await changedRows(resource.no, no, withKeys);
        touchedCache.set(cacheKey, touched);
      }
      // A re-import that changed nothing is no news.
      if (touched.rowCount === 0) continue;
      const id = uuidv7();
      const payload: NotificationPayload = {
        id,
        event: 'resource.rows_changed',
        subscriptionId: subscription.id,
        grantId: subscription.grant_id,
        resource: { id: resource.id, code: resource.code, name: resource.name },
        change: { no, method: change.method, at: change.at, rowCount: touched.rowCount },
        keyItems: withKeys ? resource.keyItems : null,
        keys: touched.keys ? touched.keys.map((k) => keyValue(k, resource.keyItems, masks)) : null,
        masked: withKeys ? resource.keyItems.filter((k) => masks[k]) : [],
        keysTruncated: touched.keys !== null && touched.rowCount > touched.keys.length,
        since: no - 1,
        producedAt: at,
      };
      rows.push({
        id,
        subscription_id: subscription.id,
        change_no: no,
        payload: JSON.stringify(payload),
        row_count: touched.rowCount,
        status: 'pending',
        attempts: 0,
        next_attempt_at: at,
        last_error: null,
        last_error_detail: null,
        last_status_code: null,
        last_attempt_at: null,
        lease_until: null,
        leased_by: null,
        created_at: at,
        queued_at: at,
        delivered_at: null,
      });
    }
    return advanceCursor(subscription.id, cursor, nextCursor, rows, startDone);
  }

  /**
   * PostgreSQL: the subscription's resource's changes numbered up to its start that its
   * start snapshot did not see — committed after the subscription was created. The row's
   * 32-bit xmin is widened to the snapshot's 64-bit epoch (the nearer of the two
   * candidates); frozen rows (xmin 2) are old by definition.
   */
  async function changesAfterStart(subscription: ExchangeSubscriptionTable) {
    const snapshot = subscription.start_snapshot!;
    const { rows } = await sql<{ no: number; method: string; at: string }>`
      with s as (
        select ${snapshot}::pg_snapshot as snap,
               pg_snapshot_xmax(${snapshot}::pg_snapshot)::text::bigint as xmax
      )
      select c.no, c.method, c.at from data_changes c, s
      where c.resource_id = ${subscription.resource_id}
        and c.no <= ${Number(subscription.start_change_no)}
        and c.xmin::text::bigint > 2
        and not pg_visible_in_snapshot(
          (s.xmax + ((c.xmin::text::bigint - s.xmax % 4294967296 + 6442450944) % 4294967296
                     - 2147483648))::text::xid8,
          s.snap)
      order by c.no`.execute(db);
    return rows;
  }

  /** Inserts the notifications and moves the cursor, in one transaction. */
  async function advanceCursor(
    subscriptionId: string,
    cursor: number,
    nextCursor: number,
    rows: ExchangeOutboxTable[],
    startDone = false,
  ): Promise<number> {
    return withTransaction(db, async (tx) => {
      let q = tx
        .selectFrom('exchange_subscriptions')
        .select(['status', 'last_change_no'])
        .where('id', '=', subscriptionId);
      if (ctx.engine === 'postgres') q = q.forUpdate();
      const current = await q.executeTakeFirst();
      // Cancelled meanwhile, or another instance got here first: its run covers this one.
      if (current?.status !== 'active' || Number(current.last_change_no) !== cursor) return 0;
      let inserted = 0;
      for (let i = 0; i < rows.length; i += 100) {
        const result = await tx
          .insertInto('exchange_outbox')
          .values(rows.slice(i, i + 100))
          .onConflict((oc) => oc.columns(['subscription_id', 'change_no']).doNothing())
          .executeTakeFirst();
        inserted += Number(result.numInsertedOrUpdatedRows ?? 0);
      }
      if (nextCursor > cursor || startDone) {
        await tx
          .updateTable('exchange_subscriptions')
          .set({
            last_change_no: nextCursor,
            ...(startDone ? { start_change_no: null, start_snapshot: null } : {}),
          })
          .where('id', '=', subscriptionId)
          .execute();
      }
      return inserted;
    });
  }

  async function produce(): Promise<number> {
    const settled = await settledChangeNo();
    const subscriptions = await db
      .selectFrom('exchange_subscriptions')
      .selectAll()
      .where('status', '=', 'active')
      .orderBy('id')
      .execute();
    const resources = new Map<string, ResourceInfo>();
    const touchedCache = new Map<string, Awaited<ReturnType<typeof changedRows>>>();
    let produced = 0;
    for (const subscription of subscriptions) {
      if (stopping) break;
      produced += await produceFor(subscription, settled, resources, touchedCache);
    }
    return produced;
  }

  // ---- delivering ----

  const backoffMs = (attempt: number) => {
    const base = Math.min(maxRetryMs, settings.retrySeconds * 1000 * 2 ** Math.max(0, attempt - 1));
    return Math.round(base * (0.8 + Math.random() * 0.4));
  };

  /** Claims due pending rows for this instance until the lease ends. */
  async function claim(): Promise<Claimed[]> {
    const now = nowIso();
    const until = new Date(ctx.clock.now().getTime() + leaseMs).toISOString();
    let due = db
      .selectFrom('exchange_outbox')
      .select('id')
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', now)
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
      .orderBy('next_attempt_at')
      .limit(claimBatch);
    if (ctx.engine === 'postgres') due = due.forUpdate().skipLocked();
    return db
      .updateTable('exchange_outbox')
      .set({ lease_until: until, leased_by: instanceId })
      .where('id', 'in', due)
      .returning([
        'id',
        'subscription_id',
        'change_no',
        'payload',
        'row_count',
        'attempts',
        'queued_at',
      ])
      .execute();
  }
  type Claimed = Pick<
    ExchangeOutboxTable,
    'id' | 'subscription_id' | 'change_no' | 'payload' | 'row_count' | 'attempts' | 'queued_at'
  >;

  const release = (ids: string[], nextAttemptAt?: string) =>
    ids.length === 0
      ? Promise.resolve()
      : db
          .updateTable('exchange_outbox')
          .set({
            lease_until: null,
            leased_by: null,
            ...(nextAttemptAt ? { next_attempt_at: nextAttemptAt } : {}),
          })
          .where('id', 'in', ids)
          .where('leased_by', '=', instanceId)
          .where('status', '=', 'pending')
          .execute()
          .then(() => undefined);

  interface Target {
    id: string;
    url: string;
    secret: string;
    signature: ExchangeSubscriptionTable['signature'];
    status: ExchangeSubscriptionTable['status'];
    grant_id: string;
    consumer_unit_id: string;
    unit_name: string;
  }

  /** Delivers one claimed row; records the outcome and audits it. */
  async function deliverOne(
    target: Target,
    grant: Grant,
    row: Claimed,
    audits: Promise<number>[],
  ): Promise<DeliveryResult> {
    const body = row.payload;
    const timestamp = String(ctx.clock.now().getTime());
    const text = webhookStringToSign(timestamp, row.id, body);
    const headers: Record<string, string> = {
      [webhookHeaders.notification]: row.id,
      [webhookHeaders.subscription]: target.id,
      [webhookHeaders.timestamp]: timestamp,
      [webhookHeaders.signature]: webhookSignature(openSecret(target.secret), text),
    };
    if (target.signature === 'hmac-sm3+sm2') {
      headers[webhookHeaders.sm2Signature] = (await keys.sign(text)).signature;
    }
    const result = await postWebhook(target.url, headers, body, {
      allowPrivate: settings.allowPrivate,
    });
    const at = ctx.clock.now();
    const attempts = row.attempts + 1;
    if (result.kind === 'delivered') {
      await db
        .updateTable('exchange_outbox')
        .set({
          status: 'delivered',
          attempts,
          delivered_at: at.toISOString(),
          last_attempt_at: at.toISOString(),
          last_status_code: result.status,
          last_error: null,
          last_error_detail: null,
          lease_until: null,
          leased_by: null,
        })
        .where('id', '=', row.id)
        .where('status', '=', 'pending')
        .execute();
    } else {
      const next = new Date(at.getTime() + backoffMs(attempts));
      const giveUpAt = new Date(row.queued_at).getTime() + settings.giveUpHours * 3600_000;
      await db
        .updateTable('exchange_outbox')
        .set({
          status:
            next.getTime() > giveUpAt || attempts >= settings.maxAttempts ? 'failed' : 'pending',
          attempts,
          next_attempt_at: next.toISOString(),
          last_attempt_at: at.toISOString(),
          last_status_code: result.status,
          last_error: result.code,
          last_error_detail: result.detail,
          lease_until: null,
          leased_by: null,
        })
        .where('id', '=', row.id)
        .where('status', '=', 'pending')
        .execute();
    }
    const payload = JSON.parse(body) as NotificationPayload;
    // Committed with the entries of the other deliveries (group commit); awaited per group.
    const audited = audit.enqueue({
      action: 'exchange.subscription_deliver',
      result: result.kind === 'delivered' ? 'success' : 'failure',
      actor: {
        id: target.id,
        name: `${target.unit_name}（订阅推送）`,
        unitId: target.consumer_unit_id,
      },
      target: { type: 'catalog_entry', id: grant.resource_id, unitId: grant.provider_unit_id },
      grantId: grant.id,
      purpose: grant.purpose,
      fields: payload.keyItems ?? [],
      recordCount: row.row_count,
      detail: {
        notificationId: row.id,
        changeNo: Number(row.change_no),
        attempt: attempts,
        ...(result.kind === 'delivered'
          ? { status: result.status }
          : { status: result.status, error: result.code }),
      },
    });
    // Marked handled now: a failure surfaces from the group's Promise.all, not as unhandled.
    audited.catch(() => undefined);
    audits.push(audited);
    return result;
  }

  /** One subscription's claimed rows, in change order, stopping at the first failure. */
  async function deliverGroup(target: Target | undefined, rows: Claimed[], leaseEnds: number) {
    const outcome = { delivered: 0, retried: 0 };
    if (!target || target.status !== 'active') {
      await release(rows.map((r) => r.id));
      return outcome;
    }
    const grant = await sharing.activeGrant(target.grant_id);
    if (!grant) {
      await endForInactiveGrant(target);
      await release(rows.map((r) => r.id));
      return outcome;
    }
    rows.sort((a, b) => Number(a.change_no) - Number(b.change_no));
    const timeout = deliveryTimeoutMs;
    const audits: Promise<number>[] = [];
    for (let i = 0; i < rows.length; i++) {
      // Never start what might outlive the lease; stopping hands the rest back at once.
      if (stopping || performance.now() + timeout + 1000 > leaseEnds) {
        await release(rows.slice(i).map((r) => r.id));
        break;
      }
      const result = await deliverOne(target, grant, rows[i]!, audits);
      if (result.kind === 'delivered') {
        outcome.delivered++;
        continue;
      }
      outcome.retried++;
      const failed = await db
        .selectFrom('exchange_outbox')
        .select('next_attempt_at')
        .where('id', '=', rows[i]!.id)
        .executeTakeFirst();
      await release(
        rows.slice(i + 1).map((r) => r.id),
        failed?.next_attempt_at,
      );
      break;
    }
    await Promise.all(audits);
    return outcome;
  }

  /** Claims and delivers one batch; returns how many rows were claimed. */
  async function deliverBatch(): Promise<{ claimed: number; delivered: number; retried: number }> {
    const claimedAt = performance.now();
    const rows = await claim();
    if (rows.length === 0) return { claimed: 0, delivered: 0, retried: 0 };
    const ids = [...new Set(rows.map((r) => r.subscription_id))];
    const targets = await db
      .selectFrom('exchange_subscriptions as s')
      .innerJoin('units as u', 'u.id', 's.consumer_unit_id')
      .select([
        's.id',
        's.url',
        's.secret',
        's.signature',
        's.status',
        's.grant_id',
        's.consumer_unit_id',
        'u.name as unit_name',
      ])
      .where('s.id', 'in', ids)
      .execute();
    const byId = new Map(targets.map((t) => [t.id, t]));
    const groups = ids.map((id) => ({
      target: byId.get(id),
      rows: rows.filter((r) => r.subscription_id === id),
    }));
    const total = { claimed: rows.length, delivered: 0, retried: 0 };
    const leaseEnds = claimedAt + leaseMs;
    // A few subscriptions at a time; each one's rows in order.
    const workers = Array.from(
      { length: Math.min(parallelSubscriptions, groups.length) },
      async () => {
        for (let group = groups.shift(); group; group = groups.shift()) {
          const outcome = await deliverGroup(group.target, group.rows, leaseEnds);
          total.delivered += outcome.delivered;
          total.retried += outcome.retried;
        }
      },
    );
    await Promise.all(workers);
    return total;
  }

  return {
    produce,
    deliverBatch,
    failPending,
    /** Asks running deliveries to hand back what they have not started. */
    stop() {
      stopping = true;
    },
    get stopping() {
      return stopping;
    },
  };
}

export type Outbox = ReturnType<typeof createOutbox>;
