/** HTTP routes of the resource data store: imports, error reports, rows. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Readable } from 'node:stream';
import { z } from 'zod';
import type { Services } from '../../server/app.ts';
import { auditContext, currentUser } from '../../server/plugins/access.ts';
import { AppError } from '../../server/errors.ts';
import { DataItem } from '../catalog/elements.ts';
import { writeErrorReportXlsx } from './error-report.ts';

/** Upload bodies are read as streams: the import service spools and limits them itself. */
const uploadTypes = [
  'application/octet-stream',
  'text/csv',
  'application/csv',
  'application/x-ndjson',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
];

const ImportRowError = z.object({
  rowNumber: z.number(),
  field: z.string(),
  name: z.string(),
  value: z.string(),
  code: z.string(),
  reason: z.string(),
});

export const ImportSummary = z.object({
  id: z.string(),
  resourceId: z.string(),
  fileName: z.string(),
  format: z.enum(['csv', 'xlsx', 'json']),
  byteSize: z.number(),
  status: z.enum(['running', 'applied', 'rejected', 'failed']),
  totalRows: z.number(),
  added: z.number(),
  updated: z.number(),
  unchanged: z.number(),
  errorCount: z.number(),
  errors: z.array(ImportRowError),
  message: z.string().nullable(),
  createdBy: z.string(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  progressRows: z.number(),
});

const IdParam = z.object({ id: z.string().min(1).max(64) });
const RowValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const RowVersion = z.object({
  version: z.number(),
  data: z.record(z.string(), z.unknown()),
  updatedAt: z.string(),
  updatedBy: z.string().nullable(),
  method: z.string(),
  changeRef: z.string().nullable(),
});

/** The format a file name implies, when the caller did not say. */
function formatOf(fileName: string): 'csv' | 'xlsx' | 'json' | null {
  const ext = /\.([a-z0-9]+)$/i.exec(fileName)?.[1]?.toLowerCase();
  if (ext === 'csv' || ext === 'txt') return 'csv';
  if (ext === 'xlsx') return 'xlsx';
  if (ext === 'json' || ext === 'jsonl' || ext === 'ndjson') return 'json';
  return null;
}

export function registerDataRoutes(app: FastifyInstance, services: Services) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { data } = services;
  const tags = ['资源数据'];

  app.addContentTypeParser(uploadTypes, (_request, payload, done) => done(null, payload));

  r.post(
    '/catalog/entries/:id/imports',
    {
      config: { access: 'data.enter' },
      schema: {
        tags,
        summary:
          '导入数据文件（请求体为文件本身：CSV、XLSX 或 JSON/JSON Lines）；逐行校验，全部正确才写入',
        params: IdParam,
        querystring: z.object({
          fileName: z.string().trim().min(1, '请提供文件名').max(200),
          format: z.enum(['csv', 'xlsx', 'json']).optional(),
          /** Answer when the import finished (else at once, with status `running`). */
          wait: z
            .enum(['true', 'false'])
            .default('false')
            .transform((v) => v === 'true'),
        }),
        response: { 200: ImportSummary, 202: ImportSummary },
      },
    },
    async (request, reply) => {
      const format = request.query.format ?? formatOf(request.query.fileName);
      if (!format) {
        throw new AppError(
          'invalid',
          'import.format_unknown',
          '无法从文件名判断格式：请上传 .csv、.xlsx、.json 或 .jsonl 文件',
        );
      }
      const body = request.body as Readable | undefined;
      if (!body || typeof (body as { pipe?: unknown }).pipe !== 'function') {
        throw new AppError(
          'invalid',
          'import.body_type',
          '请以 application/octet-stream（或 text/csv）上传文件内容',
        );
      }
      const result = await data.startImport(
        request.params.id,
        body,
        { fileName: request.query.fileName, format },
        currentUser(request),
        auditContext(request),
        { wait: request.query.wait },
      );
      return reply.status(result.status === 'running' ? 202 : 200).send(result);
    },
  );

  r.get(
    '/catalog/entries/:id/imports',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: '资源的导入记录',
        params: IdParam,
        response: { 200: z.object({ items: z.array(ImportSummary) }) },
      },
    },
    async (request) => ({
      items: await data.listImports(request.params.id, currentUser(request)),
    }),
  );

  r.get(
    '/data/imports/:id',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: '导入进度与结果',
        params: IdParam,
        response: { 200: ImportSummary },
      },
    },
    async (request) => data.getImport(request.params.id, currentUser(request)),
  );

  r.get(
    '/data/imports/:id/report',
    {
      config: { access: 'user' },
      schema: { tags, summary: '导入错误报告（XLSX）', params: IdParam },
    },
    async (request, reply) => {
      const summary = await data.getImport(request.params.id, currentUser(request));
      const chunks: Buffer[] = [];
      const { PassThrough } = await import('node:stream');
      const sink = new PassThrough();
      sink.on('data', (c: Buffer) => chunks.push(c));
      await writeErrorReportXlsx(summary.errors, sink, {
        resourceName: summary.fileName,
        fileName: summary.fileName,
        totalRows: summary.totalRows,
        errorCount: summary.errorCount,
      });
      return reply
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header(
          'content-disposition',
          `attachment; filename*=UTF-8''${encodeURIComponent(`导入错误报告-${summary.fileName}.xlsx`)}`,
        )
        .send(Buffer.concat(chunks));
    },
  );

  r.get(
    '/catalog/entries/:id/rows',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: '资源数据行（提供方本单位）',
        params: IdParam,
        querystring: z.object({
          key: z.string().max(200).optional(),
          cursor: z.string().optional(),
          limit: z.coerce.number().int().min(1).max(500).default(50),
        }),
        response: {
          200: z.object({
            items: z.array(
              z.object({
                key: z.string(),
                data: z.record(z.string(), z.unknown()),
                version: z.number(),
                updatedAt: z.string(),
                method: z.string(),
              }),
            ),
            nextCursor: z.string().nullable(),
            dataItems: z.array(DataItem),
          }),
        },
      },
    },
    async (request) =>
      data.listRows(request.params.id, request.query, currentUser(request), auditContext(request)),
  );

  r.get(
    '/catalog/entries/:id/rows/:key',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: '一行数据及其历史版本',
        params: z.object({ id: z.string().min(1).max(64), key: z.string().min(1).max(500) }),
        response: {
          200: z.object({ key: z.string(), current: RowVersion, history: z.array(RowVersion) }),
        },
      },
    },
    async (request) =>
      data.getRow(
        request.params.id,
        request.params.key,
        currentUser(request),
        auditContext(request),
      ),
  );

  r.put(
    '/catalog/entries/:id/rows',
    {
      config: { access: 'data.enter' },
      schema: {
        tags,
        summary: '录入或修改一行数据（按主键）',
        params: IdParam,
        body: z.object({ values: z.record(z.string(), RowValue) }),
        response: {
          200: z.object({
            key: z.string(),
            outcome: z.enum(['added', 'updated', 'unchanged']),
          }),
        },
      },
    },
    async (request) =>
      data.saveRow(
        request.params.id,
        request.body.values,
        currentUser(request),
        auditContext(request),
      ),
  );
}
