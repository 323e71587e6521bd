import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { latestSchemaVersion } from '../db/database.ts';
import {
  createTestPlatform,
  TEST_PASSWORD,
  type TestPlatform,
} from '../../tests/helpers/platform.ts';
import { testEngines } from '../../tests/helpers/engines.ts';

for (const engine of testEngines()) {
  describe(`platform server (${engine})`, () => {
    let t: TestPlatform;
    before(async () => {
      t = await createTestPlatform(engine);
    });
    after(() => t.close());

    test('health reports the storage engine and schema version', async () => {
      const res = await t.http('GET', '/api/health');
      assert.equal(res.status, 200);
      assert.equal(res.body.status, 'ok');
      assert.equal(res.body.engine, engine);
      assert.equal(res.body.schemaVersion, latestSchemaVersion);
      assert.match(res.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
    });

    test('the OpenAPI 3 document describes the API and the docs page renders it', async () => {
      const doc = await t.http('GET', '/api/openapi.json');
      assert.equal(doc.status, 200);
      assert.match(doc.body.openapi, /^3\./);
      assert.ok(doc.body.paths['/api/v1/units'].post.requestBody);
      assert.ok(doc.body.paths['/api/health'].get);
      const page = await t.http('GET', '/api/docs/');
      assert.equal(page.status, 200);
      assert.match(String(page.body), /swagger/i);
    });

    test('errors are RFC 9457 problem+json with a stable code, Chinese text and the request id', async () => {
      const res = await t.http('GET', '/api/v1/nothing-here', {
        headers: { 'x-request-id': 'trace-12345678' },
      });
      assert.equal(res.status, 404);
      assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/);
      assert.equal(res.body.code, 'route.not_found');
      assert.equal(res.body.title, '未找到');
      assert.equal(res.body.requestId, 'trace-12345678');
      assert.equal(res.body.type, 'urn:mzhub:problem:route.not_found');

      const malformed = await fetch(`${t.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"username": ',
      });
      const body = (await malformed.json()) as { code: string; detail: string };
      assert.equal(malformed.status, 400);
      assert.equal(body.code, 'request.malformed_json');

      const invalid = await t.http('POST', '/api/v1/auth/login', { body: { username: '' } });
      assert.equal(invalid.status, 400);
      assert.equal(invalid.body.code, 'request.invalid');
      assert.deepEqual(invalid.body.errors.map((e: { path: string }) => e.path).sort(), [
        'password',
        'username',
      ]);
    });

    test('login opens a database-held session; logout ends it; wrong passwords and unknown names look alike', async () => {
      const user = await t.userWith(['platform_manager']);
      const me = await t.http('GET', '/api/v1/auth/me', { as: user });
      assert.equal(me.status, 200);
      assert.deepEqual(me.body.user.permissions, [
        'batch.view',
        'calendar.manage',
        'catalog.publish',
        'org.manage',
        'sharing.coordinate',
        'sharing.manage',
        'sharing.precheck',
        'sharing.supervise',
      ]);

      const rows = await t.ctx.db
        .selectFrom('sessions')
        .select(['id'])
        .where('user_id', '=', user.userId)
        .execute();
      assert.equal(rows.length, 1);
      // Only a hash of the token is stored.
      const token = user.cookie.split('=')[1] ?? '';
      assert.notEqual(rows[0]?.id, token);

      const wrong = await t.http('POST', '/api/v1/auth/login', {
        body: { username: user.username, password: 'Wrong#2026pass' },
      });
      const unknown = await t.http('POST', '/api/v1/auth/login', {
        body: { username: 'nobody-here', password: TEST_PASSWORD },
      });
      assert.equal(wrong.status, 401);
      assert.equal(unknown.status, 401);
      assert.equal(wrong.body.code, 'auth.invalid_credentials');
      assert.equal(wrong.body.detail, unknown.body.detail);

      const out = await t.http('POST', '/api/v1/auth/logout', { as: user });
      assert.equal(out.status, 204);
      const after = await t.http('GET', '/api/v1/auth/me', { as: user });
      assert.equal(after.status, 401);
    });

    test('sessions end after the idle limit', async () => {
      const user = await t.userWith([]);
      t.clock.advance(31 * 60_000);
      const res = await t.http('GET', '/api/v1/auth/me', { as: user });
      assert.equal(res.status, 401);
      assert.equal(res.body.code, 'auth.required');
      t.clock.set(new Date());
    });

    test('background polling of notifications does not keep an idle session alive', async () => {
      const user = await t.userWith([]);
      // The console polls after 20 minutes of inactivity; the user then does nothing more.
      t.clock.advance(20 * 60_000);
      const poll = await t.http('GET', '/api/v1/notifications', { as: user });
      assert.equal(poll.status, 200);
      t.clock.advance(11 * 60_000);
      const res = await t.http('GET', '/api/v1/auth/me', { as: user });
      assert.equal(res.status, 401);
      t.clock.set(new Date());
    });
  });
}

for (const engine of testEngines()) {
  test(`[SEC-03] credentials never reach the log (${engine})`, async () => {
    const lines: string[] = [];
    const t = await createTestPlatform(
      engine,
      { logLevel: 'trace' },
      { logStream: { write: (l) => lines.push(l) } },
    );
    try {
      const user = await t.userWith(['platform_manager']);
      await t.http('GET', '/api/v1/auth/me', {
        as: user,
        headers: { authorization: 'Bearer secret-bearer-token' },
      });
      await t.http('POST', '/api/v1/units', {
        as: user,
        body: { name: '日志测试单位', divisionCode: '130100', type: 'agency' },
      });
      const log = lines.join('');
      assert.ok(log.length > 0 && log.includes('"reqId"'), 'requests are logged with their id');
      const token = user.cookie.split('=')[1] ?? '';
      assert.ok(token.length > 20);
      assert.ok(!log.includes(token), 'session token must not be logged');
      assert.ok(!log.includes(user.csrfToken), 'CSRF token must not be logged');
      assert.ok(!log.includes('secret-bearer-token'), 'bearer token must not be logged');
      assert.ok(!log.includes(TEST_PASSWORD), 'password must not be logged');
    } finally {
      await t.close();
    }
  });
}

for (const engine of testEngines()) {
  test(`two requests racing for one unique value: one wins, the other gets 409, never 500 (${engine})`, async () => {
    const t = await createTestPlatform(engine);
    try {
      const manager = await t.userWith(['platform_manager']);
      const body = { name: '并发创建的单位', divisionCode: '130100', type: 'agency' };
      const results = await Promise.all(
        Array.from({ length: 4 }, () => t.http('POST', '/api/v1/units', { as: manager, body })),
      );
      const statuses = results.map((r) => r.status).sort();
      assert.deepEqual(statuses, [201, 409, 409, 409]);
      assert.ok(
        results.every(
          (r) => r.status === 201 || /^(unit\.name_taken|conflict\.duplicate)$/.test(r.body.code),
        ),
      );
    } finally {
      await t.close();
    }
  });
}
