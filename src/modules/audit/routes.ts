/** HTTP routes of the audit trail. */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../../server/app.ts';
import { auditContext, currentUser } from '../../server/plugins/access.ts';
import { AuditPage, AuditQuery, ChainStatus, UnitAuditQuery } from './schemas.ts';

/** Sends an export as a download named `<name>.<format>`. */
function sendFile(reply: FastifyReply, format: 'csv' | 'xlsx', name: string, body: Buffer) {
  return reply
    .type(
      format === 'csv'
        ? 'text/csv; charset=utf-8'
        : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    )
    .header(
      'content-disposition',
      `attachment; filename*=UTF-8''${encodeURIComponent(`${name}.${format}`)}`,
    )
    .send(body);
}

export function registerAuditRoutes(app: FastifyInstance, services: Services) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['审计日志'];
  const { auditSearch, anchors } = services;

  r.get(
    '/audit/entries',
    {
      config: { access: 'audit.read' },
      schema: {
        tags,
        summary: '检索审计日志（不含本人的记录）',
        querystring: AuditQuery,
        response: { 200: AuditPage },
      },
    },
    async (request) => auditSearch.search(currentUser(request), request.query),
  );

  for (const format of ['csv', 'xlsx'] as const) {
    r.get(
      `/audit/entries.${format}`,
      {
        config: { access: 'audit.read' },
        schema: {
          tags,
          summary: `导出检索结果（${format.toUpperCase()}，最多 5 万条）`,
          querystring: AuditQuery,
        },
      },
      async (request, reply) =>
        sendFile(
          reply,
          format,
          '审计日志',
          await auditSearch.export(
            currentUser(request),
            request.query,
            format,
            auditContext(request),
          ),
        ),
    );
  }

  for (const format of ['csv', 'xlsx'] as const) {
    r.get(
      `/audit/unit-entries.${format}`,
      {
        config: { access: 'audit.unit_read' },
        schema: {
          tags,
          summary: `导出本单位的使用日志（${format.toUpperCase()}）`,
          querystring: UnitAuditQuery,
        },
      },
      async (request, reply) =>
        sendFile(
          reply,
          format,
          '本单位日志',
          await auditSearch.export(
            currentUser(request),
            request.query,
            format,
            auditContext(request),
          ),
        ),
    );
  }

  r.get(
    '/audit/unit-entries',
    {
      config: { access: 'audit.unit_read' },
      schema: {
        tags,
        summary: '本单位的使用日志：provider（本单位数据被访问）或 consumer（本单位人员的访问）',
        querystring: UnitAuditQuery,
        response: { 200: AuditPage },
      },
    },
    async (request) => auditSearch.unitSearch(currentUser(request), request.query),
  );

  r.get(
    '/audit/chain',
    {
      config: { access: 'audit.read' },
      schema: { tags, summary: '校验审计链', response: { 200: ChainStatus } },
    },
    async () => auditSearch.verifyChain(),
  );

  r.post(
    '/audit/checkpoints',
    {
      config: { access: 'audit.read' },
      schema: {
        tags,
        summary: '签发一个 SM2 签名的检查点（请保存在平台之外）',
        response: {
          201: z.object({
            format: z.string(),
            seq: z.number(),
            hash: z.string(),
            at: z.string(),
            publicKey: z.string(),
            signature: z.string(),
          }),
        },
      },
    },
    async (request, reply) => {
      const checkpoint = await anchors.anchor();
      await services.audit.record({
        ...auditContext(request),
        action: 'audit.checkpoint',
        result: 'success',
        target: { type: 'audit_checkpoint', id: String(checkpoint.seq) },
        detail: { seq: checkpoint.seq, hash: checkpoint.hash },
      });
      return reply.status(201).send(checkpoint);
    },
  );
}
