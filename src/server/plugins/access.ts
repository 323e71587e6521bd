/**
 * Authentication and access, decided in one place. Every route declares who may call it in
 * its `config.access`: 'public', 'user' (any logged-in account) or a permission. A route
 * registered without a declaration is refused at start-up, so no endpoint can forget it.
 * Console requests carry the session cookie plus an `x-csrf-token` header on every change.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Permission } from '../../modules/iam/permissions.ts';
import type { IamService, ResolvedSession, SessionUser } from '../../modules/iam/service.ts';
import { AppError } from '../errors.ts';

export type Access = 'public' | 'user' | Permission;

export const SESSION_COOKIE = 'mzhub_session';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    session: ResolvedSession | null;
  }
}

const unsafeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The logged-in caller; throws `auth.required` for anonymous requests. */
export function currentUser(request: FastifyRequest): SessionUser {
  if (!request.session) throw new AppError('unauthenticated', 'auth.required', '请先登录');
  return request.session.user;
}

export const accessPlugin = fp(
  async (app: FastifyInstance, opts: { iam: IamService }) => {
    app.decorateRequest('session', null);

    app.addHook('onRoute', (route) => {
      const access = (route.config)?.access;
      const internal = route.url.startsWith('/api/docs') || !route.url.startsWith('/api');
      if (!access && !internal) {
        throw new Error(
          `路由 ${route.method.toString()} ${route.url} 未声明访问权限（config.access）`,
        );
      }
    });

    app.addHook('preHandler', async (request) => {
      const access = request.routeOptions.config.access;
      if (!access || access === 'public') return;
      const token = request.cookies[SESSION_COOKIE];
      request.session = token ? await opts.iam.resolveSession(token) : null;
      if (!request.session) {
        throw new AppError(
          'unauthenticated',
          'auth.required',
          '请先登录，或登录已超时，请重新登录',
        );
      }
      if (unsafeMethods.has(request.method)) {
        const sent = request.headers['x-csrf-token'];
        if (sent !== request.session.csrfToken) {
          throw new AppError(
            'forbidden',
            'auth.csrf',
            '请求缺少有效的防伪令牌（x-csrf-token），请刷新页面后重试',
          );
        }
      }
      if (access !== 'user' && !request.session.user.permissions.includes(access)) {
        throw new AppError('forbidden', 'auth.permission_denied', '您的账号没有执行此操作的权限');
      }
    });
  },
  { name: 'mzhub-access' },
);
