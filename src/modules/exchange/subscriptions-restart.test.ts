// The restart test of subscriptions (EXC-04): the real `mzhub serve` process is killed while
// webhook notifications are pending and one is in flight, changes keep coming while it is
// down, and after a restart every change reaches a receiver that deduplicates by
// notification ID exactly once.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { sm2Verify } from '../../lib/sm2.ts';
import { MasterKey } from '../../server/secrets.ts';
import { testEngines } from '../../../tests/helpers/engines.ts';
import { createTestPlatform } from '../../../tests/helpers/platform.ts';
import {
  eventually,
  startReceiver,
  subscriptionCast,
} from '../../../tests/helpers/subscriptions.ts';
import type { NotificationPayload } from './outbox.ts';
import { verifyWebhook, webhookStringToSign } from './subscriptions-webhook.ts';

const bin = resolve(import.meta.dirname, '../../../bin/mzhub.mjs');

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => ok(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Starts `mzhub serve` on the database; resolves once it answers its health check. */
async function serve(
  env: Record<string, string>,
): Promise<{ url: string; child: ChildProcess; output: () => string }> {
  const port = await freePort();
  const child = spawn(process.execPath, [bin, 'serve'], {
    env: { ...process.env, ...env, MZHUB_PORT: String(port), MZHUB_HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await fetch(`${url}/api/health`)).ok) break;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`mzhub serve did not start:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url, child, output: () => output };
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((r) =>
    child.exitCode !== null ? r(child.exitCode) : child.once('exit', (code) => r(code)),
  );

for (const engine of testEngines()) {
  describe(`exchange: subscriptions across a server restart (${engine})`, () => {
    test('[EXC-04] a server killed while webhooks are pending delivers every change exactly once to a deduplicating receiver after restart', async (context) => {
      const masterKey = randomBytes(32).toString('hex');
      const t = await createTestPlatform(engine, {
        webhookAllowPrivate: true,
        masterKey: MasterKey.parse(masterKey),
      });
      const receiver = await startReceiver();
      const dataDir = mkdtempSync(join(tmpdir(), 'mzhub-subs-restart-'));
      const env = {
        DATABASE_URL: t.ctx.config.databaseUrl,
        MZHUB_MASTER_KEY: masterKey,
        MZHUB_DATA_DIR: dataDir,
        MZHUB_WEBHOOK_ALLOW_PRIVATE: 'true',
        MZHUB_WEBHOOK_RETRY_SECONDS: '1',
        MZHUB_LOG_LEVEL: 'warn',
      };
      let server: Awaited<ReturnType<typeof serve>> | undefined;
      try {
        const s = await subscriptionCast(t);
        const grantId = await s.grant(['id_number', 'name'], ['batch', 'subscribe']);
        const created = await t.http('POST', '/api/v1/exchange/subscriptions', {
          as: s.applicant,
          body: { grantId, url: receiver.url, label: '重启验证', signature: 'hmac-sm3+sm2' },
        });
        assert.equal(created.status, 201, JSON.stringify(created.body));
        const subscriptionId = created.body.id as string;
        const secret = created.body.secret as string;
        const publicKey = (await t.http('GET', '/api/v1/exchange/webhook-key')).body
          .publicKey as string;

        // The receiver is down while the first server takes changes from the data clerk.
        receiver.mode = 'down';
        server = await serve(env);
        const viaServer = { url: server.url, as: s.cast.clerk };
        for (let i = 0; i < 10; i++) await s.saveRow(i, 1500, viaServer);
        // Some at the same time, as several clerks would.
        await Promise.all(Array.from({ length: 10 }, (_, i) => s.saveRow(10 + i, 1500, viaServer)));
        await eventually(() => receiver.requests.length > 0, 20_000, 'a first (refused) attempt');

        // The receiver comes back slowly; once a few notifications got through, the server
        // is killed outright, with deliveries pending and one in flight.
        receiver.slowMs = 700;
        receiver.mode = 'slow';
        await eventually(() => receiver.accepted.size >= 3, 30_000, 'a few deliveries');
        server.child.kill('SIGKILL');
        await exited(server.child);
        const pendingAtKill = await t.handle.db
          .selectFrom('exchange_outbox')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('subscription_id', '=', subscriptionId)
          .where('status', '=', 'pending')
          .executeTakeFirstOrThrow();
        assert.ok(Number(pendingAtKill.n) > 0, 'notifications were pending when it died');
        assert.ok(receiver.accepted.size < 20, 'not everything was delivered before the kill');

        // Changes while no server runs are notified too.
        for (let i = 20; i < 25; i++) await s.saveRow(i);

        receiver.mode = 'up';
        server = await serve(env);
        // The resource had no rows before the subscription: every change is expected.
        const expected = (
          await t.handle.db
            .selectFrom('data_changes')
            .select('no')
            .where('resource_id', '=', s.entryId)
            .execute()
        ).map((c) => Number(c.no));
        assert.equal(expected.length, 25, 'twenty-five changes after the subscription');
        const outboxDone = async () => {
          const rows = await t.handle.db
            .selectFrom('exchange_outbox')
            .select(['status'])
            .where('subscription_id', '=', subscriptionId)
            .execute();
          return rows.length === 25 && rows.every((r) => r.status === 'delivered');
        };
        await eventually(
          async () => receiver.accepted.size >= 25 && (await outboxDone()),
          60_000,
          'every notification delivered after the restart',
        );

        // Exactly once after deduplication, none missing, each one verifiable.
        const payloads = [...receiver.accepted.values()].map(
          (d) => JSON.parse(d.body) as NotificationPayload,
        );
        assert.equal(receiver.accepted.size, 25);
        assert.deepEqual(
          payloads.map((p) => p.change.no).sort((a, b) => a - b),
          expected.sort((a, b) => a - b),
        );
        assert.equal(new Set(payloads.map((p) => p.change.no)).size, 25);
        for (const delivery of receiver.requests.filter((r) => r.answered < 300)) {
          const headers = Object.fromEntries(
            Object.entries(delivery.headers).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]),
          );
          assert.ok(
            verifyWebhook(secret, { headers, body: delivery.body }, { maxSkewMs: 10 * 60_000 }),
          );
          const text = webhookStringToSign(
            headers['x-mzhub-timestamp']!,
            delivery.id,
            delivery.body,
          );
          assert.ok(sm2Verify(text, headers['x-mzhub-sm2-signature']!, publicKey));
        }
        // A notification the killed server had sent but not recorded arrives again with the
        // same ID; the receiver keeps one.
        const sent = receiver.requests.filter((r) => r.answered < 300).length;
        assert.equal(sent, 25 + receiver.duplicates);
        context.diagnostic(
          `pending at the kill: ${pendingAtKill.n}; deliveries sent again after it: ${receiver.duplicates}`,
        );

        // A clean stop: SIGTERM ends the dispatcher and the process exits normally.
        server.child.kill('SIGTERM');
        assert.equal(await exited(server.child), 0, server.output());
        server = undefined;
      } finally {
        if (server && server.child.exitCode === null) {
          server.child.kill('SIGKILL');
          await exited(server.child);
        }
        await receiver.close();
        await t.close();
        rmSync(dataDir, { recursive: true, force: true });
      }
    });
  });
}
