/**
 * HTTP routes of the exchange layer: credential management for the consumer unit's staff
 * (console), and the signed machine calls (verify, query).
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../../server/app.ts';
import { AppError } from '../../server/errors.ts';
import { auditContext, currentUser } from '../../server/plugins/access.ts';
import type { ExchangeCaller } from './service.ts';

const Credential = z.object({
  id: z.string(),
  label: z.string(),
  grantId: z.string(),
  status: z.enum(['active', 'revoked']),
  createdAt: z.string(),
  revokedAt: z.string().nullable(),
});

const KeyValue = z.union([
  z.string().max(200),
  z.record(z.string(), z.union([z.string(), z.number()])),
]);
const Scalar = z.union([z.string().max(2000), z.number(), z.boolean(), z.null()]);

declare module 'fastify' {
  interface FastifyRequest {
    /** The body as sent, for signature checks on exchange calls. */
    rawBody?: string;
    /** The signed caller of an exchange call, set before validation. */
    exchangeCaller?: ExchangeCaller;
  }
}

export function registerExchangeRoutes(app: FastifyInstance, services: Services) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { exchange } = services;
  const tags = ['数据交换'];

  r.get(
    '/exchange/credentials',
    {
      config: { access: 'sharing.request' },
      schema: {
        tags,
        summary: '某项授权的接口凭证（使用方）',
        querystring: z.object({ grantId: z.string().min(1).max(64) }),
        response: { 200: z.object({ items: z.array(Credential) }) },
      },
    },
    async (request) => ({
      items: await exchange.credentials(request.query.grantId, currentUser(request)),
    }),
  );

  r.post(
    '/exchange/credentials',
    {
      config: { access: 'sharing.request' },
      schema: {
        tags,
        summary: '为授权签发接口凭证（密钥只显示这一次；可同时持有两个以便轮换）',
        body: z.object({
          grantId: z.string().min(1).max(64),
          label: z.string().trim().min(1, '请填写凭证用途，如“就业系统生产环境”').max(100),
        }),
        response: { 201: Credential.extend({ secret: z.string() }) },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await exchange.issueCredential(
            request.body.grantId,
            request.body.label,
            currentUser(request),
            auditContext(request),
          ),
        ),
  );

  r.post(
    '/exchange/credentials/:id/revoke',
    {
      config: { access: 'sharing.request' },
      schema: {
        tags,
        summary: '吊销接口凭证（立即生效）',
        params: z.object({ id: z.string().min(1).max(64) }),
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await exchange.revokeCredential(
        request.params.id,
        currentUser(request),
        auditContext(request),
      );
      return reply.status(204).send(null);
    },
  );

  // Machine calls: their own JSON parser keeps the raw body, which the signature covers.
  void app.register(async (machine) => {
    machine.addContentTypeParser(
      'application/json',
      { parseAs: 'string', bodyLimit: 64 * 1024 },
      (request: FastifyRequest, body: string | Buffer, done) => {
        const text = typeof body === 'string' ? body : body.toString('utf8');
        request.rawBody = text;
        try {
          done(null, text.length > 0 ? JSON.parse(text) : {});
        } catch {
          done(
            new AppError('invalid', 'exchange.malformed_body', '请求体不是有效的 JSON'),
            undefined,
          );
        }
      },
    );
    // Signature, credential, grant and rate limit before the body is validated: a caller
    // without access learns nothing about what a valid request looks like.
    machine.addHook('preValidation', async (request) => {
      request.exchangeCaller = await exchange.authenticate({
        method: request.method,
        url: request.url,
        headers: request.headers,
        rawBody: request.rawBody ?? '',
      });
    });
    const m = machine.withTypeProvider<ZodTypeProvider>();
    const meta = (request: FastifyRequest) => ({ clientIp: request.ip, requestId: request.id });
    const caller = (request: FastifyRequest) => {
      if (!request.exchangeCaller)
        throw new AppError('unauthenticated', 'exchange.signature_missing', '缺少签名信息');
      return request.exchangeCaller;
    };

    m.post(
      '/exchange/verify',
      {
        config: { access: 'credential' },
        schema: {
          tags,
          summary: '比对验证：按主键比对声明的值，只返回一致或不一致',
          body: z.object({ key: KeyValue, claims: z.record(z.string(), Scalar) }),
          response: {
            200: z.object({
              found: z.boolean(),
              results: z.record(z.string(), z.enum(['match', 'no_match'])),
            }),
          },
        },
      },
      async (request) => exchange.verify(caller(request), request.body, meta(request)),
    );

    const BatchQuery = z.object({
      format: z.enum(['csv', 'ndjson']).default('csv'),
      /** Resume after this key (the last one received). */
      after: z.string().max(500).optional(),
      /** Only rows changed after this change number (from x-mzhub-change-no of an earlier copy). */
      since: z.coerce.number().int().min(0).optional(),
    });

    m.get(
      '/exchange/batch',
      {
        config: { access: 'credential' },
        schema: {
          tags,
          summary:
            '批量复制：授权信息项的全部数据或某变更号之后的变更，按主键排序流式输出（CSV 或 NDJSON），可从断点续传',
          querystring: BatchQuery,
        },
      },
      async (request, reply) => {
        const c = caller(request);
        exchange.checkBatch(c);
        const changeNo = await exchange.currentChange(c.grant.resource_id);
        const count = { rows: 0 };
        const lines = exchange.batchLines(c, request.query, count);
        const audited = async function* () {
          yield* lines;
          await exchange.auditBatch(c, meta(request), count.rows, {
            format: request.query.format,
            after: request.query.after ?? null,
            since: request.query.since ?? null,
            changeNo,
          });
        };
        return reply
          .type(
            request.query.format === 'csv'
              ? 'text/csv; charset=utf-8'
              : 'application/x-ndjson; charset=utf-8',
          )
          .header('x-mzhub-change-no', String(changeNo))
          .send(Readable.from(audited()));
      },
    );

    m.get(
      '/exchange/batch/manifest',
      {
        config: { access: 'credential' },
        schema: {
          tags,
          summary: '批量复制清单：同样参数下的行数与校验值（SM3），用于核对',
          querystring: BatchQuery,
          response: {
            200: z.object({
              rowCount: z.number(),
              checksum: z.string(),
              changeNo: z.number(),
              format: z.string(),
              fields: z.array(z.string()),
            }),
          },
        },
      },
      async (request) => {
        const c = caller(request);
        exchange.checkBatch(c);
        const changeNo = await exchange.currentChange(c.grant.resource_id);
        const count = { rows: 0 };
        const hash = createHash('sm3');
        for await (const text of exchange.batchLines(c, request.query, count)) hash.update(text);
        await exchange.auditBatch(c, meta(request), 0, { manifest: true, rows: count.rows });
        return {
          rowCount: count.rows,
          checksum: hash.digest('hex'),
          changeNo,
          format: request.query.format,
          fields: c.grant.fields,
        };
      },
    );

    m.post(
      '/exchange/query',
      {
        config: { access: 'credential' },
        schema: {
          tags,
          summary: '查询引用：按主键返回授权范围内的信息项',
          body: z.object({ key: KeyValue, fields: z.array(z.string()).max(500).optional() }),
          response: {
            200: z.object({
              found: z.boolean(),
              record: z.record(z.string(), z.unknown()).nullable(),
            }),
          },
        },
      },
      async (request) => exchange.query(caller(request), request.body, meta(request)),
    );
  });
}
