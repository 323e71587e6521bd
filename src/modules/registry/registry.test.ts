/**
 * The registry's workflow over HTTP on both engines: entry, re-check, review, approval,
 * materials, ID verification, duplicates, scope and turn, changes to approved records.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { testEngines } from '../../../tests/helpers/engines.ts';
import { createTestPlatform, type TestPlatform } from '../../../tests/helpers/platform.ts';
import { roleCombinationProblem } from '../iam/permissions.ts';
import {
  act,
  enterRecord,
  householdCopy,
  idCopy,
  nextId,
  recordBody,
  registryCast,
  report,
  upload,
  walk,
  type RegistryCast,
} from './test-fixtures.ts';

for (const engine of testEngines()) {
  describe(`registry workflow (${engine})`, () => {
    let t: TestPlatform;
    let cast: RegistryCast;

    before(async () => {
      t = await createTestPlatform(engine);
      cast = await registryCast(t);
    });
    after(() => t.close());

    const get = (path: string, as = cast.manager) =>
      t.http('GET', `/api/v1/registry${path}`, { as });

    test('[REG-01] a township entry is reported by the county, reviewed by the city and approved by the province', async () => {
      const record = await enterRecord(t, cast.townEntry);
      assert.equal(record.status, 'draft');
      assert.equal(record.openRequest.kind, 'register');
      assert.match(record.recordNo, /^YF130123\d{7}$/);
      const requestId = record.openRequest.id as string;

      const queue = async (q: string, as: typeof cast.checker) =>
        (await get(`/queue?queue=${q}`, as)).body.items.map((i: { id: string }) => i.id);
      assert.ok((await queue('to_enter', cast.townEntry)).includes(requestId));
      assert.equal((await act(t, cast.townEntry, requestId, 'submit')).status, 200);
      assert.ok((await queue('to_check', cast.checker)).includes(requestId));
      assert.equal((await report(t, cast.checker, requestId)).status, 200);
      assert.ok((await queue('to_review', cast.reviewer)).includes(requestId));
      assert.equal((await act(t, cast.reviewer, requestId, 'open')).status, 200);
      assert.equal((await act(t, cast.reviewer, requestId, 'pass')).status, 200);
      assert.ok((await queue('to_approve', cast.approver)).includes(requestId));
      assert.equal((await act(t, cast.approver, requestId, 'open')).status, 200);
      const approved = await act(t, cast.approver, requestId, 'approve');
      assert.equal(approved.status, 200, JSON.stringify(approved.body));
      assert.equal(approved.body.status, 'approved');
      assert.equal(approved.body.record.status, 'approved');
      assert.match(approved.body.record.certificateNo, /^冀11130123\d{4}\d{5}$/);

      // The status columns are what the action logs lead to.
      assert.equal(await t.services.registry.derivedRequestStatus(requestId), 'approved');
      assert.equal(await t.services.registry.derivedRecordStatus(record.id), 'approved');

      // The province (and the ministry's view of it) lists the approved record.
      const list = await get('/records?status=approved', cast.approver);
      assert.ok(list.body.items.some((r: { id: string }) => r.id === record.id));

      // Every step is in the record's history, with who and when.
      const history = await get(`/records/${record.id}/history`, cast.reviewer);
      const steps = history.body.actions.map((a: { action: string }) => a.action);
      for (const step of [
        'enter',
        'create',
        'attach',
        'submit',
        'report',
        'pass',
        'approve',
        'register',
      ]) {
        assert.ok(steps.includes(step), `history has ${step}`);
      }
      assert.ok(
        history.body.actions.every((a: { actorName: string; at: string }) => a.actorName && a.at),
      );
      assert.ok(history.body.versions.length >= 2);
    });

    test('[REG-02] a record without its required materials stays a draft and cannot be submitted', async () => {
      const record = await enterRecord(t, cast.townEntry, { address: null }, { scans: false });
      assert.equal(record.materialsComplete, false);
      const codes = record.findings.map((f: { code: string }) => f.code);
      assert.ok(codes.includes('registry.attachment_missing'));
      assert.ok(codes.includes('registry.field_missing'));
      const refused = await act(t, cast.townEntry, record.openRequest.id, 'submit');
      assert.equal(refused.status, 409);
      assert.equal(refused.body.code, 'registry.materials_incomplete');
      assert.match(refused.body.detail, /身份证复印件/);
      assert.match(refused.body.detail, /户口簿复印件/);
      assert.match(refused.body.detail, /住址/);
      assert.equal((await get(`/records/${record.id}`)).body.openRequest.status, 'draft');

      await upload(t, cast.townEntry, record.id, 'id_card_copy', idCopy());
      await upload(t, cast.townEntry, record.id, 'household_register_copy', householdCopy());
      const still = await act(t, cast.townEntry, record.openRequest.id, 'submit');
      assert.equal(
        still.body.code,
        'registry.materials_incomplete',
        'the address is still missing',
      );
      const edited = await t.http('PUT', `/api/v1/registry/records/${record.id}`, {
        as: cast.townEntry,
        body: {
          ...recordBody({ idNumber: record.idNumber, address: '正定县正定镇常山东路 6 号' }),
          version: (await get(`/records/${record.id}`)).body.version,
        },
      });
      assert.equal(edited.status, 200, JSON.stringify(edited.body));
      assert.equal(edited.body.materialsComplete, true);
      assert.equal((await act(t, cast.townEntry, record.openRequest.id, 'submit')).status, 200);
    });

    test('[REG-03] an invalid ID number blocks reporting until the original card is verified and its copy uploaded; the override is audited', async () => {
      const bad = '130123195203011235'; // wrong check character
      const record = await enterRecord(
        t,
        cast.townEntry,
        { idNumber: bad, sex: '男', birthDate: '1952-03-01' },
        { scans: false },
      );
      assert.equal(record.idValid, false);
      await upload(t, cast.townEntry, record.id, 'household_register_copy', householdCopy());
      const refused = await act(t, cast.townEntry, record.openRequest.id, 'submit');
      assert.equal(refused.status, 409);
      assert.equal(refused.body.code, 'registry.id_unverified');

      const noCopy = await t.http('POST', `/api/v1/registry/records/${record.id}/id-verification`, {
        as: cast.townEntry,
        body: { verifiedBy: '王丽华' },
      });
      assert.equal(noCopy.status, 409);
      assert.equal(noCopy.body.code, 'registry.id_copy_missing');

      await upload(t, cast.townEntry, record.id, 'id_card_copy', idCopy());
      const verified = await t.http(
        'POST',
        `/api/v1/registry/records/${record.id}/id-verification`,
        {
          as: cast.townEntry,
          body: { verifiedBy: '王丽华', note: '核对第二代居民身份证原件，号码与原件一致' },
        },
      );
      assert.equal(verified.status, 200, JSON.stringify(verified.body));
      assert.equal(verified.body.idVerification.verifiedBy, '王丽华');
      const entries = await t.handle.db
        .selectFrom('audit_entries')
        .select(['action', 'detail', 'actor_id'])
        .where('action', '=', 'registry.id_verification')
        .where('target_id', '=', record.id)
        .execute();
      assert.equal(entries.length, 1);
      assert.equal(entries[0]!.actor_id, cast.townEntry.userId);
      assert.match(entries[0]!.detail!, /王丽华/);
      assert.equal((await act(t, cast.townEntry, record.openRequest.id, 'submit')).status, 200);
      assert.equal((await report(t, cast.checker, record.openRequest.id)).status, 200);
    });

    test('[REG-04] the county re-checks every item before reporting; the township cannot report', async () => {
      const record = await enterRecord(t, cast.townEntry);
      const id = record.openRequest.id as string;
      await act(t, cast.townEntry, id, 'submit');
      const byTownship = await act(t, cast.townEntry, id, 'report', { checkedFields: [] });
      assert.equal(byTownship.status, 403);
      assert.equal(byTownship.body.code, 'registry.not_permitted');
      const detail = await get(`/requests/${id}`, cast.checker);
      const fields = detail.body.checkFields.map((f: { field: string }) => f.field);
      assert.ok(fields.includes('idNumber') && fields.includes('benefit.disabilityGrade'));
      const partial = await act(t, cast.checker, id, 'report', {
        checkedFields: fields.slice(0, 3),
      });
      assert.equal(partial.status, 409);
      assert.equal(partial.body.code, 'registry.check_incomplete');
      assert.match(partial.body.detail, /逐条逐项复核/);
      const full = await act(t, cast.checker, id, 'report', { checkedFields: fields });
      assert.equal(full.status, 200, JSON.stringify(full.body));
      assert.equal(full.body.status, 'pending_review');
      const logged = full.body.actions.find((a: { action: string }) => a.action === 'report');
      assert.deepEqual(logged.detail.checkedFields, fields);
    });

    test('[REG-06] the city passes each record only after opening it; review all needs every pending record opened', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        const record = await enterRecord(t, cast.countyEntry, { divisionCode: '130123' });
        await act(t, cast.countyEntry, record.openRequest.id, 'submit');
        await report(t, cast.checker, record.openRequest.id);
        ids.push(record.openRequest.id);
      }
      const unopened = await act(t, cast.reviewer, ids[0]!, 'pass');
      assert.equal(unopened.status, 409);
      assert.equal(unopened.body.code, 'registry.not_opened');
      let queue = await get('/queue?queue=to_review', cast.reviewer);
      assert.ok(queue.body.unopened >= 3);
      await act(t, cast.reviewer, ids[0]!, 'open');
      await act(t, cast.reviewer, ids[1]!, 'open');
      const early = await t.http('POST', '/api/v1/registry/requests/bulk', {
        as: cast.reviewer,
        body: { action: 'pass', requestIds: ids },
      });
      assert.equal(early.status, 409);
      assert.equal(early.body.code, 'registry.not_all_opened');
      assert.match(early.body.detail, /1 条未逐条打开/);
      // Nothing was done: all three still wait for review.
      for (const id of ids)
        assert.equal((await get(`/requests/${id}`, cast.reviewer)).body.status, 'pending_review');
      await act(t, cast.reviewer, ids[2]!, 'open');
      const all = await t.http('POST', '/api/v1/registry/requests/bulk', {
        as: cast.reviewer,
        body: { action: 'pass', requestIds: ids },
      });
      assert.equal(all.status, 200, JSON.stringify(all.body));
      assert.equal(all.body.done, 3);
      queue = await get('/queue?queue=to_approve', cast.approver);
      for (const id of ids) assert.ok(queue.body.items.some((i: { id: string }) => i.id === id));
      // A return with its reason goes back to the enterer, who sees why.
      const noReason = await act(t, cast.approver, ids[0]!, 'return');
      assert.equal(noReason.status, 400);
      await act(t, cast.approver, ids[0]!, 'open');
      const returned = await act(t, cast.approver, ids[0]!, 'return', {
        note: '残疾等级与评定材料不符，请核对',
      });
      assert.equal(returned.status, 200);
      const back = await get('/queue?queue=returned', cast.countyEntry);
      const item = back.body.items.find((i: { id: string }) => i.id === ids[0]);
      assert.equal(item.returnReason, '残疾等级与评定材料不符，请核对');
      const note = await t.handle.db
        .selectFrom('notifications')
        .select('body')
        .where('user_id', '=', cast.countyEntry.userId)
        .where('kind', '=', 'registry.returned')
        .execute();
      assert.ok(note.some((n) => n.body.includes('残疾等级与评定材料不符')));
    });

    test('[REG-01] [IAM-04] out of scope is refused with 403 and out of turn with 409; one person never enters and reviews the same request', async () => {
      const record = await enterRecord(t, cast.townEntry);
      const id = record.openRequest.id as string;
      const outside = await get(`/records/${record.id}`, cast.otherChecker);
      assert.equal(outside.status, 403);
      assert.equal(outside.body.code, 'registry.out_of_scope');
      const otherCity = await act(t, cast.otherReviewer, id, 'open');
      assert.equal(otherCity.body.code, 'registry.out_of_scope');
      const listed = await get('/records', cast.otherReviewer);
      assert.ok(!listed.body.items.some((r: { id: string }) => r.id === record.id));
      // Township staff see their township only; the county sees it too.
      const county = await get('/records', cast.checker);
      assert.ok(county.body.items.some((r: { id: string }) => r.id === record.id));

      const early = await act(t, cast.approver, id, 'approve');
      assert.equal(early.status, 409);
      assert.equal(early.body.code, 'registry.wrong_turn');
      await act(t, cast.townEntry, id, 'submit');
      const twice = await act(t, cast.townEntry, id, 'submit');
      assert.equal(twice.status, 409);
      assert.equal(twice.body.code, 'registry.wrong_turn');

      // Roles keep the duties apart, and so does the log when an account's role changes.
      assert.match(
        roleCombinationProblem(['registry_enterer', 'registry_checker']) ?? '',
        /不能由同一账号兼任/,
      );
      assert.match(
        roleCombinationProblem(['registry_reviewer', 'registry_approver']) ?? '',
        /不能由同一账号兼任/,
      );
      const admin = await t.userWith(['unit_admin'], cast.units.county);
      const mover = await t.userWith(['registry_enterer'], cast.units.county);
      const own = await enterRecord(t, mover, { divisionCode: '130123' });
      await act(t, mover, own.openRequest.id, 'submit');
      const patched = await t.http('PATCH', `/api/v1/accounts/${mover.userId}`, {
        as: admin,
        body: { roles: ['registry_checker'] },
      });
      assert.equal(patched.status, 200, JSON.stringify(patched.body));
      await act(t, mover, own.openRequest.id, 'open');
      const self = await report(t, mover, own.openRequest.id);
      assert.equal(self.status, 403);
      assert.equal(self.body.code, 'duty.separation');
    });

    test('[REG-07] duplicates: the same ID number anywhere in the province is a hard stop; same name, birth date and county is flagged and blocks approval until cleared', async () => {
      const first = await enterRecord(t, cast.townEntry, {
        name: '赵红旗',
        birthDate: '1950-05-04',
        idNumber: nextId('19500504'),
      });
      const sameId = await t.http('POST', '/api/v1/registry/records', {
        as: cast.otherChecker.userId
          ? await t.userWith(['registry_enterer'], cast.units.otherCounty)
          : cast.townEntry,
        body: recordBody({ idNumber: first.idNumber, divisionCode: '130129' }),
      });
      assert.equal(sameId.status, 409);
      assert.equal(sameId.body.code, 'registry.duplicate_id');
      assert.match(sameId.body.detail, /已在正定县/);

      const twin = await enterRecord(t, cast.countyEntry, {
        name: '赵红旗',
        birthDate: '1950-05-04',
        idNumber: nextId('19500504'),
        divisionCode: '130123',
      });
      assert.ok(
        twin.problems.some(
          (p: { kind: string; status: string }) =>
            p.kind === 'duplicate_suspect' && p.status === 'open',
        ),
      );
      const blocked = await walk(t, cast, twin.openRequest.id, cast.countyEntry);
      assert.equal(blocked.status, 409);
      assert.equal(blocked.body.code, 'registry.duplicate_unresolved');
      const problem = twin.problems.find((p: { kind: string }) => p.kind === 'duplicate_suspect');
      const cleared = await t.http('POST', `/api/v1/registry/problems/${problem.id}/resolve`, {
        as: cast.checker,
        body: { resolution: 'cleared', note: '对照户籍档案，二人为同名同日生的不同人员' },
      });
      assert.equal(cleared.status, 200, JSON.stringify(cleared.body));
      const approved = await act(t, cast.approver, twin.openRequest.id, 'approve');
      assert.equal(approved.status, 200, JSON.stringify(approved.body));

      // A look-alike entered after a record's own entry is found before its approval, and the
      // flag stays for the county although the approval was refused.
      const early = await enterRecord(t, cast.townEntry, {
        name: '钱秀兰',
        birthDate: '1951-07-08',
        idNumber: nextId('19510708'),
      });
      await enterRecord(t, cast.countyEntry, {
        name: '钱秀兰',
        birthDate: '1951-07-08',
        idNumber: nextId('19510708'),
        divisionCode: '130123',
      });
      const late = await walk(t, cast, early.openRequest.id);
      assert.equal(late.status, 409);
      assert.equal(late.body.code, 'registry.duplicate_unresolved');
      const flagged = (await get(`/records/${early.id}`, cast.checker)).body;
      assert.ok(
        flagged.problems.some(
          (p: { kind: string; status: string }) =>
            p.kind === 'duplicate_suspect' && p.status === 'open',
        ),
      );
      assert.equal(flagged.openRequest.status, 'pending_approval');
    });

    test('[REG-01] changes, transfers, suspension and cancellation of approved records go through the same levels; nothing approved is edited in place', async () => {
      const record = await enterRecord(t, cast.townEntry);
      assert.equal((await walk(t, cast, record.openRequest.id)).status, 200);
      const approved = await get(`/records/${record.id}`, cast.townEntry);
      const inPlace = await t.http('PUT', `/api/v1/registry/records/${record.id}`, {
        as: cast.townEntry,
        body: {
          ...recordBody({ idNumber: record.idNumber, name: '李长春' }),
          version: approved.body.version,
        },
      });
      assert.equal(inPlace.status, 409);
      assert.equal(inPlace.body.code, 'registry.not_editable');

      const change = await t.http('POST', `/api/v1/registry/records/${record.id}/requests`, {
        as: cast.townEntry,
        body: {
          kind: 'change',
          changes: { address: '正定县正定镇中山东路 20 号', phone: '13803110277' },
          reason: '住址变更（户口簿已迁）',
        },
      });
      assert.equal(change.status, 201, JSON.stringify(change.body));
      assert.deepEqual(change.body.changes.map((c: { field: string }) => c.field).sort(), [
        'address',
        'phone',
      ]);
      const second = await t.http('POST', `/api/v1/registry/records/${record.id}/requests`, {
        as: cast.townEntry,
        body: { kind: 'suspend', reason: '外出务工下落不明' },
      });
      assert.equal(second.body.code, 'registry.request_open');
      // Before approval the record is unchanged.
      assert.equal((await get(`/records/${record.id}`)).body.address, record.address);
      assert.equal((await walk(t, cast, change.body.id)).status, 200);
      const changed = (await get(`/records/${record.id}`)).body;
      assert.equal(changed.address, '正定县正定镇中山东路 20 号');
      assert.equal(changed.certificateNo, approved.body.certificateNo);

      const transfer = await t.http('POST', `/api/v1/registry/records/${record.id}/requests`, {
        as: cast.townEntry,
        body: {
          kind: 'transfer',
          divisionCode: '130123101',
          address: '正定县诸福屯镇东村 3 号',
          reason: '随子女迁居',
        },
      });
      assert.equal(transfer.status, 201, JSON.stringify(transfer.body));
      assert.equal((await walk(t, cast, transfer.body.id)).status, 200);
      assert.equal((await get(`/records/${record.id}`)).body.divisionCode, '130123101');
      // The township it left no longer reaches it.
      assert.equal(
        (await get(`/records/${record.id}`, cast.townEntry)).body.code,
        'registry.out_of_scope',
      );

      const suspend = await t.http('POST', `/api/v1/registry/records/${record.id}/requests`, {
        as: cast.countyEntry,
        body: { kind: 'suspend', reason: '年度确认未到场，暂停发放' },
      });
      assert.equal((await walk(t, cast, suspend.body.id, cast.countyEntry)).status, 200);
      assert.equal((await get(`/records/${record.id}`)).body.status, 'suspended');
      const cancel = await t.http('POST', `/api/v1/registry/records/${record.id}/requests`, {
        as: cast.countyEntry,
        body: {
          kind: 'cancel',
          cancelKind: 'death',
          effectiveOn: '2026-03-01',
          reason: '本人于 2026 年 2 月病逝',
        },
      });
      assert.equal((await walk(t, cast, cancel.body.id, cast.countyEntry)).status, 200);
      const final = (await get(`/records/${record.id}`)).body;
      assert.equal(final.status, 'cancelled');
      assert.equal(await t.services.registry.derivedRecordStatus(record.id), 'cancelled');
      const resume = await t.http('POST', `/api/v1/registry/records/${record.id}/requests`, {
        as: cast.countyEntry,
        body: { kind: 'resume', reason: '恢复' },
      });
      assert.equal(resume.status, 409);
      assert.equal(resume.body.code, 'registry.wrong_turn');

      const history = (await get(`/records/${record.id}/history`)).body;
      const recordSteps = history.actions
        .filter((a: { requestId: string | null }) => a.requestId === null)
        .map((a: { action: string }) => a.action);
      for (const s of ['register', 'change', 'transfer', 'suspend', 'cancel'])
        assert.ok(recordSteps.includes(s), s);
      const addressChange = history.versions.find(
        (v: { approvalRef: string | null }) => v.approvalRef === change.body.id,
      );
      assert.deepEqual(addressChange.changes.map((c: { field: string }) => c.field).sort(), [
        'address',
        'phone',
      ]);
      // The generic record history reads the same versions.
      const generic = await t.http('GET', `/api/v1/history/registry_records/${record.id}`, {
        as: cast.manager,
      });
      assert.equal(generic.status, 200);
      assert.equal(generic.body.items.length, history.versions.length);
    });
  });
}
