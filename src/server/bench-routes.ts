/**
 * Peer endpoints for `npm run bench exchange` (docs/performance.md), mounted only when the
 * server runs with MZHUB_BENCH_MODE=1:
 *
 *   POST /api/bench/bare-verify   the key lookup of POST /api/v1/exchange/verify
 *   POST /api/bench/bare-query    the key lookup of POST /api/v1/exchange/query
 *   GET  /api/bench/naive-batch   a CSV export that parses every row's JSON in JavaScript
 *
 * The bare endpoints take the single-key body of the exchange calls (plus the resource),
 * validate it and answer with zod schemas like theirs, normalise the key and read the row
 * through the same data-service lookup, but skip signature, credential, grant, interface,
 * rate limit, quota, masking and audit: the throughput ratio of the two is what the exchange
 * layer's safeguards cost. They bypass every access check, so a real installation never
 * mounts them (config.benchMode, MZHUB_BENCH_MODE=1).
 */
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { DataItem } from '../modules/catalog/elements.ts';
import { compileRowValidator, type RowValidator } from '../modules/data/row-validator.ts';
import type { Services } from './app.ts';
import type { AppContext } from './context.ts';
import { AppError } from './errors.ts';

// The shapes of the exchange verify and query calls (src/modules/exchange/routes.ts).
const KeyValue = z.union([
  z.string().max(200),
  z.record(z.string(), z.union([z.string(), z.number()])),
]);
const Scalar = z.union([z.string().max(2000), z.number(), z.boolean(), z.null()]);
const ResourceId = z.string().min(1).max(64);

interface Shape {
  items: Map<string, DataItem>;
  keyItems: DataItem[];
  validateKey: RowValidator;
}

export function registerBenchRoutes(app: FastifyInstance, ctx: AppContext, services: Services) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { catalog, data } = services;
  const shapes = new Map<string, Shape>();
  app.log.warn('基准测试模式：/api/bench/* 无鉴权端点已挂载，切勿用于生产环境');

  async function shapeOf(resourceId: string): Promise<Shape> {
    let shape = shapes.get(resourceId);
    if (!shape) {
      const entry = await catalog.publishedEntry(resourceId);
      if (!entry) throw new AppError('not_found', 'bench.resource_not_found', '资源不存在或未发布');
      const items = entry.content.dataItems;
      const keyItems = items.filter((i) => i.isKey);
      shape = {
        items: new Map(items.map((i) => [i.identifier, i])),
        keyItems,
        validateKey: compileRowValidator(keyItems.map((i) => ({ ...i, required: true }))),
      };
      shapes.set(resourceId, shape);
    }
    return shape;
  }

  /** The normalised key, as the exchange service reads it (a string or an object by item). */
  function keyOf(shape: Shape, key: string | Record<string, string | number>): string {
    const values = shape.keyItems.map((item) => {
      if (typeof key === 'string') return shape.keyItems.length === 1 ? key : undefined;
      const v = key[item.identifier];
      return v === undefined ? undefined : String(v);
    });
    const result = shape.validateKey(values);
    if (!result.ok) {
      throw new AppError(
        'invalid',
        'exchange.bad_key',
        `主键格式错误：${result.errors.map((e) => `${e.name}：${e.reason}`).join('；')}`,
      );
    }
    return result.key;
  }

  const config = { access: 'public' as const };
  const schema = { hide: true, tags: ['基准测试'] };

  r.post(
    '/bench/bare-verify',
    {
      config,
      schema: {
        ...schema,
        body: z.object({
          resourceId: ResourceId,
          key: KeyValue,
          claims: z.record(z.string(), Scalar),
        }),
        response: {
          200: z.object({
            found: z.boolean(),
            results: z.record(z.string(), z.enum(['match', 'no_match'])),
          }),
        },
      },
    },
    async (request) => {
      const { resourceId, key, claims } = request.body;
      const shape = await shapeOf(resourceId);
      const row = await data.lookupRow(resourceId, keyOf(shape, key));
      const results: Record<string, 'match' | 'no_match'> = {};
      if (row) {
        for (const [field, claimed] of Object.entries(claims)) {
          results[field] = sameValue(shape.items.get(field), row[field], claimed)
            ? 'match'
            : 'no_match';
        }
      }
      return { found: row !== null, results };
    },
  );

  r.post(
    '/bench/bare-query',
    {
      config,
      schema: {
        ...schema,
        body: z.object({
          resourceId: ResourceId,
          key: KeyValue,
          fields: z.array(z.string()).max(500).optional(),
        }),
        response: {
          200: z.object({
            found: z.boolean(),
            record: z.record(z.string(), z.unknown()).nullable(),
            /** Always empty: the bare peer does not mask (the full call masks sensitive items). */
            masked: z.array(z.string()),
          }),
        },
      },
    },
    async (request) => {
      const { resourceId, key } = request.body;
      const shape = await shapeOf(resourceId);
      const fields = request.body.fields ?? [...shape.items.keys()];
      const row = await data.lookupRow(resourceId, keyOf(shape, key));
      return {
        found: row !== null,
        record: row ? Object.fromEntries(fields.map((f) => [f, row[f] ?? null])) : null,
        masked: [],
      };
    },
  );

  // The export most code would write first: read each row's JSON text and parse it in
  // JavaScript. The exchange batch copy instead lets the database extract the fields.
  r.get(
    '/bench/naive-batch',
    {
      config,
      schema: {
        ...schema,
        querystring: z.object({ resourceId: ResourceId, fields: z.string().min(1).max(5000) }),
      },
    },
    async (request, reply) => {
      const { resourceId } = request.query;
      const fields = request.query.fields.split(',');
      const resource = await ctx.db
        .selectFrom('catalog_resources')
        .select('no')
        .where('id', '=', resourceId)
        .executeTakeFirst();
      if (!resource) throw new AppError('not_found', 'bench.resource_not_found', '资源不存在');
      const db = ctx.db;
      async function* lines() {
        yield `${fields.map(csvCell).join(',')}\r\n`;
        let after = '';
        for (;;) {
          const page = await db
            .selectFrom('resource_rows')
            .select(['row_key', 'data'])
            .where('resource_no', '=', resource!.no)
            .where('row_key', '>', after)
            .orderBy('row_key')
            .limit(5000)
            .execute();
          if (page.length === 0) return;
          let text = '';
          for (const row of page) {
            const values = JSON.parse(row.data) as Record<string, unknown>;
            text += `${fields.map((f) => csvCell(values[f])).join(',')}\r\n`;
          }
          after = page.at(-1)!.row_key;
          yield text;
          if (page.length < 5000) return;
        }
      }
      return reply.type('text/csv; charset=utf-8').send(Readable.from(lines()));
    },
  );
}

/** A CSV cell, quoted as the exchange batch copy quotes it. */
function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = typeof value === 'string' ? value : JSON.stringify(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A claimed value against the stored one, as the exchange verify call compares them. */
function sameValue(
  item: DataItem | undefined,
  stored: unknown,
  claimed: string | number | boolean | null | undefined,
): boolean {
  if (stored === null || stored === undefined) return claimed === null || claimed === '';
  if (claimed === null || claimed === undefined) return false;
  if (typeof stored === 'number') return Number(claimed) === stored;
  if (typeof stored === 'boolean') return String(claimed) === String(stored);
  const a = (typeof stored === 'string' ? stored : JSON.stringify(stored)).trim();
  const b = String(claimed).trim();
  return item?.rule?.kind === 'citizen_id' || item?.rule?.kind === 'credit_code'
    ? a.toUpperCase() === b.toUpperCase()
    : a === b;
}
