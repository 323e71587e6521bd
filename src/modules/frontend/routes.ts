/**
 * HTTP routes of the front-end processor module (前置机, EXC-06): node registration and
 * resource assignment for the provider unit's administrator (console), and the signed calls
 * nodes make to publish rows.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../../server/app.ts';
import { AppError } from '../../server/errors.ts';
import { auditContext, currentUser } from '../../server/plugins/access.ts';
import {
  BeginInput,
  ChunkInput,
  ChunkResult,
  CommitInput,
  FrontendNode,
  FrontendResource,
  MappingInput,
  NodeInput,
  NodePatch,
  NodeResource,
  Publication,
} from './schemas.ts';
import type { FrontendNode as SignedNode } from './service.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The node that signed a front-end call, set before validation. */
    frontendNode?: SignedNode;
  }
}

/** A chunk of a few thousand rows fits well within this. */
const nodeBodyLimit = 32 * 1024 * 1024;

export function registerFrontendRoutes(app: FastifyInstance, services: Services) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { frontend } = services;
  const tags = ['前置机'];
  const IdParam = z.object({ id: z.string().min(1).max(64) });

  // ---- console: the provider unit's administrator ----

  r.get(
    '/frontend/nodes',
    {
      config: { access: 'account.manage_unit' },
      schema: {
        tags,
        summary: '本单位的前置机',
        response: { 200: z.object({ items: z.array(FrontendNode) }) },
      },
    },
    async (request) => ({ items: await frontend.nodes(currentUser(request)) }),
  );

  r.post(
    '/frontend/nodes',
    {
      config: { access: 'account.manage_unit' },
      schema: {
        tags,
        summary: '登记前置机（密钥只显示这一次）',
        body: NodeInput,
        response: { 201: FrontendNode.extend({ secret: z.string() }) },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await frontend.registerNode(request.body, currentUser(request), auditContext(request)),
        ),
  );

  r.patch(
    '/frontend/nodes/:id',
    {
      config: { access: 'account.manage_unit' },
      schema: {
        tags,
        summary: '修改前置机名称或回调地址',
        params: IdParam,
        body: NodePatch,
        response: { 200: FrontendNode },
      },
    },
    async (request) =>
      frontend.updateNode(
        request.params.id,
        request.body,
        currentUser(request),
        auditContext(request),
      ),
  );

  r.post(
    '/frontend/nodes/:id/revoke',
    {
      config: { access: 'account.manage_unit' },
      schema: {
        tags,
        summary: '吊销前置机（立即生效）',
        params: IdParam,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await frontend.revokeNode(request.params.id, currentUser(request), auditContext(request));
      return reply.status(204).send(null);
    },
  );

  r.get(
    '/frontend/resources',
    {
      config: { access: 'account.manage_unit' },
      schema: {
        tags,
        summary: '本单位的目录资源及提供它们的前置机',
        response: { 200: z.object({ items: z.array(FrontendResource) }) },
      },
    },
    async (request) => ({ items: await frontend.resources(currentUser(request)) }),
  );

  r.put(
    '/frontend/resources/:id/mapping',
    {
      config: { access: 'account.manage_unit' },
      schema: {
        tags,
        summary: '指定由哪台前置机提供该资源：发布（数据上传平台）或留存（数据留在本单位）',
        params: IdParam,
        body: MappingInput,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await frontend.setMapping(
        request.params.id,
        request.body,
        currentUser(request),
        auditContext(request),
      );
      return reply.status(204).send(null);
    },
  );

  r.delete(
    '/frontend/resources/:id/mapping',
    {
      config: { access: 'account.manage_unit' },
      schema: {
        tags,
        summary: '取消前置机对该资源的提供',
        params: IdParam,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await frontend.removeMapping(request.params.id, currentUser(request), auditContext(request));
      return reply.status(204).send(null);
    },
  );

  r.get(
    '/frontend/publications',
    {
      config: { access: 'account.manage_unit' },
      schema: {
        tags,
        summary: '本单位前置机的发布记录（源库与平台的行数、校验值）',
        querystring: z.object({
          resourceId: z.string().max(64).optional(),
          nodeId: z.string().max(64).optional(),
          limit: z.coerce.number().int().min(1).max(200).default(50),
        }),
        response: { 200: z.object({ items: z.array(Publication) }) },
      },
    },
    async (request) => ({
      items: await frontend.publications(request.query, currentUser(request)),
    }),
  );

  // ---- signed calls of nodes: their own JSON parser keeps the raw body for the signature ----
  void app.register(async (node) => {
    node.addContentTypeParser(
      'application/json',
      { parseAs: 'string', bodyLimit: nodeBodyLimit },
      (request: FastifyRequest, body: string | Buffer, done) => {
        const text = typeof body === 'string' ? body : body.toString('utf8');
        request.rawBody = text;
        try {
          done(null, text.length > 0 ? JSON.parse(text) : {});
        } catch {
          done(
            new AppError('invalid', 'frontend.malformed_body', '请求体不是有效的 JSON'),
            undefined,
          );
        }
      },
    );
    // The node's signature before the body is validated.
    node.addHook('preValidation', async (request) => {
      request.frontendNode = await frontend.authenticateNode({
        method: request.method,
        url: request.url,
        headers: request.headers,
        rawBody: request.rawBody ?? '',
      });
    });
    const n = node.withTypeProvider<ZodTypeProvider>();
    const signed = (request: FastifyRequest) => {
      if (!request.frontendNode)
        throw new AppError('unauthenticated', 'frontend.signature_missing', '缺少前置机签名');
      return request.frontendNode;
    };
    const meta = (request: FastifyRequest) => ({ clientIp: request.ip, requestId: request.id });

    n.get(
      '/frontend/node/resource',
      {
        config: { access: 'credential' },
        schema: {
          tags,
          summary: '前置机：资源的信息项、主键与平台上次写入后的状态',
          querystring: z.object({ code: z.string().min(1).max(64) }),
          response: { 200: NodeResource },
        },
      },
      async (request) => frontend.resourceForNode(signed(request), request.query.code),
    );

    n.post(
      '/frontend/node/publications',
      {
        config: { access: 'credential' },
        schema: {
          tags,
          summary: '前置机：开始一次发布（全量快照或增量）',
          body: BeginInput,
          response: {
            201: z.object({
              id: z.string(),
              kind: z.enum(['snapshot', 'delta']),
              resourceId: z.string(),
              catalogVersion: z.number(),
            }),
          },
        },
      },
      async (request, reply) =>
        reply
          .status(201)
          .send(await frontend.beginPublication(signed(request), request.body, meta(request))),
    );

    n.post(
      '/frontend/node/publications/:id/chunks',
      {
        config: { access: 'credential' },
        bodyLimit: nodeBodyLimit,
        schema: {
          tags,
          summary: '前置机：发送一个数据块（逐行校验后暂存，提交时一并写入）',
          params: IdParam,
          body: ChunkInput,
          response: { 200: ChunkResult },
        },
      },
      async (request) => frontend.stageChunk(signed(request), request.params.id, request.body),
    );

    n.post(
      '/frontend/node/publications/:id/commit',
      {
        config: { access: 'credential' },
        schema: {
          tags,
          summary: '前置机：提交发布，附源库全量行数与校验值；全部写入或全部不写',
          params: IdParam,
          body: CommitInput,
          response: { 200: Publication },
        },
      },
      async (request) =>
        frontend.commitPublication(signed(request), request.params.id, request.body, meta(request)),
    );
  });
}
