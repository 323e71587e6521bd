import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  catalogCast,
  completeEntry,
  openEntry,
  publishEntry,
  type CatalogCast,
} from '../../../tests/helpers/catalog.ts';
import { testEngines } from '../../../tests/helpers/engines.ts';
import { createTestPlatform, type TestPlatform } from '../../../tests/helpers/platform.ts';

for (const engine of testEngines()) {
  describe(`data resource catalog (${engine})`, () => {
    let t: TestPlatform;
    let cast: CatalogCast;
    const act = (id: string, who: CatalogCast['editor'], action: string, note?: string) =>
      t.http('POST', `/api/v1/catalog/entries/${id}/actions`, {
        as: who,
        body: { action, ...(note ? { note } : {}) },
      });

    before(async () => {
      t = await createTestPlatform(engine);
      cast = await catalogCast(t);
    });
    after(() => t.close());

    test('[CAT-01] an entry holds every core element and gets its code from classification and sequence', async () => {
      const first = await t.http('POST', '/api/v1/catalog/entries', {
        as: cast.editor,
        body: {
          content: completeEntry({
            name: '婚姻登记信息',
            classification: { tree: 'department', code: '301004' },
          }),
        },
      });
      assert.equal(first.status, 201, JSON.stringify(first.body));
      assert.match(first.body.code, /^301004\/\d{6}$/);
      assert.equal(first.body.status, 'draft');
      assert.equal(first.body.provider.id, cast.providerUnitId);
      assert.match(first.body.provider.creditCode, /^[0-9A-Z]{18}$/);
      const content = first.body.working.content;
      for (const element of [
        'name',
        'summary',
        'classification',
        'formatType',
        'dataItems',
        'sharingType',
        'sharingScope',
        'openType',
        'updateFrequency',
        'timeliness',
        'provisionModes',
      ]) {
        assert.ok(content[element] !== undefined && content[element] !== null, element);
      }
      assert.deepEqual(
        first.body.findings.filter((f: { severity: string }) => f.severity === 'error'),
        [],
      );

      const second = await t.http('POST', '/api/v1/catalog/entries', {
        as: cast.editor,
        body: {
          content: completeEntry({
            name: '婚姻登记档案',
            classification: { tree: 'department', code: '301004' },
          }),
        },
      });
      const seq = (code: string) => Number(code.split('/')[1]);
      assert.equal(seq(second.body.code), seq(first.body.code) + 1);

      // A discarded draft keeps its code: codes are never reused.
      assert.equal((await act(second.body.id, cast.editor, 'discard')).status, 200);
      const third = await t.http('POST', '/api/v1/catalog/entries', {
        as: cast.editor,
        body: {
          content: completeEntry({
            name: '婚姻登记证照',
            classification: { tree: 'department', code: '301004' },
          }),
        },
      });
      assert.equal(seq(third.body.code), seq(first.body.code) + 2);

      const noClass = await t.http('POST', '/api/v1/catalog/entries', {
        as: cast.editor,
        body: { content: completeEntry({ classification: null }) },
      });
      assert.equal(noClass.status, 400);
      assert.equal(noClass.body.code, 'catalog.classification_required');

      const stranger = await t.http('POST', '/api/v1/catalog/entries', {
        as: cast.consumer,
        body: { providerUnitId: cast.providerUnitId, content: completeEntry() },
      });
      assert.equal(stranger.status, 403);
    });

    test('[CAT-02] sharing type is unconditional, conditional with conditions, or not shared with its legal basis', async () => {
      const check = async (content: object) =>
        (
          await t.http('POST', '/api/v1/catalog/compliance-check', {
            as: cast.editor,
            body: { content },
          })
        ).body.findings as { code: string; severity: string; field: string }[];
      const conditional = await check(completeEntry({ sharingCondition: '' }));
      assert.ok(conditional.some((f) => f.severity === 'error' && f.field === 'sharingCondition'));
      const notShared = await check(
        completeEntry({
          sharingType: 'none',
          sharingCondition: '',
          legalBasis: '',
          provisionModes: [],
          sharingMethods: [],
          sharingScope: null,
        }),
      );
      assert.ok(notShared.some((f) => f.severity === 'error' && f.field === 'legalBasis'));
      const bad = await t.http('POST', '/api/v1/catalog/compliance-check', {
        as: cast.editor,
        body: { content: completeEntry({ sharingType: 'sometimes' as never }) },
      });
      assert.equal(bad.status, 400);
    });

    test('[CAT-04] the compliance check blocks submission of an entry with missing elements or inconsistent logic', async () => {
      const created = await t.http('POST', '/api/v1/catalog/entries', {
        as: cast.editor,
        body: {
          content: completeEntry({
            name: '低保对象信息',
            sharingType: 'none',
            legalBasis: '',
            summary: '',
          }),
        },
      });
      assert.equal(created.status, 201);
      const codes = created.body.findings.map((f: { code: string }) => f.code);
      assert.ok(created.body.findings.length >= 3, JSON.stringify(created.body.findings));
      assert.ok(codes.includes('catalog.not_shared_with_modes'), codes.join());
      const submit = await act(created.body.id, cast.editor, 'submit');
      assert.equal(submit.status, 400);
      assert.equal(submit.body.code, 'catalog.not_compliant');
      assert.ok(submit.body.errors.some((e: { path: string }) => e.path === 'summary'));
      const still = await t.http('GET', `/api/v1/catalog/entries/${created.body.id}`, {
        as: cast.editor,
      });
      assert.equal(still.body.status, 'draft');

      const fixed = await t.http('PUT', `/api/v1/catalog/entries/${created.body.id}/draft`, {
        as: cast.editor,
        body: {
          version: 1,
          content: completeEntry({
            name: '低保对象信息',
            sharingType: 'none',
            sharingCondition: '',
            legalBasis: '《社会救助暂行办法》第六十六条：对获得的个人信息予以保密',
            provisionModes: [],
            sharingMethods: [],
            sharingScope: null,
          }),
        },
      });
      assert.equal(fixed.status, 200, JSON.stringify(fixed.body));
      assert.deepEqual(
        fixed.body.findings.filter((f: { severity: string }) => f.severity === 'error'),
        [],
      );
      assert.equal((await act(created.body.id, cast.editor, 'submit')).status, 200);
    });

    test('[CAT-03] draft → submitted → reviewed (opened one by one by another person) → published → new version; every published version stays readable', async () => {
      const created = await t.http('POST', '/api/v1/catalog/entries', {
        as: cast.editor,
        body: { content: completeEntry({ name: '烈士褒扬信息' }) },
      });
      const id = created.body.id as string;
      assert.equal((await act(id, cast.editor, 'submit')).status, 200);
      // The editor cannot review, and the reviewer must open the entry first.
      assert.equal((await act(id, cast.editor, 'approve')).status, 403);
      const unopened = await act(id, cast.reviewer, 'approve');
      assert.equal(unopened.status, 409);
      assert.equal(unopened.body.code, 'catalog.not_opened');
      // Opening by one reviewer does not count for another.
      assert.equal((await act(id, cast.reviewer2, 'open')).status, 200);
      assert.equal((await act(id, cast.reviewer, 'approve')).status, 409);
      // A return needs a reason, and the resubmitted version must be opened again.
      assert.equal((await act(id, cast.reviewer, 'return')).status, 400);
      const returned = await act(id, cast.reviewer, 'return', '摘要请写明数据范围');
      assert.equal(returned.body.status, 'returned');
      assert.equal((await act(id, cast.editor, 'submit')).status, 200);
      assert.equal((await act(id, cast.reviewer2, 'approve')).status, 409);
      assert.equal((await act(id, cast.reviewer2, 'open')).status, 200);
      const reviewed = await act(id, cast.reviewer2, 'approve');
      assert.equal(reviewed.body.status, 'reviewed');
      // Only the platform publishes; a reviewer of the unit cannot.
      assert.equal((await act(id, cast.reviewer2, 'publish')).status, 403);
      const published = await act(id, cast.manager, 'publish');
      assert.equal(published.status, 200);
      assert.equal(published.body.status, 'published');
      assert.equal(published.body.publishedVersion, 1);

      // A new version: edited and published while version 1 stays live until then.
      const v2 = await act(id, cast.editor, 'new_version');
      assert.equal(v2.body.workingVersion, 2);
      const edited = await t.http('PUT', `/api/v1/catalog/entries/${id}/draft`, {
        as: cast.editor,
        body: {
          version: 2,
          content: completeEntry({ name: '烈士褒扬信息', updateFrequency: 'weekly' }),
        },
      });
      assert.equal(edited.status, 200);
      const consumerView = await t.http('GET', `/api/v1/catalog/entries/${id}`, {
        as: cast.consumer,
      });
      assert.equal(consumerView.body.working.version, 1);
      assert.equal(consumerView.body.working.content.updateFrequency, 'monthly');
      assert.deepEqual(consumerView.body.actions, []);
      for (const [who, action] of [
        [cast.editor, 'submit'],
        [cast.reviewer, 'open'],
        [cast.reviewer, 'approve'],
        [cast.manager, 'publish'],
      ] as const) {
        assert.equal((await act(id, who, action)).status, 200, action);
      }
      const detail = await t.http('GET', `/api/v1/catalog/entries/${id}`, { as: cast.consumer });
      assert.equal(detail.body.live.version, 2);
      assert.deepEqual(
        detail.body.versions.map((v: { version: number; status: string }) => [v.version, v.status]),
        [
          [1, 'superseded'],
          [2, 'published'],
        ],
      );
      const old = await t.http('GET', `/api/v1/catalog/entries/${id}/versions/1`, {
        as: cast.consumer,
      });
      assert.equal(old.status, 200);
      assert.equal(old.body.content.updateFrequency, 'monthly');

      const history = await t.http('GET', `/api/v1/catalog/entries/${id}`, { as: cast.editor });
      const actions = history.body.actions.map((a: { action: string }) => a.action);
      assert.deepEqual(actions.slice(0, 3), ['create', 'submit', 'open']);
      assert.ok(actions.includes('supersede'));

      // Retiring needs a reason; a retired entry leaves the search but stays readable.
      assert.equal((await act(id, cast.reviewer, 'retire')).status, 400);
      assert.equal((await act(id, cast.reviewer, 'retire', '业务已并入新资源')).status, 200);
      const search = await t.http('GET', '/api/v1/catalog/search?q=烈士褒扬', {
        as: cast.consumer,
      });
      assert.equal(search.body.total, 0);
      assert.equal(
        (await t.http('GET', `/api/v1/catalog/entries/${id}/versions/2`, { as: cast.consumer }))
          .status,
        200,
      );
      // The audit trail has each step.
      const audit = await t.services.auditSearch.search(
        { ...(await auditorUser()), permissions: ['audit.read'] } as never,
        { action: 'catalog.publish', limit: 50 },
      );
      assert.ok(audit.items.length >= 2);
    });

    async function auditorUser() {
      return { id: 'nobody', unitId: cast.providerUnitId, unitDivisionCode: '130000' };
    }

    test('[CAT-05] entries not maintained for a year are flagged for their unit', async () => {
      const entry = await publishEntry(
        t,
        cast,
        completeEntry({
          name: '殡葬服务机构信息',
          classification: { tree: 'department', code: '301007' },
        }),
      );
      assert.equal(entry.stale, false);
      // Last maintained 366 days ago (moving the clock would also expire sessions and passwords).
      const yearAgo = new Date(t.clock.now().getTime() - 366 * 24 * 3600 * 1000).toISOString();
      await t.handle.db
        .updateTable('catalog_resources')
        .set({ maintained_at: yearAgo })
        .where('id', '=', entry.id)
        .execute();
      const stale = await t.http('GET', '/api/v1/catalog/entries?queue=stale', { as: cast.editor });
      assert.ok(stale.body.items.some((e: { id: string }) => e.id === entry.id));
      assert.ok(stale.body.items.every((e: { stale: boolean }) => e.stale));
      const platform = await t.http('GET', '/api/v1/catalog/entries?queue=stale', {
        as: cast.manager,
      });
      assert.ok(platform.body.items.some((e: { id: string }) => e.id === entry.id));
      const confirmed = await act(entry.id, cast.editor, 'confirm_maintained');
      assert.equal(confirmed.body.stale, false);
      const after = await t.http('GET', '/api/v1/catalog/entries?queue=stale', { as: cast.editor });
      assert.ok(!after.body.items.some((e: { id: string }) => e.id === entry.id));
    });

    test('[CAT-06] anyone signed in searches by Chinese words, field, provider, classification and sharing type, with facets', async () => {
      const entry = await publishEntry(t, cast, completeEntry());
      await publishEntry(t, cast, openEntry());
      const search = (query: string) =>
        t.http('GET', `/api/v1/catalog/search?${query}`, { as: cast.consumer });
      const byWord = await search(`q=${encodeURIComponent('优抚')}`);
      assert.equal(byWord.status, 200);
      assert.ok(byWord.body.items.some((h: { id: string }) => h.id === entry.id));
      assert.equal(byWord.body.items[0].name, '优抚对象基础信息');
      const single = await search(`q=${encodeURIComponent('抚')}`);
      assert.ok(single.body.items.some((h: { id: string }) => h.id === entry.id));
      const byField = await search(`field=${encodeURIComponent('身份号码')}`);
      assert.ok(byField.body.items.some((h: { id: string }) => h.id === entry.id));
      assert.deepEqual(
        byField.body.items.find((h: { id: string }) => h.id === entry.id).matchedFields,
        ['公民身份号码'],
      );
      const none = await search(`q=${encodeURIComponent('不存在的资源名称')}`);
      assert.equal(none.body.total, 0);
      const conditional = await search('sharingType=conditional');
      assert.ok(
        conditional.body.items.every(
          (h: { sharingType: string }) => h.sharingType === 'conditional',
        ),
      );
      const byProvider = await search(`provider=${cast.providerUnitId}&classification=301`);
      assert.ok(byProvider.body.total >= 2);
      const facets = byProvider.body.facets;
      assert.ok(
        facets.sharingType.some(
          (f: { value: string; label: string }) =>
            f.value === 'unconditional' && f.label === '无条件共享',
        ),
      );
      assert.ok(facets.provider.some((f: { value: string }) => f.value === cast.providerUnitId));
      assert.ok(facets.classification.some((f: { value: string }) => f.value === '301'));
      const paged = await search('pageSize=1&page=2');
      assert.equal(paged.body.items.length, 1);
      // Search syntax in user input is only text.
      const hostile = await search(`q=${encodeURIComponent('" OR * NEAR(:*')}`);
      assert.equal(hostile.status, 200);
      // A draft is not found by others.
      const draft = await t.http('POST', '/api/v1/catalog/entries', {
        as: cast.editor,
        body: { content: completeEntry({ name: '优抚草稿资源' }) },
      });
      assert.equal((await search(`q=${encodeURIComponent('优抚草稿')}`)).body.total, 0);
      assert.equal(
        (await t.http('GET', `/api/v1/catalog/entries/${draft.body.id}`, { as: cast.consumer }))
          .status,
        404,
      );
      // The entry shows its fields and how to apply (sharing type, conditions, modes).
      const opened = await t.http('GET', `/api/v1/catalog/entries/${entry.id}`, {
        as: cast.consumer,
      });
      assert.equal(opened.body.working.content.dataItems.length, 6);
      assert.equal(opened.body.working.content.sharingCondition.length > 0, true);
    });

    test('[CAT-07] resources may be structured tables, files or service interfaces', async () => {
      const file = await publishEntry(
        t,
        cast,
        completeEntry({
          name: '社会组织年检报告',
          kind: 'file',
          classification: { tree: 'department', code: '301005' },
          formatType: 'file',
          formatDetail: 'pdf',
          dataItems: [],
          provisionModes: ['file'],
          sharingMethods: ['platform_file'],
        }),
      );
      assert.equal(file.working.content.kind, 'file');
      const service = await publishEntry(
        t,
        cast,
        completeEntry({
          name: '婚姻状况核验服务',
          kind: 'service',
          classification: { tree: 'department', code: '301004' },
          formatType: 'service',
          formatDetail: 'json',
          provisionModes: ['verify'],
          sharingMethods: ['platform_api'],
        }),
      );
      assert.equal(service.working.content.kind, 'service');
      const kinds = await t.http('GET', '/api/v1/catalog/search?kind=file', { as: cast.consumer });
      assert.ok(kinds.body.items.some((h: { id: string }) => h.id === file.id));
    });

    test('[CAT-08] a project registers its data catalog; items already shared by another provider may not be collected again', async () => {
      await publishEntry(
        t,
        cast,
        completeEntry({
          name: '优抚对象身份信息',
          classification: { tree: 'department', code: '301002' },
        }),
      );
      const project = await t.http('POST', '/api/v1/catalog/projects', {
        as: cast.consumer,
        body: {
          name: '就业援助管理系统',
          projectCode: 'HB-2026-017',
          description: '就业困难人员认定与援助',
          items: [
            { name: '公民身份号码', identifier: 'id_number', source: 'collect' },
            { name: '就业困难类别', source: 'collect' },
          ],
        },
      });
      assert.equal(project.status, 201, JSON.stringify(project.body));
      assert.ok(
        project.body.duplicates.some(
          (d: { item: string; providerName: string }) => d.item === '公民身份号码',
        ),
      );
      assert.ok(!project.body.duplicates.some((d: { item: string }) => d.item === '就业困难类别'));
      const refused = await t.http('POST', `/api/v1/catalog/projects/${project.body.id}/decision`, {
        as: cast.manager,
        body: { decision: 'approve' },
      });
      assert.equal(refused.status, 409);
      assert.equal(refused.body.code, 'project.duplicates_collection');

      const compliant = await t.http('POST', '/api/v1/catalog/projects', {
        as: cast.consumer,
        body: {
          name: '就业援助管理系统（修订）',
          items: [
            { name: '公民身份号码', identifier: 'id_number', source: 'share' },
            { name: '就业困难类别', source: 'collect' },
          ],
        },
      });
      assert.deepEqual(compliant.body.duplicates, []);
      const approved = await t.http(
        'POST',
        `/api/v1/catalog/projects/${compliant.body.id}/decision`,
        {
          as: cast.manager,
          body: { decision: 'approve' },
        },
      );
      assert.equal(approved.status, 200);
      assert.equal(approved.body.status, 'approved');
      const empty = await t.http('POST', '/api/v1/catalog/projects', {
        as: cast.consumer,
        body: { name: '空项目', items: [] },
      });
      assert.equal(empty.status, 400);
      // Another unit's project is not visible to a third unit's editor.
      assert.equal(
        (await t.http('GET', `/api/v1/catalog/projects/${project.body.id}`, { as: cast.editor }))
          .status,
        404,
      );
    });

    test('[CAT-09] the public browses the open-data catalog without logging in, downloads open data, and harvesters read DCAT-AP', async () => {
      const open = await publishEntry(
        t,
        cast,
        openEntry({
          name: '社区养老服务站名录',
          classification: { tree: 'department', code: '301003' },
        }),
      );
      await t.http('PUT', `/api/v1/catalog/entries/${open.id}/rows`, {
        as: cast.clerk,
        body: {
          values: { org_name: '石家庄市长安区颐养服务站', beds: 40, phone: '0311-86012345' },
        },
      });
      const list = await t.http('GET', `/api/v1/open/catalog?q=${encodeURIComponent('养老')}`);
      assert.equal(list.status, 200);
      assert.ok(list.body.items.some((h: { code: string }) => h.code === open.code));
      assert.ok(list.body.items.every((h: { openType: string }) => h.openType !== 'not_open'));
      const closed = await t.http('GET', `/api/v1/open/catalog?q=${encodeURIComponent('优抚')}`);
      assert.equal(closed.body.total, 0);
      const detail = await t.http('GET', `/api/v1/open/catalog/${encodeURIComponent(open.code)}`);
      assert.equal(detail.status, 200);
      assert.equal(detail.body.downloadable, true);
      const csv = await t.http(
        'GET',
        `/api/v1/open/catalog/${encodeURIComponent(open.code)}/data?format=csv`,
      );
      assert.equal(csv.status, 200);
      assert.match(csv.body, /机构名称,床位数,联系电话/);
      assert.match(csv.body, /石家庄市长安区颐养服务站,40,0311-86012345/);
      const dcat = await t.http('GET', '/api/v1/open/dcat');
      assert.equal(dcat.status, 200);
      assert.match(dcat.headers.get('content-type') ?? '', /ld\+json/);
      assert.equal(dcat.body['@type'], 'dcat:Catalog');
      const dataset = dcat.body['dcat:dataset'].find(
        (d: { 'dct:identifier': string }) => d['dct:identifier'] === open.code,
      );
      assert.ok(dataset);
      assert.match(dataset['dcat:distribution'][0]['dcat:downloadURL']['@id'], /format=csv$/);
      assert.ok(!JSON.stringify(dcat.body).includes('优抚对象基础信息'));
      const notOpen = await t.http('GET', '/api/v1/open/catalog/301002%2F000001');
      assert.equal(notOpen.status, 404);
    });
  });
}
