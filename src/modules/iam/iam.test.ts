import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import ExcelJS from 'exceljs';
import { generate } from 'otplib';
import {
  createTestPlatform,
  type Caller,
  type TestPlatform,
} from '../../../tests/helpers/platform.ts';
import { testEngines } from '../../../tests/helpers/engines.ts';
import { makeCitizenId } from '../../lib/ids/citizen-id.ts';

const GOOD_PASSWORD = 'Kx7#mq2Lp!';

/** A synthetic person with a valid ID number. */
function person(seq: number) {
  return {
    citizenId: makeCitizenId('130102', '19850101', seq),
    phone: `1390311${String(1000 + seq).slice(-4)}`,
  };
}

for (const engine of testEngines()) {
  describe(`identity and accounts (${engine})`, () => {
    let t: TestPlatform;
    let sysadmin: Caller & { userId: string };
    let auditor: Caller & { userId: string };
    let unitA: string;
    let unitB: string;
    let unitShanxi: string;
    let adminA: Caller & { id: string; username: string };

    const createUnit = async (name: string, divisionCode: string) =>
      (
        await t.services.org.createUnit({
          name,
          divisionCode,
          type: 'agency',
          creditCode: null,
          parentUnitId: null,
        })
      ).id;

    /** Signs in with an initial password and sets GOOD_PASSWORD. */
    async function firstLogin(username: string, initialPassword: string): Promise<Caller> {
      const caller = await t.login(username, initialPassword);
      const changed = await t.http('POST', '/api/v1/auth/password', {
        as: caller,
        body: { currentPassword: initialPassword, newPassword: GOOD_PASSWORD },
      });
      assert.equal(changed.status, 200, JSON.stringify(changed.body));
      return caller;
    }

    let seq = 100;
    async function createBusinessAccount(
      as: Caller,
      unitId: string,
      roles: string[],
      username: string,
      displayName = '测试业务员',
    ) {
      seq += 1;
      const res = await t.http('POST', '/api/v1/accounts', {
        as,
        body: { username, displayName, ...person(seq), unitId, office: '信息科', roles },
      });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return res.body as { account: { id: string; username: string }; initialPassword: string };
    }

    before(async () => {
      t = await createTestPlatform(engine);
      sysadmin = await t.userWith(['account_admin']);
      auditor = await t.userWith(['auditor']);
      unitA = await createUnit('石家庄市民政局', '130100');
      unitB = await createUnit('唐山市民政局', '130200');
      unitShanxi = await createUnit('山西省民政厅', '140000');
      const created = await t.http('POST', '/api/v1/unit-admins', {
        as: sysadmin,
        body: {
          username: 'sjz_admin',
          displayName: '刘海涛',
          ...person(1),
          unitId: unitA,
          roles: ['unit_admin'],
        },
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      adminA = {
        ...(await firstLogin('sjz_admin', created.body.initialPassword)),
        id: created.body.account.id,
        username: 'sjz_admin',
      };
    });
    after(() => t.close());

    test('[IAM-02] bootstrap creates exactly the three administrators, once, with one-time passwords', async () => {
      const fresh = await createTestPlatform(engine);
      try {
        const centre = await fresh.services.org.createUnit({
          name: '省数据中心',
          divisionCode: '130000',
          type: 'institution',
          creditCode: null,
          parentUnitId: null,
        });
        const created = await fresh.services.iam.bootstrap(centre.id);
        assert.deepEqual(
          created.map((c) => c.username),
          ['sysadmin', 'secadmin', 'auditor'],
        );
        assert.equal(new Set(created.map((c) => c.password)).size, 3);
        for (const c of created) {
          const caller = await fresh.login(c.username, c.password);
          const me = await fresh.http('GET', '/api/v1/auth/me', { as: caller });
          assert.equal(me.body.restriction, 'password_change');
          assert.equal(me.body.user.roles.length, 1);
        }
        await assert.rejects(fresh.services.iam.bootstrap(centre.id), /只能在空库上执行一次/);
      } finally {
        await fresh.close();
      }
    });

    test('[IAM-02] the three administrators hold no business or audit permission beyond their own', async () => {
      const secadmin = await t.userWith(['security_admin']);
      // The account administrator cannot change the register, read the policy or the audit trail.
      assert.equal(
        (
          await t.http('POST', '/api/v1/units', {
            as: sysadmin,
            body: { name: '越权单位', divisionCode: '130100', type: 'agency' },
          })
        ).status,
        403,
      );
      assert.equal((await t.http('GET', '/api/v1/security-policy', { as: sysadmin })).status, 403);
      // The security administrator sets policies but manages no accounts.
      assert.equal((await t.http('GET', '/api/v1/security-policy', { as: secadmin })).status, 200);
      assert.equal((await t.http('GET', '/api/v1/unit-admins', { as: secadmin })).status, 403);
      assert.equal((await t.http('GET', '/api/v1/accounts', { as: secadmin })).status, 403);
      // The auditor neither manages accounts nor sets policies.
      assert.equal((await t.http('GET', '/api/v1/security-policy', { as: auditor })).status, 403);
      assert.equal(
        (await t.http('POST', '/api/v1/unit-admins', { as: auditor, body: {} })).status,
        403,
      );
    });

    test('[IAM-02] the account administrator cannot grant business roles, nor touch their own account', async () => {
      const res = await t.http('POST', '/api/v1/unit-admins', {
        as: sysadmin,
        body: {
          username: 'ts_admin',
          displayName: '周建军',
          ...person(2),
          unitId: unitB,
          roles: ['data_approver'],
        },
      });
      assert.equal(res.status, 403);
      assert.equal(res.body.code, 'account.role_not_grantable');
      const self = await t.http('PATCH', `/api/v1/unit-admins/${sysadmin.userId}`, {
        as: sysadmin,
        body: { roles: ['unit_admin'] },
      });
      assert.equal(self.status, 404);
      const selfBusiness = await t.http('PATCH', `/api/v1/accounts/${sysadmin.userId}`, {
        as: sysadmin,
        body: { roles: ['data_entry'] },
      });
      assert.equal(selfBusiness.status, 403);
    });

    test('[IAM-02] nobody can change or delete audit entries, not even through the database', async () => {
      const entry = await t.ctx.db
        .selectFrom('audit_entries')
        .select(['seq', 'actor_id'])
        .where('actor_id', '=', sysadmin.userId)
        .executeTakeFirstOrThrow();
      await assert.rejects(
        t.ctx.db
          .updateTable('audit_entries')
          .set({ result: 'failure' })
          .where('seq', '=', entry.seq)
          .execute(),
        /append-only/,
      );
      await assert.rejects(
        t.ctx.db.deleteFrom('audit_entries').where('seq', '=', entry.seq).execute(),
        /append-only/,
      );
    });

    test('[IAM-03] one unit administrator per unit, created by the account administrator within its division only', async () => {
      const second = await t.http('POST', '/api/v1/unit-admins', {
        as: sysadmin,
        body: {
          username: 'sjz_admin2',
          displayName: '王二',
          ...person(3),
          unitId: unitA,
          roles: ['unit_admin'],
        },
      });
      assert.equal(second.status, 409);
      assert.equal(second.body.code, 'account.unit_admin_exists');
      const outside = await t.http('POST', '/api/v1/unit-admins', {
        as: sysadmin,
        body: {
          username: 'sx_admin',
          displayName: '晋一',
          ...person(4),
          unitId: unitShanxi,
          roles: ['unit_admin'],
        },
      });
      assert.equal(outside.status, 403);
      assert.equal(outside.body.code, 'account.unit_out_of_scope');
    });

    test('[IAM-03] a unit administrator creates business accounts in its own unit only, with business roles only', async () => {
      const { account } = await createBusinessAccount(adminA, unitA, ['data_entry'], 'sjz_entry');
      assert.equal(account.username, 'sjz_entry');
      const otherUnit = await t.http('POST', '/api/v1/accounts', {
        as: adminA,
        body: {
          username: 'ts_entry',
          displayName: '外单位',
          ...person(5),
          unitId: unitB,
          roles: ['data_entry'],
        },
      });
      assert.equal(otherUnit.status, 403);
      assert.equal(otherUnit.body.code, 'account.unit_out_of_scope');
      const adminRole = await t.http('POST', '/api/v1/accounts', {
        as: adminA,
        body: {
          username: 'sjz_boss',
          displayName: '越权者',
          ...person(6),
          unitId: unitA,
          roles: ['auditor'],
        },
      });
      assert.equal(adminRole.status, 403);
      const list = await t.http('GET', '/api/v1/accounts', { as: adminA });
      assert.ok(list.body.items.every((a: { unitId: string }) => a.unitId === unitA));
      assert.equal(list.body.items[0].citizenIdMasked.length, 18);
      assert.match(list.body.items[0].citizenIdMasked, /^\d{6}\*{8}\d{3}[\dX]$/);
    });

    test('[IAM-04] conflicting approval roles are never given to one account', async () => {
      const res = await t.http('POST', '/api/v1/accounts', {
        as: adminA,
        body: {
          username: 'sjz_both',
          displayName: '一人两岗',
          ...person(7),
          unitId: unitA,
          roles: ['data_entry', 'data_reviewer'],
        },
      });
      assert.equal(res.status, 400);
      assert.equal(res.body.code, 'account.role_conflict');
      assert.match(res.body.detail, /不能由同一账号兼任/);
    });

    test('[IAM-01] one person holds one active account per unit; accounts are real-name with a valid ID number', async () => {
      seq += 1;
      const p = person(seq);
      const first = await t.http('POST', '/api/v1/accounts', {
        as: adminA,
        body: {
          username: 'sjz_one',
          displayName: '孙立',
          ...p,
          unitId: unitA,
          roles: ['data_approver'],
        },
      });
      assert.equal(first.status, 201);
      const again = await t.http('POST', '/api/v1/accounts', {
        as: adminA,
        body: {
          username: 'sjz_one_b',
          displayName: '孙立',
          ...p,
          unitId: unitA,
          roles: ['catalog_editor'],
        },
      });
      assert.equal(again.status, 409);
      assert.equal(again.body.code, 'account.person_has_account');
      const badId = await t.http('POST', '/api/v1/accounts', {
        as: adminA,
        body: {
          username: 'sjz_fake',
          displayName: '假身份',
          citizenId: '130102198501010000',
          phone: '13900000000',
          unitId: unitA,
          roles: ['catalog_editor'],
        },
      });
      assert.equal(badId.status, 400);
      assert.equal(badId.body.code, 'account.citizen_id_invalid');
      assert.equal(badId.body.errors[0].path, 'citizenId');
      // Once the first account is disabled, the person may get a new one.
      await t.http('POST', `/api/v1/accounts/${first.body.account.id}/disable`, {
        as: adminA,
        body: { reason: '测试停用' },
      });
      const later = await t.http('POST', '/api/v1/accounts', {
        as: adminA,
        body: {
          username: 'sjz_one_c',
          displayName: '孙立',
          ...p,
          unitId: unitA,
          roles: ['catalog_editor'],
        },
      });
      assert.equal(later.status, 201);
      // The ID number is not stored in clear.
      const row = await t.ctx.db
        .selectFrom('users')
        .selectAll()
        .where('username', '=', 'sjz_one_c')
        .executeTakeFirstOrThrow();
      assert.ok(!JSON.stringify(row).includes(p.citizenId));
      assert.ok(!JSON.stringify(row).includes(p.phone));
    });

    test('[IAM-05] an initial password must be changed before anything else, and weak passwords are refused', async () => {
      const { initialPassword } = await createBusinessAccount(
        adminA,
        unitA,
        ['catalog_reviewer'],
        'zwei',
        '张伟',
      );
      const caller = await t.login('zwei', initialPassword);
      const me = await t.http('GET', '/api/v1/auth/me', { as: caller });
      assert.equal(me.body.restriction, 'password_change');
      const blocked = await t.http('GET', '/api/v1/units', { as: caller });
      assert.equal(blocked.status, 403);
      assert.equal(blocked.body.code, 'auth.password_change_required');

      const tries: [string, RegExp][] = [
        ['short1!', /长度至少 8 位/],
        ['abcdefgh1', /缺少：特殊字符/],
        ['Kzwei#2026x', /不得等于或包含用户名/],
        ['Zhangwei#2026', /不得包含本人姓名/],
        ['Passw0rd!', /过于简单/],
      ];
      for (const [password, message] of tries) {
        const res = await t.http('POST', '/api/v1/auth/password', {
          as: caller,
          body: { currentPassword: initialPassword, newPassword: password },
        });
        assert.equal(res.status, 400, password);
        assert.match(res.body.code, /^password\./);
        assert.equal(res.body.errors[0].path, 'newPassword');
        assert.match(res.body.detail, /新密码不符合要求/);
        assert.match(
          res.body.errors.map((e: { message: string }) => e.message).join('；'),
          message,
          password,
        );
      }
      const birthday = await t.http('POST', '/api/v1/auth/password', {
        as: caller,
        body: { currentPassword: initialPassword, newPassword: 'Ab#19850101' },
      });
      assert.equal(birthday.status, 400);
      assert.match(JSON.stringify(birthday.body.errors), /出生日期/);
      const wrongCurrent = await t.http('POST', '/api/v1/auth/password', {
        as: caller,
        body: { currentPassword: 'nope', newPassword: GOOD_PASSWORD },
      });
      assert.equal(wrongCurrent.body.code, 'password.current_wrong');

      const ok = await t.http('POST', '/api/v1/auth/password', {
        as: caller,
        body: { currentPassword: initialPassword, newPassword: GOOD_PASSWORD },
      });
      assert.equal(ok.status, 200);
      assert.equal(ok.body.restriction, null);
      assert.equal((await t.http('GET', '/api/v1/units', { as: caller })).status, 200);
    });

    test('[IAM-06] previously used passwords are refused and passwords expire after 3 months', async () => {
      const { initialPassword } = await createBusinessAccount(
        adminA,
        unitA,
        ['sharing_approver'],
        'sjz_share',
      );
      const caller = await firstLogin('sjz_share', initialPassword);
      const second = 'Rt5%vn8Wq@';
      assert.equal(
        (
          await t.http('POST', '/api/v1/auth/password', {
            as: caller,
            body: { currentPassword: GOOD_PASSWORD, newPassword: second },
          })
        ).status,
        200,
      );
      const back = await t.http('POST', '/api/v1/auth/password', {
        as: caller,
        body: { currentPassword: second, newPassword: GOOD_PASSWORD },
      });
      assert.equal(back.status, 400);
      assert.equal(back.body.code, 'password.reused');
      const initialAgain = await t.http('POST', '/api/v1/auth/password', {
        as: caller,
        body: { currentPassword: second, newPassword: initialPassword },
      });
      assert.equal(initialAgain.body.code, 'password.reused');

      t.clock.advance(91 * 86_400_000);
      try {
        const later = await t.login('sjz_share', second);
        const me = await t.http('GET', '/api/v1/auth/me', { as: later });
        assert.equal(me.body.restriction, 'password_change');
        assert.equal(
          (await t.http('GET', '/api/v1/units', { as: later })).body.code,
          'auth.password_change_required',
        );
      } finally {
        t.clock.set(new Date());
      }
    });

    test('[IAM-07] a second factor is enrolled and then required when the policy says so for the role', async () => {
      const secadmin = await t.userWith(['security_admin']);
      const policy = (await t.http('GET', '/api/v1/security-policy', { as: secadmin })).body;
      const saved = await t.http('PUT', '/api/v1/security-policy', {
        as: secadmin,
        body: { ...policy, secondFactorRoles: ['data_reviewer'] },
      });
      assert.equal(saved.status, 200);
      assert.deepEqual(saved.body.secondFactorRoles, ['data_reviewer']);
      const tooLong = await t.http('PUT', '/api/v1/security-policy', {
        as: secadmin,
        body: { ...policy, passwordMaxAgeDays: 180 },
      });
      assert.equal(tooLong.status, 400);
      try {
        const { initialPassword } = await createBusinessAccount(
          adminA,
          unitA,
          ['data_reviewer'],
          'sjz_review',
        );
        const caller = await firstLogin('sjz_review', initialPassword);
        const me = await t.http('GET', '/api/v1/auth/me', { as: caller });
        assert.equal(me.body.restriction, 'second_factor_setup');
        assert.equal(
          (await t.http('GET', '/api/v1/units', { as: caller })).body.code,
          'auth.second_factor_setup_required',
        );

        const setup = await t.http('POST', '/api/v1/auth/totp/setup', { as: caller });
        assert.equal(setup.status, 200);
        assert.match(setup.body.otpauthUrl, /^otpauth:\/\/totp\//);
        const wrong = await t.http('POST', '/api/v1/auth/totp/confirm', {
          as: caller,
          body: { code: '000000' },
        });
        assert.equal(wrong.status, 400);
        const code = await generate({ secret: setup.body.secret });
        const confirmed = await t.http('POST', '/api/v1/auth/totp/confirm', {
          as: caller,
          body: { code },
        });
        assert.equal(confirmed.status, 200, JSON.stringify(confirmed.body));
        assert.equal(confirmed.body.restriction, null);

        const noCode = await t.http('POST', '/api/v1/auth/login', {
          body: { username: 'sjz_review', password: GOOD_PASSWORD },
        });
        assert.equal(noCode.status, 401);
        assert.equal(noCode.body.code, 'auth.second_factor_required');
        const badCode = await t.http('POST', '/api/v1/auth/login', {
          body: {
            username: 'sjz_review',
            password: GOOD_PASSWORD,
            totp: '123456' === code ? '654321' : '123456',
          },
        });
        assert.equal(badCode.body.code, 'auth.second_factor_invalid');
        // The code used to enrol cannot be replayed; the next step's code works.
        const replay = await t.http('POST', '/api/v1/auth/login', {
          body: { username: 'sjz_review', password: GOOD_PASSWORD, totp: code },
        });
        assert.equal(replay.body.code, 'auth.second_factor_invalid');
        t.clock.advance(30_000);
        const next = await generate({
          secret: setup.body.secret,
          epoch: Math.floor(t.clock.now().getTime() / 1000),
        });
        const good = await t.http('POST', '/api/v1/auth/login', {
          body: { username: 'sjz_review', password: GOOD_PASSWORD, totp: next },
        });
        assert.equal(good.status, 200, JSON.stringify(good.body));
        assert.equal(good.body.restriction, null);
        // Starting a new enrolment and abandoning it leaves the current factor in force.
        const restart = await t.login('sjz_review', GOOD_PASSWORD).catch(() => null);
        assert.equal(restart, null, 'a login without the code is refused');
        const session = {
          cookie: (good.headers.get('set-cookie') ?? '').split(';')[0] ?? '',
          csrfToken: good.body.csrfToken,
        };
        assert.equal(
          (await t.http('POST', '/api/v1/auth/totp/setup', { as: session })).status,
          200,
        );
        t.clock.advance(30_000);
        const later = await generate({
          secret: setup.body.secret,
          epoch: Math.floor(t.clock.now().getTime() / 1000),
        });
        const still = await t.http('POST', '/api/v1/auth/login', {
          body: { username: 'sjz_review', password: GOOD_PASSWORD, totp: later },
        });
        assert.equal(still.status, 200, JSON.stringify(still.body));
        // The secret is sealed at rest.
        const row = await t.ctx.db
          .selectFrom('users')
          .select('totp_secret_sealed')
          .where('username', '=', 'sjz_review')
          .executeTakeFirstOrThrow();
        assert.match(row.totp_secret_sealed ?? '', /^enc:v1:/);
      } finally {
        t.clock.set(new Date());
        await t.http('PUT', '/api/v1/security-policy', { as: secadmin, body: policy });
      }
    });

    test('[IAM-08] repeated failures lock the name for a time, the same whether or not the account exists', async () => {
      const { initialPassword } = await createBusinessAccount(
        adminA,
        unitA,
        ['catalog_editor'],
        'sjz_lock',
      );
      await firstLogin('sjz_lock', initialPassword);
      for (const name of ['sjz_lock', 'no_such_user']) {
        const answers: string[] = [];
        for (let i = 0; i < 5; i += 1) {
          const res = await t.http('POST', '/api/v1/auth/login', {
            body: { username: name, password: 'Wrong#pass1' },
          });
          answers.push(`${res.status} ${res.body.code}`);
        }
        assert.deepEqual(
          answers,
          [...Array(4).fill('401 auth.invalid_credentials'), '423 auth.locked'],
          name,
        );
      }
      const locked = await t.http('POST', '/api/v1/auth/login', {
        body: { username: 'sjz_lock', password: GOOD_PASSWORD },
      });
      assert.equal(locked.status, 423);
      assert.match(locked.body.detail, /已临时锁定/);
      // Failures are audited.
      const failures = await t.ctx.db
        .selectFrom('audit_entries')
        .select('seq')
        .where('action', '=', 'auth.login')
        .where('result', '=', 'failure')
        .execute();
      assert.ok(failures.length >= 10);

      t.clock.advance(31 * 60_000);
      try {
        const after = await t.login('sjz_lock', GOOD_PASSWORD);
        assert.ok(after.cookie);
      } finally {
        t.clock.set(new Date());
      }
    });

    test('[IAM-08] sessions end after inactivity, and a user can lock the screen', async () => {
      const { initialPassword } = await createBusinessAccount(
        adminA,
        unitA,
        ['catalog_editor'],
        'sjz_screen',
      );
      const caller = await firstLogin('sjz_screen', initialPassword);
      assert.equal((await t.http('POST', '/api/v1/auth/lock', { as: caller })).status, 204);
      const blocked = await t.http('GET', '/api/v1/units', { as: caller });
      assert.equal(blocked.status, 423);
      assert.equal(blocked.body.code, 'auth.session_locked');
      assert.equal(
        (
          await t.http('POST', '/api/v1/auth/unlock', {
            as: caller,
            body: { password: 'Wrong#pass1' },
          })
        ).status,
        400,
      );
      assert.equal(
        (
          await t.http('POST', '/api/v1/auth/unlock', {
            as: caller,
            body: { password: GOOD_PASSWORD },
          })
        ).status,
        204,
      );
      assert.equal((await t.http('GET', '/api/v1/units', { as: caller })).status, 200);
      t.clock.advance(31 * 60_000);
      try {
        assert.equal((await t.http('GET', '/api/v1/units', { as: caller })).status, 401);
      } finally {
        t.clock.set(new Date());
      }
    });

    test('[IAM-09] a handover witnessed by the auditor disables the account: its sessions and API tokens stop at once', async () => {
      const { account, initialPassword } = await createBusinessAccount(
        adminA,
        unitA,
        ['data_approver'],
        'sjz_leaver',
      );
      const { account: receiver } = await createBusinessAccount(
        adminA,
        unitA,
        ['catalog_editor'],
        'sjz_receiver',
      );
      const leaver = await firstLogin('sjz_leaver', initialPassword);
      const token = await t.http('POST', '/api/v1/auth/tokens', {
        as: leaver,
        body: { name: '对接系统', days: 30 },
      });
      assert.equal(token.status, 201);
      const bearer = { authorization: `Bearer ${token.body.token}` };
      assert.equal((await t.http('GET', '/api/v1/units', { headers: bearer })).status, 200);

      const candidates = await t.http('GET', `/api/v1/accounts/${account.id}/handover-candidates`, {
        as: adminA,
      });
      const candidateIds = candidates.body.items.map((c: { id: string }) => c.id);
      assert.ok(candidateIds.includes(receiver.id) && !candidateIds.includes(account.id));
      const notAuditor = await t.http('POST', `/api/v1/accounts/${account.id}/handover`, {
        as: adminA,
        body: { kind: 'departure', items: '审批台账', witnessId: adminA.id },
      });
      assert.equal(notAuditor.status, 400);
      assert.equal(notAuditor.body.code, 'handover.witness_invalid');

      const handover = await t.http('POST', `/api/v1/accounts/${account.id}/handover`, {
        as: adminA,
        body: {
          kind: 'departure',
          handedToUserId: receiver.id,
          items: '审批台账、U 盾一个、待办 3 件',
          witnessId: auditor.userId,
        },
      });
      assert.equal(handover.status, 201, JSON.stringify(handover.body));
      assert.equal(handover.body.account.status, 'disabled');
      assert.equal((await t.http('GET', '/api/v1/units', { as: leaver })).status, 401);
      assert.equal((await t.http('GET', '/api/v1/units', { headers: bearer })).status, 401);
      const login = await t.http('POST', '/api/v1/auth/login', {
        body: { username: 'sjz_leaver', password: GOOD_PASSWORD },
      });
      assert.equal(login.body.code, 'auth.account_disabled');
      const records = await t.http('GET', `/api/v1/accounts/${account.id}/handovers`, {
        as: adminA,
      });
      assert.equal(records.body.items.length, 1);
      assert.equal(records.body.items[0].witness, '测试用户2');
      assert.equal(records.body.items[0].handedTo, '测试业务员');
    });

    test('[IAM-10] the half-yearly review lists dormant and role-less accounts and exports to XLSX', async () => {
      const { account } = await createBusinessAccount(
        adminA,
        unitA,
        ['catalog_editor'],
        'sjz_norole',
      );
      await t.http('PATCH', `/api/v1/accounts/${account.id}`, { as: adminA, body: { roles: [] } });
      const secadmin = await t.userWith(['security_admin']);
      const policy = (await t.http('GET', '/api/v1/security-policy', { as: secadmin })).body;
      await t.http('PUT', '/api/v1/security-policy', {
        as: secadmin,
        body: { ...policy, dormantDays: 30 },
      });
      t.clock.advance(31 * 86_400_000);
      try {
        const admin = await t.login('sjz_admin', GOOD_PASSWORD);
        const report = await t.http('GET', '/api/v1/account-review', { as: admin });
        assert.equal(report.status, 200);
        const byName = new Map(
          report.body.items.map((i: { username: string; removalReasons: string[] }) => [
            i.username,
            i.removalReasons,
          ]),
        );
        assert.ok((byName.get('sjz_norole') as string[]).includes('未分配角色'));
        assert.ok((byName.get('sjz_entry') as string[]).some((r) => /未登录/.test(r)));
        assert.ok(report.body.items.every((i: { unitId: string }) => i.unitId === unitA));
        assert.ok(report.body.toRemove >= 2);

        const xlsx = await fetch(`${t.url}/api/v1/account-review.xlsx`, {
          headers: { cookie: admin.cookie },
        });
        assert.equal(xlsx.status, 200);
        const book = new ExcelJS.Workbook();
        await book.xlsx.load(await xlsx.arrayBuffer());
        const sheet = book.getWorksheet('账号审查')!;
        const names: string[] = [];
        sheet.eachRow((row) => names.push(row.getCell(1).text));
        assert.ok(names.includes('sjz_norole'));
      } finally {
        t.clock.set(new Date());
        const fresh = await t.userWith(['security_admin']);
        await t.http('PUT', '/api/v1/security-policy', { as: fresh, body: policy });
      }
    });

    test('[ORG-04] account administration is scoped: other units’ accounts are invisible', async () => {
      const adminB = await t.http('POST', '/api/v1/unit-admins', {
        as: sysadmin,
        body: {
          username: 'ts_admin',
          displayName: '周建军',
          ...person(900),
          unitId: unitB,
          roles: ['unit_admin'],
        },
      });
      const b = await firstLogin('ts_admin', adminB.body.initialPassword);
      const seen = await t.http('GET', '/api/v1/accounts', { as: b });
      assert.deepEqual(seen.body.items, []);
      const entry = await t.ctx.db
        .selectFrom('users')
        .select('id')
        .where('username', '=', 'sjz_entry')
        .executeTakeFirstOrThrow();
      const peek = await t.http('GET', `/api/v1/accounts/${entry.id}`, { as: b });
      assert.equal(peek.status, 404);
      const disable = await t.http('POST', `/api/v1/accounts/${entry.id}/disable`, {
        as: b,
        body: { reason: '越权停用' },
      });
      assert.equal(disable.status, 404);
      // Unit administrators are the account administrator's; business accounts are not.
      const adminList = await t.http('GET', '/api/v1/unit-admins', { as: sysadmin });
      assert.ok(adminList.body.items.every((a: { kind: string }) => a.kind === 'unit_admin'));
    });
  });
}
