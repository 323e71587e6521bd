/**
 * Authentication and access, decided in one place. Every route declares who may call it in
 * its `config.access`: 'public', 'user' (any signed-in account) or a permission. A route
 * registered without a declaration is refused at start-up, so no endpoint can forget it.
 *
 * Console requests carry the session cookie plus an `x-csrf-token` header on every change;
 * machine clients send `Authorization: Bearer mzt_…`. A session that must first change its
 * password or enrol a second factor, or whose screen is locked, reaches only the routes that
 * say so (`config.allowRestricted`, `config.allowLocked`). Refusals are audited.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { AuditContext, AuditService } from '../../modules/audit/service.ts';
import type { Permission } from '../../modules/iam/permissions.ts';
import type {
  IamService,
  RequestMeta,
  ResolvedSession,
  SessionUser,
} from '../../modules/iam/service.ts';
import { AppError } from '../errors.ts';

/**
 * 'credential': machine calls of the exchange layer, signed with an exchange credential and
 * checked by the route itself (the body is part of the signature).
 */
export type Access = 'public' | 'user' | 'credential' | Permission;

export const SESSION_COOKIE = 'mzhub_session';

/** Every API route with its declared access, for the route × role × scope test. */
export interface RouteAccess {
  method: string;
  url: string;
  access: Access | null;
}

declare module 'fastify' {
  interface FastifyInstance {
    accessTable: RouteAccess[];
  }
  interface FastifyContextConfig {
    access?: Access;
    /** Reachable while the session must change its password or enrol a second factor. */
    allowRestricted?: boolean;
    /** Reachable while the session's screen is locked. */
    allowLocked?: boolean;
    /** Polled in the background: does not count as activity for the idle timeout. */
    passive?: boolean;
  }
  interface FastifyRequest {
    session: ResolvedSession | null;
  }
}

const unsafeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The signed-in caller; throws `auth.required` for anonymous requests. */
export function currentUser(request: FastifyRequest): SessionUser {
  return currentSession(request).user;
}

export function currentSession(request: FastifyRequest): ResolvedSession {
  if (!request.session) throw new AppError('unauthenticated', 'auth.required', '请先登录');
  return request.session;
}

/** Client address and request id, for the audit trail. */
export function requestMeta(request: FastifyRequest): RequestMeta {
  return {
    ip: request.ip,
    requestId: request.id,
    userAgent: request.headers['user-agent'] ?? null,
  };
}

/** The signed-in caller as the audit trail records them. */
export function auditContext(request: FastifyRequest): AuditContext {
  const user = currentUser(request);
  return {
    actor: { id: user.id, name: user.displayName, unitId: user.unitId },
    clientIp: request.ip,
    requestId: request.id,
  };
}

export const accessPlugin = fp(
  async (app: FastifyInstance, opts: { iam: IamService; audit: AuditService }) => {
    app.decorateRequest('session', null);
    const accessTable: RouteAccess[] = [];
    app.decorate('accessTable', accessTable);

    app.addHook('onRoute', (route) => {
      if (route.url.startsWith('/api')) {
        accessTable.push({
          method: String(route.method),
          url: route.url,
          access: route.config?.access ?? null,
        });
      }
      const access = route.config?.access;
      const internal = route.url.startsWith('/api/docs') || !route.url.startsWith('/api');
      if (!access && !internal) {
        throw new Error(
          `路由 ${route.method.toString()} ${route.url} 未声明访问权限（config.access）`,
        );
      }
    });

    // Before validation: a caller without access learns nothing about what a valid request
    // would look like.
    app.addHook('preValidation', async (request) => {
      const config = request.routeOptions.config;
      const access = config.access;
      if (!access || access === 'public' || access === 'credential') return;
      const bearer = /^Bearer (\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
      const cookie = request.cookies[SESSION_COOKIE];
      request.session = bearer
        ? await opts.iam.resolveApiToken(bearer)
        : cookie
          ? await opts.iam.resolveSession(cookie, { passive: config.passive === true })
          : null;
      const session = request.session;
      if (!session) {
        throw new AppError(
          'unauthenticated',
          'auth.required',
          '请先登录，或登录已超时，请重新登录',
        );
      }
      if (session.sessionId && unsafeMethods.has(request.method)) {
        if (request.headers['x-csrf-token'] !== session.csrfToken) {
          throw new AppError(
            'forbidden',
            'auth.csrf',
            '请求缺少有效的防伪令牌（x-csrf-token），请刷新页面后重试',
          );
        }
      }
      if (session.locked && !config.allowLocked) {
        throw new AppError('locked', 'auth.session_locked', '屏幕已锁定，请输入密码解锁');
      }
      if (session.restriction && !config.allowRestricted) {
        throw session.restriction === 'password_change'
          ? new AppError(
              'forbidden',
              'auth.password_change_required',
              '请先修改密码（首次登录、密码被重置或已超过有效期）',
            )
          : new AppError(
              'forbidden',
              'auth.second_factor_setup_required',
              '您的角色要求使用动态口令，请先完成绑定',
            );
      }
      if (access !== 'user' && !session.user.permissions.includes(access)) {
        await opts.audit.record({
          action: 'access.denied',
          result: 'denied',
          actor: {
            id: session.user.id,
            name: session.user.displayName,
            unitId: session.user.unitId,
          },
          clientIp: request.ip,
          requestId: request.id,
          detail: { method: request.method, route: request.routeOptions.url, permission: access },
        });
        throw new AppError('forbidden', 'auth.permission_denied', '您的账号没有执行此操作的权限');
      }
    });
  },
  { name: 'mzhub-access' },
);
