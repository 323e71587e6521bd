/**
 * HTTP routes of the exchange layer: credential management for the consumer unit's staff,
 * the interface registry on catalog entries, usage statistics (console), and the signed
 * machine calls (verify, query, batch copy).
 */
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../../server/app.ts';
import { AppError } from '../../server/errors.ts';
import { auditContext, currentUser } from '../../server/plugins/access.ts';
import { provisionModes } from '../catalog/elements.ts';
import type { ExchangeCaller } from './service.ts';

const Credential = z.object({
  id: z.string(),
  label: z.string(),
  grantId: z.string(),
  status: z.enum(['active', 'revoked']),
  algorithm: z.enum(['hmac-sm3', 'sm2']),
  createdAt: z.string(),
  revokedAt: z.string().nullable(),
});

const InterfaceView = z.object({
  code: z.string(),
  resourceId: z.string(),
  resourceCode: z.string(),
  class: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.literal(9)]),
  classLabel: z.string(),
  builder: z.enum(['provider', 'platform']),
  builderLabel: z.string(),
  builderUnitName: z.string().nullable(),
  sequence: z.number(),
  mode: z.string().nullable(),
  modeLabel: z.string().nullable(),
  name: z.string(),
  method: z.string().nullable(),
  path: z.string().nullable(),
  parameters: z.array(
    z.object({
      name: z.string(),
      in: z.enum(['query', 'body']),
      type: z.string(),
      required: z.boolean(),
      description: z.string(),
    }),
  ),
  example: z.object({
    request: z.string().nullable(),
    response: z.string(),
    curl: z.string().nullable(),
  }),
  description: z.string(),
  status: z.enum(['active', 'retired']),
  automatic: z.boolean(),
  createdAt: z.string(),
  retiredAt: z.string().nullable(),
});

const UsageFigures = z.object({
  calls: z.number(),
  rows: z.number(),
  errors: z.number(),
  limited: z.number(),
  latencyAvgMs: z.number().nullable(),
  latencyP95Ms: z.number().nullable(),
});

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD');

const KeyValue = z.union([
  z.string().max(200),
  z.number(),
  z.record(z.string(), z.union([z.string(), z.number()])),
]);
const Scalar = z.union([z.string().max(2000), z.number(), z.boolean(), z.null()]);
const Claims = z.record(z.string(), Scalar);
/** Lists are checked against their limit by the service, which answers with its own code. */
const listCap = 10_000;

declare module 'fastify' {
  interface FastifyRequest {
    /** The body as sent, for signature checks on exchange calls. */
    rawBody?: string;
    /** The signed caller of an exchange call, set before validation. */
    exchangeCaller?: ExchangeCaller;
  }
}

/** The provision modes each signed route serves (the interface named must serve one). */
const modesOfRoute: Record<string, readonly string[]> = {
  '/api/v1/exchange/verify': ['verify'],
  '/api/v1/exchange/query': ['query'],
  '/api/v1/exchange/batch': ['batch', 'file'],
  '/api/v1/exchange/batch/manifest': ['batch', 'file'],
};

export function registerExchangeRoutes(app: FastifyInstance, services: Services) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { exchange } = services;
  const tags = ['数据交换'];

  // Usage counted in memory is written before the database closes.
  app.addHook('onClose', async () => {
    await exchange.close().catch((error: unknown) => {
      app.log.error({ err: error }, '接口使用统计未能写入数据库');
    });
  });

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
        summary:
          '为授权签发接口凭证：不带公钥时生成密钥（HMAC-SM3，只显示这一次），带 SM2 公钥时用 SM2 签名；可同时持有两个以便轮换',
        body: z.object({
          grantId: z.string().min(1).max(64),
          label: z.string().trim().min(1, '请填写凭证用途，如“就业系统生产环境”').max(100),
          /** The consumer's SM2 public key (hex or PEM): calls are then signed with SM2. */
          publicKey: z.string().max(1000).optional(),
        }),
        response: {
          201: Credential.extend({
            secret: z.string().nullable(),
            interfaces: z.array(
              z.object({
                code: z.string(),
                mode: z.string(),
                method: z.string().nullable(),
                path: z.string().nullable(),
              }),
            ),
          }),
        },
      },
    },
    async (request, reply) => {
      const { grantId, label, publicKey } = request.body;
      const user = currentUser(request);
      const by = auditContext(request);
      return reply
        .status(201)
        .send(
          publicKey === undefined
            ? await exchange.issueCredential(grantId, label, user, by)
            : await exchange.issueSm2Credential(grantId, label, publicKey, user, by),
        );
    },
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

  r.get(
    '/catalog/entries/:id/interfaces',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: '目录条目的接口：编码、类别、参数与调用示例',
        params: z.object({ id: z.string().min(1).max(64) }),
        response: { 200: z.object({ items: z.array(InterfaceView) }) },
      },
    },
    async (request) => ({ items: await exchange.interfaces(request.params.id) }),
  );

  r.post(
    '/catalog/entries/:id/interfaces',
    {
      config: { access: 'catalog.publish' },
      schema: {
        tags,
        summary: '登记接口（平台目录管理员）：按提供方式，或登记提供方自建的接口',
        params: z.object({ id: z.string().min(1).max(64) }),
        body: z.object({
          builder: z.enum(['provider', 'platform']),
          mode: provisionModes.schema.optional(),
          class: z
            .union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.literal(9)])
            .optional(),
          name: z.string().trim().min(2, '请填写接口名称').max(100),
          description: z.string().trim().max(1000).optional(),
          method: z.enum(['GET', 'POST', 'PUT', 'DELETE']).optional(),
          path: z.string().trim().min(1).max(500).optional(),
        }),
        response: { 201: InterfaceView },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await exchange.registerInterface(
            request.params.id,
            request.body,
            currentUser(request),
            auditContext(request),
          ),
        ),
  );

  r.post(
    '/exchange/interfaces/:code/retire',
    {
      config: { access: 'catalog.publish' },
      schema: {
        tags,
        summary: '停用接口（其编码不再分配给其他接口）',
        params: z.object({ code: z.string().min(1).max(64) }),
        body: z.object({ reason: z.string().trim().min(2, '请填写停用理由').max(1000) }),
        response: { 200: InterfaceView },
      },
    },
    async (request) =>
      exchange.retireInterface(
        request.params.code,
        request.body.reason,
        currentUser(request),
        auditContext(request),
      ),
  );

  r.get(
    '/exchange/usage',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary:
          '接口使用统计：按资源、授权或使用单位汇总调用次数、返回记录数、错误数与响应时间（提供方看本单位资源，使用方看本单位调用，平台看辖区）',
        querystring: z.object({
          by: z.enum(['resource', 'grant', 'unit']).default('resource'),
          from: isoDate.optional(),
          to: isoDate.optional(),
          resourceId: z.string().max(64).optional(),
          grantId: z.string().max(64).optional(),
        }),
        response: {
          200: z.object({
            by: z.enum(['resource', 'grant', 'unit']),
            from: z.string(),
            to: z.string(),
            totals: UsageFigures,
            items: z.array(UsageFigures.extend({ key: z.string(), label: z.string() })),
            daily: z.array(UsageFigures.extend({ day: z.string() })),
          }),
        },
      },
    },
    async (request) => exchange.usage(request.query, currentUser(request)),
  );

  const meta = (request: FastifyRequest) => ({ clientIp: request.ip, requestId: request.id });

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
    // Signature, credential, grant, interface and limits before the body is validated: a
    // caller without access learns nothing about what a valid request looks like.
    machine.addHook('preValidation', async (request) => {
      request.exchangeCaller = await exchange.authenticate({
        method: request.method,
        url: request.url,
        headers: request.headers,
        rawBody: request.rawBody ?? '',
        modes: modesOfRoute[request.routeOptions.url ?? ''] ?? [],
        meta: meta(request),
      });
    });
    // Each admitted call is counted in the usage statistics when its answer has gone out.
    machine.addHook('onResponse', async (request, reply) => {
      if (request.exchangeCaller) {
        exchange.finishCall(request.exchangeCaller, {
          error: reply.statusCode >= 400,
          ms: reply.elapsedTime,
        });
      }
    });
    const m = machine.withTypeProvider<ZodTypeProvider>();
    const caller = (request: FastifyRequest) => {
      if (!request.exchangeCaller)
        throw new AppError('unauthenticated', 'exchange.signature_missing', '缺少签名信息');
      return request.exchangeCaller;
    };
    const VerifyResult = z.object({
      found: z.boolean(),
      results: z.record(z.string(), z.enum(['match', 'no_match'])),
    });

    m.post(
      '/exchange/verify',
      {
        config: { access: 'credential' },
        schema: {
          tags,
          summary:
            '比对验证：按主键比对声明的值，只返回一致或不一致；items 可一次比对多条（最多 100 条）',
          body: z.union([
            z.object({ key: KeyValue, claims: Claims }),
            z.object({
              items: z
                .array(z.object({ key: KeyValue, claims: Claims }))
                .min(1)
                .max(listCap),
            }),
          ]),
          response: {
            200: z.union([VerifyResult, z.object({ results: z.array(VerifyResult) })]),
          },
        },
      },
      async (request) => exchange.verify(caller(request), request.body, meta(request)),
    );

    const BatchQuery = z.object({
      format: z.enum(['csv', 'ndjson']).default('csv'),
      /** Resume after this key, or after the position in x-mzhub-next-after. */
      after: z.string().max(2000).optional(),
      /** Only rows changed after this change number (from x-mzhub-change-no of an earlier copy). */
      since: z.coerce.number().int().min(0).optional(),
      /** At most this many rows (the service refuses more than its maximum with its own code). */
      limit: z.coerce.number().int().min(1).optional(),
    });

    m.get(
      '/exchange/batch',
      {
        config: { access: 'credential' },
        schema: {
          tags,
          summary:
            '批量复制：授权信息项的全部数据或某变更号之后的变更，按主键排序流式输出（CSV 或 NDJSON），可从断点续传；敏感信息项按授权脱敏',
          querystring: BatchQuery,
        },
      },
      async (request, reply) => {
        const batch = await exchange.openBatch(
          caller(request),
          request.query,
          meta(request),
          'copy',
        );
        reply
          .type(
            request.query.format === 'csv'
              ? 'text/csv; charset=utf-8'
              : 'application/x-ndjson; charset=utf-8',
          )
          .header('x-mzhub-change-no', String(batch.changeNo))
          .header('x-mzhub-batch-id', batch.batchId);
        if (batch.masked.length > 0) reply.header('x-mzhub-masked', batch.masked.join(','));
        if (batch.nextAfter) reply.header('x-mzhub-next-after', batch.nextAfter);
        return reply.send(Readable.from(batch.lines));
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
              masked: z.array(z.string()),
              /** The size of the copy in bytes. */
              bytes: z.number(),
            }),
          },
        },
      },
      async (request) => {
        const batch = await exchange.openBatch(
          caller(request),
          request.query,
          meta(request),
          'manifest',
        );
        // Drained only for the count, the size and the checksum.
        let bytes = 0;
        for await (const text of batch.lines) bytes += Buffer.byteLength(text);
        return {
          rowCount: batch.count.rows,
          checksum: batch.checksum(),
          changeNo: batch.changeNo,
          format: request.query.format,
          fields: batch.fields,
          masked: batch.masked,
          bytes,
        };
      },
    );

    m.post(
      '/exchange/query',
      {
        config: { access: 'credential' },
        schema: {
          tags,
          summary:
            '查询引用：按主键返回授权范围内的信息项（敏感信息项按授权脱敏）；keys 可一次查询多条（最多 100 个）',
          body: z.union([
            z.object({ key: KeyValue, fields: z.array(z.string()).max(500).optional() }),
            z.object({
              keys: z.array(KeyValue).min(1).max(listCap),
              fields: z.array(z.string()).max(500).optional(),
            }),
          ]),
          response: {
            200: z.union([
              z.object({
                found: z.boolean(),
                record: z.record(z.string(), z.unknown()).nullable(),
                masked: z.array(z.string()),
              }),
              z.object({
                records: z.array(
                  z.object({
                    found: z.boolean(),
                    record: z.record(z.string(), z.unknown()).nullable(),
                  }),
                ),
                masked: z.array(z.string()),
              }),
            ]),
          },
        },
      },
      async (request) => exchange.query(caller(request), request.body, meta(request)),
    );
  });
}
