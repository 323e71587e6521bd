/**
 * Account management (IAM-01, IAM-02, IAM-03, IAM-09, IAM-10): the account administrator
 * creates each unit's administrator; a unit administrator creates one business account per
 * internal office of that unit and gives it business roles. Handovers disable the account and
 * end its sessions and tokens at once. Twice a year the account list is reviewed.
 */
import { randomBytes, randomInt } from 'node:crypto';
import type { AppContext } from '../../server/context.ts';
import { AppError, conflict, forbidden, invalid, notFound } from '../../server/errors.ts';
import { withTransaction, type Tx } from '../../db/transaction.ts';
import { parseCitizenId } from '../../lib/ids/citizen-id.ts';
import { uuidv7 } from '../../lib/uuid.ts';
import type { AuditService } from '../audit/service.ts';
import type { RequestMeta, SessionUser } from './auth.ts';
import { hashPassword } from './password.ts';
import { isRole, roleCombinationProblem, roles as roleTable, type Role } from './permissions.ts';
import { citizenIdDigest, sealPerson } from './person.ts';
import type { SecurityPolicy } from './policy.ts';
import * as repo from './repository.ts';
import { accountScope, inScope, type Scope } from './scope.ts';

export interface Account {
  id: string;
  username: string;
  displayName: string;
  unitId: string;
  unitName: string;
  office: string | null;
  kind: 'platform' | 'unit_admin' | 'business';
  roles: string[];
  status: 'active' | 'disabled';
  citizenIdMasked: string | null;
  phoneMasked: string | null;
  secondFactorEnabled: boolean;
  lastLoginAt: string | null;
  passwordChangedAt: string | null;
  disabledAt: string | null;
  disabledReason: string | null;
  /** Set while repeated failed logins keep the account locked (IAM-08). */
  lockedUntil: string | null;
  createdAt: string;
}

export interface AccountCreate {
  username: string;
  displayName: string;
  citizenId: string;
  phone: string;
  unitId: string;
  office?: string | null | undefined;
  roles: string[];
}

/** A one-time password that meets the policy: letters, digits and a special character. */
export function oneTimePassword(): string {
  const letters = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ';
  const pick = (chars: string, n: number) =>
    Array.from({ length: n }, () => chars[randomInt(chars.length)]).join('');
  const body = pick(letters, 6) + pick('23456789', 4) + pick('#@%+=!', 2);
  // Shuffle so the classes do not sit in fixed places.
  return [...body].sort(() => randomBytes(1)[0]! - 128).join('');
}

export function createAccountService(
  ctx: AppContext,
  deps: { audit: AuditService; policy: () => Promise<SecurityPolicy> },
) {
  const { db, clock } = ctx;
  const { audit } = deps;
  const key = ctx.config.masterKey;

  function scopeFilter(scope: Scope) {
    return (q: ReturnType<typeof accountsQuery>) =>
      scope.kind === 'unit'
        ? q.where('u.unit_id', '=', scope.unitId)
        : q.where('n.division_code', 'like', `${scope.prefix}%`);
  }

  function accountsQuery() {
    return db
      .selectFrom('users as u')
      .innerJoin('units as n', 'n.id', 'u.unit_id')
      .leftJoin('login_failures as f', 'f.username', 'u.username')
      .selectAll('u')
      .select(['n.name as unit_name', 'n.division_code as unit_division_code', 'f.locked_until']);
  }

  async function toAccounts(
    rows: (repo.UserWithUnit & { locked_until?: string | null })[],
  ): Promise<Account[]> {
    const now = clock.now().toISOString();
    const rolesById = await repo.rolesOfMany(
      db,
      rows.map((r) => r.id),
    );
    return rows.map((r) => ({
      id: r.id,
      username: r.username,
      displayName: r.display_name,
      unitId: r.unit_id,
      unitName: r.unit_name,
      office: r.office,
      kind: r.kind,
      roles: rolesById.get(r.id) ?? [],
      status: r.status,
      citizenIdMasked: r.citizen_id_masked,
      phoneMasked: r.phone_masked,
      secondFactorEnabled: r.totp_enabled === 1,
      lastLoginAt: r.last_login_at,
      passwordChangedAt: r.password_changed_at,
      disabledAt: r.disabled_at,
      disabledReason: r.disabled_reason,
      lockedUntil: r.locked_until && r.locked_until > now ? r.locked_until : null,
      createdAt: r.created_at,
    }));
  }

  /** The kind of account `caller` manages: unit administrators, or business accounts. */
  function managedKind(caller: SessionUser): 'unit_admin' | 'business' {
    return caller.permissions.includes('account.manage_admins') ? 'unit_admin' : 'business';
  }

  /** Loads an account the caller may manage, or fails as if it did not exist. */
  async function managedAccount(caller: SessionUser, id: string): Promise<repo.UserWithUnit> {
    const scope = accountScope(caller);
    const row = await scopeFilter(scope)(accountsQuery())
      .where('u.id', '=', id)
      .where('u.kind', '=', managedKind(caller))
      .executeTakeFirst();
    if (!row) throw notFound('account.not_found', '账号不存在或不在您的管理范围内');
    if (row.id === caller.id)
      throw forbidden('account.self_change', '不能管理自己的账号（三员分立）');
    return row;
  }

  function checkRoles(caller: SessionUser, requested: readonly string[]): Role[] {
    const unknown = requested.filter((r) => !isRole(r));
    if (unknown.length > 0) {
      throw invalid('account.role_unknown', `未知的角色：${unknown.join('、')}`, [
        { path: 'roles', message: `未知的角色：${unknown.join('、')}` },
      ]);
    }
    const wanted = [...new Set(requested)] as Role[];
    const kind = managedKind(caller);
    const allowed = wanted.every((r) => roleTable[r].kind === kind);
    if (
      !allowed ||
      (kind === 'unit_admin' && (wanted.length !== 1 || wanted[0] !== 'unit_admin'))
    ) {
      const message =
        kind === 'unit_admin'
          ? '系统管理员只能创建单位管理员账号，不能授予业务或审计权限'
          : '单位管理员只能授予本单位的业务角色';
      throw forbidden('account.role_not_grantable', message);
    }
    const problem = roleCombinationProblem(wanted);
    if (problem)
      throw invalid('account.role_conflict', problem, [{ path: 'roles', message: problem }]);
    return wanted;
  }

  const actorOf = (u: SessionUser) => ({ id: u.id, name: u.displayName, unitId: u.unitId });

  async function disableInTx(tx: Tx, userId: string, reason: string) {
    const at = clock.now().toISOString();
    await repo.updateUser(tx, userId, {
      status: 'disabled',
      disabled_at: at,
      disabled_reason: reason,
      updated_at: at,
    });
    await repo.deleteSessionsOf(tx, userId);
    await repo.revokeApiTokens(tx, userId, at);
  }

  return {
    async list(
      caller: SessionUser,
      query: {
        q?: string | undefined;
        status?: 'active' | 'disabled' | undefined;
        unitId?: string | undefined;
      },
    ) {
      let q = scopeFilter(accountScope(caller))(accountsQuery()).where(
        'u.kind',
        '=',
        managedKind(caller),
      );
      if (query.status) q = q.where('u.status', '=', query.status);
      if (query.unitId) q = q.where('u.unit_id', '=', query.unitId);
      if (query.q) {
        const like = `%${query.q}%`;
        q = q.where((eb) =>
          eb.or([eb('u.username', 'like', like), eb('u.display_name', 'like', like)]),
        );
      }
      const rows = (await q
        .orderBy('n.division_code')
        .orderBy('u.username')
        .limit(500)
        .execute()) as repo.UserWithUnit[];
      return toAccounts(rows);
    },

    async get(caller: SessionUser, id: string): Promise<Account> {
      return (await toAccounts([await managedAccount(caller, id)]))[0]!;
    },

    async create(caller: SessionUser, input: AccountCreate, meta: RequestMeta) {
      const wanted = checkRoles(caller, input.roles);
      const kind = managedKind(caller);
      const unit = await db
        .selectFrom('units')
        .select(['id', 'name', 'division_code', 'status'])
        .where('id', '=', input.unitId)
        .executeTakeFirst();
      if (!unit || !inScope(accountScope(caller), unit)) {
        throw forbidden('account.unit_out_of_scope', '只能在您管理范围内的单位创建账号');
      }
      const person = parseCitizenId(input.citizenId, { today: clock.now() });
      if (!person.ok) {
        throw invalid('account.citizen_id_invalid', person.message, [
          { path: 'citizenId', message: person.message },
        ]);
      }
      if (!/^1[3-9]\d{9}$|^0\d{2,3}-?\d{7,8}$/.test(input.phone)) {
        const message = '联系电话应为 11 位手机号或带区号的固定电话';
        throw invalid('account.phone_invalid', message, [{ path: 'phone', message }]);
      }
      const existingName = await repo.findUserByUsername(db, input.username);
      if (existingName) {
        throw new AppError(
          'conflict',
          'account.username_taken',
          `用户名 ${input.username} 已被使用`,
          {
            errors: [{ path: 'username', message: '用户名已被使用' }],
          },
        );
      }
      // IAM-01: one person holds one active account in a unit.
      const digest = citizenIdDigest(key, person.value.id18);
      const samePerson = await db
        .selectFrom('users')
        .select(['username'])
        .where('unit_id', '=', unit.id)
        .where('citizen_id_digest', '=', digest)
        .where('status', '=', 'active')
        .executeTakeFirst();
      if (samePerson) {
        throw new AppError(
          'conflict',
          'account.person_has_account',
          `此人在${unit.name}已有启用的账号（${samePerson.username}），一人只能有一个账号`,
          {
            errors: [{ path: 'citizenId', message: '此人在本单位已有启用的账号' }],
          },
        );
      }
      if (kind === 'unit_admin') {
        const admin = await db
          .selectFrom('users')
          .select('username')
          .where('unit_id', '=', unit.id)
          .where('kind', '=', 'unit_admin')
          .where('status', '=', 'active')
          .executeTakeFirst();
        if (admin) {
          throw conflict(
            'account.unit_admin_exists',
            `${unit.name}已有单位管理员账号（${admin.username}），每个单位只设一个`,
          );
        }
      }
      const initialPassword = oneTimePassword();
      const at = clock.now().toISOString();
      const id = uuidv7();
      await withTransaction(db, async (tx) => {
        await repo.insertUser(
          tx,
          {
            id,
            username: input.username,
            display_name: input.displayName,
            unit_id: unit.id,
            password_hash: await hashPassword(initialPassword),
            status: 'active',
            must_change_password: 1,
            failed_logins: 0,
            last_login_at: null,
            created_at: at,
            updated_at: at,
            kind,
            office: input.office ?? null,
            ...sealPerson(key, {
              id18: person.value.id18,
              birthDate: person.value.birthDate,
              phone: input.phone,
            }),
            password_changed_at: at,
            totp_secret_sealed: null,
            totp_pending_sealed: null,
            totp_enabled: 0,
            totp_last_step: null,
            disabled_at: null,
            disabled_reason: null,
            created_by: caller.id,
          },
          wanted,
        );
        await audit.append(tx, {
          action: 'account.create',
          result: 'success',
          actor: actorOf(caller),
          target: { type: 'account', id, unitId: unit.id },
          fields: ['username', 'displayName', 'citizenId', 'phone', 'office', 'roles'],
          clientIp: meta.ip,
          requestId: meta.requestId,
          detail: { username: input.username, roles: wanted },
        });
      });
      return { account: await this.get(caller, id), initialPassword };
    },

    async update(
      caller: SessionUser,
      id: string,
      patch: {
        displayName?: string | undefined;
        office?: string | null | undefined;
        roles?: string[] | undefined;
      },
      meta: RequestMeta,
    ): Promise<Account> {
      const target = await managedAccount(caller, id);
      const wanted = patch.roles ? checkRoles(caller, patch.roles) : undefined;
      await withTransaction(db, async (tx) => {
        await repo.updateUser(tx, id, {
          ...(patch.displayName ? { display_name: patch.displayName } : {}),
          ...(patch.office !== undefined ? { office: patch.office } : {}),
          updated_at: clock.now().toISOString(),
        });
        if (wanted) await repo.setRoles(tx, id, wanted);
        await audit.append(tx, {
          action: 'account.update',
          result: 'success',
          actor: actorOf(caller),
          target: { type: 'account', id, unitId: target.unit_id },
          fields: Object.keys(patch),
          clientIp: meta.ip,
          requestId: meta.requestId,
          detail: wanted ? { roles: wanted } : {},
        });
      });
      return this.get(caller, id);
    },

    async resetPassword(caller: SessionUser, id: string, meta: RequestMeta) {
      const target = await managedAccount(caller, id);
      const initialPassword = oneTimePassword();
      const at = clock.now().toISOString();
      await withTransaction(db, async (tx) => {
        await repo.updateUser(tx, id, {
          password_hash: await hashPassword(initialPassword),
          must_change_password: 1,
          password_changed_at: at,
          updated_at: at,
        });
        await repo.deleteSessionsOf(tx, id);
        await repo.clearLoginFailures(tx, target.username);
        await audit.append(tx, {
          action: 'account.reset_password',
          result: 'success',
          actor: actorOf(caller),
          target: { type: 'account', id, unitId: target.unit_id },
          clientIp: meta.ip,
          requestId: meta.requestId,
        });
      });
      return { initialPassword };
    },

    async setStatus(
      caller: SessionUser,
      id: string,
      status: 'active' | 'disabled',
      reason: string,
      meta: RequestMeta,
    ) {
      const target = await managedAccount(caller, id);
      await withTransaction(db, async (tx) => {
        if (status === 'disabled') await disableInTx(tx, id, reason);
        else {
          await repo.updateUser(tx, id, {
            status: 'active',
            disabled_at: null,
            disabled_reason: null,
            updated_at: clock.now().toISOString(),
          });
        }
        await audit.append(tx, {
          action: status === 'disabled' ? 'account.disable' : 'account.enable',
          result: 'success',
          actor: actorOf(caller),
          target: { type: 'account', id, unitId: target.unit_id },
          clientIp: meta.ip,
          requestId: meta.requestId,
          detail: { reason },
        });
      });
      return this.get(caller, id);
    },

    /** Clears a lockout before it runs out. */
    async unlock(caller: SessionUser, id: string, meta: RequestMeta) {
      const target = await managedAccount(caller, id);
      await withTransaction(db, async (tx) => {
        await repo.clearLoginFailures(tx, target.username);
        await audit.append(tx, {
          action: 'account.unlock',
          result: 'success',
          actor: actorOf(caller),
          target: { type: 'account', id, unitId: target.unit_id },
          clientIp: meta.ip,
          requestId: meta.requestId,
        });
      });
    },

    /**
     * IAM-09: records what was handed over to whom, witnessed by the security auditor, and
     * disables the account at once (its sessions and API tokens stop on the next request).
     */
    async handover(
      caller: SessionUser,
      id: string,
      input: {
        kind: 'post_change' | 'departure';
        handedToUserId?: string | null | undefined;
        items: string;
        witnessId: string;
        note?: string | undefined;
      },
      meta: RequestMeta,
    ) {
      const target = await managedAccount(caller, id);
      if (target.status !== 'active')
        throw conflict('account.already_disabled', '该账号已停用，交接应在停用前办理');
      const witness = await repo.findUserById(db, input.witnessId);
      const witnessRoles = witness ? await repo.rolesOf(db, witness.id) : [];
      if (!witness || witness.status !== 'active' || !witnessRoles.includes('auditor')) {
        throw invalid('handover.witness_invalid', '见证人必须是启用中的安全审计员账号', [
          { path: 'witnessId', message: '见证人必须是安全审计员' },
        ]);
      }
      if (input.handedToUserId) {
        const receiver = await repo.findUserById(db, input.handedToUserId);
        if (!receiver || receiver.status !== 'active' || receiver.id === id) {
          throw invalid('handover.receiver_invalid', '接收人必须是另一个启用中的账号', [
            { path: 'handedToUserId', message: '接收人无效' },
          ]);
        }
        if (receiver.unit_id !== target.unit_id) {
          throw invalid('handover.receiver_other_unit', '接收人必须是同一单位的账号', [
            { path: 'handedToUserId', message: '接收人必须是同一单位的账号' },
          ]);
        }
      }
      const handoverId = uuidv7();
      const reason = input.kind === 'departure' ? '人员离岗' : '岗位变动';
      await withTransaction(db, async (tx) => {
        await tx
          .insertInto('handovers')
          .values({
            id: handoverId,
            user_id: id,
            kind: input.kind,
            handed_to_user_id: input.handedToUserId ?? null,
            items: input.items,
            witness_id: input.witnessId,
            recorded_by: caller.id,
            recorded_at: clock.now().toISOString(),
            note: input.note ?? null,
          })
          .execute();
        await disableInTx(tx, id, `${reason}（交接记录 ${handoverId}）`);
        await audit.append(tx, {
          action: 'account.handover',
          result: 'success',
          actor: actorOf(caller),
          target: { type: 'account', id, unitId: target.unit_id },
          clientIp: meta.ip,
          requestId: meta.requestId,
          detail: {
            handoverId,
            kind: input.kind,
            handedTo: input.handedToUserId ?? null,
            witness: input.witnessId,
          },
        });
      });
      return { handoverId, account: await this.get(caller, id) };
    },

    /** Who can take over an account's work: the other active accounts of its unit. */
    async handoverCandidates(caller: SessionUser, id: string) {
      const target = await managedAccount(caller, id);
      const rows = await db
        .selectFrom('users')
        .select(['id', 'username', 'display_name', 'office'])
        .where('unit_id', '=', target.unit_id)
        .where('status', '=', 'active')
        .where('id', '!=', id)
        .orderBy('username')
        .execute();
      return rows.map((r) => ({
        id: r.id,
        username: r.username,
        displayName: r.display_name,
        office: r.office,
      }));
    },

    async handovers(caller: SessionUser, id: string) {
      await managedAccount(caller, id);
      const rows = await db
        .selectFrom('handovers as h')
        .leftJoin('users as r', 'r.id', 'h.handed_to_user_id')
        .innerJoin('users as w', 'w.id', 'h.witness_id')
        .innerJoin('users as b', 'b.id', 'h.recorded_by')
        .select([
          'h.id',
          'h.kind',
          'h.items',
          'h.note',
          'h.recorded_at',
          'r.display_name as receiver',
          'w.display_name as witness',
          'b.display_name as recorder',
        ])
        .where('h.user_id', '=', id)
        .orderBy('h.recorded_at')
        .execute();
      return rows.map((r) => ({
        id: r.id,
        kind: r.kind,
        items: r.items,
        note: r.note,
        recordedAt: r.recorded_at,
        handedTo: r.receiver,
        witness: r.witness,
        recordedBy: r.recorder,
      }));
    },

    /**
     * IAM-10: the account list for the half-yearly review, with the accounts to remove:
     * dormant (no login for the policy's dormant days), holding no role, or already disabled.
     */
    async review(caller: SessionUser, query: { unitId?: string | undefined }) {
      const policy = await deps.policy();
      const now = clock.now();
      const dormantBefore = new Date(now.getTime() - policy.dormantDays * 86_400_000).toISOString();
      let q = scopeFilter(accountScope(caller))(accountsQuery()).where('u.kind', '!=', 'platform');
      if (query.unitId) q = q.where('u.unit_id', '=', query.unitId);
      const rows = (await q
        .orderBy('n.division_code')
        .orderBy('n.name')
        .orderBy('u.username')
        .execute()) as repo.UserWithUnit[];
      const accounts = await toAccounts(rows);
      const items = accounts.map((a) => {
        const reasons: string[] = [];
        if (a.status === 'disabled') reasons.push('已停用');
        else {
          if ((a.lastLoginAt ?? a.createdAt) < dormantBefore)
            reasons.push(`超过 ${policy.dormantDays} 天未登录`);
          if (a.roles.length === 0) reasons.push('未分配角色');
        }
        return { ...a, removalReasons: reasons };
      });
      const half = now.getUTCMonth() < 6 ? '上半年' : '下半年';
      return {
        period: `${now.getUTCFullYear()} 年${half}`,
        generatedAt: now.toISOString(),
        dormantDays: policy.dormantDays,
        total: items.length,
        toRemove: items.filter((i) => i.removalReasons.length > 0).length,
        items,
      };
    },
  };
}

export type AccountService = ReturnType<typeof createAccountService>;
