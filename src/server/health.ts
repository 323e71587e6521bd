/** GET /api/health: liveness plus the storage engine and schema version in force. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import { z } from 'zod';
import { schemaVersion } from '../db/database.ts';
import type { AppContext } from './context.ts';
import { AppError } from './errors.ts';
import { platformVersion } from './version.ts';

export const Health = z.object({
  status: z.literal('ok'),
  engine: z.enum(['sqlite', 'postgres']),
  schemaVersion: z.number().int(),
  version: z.string(),
  time: z.string(),
});

export function registerHealthRoutes(app: FastifyInstance, ctx: AppContext) {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/health',
    {
      config: { access: 'public' },
      schema: { tags: ['平台'], summary: '健康检查', response: { 200: Health } },
    },
    async () => {
      try {
        await sql`select 1`.execute(ctx.db);
      } catch (e) {
        throw new AppError('unavailable', 'health.database_unavailable', '数据库不可用', {
          cause: e,
        });
      }
      return {
        status: 'ok' as const,
        engine: ctx.engine,
        schemaVersion: await schemaVersion(ctx),
        version: platformVersion,
        time: ctx.clock.now().toISOString(),
      };
    },
  );
}
