import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  createTestPlatform,
  type Caller,
  type TestPlatform,
} from '../../../tests/helpers/platform.ts';
import { testEngines } from '../../../tests/helpers/engines.ts';

for (const engine of testEngines()) {
  describe(`record history and batch modifications (${engine})`, () => {
    let t: TestPlatform;
    let manager: Caller & { userId: string };
    let approver: Caller & { userId: string };
    let reader: Caller;
    const units: { id: string; version: number }[] = [];

    before(async () => {
      t = await createTestPlatform(engine);
      manager = await t.userWith(['platform_manager']);
      approver = await t.userWith(['data_approver']);
      reader = await t.userWith([]);
      for (const name of ['辛集市民政局', '辛集市社会福利院', '辛集市救助管理站']) {
        const res = await t.http('POST', '/api/v1/units', {
          as: manager,
          body: { name, divisionCode: '130181', type: 'agency' },
        });
        units.push({ id: res.body.id, version: res.body.version });
      }
    });
    after(() => t.close());

    test('[AUD-04] every version of a record is kept with who changed which field, when, why and how', async () => {
      const [unit] = units;
      const edited = await t.http('PATCH', `/api/v1/units/${unit!.id}`, {
        as: manager,
        body: { version: 1, name: '辛集市民政局（新）', reason: '机构改革更名' },
      });
      assert.equal(edited.status, 200);
      unit!.version = edited.body.version;
      const history = await t.http('GET', `/api/v1/history/units/${unit!.id}`, { as: reader });
      assert.equal(history.status, 200);
      assert.deepEqual(
        history.body.items.map((v: { version: number }) => v.version),
        [1, 2],
      );
      const [first, second] = history.body.items;
      assert.equal(first.method, 'form');
      assert.equal(second.changedBy, manager.userId);
      assert.equal(second.reason, '机构改革更名');
      assert.deepEqual(second.changes, [
        { field: 'name', before: '辛集市民政局', after: '辛集市民政局（新）' },
      ]);
      const missing = await t.http('GET', '/api/v1/history/accounts/x', { as: reader });
      assert.equal(missing.status, 404);
      assert.equal(missing.body.code, 'history.not_found');
    });

    test('[AUD-05] a batch modification runs only after another person approves it, under the approver, as one batch', async () => {
      const submitted = await t.http('POST', '/api/v1/batch-changes', {
        as: manager,
        body: {
          title: '辛集市单位改挂石家庄市',
          reason: '区划调整后统一改挂',
          entityType: 'units',
          changes: units.map((u) => ({
            entityId: u.id,
            version: u.version,
            set: { divisionCode: '130100' },
          })),
        },
      });
      assert.equal(submitted.status, 201, JSON.stringify(submitted.body));
      assert.equal(submitted.body.status, 'submitted');
      // Nothing changed yet.
      const still = await t.http('GET', `/api/v1/units/${units[1]!.id}`, { as: reader });
      assert.equal(still.body.divisionCode, '130181');
      // Only the approval permission approves; the applicant never approves their own.
      const byApplicant = await t.http(
        'POST',
        `/api/v1/batch-changes/${submitted.body.id}/approve`,
        { as: manager, body: {} },
      );
      assert.equal(byApplicant.status, 403);
      const approved = await t.http('POST', `/api/v1/batch-changes/${submitted.body.id}/approve`, {
        as: approver,
        body: { note: '同意' },
      });
      assert.equal(approved.status, 200, JSON.stringify(approved.body));
      assert.equal(approved.body.status, 'applied');
      assert.equal(approved.body.decidedBy, approver.userId);
      const versions = await t.http('GET', `/api/v1/batch-changes/${submitted.body.id}/versions`, {
        as: approver,
      });
      assert.equal(versions.body.items.length, 3);
      assert.ok(
        versions.body.items.every((v: { changedFields: string[] }) =>
          v.changedFields.includes('division_code'),
        ),
      );
      const history = await t.http('GET', `/api/v1/history/units/${units[1]!.id}`, { as: reader });
      const last = history.body.items.at(-1);
      assert.equal(last.method, 'batch');
      assert.equal(last.approvalRef, submitted.body.id);
      assert.equal(last.changedBy, approver.userId);
      const twice = await t.http('POST', `/api/v1/batch-changes/${submitted.body.id}/approve`, {
        as: approver,
        body: {},
      });
      assert.equal(twice.body.code, 'batch.not_pending');
      const logged = await t.ctx.db
        .selectFrom('audit_entries')
        .select(['actor_id', 'record_count'])
        .where('action', '=', 'batch.apply')
        .executeTakeFirstOrThrow();
      assert.deepEqual([logged.actor_id, logged.record_count], [approver.userId, 3]);
    });

    test('[AUD-05] a batch with one stale record applies nothing and is marked failed', async () => {
      const current = await Promise.all(
        units.map(async (u) => (await t.http('GET', `/api/v1/units/${u.id}`, { as: reader })).body),
      );
      const submitted = await t.http('POST', '/api/v1/batch-changes', {
        as: manager,
        body: {
          title: '停用三个单位',
          reason: '测试：其中一项版本已过期',
          entityType: 'units',
          changes: current.map((u, i) => ({
            entityId: u.id,
            version: i === 2 ? u.version - 1 : u.version,
            set: { status: 'inactive' },
          })),
        },
      });
      const res = await t.http('POST', `/api/v1/batch-changes/${submitted.body.id}/approve`, {
        as: approver,
        body: {},
      });
      assert.equal(res.status, 409);
      assert.equal(res.body.code, 'batch.apply_failed');
      assert.match(res.body.detail, /没有任何记录被改动/);
      for (const u of current) {
        const now = await t.http('GET', `/api/v1/units/${u.id}`, { as: reader });
        assert.equal(now.body.status, 'active');
      }
      const detail = await t.http('GET', `/api/v1/batch-changes/${submitted.body.id}`, {
        as: approver,
      });
      assert.equal(detail.body.status, 'failed');
    });
  });
}
