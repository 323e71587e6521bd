import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import pg from 'pg';
import { sm2Verify } from '../../lib/sm2.ts';
import { testEngines } from '../../../tests/helpers/engines.ts';
import { createTestPlatform, type TestPlatform } from '../../../tests/helpers/platform.ts';
import {
  citizen,
  startReceiver,
  subscriptionCast,
  type Receiver,
  type SubscriptionCast,
} from '../../../tests/helpers/subscriptions.ts';
import type { NotificationPayload } from './outbox.ts';
import { createSubscriptionService } from './subscriptions.ts';
import {
  checkWebhookUrl,
  postWebhook,
  verifyWebhook,
  webhookStringToSign,
} from './subscriptions-webhook.ts';

const headersOf = (h: Record<string, string | string[] | undefined>) =>
  Object.fromEntries(Object.entries(h).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));

for (const engine of testEngines()) {
  describe(`exchange: subscriptions and webhook delivery (${engine})`, () => {
    let t: TestPlatform;
    let s: SubscriptionCast;
    let receiver: Receiver;
    /** A grant with the key item and the subscribe mode. */
    let grantId: string;

    const subscribe = async (
      body: { grantId?: string; url?: string; signature?: string; label?: string },
      as = s.applicant,
    ) =>
      t.http('POST', '/api/v1/exchange/subscriptions', {
        as,
        body: { grantId, url: receiver.url, label: '就业系统', ...body },
      });
    const deliveries = async (id: string) =>
      (
        await t.http('GET', `/api/v1/exchange/subscriptions/${id}/deliveries`, {
          as: s.applicant,
        })
      ).body.items as {
        id: string;
        changeNo: number;
        status: string;
        attempts: number;
        nextAttemptAt: string | null;
        lastError: string | null;
        lastStatusCode: number | null;
      }[];
    const run = () => t.services.subscriptions.runOnce();
    const cancelAll = async (grant: string) => {
      const list = await t.http('GET', `/api/v1/exchange/subscriptions?grantId=${grant}`, {
        as: s.applicant,
      });
      for (const sub of list.body.items as { id: string; status: string }[]) {
        if (sub.status === 'active') {
          await t.http('POST', `/api/v1/exchange/subscriptions/${sub.id}/cancel`, {
            as: s.applicant,
          });
        }
      }
    };

    before(async () => {
      t = await createTestPlatform(engine, { webhookAllowPrivate: true, webhookRetrySeconds: 5 });
      s = await subscriptionCast(t);
      receiver = await startReceiver();
      await s.saveRow(0);
      // The provider lets the ID number through in clear for this grant.
      grantId = await s.grant(['id_number', 'name', 'category'], ['query', 'subscribe'], {
        id_number: 'none',
      });
    });
    after(async () => {
      await receiver.close();
      await t.close();
    });
    // Each test starts with no active subscription on the main grant and a receiver that is up.
    beforeEach(async () => {
      if (!t) return;
      await cancelAll(grantId);
      receiver.mode = 'up';
    });
    /** What reached the receiver for one subscription, after `from` requests. */
    const receivedBy = (subscriptionId: string, from = 0) =>
      receiver.requests
        .slice(from)
        .filter((r) => r.headers['x-mzhub-subscription-id'] === subscriptionId);

    test('[EXC-04] each change to the granted data is pushed as a notification signed with HMAC-SM3 and SM2 that the receiver verifies', async () => {
      const hmac = await subscribe({ label: '就业系统生产环境' });
      assert.equal(hmac.status, 201, JSON.stringify(hmac.body));
      assert.match(hmac.body.id, /^mzs_[0-9a-f]{20}$/);
      assert.equal(hmac.body.status, 'active');
      const sm2 = await subscribe({ signature: 'hmac-sm3+sm2', label: '国密验签' });
      assert.equal(sm2.status, 201, JSON.stringify(sm2.body));
      // The secret is shown once: the list never carries it.
      const list = await t.http('GET', `/api/v1/exchange/subscriptions?grantId=${grantId}`, {
        as: s.applicant,
      });
      assert.equal(list.body.items.length, 2);
      assert.ok(!JSON.stringify(list.body).includes(hmac.body.secret));

      // A change before the run: nothing earlier than the subscription is sent.
      const key = await s.saveRow(1, 1620);
      await run();
      const got = receiver.requests.filter((r) => r.answered < 300);
      assert.equal(got.length, 2, 'one notification per subscription');
      for (const delivery of got) {
        const headers = headersOf(delivery.headers);
        const sub = headers['x-mzhub-subscription-id'] === hmac.body.id ? hmac.body : sm2.body;
        assert.ok(
          verifyWebhook(
            sub.secret as string,
            { headers, body: delivery.body },
            {
              now: t.clock.now().getTime(),
            },
          ),
          'HMAC-SM3 verifies with the subscription secret',
        );
        assert.ok(
          !verifyWebhook(
            sub.secret as string,
            { headers, body: delivery.body.replace('"rowCount":1', '"rowCount":2') },
            { now: t.clock.now().getTime() },
          ),
          'a changed body does not verify',
        );
        assert.ok(
          !verifyWebhook(
            'another-secret',
            { headers, body: delivery.body },
            {
              now: t.clock.now().getTime(),
            },
          ),
        );
        const payload = JSON.parse(delivery.body) as NotificationPayload;
        assert.equal(payload.id, headers['x-mzhub-notification-id']);
        assert.equal(payload.subscriptionId, sub.id);
        assert.equal(payload.event, 'resource.rows_changed');
        assert.equal(payload.resource.id, s.entryId);
        assert.equal(payload.change.rowCount, 1);
        assert.equal(payload.change.method, 'form');
        assert.deepEqual(payload.keyItems, ['id_number']);
        assert.deepEqual(payload.keys, [key]);
        assert.deepEqual(payload.masked, []);
        assert.equal(payload.since, payload.change.no - 1);
        // Change metadata and keys only, never field values.
        assert.ok(!delivery.body.includes('优抚对象1') && !delivery.body.includes('1620'));
        if (sub.id === sm2.body.id) {
          const published = await t.http('GET', '/api/v1/exchange/webhook-key');
          assert.equal(published.status, 200);
          assert.match(published.body.publicKeyPem, /^-----BEGIN PUBLIC KEY-----/);
          const text = webhookStringToSign(
            headers['x-mzhub-timestamp']!,
            payload.id,
            delivery.body,
          );
          assert.ok(
            sm2Verify(text, headers['x-mzhub-sm2-signature']!, published.body.publicKey),
            'SM2 signature verifies with the published platform key',
          );
          assert.ok(
            !sm2Verify(`${text}x`, headers['x-mzhub-sm2-signature']!, published.body.publicKey),
          );
        } else {
          assert.equal(headers['x-mzhub-sm2-signature'], undefined);
        }
      }
      // Delivered, counted, audited.
      const [first] = await deliveries(hmac.body.id as string);
      assert.equal(first!.status, 'delivered');
      assert.equal(first!.attempts, 1);
      const counted = await t.http('GET', `/api/v1/exchange/subscriptions?grantId=${grantId}`, {
        as: s.applicant,
      });
      assert.deepEqual(
        counted.body.items.map((i: { counts: unknown }) => i.counts),
        [
          { pending: 0, delivered: 1, failed: 0 },
          { pending: 0, delivered: 1, failed: 0 },
        ],
      );
      const audited = await t.handle.db
        .selectFrom('audit_entries')
        .select([
          'action',
          'result',
          'grant_id',
          'purpose',
          'record_count',
          'actor_id',
          'target_unit_id',
        ])
        .where('grant_id', '=', grantId)
        .where('action', 'in', ['exchange.subscription_create', 'exchange.subscription_deliver'])
        .execute();
      assert.equal(audited.filter((a) => a.action === 'exchange.subscription_create').length, 2);
      const delivered = audited.filter((a) => a.action === 'exchange.subscription_deliver');
      assert.equal(delivered.length, 2);
      assert.ok(delivered.every((a) => a.result === 'success' && a.record_count === 1));
      assert.ok(delivered.every((a) => a.target_unit_id === s.cast.providerUnitId));
      assert.equal(delivered[0]!.purpose, '认定就业困难人员时及时获知优抚对象的变动');
      // A second run finds nothing new: the notification is not produced twice.
      await run();
      assert.equal(receiver.requests.length, 2);
    });

    test('[EXC-04] keys are masked as the grant masks them; a grant without the key items gets no keys', async () => {
      const masked = await s.grant(['id_number', 'name'], ['batch', 'subscribe']);
      const sub = await subscribe({ grantId: masked });
      assert.equal(sub.status, 201, JSON.stringify(sub.body));
      const before = receiver.requests.length;
      const key = await s.saveRow(6, 1700);
      await run();
      const [delivery] = receivedBy(sub.body.id as string, before);
      const payload = JSON.parse(delivery!.body) as NotificationPayload;
      // ID numbers are sensitive: 6 + 4 characters, as the batch copy shows them.
      assert.deepEqual(payload.keys, [`${key.slice(0, 6)}********${key.slice(-4)}`]);
      assert.deepEqual(payload.masked, ['id_number']);
      assert.ok(!delivery!.body.includes(key));
      await cancelAll(masked);
    });

    test('[EXC-04] a grant without the key items gets the change without keys; an unchanged save is no news', async () => {
      const noKey = await s.grant(['name', 'category'], ['subscribe']);
      const sub = await subscribe({ grantId: noKey });
      assert.equal(sub.status, 201, JSON.stringify(sub.body));
      const before = receiver.requests.length;
      await s.saveRow(2);
      await s.saveRow(2); // the same values again: no change is recorded
      await run();
      const mine = receivedBy(sub.body.id as string, before);
      assert.equal(mine.length, 1);
      const payload = JSON.parse(mine[0]!.body) as NotificationPayload;
      assert.equal(payload.keys, null);
      assert.equal(payload.keyItems, null);
      assert.equal(payload.change.rowCount, 1);
      assert.ok(!mine[0]!.body.includes(citizen(2)));
      await cancelAll(noKey);
    });

    test('[EXC-04] a receiver that is down: notifications stay pending with growing backoff, then all arrive in order once it is up; none is lost', async () => {
      const sub = await subscribe({});
      const id = sub.body.id as string;
      receiver.mode = 'down';
      const before = receiver.requests.length;
      for (const i of [3, 4, 5]) await s.saveRow(i);
      await run();
      // One attempt, not three: the others wait for the same retry time.
      assert.equal(receivedBy(id, before).length, 1);
      let rows = await deliveries(id);
      assert.deepEqual(
        rows.map((r) => r.status),
        ['pending', 'pending', 'pending'],
      );
      const oldest = rows.at(-1)!;
      assert.equal(oldest.attempts, 1);
      assert.equal(oldest.lastError, 'http_status');
      assert.equal(oldest.lastStatusCode, 503);
      const wait1 = Date.parse(oldest.nextAttemptAt!) - t.clock.now().getTime();
      assert.ok(wait1 >= 3500 && wait1 <= 6500, `first retry after about 5 s (${wait1} ms)`);
      // Not due yet: nothing is sent.
      await run();
      assert.equal(receivedBy(id, before).length, 1);
      t.clock.advance(wait1 + 10);
      await run();
      rows = await deliveries(id);
      const wait2 = Date.parse(rows.at(-1)!.nextAttemptAt!) - t.clock.now().getTime();
      assert.equal(rows.at(-1)!.attempts, 2);
      assert.ok(wait2 >= 7500 && wait2 <= 12500, `second retry after about 10 s (${wait2} ms)`);
      // Still down much later: give up after 72 hours pending, visible as failed. (The
      // oldest one has waited that long; the clock itself stays, so sessions stay valid.)
      await t.handle.db
        .updateTable('exchange_outbox')
        .set({
          queued_at: new Date(t.clock.now().getTime() - 73 * 3600_000).toISOString(),
          next_attempt_at: t.clock.now().toISOString(),
        })
        .where('id', '=', oldest.id)
        .execute();
      await run();
      rows = await deliveries(id);
      assert.equal(rows.at(-1)!.status, 'failed');
      assert.equal(
        (
          await t.http('GET', `/api/v1/exchange/subscriptions/${id}/deliveries?status=failed`, {
            as: s.applicant,
          })
        ).body.items.length,
        1,
      );
      // Up again: the pending ones go out at their next attempt, in change order; the failed
      // one after a re-queue.
      receiver.mode = 'up';
      const due = Math.max(
        ...rows.filter((r) => r.nextAttemptAt).map((r) => Date.parse(r.nextAttemptAt!)),
      );
      t.clock.set(new Date(due + 10));
      await run();
      rows = await deliveries(id);
      assert.deepEqual(
        rows.map((r) => r.status),
        ['delivered', 'delivered', 'failed'],
      );
      const requeued = await t.http('POST', `/api/v1/exchange/subscriptions/${id}/requeue`, {
        as: s.applicant,
      });
      assert.equal(requeued.status, 200, JSON.stringify(requeued.body));
      assert.equal(requeued.body.requeued, 1);
      await run();
      rows = await deliveries(id);
      assert.deepEqual(
        rows.map((r) => r.status),
        ['delivered', 'delivered', 'delivered'],
      );
      const accepted = receivedBy(id, before)
        .filter((r) => r.answered < 300)
        .map((r) => JSON.parse(r.body) as NotificationPayload);
      assert.deepEqual(
        accepted.map((p) => p.keys![0]).sort(),
        [citizen(3), citizen(4), citizen(5)].sort(),
      );
      assert.equal(new Set(accepted.map((p) => p.id)).size, 3, 'each notification once');
      // The re-queued notification keeps its ID, so a receiver that saw it can tell.
      assert.ok(rows.every((r) => accepted.some((p) => p.id === r.id)));
      const failures = await t.handle.db
        .selectFrom('audit_entries')
        .select(['result'])
        .where('action', '=', 'exchange.subscription_deliver')
        .where('result', '=', 'failure')
        .where('grant_id', '=', grantId)
        .execute();
      assert.ok(failures.length >= 3, 'failed attempts are audited too');
    });

    test('[EXC-04] two dispatchers on one database never deliver a notification twice', async () => {
      const sub = await subscribe({});
      receiver.mode = 'slow';
      receiver.slowMs = 300;
      const before = receiver.requests.length;
      for (let i = 10; i < 22; i++) await s.saveRow(i);
      const other = createSubscriptionService(t.ctx, {
        audit: t.services.audit,
        catalog: t.services.catalog,
        sharing: t.services.sharing,
        keys: t.services.keys,
      });
      await Promise.all([run(), other.runOnce(), run(), other.runOnce()]);
      await Promise.all([run(), other.runOnce()]);
      const mine = receivedBy(sub.body.id as string, before);
      assert.equal(mine.length, 12, 'twelve changes, twelve deliveries');
      assert.equal(new Set(mine.map((r) => r.id)).size, 12);
      const rows = await deliveries(sub.body.id as string);
      assert.ok(rows.every((r) => r.status === 'delivered' && r.attempts === 1));
    });

    test('[EXC-04] a revoked grant stops its subscriptions: pending notifications fail with grant_inactive', async () => {
      const revocable = await s.grant(['id_number', 'name'], ['subscribe']);
      const sub = await subscribe({ grantId: revocable });
      const id = sub.body.id as string;
      receiver.mode = 'down';
      await s.saveRow(30);
      await run();
      assert.equal((await deliveries(id))[0]!.status, 'pending');
      const revoked = await t.http('POST', `/api/v1/sharing/grants/${revocable}/revoke`, {
        as: s.approver,
        body: { reason: '使用方超范围使用' },
      });
      assert.equal(revoked.status, 200, JSON.stringify(revoked.body));
      receiver.mode = 'up';
      const before = receiver.requests.length;
      t.clock.advance(60_000);
      await s.saveRow(31);
      await run();
      assert.equal(receivedBy(id, before).length, 0, 'nothing more is pushed');
      const rows = await deliveries(id);
      assert.deepEqual(
        rows.map((r) => [r.status, r.lastError]),
        [['failed', 'grant_inactive']],
      );
      const list = await t.http('GET', `/api/v1/exchange/subscriptions?grantId=${revocable}`, {
        as: s.applicant,
      });
      assert.equal(list.body.items[0].status, 'ended');
      assert.equal(list.body.items[0].endReason, 'grant_inactive');
      const requeue = await t.http('POST', `/api/v1/exchange/subscriptions/${id}/requeue`, {
        as: s.applicant,
      });
      assert.equal(requeue.status, 409);
      assert.equal(requeue.body.code, 'exchange.subscription_ended');
      const again = await subscribe({ grantId: revocable });
      assert.equal(again.status, 409);
      assert.equal(again.body.code, 'exchange.grant_inactive');
      const ended = await t.handle.db
        .selectFrom('audit_entries')
        .select('action')
        .where('action', '=', 'exchange.subscription_end')
        .where('grant_id', '=', revocable)
        .execute();
      assert.equal(ended.length, 1);
    });

    test('[EXC-04] bad URLs, grants without the subscribe mode, and other units’ grants and subscriptions are refused with their own codes', async () => {
      for (const [url, code] of [
        ['ftp://files.example.com/in', 'exchange.webhook_scheme'],
        ['https://user:secret@hooks.example.com/', 'exchange.webhook_credentials_in_url'],
        ['not a url', 'exchange.webhook_url_invalid'],
        [`https://hooks.example.com/${'a'.repeat(2100)}`, 'request.invalid'],
      ] as const) {
        const res = await subscribe({ url });
        assert.equal(res.status, 400, url);
        assert.equal(res.body.code, code, url);
      }
      const verifyOnly = await s.grant(['id_number', 'name'], ['verify']);
      const noMode = await subscribe({ grantId: verifyOnly });
      assert.equal(noMode.status, 403);
      assert.equal(noMode.body.code, 'exchange.mode_not_granted');

      const mine = await subscribe({});
      const stranger = await t.userWith(['sharing_applicant'], s.cast.providerUnitId);
      const foreign = await subscribe({}, stranger);
      assert.equal(foreign.status, 404);
      assert.equal(foreign.body.code, 'sharing.grant_not_found');
      const list = await t.http('GET', `/api/v1/exchange/subscriptions?grantId=${grantId}`, {
        as: stranger,
      });
      assert.deepEqual(list.body.items, []);
      for (const [method, path] of [
        ['POST', `/api/v1/exchange/subscriptions/${mine.body.id}/cancel`],
        ['GET', `/api/v1/exchange/subscriptions/${mine.body.id}/deliveries`],
        ['POST', `/api/v1/exchange/subscriptions/${mine.body.id}/requeue`],
      ] as const) {
        const res = await t.http(method, path, { as: stranger });
        assert.equal(res.status, 404, path);
        assert.equal(res.body.code, 'exchange.subscription_not_found', path);
      }
      const cancelled = await t.http(
        'POST',
        `/api/v1/exchange/subscriptions/${mine.body.id}/cancel`,
        { as: s.applicant },
      );
      assert.equal(cancelled.status, 200);
      assert.equal(cancelled.body.status, 'cancelled');
      const twice = await t.http('POST', `/api/v1/exchange/subscriptions/${mine.body.id}/cancel`, {
        as: s.applicant,
      });
      assert.equal(twice.status, 409);
      assert.equal(twice.body.code, 'exchange.subscription_ended');
      // At most five active subscriptions per grant.
      for (let i = 0; i < 5; i++)
        assert.equal((await subscribe({ label: `接收方${i}` })).status, 201);
      const sixth = await subscribe({ label: '第六个' });
      assert.equal(sixth.status, 409);
      assert.equal(sixth.body.code, 'exchange.subscription_limit');
    });

    test('[EXC-04] without MZHUB_WEBHOOK_ALLOW_PRIVATE webhooks cannot reach loopback or private networks, checked again at connection time', async () => {
      const closed = { allowPrivate: false };
      for (const url of [
        'http://127.0.0.1:8080/hook',
        'http://localhost/hook',
        'http://[::1]/hook',
        'http://10.20.30.40/hook',
        'http://169.254.169.254/latest/meta-data',
        'http://192.168.1.10/hook',
        'http://[::ffff:172.16.0.1]/hook',
        'http://[fd12:3456::1]/hook',
      ]) {
        assert.equal(
          (await checkWebhookUrl(url, closed))?.code,
          'exchange.webhook_private_address',
          url,
        );
      }
      assert.equal(await checkWebhookUrl('https://203.0.113.7/hook', closed), null);
      assert.equal(
        (await checkWebhookUrl('https://hooks.nowhere.invalid/hook', closed))?.code,
        'exchange.webhook_unresolvable',
      );
      assert.equal(
        await checkWebhookUrl('http://127.0.0.1:8080/hook', { allowPrivate: true }),
        null,
      );
      // A name that resolves inward is refused when connecting, not only when registering.
      const before = receiver.requests.length;
      for (const host of ['127.0.0.1', 'localhost']) {
        const url = receiver.url.replace('127.0.0.1', host);
        const result = await postWebhook(url, {}, '{}', closed);
        assert.equal(result.kind, 'retry');
        assert.equal(result.kind === 'retry' && result.code, 'address_refused', host);
      }
      assert.equal(receiver.requests.length, before, 'nothing reached the receiver');
      const open = await postWebhook(receiver.url, {}, '{}', { allowPrivate: true });
      assert.equal(open.kind, 'delivered');
    });

    test(
      '[EXC-04] a change numbered before a committed one but committed after it is not skipped',
      { skip: engine === 'sqlite' && 'SQLite has one writer at a time: numbers commit in order' },
      async () => {
        const sub = await subscribe({});
        const id = sub.body.id as string;
        const { no: resourceNo } = await t.handle.db
          .selectFrom('catalog_resources')
          .select('no')
          .where('id', '=', s.entryId)
          .executeTakeFirstOrThrow();
        // A writer takes a change number and keeps its transaction open…
        const client = new pg.Client({ connectionString: t.ctx.config.databaseUrl });
        await client.connect();
        await client.query('begin');
        const { rows } = await client.query<{ no: string }>(
          `insert into data_changes (resource_id, method, at) values ($1, 'form', $2) returning no`,
          [s.entryId, t.clock.now().toISOString()],
        );
        const slowNo = Number(rows[0]!.no);
        await client.query(
          `insert into resource_rows (resource_no, row_key, data, hash, version, change_no)
           values ($1, $2, '{}', 'h', 1, $3)`,
          [resourceNo, citizen(40), slowNo],
        );
        // …while a later change commits, and the dispatcher runs for a while.
        await s.saveRow(41);
        for (let i = 0; i < 4; i++) {
          await run();
          await new Promise((r) => setTimeout(r, 400));
        }
        const early = (await deliveries(id)).map((r) => r.changeNo);
        assert.equal(early.length, 1, 'the committed change is notified at once');
        assert.ok(early[0]! > slowNo);
        // The cursor stays below the open change, so it is still looked for.
        const { last_change_no } = await t.handle.db
          .selectFrom('exchange_subscriptions')
          .select('last_change_no')
          .where('id', '=', id)
          .executeTakeFirstOrThrow();
        assert.ok(Number(last_change_no) < slowNo, `cursor ${last_change_no} < ${slowNo}`);
        await client.query('commit');
        await client.end();
        await run();
        const numbers = (await deliveries(id)).map((r) => r.changeNo);
        assert.ok(numbers.includes(slowNo), `change ${slowNo} was notified (${numbers.join()})`);
        assert.equal(numbers.length, 2);
      },
    );

    test(
      '[EXC-04] a change still being written when the subscription is created is notified once it commits',
      { skip: engine === 'sqlite' && 'SQLite has one writer at a time: numbers commit in order' },
      async () => {
        const { no: resourceNo } = await t.handle.db
          .selectFrom('catalog_resources')
          .select('no')
          .where('id', '=', s.entryId)
          .executeTakeFirstOrThrow();
        const client = new pg.Client({ connectionString: t.ctx.config.databaseUrl });
        await client.connect();
        await client.query('begin');
        const { rows } = await client.query<{ no: string }>(
          `insert into data_changes (resource_id, method, at) values ($1, 'form', $2) returning no`,
          [s.entryId, t.clock.now().toISOString()],
        );
        const slowNo = Number(rows[0]!.no);
        await client.query(
          `insert into resource_rows (resource_no, row_key, data, hash, version, change_no)
           values ($1, $2, '{}', 'h', 1, $3)`,
          [resourceNo, citizen(44), slowNo],
        );
        // A later change commits, then the consumer subscribes: that one is before it.
        await s.saveRow(45);
        const sub = await subscribe({});
        const id = sub.body.id as string;
        for (let i = 0; i < 3; i++) {
          await run();
          await new Promise((r) => setTimeout(r, 400));
        }
        assert.deepEqual(await deliveries(id), []);
        await client.query('commit');
        await client.end();
        for (let i = 0; i < 4; i++) {
          await run();
          await new Promise((r) => setTimeout(r, 400));
        }
        assert.deepEqual(
          (await deliveries(id)).map((r) => [r.changeNo, r.status]),
          [[slowNo, 'delivered']],
        );
        const started = await t.handle.db
          .selectFrom('exchange_subscriptions')
          .select(['start_snapshot', 'start_change_no'])
          .where('id', '=', id)
          .executeTakeFirstOrThrow();
        assert.deepEqual(started, { start_snapshot: null, start_change_no: null });
      },
    );
  });
}
