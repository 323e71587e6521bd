/**
 * Subscriptions (订阅推送, EXC-04): a consumer unit registers a webhook on one of its grants
 * and is notified of every change to the granted resource's rows. A notification carries the
 * change's metadata and — when the grant includes the key items — the keys of the rows it
 * touched, never field values: the consumer fetches those through query or batch `since`,
 * within its grant. Notifications wait in the outbox (./outbox.ts) until the receiver
 * acknowledges them, across restarts and receiver outages.
 *
 * Every registration and cancellation is audited in its transaction; every delivery attempt
 * through the group-commit path.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { withTransaction } from '../../db/transaction.ts';
import type {
  ExchangeOutboxTable,
  ExchangeSubscriptionTable,
} from '../../db/tables/subscriptions.ts';
import { decodeCursor, encodeCursor } from '../../lib/cursor.ts';
import { AppError } from '../../server/errors.ts';
import type { AppContext } from '../../server/context.ts';
import type { AuditContext, AuditService } from '../audit/service.ts';
import type { CatalogService } from '../catalog/service.ts';
import type { SessionUser } from '../iam/auth.ts';
import type { KeyService } from '../keys/service.ts';
import type { SharingService } from '../sharing/service.ts';
import { claimBatch, createOutbox } from './outbox.ts';
import { checkWebhookUrl } from './subscriptions-webhook.ts';

export type SignatureOption = ExchangeSubscriptionTable['signature'];

export interface Subscription {
  id: string;
  grantId: string;
  url: string;
  label: string;
  signature: SignatureOption;
  status: ExchangeSubscriptionTable['status'];
  /** cancelled (by the consumer) or grant_inactive (the grant expired or was revoked). */
  endReason: string | null;
  createdAt: string;
  endedAt: string | null;
  counts: { pending: number; delivered: number; failed: number };
  lastDeliveredAt: string | null;
}

export interface Delivery {
  id: string;
  changeNo: number;
  rowCount: number;
  status: ExchangeOutboxTable['status'];
  attempts: number;
  createdAt: string;
  /** When the next attempt is due (pending only). */
  nextAttemptAt: string | null;
  lastAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  lastErrorDetail: string | null;
  deliveredAt: string | null;
}

/** Active subscriptions one grant may hold (a receiver per system and environment). */
const maxActivePerGrant = 5;

/** The SM2 public key as an X.509 SubjectPublicKeyInfo PEM, for OpenSSL and Java. */
function sm2PublicKeyPem(publicKeyHex: string): string | null {
  if (!/^04[0-9a-f]{128}$/i.test(publicKeyHex)) return null;
  // SEQUENCE { SEQUENCE { id-ecPublicKey, sm2p256v1 }, BIT STRING 04‖x‖y }
  const der = Buffer.from(
    `3059301306072a8648ce3d020106082a811ccf5501822d034200${publicKeyHex}`,
    'hex',
  );
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN PUBLIC KEY-----\n${lines.join('\n')}\n-----END PUBLIC KEY-----\n`;
}

export function createSubscriptionService(
  ctx: AppContext,
  deps: {
    audit: AuditService;
    catalog: CatalogService;
    sharing: SharingService;
    keys: KeyService;
  },
) {
  const { db } = ctx;
  const { audit, sharing, keys } = deps;
  const now = () => ctx.clock.now().toISOString();
  const allowPrivate = ctx.config.webhookAllowPrivate === true;
  const outbox = createOutbox(ctx, deps, {
    retrySeconds: ctx.config.webhookRetrySeconds ?? 5,
    giveUpHours: ctx.config.webhookGiveUpHours ?? 72,
    maxAttempts: ctx.config.webhookMaxAttempts ?? 100,
    allowPrivate,
  });

  /** A subscription of the caller's unit, or not found (another unit's is not told apart). */
  async function ownSubscription(id: string, user: SessionUser) {
    const row = await db
      .selectFrom('exchange_subscriptions')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row || row.consumer_unit_id !== user.unitId) {
      throw new AppError('not_found', 'exchange.subscription_not_found', '本单位没有该订阅');
    }
    return row;
  }

  async function toSubscriptions(rows: ExchangeSubscriptionTable[]): Promise<Subscription[]> {
    if (rows.length === 0) return [];
    const counts = await db
      .selectFrom('exchange_outbox')
      .select([
        'subscription_id',
        'status',
        (eb) => eb.fn.countAll<number>().as('n'),
        (eb) => eb.fn.max('delivered_at').as('last'),
      ])
      .where(
        'subscription_id',
        'in',
        rows.map((r) => r.id),
      )
      .groupBy(['subscription_id', 'status'])
      .execute();
    return rows.map((r) => {
      const mine = counts.filter((c) => c.subscription_id === r.id);
      const count = (status: string) => Number(mine.find((c) => c.status === status)?.n ?? 0);
      return {
        id: r.id,
        grantId: r.grant_id,
        url: r.url,
        label: r.label,
        signature: r.signature,
        status: r.status,
        endReason: r.end_reason,
        createdAt: r.created_at,
        endedAt: r.ended_at,
        counts: {
          pending: count('pending'),
          delivered: count('delivered'),
          failed: count('failed'),
        },
        lastDeliveredAt: mine.find((c) => c.status === 'delivered')?.last ?? null,
      };
    });
  }

  let loop: { timer: NodeJS.Timeout | null; running: Promise<void> | null } | null = null;

  const service = {
    /**
     * Registers a webhook on a grant of the caller's unit; the secret is shown only now.
     * Changes committed from now on are notified.
     */
    async create(
      input: { grantId: string; url: string; label: string; signature: SignatureOption },
      user: SessionUser,
      by: AuditContext,
    ) {
      const grantRow = await db
        .selectFrom('sharing_grants')
        .select(['id', 'consumer_unit_id'])
        .where('id', '=', input.grantId)
        .executeTakeFirst();
      if (!grantRow || grantRow.consumer_unit_id !== user.unitId) {
        throw new AppError('not_found', 'sharing.grant_not_found', '本单位没有该授权');
      }
      const grant = await sharing.activeGrant(input.grantId);
      if (!grant) {
        throw new AppError(
          'conflict',
          'exchange.grant_inactive',
          '授权尚未交付、已过期或已撤销，不能订阅',
        );
      }
      if (!grant.modes.includes('subscribe')) {
        throw new AppError(
          'forbidden',
          'exchange.mode_not_granted',
          '授权的使用方式不包含“订阅推送”：请在共享申请中申请该使用方式',
        );
      }
      const problem = await checkWebhookUrl(input.url, { allowPrivate });
      if (problem) throw new AppError('invalid', problem.code, problem.detail);
      const id = `mzs_${randomBytes(10).toString('hex')}`;
      const secret = randomBytes(32).toString('base64url');
      const at = now();
      await withTransaction(db, async (tx) => {
        const active = await tx
          .selectFrom('exchange_subscriptions')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('grant_id', '=', grant.id)
          .where('status', '=', 'active')
          .executeTakeFirstOrThrow();
        if (Number(active.n) >= maxActivePerGrant) {
          throw new AppError(
            'conflict',
            'exchange.subscription_limit',
            `每项授权最多同时保留 ${maxActivePerGrant} 个有效订阅，请先取消不用的订阅`,
          );
        }
        // From the newest change committed now: earlier ones are in the batch copy. On
        // PostgreSQL a change numbered below it may still be being written; the snapshot
        // taken with it lets the dispatcher find such changes once they commit.
        let newest: number;
        let snapshot: string | null = null;
        if (ctx.engine === 'postgres') {
          const { rows } = await sql<{ snap: string; no: number | null }>`
            select pg_current_snapshot()::text as snap,
                   (select max(no) from data_changes where resource_id = ${grant.resource_id}) as no
          `.execute(tx);
          newest = Number(rows[0]?.no ?? 0);
          snapshot = rows[0]?.no === null ? null : (rows[0]?.snap ?? null);
        } else {
          const row = await tx
            .selectFrom('data_changes')
            .select((eb) => eb.fn.max('no').as('no'))
            .where('resource_id', '=', grant.resource_id)
            .executeTakeFirst();
          newest = Number(row?.no ?? 0);
        }
        await tx
          .insertInto('exchange_subscriptions')
          .values({
            id,
            grant_id: grant.id,
            consumer_unit_id: user.unitId,
            resource_id: grant.resource_id,
            url: input.url,
            secret: ctx.config.masterKey.seal(secret),
            signature: input.signature,
            label: input.label,
            status: 'active',
            last_change_no: newest,
            start_change_no: snapshot ? newest : null,
            start_snapshot: snapshot,
            created_at: at,
            created_by: user.id,
            ended_at: null,
            ended_by: null,
            end_reason: null,
          })
          .execute();
        await audit.appendBy(tx, by, {
          action: 'exchange.subscription_create',
          result: 'success',
          target: { type: 'exchange_subscription', id, unitId: user.unitId },
          grantId: grant.id,
          detail: { url: input.url, signature: input.signature, label: input.label },
        });
      });
      const [created] = await toSubscriptions([
        await db
          .selectFrom('exchange_subscriptions')
          .selectAll()
          .where('id', '=', id)
          .executeTakeFirstOrThrow(),
      ]);
      return { ...created!, secret };
    },

    /** The subscriptions of a grant of the caller's unit, with their delivery counts. */
    async list(grantId: string, user: SessionUser): Promise<Subscription[]> {
      const rows = await db
        .selectFrom('exchange_subscriptions')
        .selectAll()
        .where('grant_id', '=', grantId)
        .where('consumer_unit_id', '=', user.unitId)
        .orderBy('created_at', 'desc')
        .execute();
      return toSubscriptions(rows);
    },

    /** Stops a subscription at once; what was still pending is marked failed. */
    async cancel(id: string, user: SessionUser, by: AuditContext): Promise<Subscription> {
      const row = await ownSubscription(id, user);
      if (row.status !== 'active') {
        throw new AppError('conflict', 'exchange.subscription_ended', '该订阅已取消或已终止');
      }
      const at = now();
      await withTransaction(db, async (tx) => {
        await tx
          .updateTable('exchange_subscriptions')
          .set({ status: 'cancelled', ended_at: at, ended_by: user.id, end_reason: 'cancelled' })
          .where('id', '=', id)
          .execute();
        await outbox.failPending(tx, id, 'subscription_cancelled', '订阅已取消，不再推送', at);
        await audit.appendBy(tx, by, {
          action: 'exchange.subscription_cancel',
          result: 'success',
          target: { type: 'exchange_subscription', id, unitId: user.unitId },
          grantId: row.grant_id,
        });
      });
      return (await service.list(row.grant_id, user)).find((s) => s.id === id)!;
    },

    /** A subscription's notifications, newest change first, with how their delivery went. */
    async deliveries(
      id: string,
      user: SessionUser,
      query: {
        status?: ExchangeOutboxTable['status'] | undefined;
        cursor?: string | undefined;
        limit: number;
      },
    ): Promise<{ items: Delivery[]; nextCursor: string | null }> {
      await ownSubscription(id, user);
      let q = db
        .selectFrom('exchange_outbox')
        .select([
          'id',
          'change_no',
          'row_count',
          'status',
          'attempts',
          'created_at',
          'next_attempt_at',
          'last_attempt_at',
          'last_status_code',
          'last_error',
          'last_error_detail',
          'delivered_at',
        ])
        .where('subscription_id', '=', id);
      if (query.status) q = q.where('status', '=', query.status);
      if (query.cursor) {
        const key = decodeCursor(query.cursor, 1);
        if (!key || typeof key[0] !== 'number') {
          throw new AppError('invalid', 'cursor.invalid', '分页游标无效');
        }
        q = q.where('change_no', '<', key[0]);
      }
      const rows = await q
        .orderBy('change_no', 'desc')
        .limit(query.limit + 1)
        .execute();
      const page = rows.slice(0, query.limit);
      return {
        items: page.map((r) => ({
          id: r.id,
          changeNo: Number(r.change_no),
          rowCount: r.row_count,
          status: r.status,
          attempts: r.attempts,
          createdAt: r.created_at,
          nextAttemptAt: r.status === 'pending' ? r.next_attempt_at : null,
          lastAttemptAt: r.last_attempt_at,
          lastStatusCode: r.last_status_code,
          lastError: r.last_error,
          lastErrorDetail: r.last_error_detail,
          deliveredAt: r.delivered_at,
        })),
        nextCursor:
          rows.length > query.limit ? encodeCursor([Number(page.at(-1)!.change_no)]) : null,
      };
    },

    /**
     * Puts failed notifications back in the queue (all of the subscription's, or the given
     * ones): they are tried again at once, with the backoff and give-up age starting afresh.
     */
    async requeue(
      id: string,
      notificationIds: string[] | undefined,
      user: SessionUser,
      by: AuditContext,
    ): Promise<{ requeued: number }> {
      const row = await ownSubscription(id, user);
      if (row.status !== 'active') {
        throw new AppError(
          'conflict',
          'exchange.subscription_ended',
          '该订阅已取消或已终止，不能重新推送；如需继续接收，请新建订阅',
        );
      }
      if (!(await sharing.activeGrant(row.grant_id))) {
        throw new AppError(
          'conflict',
          'exchange.grant_inactive',
          '授权已过期或已撤销，不能重新推送',
        );
      }
      const at = now();
      return withTransaction(db, async (tx) => {
        let q = tx
          .updateTable('exchange_outbox')
          .set({
            status: 'pending',
            attempts: 0,
            next_attempt_at: at,
            queued_at: at,
            lease_until: null,
            leased_by: null,
          })
          .where('subscription_id', '=', id)
          .where('status', '=', 'failed');
        if (notificationIds)
          q = q.where('id', 'in', notificationIds.length ? notificationIds : ['']);
        const result = await q.executeTakeFirst();
        const requeued = Number(result.numUpdatedRows);
        await audit.appendBy(tx, by, {
          action: 'exchange.subscription_requeue',
          result: 'success',
          target: { type: 'exchange_subscription', id, unitId: user.unitId },
          grantId: row.grant_id,
          recordCount: requeued,
        });
        return { requeued };
      });
    },

    /** The platform's SM2 public key that x-mzhub-sm2-signature verifies against. */
    async webhookKey() {
      const publicKey = await keys.publicKey();
      return {
        algorithm: 'SM2-with-SM3' as const,
        userId: '1234567812345678',
        publicKey,
        publicKeyPem: sm2PublicKeyPem(publicKey),
      };
    },

    /**
     * One pass of the dispatcher: produce notifications for new changes, then deliver what
     * is due, batch after batch while batches come back full.
     */
    async runOnce(): Promise<{ produced: number; delivered: number; retried: number }> {
      const produced = await outbox.produce();
      const total = { produced, delivered: 0, retried: 0 };
      for (let round = 0; round < 20 && !outbox.stopping; round++) {
        const batch = await outbox.deliverBatch();
        total.delivered += batch.delivered;
        total.retried += batch.retried;
        if (batch.claimed < claimBatch || batch.delivered === 0) break;
      }
      return total;
    },

    /** Runs the dispatcher every `intervalMs` until `stop()` (mzhub serve). */
    start(settings: { intervalMs: number; onError: (error: unknown) => void }) {
      if (loop) return;
      const state: { timer: NodeJS.Timeout | null; running: Promise<void> | null } = {
        timer: null,
        running: null,
      };
      loop = state;
      const tick = () => {
        state.timer = null;
        state.running = service
          .runOnce()
          .then(
            () => undefined,
            (error: unknown) => settings.onError(error),
          )
          .finally(() => {
            state.running = null;
            if (!outbox.stopping) state.timer = setTimeout(tick, settings.intervalMs);
          });
      };
      state.timer = setTimeout(tick, 0);
    },

    /**
     * Stops the dispatcher: deliveries under way finish (within the delivery timeout) and
     * claimed rows not yet started are handed back for the next instance or start.
     */
    async stop(): Promise<void> {
      outbox.stop();
      if (!loop) return;
      if (loop.timer) clearTimeout(loop.timer);
      await loop.running;
      loop = null;
    },
  };
  return service;
}

export type SubscriptionService = ReturnType<typeof createSubscriptionService>;
