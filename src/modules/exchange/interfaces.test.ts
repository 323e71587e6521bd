import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  catalogCast,
  completeEntry,
  publishEntry,
  type CatalogCast,
} from '../../../tests/helpers/catalog.ts';
import { testEngines } from '../../../tests/helpers/engines.ts';
import { createTestPlatform, type TestPlatform } from '../../../tests/helpers/platform.ts';
import type { EntryContent } from '../catalog/elements.ts';
import { formatInterfaceCode, parseInterfaceCode } from './interfaces.ts';

test('[EXC-05] an interface code says who built it, for which resource, its class and sequence', () => {
  assert.equal(formatInterfaceCode('platform', '301002/000001', 2, 1), 'S-301002-000001-2-001');
  assert.equal(
    formatInterfaceCode('provider', '301002001/000123', 9, 12),
    'P-301002001-000123-9-012',
  );
  assert.deepEqual(parseInterfaceCode('S-301002-000001-2-001'), {
    builder: 'platform',
    resourceCode: '301002/000001',
    cls: 2,
    sequence: 1,
  });
  for (const bad of ['S-301002-000001-5-001', 'X-301002-000001-2-001', 'S-301002/000001-2-001']) {
    assert.equal(parseInterfaceCode(bad), null, bad);
  }
  assert.throws(() => formatInterfaceCode('platform', '301002/000001', 1, 1000), RangeError);
});

interface InterfaceView {
  code: string;
  class: number;
  classLabel: string;
  builder: string;
  sequence: number;
  mode: string | null;
  method: string | null;
  path: string | null;
  status: string;
  parameters: { name: string; in: string; required: boolean }[];
  example: { request: string | null; response: string; curl: string | null };
}

for (const engine of testEngines()) {
  describe(`exchange: the interface registry (${engine})`, () => {
    let t: TestPlatform;
    let cast: CatalogCast;
    let entry: { id: string; code: string };

    const list = async (): Promise<InterfaceView[]> => {
      const res = await t.http('GET', `/api/v1/catalog/entries/${entry.id}/interfaces`, {
        as: cast.consumer,
      });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body.items as InterfaceView[];
    };
    const byCode = (items: InterfaceView[]) =>
      Object.fromEntries(items.map((i) => [i.code, `${i.mode}:${i.status}`]));

    /** Publishes a new version of the entry with other provision modes. */
    const republish = async (overrides: Partial<EntryContent>) => {
      const act = (who: typeof cast.editor, action: string) =>
        t.http('POST', `/api/v1/catalog/entries/${entry.id}/actions`, {
          as: who,
          body: { action },
        });
      const v = await act(cast.editor, 'new_version');
      assert.equal(v.status, 200, JSON.stringify(v.body));
      const edited = await t.http('PUT', `/api/v1/catalog/entries/${entry.id}/draft`, {
        as: cast.editor,
        body: { version: v.body.workingVersion, content: completeEntry(overrides) },
      });
      assert.equal(edited.status, 200, JSON.stringify(edited.body));
      for (const [who, action] of [
        [cast.editor, 'submit'],
        [cast.reviewer, 'open'],
        [cast.reviewer, 'approve'],
        [cast.manager, 'publish'],
      ] as const) {
        const res = await act(who, action);
        assert.equal(res.status, 200, `${action}: ${JSON.stringify(res.body)}`);
      }
    };

    before(async () => {
      t = await createTestPlatform(engine);
      cast = await catalogCast(t);
      entry = await publishEntry(t, cast, completeEntry());
    });
    after(() => t.close());

    test('[EXC-05] publishing registers one interface per provision mode, with class, parameters and an example call', async () => {
      const items = await list();
      const [cls, seq] = entry.code.split('/') as [string, string];
      assert.deepEqual(
        items.map((i) => [i.code, i.class, i.mode, i.builder, i.status]),
        [
          [`S-${cls}-${seq}-1-001`, 1, 'query', 'platform', 'active'],
          [`S-${cls}-${seq}-2-001`, 2, 'verify', 'platform', 'active'],
          [`S-${cls}-${seq}-3-001`, 3, 'batch', 'platform', 'active'],
        ],
      );
      const verify = items.find((i) => i.mode === 'verify')!;
      assert.equal(verify.classLabel, '核验类');
      assert.equal(verify.method, 'POST');
      assert.equal(verify.path, '/api/v1/exchange/verify');
      assert.deepEqual(
        verify.parameters.filter((p) => p.required).map((p) => p.name),
        ['key', 'claims'],
      );
      const request = JSON.parse(verify.example.request!) as { key: string; claims: object };
      assert.match(request.key, /^\d{17}[\dX]$/);
      assert.ok(verify.example.curl!.includes(`IFACE=${verify.code}`));
      assert.ok(verify.example.curl!.includes('openssl dgst -sm3 -hmac'));
      // The example answer of a query shows sensitive items masked, as calls return them.
      const query = items.find((i) => i.mode === 'query')!;
      const record = (JSON.parse(query.example.response) as { record: Record<string, string> })
        .record;
      assert.match(record.id_number!, /^\d{6}\*{8}\d{3}[\dX]$/);
      assert.equal(record.name, '张*');
    });

    test('[EXC-05] a new version retires the interfaces of dropped modes and never gives a sequence again', async () => {
      const before = await list();
      // Same modes again: nothing new, nothing retired.
      await republish({});
      assert.deepEqual(byCode(await list()), byCode(before));
      // Query and batch dropped, file download added (class 4).
      await republish({ provisionModes: ['verify', 'file'] });
      const [cls, seq] = entry.code.split('/') as [string, string];
      const p = `S-${cls}-${seq}`;
      assert.deepEqual(byCode(await list()), {
        [`${p}-1-001`]: 'query:retired',
        [`${p}-2-001`]: 'verify:active',
        [`${p}-3-001`]: 'batch:retired',
        [`${p}-4-001`]: 'file:active',
      });
      // Query offered again: a new code; the retired one stays retired.
      await republish({ provisionModes: ['verify', 'query', 'file'] });
      const now = byCode(await list());
      assert.equal(now[`${p}-1-001`], 'query:retired');
      assert.equal(now[`${p}-1-002`], 'query:active');
      // The platform manager registers a provider-built verify interface: the next sequence.
      const registered = await t.http('POST', `/api/v1/catalog/entries/${entry.id}/interfaces`, {
        as: cast.manager,
        body: { builder: 'provider', mode: 'verify', name: '优抚对象身份核验（部门自建）' },
      });
      assert.equal(registered.status, 201, JSON.stringify(registered.body));
      assert.equal(registered.body.code, `P-${cls}-${seq}-2-002`);
      // Described only (not served here): a class is required; other-class sequences start at 1.
      const other = await t.http('POST', `/api/v1/catalog/entries/${entry.id}/interfaces`, {
        as: cast.manager,
        body: {
          builder: 'provider',
          class: 9,
          name: '数据质量反馈',
          method: 'POST',
          path: '/feedback',
        },
      });
      assert.equal(other.status, 201, JSON.stringify(other.body));
      assert.equal(other.body.code, `P-${cls}-${seq}-9-001`);
      const noClass = await t.http('POST', `/api/v1/catalog/entries/${entry.id}/interfaces`, {
        as: cast.manager,
        body: { builder: 'provider', name: '无类别接口' },
      });
      assert.equal(noClass.body.code, 'exchange.class_required');
      const notOffered = await t.http('POST', `/api/v1/catalog/entries/${entry.id}/interfaces`, {
        as: cast.manager,
        body: { builder: 'platform', mode: 'subscribe', name: '订阅' },
      });
      assert.equal(notOffered.body.code, 'exchange.mode_not_offered');
      // Retired by hand: refused again, and its sequence is not handed out again.
      const retired = await t.http(
        'POST',
        `/api/v1/exchange/interfaces/${registered.body.code}/retire`,
        { as: cast.manager, body: { reason: '部门系统下线' } },
      );
      assert.equal(retired.status, 200, JSON.stringify(retired.body));
      assert.equal(retired.body.status, 'retired');
      const twice = await t.http(
        'POST',
        `/api/v1/exchange/interfaces/${registered.body.code}/retire`,
        { as: cast.manager, body: { reason: '再次停用' } },
      );
      assert.equal(twice.body.code, 'exchange.interface_retired');
      const again = await t.http('POST', `/api/v1/catalog/entries/${entry.id}/interfaces`, {
        as: cast.manager,
        body: { builder: 'platform', mode: 'verify', name: '身份核验（平台）' },
      });
      assert.equal(again.body.code, `S-${cls}-${seq}-2-003`);
      const codes = (await list()).map((i) => i.code);
      assert.equal(new Set(codes).size, codes.length, 'every code names one interface');
      const audited = await t.handle.db
        .selectFrom('audit_entries')
        .select('target_id')
        .where('action', '=', 'exchange.interface_register')
        .execute();
      assert.ok(audited.some((a) => a.target_id === again.body.code));
    });

    test('[EXC-05] only the platform’s catalog manager of the division registers or retires interfaces', async () => {
      const editor = await t.http('POST', `/api/v1/catalog/entries/${entry.id}/interfaces`, {
        as: cast.editor,
        body: { builder: 'provider', class: 9, name: '越权登记' },
      });
      assert.equal(editor.status, 403);
      // A manager of another province does not see the entry as one of its own.
      const elsewhere = await t.services.org.createUnit({
        name: '山西省数据中心',
        divisionCode: '140000',
        type: 'institution',
        creditCode: null,
        parentUnitId: null,
      });
      const outsider = await t.userWith(['platform_manager'], elsewhere.id);
      const outside = await t.http('POST', `/api/v1/catalog/entries/${entry.id}/interfaces`, {
        as: outsider,
        body: { builder: 'provider', class: 9, name: '越权登记' },
      });
      assert.equal(outside.status, 404);
      const [first] = await list();
      const retire = await t.http('POST', `/api/v1/exchange/interfaces/${first!.code}/retire`, {
        as: outsider,
        body: { reason: '越权停用' },
      });
      assert.equal(retire.status, 404);
      // An entry never published has no interfaces to list.
      const draft = await t.http('POST', '/api/v1/catalog/entries', {
        as: cast.editor,
        body: { content: completeEntry({ name: '草稿资源' }) },
      });
      const none = await t.http('GET', `/api/v1/catalog/entries/${draft.body.id}/interfaces`, {
        as: cast.editor,
      });
      assert.deepEqual(none.body.items, []);
    });
  });
}
