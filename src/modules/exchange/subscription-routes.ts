/**
 * HTTP routes of subscriptions (订阅推送, EXC-04): the consumer unit's staff register, list
 * and cancel webhooks on their grants, watch the deliveries and re-queue failed ones; the
 * platform's SM2 public key is public, for receivers that verify the SM2 signature.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../../server/app.ts';
import { auditContext, currentUser } from '../../server/plugins/access.ts';
import { maxWebhookUrlLength } from './subscriptions-webhook.ts';

const Subscription = z.object({
  id: z.string(),
  grantId: z.string(),
  url: z.string(),
  label: z.string(),
  signature: z.enum(['hmac-sm3', 'hmac-sm3+sm2']),
  status: z.enum(['active', 'cancelled', 'ended']),
  endReason: z.string().nullable(),
  createdAt: z.string(),
  endedAt: z.string().nullable(),
  counts: z.object({ pending: z.number(), delivered: z.number(), failed: z.number() }),
  lastDeliveredAt: z.string().nullable(),
});

const Delivery = z.object({
  id: z.string(),
  changeNo: z.number(),
  rowCount: z.number(),
  status: z.enum(['pending', 'delivered', 'failed']),
  attempts: z.number(),
  createdAt: z.string(),
  nextAttemptAt: z.string().nullable(),
  lastAttemptAt: z.string().nullable(),
  lastStatusCode: z.number().nullable(),
  lastError: z.string().nullable(),
  lastErrorDetail: z.string().nullable(),
  deliveredAt: z.string().nullable(),
});

const SubscriptionId = z.object({ id: z.string().min(1).max(64) });

export function registerSubscriptionRoutes(app: FastifyInstance, services: Services) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { subscriptions } = services;
  const tags = ['数据交换'];

  r.get(
    '/exchange/subscriptions',
    {
      config: { access: 'sharing.request' },
      schema: {
        tags,
        summary: '某项授权的订阅（使用方），含已送达、待送达、失败的推送数',
        querystring: z.object({ grantId: z.string().min(1).max(64) }),
        response: { 200: z.object({ items: z.array(Subscription) }) },
      },
    },
    async (request) => ({
      items: await subscriptions.list(request.query.grantId, currentUser(request)),
    }),
  );

  r.post(
    '/exchange/subscriptions',
    {
      config: { access: 'sharing.request' },
      schema: {
        tags,
        summary:
          '订阅授权资源的数据变更：平台向回调地址推送签名通知（签名密钥只显示这一次），授权须包含“订阅推送”',
        body: z.object({
          grantId: z.string().min(1).max(64),
          url: z
            .string()
            .trim()
            .min(1, '请填写回调地址')
            .max(maxWebhookUrlLength, `回调地址最多 ${maxWebhookUrlLength} 个字符`),
          label: z.string().trim().min(1, '请填写订阅用途，如“就业系统生产环境”').max(100),
          signature: z.enum(['hmac-sm3', 'hmac-sm3+sm2']).default('hmac-sm3'),
        }),
        response: { 201: Subscription.extend({ secret: z.string() }) },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await subscriptions.create(request.body, currentUser(request), auditContext(request)),
        ),
  );

  r.post(
    '/exchange/subscriptions/:id/cancel',
    {
      config: { access: 'sharing.request' },
      schema: {
        tags,
        summary: '取消订阅（立即生效，尚未送达的推送标记为失败）',
        params: SubscriptionId,
        response: { 200: Subscription },
      },
    },
    async (request) =>
      subscriptions.cancel(request.params.id, currentUser(request), auditContext(request)),
  );

  r.get(
    '/exchange/subscriptions/:id/deliveries',
    {
      config: { access: 'sharing.request' },
      schema: {
        tags,
        summary: '订阅的推送记录：每次变更一条，含状态、尝试次数和最近的错误',
        params: SubscriptionId,
        querystring: z.object({
          status: z.enum(['pending', 'delivered', 'failed']).optional(),
          cursor: z.string().max(200).optional(),
          limit: z.coerce.number().int().min(1).max(200).default(50),
        }),
        response: {
          200: z.object({ items: z.array(Delivery), nextCursor: z.string().nullable() }),
        },
      },
    },
    async (request) =>
      subscriptions.deliveries(request.params.id, currentUser(request), request.query),
  );

  r.post(
    '/exchange/subscriptions/:id/requeue',
    {
      config: { access: 'sharing.request' },
      schema: {
        tags,
        summary: '重新推送失败的通知（全部，或指定编号的几条），立即重试',
        params: SubscriptionId,
        // No body (or no ids): every failed notification of the subscription.
        body: z
          .object({ ids: z.array(z.string().min(1).max(64)).min(1).max(500).optional() })
          .nullish(),
        response: { 200: z.object({ requeued: z.number() }) },
      },
    },
    async (request) =>
      subscriptions.requeue(
        request.params.id,
        request.body?.ids,
        currentUser(request),
        auditContext(request),
      ),
  );

  r.get(
    '/exchange/webhook-key',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: '平台的 SM2 公钥：用于验证推送的 x-mzhub-sm2-signature（SM3 杂凑，默认用户标识）',
        response: {
          200: z.object({
            algorithm: z.literal('SM2-with-SM3'),
            userId: z.string(),
            publicKey: z.string(),
            publicKeyPem: z.string().nullable(),
          }),
        },
      },
    },
    async () => subscriptions.webhookKey(),
  );
}
