/** HTTP routes of sharing requests, grants, error reports, supervision and notifications. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../../server/app.ts';
import { auditContext, currentUser } from '../../server/plugins/access.ts';
import {
  ErrorAnswer,
  ErrorReport,
  ErrorReportCreate,
  Grant,
  IdParam,
  ImplementationSheet,
  Notification,
  RequestAction,
  RequestCreate,
  RequestDetail,
  RequestList,
  RequestListQuery,
  RevokeRequest,
  SharingPolicy,
  SharingPolicyView,
  Supervision,
} from './schemas.ts';

export function registerSharingRoutes(app: FastifyInstance, { sharing }: Services) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['共享申请'];

  r.get(
    '/sharing/policy',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: '共享办理时限（工作日）等策略',
        response: { 200: SharingPolicyView },
      },
    },
    async () => sharing.policyView(),
  );

  r.put(
    '/sharing/policy',
    {
      config: { access: 'sharing.manage' },
      schema: {
        tags,
        summary: '设置共享办理时限（只影响此后开始的环节）',
        body: SharingPolicy,
        response: { 200: SharingPolicyView },
      },
    },
    async (request) => sharing.setPolicy(request.body, currentUser(request), auditContext(request)),
  );

  r.post(
    '/sharing/requests',
    {
      config: { access: 'sharing.request' },
      schema: {
        tags,
        summary: '提交共享申请书（按最小必要原则选择信息项）',
        body: RequestCreate,
        response: { 201: RequestDetail },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await sharing.file(request.body, currentUser(request), auditContext(request))),
  );

  r.get(
    '/sharing/requests',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: '共享申请清单：本单位申请、待我处理、向本单位的申请、全部（监察）',
        querystring: RequestListQuery,
        response: { 200: RequestList },
      },
    },
    async (request) => sharing.list(request.query, currentUser(request)),
  );

  r.get(
    '/sharing/requests/:id',
    {
      config: { access: 'user' },
      schema: { tags, summary: '共享申请详情', params: IdParam, response: { 200: RequestDetail } },
    },
    async (request) => sharing.get(request.params.id, currentUser(request)),
  );

  r.post(
    '/sharing/requests/:id/actions',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: '办理：撤回、预审通过/不通过、批准、不予共享、交付、提请协调、协调结果',
        params: IdParam,
        body: RequestAction,
        response: { 200: RequestDetail },
      },
    },
    async (request) =>
      sharing.act(request.params.id, request.body, currentUser(request), auditContext(request)),
  );

  r.get(
    '/sharing/requests/:id/sheet',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: '共享实施单',
        params: IdParam,
        response: { 200: ImplementationSheet },
      },
    },
    async (request) => sharing.sheet(request.params.id, currentUser(request)),
  );

  r.get(
    '/sharing/grants',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: '本单位获得的授权（使用方）与授出的授权（提供方）',
        querystring: z.object({ side: z.enum(['consumer', 'provider']).default('consumer') }),
        response: { 200: z.object({ items: z.array(Grant) }) },
      },
    },
    async (request) => ({ items: await sharing.grants(request.query.side, currentUser(request)) }),
  );

  r.post(
    '/sharing/grants/:id/revoke',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: '立即撤销授权（提供方或平台）',
        params: IdParam,
        body: RevokeRequest,
        response: { 200: Grant },
      },
    },
    async (request) =>
      sharing.revoke(
        request.params.id,
        request.body.reason,
        currentUser(request),
        auditContext(request),
      ),
  );

  r.post(
    '/sharing/grants/:id/error-reports',
    {
      config: { access: 'sharing.request' },
      schema: {
        tags,
        summary: '报告共享数据错误（发现后 1 个工作日内）',
        params: IdParam,
        body: ErrorReportCreate,
        response: { 201: ErrorReport },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await sharing.reportError(
            request.params.id,
            request.body,
            currentUser(request),
            auditContext(request),
          ),
        ),
  );

  r.post(
    '/sharing/error-reports/:id/answer',
    {
      config: { access: 'sharing.approve' },
      schema: {
        tags,
        summary: '答复数据纠错（3 个工作日内）',
        params: IdParam,
        body: ErrorAnswer,
        response: { 200: ErrorReport },
      },
    },
    async (request) =>
      sharing.answerError(
        request.params.id,
        request.body.answer,
        currentUser(request),
        auditContext(request),
      ),
  );

  r.get(
    '/sharing/supervision',
    {
      config: { access: 'sharing.supervise' },
      schema: {
        tags,
        summary: '电子监察：临期、超期环节，按单位与状态统计',
        response: { 200: Supervision },
      },
    },
    async (request) => sharing.supervision(currentUser(request)),
  );

  r.get(
    '/notifications',
    {
      // The console polls this; polling must not keep an idle session alive.
      config: { access: 'user', passive: true },
      schema: {
        tags: ['通知'],
        summary: '我的通知',
        querystring: z.object({
          unread: z
            .enum(['true', 'false'])
            .default('false')
            .transform((v) => v === 'true'),
        }),
        response: {
          200: z.object({ items: z.array(Notification), unread: z.number() }),
        },
      },
    },
    async (request) => sharing.notifications(currentUser(request), request.query.unread),
  );

  r.post(
    '/notifications/:id/read',
    {
      config: { access: 'user' },
      schema: {
        tags: ['通知'],
        summary: '标为已读',
        params: z.object({ id: z.coerce.number().int().min(1, '通知编号无效') }),
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await sharing.markRead(currentUser(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  r.post(
    '/notifications/read-all',
    {
      config: { access: 'user' },
      schema: { tags: ['通知'], summary: '全部标为已读', response: { 204: z.null() } },
    },
    async (request, reply) => {
      await sharing.markRead(currentUser(request), null);
      return reply.status(204).send(null);
    },
  );
}
