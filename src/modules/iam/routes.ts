/** HTTP routes of the identity module: sign-in, my account, accounts, policy. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../../server/app.ts';
import {
  SESSION_COOKIE,
  currentSession,
  currentUser,
  requestMeta,
} from '../../server/plugins/access.ts';
import { AppError } from '../../server/errors.ts';
import type { ResolvedSession } from './auth.ts';
import { roles } from './permissions.ts';
import { reviewWorkbook } from './review-export.ts';
import {
  Account,
  AccountCreate,
  AccountCreated,
  AccountListQuery,
  AccountPatch,
  AccountReview,
  AccountReviewQuery,
  AccountStatusChange,
  ApiToken,
  ApiTokenCreate,
  ApiTokenCreated,
  Handover,
  HandoverRequest,
  LoginRequest,
  PasswordChangeRequest,
  ResetPasswordResult,
  RoleInfo,
  SecurityPolicy,
  SessionResponse,
  TotpConfirmRequest,
  TotpSetupResponse,
  UnlockRequest,
  Witness,
} from './schemas.ts';

const IdParam = z.object({ id: z.string().min(1).max(64) });

function toResponse(s: ResolvedSession): SessionResponse {
  const { user } = s;
  return {
    user: {
      id: user.id,
      username: user.username,
      displayName: user.displayName,
      unitId: user.unitId,
      unitName: user.unitName,
      kind: user.kind,
      roles: user.roles,
      permissions: user.permissions,
      mustChangePassword: user.mustChangePassword,
      secondFactorEnabled: user.secondFactorEnabled,
    },
    csrfToken: s.csrfToken,
    restriction: s.restriction,
    locked: s.locked,
  };
}

export function registerIamRoutes(app: FastifyInstance, { iam }: Services) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['身份认证'];
  const accountTags = ['账号管理'];
  const mine = { access: 'user', allowRestricted: true, allowLocked: true } as const;

  r.post(
    '/auth/login',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: '登录（需要时带动态口令 totp）',
        body: LoginRequest,
        response: { 200: SessionResponse },
      },
    },
    async (request, reply) => {
      const { token, session } = await iam.login(request.body, requestMeta(request));
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
    { config: mine, schema: { tags, summary: '退出登录', response: { 204: z.null() } } },
    async (request, reply) => {
      await iam.logout(currentSession(request), requestMeta(request));
      void reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send(null);
    },
  );

  r.get(
    '/auth/me',
    { config: mine, schema: { tags, summary: '当前登录用户', response: { 200: SessionResponse } } },
    async (request) => toResponse(currentSession(request)),
  );

  r.post(
    '/auth/password',
    {
      config: { access: 'user', allowRestricted: true },
      schema: {
        tags,
        summary: '修改密码',
        body: PasswordChangeRequest,
        response: { 200: SessionResponse },
      },
    },
    async (request) =>
      toResponse(
        await iam.changePassword(currentSession(request), request.body, requestMeta(request)),
      ),
  );

  r.post(
    '/auth/totp/setup',
    {
      config: { access: 'user', allowRestricted: true },
      schema: { tags, summary: '生成动态口令（TOTP）密钥', response: { 200: TotpSetupResponse } },
    },
    async (request) => {
      const session = currentSession(request);
      if (session.restriction === 'password_change') {
        throw new AppError('forbidden', 'auth.password_change_required', '请先修改密码');
      }
      return iam.startTotpSetup(session);
    },
  );

  r.post(
    '/auth/totp/confirm',
    {
      config: { access: 'user', allowRestricted: true },
      schema: {
        tags,
        summary: '用第一个动态口令确认绑定',
        body: TotpConfirmRequest,
        response: { 200: SessionResponse },
      },
    },
    async (request) =>
      toResponse(
        await iam.confirmTotp(currentSession(request), request.body.code, requestMeta(request)),
      ),
  );

  r.post(
    '/auth/lock',
    { config: mine, schema: { tags, summary: '锁定屏幕', response: { 204: z.null() } } },
    async (request, reply) => {
      await iam.lockSession(currentSession(request));
      return reply.status(204).send(null);
    },
  );

  r.post(
    '/auth/unlock',
    {
      config: mine,
      schema: {
        tags,
        summary: '输入密码解锁屏幕',
        body: UnlockRequest,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await iam.unlockSession(currentSession(request), request.body.password, requestMeta(request));
      return reply.status(204).send(null);
    },
  );

  r.get(
    '/auth/tokens',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: '我的 API 令牌',
        response: { 200: z.object({ items: z.array(ApiToken) }) },
      },
    },
    async (request) => ({ items: await iam.listApiTokens(currentSession(request)) }),
  );

  r.post(
    '/auth/tokens',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: '创建 API 令牌（只显示一次）',
        body: ApiTokenCreate,
        response: { 201: ApiTokenCreated },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await iam.createApiToken(currentSession(request), request.body, requestMeta(request)),
        ),
  );

  r.delete(
    '/auth/tokens/:id',
    {
      config: { access: 'user' },
      schema: { tags, summary: '吊销 API 令牌', params: IdParam, response: { 204: z.null() } },
    },
    async (request, reply) => {
      await iam.revokeApiToken(currentSession(request), request.params.id, requestMeta(request));
      return reply.status(204).send(null);
    },
  );

  r.get(
    '/roles',
    {
      config: { access: 'user' },
      schema: {
        tags: accountTags,
        summary: '角色与权限',
        response: { 200: z.object({ items: z.array(RoleInfo) }) },
      },
    },
    async () => ({
      items: Object.entries(roles).map(([role, d]) => ({
        role,
        name: d.name,
        kind: d.kind,
        permissions: [...d.permissions],
      })),
    }),
  );

  // Account management: the account administrator manages unit administrators within its
  // division; a unit administrator manages the business accounts of its unit. Both routes
  // families share one permission check per act, and the scope filter is in the service.
  for (const permission of ['account.manage_admins', 'account.manage_unit'] as const) {
    const prefix = permission === 'account.manage_admins' ? '/unit-admins' : '/accounts';
    const config = { access: permission } as const;
    const label = permission === 'account.manage_admins' ? '单位管理员账号' : '本单位业务账号';

    r.get(
      prefix,
      {
        config,
        schema: {
          tags: accountTags,
          summary: `${label}列表`,
          querystring: AccountListQuery,
          response: { 200: z.object({ items: z.array(Account) }) },
        },
      },
      async (request) => ({ items: await iam.accounts.list(currentUser(request), request.query) }),
    );
    r.post(
      prefix,
      {
        config,
        schema: {
          tags: accountTags,
          summary: `新建${label}（返回一次性初始密码）`,
          body: AccountCreate,
          response: { 201: AccountCreated },
        },
      },
      async (request, reply) =>
        reply
          .status(201)
          .send(
            await iam.accounts.create(currentUser(request), request.body, requestMeta(request)),
          ),
    );
    r.get(
      `${prefix}/:id`,
      {
        config,
        schema: {
          tags: accountTags,
          summary: `${label}详情`,
          params: IdParam,
          response: { 200: Account },
        },
      },
      async (request) => iam.accounts.get(currentUser(request), request.params.id),
    );
    r.patch(
      `${prefix}/:id`,
      {
        config,
        schema: {
          tags: accountTags,
          summary: `修改${label}（姓名、科室、角色）`,
          params: IdParam,
          body: AccountPatch,
          response: { 200: Account },
        },
      },
      async (request) =>
        iam.accounts.update(
          currentUser(request),
          request.params.id,
          request.body,
          requestMeta(request),
        ),
    );
    r.post(
      `${prefix}/:id/reset-password`,
      {
        config,
        schema: {
          tags: accountTags,
          summary: '重置密码（首次登录须修改）',
          params: IdParam,
          response: { 200: ResetPasswordResult },
        },
      },
      async (request) =>
        iam.accounts.resetPassword(currentUser(request), request.params.id, requestMeta(request)),
    );
    r.post(
      `${prefix}/:id/disable`,
      {
        config,
        schema: {
          tags: accountTags,
          summary: '停用账号（会话与令牌立即失效）',
          params: IdParam,
          body: AccountStatusChange,
          response: { 200: Account },
        },
      },
      async (request) =>
        iam.accounts.setStatus(
          currentUser(request),
          request.params.id,
          'disabled',
          request.body.reason,
          requestMeta(request),
        ),
    );
    r.post(
      `${prefix}/:id/enable`,
      {
        config,
        schema: {
          tags: accountTags,
          summary: '启用账号',
          params: IdParam,
          body: AccountStatusChange,
          response: { 200: Account },
        },
      },
      async (request) =>
        iam.accounts.setStatus(
          currentUser(request),
          request.params.id,
          'active',
          request.body.reason,
          requestMeta(request),
        ),
    );
    r.post(
      `${prefix}/:id/unlock`,
      {
        config,
        schema: {
          tags: accountTags,
          summary: '解除登录锁定',
          params: IdParam,
          response: { 204: z.null() },
        },
      },
      async (request, reply) => {
        await iam.accounts.unlock(currentUser(request), request.params.id, requestMeta(request));
        return reply.status(204).send(null);
      },
    );
    r.post(
      `${prefix}/:id/handover`,
      {
        config,
        schema: {
          tags: accountTags,
          summary: '登记工作交接（安全审计员见证）并停用账号',
          params: IdParam,
          body: HandoverRequest,
          response: { 201: z.object({ handoverId: z.string(), account: Account }) },
        },
      },
      async (request, reply) =>
        reply
          .status(201)
          .send(
            await iam.accounts.handover(
              currentUser(request),
              request.params.id,
              request.body,
              requestMeta(request),
            ),
          ),
    );
    r.get(
      `${prefix}/:id/handover-candidates`,
      {
        config,
        schema: {
          tags: accountTags,
          summary: '可接收交接的同单位账号',
          params: IdParam,
          response: {
            200: z.object({
              items: z.array(
                z.object({
                  id: z.string(),
                  username: z.string(),
                  displayName: z.string(),
                  office: z.string().nullable(),
                }),
              ),
            }),
          },
        },
      },
      async (request) => ({
        items: await iam.accounts.handoverCandidates(currentUser(request), request.params.id),
      }),
    );
    r.get(
      `${prefix}/:id/handovers`,
      {
        config,
        schema: {
          tags: accountTags,
          summary: '交接记录',
          params: IdParam,
          response: { 200: z.object({ items: z.array(Handover) }) },
        },
      },
      async (request) => ({
        items: await iam.accounts.handovers(currentUser(request), request.params.id),
      }),
    );
  }

  r.get(
    '/account-review',
    {
      config: { access: 'account.review' },
      schema: {
        tags: accountTags,
        summary: '账号清理审查报告（每半年）',
        querystring: AccountReviewQuery,
        response: { 200: AccountReview },
      },
    },
    async (request) => iam.accounts.review(currentUser(request), request.query),
  );

  r.get(
    '/account-review.xlsx',
    {
      config: { access: 'account.review' },
      schema: {
        tags: accountTags,
        summary: '导出账号清理审查报告（XLSX）',
        querystring: AccountReviewQuery,
      },
    },
    async (request, reply) => {
      const report = await iam.accounts.review(currentUser(request), request.query);
      const buffer = await reviewWorkbook(report);
      return reply
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header(
          'content-disposition',
          `attachment; filename*=UTF-8''${encodeURIComponent(`账号审查-${report.period}.xlsx`)}`,
        )
        .send(buffer);
    },
  );

  r.get(
    '/witnesses',
    {
      config: { access: 'account.review' },
      schema: {
        tags: accountTags,
        summary: '可作交接见证人的安全审计员',
        response: { 200: z.object({ items: z.array(Witness) }) },
      },
    },
    async () => ({ items: await iam.witnesses() }),
  );

  r.get(
    '/security-policy',
    {
      config: { access: 'policy.manage' },
      schema: { tags: ['安全策略'], summary: '安全策略', response: { 200: SecurityPolicy } },
    },
    async () => iam.policy(),
  );

  r.put(
    '/security-policy',
    {
      config: { access: 'policy.manage' },
      schema: {
        tags: ['安全策略'],
        summary: '修改安全策略',
        body: SecurityPolicy,
        response: { 200: SecurityPolicy },
      },
    },
    async (request) => iam.savePolicy(currentUser(request), request.body, requestMeta(request)),
  );
}
