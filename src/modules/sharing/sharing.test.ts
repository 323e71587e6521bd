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
import {
  createTestPlatform,
  TEST_PASSWORD,
  type Caller,
  type TestPlatform,
} from '../../../tests/helpers/platform.ts';

type User = Caller & { userId: string; username: string };

interface SharingCast extends CatalogCast {
  applicant: User;
  approver: User;
  cityApplicant: User;
  conditionalId: string;
  unconditionalId: string;
  notSharedId: string;
}

async function sharingCast(t: TestPlatform): Promise<SharingCast> {
  const cast = await catalogCast(t);
  const city = await t.http('POST', '/api/v1/units', {
    as: cast.manager,
    body: { name: '石家庄市人力资源和社会保障局', divisionCode: '130100', type: 'agency' },
  });
  const conditional = await publishEntry(t, cast, completeEntry());
  const unconditional = await publishEntry(t, cast, openEntry());
  const notShared = await publishEntry(
    t,
    cast,
    completeEntry({
      name: '精神障碍患者救助信息',
      classification: { tree: 'department', code: '301001' },
      sharingType: 'none',
      sharingCondition: '',
      legalBasis: '《精神卫生法》第四条：患者的个人信息应当予以保密',
      provisionModes: [],
      sharingMethods: [],
      sharingScope: null,
    }),
  );
  return {
    ...cast,
    applicant: await t.userWith(['sharing_applicant'], cast.consumerUnitId),
    approver: await t.userWith(['sharing_approver'], cast.providerUnitId),
    cityApplicant: await t.userWith(['sharing_applicant'], city.body.id as string),
    conditionalId: conditional.id as string,
    unconditionalId: unconditional.id as string,
    notSharedId: notShared.id as string,
  };
}

const request = (resourceId: string, overrides: Record<string, unknown> = {}) => ({
  resourceId,
  fields: ['id_number', 'name', 'category'],
  modes: ['verify'],
  purpose: '就业困难人员认定时核验优抚对象身份',
  legalBasis: '《就业促进法》第五十二条；本省就业援助办法',
  periodStart: '2026-10-08',
  periodEnd: '2027-10-07',
  contactName: '李明',
  contactPhone: '0311-87011234',
  ...overrides,
});

for (const engine of testEngines()) {
  describe(`sharing requests and grants (${engine})`, () => {
    let t: TestPlatform;
    let cast: SharingCast;
    const act = (id: string, who: Caller, body: Record<string, unknown>) =>
      t.http('POST', `/api/v1/sharing/requests/${id}/actions`, { as: who, body });
    const file = (who: Caller, body: Record<string, unknown>) =>
      t.http('POST', '/api/v1/sharing/requests', { as: who, body });
    /** Moves the clock; sessions end after hours, so everyone signs in again. */
    const moveTo = async (at: string) => {
      t.clock.set(at);
      for (const key of [
        'applicant',
        'approver',
        'manager',
        'editor',
        'cityApplicant',
        'consumer',
      ] as const) {
        cast[key] = { ...cast[key], ...(await t.login(cast[key].username, TEST_PASSWORD)) };
      }
    };

    before(async () => {
      // Tuesday 29 September 2026, 09:00 in Beijing: the National Day holiday starts on Thursday.
      t = await createTestPlatform(engine);
      t.clock.set('2026-09-29T01:00:00Z');
      cast = await sharingCast(t);
    });
    after(() => t.close());

    test('[SHR-01] a request names unit, resource, exact fields, purpose, basis, mode and period; wrong ones are refused and nothing is filed', async () => {
      const bad = [
        [{ fields: ['id_number', 'birthplace'] }, 'sharing.unknown_fields'],
        [{ modes: ['subscribe'] }, 'sharing.mode_not_offered'],
        [{ periodEnd: '2030-01-01' }, 'sharing.period_too_long'],
        [{ periodStart: '2026-01-01' }, 'sharing.period_past'],
        [{ purpose: '' }, 'validation'],
      ] as const;
      for (const [overrides, code] of bad) {
        const res = await file(cast.applicant, request(cast.conditionalId, overrides));
        assert.equal(res.status, 400, JSON.stringify(overrides));
        if (code !== 'validation') assert.equal(res.body.code, code);
      }
      const mine = await t.http('GET', '/api/v1/sharing/requests?queue=mine', {
        as: cast.applicant,
      });
      assert.equal(mine.body.items.length, 0, 'nothing was filed');
      // Only applicants file; a provider cannot ask for its own resource.
      assert.equal((await file(cast.editor, request(cast.conditionalId))).status, 403);
      const own = await t.userWith(['sharing_applicant'], cast.providerUnitId);
      assert.equal((await file(own, request(cast.conditionalId))).body.code, 'sharing.own_unit');

      const filed = await file(cast.applicant, request(cast.conditionalId));
      assert.equal(filed.status, 201, JSON.stringify(filed.body));
      assert.match(filed.body.number, /^GX2026\d{6}$/);
      assert.equal(filed.body.status, 'prechecking');
      assert.equal(filed.body.consumerUnitId, cast.consumerUnitId);
      assert.deepEqual(
        filed.body.fields.map((f: { name: string }) => f.name),
        ['公民身份号码', '姓名', '优抚类别'],
      );
      assert.equal(filed.body.purpose, request('').purpose);
      assert.deepEqual(filed.body.modes, ['verify']);
      // The platform is told, and sees it in its queue.
      const todo = await t.http('GET', '/api/v1/sharing/requests?queue=todo', { as: cast.manager });
      assert.ok(todo.body.items.some((r: { id: string }) => r.id === filed.body.id));
      const bell = await t.http('GET', '/api/v1/notifications?unread=true', { as: cast.manager });
      assert.ok(bell.body.unread >= 1);
      assert.ok(
        bell.body.items.some(
          (n: { link: string }) => n.link === `/sharing/requests/${filed.body.id}`,
        ),
      );
      // Other units see nothing of it.
      assert.equal(
        (
          await t.http('GET', `/api/v1/sharing/requests/${filed.body.id}`, {
            as: cast.cityApplicant,
          })
        ).status,
        404,
      );
    });

    test('[SHR-04] a not-shared resource cannot be requested; [SHR-10] a city government cannot ask a provincial provider', async () => {
      const notShared = await file(
        cast.applicant,
        request(cast.notSharedId, { fields: ['id_number'] }),
      );
      assert.equal(notShared.status, 403);
      assert.equal(notShared.body.code, 'sharing.not_shared');
      assert.match(notShared.body.detail, /精神卫生法/);
      const city = await file(cast.cityApplicant, request(cast.conditionalId));
      assert.equal(city.status, 403);
      assert.equal(city.body.code, 'sharing.city_to_province');
      assert.match(city.body.detail, /本级/);
    });

    test('[SHR-02] an unconditional request is approved by the platform and delivered within 2 working days', async () => {
      const filed = await file(
        cast.applicant,
        request(cast.unconditionalId, { fields: ['org_name', 'beds'], modes: ['query'] }),
      );
      assert.equal(filed.status, 201, JSON.stringify(filed.body));
      const [precheck] = filed.body.steps;
      assert.equal(precheck.kind, 'precheck');
      // Filed Tuesday 29 September: Wednesday counts, then the holiday, then Thursday 8 October.
      assert.equal(precheck.dueOn, '2026-10-08');
      // No provider step for unconditional data; the provider may not approve it either.
      assert.equal(
        (await act(filed.body.id, cast.manager, { action: 'precheck_pass' })).status,
        403,
      );
      assert.equal((await act(filed.body.id, cast.approver, { action: 'approve' })).status, 403);
      const approved = await act(filed.body.id, cast.manager, { action: 'approve' });
      assert.equal(approved.status, 200, JSON.stringify(approved.body));
      assert.equal(approved.body.status, 'authorized');
      assert.equal(approved.body.grant.status, 'authorized');
      const delivery = approved.body.steps.at(-1);
      assert.equal(delivery.kind, 'delivery');
      assert.equal(delivery.dueOn, '2026-10-08');
      const delivered = await act(filed.body.id, cast.manager, { action: 'deliver' });
      assert.equal(delivered.body.status, 'granted');
      assert.equal(delivered.body.grant.status, 'active');
      assert.ok(delivered.body.steps.every((s: { closedAt: string | null }) => s.closedAt));
    });

    test('[SHR-03] a conditional request: pre-check, provider decision within 3 working days (narrowed), delivery; a refusal states its reason', async () => {
      const filed = await file(cast.applicant, request(cast.conditionalId));
      const id = filed.body.id as string;
      // The provider cannot decide before the platform's pre-check.
      assert.equal((await act(id, cast.approver, { action: 'approve' })).status, 409);
      await moveTo('2026-09-30T02:00:00Z');
      const passed = await act(id, cast.manager, { action: 'precheck_pass' });
      assert.equal(passed.body.status, 'provider_review');
      const decision = passed.body.steps.at(-1);
      assert.equal(decision.kind, 'provider_decision');
      assert.equal(decision.assigneeUnitId, cast.providerUnitId);
      // Opened Wednesday 30 September: 8 and 9 October, then the adjusted working Saturday.
      assert.equal(decision.dueOn, '2026-10-10');
      const providerTodo = await t.http('GET', '/api/v1/sharing/requests?queue=todo', {
        as: cast.approver,
      });
      assert.ok(providerTodo.body.items.some((r: { id: string }) => r.id === id));
      // Narrowing: only fields that were asked for, and only an earlier end.
      assert.equal(
        (
          await act(id, cast.approver, {
            action: 'approve',
            fields: ['id_number', 'monthly_amount'],
          })
        ).body.code,
        'sharing.fields_not_requested',
      );
      assert.equal(
        (await act(id, cast.approver, { action: 'approve', periodEnd: '2028-01-01' })).body.code,
        'sharing.period_not_narrower',
      );
      // The requester's unit cannot approve its own request.
      assert.equal((await act(id, cast.applicant, { action: 'approve' })).status, 403);
      const approved = await act(id, cast.approver, {
        action: 'approve',
        fields: ['id_number', 'name'],
        periodEnd: '2027-03-31',
      });
      assert.equal(approved.status, 200, JSON.stringify(approved.body));
      assert.deepEqual(approved.body.approvedFields, ['id_number', 'name']);
      assert.equal(approved.body.grant.validUntil, '2027-03-31');
      assert.deepEqual(
        approved.body.grant.fields.map((f: { identifier: string }) => f.identifier),
        ['id_number', 'name'],
      );
      const delivered = await act(id, cast.manager, { action: 'deliver' });
      assert.equal(delivered.body.status, 'granted');

      // A refusal needs its reason, which the requester sees.
      const second = await file(
        cast.applicant,
        request(cast.conditionalId, { fields: ['id_number'] }),
      );
      await act(second.body.id, cast.manager, { action: 'precheck_pass' });
      assert.equal(
        (await act(second.body.id, cast.approver, { action: 'refuse' })).body.code,
        'sharing.reason_required',
      );
      const refused = await act(second.body.id, cast.approver, {
        action: 'refuse',
        note: '申请用途与优抚对象信息的共享条件不符',
      });
      assert.equal(refused.body.status, 'refused');
      const seen = await t.http('GET', `/api/v1/sharing/requests/${second.body.id}`, {
        as: cast.applicant,
      });
      assert.equal(seen.body.actions.at(-1).note, '申请用途与优抚对象信息的共享条件不符');
      // Acting on a step that is no longer open changes nothing.
      const late = await act(second.body.id, cast.approver, { action: 'approve' });
      assert.equal(late.status, 409);
      assert.equal(late.body.code, 'sharing.step_not_open');
    });

    test('[SHR-05] approval produces the implementation sheet and a grant with parties, fields, modes, purpose and validity', async () => {
      const list = await t.http('GET', '/api/v1/sharing/grants?side=consumer', {
        as: cast.applicant,
      });
      const grant = list.body.items.find(
        (g: { resourceId: string; status: string }) =>
          g.resourceId === cast.conditionalId && g.status === 'active',
      );
      assert.ok(grant, JSON.stringify(list.body));
      const sheet = await t.http('GET', `/api/v1/sharing/requests/${grant.requestId}/sheet`, {
        as: cast.applicant,
      });
      assert.equal(sheet.status, 200, JSON.stringify(sheet.body));
      assert.equal(sheet.body.grantId, grant.id);
      assert.match(sheet.body.consumer.name, /人力资源/);
      assert.match(sheet.body.provider.name, /民政厅/);
      assert.deepEqual(
        sheet.body.fields.map((f: { name: string }) => f.name),
        ['公民身份号码', '姓名'],
      );
      assert.deepEqual(sheet.body.modes, [{ code: 'verify', label: '比对验证' }]);
      assert.equal(sheet.body.validUntil, '2027-03-31');
      assert.ok(sheet.body.dates.deliveredAt);
      const providerSide = await t.http('GET', '/api/v1/sharing/grants?side=provider', {
        as: cast.approver,
      });
      assert.ok(providerSide.body.items.some((g: { id: string }) => g.id === grant.id));
      const pending = await file(cast.applicant, request(cast.conditionalId, { fields: ['name'] }));
      assert.equal(
        (
          await t.http('GET', `/api/v1/sharing/requests/${pending.body.id}/sheet`, {
            as: cast.applicant,
          })
        ).body.code,
        'sharing.no_sheet',
      );
    });

    test('[SHR-06] every open step has a due date; supervision lists due-soon and overdue steps per unit and notifies once', async () => {
      const filed = await file(
        cast.applicant,
        request(cast.conditionalId, { fields: ['category'] }),
      );
      await act(filed.body.id, cast.manager, { action: 'precheck_pass' });
      // Friday 9 October: the provider's step (due Saturday 10 October) is due soon.
      await moveTo('2026-10-09T02:00:00Z');
      let view = await t.services.sharing.supervision();
      const step = view.openSteps.find((s) => s.requestId === filed.body.id)!;
      assert.equal(step.kind, 'provider_decision');
      assert.equal(step.state, 'due_soon');
      // Monday 12 October: overdue, and counted against the provider.
      await moveTo('2026-10-12T02:00:00Z');
      view = await t.services.sharing.supervision();
      const overdue = view.openSteps.find((s) => s.requestId === filed.body.id)!;
      assert.equal(overdue.state, 'overdue');
      assert.equal(overdue.workingDaysLeft, -1);
      const unit = view.perUnit.find((u) => u.unitId === cast.providerUnitId)!;
      assert.ok(unit.overdue >= 1);
      assert.ok(view.counts.some((c) => c.status === 'provider_review' && c.count >= 1));
      const first = await t.services.sharing.sweep();
      assert.ok(first.overdue >= 1);
      const again = await t.services.sharing.sweep();
      assert.equal(again.overdue, 0, 'each step is notified once');
      const approver = cast.approver;
      const notes = await t.http('GET', '/api/v1/notifications', { as: approver });
      assert.ok(notes.body.items.some((n: { kind: string }) => n.kind === 'sharing.overdue'));
      // The supervision endpoint is for supervisors only.
      const manager = await t.login(cast.manager.username, TEST_PASSWORD);
      assert.equal(
        (await t.http('GET', '/api/v1/sharing/supervision', { as: manager })).status,
        200,
      );
      assert.equal(
        (await t.http('GET', '/api/v1/sharing/supervision', { as: approver })).status,
        403,
      );
      // A closed step shows whether it was late.
      const approved = await t.http('POST', `/api/v1/sharing/requests/${filed.body.id}/actions`, {
        as: approver,
        body: { action: 'approve' },
      });
      const closed = approved.body.steps.find(
        (s: { kind: string }) => s.kind === 'provider_decision',
      );
      assert.equal(closed.state, 'late');
      cast.approver = { ...cast.approver, ...approver };
      cast.manager = { ...cast.manager, ...manager };
      cast.applicant = {
        ...cast.applicant,
        ...(await t.login(cast.applicant.username, TEST_PASSWORD)),
      };
    });

    test('[SHR-06] due dates cross the Spring Festival with its adjusted working Saturday, and follow the province’s policy', async () => {
      const policy = await t.http('GET', '/api/v1/sharing/policy', { as: cast.manager });
      assert.equal(policy.body.precheckDays, 2);
      assert.equal(policy.body.providerDecisionDays, 3);
      // Friday 13 February 2026: Saturday 14 is a working day, then the holiday to the 23rd.
      await moveTo('2026-02-13T02:00:00Z');
      const applicant = cast.applicant;
      const m = cast.manager;
      const filed = await file(
        applicant,
        request(cast.conditionalId, { periodStart: '2026-03-01', periodEnd: '2026-12-31' }),
      );
      assert.equal(filed.status, 201, JSON.stringify(filed.body));
      assert.equal(filed.body.steps[0].dueOn, '2026-02-24');
      // Another province gives the provider 5 working days: a policy change, no code change,
      // which applies to steps opened after it.
      const set = await t.http('PUT', '/api/v1/sharing/policy', {
        as: m,
        body: {
          ...policy.body,
          updatedAt: undefined,
          updatedBy: undefined,
          providerDecisionDays: 5,
        },
      });
      assert.equal(set.status, 200, JSON.stringify(set.body));
      assert.equal(
        (await t.http('PUT', '/api/v1/sharing/policy', { as: applicant, body: set.body })).status,
        403,
      );
      const passed = await act(filed.body.id, m, { action: 'precheck_pass' });
      // Opened Friday 13 February: 14th, 24th, 25th, 26th, 27th.
      assert.equal(passed.body.steps.at(-1).dueOn, '2026-02-27');
      assert.equal(passed.body.steps[0].dueOn, '2026-02-24', 'the earlier step keeps its date');
      await t.http('PUT', '/api/v1/sharing/policy', {
        as: m,
        body: { ...set.body, providerDecisionDays: 3 },
      });
      await moveTo('2026-10-12T02:00:00Z');
    });

    test('[SHR-07] a dispute goes to the sharing authority, which records the coordination and the outcome', async () => {
      const filed = await file(
        cast.applicant,
        request(cast.conditionalId, { fields: ['division_code'], periodStart: '2026-10-12' }),
      );
      await act(filed.body.id, cast.manager, { action: 'precheck_pass' });
      await act(filed.body.id, cast.approver, {
        action: 'refuse',
        note: '所在区划不在共享条件范围内',
      });
      assert.equal(
        (await act(filed.body.id, cast.applicant, { action: 'escalate' })).body.code,
        'sharing.reason_required',
      );
      const escalated = await act(filed.body.id, cast.applicant, {
        action: 'escalate',
        note: '就业援助按县区分配名额，需要核验所在区划',
      });
      assert.equal(escalated.body.status, 'disputed');
      assert.equal(escalated.body.steps.at(-1).kind, 'dispute');
      // The parties cannot resolve their own dispute.
      assert.equal(
        (
          await act(filed.body.id, cast.approver, {
            action: 'resolve',
            outcome: 'approve',
            note: 'x',
          })
        ).status,
        403,
      );
      const resolved = await act(filed.body.id, cast.manager, {
        action: 'resolve',
        outcome: 'approve',
        note: '经协调，提供方同意在就业援助范围内共享所在区划',
      });
      assert.equal(resolved.status, 200, JSON.stringify(resolved.body));
      assert.equal(resolved.body.status, 'authorized');
      const log = resolved.body.actions.map((a: { action: string }) => a.action);
      assert.deepEqual(log.slice(-3), ['refuse', 'escalate', 'resolve_approve']);
      assert.match(resolved.body.actions.at(-1).note, /经协调/);
    });

    test('[SHR-08] a consumer reports an error in shared data; the provider answers within 3 working days; both are tracked', async () => {
      const grants = await t.http('GET', '/api/v1/sharing/grants?side=consumer', {
        as: cast.applicant,
      });
      const grant = grants.body.items.find((g: { status: string }) => g.status === 'active');
      // Found Friday 9 October, reported Monday 12 October: one working day allowed (the
      // adjusted working Saturday 10 October), so the report is late.
      const report = await t.http('POST', `/api/v1/sharing/grants/${grant.id}/error-reports`, {
        as: cast.applicant,
        body: {
          foundOn: '2026-10-09',
          description: '身份证号 130102195001011234 的姓名与户籍不一致',
          rowKeys: ['130102195001011234'],
        },
      });
      assert.equal(report.status, 201, JSON.stringify(report.body));
      assert.equal(report.body.reportDueOn, '2026-10-10');
      assert.equal(report.body.reportedLate, true);
      assert.equal(report.body.answerDueOn, '2026-10-15');
      const view = await t.services.sharing.supervision();
      assert.ok(view.openSteps.some((s) => s.kind === 'error_answer' && s.dueOn === '2026-10-15'));
      // Only the provider answers.
      assert.equal(
        (
          await t.http('POST', `/api/v1/sharing/error-reports/${report.body.id}/answer`, {
            as: cast.applicant,
            body: { answer: '好' },
          })
        ).status,
        403,
      );
      const answered = await t.http(
        'POST',
        `/api/v1/sharing/error-reports/${report.body.id}/answer`,
        {
          as: cast.approver,
          body: { answer: '已核实并更正姓名，更新将在下次同步中送达' },
        },
      );
      assert.equal(answered.status, 200, JSON.stringify(answered.body));
      assert.equal(answered.body.status, 'answered');
      const after = await t.services.sharing.supervision();
      assert.ok(
        !after.openSteps.some((s) => s.kind === 'error_answer' && s.requestId === grant.requestId),
      );
    });

    test('[SHR-09] grants carry the purpose, expire at the end of their period and are revoked at once', async () => {
      const grants = await t.http('GET', '/api/v1/sharing/grants?side=consumer', {
        as: cast.applicant,
      });
      const grant = grants.body.items.find(
        (g: { status: string; validUntil: string }) =>
          g.status === 'active' && g.validUntil === '2027-03-31',
      );
      assert.ok(grant);
      assert.equal(grant.purpose, request('').purpose);
      assert.equal((await t.services.sharing.activeGrant(grant.id))?.purpose, grant.purpose);
      // The consumer cannot revoke, nor pass the grant on; the provider revokes at once.
      assert.equal(
        (
          await t.http('POST', `/api/v1/sharing/grants/${grant.id}/revoke`, {
            as: cast.applicant,
            body: { reason: '不用了' },
          })
        ).status,
        403,
      );
      const revoked = await t.http('POST', `/api/v1/sharing/grants/${grant.id}/revoke`, {
        as: cast.approver,
        body: { reason: '使用方超范围使用' },
      });
      assert.equal(revoked.status, 200, JSON.stringify(revoked.body));
      assert.equal(revoked.body.status, 'revoked');
      assert.equal(
        await t.services.sharing.activeGrant(grant.id),
        null,
        'the next exchange call fails',
      );
      // Expiry: another active grant ends with its period.
      const other = grants.body.items.find(
        (g: { status: string; id: string }) => g.status === 'active' && g.id !== grant.id,
      );
      assert.ok(other);
      assert.ok(await t.services.sharing.activeGrant(other.id));
      t.clock.set(`${other.validUntil}T20:00:00Z`);
      assert.equal(await t.services.sharing.activeGrant(other.id), null);
      t.clock.set('2026-10-12T02:00:00Z');
      const audit = await t.handle.db
        .selectFrom('audit_entries')
        .select(['action', 'grant_id'])
        .where('action', '=', 'sharing.grant_revoke')
        .execute();
      assert.ok(audit.some((a) => a.grant_id === grant.id));
    });

    test('[SEC-04] shared data never reaches the open-data catalog or an anonymous endpoint', async () => {
      // The conditional resource, now shared with a grant, stays out of the public catalog.
      const open = await t.http('GET', '/api/v1/open/catalog');
      assert.ok(!open.body.items.some((h: { id: string }) => h.id === cast.conditionalId));
      const code = (
        await t.http('GET', `/api/v1/catalog/entries/${cast.conditionalId}`, { as: cast.applicant })
      ).body.code;
      assert.equal(
        (await t.http('GET', `/api/v1/open/catalog/${encodeURIComponent(code)}/data`)).status,
        404,
      );
      for (const path of [
        '/api/v1/sharing/grants',
        '/api/v1/sharing/requests',
        `/api/v1/catalog/entries/${cast.conditionalId}/rows`,
      ]) {
        assert.equal((await t.http('GET', path)).status, 401, path);
      }
      // A consumer holding a grant cannot open a resource of personal data either: the
      // compliance check refuses an open entry with sensitive items.
      const entry = await t.http('POST', '/api/v1/catalog/compliance-check', {
        as: cast.editor,
        body: { content: completeEntry({ openType: 'open_unconditional' }) },
      });
      assert.ok(entry.body.findings.some((f: { severity: string }) => f.severity === 'error'));

      // [SHR-09] Data obtained through sharing may not be shared onward or opened by the
      // consumer without the provider's consent, which a grant can carry.
      const derived = {
        ...openEntry({
          name: '就业困难优抚对象名单',
          classification: { tree: 'department', code: '303001' },
        }),
        derivedFrom: [code],
      };
      const check = async () =>
        (
          await t.http('POST', '/api/v1/catalog/compliance-check', {
            as: cast.consumer,
            body: { content: derived },
          })
        ).body.findings.filter(
          (f: { code: string }) => f.code === 'catalog.resharing_without_consent',
        );
      assert.equal((await check()).length, 1);
      const consent = await file(
        cast.applicant,
        request(cast.conditionalId, { periodStart: '2026-10-12', onwardSharing: true }),
      );
      await act(consent.body.id, cast.manager, { action: 'precheck_pass' });
      const approved = await act(consent.body.id, cast.approver, {
        action: 'approve',
        allowOnward: true,
      });
      assert.equal(approved.body.onwardAllowed, true);
      await act(consent.body.id, cast.manager, { action: 'deliver' });
      assert.deepEqual(await check(), []);
      // Not shared and not open, it needs no consent.
      assert.deepEqual(
        (
          await t.http('POST', '/api/v1/catalog/compliance-check', {
            as: cast.consumer,
            body: {
              content: {
                ...derived,
                sharingType: 'none',
                openType: 'not_open',
                derivedFrom: ['301002/999999'],
              },
            },
          })
        ).body.findings.filter(
          (f: { code: string }) => f.code === 'catalog.resharing_without_consent',
        ),
        [],
      );
    });
  });
}
