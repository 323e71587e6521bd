/** HTTP routes of batch modification applications. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../../server/app.ts';
import { auditContext, currentUser } from '../../server/plugins/access.ts';
import { BatchChange, BatchChangeCreate, BatchDecision, BatchRejection } from './schemas.ts';

export function registerBatchRoutes(app: FastifyInstance, { batch }: Services) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['批量修改'];
  const IdParam = z.object({ id: z.string().min(1).max(64) });

  r.get(
    '/batch-changes',
    {
      config: { access: 'batch.view' },
      schema: {
        tags,
        summary: '批量修改申请列表',
        response: { 200: z.object({ items: z.array(BatchChange) }) },
      },
    },
    async () => ({ items: await batch.list() }),
  );
  r.post(
    '/batch-changes',
    {
      config: { access: 'org.manage' },
      schema: {
        tags,
        summary: '提交批量修改申请（审批后才执行）',
        body: BatchChangeCreate,
        response: { 201: BatchChange },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await batch.submit(currentUser(request), request.body, auditContext(request))),
  );
  r.get(
    '/batch-changes/:id',
    {
      config: { access: 'batch.view' },
      schema: {
        tags,
        summary: '批量修改申请详情',
        params: IdParam,
        response: { 200: BatchChange },
      },
    },
    async (request) => batch.get(request.params.id),
  );
  r.get(
    '/batch-changes/:id/versions',
    {
      config: { access: 'batch.view' },
      schema: {
        tags,
        summary: '该批次产生的记录版本',
        params: IdParam,
        response: {
          200: z.object({
            items: z.array(
              z.object({
                entityType: z.string(),
                entityId: z.string(),
                version: z.number(),
                changedFields: z.array(z.string()),
                changedByName: z.string().nullable(),
                changedAt: z.string(),
              }),
            ),
          }),
        },
      },
    },
    async (request) => ({ items: await batch.versions(request.params.id) }),
  );
  r.post(
    '/batch-changes/:id/approve',
    {
      config: { access: 'batch.approve' },
      schema: {
        tags,
        summary: '批准并以审批人权限执行',
        params: IdParam,
        body: BatchDecision,
        response: { 200: BatchChange },
      },
    },
    async (request) =>
      batch.approve(
        currentUser(request),
        request.params.id,
        request.body.note,
        auditContext(request),
      ),
  );
  r.post(
    '/batch-changes/:id/reject',
    {
      config: { access: 'batch.approve' },
      schema: {
        tags,
        summary: '退回申请',
        params: IdParam,
        body: BatchRejection,
        response: { 200: BatchChange },
      },
    },
    async (request) =>
      batch.reject(
        currentUser(request),
        request.params.id,
        request.body.note,
        auditContext(request),
      ),
  );
}
