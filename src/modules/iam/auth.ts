/**
 * Signing in and staying signed in (IAM-05 … IAM-09): password and second factor, lockout
 * by user name, restricted sessions until a required password change or second-factor
 * enrolment is done, idle expiry, screen lock, and bearer tokens for machine clients.
 * Every failure is audited; no answer reveals whether a user name exists.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { AppContext } from '../../server/context.ts';
import { AppError, invalid } from '../../server/errors.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { SessionTable } from '../../db/schema.ts';
import { uuidv7 } from '../../lib/uuid.ts';
import type { AuditService } from '../audit/service.ts';
import { decoyHash, hashPassword, verifyPassword } from './password.ts';
import { checkPassword, isReused, passwordExpired } from './password-policy.ts';
import { permissionsOf, type Permission, type Role } from './permissions.ts';
import type { SecurityPolicy } from './policy.ts';
import * as repo from './repository.ts';
import { createTotpSecret, matchTotpStep } from './totp.ts';

/** The caller as every route sees it. */
export interface SessionUser {
  id: string;
  username: string;
  displayName: string;
  unitId: string;
  unitName: string;
  unitDivisionCode: string;
  kind: 'platform' | 'unit_admin' | 'business';
  roles: string[];
  permissions: Permission[];
  mustChangePassword: boolean;
  secondFactorEnabled: boolean;
}

export interface ResolvedSession {
  /** Null for bearer-token callers. */
  sessionId: string | null;
  csrfToken: string | null;
  restriction: SessionTable['restriction'];
  locked: boolean;
  user: SessionUser;
}

export interface RequestMeta {
  ip: string | null;
  requestId: string | null;
  userAgent: string | null;
}

export const API_TOKEN_PREFIX = 'mzt_';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

const invalidCredentials = () =>
  new AppError('unauthenticated', 'auth.invalid_credentials', '用户名或密码错误');

export function createAuthService(
  ctx: AppContext,
  deps: { audit: AuditService; policy: () => Promise<SecurityPolicy> },
) {
  const { db, clock, config } = ctx;
  const { audit } = deps;

  async function toSessionUser(user: repo.UserWithUnit): Promise<SessionUser> {
    const roleNames = await repo.rolesOf(db, user.id);
    return {
      id: user.id,
      username: user.username,
      displayName: user.display_name,
      unitId: user.unit_id,
      unitName: user.unit_name,
      unitDivisionCode: user.unit_division_code,
      kind: user.kind,
      roles: roleNames,
      permissions: permissionsOf(roleNames),
      mustChangePassword: user.must_change_password === 1,
      secondFactorEnabled: user.totp_enabled === 1,
    };
  }

  const actorOf = (u: { id: string; display_name: string; unit_id: string }) => ({
    id: u.id,
    name: u.display_name,
    unitId: u.unit_id,
  });

  function secondFactorRequired(policy: SecurityPolicy, roleNames: readonly string[]) {
    return roleNames.some((r) => policy.secondFactorRoles.includes(r as Role));
  }

  /** What the session may do first: change the password, then enrol a second factor. */
  function restrictionFor(
    user: repo.UserWithUnit,
    roleNames: readonly string[],
    policy: SecurityPolicy,
  ): SessionTable['restriction'] {
    const expired = passwordExpired(user.password_changed_at ?? user.created_at, clock.now(), {
      maxAgeDays: policy.passwordMaxAgeDays,
    });
    if (user.must_change_password === 1 || expired) return 'password_change';
    if (user.totp_enabled !== 1 && secondFactorRequired(policy, roleNames)) {
      return 'second_factor_setup';
    }
    return null;
  }

  /** Counts a failed attempt for the typed name; returns the lock time when it now locks. */
  async function countFailure(username: string, policy: SecurityPolicy): Promise<string | null> {
    const at = clock.now();
    const previous = await repo.loginFailure(db, username);
    // After a lock has run out, counting starts again.
    const stale = previous?.locked_until && previous.locked_until <= at.toISOString();
    const failures = (stale ? 0 : (previous?.failures ?? 0)) + 1;
    const lockedUntil =
      failures >= policy.lockoutThreshold
        ? new Date(at.getTime() + policy.lockoutMinutes * 60_000).toISOString()
        : null;
    await repo.saveLoginFailure(db, {
      username,
      failures,
      locked_until: lockedUntil,
      last_failure_at: at.toISOString(),
    });
    return lockedUntil;
  }

  function lockedError(until: string) {
    const local = new Date(new Date(until).getTime() + 8 * 3_600_000).toISOString().slice(11, 16);
    return new AppError(
      'locked',
      'auth.locked',
      `登录失败次数过多，账号已临时锁定，请于 ${local}（北京时间）后再试，或联系单位管理员解锁`,
    );
  }

  async function openSession(
    tx: repo.Executor,
    user: repo.UserWithUnit,
    restriction: SessionTable['restriction'],
    meta: RequestMeta,
  ) {
    const at = clock.now();
    const token = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(24).toString('base64url');
    const sessionId = sha256(token);
    await repo.insertSession(tx, {
      id: sessionId,
      user_id: user.id,
      csrf_token: csrfToken,
      created_at: at.toISOString(),
      last_seen_at: at.toISOString(),
      expires_at: new Date(at.getTime() + config.sessionMaxHours * 3_600_000).toISOString(),
      client_ip: meta.ip,
      user_agent: meta.userAgent?.slice(0, 300) ?? null,
      restriction,
      locked: 0,
    });
    return { token, sessionId, csrfToken };
  }

  return {
    /** Whether the session cookie is marked Secure (set when the console is served over HTTPS). */
    cookieSecure: config.cookieSecure,

    async login(
      input: { username: string; password: string; totp?: string | undefined },
      meta: RequestMeta,
    ): Promise<{ token: string; session: ResolvedSession }> {
      const policy = await deps.policy();
      const name = input.username.trim();
      const now = clock.now().toISOString();
      const base = { action: 'auth.login', clientIp: meta.ip, requestId: meta.requestId };

      const failure = await repo.loginFailure(db, name);
      if (failure?.locked_until && failure.locked_until > now) {
        await audit.record({
          ...base,
          result: 'denied',
          detail: { username: name, reason: 'locked' },
        });
        throw lockedError(failure.locked_until);
      }

      const user = await repo.findUserByUsername(db, name);
      const passwordOk = user
        ? await verifyPassword(user.password_hash, input.password)
        : (await verifyPassword(await decoyHash(), input.password)) && false;
      if (!user || !passwordOk) {
        const lockedUntil = await countFailure(name, policy);
        await audit.record({
          ...base,
          result: 'failure',
          actor: user ? actorOf(user) : null,
          detail: { username: name, reason: 'bad_password', locked: lockedUntil !== null },
        });
        throw lockedUntil ? lockedError(lockedUntil) : invalidCredentials();
      }
      if (user.status !== 'active') {
        await audit.record({
          ...base,
          result: 'denied',
          actor: actorOf(user),
          detail: { reason: 'disabled' },
        });
        throw new AppError(
          'forbidden',
          'auth.account_disabled',
          '该账号已停用，请联系本单位管理员',
        );
      }

      const roleNames = await repo.rolesOf(db, user.id);
      if (user.totp_enabled === 1) {
        if (!input.totp) {
          throw new AppError(
            'unauthenticated',
            'auth.second_factor_required',
            '请输入动态口令（6 位数字）',
          );
        }
        const secret = ctx.config.masterKey.open(user.totp_secret_sealed ?? '');
        // The step the code matched is remembered: a code is good once (no replay).
        const step = await matchTotpStep(secret, input.totp, clock.now(), {
          afterStep: user.totp_last_step,
        });
        if (step === null) {
          const lockedUntil = await countFailure(name, policy);
          await audit.record({
            ...base,
            result: 'failure',
            actor: actorOf(user),
            detail: { reason: 'bad_second_factor' },
          });
          throw lockedUntil
            ? lockedError(lockedUntil)
            : new AppError(
                'unauthenticated',
                'auth.second_factor_invalid',
                '动态口令错误或已被使用',
              );
        }
        await repo.updateUser(db, user.id, { totp_last_step: step });
      }

      await repo.clearLoginFailures(db, name);
      const restriction = restrictionFor(user, roleNames, policy);
      const opened = await withTransaction(db, async (tx) => {
        await repo.updateUser(tx, user.id, {
          last_login_at: now,
          failed_logins: 0,
          updated_at: now,
        });
        const s = await openSession(tx, user, restriction, meta);
        await audit.append(tx, {
          ...base,
          result: 'success',
          actor: actorOf(user),
          detail: { restriction },
        });
        return s;
      });
      return {
        token: opened.token,
        session: {
          sessionId: opened.sessionId,
          csrfToken: opened.csrfToken,
          restriction,
          locked: false,
          user: await toSessionUser(user),
        },
      };
    },

    /**
     * The session behind a cookie token, or null when it is unknown, expired, idle too long or
     * its account is no longer active — checked on every request, so a disabled account stops
     * working at once.
     */
    async resolveSession(
      token: string,
      options: { passive?: boolean } = {},
    ): Promise<ResolvedSession | null> {
      const sessionId = sha256(token);
      const session = await repo.findSession(db, sessionId);
      if (!session) return null;
      const policy = await deps.policy();
      const now = clock.now();
      const idleLimit =
        new Date(session.last_seen_at).getTime() + policy.sessionIdleMinutes * 60_000;
      if (now.toISOString() >= session.expires_at || now.getTime() >= idleLimit) {
        await repo.deleteSession(db, sessionId);
        return null;
      }
      const user = await repo.findUserById(db, session.user_id);
      if (!user || user.status !== 'active') return null;
      // One write a minute at most: enough for the idle timeout, cheap for busy pages. Background
      // polling (passive routes) is not the user's activity and leaves the idle clock running.
      if (!options.passive && now.getTime() - new Date(session.last_seen_at).getTime() > 60_000) {
        await repo.updateSession(db, sessionId, { last_seen_at: now.toISOString() });
      }
      return {
        sessionId,
        csrfToken: session.csrf_token,
        restriction: session.restriction,
        locked: session.locked === 1,
        user: await toSessionUser(user),
      };
    },

    /** The account behind a bearer token, or null when it is unknown, expired or revoked. */
    async resolveApiToken(token: string): Promise<ResolvedSession | null> {
      if (!token.startsWith(API_TOKEN_PREFIX)) return null;
      const row = await repo.findApiToken(db, sha256(token));
      const now = clock.now().toISOString();
      if (!row || row.revoked_at !== null || row.expires_at <= now) return null;
      const user = await repo.findUserById(db, row.user_id);
      if (!user || user.status !== 'active') return null;
      if (!row.last_used_at || now.slice(0, 16) !== row.last_used_at.slice(0, 16)) {
        await repo.touchApiToken(db, row.id, now);
      }
      return {
        sessionId: null,
        csrfToken: null,
        restriction: null,
        locked: false,
        user: await toSessionUser(user),
      };
    },

    async logout(session: ResolvedSession, meta: RequestMeta): Promise<void> {
      if (!session.sessionId) return;
      await withTransaction(db, async (tx) => {
        await repo.deleteSession(tx, session.sessionId!);
        await audit.append(tx, {
          action: 'auth.logout',
          result: 'success',
          actor: {
            id: session.user.id,
            name: session.user.displayName,
            unitId: session.user.unitId,
          },
          clientIp: meta.ip,
          requestId: meta.requestId,
        });
      });
    },

    /** IAM-05/06: the new password must meet the policy and differ from the last ones. */
    async changePassword(
      session: ResolvedSession,
      input: { currentPassword: string; newPassword: string },
      meta: RequestMeta,
    ): Promise<ResolvedSession> {
      const policy = await deps.policy();
      const user = (await repo.findUserById(db, session.user.id))!;
      const actor = actorOf(user);
      const base = {
        action: 'auth.password_change',
        actor,
        clientIp: meta.ip,
        requestId: meta.requestId,
      };
      if (!(await verifyPassword(user.password_hash, input.currentPassword))) {
        await audit.record({
          ...base,
          result: 'failure',
          detail: { reason: 'bad_current_password' },
        });
        throw invalid('password.current_wrong', '当前密码不正确', [
          { path: 'currentPassword', message: '当前密码不正确' },
        ]);
      }
      const key = ctx.config.masterKey;
      const check = checkPassword(
        input.newPassword,
        {
          username: user.username,
          name: user.display_name,
          birthDate: user.birth_date,
          citizenId: user.citizen_id_sealed ? key.open(user.citizen_id_sealed) : null,
          phone: user.phone_sealed ? key.open(user.phone_sealed) : null,
        },
        {
          minLength: policy.passwordMinLength,
          requireLetters: true,
          requireDigits: true,
          requireSpecial: true,
          historySize: policy.passwordHistorySize,
          maxAgeDays: policy.passwordMaxAgeDays,
        },
      );
      if (!check.ok) {
        await audit.record({
          ...base,
          result: 'failure',
          detail: { reason: 'policy', violations: check.violations.map((v) => v.code) },
        });
        throw invalid(
          check.violations[0]!.code,
          `新密码不符合要求：${check.violations.map((v) => v.message).join('；')}`,
          check.violations.map((v) => ({ path: 'newPassword', message: v.message })),
        );
      }
      const history = [
        user.password_hash,
        ...(await repo.passwordHistory(db, user.id, policy.passwordHistorySize)),
      ];
      if (
        await isReused(input.newPassword, history, verifyPassword, {
          historySize: policy.passwordHistorySize,
        })
      ) {
        await audit.record({ ...base, result: 'failure', detail: { reason: 'reused' } });
        const message = `不能使用最近 ${policy.passwordHistorySize} 次用过的密码`;
        throw invalid('password.reused', message, [{ path: 'newPassword', message }]);
      }
      const at = clock.now().toISOString();
      const hash = await hashPassword(input.newPassword);
      const roleNames = await repo.rolesOf(db, user.id);
      const restriction =
        user.totp_enabled !== 1 && secondFactorRequired(policy, roleNames)
          ? 'second_factor_setup'
          : null;
      await withTransaction(db, async (tx) => {
        await repo.insertPasswordHistory(tx, {
          id: uuidv7(),
          user_id: user.id,
          password_hash: user.password_hash,
          created_at: at,
        });
        await repo.updateUser(tx, user.id, {
          password_hash: hash,
          password_changed_at: at,
          must_change_password: 0,
          updated_at: at,
        });
        if (session.sessionId) {
          await repo.updateSession(tx, session.sessionId, { restriction });
          // Other sessions were opened with the old password: they end now.
          await repo.deleteSessionsOf(tx, user.id, session.sessionId);
        }
        await audit.append(tx, { ...base, result: 'success' });
      });
      return { ...session, restriction, user: { ...session.user, mustChangePassword: false } };
    },

    /** IAM-07: starts TOTP enrolment; the secret is shown once and kept sealed. */
    async startTotpSetup(session: ResolvedSession) {
      const { secret, otpauthUrl } = await createTotpSecret(session.user.username);
      // Kept aside until confirmed: an abandoned re-enrolment leaves the current factor working.
      await repo.updateUser(db, session.user.id, {
        totp_pending_sealed: ctx.config.masterKey.seal(secret),
        updated_at: clock.now().toISOString(),
      });
      return { secret, otpauthUrl };
    },

    /** Confirms enrolment with a first code; the session's restriction is lifted. */
    async confirmTotp(
      session: ResolvedSession,
      code: string,
      meta: RequestMeta,
    ): Promise<ResolvedSession> {
      const user = (await repo.findUserById(db, session.user.id))!;
      if (!user.totp_pending_sealed) {
        throw invalid('totp.not_started', '请先生成动态口令密钥');
      }
      const secret = ctx.config.masterKey.open(user.totp_pending_sealed);
      const base = {
        action: 'auth.second_factor_enrol',
        actor: actorOf(user),
        clientIp: meta.ip,
        requestId: meta.requestId,
      };
      const step = await matchTotpStep(secret, code, clock.now());
      if (step === null) {
        await audit.record({ ...base, result: 'failure' });
        throw invalid('auth.second_factor_invalid', '动态口令错误，请核对手机上的验证器后重试', [
          { path: 'code', message: '动态口令错误' },
        ]);
      }
      await withTransaction(db, async (tx) => {
        await repo.updateUser(tx, user.id, {
          totp_secret_sealed: user.totp_pending_sealed,
          totp_pending_sealed: null,
          totp_enabled: 1,
          totp_last_step: step,
          updated_at: clock.now().toISOString(),
        });
        if (session.sessionId && session.restriction === 'second_factor_setup') {
          await repo.updateSession(tx, session.sessionId, { restriction: null });
        }
        await audit.append(tx, { ...base, result: 'success' });
      });
      return {
        ...session,
        restriction: session.restriction === 'second_factor_setup' ? null : session.restriction,
        user: { ...session.user, secondFactorEnabled: true },
      };
    },

    /** IAM-08: the user locks their screen; only unlock with the password (or logout) works. */
    async lockSession(session: ResolvedSession): Promise<void> {
      if (session.sessionId) await repo.updateSession(db, session.sessionId, { locked: 1 });
    },

    async unlockSession(
      session: ResolvedSession,
      password: string,
      meta: RequestMeta,
    ): Promise<void> {
      const user = (await repo.findUserById(db, session.user.id))!;
      const policy = await deps.policy();
      const base = {
        action: 'auth.unlock',
        actor: actorOf(user),
        clientIp: meta.ip,
        requestId: meta.requestId,
      };
      if (!(await verifyPassword(user.password_hash, password))) {
        const lockedUntil = await countFailure(user.username, policy);
        await audit.record({ ...base, result: 'failure' });
        if (lockedUntil && session.sessionId) {
          await repo.deleteSession(db, session.sessionId);
          throw lockedError(lockedUntil);
        }
        throw invalid('password.current_wrong', '密码不正确', [
          { path: 'password', message: '密码不正确' },
        ]);
      }
      await repo.clearLoginFailures(db, user.username);
      if (session.sessionId) await repo.updateSession(db, session.sessionId, { locked: 0 });
    },

    /** A bearer token for a machine client of this account; shown once, stored as a digest. */
    async createApiToken(
      session: ResolvedSession,
      input: { name: string; days: number },
      meta: RequestMeta,
    ) {
      const token = API_TOKEN_PREFIX + randomBytes(32).toString('base64url');
      const at = clock.now();
      const row = {
        id: uuidv7(),
        user_id: session.user.id,
        name: input.name,
        token_digest: sha256(token),
        created_at: at.toISOString(),
        expires_at: new Date(at.getTime() + input.days * 86_400_000).toISOString(),
        last_used_at: null,
        revoked_at: null,
      };
      await withTransaction(db, async (tx) => {
        await repo.insertApiToken(tx, row);
        await audit.append(tx, {
          action: 'auth.api_token_create',
          result: 'success',
          actor: {
            id: session.user.id,
            name: session.user.displayName,
            unitId: session.user.unitId,
          },
          target: { type: 'api_token', id: row.id },
          clientIp: meta.ip,
          requestId: meta.requestId,
        });
      });
      return {
        id: row.id,
        name: row.name,
        token,
        createdAt: row.created_at,
        expiresAt: row.expires_at,
      };
    },

    async listApiTokens(session: ResolvedSession) {
      const rows = await repo.apiTokensOf(db, session.user.id);
      return rows.map((r) => ({
        id: r.id,
        name: r.name,
        createdAt: r.created_at,
        expiresAt: r.expires_at,
        lastUsedAt: r.last_used_at,
        revokedAt: r.revoked_at,
      }));
    },

    async revokeApiToken(session: ResolvedSession, tokenId: string, meta: RequestMeta) {
      const count = await withTransaction(db, async (tx) => {
        const n = await repo.revokeApiTokens(
          tx,
          session.user.id,
          clock.now().toISOString(),
          tokenId,
        );
        if (n > 0) {
          await audit.append(tx, {
            action: 'auth.api_token_revoke',
            result: 'success',
            actor: {
              id: session.user.id,
              name: session.user.displayName,
              unitId: session.user.unitId,
            },
            target: { type: 'api_token', id: tokenId },
            clientIp: meta.ip,
            requestId: meta.requestId,
          });
        }
        return n;
      });
      if (count === 0) throw new AppError('not_found', 'api_token.not_found', '令牌不存在或已吊销');
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
