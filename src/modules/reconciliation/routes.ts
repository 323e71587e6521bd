/**
 * HTTP routes of reconciliation (对账, COL-07): the daily report for the console, and the
 * receipt a consumer system sends for a batch copy, signed with its exchange credential.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../../server/app.ts';
import { AppError } from '../../server/errors.ts';
import { auditContext, currentUser } from '../../server/plugins/access.ts';
import { DailyReport, ReceiptInput, ReceiptResult } from './schemas.ts';

export function registerReconciliationRoutes(app: FastifyInstance, services: Services) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { reconciliation, exchange } = services;
  const tags = ['对账'];

  r.get(
    '/reconciliation/report',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary:
          '每日对账报告：各提供方与使用方持有的行数、校验值及差异（本单位；平台管理方可看辖区内各单位）',
        querystring: z.object({
          date: z
            .string()
            .regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD')
            .optional(),
          unitId: z.string().max(64).optional(),
        }),
        response: { 200: DailyReport },
      },
    },
    async (request) =>
      reconciliation.report(
        request.query.date ?? reconciliation.defaultDate(),
        request.query.unitId,
        currentUser(request),
        auditContext(request),
      ),
  );

  // Signed by the consumer's exchange credential: the raw body is part of the signature.
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
    machine.addHook('preValidation', async (request) => {
      request.exchangeCaller = await exchange.authenticate({
        method: request.method,
        url: request.url,
        headers: request.headers,
        rawBody: request.rawBody ?? '',
        // A receipt belongs to a batch copy: it is signed naming the resource's batch interface.
        modes: ['batch'],
        meta: { clientIp: request.ip, requestId: request.id },
      });
    });
    machine.withTypeProvider<ZodTypeProvider>().post(
      '/reconciliation/receipts',
      {
        config: { access: 'credential' },
        schema: {
          tags,
          summary: '批量复制回执：使用方报告某批次实际收到或入库的行数与校验值',
          body: ReceiptInput,
          response: { 200: ReceiptResult },
        },
      },
      async (request) => {
        const caller = request.exchangeCaller;
        if (!caller)
          throw new AppError('unauthenticated', 'exchange.signature_missing', '缺少签名信息');
        return reconciliation.receipt(caller, request.body, {
          clientIp: request.ip,
          requestId: request.id,
        });
      },
    );
  });
}
