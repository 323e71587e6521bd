import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  checkDuties,
  defaultDutyRoles,
  dutyConflicts,
  dutyRolesConflict,
  type DutyEvent,
  type DutyRole,
  type DutyRoleMap,
} from './duties.ts';

const ROLES: readonly DutyRole[] = ['enter', 'review', 'approve'];
const ACTORS = ['alice', 'bob', 'carol'] as const;

function refused(history: readonly DutyEvent[], proposed: DutyEvent, roles?: DutyRoleMap) {
  const result = checkDuties(history, proposed, roles);
  return result.ok ? null : result.message;
}

describe('separation of duties (职责分离)', () => {
  test('[IAM-04] enter → review → approve by three different people is allowed at every step', () => {
    const log: DutyEvent[] = [];
    for (const [action, actorId] of [
      ['enter', 'alice'],
      ['review', 'bob'],
      ['approve', 'carol'],
    ] as const) {
      assert.deepEqual(checkDuties(log, { action, actorId }), { ok: true });
      log.push({ action, actorId });
    }
  });

  test('[IAM-04] the person who entered a record may not review it', () => {
    assert.deepEqual(
      checkDuties([{ action: 'enter', actorId: 'alice' }], { action: 'review', actorId: 'alice' }),
      {
        ok: false,
        code: 'duty.separation',
        message: '同一人不得既录入又审核同一条记录',
        role: 'review',
        conflictsWith: 'enter',
      },
    );
  });

  test('[IAM-04] the person who entered or submitted a record may not approve it', () => {
    for (const entered of ['enter', 'submit']) {
      const history = [
        { action: entered, actorId: 'alice' },
        { action: 'review', actorId: 'bob' },
      ];
      assert.equal(
        refused(history, { action: 'approve', actorId: 'alice' }),
        '同一人不得既录入又审批同一条记录',
      );
    }
    assert.equal(
      refused([{ action: 'submit', actorId: 'alice' }], { action: 'review', actorId: 'alice' }),
      '同一人不得既录入又审核同一条记录',
    );
  });

  test('[IAM-04] the reviewer may not approve', () => {
    const history = [
      { action: 'enter', actorId: 'alice' },
      { action: 'review', actorId: 'bob' },
    ];
    const result = checkDuties(history, { action: 'approve', actorId: 'bob' });
    assert.equal(result.ok, false);
    assert.equal(!result.ok && result.message, '同一人不得既审核又审批同一条记录');
    assert.equal(!result.ok && result.conflictsWith, 'review');
  });

  test('[IAM-04] the check works both ways: a reviewer or approver may not then edit the record', () => {
    const history = [
      { action: 'enter', actorId: 'alice' },
      { action: 'review', actorId: 'bob' },
      { action: 'approve', actorId: 'carol' },
    ];
    assert.equal(
      refused(history, { action: 'enter', actorId: 'bob' }),
      '同一人不得既录入又审核同一条记录',
    );
    assert.equal(
      refused(history, { action: 'review', actorId: 'carol' }),
      '同一人不得既审核又审批同一条记录',
    );
  });

  test('[IAM-04] repeating one own role is allowed (re-entry after return, second review)', () => {
    const history = [
      { action: 'enter', actorId: 'alice' },
      { action: 'review', actorId: 'bob' }, // returned for correction
      { action: 'enter', actorId: 'alice' },
    ];
    assert.equal(refused(history, { action: 'enter', actorId: 'alice' }), null);
    assert.equal(refused(history, { action: 'review', actorId: 'bob' }), null);
    assert.equal(refused(history, { action: 'approve', actorId: 'carol' }), null);
  });

  test('[IAM-04] actions outside the role map are neutral, including prototype names', () => {
    const history = [
      { action: 'enter', actorId: 'alice' },
      { action: 'comment', actorId: 'bob' },
      { action: 'constructor', actorId: 'carol' },
    ];
    assert.equal(refused(history, { action: 'comment', actorId: 'alice' }), null);
    assert.equal(refused(history, { action: 'approve', actorId: 'bob' }), null);
    assert.equal(refused(history, { action: 'approve', actorId: 'carol' }), null);
    assert.equal(refused(history, { action: 'toString', actorId: 'alice' }), null);
  });

  test('[IAM-04] each workflow maps its own action names onto the duty roles', () => {
    // Catalog review (目录审核): compile → audit → publish.
    const catalog: DutyRoleMap = {
      'catalog.compile': 'enter',
      'catalog.audit': 'review',
      'catalog.publish': 'approve',
    };
    const log = [
      { action: 'catalog.compile', actorId: 'alice' },
      { action: 'catalog.audit', actorId: 'bob' },
    ];
    assert.equal(
      refused(log, { action: 'catalog.publish', actorId: 'bob' }, catalog),
      '同一人不得既审核又审批同一条记录',
    );
    assert.equal(refused(log, { action: 'catalog.publish', actorId: 'carol' }, catalog), null);
    // The default names mean nothing to this workflow.
    assert.equal(refused(log, { action: 'approve', actorId: 'alice' }, catalog), null);

    // Sharing approval (共享审批) has no review step: apply → approve.
    const sharing: DutyRoleMap = { 'share.apply': 'enter', 'share.approve': 'approve' };
    const request = [{ action: 'share.apply', actorId: 'alice' }];
    assert.equal(
      refused(request, { action: 'share.approve', actorId: 'alice' }, sharing),
      '同一人不得既录入又审批同一条记录',
    );
    assert.equal(refused(request, { action: 'share.approve', actorId: 'bob' }, sharing), null);
  });

  test('[IAM-04] the rule table: review conflicts with enter; approve with enter and review', () => {
    assert.deepEqual(dutyConflicts, { enter: [], review: ['enter'], approve: ['enter', 'review'] });
    assert.ok(Object.isFrozen(dutyConflicts) && Object.isFrozen(dutyConflicts.approve));
    assert.equal(defaultDutyRoles.submit, 'enter');
    for (const a of ROLES) {
      for (const b of ROLES) assert.equal(dutyRolesConflict(a, b), a !== b, `${a}/${b}`);
    }
  });

  test('[IAM-04] property: over all 3 actors × 3 steps, a workflow completes iff all three differ', () => {
    let completed = 0;
    for (const enterer of ACTORS) {
      for (const reviewer of ACTORS) {
        for (const approver of ACTORS) {
          const steps: DutyEvent[] = [
            { action: 'enter', actorId: enterer },
            { action: 'review', actorId: reviewer },
            { action: 'approve', actorId: approver },
          ];
          const log: DutyEvent[] = [];
          let refusedAt: string | null = null;
          for (const step of steps) {
            if (!checkDuties(log, step).ok) {
              refusedAt = step.action;
              break;
            }
            log.push(step);
          }
          // Oracle written independently of the rule table.
          const expected =
            reviewer === enterer
              ? 'review'
              : approver === enterer || approver === reviewer
                ? 'approve'
                : null;
          assert.equal(refusedAt, expected, `${enterer}/${reviewer}/${approver}`);
          if (refusedAt === null) completed++;
        }
      }
    }
    assert.equal(completed, 6); // 3! assignments of three distinct people
  });

  test('[IAM-04] property: over all two-step logs and proposals, one person holds at most one role', () => {
    // Every log of 2 steps and every proposal: (3 roles × 3 actors)^3 = 729 cases.
    const events: DutyEvent[] = [];
    for (const action of ROLES) for (const actorId of ACTORS) events.push({ action, actorId });
    let cases = 0;
    for (const first of events) {
      for (const second of events) {
        for (const proposed of events) {
          const history = [first, second];
          const expectRefused = history.some(
            (e) => e.actorId === proposed.actorId && e.action !== proposed.action,
          );
          const result = checkDuties(history, proposed);
          assert.equal(!result.ok, expectRefused, JSON.stringify({ history, proposed }));
          if (!result.ok) {
            assert.equal(result.code, 'duty.separation');
            assert.match(result.message, /^同一人不得既(录入|审核)又(审核|审批)同一条记录$/);
          }
          cases++;
        }
      }
    }
    assert.equal(cases, 729);
  });
});
