/**
 * The identity module's service: sign-in and sessions (auth.ts), account management
 * (accounts.ts), the security policy (policy.ts) and the first accounts of a new platform.
 */
import type { AppContext } from '../../server/context.ts';
import { AppError } from '../../server/errors.ts';
import { withTransaction, type Tx } from '../../db/transaction.ts';
import { parseCitizenId } from '../../lib/ids/citizen-id.ts';
import { uuidv7 } from '../../lib/uuid.ts';
import type { AuditService } from '../audit/service.ts';
import { createAccountService, oneTimePassword } from './accounts.ts';
import { createAuthService, type RequestMeta, type SessionUser } from './auth.ts';
import { hashPassword } from './password.ts';
import { roles as roleTable, type Role } from './permissions.ts';
import { sealPerson } from './person.ts';
import { defaultSecurityPolicy, SecurityPolicy } from './policy.ts';
import * as repo from './repository.ts';

export type { ResolvedSession, SessionUser, RequestMeta } from './auth.ts';

export function createIamService(ctx: AppContext, audit: AuditService) {
  const { db, clock } = ctx;

  async function policy(): Promise<SecurityPolicy> {
    const stored = await repo.loadPolicy(db);
    const defaults = {
      ...defaultSecurityPolicy,
      sessionIdleMinutes: ctx.config.sessionIdleMinutes,
    };
    if (!stored) return defaults;
    const parsed = SecurityPolicy.safeParse({ ...defaults, ...(JSON.parse(stored) as object) });
    return parsed.success ? parsed.data : defaults;
  }

  const deps = { audit, policy };
  const auth = createAuthService(ctx, deps);
  const accounts = createAccountService(ctx, deps);

  /** Creates an account in `tx` without the management rules: demo data and tests. */
  async function createUser(
    tx: Tx,
    input: {
      username: string;
      displayName: string;
      unitId: string;
      password: string;
      roles: readonly Role[];
      mustChangePassword: boolean;
      person?: { citizenId: string; phone: string };
    },
  ): Promise<string> {
    const at = clock.now().toISOString();
    const id = uuidv7();
    const kinds = input.roles.map((r) => roleTable[r].kind);
    const kind = kinds.includes('platform')
      ? 'platform'
      : kinds.includes('unit_admin')
        ? 'unit_admin'
        : 'business';
    let person: ReturnType<typeof sealPerson> | null = null;
    if (input.person) {
      const parsed = parseCitizenId(input.person.citizenId);
      if (!parsed.ok) throw new Error(parsed.message);
      person = sealPerson(ctx.config.masterKey, {
        id18: parsed.value.id18,
        birthDate: parsed.value.birthDate,
        phone: input.person.phone,
      });
    }
    await repo.insertUser(
      tx,
      {
        id,
        username: input.username,
        display_name: input.displayName,
        unit_id: input.unitId,
        password_hash: await hashPassword(input.password),
        status: 'active',
        must_change_password: input.mustChangePassword ? 1 : 0,
        failed_logins: 0,
        last_login_at: null,
        created_at: at,
        updated_at: at,
        kind,
        office: null,
        citizen_id_digest: person?.citizen_id_digest ?? null,
        citizen_id_sealed: person?.citizen_id_sealed ?? null,
        citizen_id_masked: person?.citizen_id_masked ?? null,
        phone_sealed: person?.phone_sealed ?? null,
        phone_masked: person?.phone_masked ?? null,
        birth_date: person?.birth_date ?? null,
        password_changed_at: at,
        totp_secret_sealed: null,
        totp_pending_sealed: null,
        totp_enabled: 0,
        totp_last_step: null,
        disabled_at: null,
        disabled_reason: null,
        created_by: null,
      },
      input.roles,
    );
    return id;
  }

  return {
    ...auth,
    accounts,
    createUser,
    policy,

    /** Sets the policy without a signed-in caller: `mzhub demo` and first installation. */
    async initialisePolicy(tx: Tx, next: SecurityPolicy, note: string): Promise<void> {
      await repo.savePolicy(tx, JSON.stringify(next), clock.now().toISOString(), null);
      await audit.append(tx, {
        action: 'policy.update',
        result: 'success',
        target: { type: 'security_policy', id: '1' },
        detail: { ...next, note },
      });
    },

    /** Active auditors, who witness handovers. */
    async witnesses() {
      const rows = await db
        .selectFrom('users as u')
        .innerJoin('user_roles as r', 'r.user_id', 'u.id')
        .innerJoin('units as n', 'n.id', 'u.unit_id')
        .select(['u.id', 'u.display_name', 'n.name as unit_name'])
        .where('r.role', '=', 'auditor')
        .where('u.status', '=', 'active')
        .orderBy('u.display_name')
        .execute();
      return rows.map((r) => ({ id: r.id, displayName: r.display_name, unitName: r.unit_name }));
    },

    async savePolicy(
      caller: SessionUser,
      next: SecurityPolicy,
      meta: RequestMeta,
    ): Promise<SecurityPolicy> {
      await withTransaction(db, async (tx) => {
        await repo.savePolicy(tx, JSON.stringify(next), clock.now().toISOString(), caller.id);
        await audit.append(tx, {
          action: 'policy.update',
          result: 'success',
          actor: { id: caller.id, name: caller.displayName, unitId: caller.unitId },
          target: { type: 'security_policy', id: '1' },
          fields: Object.keys(next),
          clientIp: meta.ip,
          requestId: meta.requestId,
          detail: next,
        });
      });
      return policy();
    },

    /**
     * `mzhub bootstrap`: on a database with no accounts, creates exactly the three
     * administrators (三员) in the platform's own unit, with one-time passwords that must be
     * changed at first login.
     */
    async bootstrap(platformUnitId: string) {
      const any = await db.selectFrom('users').select('id').limit(1).executeTakeFirst();
      if (any) {
        throw new AppError(
          'conflict',
          'bootstrap.not_empty',
          '数据库中已有账号，bootstrap 只能在空库上执行一次',
        );
      }
      const created: { username: string; role: string; password: string }[] = [];
      await withTransaction(db, async (tx) => {
        for (const [username, role, displayName] of [
          ['sysadmin', 'account_admin', '系统管理员'],
          ['secadmin', 'security_admin', '安全管理员'],
          ['auditor', 'auditor', '安全审计员'],
        ] as const) {
          const password = oneTimePassword();
          const id = await createUser(tx, {
            username,
            displayName,
            unitId: platformUnitId,
            password,
            roles: [role],
            mustChangePassword: true,
          });
          await audit.append(tx, {
            action: 'account.bootstrap',
            result: 'success',
            target: { type: 'account', id, unitId: platformUnitId },
            detail: { username, role },
          });
          created.push({ username, role: roleTable[role].name, password });
        }
      });
      return created;
    },
  };
}

export type IamService = ReturnType<typeof createIamService>;
