/**
 * Accounts, login and database-held sessions. Sessions live in the database so that
 * several app instances can serve one user; the browser holds only a random token, and the
 * database only its SHA-256.
 */
import { createHash, randomBytes } from 'node:crypto';
import { AppError } from '../../server/errors.ts';
import type { AppContext } from '../../server/context.ts';
import type { Tx } from '../../db/transaction.ts';
import { uuidv7 } from '../../lib/uuid.ts';
import { decoyHash, hashPassword, verifyPassword } from './password.ts';
import { permissionsOf, type Permission, type Role } from './permissions.ts';
import * as repo from './repository.ts';

/** The caller as every route sees it. */
export interface SessionUser {
  id: string;
  username: string;
  displayName: string;
  unitId: string;
  unitName: string;
  unitDivisionCode: string;
  roles: string[];
  permissions: Permission[];
  mustChangePassword: boolean;
}

export interface ResolvedSession {
  sessionId: string;
  csrfToken: string;
  user: SessionUser;
}

const invalidCredentials = () =>
  new AppError('unauthenticated', 'auth.invalid_credentials', '用户名或密码错误');

export function sessionIdOf(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function createIamService(ctx: AppContext) {
  const { db, clock, config } = ctx;

  async function toSessionUser(user: repo.UserWithUnit): Promise<SessionUser> {
    const roleNames = await repo.rolesOf(db, user.id);
    return {
      id: user.id,
      username: user.username,
      displayName: user.display_name,
      unitId: user.unit_id,
      unitName: user.unit_name,
      unitDivisionCode: user.unit_division_code,
      roles: roleNames,
      permissions: permissionsOf(roleNames),
      mustChangePassword: user.must_change_password === 1,
    };
  }

  return {
    /** Whether the session cookie is marked Secure (set when the console is served over HTTPS). */
    cookieSecure: config.cookieSecure,

    /** Creates an account in `tx` (used by the demo loader and, later, account management). */
    async createUser(
      tx: Tx,
      input: {
        username: string;
        displayName: string;
        unitId: string;
        password: string;
        roles: readonly Role[];
        mustChangePassword: boolean;
      },
    ): Promise<string> {
      const at = clock.now().toISOString();
      const id = uuidv7();
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
        },
        input.roles,
      );
      return id;
    },

    /** Checks the password and opens a session; the same error whether or not the name exists. */
    async login(
      username: string,
      password: string,
      client: { ip: string | null; userAgent: string | null },
    ): Promise<{ token: string; session: ResolvedSession }> {
      const user = await repo.findUserByUsername(db, username);
      if (!user) {
        await verifyPassword(await decoyHash(), password);
        throw invalidCredentials();
      }
      const ok = await verifyPassword(user.password_hash, password);
      const at = clock.now();
      if (!ok) {
        await repo.recordLoginFailure(db, user.id, at.toISOString());
        throw invalidCredentials();
      }
      if (user.status !== 'active') throw invalidCredentials();
      const token = randomBytes(32).toString('base64url');
      const csrfToken = randomBytes(24).toString('base64url');
      const sessionId = sessionIdOf(token);
      await repo.recordLoginSuccess(db, user.id, at.toISOString());
      await repo.insertSession(db, {
        id: sessionId,
        user_id: user.id,
        csrf_token: csrfToken,
        created_at: at.toISOString(),
        last_seen_at: at.toISOString(),
        expires_at: new Date(at.getTime() + config.sessionMaxHours * 3_600_000).toISOString(),
        client_ip: client.ip,
        user_agent: client.userAgent?.slice(0, 300) ?? null,
      });
      return { token, session: { sessionId, csrfToken, user: await toSessionUser(user) } };
    },

    /**
     * The session behind a token, or null when it is unknown, expired, idle too long or its
     * account is no longer active — checked on every request, so a disabled account stops
     * working at once.
     */
    async resolveSession(token: string): Promise<ResolvedSession | null> {
      const sessionId = sessionIdOf(token);
      const session = await repo.findSession(db, sessionId);
      if (!session) return null;
      const now = clock.now();
      const idleLimit =
        new Date(session.last_seen_at).getTime() + config.sessionIdleMinutes * 60_000;
      if (now.toISOString() >= session.expires_at || now.getTime() >= idleLimit) {
        await repo.deleteSession(db, sessionId);
        return null;
      }
      const user = await repo.findUserById(db, session.user_id);
      if (!user || user.status !== 'active') return null;
      // One write a minute at most: enough for the idle timeout, cheap for busy pages.
      if (now.getTime() - new Date(session.last_seen_at).getTime() > 60_000) {
        await repo.touchSession(db, sessionId, now.toISOString());
      }
      return { sessionId, csrfToken: session.csrf_token, user: await toSessionUser(user) };
    },

    async logout(sessionId: string): Promise<void> {
      await repo.deleteSession(db, sessionId);
    },
  };
}

export type IamService = ReturnType<typeof createIamService>;
