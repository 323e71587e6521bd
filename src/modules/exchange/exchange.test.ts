import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { generateSm2KeyPair } from '../../lib/sm2.ts';
import { makeCitizenId } from '../../lib/ids/citizen-id.ts';
import {
  catalogCast,
  completeEntry,
  publishEntry,
  type CatalogCast,
} from '../../../tests/helpers/catalog.ts';
import { testEngines } from '../../../tests/helpers/engines.ts';
import {
  grantThrough,
  interfaceCodes,
  issueCredential,
  signedCall,
  type TestCredential,
} from '../../../tests/helpers/exchange.ts';
import {
  createTestPlatform,
  type Caller,
  type TestPlatform,
} from '../../../tests/helpers/platform.ts';
import type { BatchDelivery } from './service.ts';
import { signedHeaders } from './signing.ts';

const person = makeCitizenId('130102', '19520301', 211);
const other = makeCitizenId('130104', '19480715', 322);

for (const engine of testEngines()) {
  describe(`exchange: signed verify, query and batch calls (${engine})`, () => {
    let t: TestPlatform;
    let cast: CatalogCast;
    let applicant: Caller;
    let approver: Caller;
    let entryId: string;
    let grantId: string;
    let credential: { id: string; secret: string };
    let codes: Record<string, string>;
    const deliveries: BatchDelivery[] = [];

    /** A signed POST to verify or query, naming the entry's interface for that route. */
    const call = (
      path: string,
      body: unknown,
      options: {
        credential?: TestCredential;
        now?: number;
        nonce?: string;
        headers?: Record<string, string>;
        interfaceCode?: string;
      } = {},
    ) =>
      signedCall(
        t,
        options.credential ?? credential,
        options.interfaceCode ?? (path.endsWith('/verify') ? codes.verify! : codes.query!),
        'POST',
        path,
        body,
        options,
      );

    before(async () => {
      t = await createTestPlatform(engine, { exchangeRatePerSecond: 20 });
      cast = await catalogCast(t);
      applicant = await t.userWith(['sharing_applicant'], cast.consumerUnitId);
      approver = await t.userWith(['sharing_approver'], cast.providerUnitId);
      const entry = await publishEntry(t, cast, completeEntry());
      entryId = entry.id as string;
      for (const [id, name, category] of [
        [person, '赵铁柱', '伤残军人'],
        [other, '钱秀英', '烈士遗属'],
      ]) {
        const saved = await t.http('PUT', `/api/v1/catalog/entries/${entryId}/rows`, {
          as: cast.clerk,
          body: { values: { id_number: id, name, category, monthly_amount: 1520.5 } },
        });
        assert.equal(saved.status, 200, JSON.stringify(saved.body));
      }
      // The provider shows the name in clear; the ID number keeps its default masking.
      grantId = await grantThrough(
        t,
        cast,
        { applicant, approver },
        entryId,
        { fields: ['id_number', 'name', 'category'], modes: ['verify', 'query'] },
        { masking: { name: 'none' } },
      );
      const issued = await t.http('POST', '/api/v1/exchange/credentials', {
        as: applicant,
        body: { grantId, label: '就业系统生产环境' },
      });
      assert.equal(issued.status, 201, JSON.stringify(issued.body));
      assert.match(issued.body.id, /^mzc_[0-9a-f]{20}$/);
      assert.equal(issued.body.algorithm, 'hmac-sm3');
      credential = { id: issued.body.id, secret: issued.body.secret };
      codes = await interfaceCodes(t, entryId, applicant);
      // The credential's answer names the interfaces its grant may call.
      assert.deepEqual(
        (issued.body.interfaces as { code: string; mode: string }[]).map((i) => i.mode).sort(),
        ['query', 'verify'],
      );
      assert.equal(
        (issued.body.interfaces as { code: string; mode: string }[]).find(
          (i) => i.mode === 'verify',
        )?.code,
        codes.verify,
      );
    });
    after(() => t.close());

    test('[EXC-01] verify answers match or no-match per field, never the stored values', async () => {
      const res = await call('/api/v1/exchange/verify', {
        key: person,
        claims: { name: '赵铁柱', category: '烈士遗属' },
      });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual(res.body, { found: true, results: { name: 'match', category: 'no_match' } });
      assert.ok(!res.text.includes('伤残军人'));
      const missing = await call('/api/v1/exchange/verify', {
        key: makeCitizenId('130102', '19600101', 555),
        claims: { name: '孙' },
      });
      assert.deepEqual(missing.body, { found: false, results: {} });
      // Several at once; the stored values stay where they are.
      const many = await call('/api/v1/exchange/verify', {
        items: [
          { key: person, claims: { category: '伤残军人' } },
          { key: other, claims: { name: '钱秀英', category: '伤残军人' } },
        ],
      });
      assert.equal(many.status, 200, JSON.stringify(many.body));
      assert.deepEqual(many.body.results, [
        { found: true, results: { category: 'match' } },
        { found: true, results: { name: 'match', category: 'no_match' } },
      ]);
    });

    test('[EXC-02] query returns only the granted fields, masked where the grant says', async () => {
      const res = await call('/api/v1/exchange/query', { key: other });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      // ID number: sensitive, masked by default (6 + 4); name: the provider decided "in clear".
      assert.deepEqual(res.body.record, {
        id_number: `${other.slice(0, 6)}********${other.slice(-4)}`,
        name: '钱秀英',
        category: '烈士遗属',
      });
      assert.deepEqual(res.body.masked, ['id_number']);
      assert.ok(!res.text.includes(other), 'the full ID number never leaves');
      assert.ok(!('monthly_amount' in res.body.record));
      const some = await call('/api/v1/exchange/query', { key: other, fields: ['name'] });
      assert.deepEqual(some.body.record, { name: '钱秀英' });
      const listed = await call('/api/v1/exchange/query', {
        keys: [person, other],
        fields: ['category'],
      });
      assert.deepEqual(listed.body.records, [
        { found: true, record: { category: '伤残军人' } },
        { found: true, record: { category: '烈士遗属' } },
      ]);
      // Verification still compares the real ID number (a key) and name.
      const verified = await call('/api/v1/exchange/verify', {
        key: other,
        claims: { id_number: other, name: '钱秀英' },
      });
      assert.deepEqual(verified.body.results, { id_number: 'match', name: 'match' });
    });

    test('[EXC-01] [EXC-02] verify and query read the row through the front-end processor when it holds the resource', async () => {
      const { exchange } = t.services;
      const asked: { key: string; items: string[] }[] = [];
      let held = true;
      exchange.setRemoteSource({
        holds: async (resourceId) => held && resourceId === entryId,
        lookup: async (_resourceId, key, items) => {
          asked.push({ key, items });
          return key === person
            ? { id_number: person, name: '赵铁柱', category: '在乡复员军人' }
            : null;
        },
      });
      const meta = { clientIp: '127.0.0.1', requestId: 'test-remote' };
      const signed = async (path: string, body: unknown, code: string, mode: string) => {
        const text = JSON.stringify(body);
        return exchange.authenticate({
          method: 'POST',
          url: path,
          headers: signedHeaders(
            credential,
            { method: 'POST', path, body: text, interfaceCode: code },
            { now: t.clock.now().getTime() },
          ),
          rawBody: text,
          modes: [mode],
        });
      };
      const verifier = await signed(
        '/api/v1/exchange/verify',
        { key: person, claims: { category: '在乡复员军人' } },
        codes.verify!,
        'verify',
      );
      assert.deepEqual(
        await exchange.verify(
          verifier,
          { key: person, claims: { category: '在乡复员军人' } },
          meta,
        ),
        { found: true, results: { category: 'match' } },
      );
      assert.deepEqual(asked.at(-1), { key: person, items: ['category'] });
      const querier = await signed(
        '/api/v1/exchange/query',
        { key: person },
        codes.query!,
        'query',
      );
      const answer = await exchange.query(querier, { key: person }, meta);
      assert.deepEqual(answer, {
        found: true,
        record: {
          id_number: `${person.slice(0, 6)}********${person.slice(-4)}`,
          name: '赵铁柱',
          category: '在乡复员军人',
        },
        masked: ['id_number'],
      });
      // A processor that cannot be reached is a 503 of its own, not a 500.
      exchange.setRemoteSource({
        holds: async () => true,
        lookup: async () => {
          throw new Error('connect ECONNREFUSED');
        },
      });
      const again = await signed('/api/v1/exchange/query', { key: person }, codes.query!, 'query');
      await assert.rejects(
        exchange.query(again, { key: person }, meta),
        (e: unknown) =>
          e instanceof Error && (e as { code?: string }).code === 'exchange.source_unavailable',
      );
      held = false;
    });

    test('[EXC-05] bad input gets its own problem code and never data: unknown key format, field not granted, malformed body, oversize list, another unit', async () => {
      const expectProblem = (
        res: { status: number; body: Record<string, unknown>; text: string },
        status: number,
        code: string,
      ) => {
        assert.equal(res.status, status, res.text);
        assert.equal(res.body.code, code, res.text);
        assert.ok(!res.text.includes('钱秀英') && !res.text.includes('赵铁柱'), 'no data');
      };
      // A key that is no ID number.
      expectProblem(
        await call('/api/v1/exchange/verify', { key: '12345', claims: { name: '赵' } }),
        400,
        'exchange.bad_key',
      );
      expectProblem(
        await call('/api/v1/exchange/verify', { key: person, claims: { monthly_amount: 1520.5 } }),
        403,
        'exchange.field_not_granted',
      );
      expectProblem(
        await call('/api/v1/exchange/query', { key: other, fields: ['monthly_amount'] }),
        403,
        'exchange.field_not_granted',
      );
      // A body that is no JSON, signed as it was sent.
      const path = '/api/v1/exchange/query';
      const malformed = await fetch(t.url + path, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...signedHeaders(
            credential,
            { method: 'POST', path, body: '{not json', interfaceCode: codes.query! },
            { now: t.clock.now().getTime() },
          ),
        },
        body: '{not json',
      });
      assert.equal(malformed.status, 400);
      assert.equal(((await malformed.json()) as { code: string }).code, 'exchange.malformed_body');
      // More keys than one call may carry.
      const keys = Array.from({ length: 101 }, (_, i) =>
        makeCitizenId('130102', '19700101', i + 100),
      );
      expectProblem(
        await call('/api/v1/exchange/query', { keys }),
        400,
        'exchange.batch_too_large',
      );
      expectProblem(
        await call('/api/v1/exchange/verify', {
          items: keys.map((key) => ({ key, claims: { name: '赵铁柱' } })),
        }),
        400,
        'exchange.batch_too_large',
      );
      // The credential is the consumer's: a system that says it is another unit is refused.
      const providerCredit = (
        await t.http('GET', `/api/v1/units/${cast.providerUnitId}`, { as: applicant })
      ).body.creditCode as string;
      expectProblem(
        await call(
          '/api/v1/exchange/query',
          { key: other },
          { headers: { 'x-mzhub-unit': providerCredit } },
        ),
        403,
        'exchange.wrong_unit',
      );
      const consumerCredit = (
        await t.http('GET', `/api/v1/units/${cast.consumerUnitId}`, { as: applicant })
      ).body.creditCode as string;
      assert.equal(
        (
          await call(
            '/api/v1/exchange/query',
            { key: other },
            { headers: { 'x-mzhub-unit': consumerCredit } },
          )
        ).status,
        200,
      );
      // An SM2 key in a format the platform does not know.
      for (const publicKey of [
        'not-a-key',
        `04${'11'.repeat(64)}`,
        '-----BEGIN RSA PUBLIC KEY-----\nMIIB\n-----END RSA PUBLIC KEY-----',
      ]) {
        const res = await t.http('POST', '/api/v1/exchange/credentials', {
          as: applicant,
          body: { grantId, label: 'SM2', publicKey },
        });
        assert.equal(res.status, 400, JSON.stringify(res.body));
        assert.equal(res.body.code, 'exchange.unknown_key_format');
      }
    });

    test('[EXC-05] the signature covers the interface code; an interface of another route or resource is refused', async () => {
      const body = { key: person, claims: { name: '赵铁柱' } };
      // Signed for the verify interface but sent with the query interface's code.
      const headers = signedHeaders(
        credential,
        {
          method: 'POST',
          path: '/api/v1/exchange/verify',
          body: JSON.stringify(body),
          interfaceCode: codes.verify!,
        },
        { now: t.clock.now().getTime() },
      );
      const swapped = await fetch(t.url + '/api/v1/exchange/verify', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...headers,
          'x-mzhub-interface': codes.query!,
        },
        body: JSON.stringify(body),
      });
      assert.equal(((await swapped.json()) as { code: string }).code, 'exchange.bad_signature');
      // Properly signed, but the query interface does not serve the verify address.
      const mismatch = await call('/api/v1/exchange/verify', body, {
        interfaceCode: codes.query!,
      });
      assert.equal(mismatch.status, 400);
      assert.equal(mismatch.body.code, 'exchange.interface_mismatch');
      // An interface of another resource.
      const another = await publishEntry(
        t,
        cast,
        completeEntry({ name: '另一资源', classification: { tree: 'department', code: '301003' } }),
      );
      const foreign = await interfaceCodes(t, another.id as string, applicant);
      const notGranted = await call('/api/v1/exchange/verify', body, {
        interfaceCode: foreign.verify!,
      });
      assert.equal(notGranted.status, 403);
      assert.equal(notGranted.body.code, 'exchange.interface_not_granted');
      const unknown = await call('/api/v1/exchange/verify', body, {
        interfaceCode: 'S-301002-999999-2-001',
      });
      assert.equal(unknown.status, 404);
      assert.equal(unknown.body.code, 'exchange.interface_unknown');
      const malformedCode = await call('/api/v1/exchange/verify', body, {
        interfaceCode: 'verify',
      });
      assert.equal(malformedCode.body.code, 'exchange.interface_unknown');
    });

    test('[EXC-05] an SM2 credential signs with the consumer’s key pair; the secret-less credential refuses HMAC', async () => {
      const keys = generateSm2KeyPair();
      const issued = await t.http('POST', '/api/v1/exchange/credentials', {
        as: applicant,
        body: { grantId, label: 'SM2 签名', publicKey: keys.publicKey },
      });
      assert.equal(issued.status, 201, JSON.stringify(issued.body));
      assert.equal(issued.body.algorithm, 'sm2');
      assert.equal(issued.body.secret, null);
      const sm2Credential = {
        id: issued.body.id as string,
        sm2PrivateKey: keys.privateKey,
        sm2PublicKey: keys.publicKey,
      };
      const ok = await call(
        '/api/v1/exchange/verify',
        { key: person, claims: { name: '赵铁柱' } },
        { credential: sm2Credential },
      );
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      assert.deepEqual(ok.body.results, { name: 'match' });
      // Another key pair's signature, or an HMAC, does not pass.
      const stranger = generateSm2KeyPair();
      const forged = await call(
        '/api/v1/exchange/verify',
        { key: person, claims: { name: '赵铁柱' } },
        {
          credential: {
            id: sm2Credential.id,
            sm2PrivateKey: stranger.privateKey,
            sm2PublicKey: stranger.publicKey,
          },
        },
      );
      assert.equal(forged.body.code, 'exchange.bad_signature');
      const hmac = await call(
        '/api/v1/exchange/verify',
        { key: person, claims: { name: '赵铁柱' } },
        { credential: { id: sm2Credential.id, secret: '' } },
      );
      assert.equal(hmac.body.code, 'exchange.bad_signature');
      // A PEM public key of the SM2 curve is read too.
      const { generateKeyPairSync } = await import('node:crypto');
      const pem = generateKeyPairSync('ec', { namedCurve: 'SM2' })
        .publicKey.export({ type: 'spki', format: 'pem' })
        .toString();
      const fromPem = await t.http('POST', '/api/v1/exchange/credentials', {
        as: applicant,
        body: { grantId, label: 'SM2 PEM', publicKey: pem },
      });
      assert.equal(fromPem.status, 201, JSON.stringify(fromPem.body));
      const list = await t.http('GET', `/api/v1/exchange/credentials?grantId=${grantId}`, {
        as: applicant,
      });
      assert.ok(
        (list.body.items as { id: string; algorithm: string }[]).some(
          (c) => c.id === sm2Credential.id && c.algorithm === 'sm2',
        ),
      );
    });

    test('[EXC-05] unsigned, stale, replayed, forged and tampered calls are refused with their own codes', async () => {
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
        { method: 'POST', path, body: JSON.stringify(body), interfaceCode: codes.verify! },
        { now: t.clock.now().getTime() },
      );
      const tampered = await fetch(t.url + path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ ...body, claims: { name: '别人' } }),
      });
      assert.equal(((await tampered.json()) as { code: string }).code, 'exchange.bad_signature');
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

    test('[EXC-05] [AUD-01] every call is audited with the grant, purpose, interface, fields and records returned', async () => {
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
          'detail',
        ])
        .where('grant_id', '=', grantId)
        .where('action', 'in', ['exchange.verify', 'exchange.query', 'exchange.call'])
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
      assert.equal(JSON.parse(last.detail ?? '{}').interface, codes.query);
      assert.ok(
        entries.some((e) => e.result === 'denied'),
        'refused calls are audited too',
      );
      assert.ok(
        entries.some(
          (e) =>
            e.action === 'exchange.call' &&
            JSON.parse(e.detail ?? '{}').code === 'exchange.wrong_unit',
        ),
        'a call in another unit’s name is audited',
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

    test('[EXC-03] batch copies stream the granted fields, masked, of all rows or of the changes since a number, resumable, with a manifest', async () => {
      // The provider keeps the ID number in clear for this grant and masks the name.
      const batchGrant = await grantThrough(
        t,
        cast,
        { applicant, approver },
        entryId,
        {
          fields: ['id_number', 'name', 'monthly_amount'],
          modes: ['batch'],
          purpose: '就业困难人员数据比对（批量）',
        },
        { masking: { id_number: 'none', name: 'name_first' } },
      );
      const batchCredential = await issueCredential(t, applicant, batchGrant, '批量');
      const get = (path: string) => signedCall(t, batchCredential, codes.batch!, 'GET', path);
      const full = await get('/api/v1/exchange/batch?format=csv');
      assert.equal(full.status, 200, full.text);
      const lines = full.text.trim().split('\r\n');
      assert.equal(lines[0], 'id_number,name,monthly_amount');
      assert.equal(lines.length, 3);
      assert.ok(
        lines.some((l) => l === `${person},赵**,1520.5`),
        full.text,
      );
      assert.ok(!full.text.includes('赵铁柱') && !full.text.includes('伤残军人'));
      assert.equal(full.headers.get('x-mzhub-masked'), 'name');
      assert.match(full.headers.get('x-mzhub-batch-id') ?? '', /^[0-9a-f-]{36}$/);
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
      // Pages of `limit` rows; the next page starts where x-mzhub-next-after says.
      const page1 = await get('/api/v1/exchange/batch?format=csv&limit=1');
      const nextAfter = page1.headers.get('x-mzhub-next-after');
      assert.ok(nextAfter, 'a further page is announced');
      assert.equal(page1.text.trim().split('\r\n').length, 2);
      const page2 = await get(
        `/api/v1/exchange/batch?format=csv&limit=1&after=${encodeURIComponent(nextAfter)}`,
      );
      assert.equal(page2.headers.get('x-mzhub-next-after'), null);
      assert.notEqual(page2.text.split('\r\n')[1], page1.text.split('\r\n')[1]);
      const tooLarge = await get('/api/v1/exchange/batch?format=csv&limit=1000000');
      assert.equal(tooLarge.status, 400);
      assert.equal(tooLarge.body.code, 'exchange.batch_too_large');
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
      assert.deepEqual(changes.text.trim().split('\r\n').slice(1), [`${other},钱**,1600`]);
      // The manifest counts and checksums exactly what the copy sends.
      const manifest = await get('/api/v1/exchange/batch/manifest?format=csv');
      const again = await get('/api/v1/exchange/batch?format=csv');
      assert.equal(manifest.body.rowCount, 2);
      assert.equal(manifest.body.checksum, createHash('sm3').update(again.text).digest('hex'));
      assert.deepEqual(manifest.body.masked, ['name']);
      // A grant without the batch mode cannot copy, even naming the batch interface.
      const denied = await signedCall(t, credential, codes.batch!, 'GET', '/api/v1/exchange/batch');
      assert.equal(denied.status, 403);
      assert.equal(denied.body.code, 'exchange.mode_not_granted');
      const audited = await t.handle.db
        .selectFrom('audit_entries')
        .select(['record_count', 'detail'])
        .where('action', '=', 'exchange.batch')
        .where('grant_id', '=', batchGrant)
        .execute();
      const copy = audited.find(
        (a) => JSON.parse(a.detail ?? '{}').batchId === again.headers.get('x-mzhub-batch-id'),
      );
      assert.equal(copy?.record_count, 2);

      // Reconciliation hears of each finished copy with its rows and checksum.
      const { exchange } = t.services;
      exchange.onBatchDelivered((b) => deliveries.push(b));
      const path = '/api/v1/exchange/batch?format=ndjson';
      const headers = signedHeaders(
        batchCredential,
        { method: 'GET', path, body: '', interfaceCode: codes.batch! },
        { now: t.clock.now().getTime() },
      );
      const caller = await exchange.authenticate({
        method: 'GET',
        url: path,
        headers,
        rawBody: '',
        modes: ['batch', 'file'],
      });
      const meta = { clientIp: '127.0.0.1', requestId: 'test-delivery' };
      const batch = await exchange.openBatch(caller, { format: 'ndjson' }, meta, 'copy');
      let sent = '';
      for await (const text of batch.lines) sent += text;
      assert.equal(deliveries.length, 1);
      assert.deepEqual(deliveries[0], {
        batchId: batch.batchId,
        grantId: batchGrant,
        resourceId: entryId,
        consumerUnitId: cast.consumerUnitId,
        mode: 'full',
        format: 'ndjson',
        rows: 2,
        checksum: createHash('sm3').update(sent).digest('hex'),
        fromChange: null,
        toChange: batch.changeNo,
        complete: true,
      });
    });

    test('[EXC-05] the curl script listed with an interface works as printed', async (ctx) => {
      const tools = spawnSync('bash', ['-c', 'command -v curl && command -v openssl']);
      if (tools.status !== 0) {
        ctx.skip('curl or openssl is not installed');
        return;
      }
      const listed = await t.http('GET', `/api/v1/catalog/entries/${entryId}/interfaces`, {
        as: applicant,
      });
      const verify = (listed.body.items as { code: string; example: { curl: string } }[]).find(
        (i) => i.code === codes.verify,
      )!;
      const script = verify.example.curl
        .replace(/^CRED=.*$/m, `CRED=${credential.id}`)
        .replace(/^SECRET=.*$/m, `SECRET='${credential.secret}'`)
        .replace(/^HOST=.*$/m, `HOST=${t.url}`);
      // Asynchronously: the server answering the script runs in this process.
      const run = await promisify(execFile)('bash', ['-c', script], { timeout: 20_000 });
      // The example claims the sample person's name (张三) and category (伤残军人).
      assert.deepEqual(JSON.parse(run.stdout), {
        found: true,
        results: { name: 'no_match', category: 'match' },
      });
    });

    test('[SHR-09] a revoked credential or grant stops the next call at once, each with its own code', async () => {
      const rotated = await issueCredential(t, applicant, grantId, '轮换用');
      const body = { key: person, claims: { name: '赵铁柱' } };
      assert.equal(
        (await call('/api/v1/exchange/verify', body, { credential: rotated })).status,
        200,
      );
      // Rotation without downtime: the old one still works until it is revoked.
      assert.equal((await call('/api/v1/exchange/verify', body)).status, 200);
      assert.equal(
        (
          await t.http('POST', `/api/v1/exchange/credentials/${credential.id}/revoke`, {
            as: applicant,
          })
        ).status,
        204,
      );
      const old = await call('/api/v1/exchange/verify', body);
      assert.equal(old.body.code, 'exchange.credential_revoked');
      const revoked = await t.http('POST', `/api/v1/sharing/grants/${grantId}/revoke`, {
        as: approver,
        body: { reason: '超范围使用' },
      });
      assert.equal(revoked.status, 200);
      const next = await call('/api/v1/exchange/verify', body, { credential: rotated });
      assert.equal(next.status, 403);
      assert.equal(next.body.code, 'exchange.grant_revoked');
      assert.ok(!next.text.includes('match'));
    });

    test('[EXC-05] an expired grant is refused with its own code', async () => {
      const shortGrant = await grantThrough(
        t,
        cast,
        { applicant, approver },
        entryId,
        { fields: ['name'], modes: ['verify'] },
        { periodEnd: new Date(t.clock.now().getTime() + 8 * 3600_000).toISOString().slice(0, 10) },
      );
      const cred = await issueCredential(t, applicant, shortGrant, '短期');
      const body = { key: person, claims: { name: '赵铁柱' } };
      assert.equal((await call('/api/v1/exchange/verify', body, { credential: cred })).status, 200);
      t.clock.advance(2 * 86_400_000);
      const expired = await call('/api/v1/exchange/verify', body, { credential: cred });
      assert.equal(expired.status, 403);
      assert.equal(expired.body.code, 'exchange.grant_expired');
      t.clock.advance(-2 * 86_400_000);
    });
  });
}
