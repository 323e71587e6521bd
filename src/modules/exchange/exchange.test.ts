import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { makeCitizenId } from '../../lib/ids/citizen-id.ts';
import {
  catalogCast,
  completeEntry,
  publishEntry,
  type CatalogCast,
} from '../../../tests/helpers/catalog.ts';
import { testEngines } from '../../../tests/helpers/engines.ts';
import {
  createTestPlatform,
  type Caller,
  type TestPlatform,
} from '../../../tests/helpers/platform.ts';
import { createHash } from 'node:crypto';
import { signedHeaders } from './signing.ts';

const person = makeCitizenId('130102', '19520301', 211);
const other = makeCitizenId('130104', '19480715', 322);

for (const engine of testEngines()) {
  describe(`exchange: signed verify and query calls (${engine})`, () => {
    let t: TestPlatform;
    let cast: CatalogCast;
    let applicant: Caller;
    let approver: Caller;
    let grantId: string;
    let credential: { id: string; secret: string };

    /** A signed machine call, as a consumer system makes it. */
    const call = async (
      path: string,
      body: unknown,
      options: {
        credential?: { id: string; secret: string };
        now?: number;
        nonce?: string;
        headers?: Record<string, string>;
      } = {},
    ) => {
      const text = JSON.stringify(body);
      const headers = {
        'content-type': 'application/json',
        ...signedHeaders(
          options.credential ?? credential,
          { method: 'POST', path, body: text },
          {
            now: options.now ?? t.clock.now().getTime(),
            ...(options.nonce ? { nonce: options.nonce } : {}),
          },
        ),
        ...options.headers,
      };
      const res = await fetch(t.url + path, { method: 'POST', headers, body: text });
      return {
        status: res.status,
        headers: res.headers,
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        body: (await res.json()) as Record<string, any>,
      };
    };

    before(async () => {
      t = await createTestPlatform(engine, { exchangeRatePerSecond: 20 });
      cast = await catalogCast(t);
      applicant = await t.userWith(['sharing_applicant'], cast.consumerUnitId);
      approver = await t.userWith(['sharing_approver'], cast.providerUnitId);
      const entry = await publishEntry(t, cast, completeEntry());
      for (const [id, name, category] of [
        [person, '赵铁柱', '伤残军人'],
        [other, '钱秀英', '烈士遗属'],
      ]) {
        const saved = await t.http('PUT', `/api/v1/catalog/entries/${entry.id}/rows`, {
          as: cast.clerk,
          body: { values: { id_number: id, name, category, monthly_amount: 1520.5 } },
        });
        assert.equal(saved.status, 200, JSON.stringify(saved.body));
      }
      const today = new Date(t.clock.now().getTime() + 8 * 3600_000).toISOString().slice(0, 10);
      const filed = await t.http('POST', '/api/v1/sharing/requests', {
        as: applicant,
        body: {
          resourceId: entry.id,
          fields: ['id_number', 'name', 'category'],
          modes: ['verify', 'query'],
          purpose: '就业困难人员认定时核验优抚对象身份',
          legalBasis: '《就业促进法》第五十二条',
          periodStart: today,
          periodEnd: '2027-12-31',
          contactName: '李明',
          contactPhone: '0311-87011234',
        },
      });
      assert.equal(filed.status, 201, JSON.stringify(filed.body));
      const act = (who: Caller, action: string) =>
        t.http('POST', `/api/v1/sharing/requests/${filed.body.id}/actions`, {
          as: who,
          body: { action },
        });
      await act(cast.manager, 'precheck_pass');
      await act(approver, 'approve');
      const delivered = await act(cast.manager, 'deliver');
      grantId = delivered.body.grant.id as string;
      const issued = await t.http('POST', '/api/v1/exchange/credentials', {
        as: applicant,
        body: { grantId, label: '就业系统生产环境' },
      });
      assert.equal(issued.status, 201, JSON.stringify(issued.body));
      assert.match(issued.body.id, /^mzc_[0-9a-f]{20}$/);
      credential = { id: issued.body.id, secret: issued.body.secret };
    });
    after(() => t.close());

    test('[EXC-01] verify answers match or no-match per field, never the stored values', async () => {
      const res = await call('/api/v1/exchange/verify', {
        key: person,
        claims: { name: '赵铁柱', category: '烈士遗属' },
      });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual(res.body, { found: true, results: { name: 'match', category: 'no_match' } });
      assert.ok(!JSON.stringify(res.body).includes('伤残军人'));
      const missing = await call('/api/v1/exchange/verify', {
        key: makeCitizenId('130102', '19600101', 555),
        claims: { name: '孙' },
      });
      assert.deepEqual(missing.body, { found: false, results: {} });
      // A 15-digit key is read as its 18-digit form; a malformed key is its own error.
      const badKey = await call('/api/v1/exchange/verify', {
        key: '12345',
        claims: { name: '赵' },
      });
      assert.equal(badKey.status, 400);
      assert.equal(badKey.body.code, 'exchange.bad_key');
      const notGranted = await call('/api/v1/exchange/verify', {
        key: person,
        claims: { monthly_amount: 1520.5 },
      });
      assert.equal(notGranted.status, 403);
      assert.equal(notGranted.body.code, 'exchange.field_not_granted');
    });

    test('[EXC-02] query returns only the granted fields of the record', async () => {
      const res = await call('/api/v1/exchange/query', { key: other });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual(res.body.record, { id_number: other, name: '钱秀英', category: '烈士遗属' });
      assert.ok(!('monthly_amount' in res.body.record));
      const some = await call('/api/v1/exchange/query', { key: other, fields: ['name'] });
      assert.deepEqual(some.body.record, { name: '钱秀英' });
      const denied = await call('/api/v1/exchange/query', {
        key: other,
        fields: ['monthly_amount'],
      });
      assert.equal(denied.status, 403);
      assert.equal(denied.body.code, 'exchange.field_not_granted');
    });

    test('[EXC-05] unsigned, stale, replayed, forged and malformed calls are refused with their own codes', async () => {
      const path = '/api/v1/exchange/verify';
      const body = { key: person, claims: { name: '赵铁柱' } };
      const unsigned = await fetch(t.url + path, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      assert.equal(unsigned.status, 401);
      assert.equal(
        ((await unsigned.json()) as { code: string }).code,
        'exchange.signature_missing',
      );
      const stale = await call(path, body, { now: t.clock.now().getTime() - 10 * 60_000 });
      assert.equal(stale.body.code, 'exchange.stale_timestamp');
      const nonce = 'n0nce-used-once-0001';
      assert.equal((await call(path, body, { nonce })).status, 200);
      const replay = await call(path, body, { nonce });
      assert.equal(replay.status, 401);
      assert.equal(replay.body.code, 'exchange.replayed_nonce');
      const forged = await call(path, body, { credential: { id: credential.id, secret: 'guess' } });
      assert.equal(forged.body.code, 'exchange.bad_signature');
      const unknown = await call(path, body, {
        credential: { id: 'mzc_00000000000000000000', secret: 'x' },
      });
      assert.equal(unknown.body.code, 'exchange.credential_unknown');
      // The body is covered by the signature: a tampered body fails.
      const headers = signedHeaders(
        credential,
        { method: 'POST', path, body: JSON.stringify(body) },
        { now: t.clock.now().getTime() },
      );
      const tampered = await fetch(t.url + path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ ...body, claims: { name: '别人' } }),
      });
      assert.equal(((await tampered.json()) as { code: string }).code, 'exchange.bad_signature');
      const malformed = await fetch(t.url + path, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{not json',
      });
      assert.equal(malformed.status, 400);
      assert.equal(((await malformed.json()) as { code: string }).code, 'exchange.malformed_body');
      // A credential of another unit's grant cannot be listed or revoked here.
      const stranger = await t.userWith(['sharing_applicant'], cast.providerUnitId);
      const list = await t.http('GET', `/api/v1/exchange/credentials?grantId=${grantId}`, {
        as: stranger,
      });
      assert.deepEqual(list.body.items, []);
      const revoke = await t.http('POST', `/api/v1/exchange/credentials/${credential.id}/revoke`, {
        as: stranger,
      });
      assert.equal(revoke.status, 404);
    });

    test('[EXC-05] [AUD-01] every call is audited with the grant, purpose, fields and records returned', async () => {
      await call('/api/v1/exchange/query', { key: person, fields: ['name'] });
      const entries = await t.handle.db
        .selectFrom('audit_entries')
        .select([
          'action',
          'result',
          'grant_id',
          'purpose',
          'fields',
          'record_count',
          'actor_id',
          'actor_unit_id',
          'target_unit_id',
        ])
        .where('grant_id', '=', grantId)
        .where('action', 'in', ['exchange.verify', 'exchange.query'])
        .orderBy('seq', 'desc')
        .execute();
      const last = entries[0]!;
      assert.equal(last.action, 'exchange.query');
      assert.equal(last.result, 'success');
      assert.equal(last.purpose, '就业困难人员认定时核验优抚对象身份');
      assert.equal(last.fields, JSON.stringify(['name']));
      assert.equal(last.record_count, 1);
      assert.equal(last.actor_id, credential.id);
      assert.equal(last.actor_unit_id, cast.consumerUnitId);
      assert.equal(last.target_unit_id, cast.providerUnitId);
      assert.ok(
        entries.some((e) => e.result === 'denied'),
        'refused calls are audited too',
      );
    });

    test('[EXC-05] calls over the grant’s rate limit get 429 with Retry-After', async () => {
      const results = await Promise.all(
        Array.from({ length: 40 }, () =>
          call('/api/v1/exchange/verify', { key: person, claims: { name: '赵铁柱' } }),
        ),
      );
      const limited = results.filter((r) => r.status === 429);
      assert.ok(limited.length > 0, results.map((r) => r.status).join());
      assert.equal(limited[0]!.body.code, 'exchange.rate_limited');
      assert.ok(Number(limited[0]!.headers.get('retry-after')) >= 1);
      await new Promise((r) => setTimeout(r, 1100));
      t.clock.advance(1100);
    });

    test('[EXC-03] batch copies stream the granted fields of all rows or of the changes since a number, resumable, with a manifest', async () => {
      const entryId = (
        await t.http('GET', `/api/v1/sharing/grants?side=consumer`, { as: applicant })
      ).body.items[0].resourceId as string;
      const today = new Date(t.clock.now().getTime() + 8 * 3600_000).toISOString().slice(0, 10);
      const filed = await t.http('POST', '/api/v1/sharing/requests', {
        as: applicant,
        body: {
          resourceId: entryId,
          fields: ['id_number', 'name', 'monthly_amount'],
          modes: ['batch'],
          purpose: '就业困难人员数据比对（批量）',
          legalBasis: '《就业促进法》第五十二条',
          periodStart: today,
          periodEnd: '2027-12-31',
          contactName: '李明',
          contactPhone: '0311-87011234',
        },
      });
      for (const [who, action] of [
        [cast.manager, 'precheck_pass'],
        [approver, 'approve'],
        [cast.manager, 'deliver'],
      ] as const) {
        await t.http('POST', `/api/v1/sharing/requests/${filed.body.id}/actions`, {
          as: who,
          body: { action },
        });
      }
      const grant = (
        await t.http('GET', `/api/v1/sharing/requests/${filed.body.id}`, { as: applicant })
      ).body.grant;
      const issued = await t.http('POST', '/api/v1/exchange/credentials', {
        as: applicant,
        body: { grantId: grant.id, label: '批量' },
      });
      const batchCredential = {
        id: issued.body.id as string,
        secret: issued.body.secret as string,
      };
      const get = async (path: string) => {
        const headers = signedHeaders(
          batchCredential,
          { method: 'GET', path, body: '' },
          { now: t.clock.now().getTime() },
        );
        const res = await fetch(t.url + path, { headers });
        return { status: res.status, headers: res.headers, text: await res.text() };
      };
      const full = await get('/api/v1/exchange/batch?format=csv');
      assert.equal(full.status, 200, full.text);
      const lines = full.text.trim().split('\r\n');
      assert.equal(lines[0], 'id_number,name,monthly_amount');
      assert.equal(lines.length, 3);
      assert.ok(lines.some((l) => l === `${person},赵铁柱,1520.5`));
      assert.ok(!full.text.includes('伤残军人'), 'only granted fields');
      const changeNo = Number(full.headers.get('x-mzhub-change-no'));
      assert.ok(changeNo > 0);
      // Resume after the first key.
      const firstKey = lines[1]!.split(',')[0]!;
      const resumed = await get(`/api/v1/exchange/batch?format=ndjson&after=${firstKey}`);
      const records = resumed.text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      assert.equal(records.length, 1);
      assert.notEqual(records[0]!.id_number, firstKey);
      assert.equal(typeof records[0]!.monthly_amount, 'number');
      // Changes since the copy: none, then the one row edited.
      assert.equal(
        (await get(`/api/v1/exchange/batch?format=csv&since=${changeNo}`)).text.trim().split('\r\n')
          .length,
        1,
      );
      await t.http('PUT', `/api/v1/catalog/entries/${entryId}/rows`, {
        as: cast.clerk,
        body: {
          values: { id_number: other, name: '钱秀英', category: '烈士遗属', monthly_amount: 1600 },
        },
      });
      const changes = await get(`/api/v1/exchange/batch?format=csv&since=${changeNo}`);
      assert.deepEqual(changes.text.trim().split('\r\n').slice(1), [`${other},钱秀英,1600`]);
      // The manifest counts and checksums exactly what the copy sends.
      const manifest = await get('/api/v1/exchange/batch/manifest?format=csv');
      const body = JSON.parse(manifest.text) as { rowCount: number; checksum: string };
      const again = await get('/api/v1/exchange/batch?format=csv');
      assert.equal(body.rowCount, 2);
      assert.equal(body.checksum, createHash('sm3').update(again.text).digest('hex'));
      // A grant without the batch mode cannot copy.
      const denied = await fetch(t.url + '/api/v1/exchange/batch', {
        headers: signedHeaders(
          credential,
          { method: 'GET', path: '/api/v1/exchange/batch', body: '' },
          { now: t.clock.now().getTime() },
        ),
      });
      assert.equal(denied.status, 403);
      const audited = await t.handle.db
        .selectFrom('audit_entries')
        .select(['record_count'])
        .where('action', '=', 'exchange.batch')
        .where('grant_id', '=', grant.id)
        .execute();
      assert.ok(audited.some((a) => a.record_count === 2));
    });

    test('[SHR-09] a revoked credential or grant stops the next call at once', async () => {
      const second = await t.http('POST', '/api/v1/exchange/credentials', {
        as: applicant,
        body: { grantId, label: '轮换用' },
      });
      const rotated = { id: second.body.id as string, secret: second.body.secret as string };
      assert.equal(
        (
          await call(
            '/api/v1/exchange/verify',
            { key: person, claims: { name: '赵铁柱' } },
            { credential: rotated },
          )
        ).status,
        200,
      );
      // Rotation without downtime: the old one still works until it is revoked.
      assert.equal(
        (await call('/api/v1/exchange/verify', { key: person, claims: { name: '赵铁柱' } })).status,
        200,
      );
      assert.equal(
        (
          await t.http('POST', `/api/v1/exchange/credentials/${credential.id}/revoke`, {
            as: applicant,
          })
        ).status,
        204,
      );
      const old = await call('/api/v1/exchange/verify', {
        key: person,
        claims: { name: '赵铁柱' },
      });
      assert.equal(old.body.code, 'exchange.credential_revoked');
      const revoked = await t.http('POST', `/api/v1/sharing/grants/${grantId}/revoke`, {
        as: approver,
        body: { reason: '超范围使用' },
      });
      assert.equal(revoked.status, 200);
      const next = await call(
        '/api/v1/exchange/verify',
        { key: person, claims: { name: '赵铁柱' } },
        { credential: rotated },
      );
      assert.equal(next.status, 403);
      assert.equal(next.body.code, 'exchange.grant_inactive');
    });
  });
}
