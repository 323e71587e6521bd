/**
 * The registry's data rules over HTTP on both engines: scans checked by content, certificate
 * numbering, screening of free text and imports, the reporting deadline, the province lock,
 * problem data, the catalog registration, the quality assessment, exports and the form.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import ExcelJS from 'exceljs';
import { catalogCast, completeEntry, publishEntry } from '../../../tests/helpers/catalog.ts';
import { testEngines } from '../../../tests/helpers/engines.ts';
import { makeJpeg } from '../../../tests/helpers/jpeg.ts';
import { createTestPlatform, type TestPlatform } from '../../../tests/helpers/platform.ts';
import { makeCitizenId } from '../../lib/ids/citizen-id.ts';
import {
  act,
  enterRecord,
  householdCopy,
  idCopy,
  nextId,
  nextName,
  recordBody,
  registryCast,
  report,
  upload,
  walk,
  type RegistryCast,
} from './test-fixtures.ts';

const png = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a5d6a9f60000000049454e44ae426082',
  'hex',
);

async function readXlsx(bytes: Buffer) {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(bytes as unknown as ArrayBuffer);
  return book.worksheets[0]!;
}

async function xlsxOf(rows: (string | number)[][]): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('优抚对象');
  for (const r of rows) sheet.addRow(r);
  return Buffer.from(await book.xlsx.writeBuffer());
}

const csvHeader = '姓名,公民身份号码,民族,行政区划代码,住址,优抚类别,残疾等级,残疾性质,备注';

for (const engine of testEngines()) {
  describe(`registry data rules (${engine})`, () => {
    let t: TestPlatform;
    let cast: RegistryCast;

    before(async () => {
      t = await createTestPlatform(engine);
      cast = await registryCast(t);
    });
    after(() => t.close());

    const get = (path: string, as = cast.manager) =>
      t.http('GET', `/api/v1/registry${path}`, { as });
    const importCsv = (path: string, as: typeof cast.manager, csv: string, fileName = '导入.csv') =>
      t.http('POST', `/api/v1/registry/${path}?fileName=${encodeURIComponent(fileName)}`, {
        as,
        raw: Buffer.from(csv, 'utf8'),
        headers: { 'content-type': 'text/csv' },
      });

    test('[REG-05] scans are checked by content: JPEG only, within each kind’s size, complete; SM3 kept and served back', async () => {
      const record = await enterRecord(t, cast.townEntry, {}, { scans: false });
      const renamed = await upload(t, cast.townEntry, record.id, 'id_card_copy', png, '身份证.jpg');
      assert.equal(renamed.status, 400);
      assert.equal(renamed.body.code, 'registry.attachment_not_jpeg');
      assert.match(renamed.body.detail, /PNG/);
      const portraitBig = await upload(
        t,
        cast.townEntry,
        record.id,
        'id_portrait',
        makeJpeg({ width: 102, height: 126, padTo: 3 * 1024 + 1 }),
      );
      assert.equal(portraitBig.body.code, 'registry.attachment_too_large');
      assert.match(portraitBig.body.detail, /3 KB/);
      const portrait = await upload(
        t,
        cast.townEntry,
        record.id,
        'id_portrait',
        makeJpeg({ width: 102, height: 126, padTo: 3 * 1024 }),
      );
      assert.equal(portrait.status, 201, JSON.stringify(portrait.body));
      assert.equal(portrait.body.width, 102);
      const copyBig = await upload(
        t,
        cast.townEntry,
        record.id,
        'id_card_copy',
        makeJpeg({ width: 800, height: 500, padTo: 40 * 1024 + 10 }),
      );
      assert.equal(copyBig.body.code, 'registry.attachment_too_large');
      const photoBig = await upload(
        t,
        cast.townEntry,
        record.id,
        'yearly_photo',
        makeJpeg({ width: 600, height: 800, padTo: 300 * 1024 + 1 }),
      );
      assert.equal(photoBig.body.code, 'registry.attachment_too_large');
      const scanBig = await upload(
        t,
        cast.townEntry,
        record.id,
        'other_scan',
        makeJpeg({ width: 600, height: 800, padTo: 300 * 1024 + 1 }),
      );
      assert.equal(scanBig.body.code, 'registry.attachment_too_large');
      const truncated = idCopy().subarray(0, 200);
      assert.equal(
        (await upload(t, cast.townEntry, record.id, 'id_card_copy', truncated)).body.code,
        'registry.attachment_truncated',
      );
      assert.equal(
        (await upload(t, cast.townEntry, record.id, 'passport', idCopy())).body.code,
        'registry.attachment_kind',
      );
      const photo = await upload(
        t,
        cast.townEntry,
        record.id,
        'yearly_photo',
        makeJpeg({ width: 600, height: 800, padTo: 300 * 1024 }),
      );
      assert.equal(photo.status, 201);
      // Refused uploads left nothing behind; the two good ones are there, with their hashes.
      const detail = (await get(`/records/${record.id}`, cast.townEntry)).body;
      assert.deepEqual(detail.attachments.map((a: { kind: string }) => a.kind).sort(), [
        'id_portrait',
        'yearly_photo',
      ]);
      assert.ok(
        detail.findings.some((f: { field: string }) => f.field === 'attachments.id_card_copy'),
      );
      assert.ok(
        detail.findings.some(
          (f: { field: string }) => f.field === 'attachments.household_register_copy',
        ),
      );
      const copy = idCopy();
      const stored = await upload(t, cast.townEntry, record.id, 'id_card_copy', copy);
      const served = await t.http(
        'GET',
        `/api/v1/registry/records/${record.id}/attachments/${stored.body.id}`,
        { as: cast.checker },
      );
      assert.equal(served.status, 200);
      assert.ok(Buffer.compare(served.body as Buffer, copy) === 0);
      assert.equal(served.headers.get('x-content-sm3'), stored.body.sm3);
      assert.equal(stored.body.sm3.length, 64);
    });

    test('[REG-07] certificate numbers follow the province’s rule per category, are unique and never reused; colliding rules are refused', async () => {
      const collide = await t.http('PUT', '/api/v1/registry/certificate-rules', {
        as: cast.manager,
        body: {
          prefix: '冀',
          rules: [
            { category: '11', template: '{prefix}{division6}{year}{seq5}' },
            { category: '12', template: '{prefix}{division6}{year}{seq5}' },
          ],
        },
      });
      assert.equal(collide.status, 400);
      assert.equal(collide.body.code, 'registry.certificate_rule_collision');
      assert.match(collide.body.detail, /可能生成相同的证书编号/);
      const noSeq = await t.http('PUT', '/api/v1/registry/certificate-rules', {
        as: cast.manager,
        body: { prefix: '冀', rules: [{ category: '11', template: '{prefix}{division6}{year}' }] },
      });
      assert.equal(noSeq.status, 400);
      assert.equal(noSeq.body.code, 'registry.certificate_rule_no_sequence');
      const byReviewer = await t.http('PUT', '/api/v1/registry/certificate-rules', {
        as: cast.approver,
        body: { prefix: '冀', rules: [] },
      });
      assert.equal(byReviewer.status, 403);
      // The rules in force are unchanged by the refusals.
      const rules = (await get('/certificate-rules')).body;
      assert.equal(rules.rules.length, 7);
      assert.match(rules.examples[0].example, /^冀11130123\d{4}00001$/);

      const year = new Date(Date.now() + 8 * 3600_000).getUTCFullYear();
      const numbers: string[] = [];
      for (let i = 0; i < 3; i++) {
        const record = await enterRecord(t, cast.townEntry);
        const approved = await walk(t, cast, record.openRequest.id);
        assert.equal(approved.status, 200, JSON.stringify(approved.body));
        numbers.push(approved.body.record.certificateNo);
      }
      assert.equal(new Set(numbers).size, 3);
      for (const n of numbers) assert.match(n, new RegExp(`^冀11130123${year}\\d{5}$`));
      const seqs = numbers.map((n) => Number(n.slice(-5)));
      assert.deepEqual(
        seqs,
        [...seqs].sort((a, b) => a - b),
      );

      // A category without a rule cannot be approved.
      await t.http('PUT', '/api/v1/registry/categories/31', {
        as: cast.manager,
        body: {
          name: '退役士兵（测试）',
          certificateName: '',
          requiredBenefit: [],
          forbiddenBenefit: [],
          active: true,
          sort: 9,
        },
      });
      const unruled = await enterRecord(t, cast.townEntry, { categoryCode: '31', benefit: {} });
      const refused = await walk(t, cast, unruled.openRequest.id);
      assert.equal(refused.status, 409);
      assert.equal(refused.body.code, 'registry.no_certificate_rule');

      // Approved historical records without a number are listed for completion and numbered.
      const csv = [
        '姓名,公民身份号码,民族,行政区划代码,住址,优抚类别,残疾等级,残疾性质,证书编号',
        `${nextName()},${nextId('19480101')},汉族,130129,赞皇县城关,伤残军人,五级,因战,`,
        `${nextName()},${nextId('19470202')},回族,130129,赞皇县院头镇,伤残军人,七级,因公,冀11老编号0001`,
      ].join('\n');
      const imported = await importCsv('historical-imports', cast.manager, csv, '历史数据.csv');
      assert.equal(imported.status, 201, JSON.stringify(imported.body));
      const missing = await get('/records?missingCertificate=true', cast.approver);
      const ids = missing.body.items.map((r: { id: string }) => r.id);
      assert.ok(ids.includes(imported.body.recordIds[0]));
      assert.ok(!ids.includes(imported.body.recordIds[1]));
      const completed = await t.http(
        'POST',
        `/api/v1/registry/records/${imported.body.recordIds[0]}/certificate`,
        { as: cast.approver },
      );
      assert.equal(completed.status, 200, JSON.stringify(completed.body));
      assert.match(completed.body.certificateNo, new RegExp(`^冀11130129${year}\\d{5}$`));
      const again = await t.http(
        'POST',
        `/api/v1/registry/records/${imported.body.recordIds[0]}/certificate`,
        { as: cast.approver },
      );
      assert.equal(again.body.code, 'registry.certificate_exists');
      // A used number cannot come back through an import either.
      const reuse = await importCsv(
        'historical-imports',
        cast.manager,
        `姓名,公民身份号码,民族,行政区划代码,住址,优抚类别,残疾等级,残疾性质,证书编号\n${nextName()},${nextId('19460303')},汉族,130129,赞皇县,伤残军人,五级,因战,${numbers[0]}`,
      );
      assert.equal(reuse.status, 400);
      assert.match(JSON.stringify(reuse.body.errors), /已使用过/);
      // The issued numbers table refuses edits and deletions.
      await assert.rejects(
        t.handle.db.deleteFrom('registry_certificates').where('number', '=', numbers[0]!).execute(),
      );
    });

    test('[REG-08] free text naming a military unit or a classified participation record is refused with what was found and why', async () => {
      const cases: [Record<string, unknown>, string][] = [
        [{ address: '原3师5团2连驻地旁' }, '3师5团2连'],
        [
          {
            benefit: { disabilityGrade: '六级', disabilityNature: '因战', note: '原31628部队战士' },
          },
          '31628部队',
        ],
        [
          {
            benefit: {
              disabilityGrade: '六级',
              disabilityNature: '因战',
              note: '某部战士，1979年参战',
            },
          },
          '某部',
        ],
        [
          {
            benefit: {
              disabilityGrade: '六级',
              disabilityNature: '因战',
              note: '1964年10月参加首次核试验',
            },
          },
          '核试验',
        ],
      ];
      const before = await t.handle.db
        .selectFrom('registry_records')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      for (const [fields, found] of cases) {
        const res = await t.http('POST', '/api/v1/registry/records', {
          as: cast.townEntry,
          body: recordBody(fields),
        });
        assert.equal(res.status, 400, JSON.stringify(res.body));
        assert.equal(res.body.code, 'registry.screening');
        assert.ok(res.body.detail.includes(found), res.body.detail);
        assert.match(res.body.detail, /严禁录入|涉密/);
      }
      const after = await t.handle.db
        .selectFrom('registry_records')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      assert.equal(Number(after.n), Number(before.n));
      // Place names with 师/团/连/营 and the public category name pass.
      const fine = await t.http('POST', '/api/v1/registry/records', {
        as: cast.townEntry,
        body: recordBody({
          address: '江苏省连云港市海州区团结路 3 号',
          categoryCode: '23',
          benefit: { serviceStart: '1978-03', serviceEnd: '1983-10', note: '参战参试退役人员' },
        }),
      });
      assert.equal(fine.status, 201, JSON.stringify(fine.body));
      // Change reasons, return notes and verification notes are screened too.
      const record = await enterRecord(t, cast.townEntry);
      assert.equal((await walk(t, cast, record.openRequest.id)).status, 200);
      const change = await t.http('POST', `/api/v1/registry/records/${record.id}/requests`, {
        as: cast.townEntry,
        body: {
          kind: 'change',
          changes: { phone: '13903110999' },
          reason: '原二十三军六十七师老兵，电话变更',
        },
      });
      assert.equal(change.status, 400);
      assert.equal(change.body.code, 'registry.screening');
      const draft = await enterRecord(t, cast.townEntry);
      await act(t, cast.townEntry, draft.openRequest.id, 'submit');
      await act(t, cast.checker, draft.openRequest.id, 'open');
      const note = await act(t, cast.checker, draft.openRequest.id, 'return', {
        note: '请补充其在8341部队的服役证明',
      });
      assert.equal(note.status, 400);
      assert.equal(note.body.code, 'registry.screening');
      assert.equal(
        (await get(`/requests/${draft.openRequest.id}`, cast.checker)).body.status,
        'pending_check',
      );
    });

    test('[SEC-02] imports pass the same screening and validation as the form: one bad row refuses the whole file', async () => {
      const good = (name: string) =>
        `${name},${nextId('19560606')},汉族,130123100,正定镇,伤残军人,八级,因公,`;
      const classified = [
        csvHeader,
        good(nextName()),
        `${nextName()},${nextId('19560607')},汉族,130123100,正定镇,伤残军人,八级,因公,原38集团军某团卫生员`,
      ].join('\n');
      const count = async () =>
        Number(
          (
            await t.handle.db
              .selectFrom('registry_records')
              .select((eb) => eb.fn.countAll<number>().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        );
      const before = await count();
      const refused = await importCsv('imports', cast.townEntry, classified);
      assert.equal(refused.status, 400);
      assert.equal(refused.body.code, 'registry.import_invalid');
      assert.match(JSON.stringify(refused.body.errors), /第 3 行 备注/);
      assert.match(JSON.stringify(refused.body.errors), /部队番号/);
      assert.equal(await count(), before);
      // A column for unit designations is not a column at all.
      const column = await importCsv(
        'imports',
        cast.townEntry,
        `姓名,公民身份号码,行政区划代码,优抚类别,原部队番号\n${nextName()},${nextId()},130123100,伤残军人,某部`,
      );
      assert.equal(column.status, 400);
      assert.equal(column.body.code, 'registry.import_header');
      // Invalid IDs, out-of-scope divisions and repeated rows are refused row by row.
      const dup = nextId('19560608');
      const mixed = [
        csvHeader,
        `${nextName()},130123195606081235,汉族,130123100,正定镇,伤残军人,八级,因公,`,
        `${nextName()},${nextId('19560609')},汉族,130129,赞皇县,伤残军人,八级,因公,`,
        `${nextName()},${dup},汉族,130123100,正定镇,伤残军人,八级,因公,`,
        `${nextName()},${dup},汉族,130123100,正定镇,伤残军人,八级,因公,`,
      ].join('\n');
      const rows = await importCsv('imports', cast.townEntry, mixed);
      assert.equal(rows.status, 400);
      const text = JSON.stringify(rows.body.errors);
      assert.match(text, /第 2 行 公民身份号码/);
      assert.match(text, /第 3 行 行政区划代码/);
      assert.match(text, /与第 4 行重复/);
      assert.equal(await count(), before);
      // A PNG or ZIP posing as CSV is refused by its bytes.
      const fake = await t.http('POST', `/api/v1/registry/imports?fileName=a.csv`, {
        as: cast.townEntry,
        raw: png,
      });
      assert.equal(fake.body.code, 'import.content_type');
      // A clean XLSX goes in whole, as drafts in the to-enter queue.
      const book = await xlsxOf([
        csvHeader.split(','),
        good(nextName()).split(','),
        good(nextName()).split(','),
      ]);
      const ok = await t.http(
        'POST',
        `/api/v1/registry/imports?fileName=${encodeURIComponent('乡镇录入.xlsx')}`,
        {
          as: cast.townEntry,
          raw: book,
          headers: {
            'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
          },
        },
      );
      assert.equal(ok.status, 201, JSON.stringify(ok.body));
      assert.equal(ok.body.created, 2);
      assert.equal(await count(), before + 2);
      const queue = await get('/queue?queue=to_enter', cast.townEntry);
      for (const id of ok.body.recordIds) {
        assert.ok(queue.body.items.some((i: { recordId: string }) => i.recordId === id));
      }
    });

    test('[REG-11] problem data is flagged per county; the county clears it against the files or confirms the correction; the clean-up rate follows', async () => {
      const csv = [
        '姓名,公民身份号码,性别,出生日期,民族,行政区划代码,住址,优抚类别,残疾等级,残疾性质,牺牲（病故）军人姓名',
        `${nextName()},${nextId('19400101')},,,,130123,正定县,伤残军人,五级,因战,`,
        `${nextName()},130123194001021236,男,1940-01-02,汉族,130123,正定县,伤残军人,五级,因战,`,
        `${nextName()},${nextId('19400103')},,,汉族,130123,正定县,伤残军人,五级,因战,王大山`,
      ].join('\n');
      const imported = await importCsv('historical-imports', cast.manager, csv, '历史.csv');
      assert.equal(imported.status, 201, JSON.stringify(imported.body));
      const screened = await t.http('POST', '/api/v1/registry/problems/screen', {
        as: cast.manager,
      });
      assert.equal(screened.status, 200, JSON.stringify(screened.body));
      assert.ok(screened.body.flagged >= 3);
      const list = await get('/problems?countyCode=130123&status=open', cast.checker);
      const kinds = (id: string) =>
        list.body.items
          .filter((p: { recordId: string }) => p.recordId === id)
          .map((p: { kind: string }) => p.kind);
      assert.deepEqual(kinds(imported.body.recordIds[0]), ['missing_key_info']);
      assert.deepEqual(kinds(imported.body.recordIds[1]), ['invalid_id']);
      assert.deepEqual(kinds(imported.body.recordIds[2]), ['category_benefit_mismatch']);
      const county = () =>
        get('/problems?countyCode=130123', cast.checker).then((r) =>
          r.body.counties.find((c: { countyCode: string }) => c.countyCode === '130123'),
        );
      const before = await county();
      assert.equal(before.open, before.total);
      // Another county's checker cannot touch them.
      const problem = list.body.items.find(
        (p: { recordId: string }) => p.recordId === imported.body.recordIds[1],
      );
      const outside = await t.http('POST', `/api/v1/registry/problems/${problem.id}/resolve`, {
        as: cast.otherChecker,
        body: { resolution: 'cleared', note: '越权' },
      });
      assert.equal(outside.body.code, 'registry.out_of_scope');
      const notFixed = await t.http('POST', `/api/v1/registry/problems/${problem.id}/resolve`, {
        as: cast.checker,
        body: { resolution: 'corrected', note: '已更正' },
      });
      assert.equal(notFixed.body.code, 'registry.problem_still_present');
      const cleared = await t.http('POST', `/api/v1/registry/problems/${problem.id}/resolve`, {
        as: cast.checker,
        body: { resolution: 'cleared', note: '对照身份证原件，号码与原件一致（早期证件）' },
      });
      assert.equal(cleared.status, 200, JSON.stringify(cleared.body));
      assert.equal(cleared.body.status, 'cleared');
      // The missing ethnicity is corrected by a change request; approval closes the problem.
      const change = await t.http(
        'POST',
        `/api/v1/registry/records/${imported.body.recordIds[0]}/requests`,
        {
          as: cast.countyEntry,
          body: { kind: 'change', changes: { ethnicity: '汉族' }, reason: '对照户口簿补录民族' },
        },
      );
      assert.equal(change.status, 201, JSON.stringify(change.body));
      await upload(t, cast.countyEntry, imported.body.recordIds[0], 'id_card_copy', idCopy());
      await upload(
        t,
        cast.countyEntry,
        imported.body.recordIds[0],
        'household_register_copy',
        householdCopy(),
      );
      assert.equal((await walk(t, cast, change.body.id, cast.countyEntry)).status, 200);
      const after = await county();
      assert.equal(after.resolved, before.resolved + 2);
      assert.ok(after.cleanupRate > before.cleanupRate);
      const record = (await get(`/records/${imported.body.recordIds[0]}`)).body;
      assert.equal(record.problems[0].status, 'corrected');
      assert.equal(record.ethnicity, '汉族');
    });

    test('[REG-12] the registry is registered in the catalog as not shared; sharing or opening it is refused', async () => {
      const catalog = await catalogCast(t);
      const shared = await publishEntry(
        t,
        catalog,
        completeEntry({ name: '优抚对象（有条件共享）' }),
      );
      const exposed = await t.http('PUT', '/api/v1/registry/catalog-link', {
        as: cast.manager,
        body: { resourceId: shared.id },
      });
      assert.equal(exposed.status, 400);
      assert.equal(exposed.body.code, 'registry.catalog_exposed');
      const entry = await publishEntry(
        t,
        catalog,
        completeEntry({
          name: '优抚对象信息管理数据',
          sharingType: 'none',
          sharingCondition: '',
          legalBasis:
            '《全国优抚信息管理系统部省联网及数据管理工作规范》五(一)4：未经民政部批准，严禁对外提供和信息共享',
          provisionModes: [],
          sharingMethods: [],
          sharingScope: null,
          openType: 'not_open',
        }),
      );
      const linked = await t.http('PUT', '/api/v1/registry/catalog-link', {
        as: cast.manager,
        body: { resourceId: entry.id },
      });
      assert.equal(linked.status, 200, JSON.stringify(linked.body));
      assert.equal(linked.body.sharingType, 'none');
      const applicant = await t.userWith(['sharing_applicant'], catalog.consumerUnitId);
      const request = await t.http('POST', '/api/v1/sharing/requests', {
        as: applicant,
        body: {
          resourceId: entry.id,
          fields: ['id_number', 'name'],
          modes: ['verify'],
          purpose: '就业困难人员认定时核验优抚对象身份',
          legalBasis: '《就业促进法》第五十二条',
          periodStart: '2026-10-08',
          periodEnd: '2027-10-07',
          contactName: '李明',
          contactPhone: '0311-87011234',
        },
      });
      assert.equal(request.status, 403);
      assert.equal(request.body.code, 'sharing.not_shared');
      // A new version that would share or open it cannot be submitted.
      const actOn = (action: string) =>
        t.http('POST', `/api/v1/catalog/entries/${entry.id}/actions`, {
          as: catalog.editor,
          body: { action },
        });
      assert.equal((await actOn('new_version')).status, 200);
      for (const change of [
        {
          sharingType: 'unconditional',
          sharingScope: 'all',
          provisionModes: ['query'],
          sharingMethods: ['platform_api'],
        },
        { openType: 'open_unconditional' },
      ]) {
        const edited = await t.http('PUT', `/api/v1/catalog/entries/${entry.id}/draft`, {
          as: catalog.editor,
          body: { version: 2, content: { ...entry.working.content, ...change } },
        });
        assert.equal(edited.status, 200, JSON.stringify(edited.body));
        const submitted = await actOn('submit');
        assert.equal(submitted.status, 400);
        assert.match(JSON.stringify(submitted.body.errors), /民政部批准|不得向社会开放/);
      }
    });

    test('[REG-10] while the province locks its data every change is refused with a message naming the lock; reading goes on; unlocking restores changes', async () => {
      const ready = await enterRecord(t, cast.townEntry);
      await act(t, cast.townEntry, ready.openRequest.id, 'submit');
      const draft = await enterRecord(t, cast.townEntry);
      const byApprover = await t.http('POST', '/api/v1/registry/lock', {
        as: cast.approver,
        body: { reason: '民政部年度集中审定' },
      });
      assert.equal(byApprover.status, 403);
      const locked = await t.http('POST', '/api/v1/registry/lock', {
        as: cast.manager,
        body: { reason: '民政部 2026 年度优抚对象数据集中审定' },
      });
      assert.equal(locked.status, 200, JSON.stringify(locked.body));
      assert.equal(locked.body.locked, true);
      const count = async () =>
        Number(
          (
            await t.handle.db
              .selectFrom('registry_actions')
              .select((eb) => eb.fn.countAll<number>().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        );
      const actionsBefore = await count();
      const writes = [
        () =>
          t.http('POST', '/api/v1/registry/records', { as: cast.townEntry, body: recordBody() }),
        () =>
          upload(
            t,
            cast.townEntry,
            draft.id,
            'yearly_photo',
            makeJpeg({ width: 300, height: 400 }),
          ),
        () => act(t, cast.townEntry, draft.openRequest.id, 'submit'),
        () => report(t, cast.checker, ready.openRequest.id),
        () =>
          importCsv(
            'imports',
            cast.townEntry,
            `${csvHeader}\n${nextName()},${nextId()},汉族,130123100,正定镇,伤残军人,八级,因公,`,
          ),
        () =>
          t.http('PUT', '/api/v1/registry/certificate-rules', {
            as: cast.manager,
            body: { prefix: '冀', rules: [] },
          }),
        () => t.http('POST', '/api/v1/registry/problems/screen', { as: cast.manager }),
      ];
      for (const write of writes) {
        const res = await write();
        assert.equal(res.status, 423, JSON.stringify(res.body));
        assert.equal(res.body.code, 'registry.locked');
        assert.match(res.body.detail, /锁定/);
        assert.ok(res.body.detail.includes('民政部 2026 年度优抚对象数据集中审定'));
      }
      // Only the opening the county's report tried (a read) was logged.
      assert.ok((await count()) - actionsBefore <= 1);
      assert.equal((await get(`/records/${ready.id}`, cast.checker)).status, 200);
      const overview = await get('/overview', cast.townEntry);
      assert.equal(overview.body.lock.locked, true);
      assert.ok(overview.body.lock.lockedByName);
      const unlocked = await t.http('POST', '/api/v1/registry/unlock', {
        as: cast.manager,
        body: { reason: '集中审定完成' },
      });
      assert.equal(unlocked.body.locked, false);
      assert.equal((await report(t, cast.checker, ready.openRequest.id)).status, 200);
    });

    test('[REG-09] the province sets the yearly deadline; lower levels see it; afterwards incomplete units are listed with what is missing and a completion date', async () => {
      // A year back: the sessions' idle clock only runs forward.
      const y = new Date().getUTCFullYear() - 1;
      t.clock.set(`${y}-06-20T02:00:00Z`);
      const byCounty = await t.http('PUT', '/api/v1/registry/deadline', {
        as: cast.checker,
        body: { year: y, deadline: `${y}-06-30` },
      });
      assert.equal(byCounty.status, 403);
      const set = await t.http('PUT', '/api/v1/registry/deadline', {
        as: cast.manager,
        body: { year: y, deadline: `${y}-06-30`, completionWorkingDays: 10 },
      });
      assert.equal(set.status, 200, JSON.stringify(set.body));
      const home = await get('/overview', cast.townEntry);
      assert.equal(home.body.deadline.deadline, `${y}-06-30`);
      assert.equal(home.body.deadline.daysLeft, 10);
      assert.equal(home.body.deadline.passed, false);
      assert.equal(home.body.level, 'township');
      assert.deepEqual((await get('/incomplete-units', cast.reviewer)).body.items, []);

      await enterRecord(t, cast.townEntry, {}, { scans: false });
      t.clock.set(`${y}-07-02T02:00:00Z`);
      const due = (await t.services.calendar.calendar()).addWorkingDays(`${y}-06-30`, 10);
      const list = await get('/incomplete-units', cast.reviewer);
      assert.equal(list.body.passed, true);
      assert.equal(list.body.completionDue, due);
      const zhengding = list.body.items.find(
        (u: { countyCode: string }) => u.countyCode === '130123',
      );
      assert.ok(zhengding.unreported > 0);
      assert.ok(zhengding.missingMaterials > 0);
      assert.ok(zhengding.missing.some((m: string) => /未上报/.test(m)));
      assert.ok(zhengding.missing.some((m: string) => /档案材料不齐/.test(m)));
      assert.equal(zhengding.countyName, '正定县');
      // The other city's reviewer sees none of 石家庄's counties.
      const other = await get('/incomplete-units', cast.otherReviewer);
      assert.ok(
        !other.body.items.some((u: { countyCode: string }) => u.countyCode.startsWith('1301')),
      );
      t.clock.set(new Date());
    });

    test('[REG-06] queues are searchable, filterable and exportable to XLSX (formula-safe); a record prints as a one-page form', async () => {
      const record = await enterRecord(t, cast.townEntry, { name: '=HYPERLINK("x")' });
      await act(t, cast.townEntry, record.openRequest.id, 'submit');
      const byName = await get(
        `/queue?queue=to_check&q=${encodeURIComponent('=HYP')}`,
        cast.checker,
      );
      assert.deepEqual(
        byName.body.items.map((i: { id: string }) => i.id),
        [record.openRequest.id],
      );
      const byId = await get(`/queue?queue=to_check&q=${record.idNumber}`, cast.checker);
      assert.equal(byId.body.items.length, 1);
      const byCategory = await get('/queue?queue=to_check&categoryCode=12', cast.checker);
      assert.ok(!byCategory.body.items.some((i: { id: string }) => i.id === record.openRequest.id));
      const outside = await get('/queue?queue=to_check&divisionCode=130129', cast.checker);
      assert.equal(outside.body.code, 'registry.out_of_scope');
      const xlsx = await t.http('GET', '/api/v1/registry/queue.xlsx?queue=to_check', {
        as: cast.checker,
      });
      assert.equal(xlsx.status, 200);
      const sheet = await readXlsx(xlsx.body as Buffer);
      let found = false;
      sheet.eachRow((row) => {
        const cell = row.getCell(3);
        if (cell.value === '=HYPERLINK("x")') {
          found = true;
          assert.equal(cell.numFmt, '@');
          assert.equal(cell.type, ExcelJS.ValueType.String);
        }
      });
      assert.ok(found);
      const records = await t.http('GET', '/api/v1/registry/records.xlsx?categoryCode=11', {
        as: cast.checker,
      });
      assert.equal(records.status, 200);
      assert.ok((await readXlsx(records.body as Buffer)).rowCount > 3);
      // Keyset pages of the registry cover each record once.
      const seen = new Set<string>();
      let cursor: string | null = null;
      do {
        const page: {
          status: number;
          body: { items: { id: string }[]; nextCursor: string | null };
        } = await get(`/records?limit=3${cursor ? `&cursor=${cursor}` : ''}`, cast.checker);
        for (const r of page.body.items) {
          assert.ok(!seen.has(r.id));
          seen.add(r.id);
        }
        cursor = page.body.nextCursor;
      } while (cursor);
      assert.ok(seen.has(record.id));
      const form = await get(`/records/${record.id}/form`, cast.checker);
      assert.equal(form.status, 200);
      assert.equal(form.body.title, '优抚对象信息登记表');
      assert.ok(
        form.body.sections[0].rows.some((r: { value: string }) => r.value === record.idNumber),
      );
      assert.equal(form.body.attachments.length, 2);
      assert.ok(form.body.signatures.some((s: { step: string }) => s.step === '提交复核'));
    });
  });

  describe(`registry quality assessment (${engine})`, () => {
    let t: TestPlatform;
    let cast: RegistryCast;

    before(async () => {
      t = await createTestPlatform(engine);
      cast = await registryCast(t);
      // A year back: the sessions' idle clock only runs forward.
      t.clock.set(`${new Date().getUTCFullYear() - 1}-04-15T02:00:00Z`);
    });
    after(() => t.close());

    test('[REG-13] the quality page shows per city and county completeness, accuracy, timeliness, clean-up rate and the last backup', async () => {
      const entry = await t.userWith(['registry_enterer'], cast.units.otherCounty);
      const checker = cast.otherChecker;
      const y = new Date().getUTCFullYear() - 1;
      await t.http('PUT', '/api/v1/registry/deadline', {
        as: cast.manager,
        body: { year: y, deadline: `${y}-06-30` },
      });
      const walkHere = async (requestId: string) => {
        assert.equal((await act(t, entry, requestId, 'submit')).status, 200);
        assert.equal((await report(t, checker, requestId)).status, 200);
        await act(t, cast.reviewer, requestId, 'open');
        assert.equal((await act(t, cast.reviewer, requestId, 'pass')).status, 200);
        await act(t, cast.approver, requestId, 'open');
        assert.equal((await act(t, cast.approver, requestId, 'approve')).status, 200);
      };
      const complete = await enterRecord(t, entry, {
        divisionCode: '130129',
        idNumber: makeCitizenId('130129', '19550505', 111),
      });
      await walkHere(complete.openRequest.id);
      await enterRecord(
        t,
        entry,
        { divisionCode: '130129', idNumber: makeCitizenId('130129', '19550506', 113) },
        { scans: false },
      );
      const hist = await t.http('POST', `/api/v1/registry/historical-imports?fileName=h.csv`, {
        as: cast.manager,
        raw: Buffer.from(
          `姓名,公民身份号码,行政区划代码,住址,优抚类别,残疾等级,残疾性质\n${nextName()},${makeCitizenId('130129', '19450101', 115)},130129,赞皇县,伤残军人,四级,因战`,
        ),
        headers: { 'content-type': 'text/csv' },
      });
      assert.equal(hist.status, 201, JSON.stringify(hist.body));
      await t.http('POST', '/api/v1/registry/problems/screen', { as: cast.manager });

      const row = async (code: string, as = cast.manager) => {
        const res = await t.http('GET', '/api/v1/registry/quality', { as });
        assert.equal(res.status, 200, JSON.stringify(res.body));
        return res.body.rows.find((r: { code: string }) => r.code === code);
      };
      const zanhuang = await row('130129');
      assert.equal(zanhuang.records, 3);
      assert.equal(zanhuang.completeness, 0.3333);
      assert.equal(zanhuang.accuracy, 0.6667);
      assert.equal(
        zanhuang.reportingTimeliness,
        1,
        'the one reported so far was on time; the other is still in time',
      );
      assert.equal(zanhuang.reviewTimeliness, 1);
      assert.equal(zanhuang.cleanupRate, 0);
      assert.equal(zanhuang.openProblems, 1);
      const problems = await t.http(
        'GET',
        '/api/v1/registry/problems?countyCode=130129&status=open',
        { as: checker },
      );
      await t.http('POST', `/api/v1/registry/problems/${problems.body.items[0].id}/resolve`, {
        as: checker,
        body: { resolution: 'cleared', note: '对照档案，该对象确无民族登记（待补录）' },
      });
      t.clock.set(`${y}-07-01T02:00:00Z`);
      const later = await row('130129');
      assert.equal(later.cleanupRate, 1);
      assert.equal(later.accuracy, 1);
      assert.equal(later.reportingTimeliness, 0.5, 'the draft was not reported by the deadline');
      const city = await row('130100');
      assert.equal(city.level, 'city');
      assert.equal((await row('130000')).level, 'province');
      // A city sees its counties only; the county its own row.
      const cityView = (await t.http('GET', '/api/v1/registry/quality', { as: cast.reviewer })).body
        .rows;
      assert.ok(cityView.every((r: { code: string }) => r.code.startsWith('1301')));
      const countyView = (await t.http('GET', '/api/v1/registry/quality', { as: checker })).body
        .rows;
      assert.deepEqual(
        countyView.map((r: { code: string }) => r.code),
        ['130129'],
      );

      let quality = (await t.http('GET', '/api/v1/registry/quality', { as: cast.manager })).body;
      assert.equal(quality.lastBackup, null);
      assert.equal(quality.backupCurrent, false);
      assert.equal(quality.ministryLink.status, 'not_connected');
      assert.match(quality.ministryLink.label, /未接入/);
      const backup = await t.http('POST', '/api/v1/registry/backups', {
        as: cast.manager,
        body: {
          at: `${y}-06-28T16:00:00+08:00`,
          location: '省厅数据库服务器 /backup/yf/月度.dmp',
          note: '月度备份（不含照片）',
        },
      });
      assert.equal(backup.status, 201, JSON.stringify(backup.body));
      quality = (await t.http('GET', '/api/v1/registry/quality', { as: cast.manager })).body;
      assert.equal(quality.lastBackup.location, '省厅数据库服务器 /backup/yf/月度.dmp');
      assert.equal(quality.backupCurrent, true);
    });
  });
}
