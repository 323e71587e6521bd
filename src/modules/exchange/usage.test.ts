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
  grantThrough,
  interfaceCodes,
  issueCredential,
  signedCall,
} from '../../../tests/helpers/exchange.ts';
import {
  createTestPlatform,
  type Caller,
  type TestPlatform,
} from '../../../tests/helpers/platform.ts';
import { AppError } from '../../server/errors.ts';
import { signedHeaders } from './signing.ts';
import { p95FromBuckets, secondsToShanghaiMidnight, shanghaiDay } from './usage.ts';

const person = makeCitizenId('130102', '19520301', 211);

test('[EXC-05] days and Retry-After follow Asia/Shanghai; p95 is read from the buckets', () => {
  // 2026-03-01 15:59:30 UTC is 23:59:30 in Shanghai: 30 s to midnight.
  assert.equal(shanghaiDay(new Date('2026-03-01T15:59:30Z')), '2026-03-01');
  assert.equal(secondsToShanghaiMidnight(new Date('2026-03-01T15:59:30Z')), 30);
  assert.equal(shanghaiDay(new Date('2026-03-01T16:00:00Z')), '2026-03-02');
  assert.equal(secondsToShanghaiMidnight(new Date('2026-03-01T16:00:00Z')), 86_400);
  assert.equal(p95FromBuckets([0, 0, 0, 0, 0, 0, 0, 0]), null);
  assert.equal(p95FromBuckets([96, 4, 0, 0, 0, 0, 0, 0]), 5);
  assert.equal(p95FromBuckets([90, 0, 10, 0, 0, 0, 0, 0]), 25);
  assert.equal(p95FromBuckets([0, 0, 0, 0, 0, 0, 0, 1]), 2000);
});

for (const engine of testEngines()) {
  describe(`exchange: daily quotas and usage statistics (${engine})`, () => {
    let t: TestPlatform;
    let cast: CatalogCast;
    let applicant: Caller;
    let approver: Caller;
    let entryId: string;
    let codes: Record<string, string>;

    before(async () => {
      // A platform default of 6 calls a day per grant, unless the provider decides another.
      t = await createTestPlatform(engine, { exchangeDailyQuota: 6 });
      cast = await catalogCast(t);
      applicant = await t.userWith(['sharing_applicant'], cast.consumerUnitId);
      approver = await t.userWith(['sharing_approver'], cast.providerUnitId);
      const entry = await publishEntry(t, cast, completeEntry());
      entryId = entry.id as string;
      const saved = await t.http('PUT', `/api/v1/catalog/entries/${entryId}/rows`, {
        as: cast.clerk,
        body: { values: { id_number: person, name: '赵铁柱', category: '伤残军人' } },
      });
      assert.equal(saved.status, 200, JSON.stringify(saved.body));
      codes = await interfaceCodes(t, entryId, applicant);
    });
    after(() => t.close());

    test('[EXC-05] a grant over its daily quota gets 429 with Retry-After until midnight, also after a restart', async () => {
      const grantId = await grantThrough(
        t,
        cast,
        { applicant, approver },
        entryId,
        { fields: ['name'], modes: ['verify'] },
        { dailyQuota: 2 },
      );
      const grant = await t.http('GET', '/api/v1/sharing/grants?side=consumer', { as: applicant });
      assert.equal(
        (grant.body.items as { id: string; dailyQuota: number }[]).find((g) => g.id === grantId)
          ?.dailyQuota,
        2,
      );
      const credential = await issueCredential(t, applicant, grantId);
      const verify = () =>
        signedCall(t, credential, codes.verify!, 'POST', '/api/v1/exchange/verify', {
          key: person,
          claims: { name: '赵铁柱' },
        });
      assert.equal((await verify()).status, 200);
      assert.equal((await verify()).status, 200);
      const over = await verify();
      assert.equal(over.status, 429, over.text);
      assert.equal(over.body.code, 'exchange.daily_quota_exceeded');
      assert.equal(
        Number(over.headers.get('retry-after')),
        secondsToShanghaiMidnight(t.clock.now()),
      );
      assert.ok(!over.text.includes('match'));
      // The count is in the database: another instance (or this one after a restart) refuses too.
      await t.http('GET', '/api/v1/exchange/usage', { as: applicant }); // writes the counters
      const path = '/api/v1/exchange/verify';
      const body = JSON.stringify({ key: person, claims: { name: '赵铁柱' } });
      await assert.rejects(
        t.services.exchange.authenticate({
          method: 'POST',
          url: path,
          headers: signedHeaders(
            credential,
            { method: 'POST', path, body, interfaceCode: codes.verify! },
            { now: t.clock.now().getTime() },
          ),
          rawBody: body,
          modes: ['verify'],
        }),
        (e: unknown) => e instanceof AppError && e.code === 'exchange.daily_quota_exceeded',
      );
      // A new day in Shanghai starts a new count.
      const now = t.clock.now();
      t.clock.advance(secondsToShanghaiMidnight(now) * 1000 + 1000);
      try {
        assert.equal((await verify()).status, 200);
      } finally {
        t.clock.set(now);
      }
      // Without a decision the platform's default applies.
      const plainGrant = await grantThrough(t, cast, { applicant, approver }, entryId, {
        fields: ['name'],
        modes: ['verify'],
      });
      const plain = await issueCredential(t, applicant, plainGrant);
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++) {
        statuses.push(
          (
            await signedCall(t, plain, codes.verify!, 'POST', '/api/v1/exchange/verify', {
              key: person,
              claims: { name: '赵铁柱' },
            })
          ).status,
        );
      }
      assert.deepEqual(statuses, [200, 200, 200, 200, 200, 200, 429]);
    });

    test('[EXC-05] usage per resource, grant and unit: calls, records, errors and answer times, each side seeing its own', async () => {
      const grantId = await grantThrough(t, cast, { applicant, approver }, entryId, {
        fields: ['id_number', 'name', 'category'],
        modes: ['verify', 'query'],
      });
      const credential = await issueCredential(t, applicant, grantId);
      const post = (code: string, path: string, body: unknown) =>
        signedCall(t, credential, code, 'POST', path, body);
      assert.equal(
        (
          await post(codes.verify!, '/api/v1/exchange/verify', {
            key: person,
            claims: { name: '赵铁柱' },
          })
        ).status,
        200,
      );
      const unknownKey = makeCitizenId('130102', '19600101', 555);
      assert.equal(
        (await post(codes.query!, '/api/v1/exchange/query', { keys: [person, unknownKey] })).status,
        200,
      );
      assert.equal(
        (await post(codes.query!, '/api/v1/exchange/query', { key: person, fields: ['x'] })).status,
        403,
      );
      const usage = async (as: Caller, query: string) => {
        const res = await t.http('GET', `/api/v1/exchange/usage?${query}`, { as });
        assert.equal(res.status, 200, JSON.stringify(res.body));
        return res.body;
      };
      const byGrant = await usage(applicant, 'by=grant');
      const mine = (
        byGrant.items as {
          key: string;
          calls: number;
          rows: number;
          errors: number;
          latencyP95Ms: number | null;
          label: string;
        }[]
      ).find((i) => i.key === grantId);
      assert.ok(mine, JSON.stringify(byGrant.items));
      assert.equal(mine.calls, 3);
      assert.equal(mine.rows, 2, 'one verify found, one of two keys found');
      assert.equal(mine.errors, 1);
      assert.ok(mine.latencyP95Ms !== null && mine.latencyP95Ms > 0);
      assert.ok(mine.label.includes('优抚对象基础信息'), mine.label);
      // Per resource: every grant's calls on it, refusals over the quota included.
      const byResource = await usage(approver, 'by=resource');
      const resource = (
        byResource.items as { key: string; calls: number; limited: number; label: string }[]
      ).find((i) => i.key === entryId)!;
      // Today: 2 under the decided quota, 6 under the default, 3 here; the call made on the
      // next day lies outside the range (today and the 29 days before).
      assert.equal(resource.calls, 2 + 6 + 3, JSON.stringify(resource));
      assert.equal(resource.limited, 2);
      assert.ok(resource.label.includes('优抚对象基础信息'));
      const byUnit = await usage(cast.manager, 'by=unit');
      assert.deepEqual(
        (byUnit.items as { key: string }[]).map((i) => i.key),
        [cast.consumerUnitId],
      );
      assert.equal(byUnit.totals.calls, resource.calls);
      const today = shanghaiDay(t.clock.now());
      assert.equal(
        (byUnit.daily as { day: string; calls: number }[]).find((d) => d.day === today)?.calls,
        resource.calls,
      );
      // A grant's own figures, and a date range.
      const one = await usage(applicant, `by=grant&grantId=${grantId}&from=${today}&to=${today}`);
      assert.deepEqual(
        (one.items as { key: string }[]).map((i) => i.key),
        [grantId],
      );
      const bad = await t.http('GET', '/api/v1/exchange/usage?from=2026-02-01&to=2026-01-01', {
        as: applicant,
      });
      assert.equal(bad.body.code, 'exchange.bad_range');
      // A unit that neither provides nor uses the resource sees nothing of it.
      const third = await t.services.org.createUnit({
        name: '河北省教育厅',
        divisionCode: '130000',
        type: 'agency',
        creditCode: null,
        parentUnitId: null,
      });
      const stranger = await t.userWith(['sharing_applicant'], third.id);
      const none = await usage(stranger, 'by=resource');
      assert.deepEqual(none.items, []);
      assert.equal(none.totals.calls, 0);
      // Nor does another province's platform.
      const elsewhere = await t.services.org.createUnit({
        name: '山西省数据中心',
        divisionCode: '140000',
        type: 'institution',
        creditCode: null,
        parentUnitId: null,
      });
      const outsider = await t.userWith(['platform_manager'], elsewhere.id);
      assert.deepEqual((await usage(outsider, 'by=unit')).items, []);
    });
  });
}
