import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  createTestPlatform,
  type Caller,
  type TestPlatform,
} from '../../../tests/helpers/platform.ts';
import { testEngines } from '../../../tests/helpers/engines.ts';
import { divisionPrefix } from '../iam/scope.ts';

// Published example of GB 32100 (the standard's own sample code).
const VALID_CREDIT_CODE = '91350100M000100Y43';

for (const engine of testEngines()) {
  describe(`organisation register (${engine})`, () => {
    let t: TestPlatform;
    let manager: Caller;
    let reader: Caller;

    before(async () => {
      t = await createTestPlatform(engine);
      manager = await t.userWith(['platform_manager']);
      reader = await t.userWith([]);
    });
    after(() => t.close());

    test('[ORG-01] the national GB/T 2260 table is loaded as a province → city → county tree', async () => {
      const provinces = await t.http('GET', '/api/v1/divisions', { as: reader });
      assert.equal(provinces.status, 200);
      assert.equal(provinces.body.items.length, 34); // 34 provincial-level divisions of GB/T 2260
      const hebei = provinces.body.items.find((d: { code: string }) => d.code === '130000');
      assert.deepEqual(hebei, {
        code: '130000',
        name: '河北省',
        level: 'province',
        parentCode: null,
        status: 'active',
        hasChildren: true,
      });

      const cities = await t.http('GET', '/api/v1/divisions?parent=130000', { as: reader });
      assert.ok(
        cities.body.items.some(
          (d: { code: string; name: string }) => d.code === '130100' && d.name === '石家庄市',
        ),
      );
      assert.ok(
        cities.body.items.every(
          (d: { level: string; parentCode: string }) =>
            d.level === 'city' && d.parentCode === '130000',
        ),
      );

      const detail = await t.http('GET', '/api/v1/divisions/130102', { as: reader });
      assert.equal(detail.status, 200);
      assert.equal(detail.body.level, 'county');
      assert.deepEqual(
        detail.body.path.map((p: { code: string }) => p.code),
        ['130000', '130100', '130102'],
      );
      assert.equal(detail.body.history[0].change, 'added');

      const stats = await t.http('GET', '/api/v1/divisions/stats', { as: reader });
      assert.ok(stats.body.total > 3000 && stats.body.retired === 0, JSON.stringify(stats.body));
    });

    test('[ORG-01] division codes are checked: bad format and unknown codes get specific errors', async () => {
      const bad = await t.http('GET', '/api/v1/divisions/13010', { as: reader });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.code, 'request.invalid');
      assert.match(bad.headers.get('content-type') ?? '', /application\/problem\+json/);
      const unknown = await t.http('GET', '/api/v1/divisions/139999', { as: reader });
      assert.equal(unknown.status, 404);
      assert.equal(unknown.body.code, 'division.not_found');
      assert.match(unknown.body.detail, /139999 不存在/);
    });

    test('[ORG-03] a unit belongs to a division and is identified by a valid unified social credit code', async () => {
      const created = await t.http('POST', '/api/v1/units', {
        as: manager,
        body: {
          name: '石家庄市民政局',
          creditCode: VALID_CREDIT_CODE.toLowerCase(),
          divisionCode: '130100',
          type: 'agency',
        },
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.equal(created.body.creditCode, VALID_CREDIT_CODE);
      assert.equal(created.body.divisionName, '石家庄市');
      assert.equal(created.body.version, 1);

      const child = await t.http('POST', '/api/v1/units', {
        as: manager,
        body: {
          name: '石家庄市民政局信息中心',
          divisionCode: '130100',
          type: 'institution',
          parentUnitId: created.body.id,
        },
      });
      assert.equal(child.status, 201);
      assert.equal(child.body.parentUnitName, '石家庄市民政局');
      assert.equal(child.body.creditCode, null);

      const listed = await t.http('GET', '/api/v1/units?divisionCode=130000&q=石家庄', {
        as: reader,
      });
      assert.deepEqual(
        listed.body.items.map((u: { name: string }) => u.name),
        ['石家庄市民政局', '石家庄市民政局信息中心'],
      );
      const byCode = await t.http('GET', `/api/v1/units?q=${VALID_CREDIT_CODE}`, { as: reader });
      assert.equal(byCode.body.items.length, 1);
    });

    test('[ORG-03] an invalid credit code is refused with a field error and nothing is written', async () => {
      const before = await t.services.org.countUnits();
      const wrongCheck = await t.http('POST', '/api/v1/units', {
        as: manager,
        body: {
          name: '唐山市民政局',
          creditCode: '91350100M000100Y44',
          divisionCode: '130200',
          type: 'agency',
        },
      });
      assert.equal(wrongCheck.status, 400);
      assert.equal(wrongCheck.body.code, 'unit.credit_code_invalid');
      assert.equal(wrongCheck.body.errors[0].path, 'creditCode');
      assert.match(wrongCheck.body.detail, /校验/);
      const badChars = await t.http('POST', '/api/v1/units', {
        as: manager,
        body: {
          name: '唐山市民政局',
          creditCode: '91350100M0001OOY43',
          divisionCode: '130200',
          type: 'agency',
        },
      });
      assert.equal(badChars.status, 400);
      assert.equal(badChars.body.code, 'unit.credit_code_invalid');
      assert.equal(await t.services.org.countUnits(), before);
    });

    test('[ORG-03] duplicate credit codes and names, unknown divisions and parent loops are refused', async () => {
      const first = await t.http('POST', '/api/v1/units', {
        as: manager,
        body: { name: '保定市民政局', divisionCode: '130600', type: 'agency' },
      });
      assert.equal(first.status, 201);
      const sameName = await t.http('POST', '/api/v1/units', {
        as: manager,
        body: { name: '保定市民政局', divisionCode: '130600', type: 'agency' },
      });
      assert.equal(sameName.status, 409);
      assert.equal(sameName.body.code, 'unit.name_taken');
      const sameCode = await t.http('POST', '/api/v1/units', {
        as: manager,
        body: {
          name: '另一个单位',
          creditCode: VALID_CREDIT_CODE,
          divisionCode: '130600',
          type: 'agency',
        },
      });
      assert.equal(sameCode.status, 409);
      assert.equal(sameCode.body.code, 'unit.credit_code_taken');
      const noDivision = await t.http('POST', '/api/v1/units', {
        as: manager,
        body: { name: '不存在区划的单位', divisionCode: '139999', type: 'agency' },
      });
      assert.equal(noDivision.status, 400);
      assert.equal(noDivision.body.code, 'unit.division_unknown');

      const child = await t.http('POST', '/api/v1/units', {
        as: manager,
        body: {
          name: '保定市社会福利院',
          divisionCode: '130600',
          type: 'institution',
          parentUnitId: first.body.id,
        },
      });
      const loop = await t.http('PATCH', `/api/v1/units/${first.body.id}`, {
        as: manager,
        body: { version: first.body.version, parentUnitId: child.body.id },
      });
      assert.equal(loop.status, 400);
      assert.equal(loop.body.code, 'unit.parent_cycle');
    });

    test('edits need the current version: a stale edit gets 409 and changes nothing', async () => {
      const unit = await t.http('POST', '/api/v1/units', {
        as: manager,
        body: { name: '邯郸市民政局', divisionCode: '130400', type: 'agency' },
      });
      const renamed = await t.http('PATCH', `/api/v1/units/${unit.body.id}`, {
        as: manager,
        body: { version: 1, name: '邯郸市民政局（更名）' },
      });
      assert.equal(renamed.status, 200);
      assert.equal(renamed.body.version, 2);
      const stale = await t.http('PATCH', `/api/v1/units/${unit.body.id}`, {
        as: manager,
        body: { version: 1, name: '邯郸市民政局（旧版本覆盖）' },
      });
      assert.equal(stale.status, 409);
      assert.equal(stale.body.code, 'conflict.version');
      const now = await t.http('GET', `/api/v1/units/${unit.body.id}`, { as: reader });
      assert.equal(now.body.name, '邯郸市民政局（更名）');
    });

    test('[ORG-02] a new division table adds, renames and retires codes with history, and reports units left on retired codes', async () => {
      const unit = await t.http('POST', '/api/v1/units', {
        as: manager,
        body: { name: '辛集市民政局', divisionCode: '130181', type: 'agency' },
      });
      assert.equal(unit.status, 201);
      // Hebei's part of a newer table: 130181 retired, 130102 renamed, a new county added.
      const current = await t.http('GET', '/api/v1/divisions?parent=130100', { as: reader });
      const lines = ['代码,名称', '130000,河北省', '130100,石家庄市'];
      const hebeiCities = await t.http('GET', '/api/v1/divisions?parent=130000', { as: reader });
      for (const city of hebeiCities.body.items as { code: string; name: string }[]) {
        if (city.code !== '130100') lines.push(`${city.code},${city.name}`);
        const counties = await t.http('GET', `/api/v1/divisions?parent=${city.code}`, {
          as: reader,
        });
        for (const c of counties.body.items as { code: string; name: string }[]) {
          if (c.code === '130181') continue;
          lines.push(`${c.code},${c.code === '130102' ? '长安新区' : c.name}`);
        }
      }
      lines.push('130190,石家庄新区');
      assert.ok(current.body.items.length > 5);

      const imported = await t.http('POST', '/api/v1/divisions/imports', {
        as: manager,
        body: { content: lines.join('\n'), sourceName: '测试：2025 年河北省行政区划代码' },
      });
      assert.equal(imported.status, 201, JSON.stringify(imported.body));
      assert.equal(imported.body.added, 1);
      assert.equal(imported.body.renamed, 1);
      assert.equal(imported.body.retired, 1);
      assert.deepEqual(
        imported.body.unitsOnRetiredCodes.map((u: { unitName: string }) => u.unitName),
        ['辛集市民政局'],
      );

      // The unit still points at the retired code: reported, never re-pointed.
      const still = await t.http('GET', `/api/v1/units/${unit.body.id}`, { as: reader });
      assert.equal(still.body.divisionCode, '130181');
      const retired = await t.http('GET', '/api/v1/divisions/130181', { as: reader });
      assert.equal(retired.body.status, 'retired');
      assert.deepEqual(
        retired.body.history.map((h: { change: string }) => h.change),
        ['added', 'retired'],
      );
      const renamed = await t.http('GET', '/api/v1/divisions/130102', { as: reader });
      assert.equal(renamed.body.name, '长安新区');
      assert.deepEqual(renamed.body.history.at(-1), {
        at: renamed.body.history.at(-1).at,
        change: 'renamed',
        oldName: '长安区',
        newName: '长安新区',
        batchId: imported.body.batchId,
        note: '测试：2025 年河北省行政区划代码',
      });
      // Other provinces are untouched by a Hebei-only table.
      const beijing = await t.http('GET', '/api/v1/divisions/110101', { as: reader });
      assert.equal(beijing.body.status, 'active');
      // Retired codes are hidden from the tree unless asked for.
      const tree = await t.http('GET', '/api/v1/divisions?parent=130100', { as: reader });
      assert.ok(!tree.body.items.some((d: { code: string }) => d.code === '130181'));
      const all = await t.http('GET', '/api/v1/divisions?parent=130100&includeRetired=true', {
        as: reader,
      });
      assert.ok(
        all.body.items.some(
          (d: { code: string; status: string }) => d.code === '130181' && d.status === 'retired',
        ),
      );

      // A unit under a retired division can be neither created nor left there on edit.
      const underRetired = await t.http('POST', '/api/v1/units', {
        as: manager,
        body: { name: '辛集市社会福利院', divisionCode: '130181', type: 'institution' },
      });
      assert.equal(underRetired.status, 400);
      assert.equal(underRetired.body.code, 'unit.division_retired');
      assert.match(underRetired.body.detail, /130181.*已撤销/);
      const moved = await t.http('PATCH', `/api/v1/units/${unit.body.id}`, {
        as: manager,
        body: { version: still.body.version, divisionCode: '130190' },
      });
      assert.equal(moved.status, 200);
    });

    test('[ORG-02] a malformed division table is refused whole with line numbers, and nothing changes', async () => {
      const before = await t.http('GET', '/api/v1/divisions/stats', { as: reader });
      const content = [
        '130000,河北省',
        '130100,石家庄市',
        '13010X,坏代码',
        '130100,重复',
        '130102,',
      ].join('\n');
      const res = await t.http('POST', '/api/v1/divisions/imports', {
        as: manager,
        body: { content, sourceName: '有错误的表' },
      });
      assert.equal(res.status, 400);
      assert.equal(res.body.code, 'division.table_invalid');
      assert.match(res.body.detail, /未导入任何数据/);
      const lines = res.body.errors.map((e: { path: string }) => e.path);
      assert.ok(
        lines.includes('line 3') && lines.includes('line 4') && lines.includes('line 5'),
        JSON.stringify(res.body.errors),
      );
      const after = await t.http('GET', '/api/v1/divisions/stats', { as: reader });
      assert.deepEqual(after.body, before.body);
    });

    test('[ORG-04] a platform manager maintains units of its own division and below only', async () => {
      const shanxi = await t.services.org.createUnit({
        name: '山西省政务数据中心',
        divisionCode: '140000',
        type: 'institution',
        creditCode: null,
        parentUnitId: null,
      });
      const outsider = await t.userWith(['platform_manager'], shanxi.id);
      const create = await t.http('POST', '/api/v1/units', {
        as: outsider,
        body: { name: '越界单位', divisionCode: '130100', type: 'agency' },
      });
      assert.equal(create.status, 403);
      assert.equal(create.body.code, 'unit.out_of_scope');
      const hebei = (
        await t.http('GET', '/api/v1/units?divisionCode=130000&limit=1', { as: reader })
      ).body.items[0];
      const edit = await t.http('PATCH', `/api/v1/units/${hebei.id}`, {
        as: outsider,
        body: { version: hebei.version, name: '越界改名' },
      });
      assert.equal(edit.status, 403);
      const own = await t.http('POST', '/api/v1/units', {
        as: outsider,
        body: { name: '太原市民政局', divisionCode: '140100', type: 'agency' },
      });
      assert.equal(own.status, 201);
    });

    test('only accounts with org.manage change the register; anonymous callers are asked to log in', async () => {
      const denied = await t.http('POST', '/api/v1/units', {
        as: reader,
        body: { name: '无权限创建的单位', divisionCode: '130100', type: 'agency' },
      });
      assert.equal(denied.status, 403);
      assert.equal(denied.body.code, 'auth.permission_denied');
      const anonymous = await t.http('GET', '/api/v1/units');
      assert.equal(anonymous.status, 401);
      assert.equal(anonymous.body.code, 'auth.required');
      const noCsrf = await t.http('POST', '/api/v1/units', {
        headers: { cookie: manager.cookie },
        body: { name: '缺少防伪令牌', divisionCode: '130100', type: 'agency' },
      });
      assert.equal(noCsrf.status, 403);
      assert.equal(noCsrf.body.code, 'auth.csrf');
    });

    test('unit lists page with an opaque cursor; a forged cursor is a 400', async () => {
      const pages: string[] = [];
      let cursor: string | null = null;
      do {
        const query: string = cursor ? `&cursor=${cursor}` : '';
        const page = await t.http('GET', `/api/v1/units?limit=2${query}`, { as: reader });
        assert.equal(page.status, 200);
        pages.push(...page.body.items.map((u: { id: string }) => u.id));
        cursor = page.body.nextCursor;
      } while (cursor);
      assert.equal(new Set(pages).size, pages.length);
      assert.equal(pages.length, await t.services.org.countUnits());
      const forged = await t.http('GET', '/api/v1/units?cursor=not-a-cursor', { as: reader });
      assert.equal(forged.status, 400);
      assert.equal(forged.body.code, 'request.cursor_invalid');
    });
  });
}

test('division prefixes cover everything below a division', () => {
  assert.equal(divisionPrefix('130000'), '13');
  assert.equal(divisionPrefix('130100'), '1301');
  assert.equal(divisionPrefix('130102'), '130102');
  assert.equal(divisionPrefix('130102001000'), '130102001');
});

for (const engine of testEngines()) {
  describe(`identifier checks (${engine})`, () => {
    let t: TestPlatform;
    let user: Caller;
    before(async () => {
      t = await createTestPlatform(engine);
      user = await t.userWith([]);
    });
    after(() => t.close());

    const check = (kind: string, value: string) =>
      t.http('POST', '/api/v1/identifiers/check', { as: user, body: { kind, value } });

    test('[COL-01] a valid ID number is accepted and its issuing division named', async () => {
      // GB 11643's own example.
      const res = await check('citizen_id', '11010519491231002x');
      assert.equal(res.status, 200);
      assert.equal(res.body.valid, true);
      assert.equal(res.body.normalized, '11010519491231002X');
      assert.deepEqual(res.body.citizen, {
        divisionCode: '110105',
        divisionName: '朝阳区',
        divisionStatus: 'active',
        birthDate: '1949-12-31',
        sex: 'female',
        legacy15: false,
      });
    });

    test('[COL-01] a 15-digit legacy ID number is converted to 18 digits', async () => {
      const res = await check('citizen_id', '110105491231002');
      assert.equal(res.body.valid, true);
      assert.equal(res.body.normalized, '11010519491231002X');
      assert.equal(res.body.citizen.legacy15, true);
    });

    test('[COL-01] invalid ID numbers are rejected with a specific Chinese message and code', async () => {
      const wrongCheck = await check('citizen_id', '110105194912310021');
      assert.equal(wrongCheck.body.valid, false);
      assert.equal(wrongCheck.body.code, 'id.check_char');
      assert.match(wrongCheck.body.message, /校验/);
      const badDate = await check('citizen_id', '110105194902300020');
      assert.equal(badDate.body.code, 'id.birth_date');
      const badProvince = await check('citizen_id', '990105194912310021');
      assert.equal(badProvince.body.code, 'id.division');
      const badFormat = await check('citizen_id', '11010519491231');
      assert.equal(badFormat.body.code, 'id.format');
    });

    test('[COL-01] credit codes are checked the same way', async () => {
      const ok = await check('credit_code', '91350100M000100Y43');
      assert.equal(ok.body.valid, true);
      const bad = await check('credit_code', '91350100M000100Y42');
      assert.equal(bad.body.valid, false);
      assert.match(bad.body.code, /^credit_code\./);
    });
  });
}
