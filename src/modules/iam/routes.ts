/** Login, logout and "who am I" for the console. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../../server/app.ts';
import { SESSION_COOKIE } from '../../server/plugins/access.ts';
import { LoginRequest, SessionResponse } from './schemas.ts';
import type { ResolvedSession } from './service.ts';

const tags = ['身份认证'];

export function registerIamRoutes(app: FastifyInstance, { iam }: Services) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const toResponse = (s: ResolvedSession) => ({
    user: {
      id: s.user.id,
      username: s.user.username,
      displayName: s.user.displayName,
      unitId: s.user.unitId,
      unitName: s.user.unitName,
      roles: s.user.roles,
      permissions: s.user.permissions,
      mustChangePassword: s.user.mustChangePassword,
    },
    csrfToken: s.csrfToken,
  });

  r.post(
    '/auth/login',
    {
      config: { access: 'public' },
      schema: { tags, summary: '登录', body: LoginRequest, response: { 200: SessionResponse } },
    },
    async (request, reply) => {
      const { token, session } = await iam.login(request.body.username, request.body.password, {
        ip: request.ip,
        userAgent: request.headers['user-agent'] ?? null,
      });
      void reply.setCookie(SESSION_COOKIE, token, {
        path: '/',
        httpOnly: true,
        sameSite: 'strict',
        secure: iam.cookieSecure,
      });
      return toResponse(session);
    },
  );

  r.post(
    '/auth/logout',
    {
      config: { access: 'user' },
      schema: { tags, summary: '退出登录', response: { 204: z.null() } },
    },
    async (request, reply) => {
      if (request.session) await iam.logout(request.session.sessionId);
      void reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send(null);
    },
  );

  r.get(
    '/auth/me',
    {
      config: { access: 'user' },
      schema: { tags, summary: '当前登录用户', response: { 200: SessionResponse } },
    },
    async (request) => toResponse(request.session!),
  );
}
