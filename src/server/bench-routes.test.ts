import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { makeCitizenId } from '../lib/ids/citizen-id.ts';
import { signedHeaders } from '../modules/exchange/signing.ts';
import {
  catalogCast,
  completeEntry,
  publishEntry,
  type CatalogCast,
} from '../../tests/helpers/catalog.ts';
import { testEngines } from '../../tests/helpers/engines.ts';
import { createTestPlatform, type TestPlatform } from '../../tests/helpers/platform.ts';

const people = [
  [makeCitizenId('130102', '19520301', 211), '赵铁柱', '伤残军人', 1520.5],
  [makeCitizenId('130104', '19480715', 322), '钱秀英', '烈士遗属', 980],
  [makeCitizenId('130123', '19610930', 417), '孙建国', '在乡复员军人', 1200.25],
] as const;
const fields = [
  'id_number',
  'name',
  'category',
  'division_code',
  'monthly_amount',
  'recognised_on',
];

for (const engine of testEngines()) {
  describe(`benchmark peer endpoints (${engine})`, () => {
    let plain: TestPlatform;
    let bench: TestPlatform;
    let cast: CatalogCast;
    let resourceId: string;
    let credential: { id: string; secret: string };
    /** The interface codes registered when the entry was published, by provision mode. */
    let interfaces: Map<string, string>;

    /** A signed exchange call, as a consumer system makes it. */
    const signed = async (
      mode: 'verify' | 'query' | 'batch',
      method: 'GET' | 'POST',
      path: string,
      body?: unknown,
    ) => {
      const text = body === undefined ? '' : JSON.stringify(body);
      const interfaceCode = interfaces.get(mode)!;
      const res = await fetch(bench.url + path, {
        method,
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...signedHeaders(credential, { method, path, body: text, interfaceCode }),
        },
        ...(body === undefined ? {} : { body: text }),
      });
      return { status: res.status, text: await res.text() };
    };

    before(async () => {
      plain = await createTestPlatform(engine);
      bench = await createTestPlatform(engine, { benchMode: true });
      cast = await catalogCast(bench);
      const applicant = await bench.userWith(['sharing_applicant'], cast.consumerUnitId);
      const approver = await bench.userWith(['sharing_approver'], cast.providerUnitId);
      // No sensitive items: the full path masks those (脱敏), the bare peers never do, and
      // here their answers must be identical.
      const content = completeEntry();
      content.dataItems = content.dataItems!.map((i) => ({ ...i, sensitive: false }));
      resourceId = ((await publishEntry(bench, cast, content)) as { id: string }).id;
      const registered = await bench.handle.db
        .selectFrom('exchange_interfaces')
        .select(['mode', 'code'])
        .where('resource_id', '=', resourceId)
        .where('status', '=', 'active')
        .execute();
      interfaces = new Map(registered.map((r) => [r.mode ?? '', r.code]));
      for (const [id, name, category, amount] of people) {
        const saved = await bench.http('PUT', `/api/v1/catalog/entries/${resourceId}/rows`, {
          as: cast.clerk,
          body: { values: { id_number: id, name, category, monthly_amount: amount } },
        });
        assert.equal(saved.status, 200, JSON.stringify(saved.body));
      }
      const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
      const filed = await bench.http('POST', '/api/v1/sharing/requests', {
        as: applicant,
        body: {
          resourceId,
          fields,
          modes: ['verify', 'query', 'batch'],
          purpose: '社会救助对象认定时核验优抚对象身份',
          legalBasis: '《社会救助暂行办法》第四十六条',
          periodStart: today,
          periodEnd: '2027-12-31',
          contactName: '李明',
          contactPhone: '0311-87011234',
        },
      });
      assert.equal(filed.status, 201, JSON.stringify(filed.body));
      for (const [who, action] of [
        [cast.manager, 'precheck_pass'],
        [approver, 'approve'],
        [cast.manager, 'deliver'],
      ] as const) {
        const res = await bench.http('POST', `/api/v1/sharing/requests/${filed.body.id}/actions`, {
          as: who,
          body: { action },
        });
        assert.equal(res.status, 200, `${action}: ${JSON.stringify(res.body)}`);
      }
      const grant = await bench.handle.db
        .selectFrom('sharing_grants')
        .select('id')
        .where('request_id', '=', filed.body.id)
        .executeTakeFirstOrThrow();
      const issued = await bench.http('POST', '/api/v1/exchange/credentials', {
        as: applicant,
        body: { grantId: grant.id, label: '性能测试' },
      });
      assert.equal(issued.status, 201, JSON.stringify(issued.body));
      credential = { id: issued.body.id, secret: issued.body.secret };
    });
    after(async () => {
      await plain?.close();
      await bench?.close();
    });

    test('[SEC-01] the unauthenticated benchmark endpoints exist only in benchmark mode', async () => {
      for (const [method, path] of [
        ['POST', '/api/bench/bare-verify'],
        ['POST', '/api/bench/bare-query'],
        ['GET', `/api/bench/naive-batch?resourceId=x&fields=name`],
      ] as const) {
        const res = await plain.http(method, path, {
          ...(method === 'POST'
            ? { body: { resourceId: 'x', key: people[0][0], claims: {} } }
            : {}),
        });
        assert.equal(res.status, 404, `${method} ${path}`);
        assert.equal(res.body.code, 'route.not_found');
      }
      assert.deepEqual(
        plain.app.accessTable.filter((r) => r.url.startsWith('/api/bench')),
        [],
      );
      // In benchmark mode they are there, declared public (no session, no credential).
      assert.deepEqual(
        bench.app.accessTable
          .filter((r) => r.url.startsWith('/api/bench'))
          .map((r) => `${r.method} ${r.url} ${r.access}`)
          .sort(),
        [
          'GET /api/bench/naive-batch public',
          'HEAD /api/bench/naive-batch public',
          'POST /api/bench/bare-query public',
          'POST /api/bench/bare-verify public',
        ],
      );
    });

    test('[EXC-01] [EXC-02] the bare peers answer what the signed verify and query calls answer', async () => {
      const cases = [
        {
          key: people[0][0],
          claims: { name: '赵铁柱', category: '烈士遗属', monthly_amount: 1520.5 },
        },
        { key: people[1][0].toLowerCase(), claims: { name: ' 钱秀英 ', recognised_on: null } },
        { key: makeCitizenId('130102', '19600101', 555), claims: { name: '孙' } },
      ];
      for (const body of cases) {
        const full = await signed('verify', 'POST', '/api/v1/exchange/verify', body);
        const bare = await bench.http('POST', '/api/bench/bare-verify', {
          body: { resourceId, ...body },
        });
        assert.equal(full.status, 200, full.text);
        assert.equal(bare.status, 200, JSON.stringify(bare.body));
        assert.deepEqual(bare.body, JSON.parse(full.text));
      }
      for (const body of [
        { key: people[2][0] },
        { key: people[0][0], fields: ['name', 'monthly_amount'] },
        { key: makeCitizenId('130102', '19600101', 555) },
      ]) {
        const full = await signed('query', 'POST', '/api/v1/exchange/query', body);
        const bare = await bench.http('POST', '/api/bench/bare-query', {
          body: { resourceId, ...body },
        });
        assert.equal(full.status, 200, full.text);
        assert.deepEqual(bare.body, JSON.parse(full.text));
      }
      const badKey = await bench.http('POST', '/api/bench/bare-verify', {
        body: { resourceId, key: '12345', claims: {} },
      });
      assert.equal(badKey.status, 400);
      assert.equal(badKey.body.code, 'exchange.bad_key');
    });

    test('[EXC-03] the naive export writes the same CSV as the batch copy', async () => {
      const full = await signed('batch', 'GET', '/api/v1/exchange/batch?format=csv');
      assert.equal(full.status, 200, full.text);
      const naive = await bench.http(
        'GET',
        `/api/bench/naive-batch?resourceId=${resourceId}&fields=${fields.join(',')}`,
      );
      assert.equal(naive.status, 200);
      assert.equal(naive.body, full.text);
      assert.equal(full.text.trim().split('\r\n').length, people.length + 1);
    });
  });
}
