/** GET /api/v1/history/:entityType/:entityId — the versions of one record. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../../server/app.ts';
import { currentUser } from '../../server/plugins/access.ts';

const Version = z.object({
  version: z.number(),
  changedAt: z.string(),
  changedBy: z.string().nullable(),
  changedByName: z.string().nullable(),
  method: z.string(),
  reason: z.string().nullable(),
  approvalRef: z.string().nullable(),
  changes: z.array(z.object({ field: z.string(), before: z.unknown(), after: z.unknown() })),
  data: z.record(z.string(), z.unknown()),
});

export function registerHistoryRoutes(app: FastifyInstance, { history }: Services) {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/history/:entityType/:entityId',
    {
      config: { access: 'user' },
      schema: {
        tags: ['修改历史'],
        summary: '记录的全部版本：谁、何时、改了哪些字段、原因、方式、依据的审批',
        params: z.object({
          entityType: z.string().regex(/^[a-z_]{1,40}$/),
          entityId: z.string().min(1).max(64),
        }),
        response: { 200: z.object({ items: z.array(Version) }) },
      },
    },
    async (request) => ({
      items: await history.versions(
        currentUser(request),
        request.params.entityType,
        request.params.entityId,
      ),
    }),
  );
}
