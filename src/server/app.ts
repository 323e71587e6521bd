/**
 * Assembles the HTTP server: logging with request ids, the zod type provider (validation
 * and the OpenAPI document from one schema per shape), access control, problem+json
 * errors, the module routes and the web console.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
} from 'fastify-type-provider-zod';
import { z } from 'zod';
import { uuidv7 } from '../lib/uuid.ts';
import { createAnchors } from '../modules/audit/anchors.ts';
import { createArchiver } from '../modules/audit/archive.ts';
import { registerAuditRoutes } from '../modules/audit/routes.ts';
import { createAuditSearch } from '../modules/audit/search.ts';
import { createAuditService } from '../modules/audit/service.ts';
import { registerCatalogRoutes } from '../modules/catalog/routes.ts';
import { createCatalogService } from '../modules/catalog/service.ts';
import { registerDataRoutes } from '../modules/data/routes.ts';
import { createDataService } from '../modules/data/service.ts';
import { loadNationalTable } from '../lib/divisions/national.ts';
import { registerSharingRoutes } from '../modules/sharing/routes.ts';
import { createSharingService } from '../modules/sharing/service.ts';
import { registerExchangeRoutes } from '../modules/exchange/routes.ts';
import { createExchangeService } from '../modules/exchange/service.ts';
import { registerFrontendRoutes } from '../modules/frontend/routes.ts';
import { createFrontendService } from '../modules/frontend/service.ts';
import { registerReconciliationRoutes } from '../modules/reconciliation/routes.ts';
import { createReconciliationService } from '../modules/reconciliation/service.ts';
import { registerSubscriptionRoutes } from '../modules/exchange/subscription-routes.ts';
import { createSubscriptionService } from '../modules/exchange/subscriptions.ts';
import { registerBatchRoutes } from '../modules/batch/routes.ts';
import { createBatchService } from '../modules/batch/service.ts';
import { registerHistoryRoutes } from '../modules/history/routes.ts';
import { createHistoryService } from '../modules/history/service.ts';
import { createKeyService } from '../modules/keys/service.ts';
import { registerCalendarRoutes } from '../modules/calendar/routes.ts';
import { createCalendarService } from '../modules/calendar/service.ts';
import { registerIamRoutes } from '../modules/iam/routes.ts';
import { createIamService } from '../modules/iam/service.ts';
import { registerOrgRoutes } from '../modules/org/routes.ts';
import { registerRegistryRoutes } from '../modules/registry/routes.ts';
import { createRegistryService } from '../modules/registry/service.ts';
import { createOrgService } from '../modules/org/service.ts';
import type { AppContext } from './context.ts';
import { AppError, toProblem, type FieldError } from './errors.ts';
import { registerBenchRoutes } from './bench-routes.ts';
import { registerHealthRoutes } from './health.ts';
import { accessPlugin } from './plugins/access.ts';
import { platformVersion } from './version.ts';

z.config(z.locales.zhCN());

/** All domain services, built once per app and handed to the routes. */
export function createServices(ctx: AppContext) {
  const audit = createAuditService(ctx);
  const keys = createKeyService(ctx);
  const org = createOrgService(ctx, audit);
  const catalog = createCatalogService(ctx, { audit });
  const calendar = createCalendarService(ctx, audit);
  const sharing = createSharingService(ctx, { audit, catalog, calendar });
  catalog.setOnwardConsentSource((t, unitId, codes) => sharing.onwardConsented(t, unitId, codes));
  const data = createDataService(ctx, { audit, catalog, isDivisionCode: knownDivisionCode });
  const exchange = createExchangeService(ctx, {
    audit,
    catalog,
    data,
    sharing,
    isDivisionCode: knownDivisionCode,
  });
  sharing.setCredentialSource((grantId) => exchange.credentialsOfGrant(grantId));
  sharing.onGrantRevoked((grantId) => exchange.forgetGrant(grantId));
  // Front-end processors (前置机, EXC-06) and reconciliation (对账, COL-07).
  const frontend = createFrontendService(ctx, {
    audit,
    catalog,
    data,
    isDivisionCode: knownDivisionCode,
  });
  const reconciliation = createReconciliationService(ctx, { audit, frontend });
  exchange.setRemoteSource(frontend.remoteSource);
  exchange.onBatchDelivered((batch) => {
    reconciliation.recordBatch(batch).catch((error: unknown) => {
      console.error('对账：记录批量复制批次失败', batch.batchId, error);
    });
  });
  const subscriptions = createSubscriptionService(ctx, { audit, catalog, sharing, keys });
  // The veterans' benefit registry (优抚对象信息管理, REG-01…13).
  const registry = createRegistryService(ctx, {
    audit,
    calendar,
    catalog,
    isDivisionCode: knownDivisionCode,
  });
  return {
    audit,
    auditSearch: createAuditSearch(ctx, audit),
    keys,
    anchors: createAnchors(ctx, keys),
    archiver: createArchiver(ctx, keys, audit),
    iam: createIamService(ctx, audit),
    org,
    calendar,
    batch: createBatchService(ctx, { audit, org }),
    // Who may read the history of each kind of record: units are the shared directory.
    history: createHistoryService(ctx, {
      units: () => true,
      registry_records: (user, id) => registry.canRead(user, id),
    }),
    catalog,
    data,
    sharing,
    exchange,
    frontend,
    reconciliation,
    subscriptions,
    registry,
  };
}
export type Services = ReturnType<typeof createServices>;

let divisionCodes: Set<string> | null = null;
/** County-level and above codes of the shipped GB/T 2260 table; 9/12-digit codes by their county. */
function knownDivisionCode(code: string): boolean {
  divisionCodes ??= new Set(loadNationalTable().map((d) => d.code));
  return divisionCodes.has(code.length > 6 ? code.slice(0, 6) : code);
}

export interface BuildOptions {
  /** Where JSON log lines go (standard output when absent). */
  logStream?: { write(line: string): void };
  /**
   * Services already built for this context (`mzhub serve` shares its own with the app, so
   * background work and requests use one set of caches, counters and listeners).
   */
  services?: Services;
}

export async function buildApp(
  ctx: AppContext,
  options: BuildOptions = {},
): Promise<FastifyInstance> {
  const app = Fastify({
    logger: {
      level: ctx.config.logLevel,
      ...(options.logStream ? { stream: options.logStream } : {}),
      // Credentials never reach the log (SEC-03).
      redact: {
        paths: ['req.headers.cookie', 'req.headers.authorization', 'req.headers["x-csrf-token"]'],
        censor: '***',
      },
    },
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{8,64}$/.test(given) ? given : uuidv7();
    },
    bodyLimit: 10 * 1024 * 1024,
    trustProxy: false,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  const services = options.services ?? createServices(ctx);

  await app.register(fastifyCookie);
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'mzhub 民政数据资源共享平台 API',
        description:
          '数据资源目录、共享申请与交换接口。错误以 RFC 9457 problem+json 返回，`code` 为稳定的机器可读错误码，`title`/`detail` 为中文说明。',
        version: platformVersion,
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'mzhub_session' },
        },
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs' });
  await app.register(accessPlugin, { iam: services.iam, audit: services.audit });

  app.setErrorHandler((error: FastifyError | AppError | Error, request, reply) => {
    const appError = toAppError(error);
    if (appError.kind === 'internal') request.log.error({ err: error }, 'unhandled error');
    for (const [name, value] of Object.entries(appError.headers ?? {})) reply.header(name, value);
    return reply
      .status(appError.status)
      .type('application/problem+json')
      .send(toProblem(appError, request.url, request.id));
  });

  await app.register(
    async (api) => {
      registerHealthRoutes(api, ctx);
      // Benchmark peers without any access check: only in benchmark mode (docs/performance.md).
      if (ctx.config.benchMode) registerBenchRoutes(api, ctx, services);
      api.get('/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, () =>
        app.swagger(),
      );
      await api.register(
        async (v1) => {
          registerIamRoutes(v1, services);
          registerOrgRoutes(v1, services);
          registerCalendarRoutes(v1, services);
          registerAuditRoutes(v1, services);
          registerHistoryRoutes(v1, services);
          registerBatchRoutes(v1, services);
          registerCatalogRoutes(v1, services);
          registerDataRoutes(v1, services);
          registerSharingRoutes(v1, services);
          registerExchangeRoutes(v1, services);
          registerFrontendRoutes(v1, services);
          registerReconciliationRoutes(v1, services);
          registerSubscriptionRoutes(v1, services);
          registerRegistryRoutes(v1, services);
        },
        { prefix: '/v1' },
      );
    },
    { prefix: '/api' },
  );

  await registerConsole(app, ctx.config.webDir);
  return app;
}

/** Serves the built console, with the SPA fallback; /api paths that match nothing get a 404 problem. */
async function registerConsole(app: FastifyInstance, webDir: string) {
  const built = existsSync(join(webDir, 'index.html'));
  if (built) {
    await app.register(fastifyStatic, { root: webDir, wildcard: false, index: ['index.html'] });
  }
  app.setNotFoundHandler((request, reply) => {
    if (request.url.startsWith('/api') || request.method !== 'GET') {
      const error = new AppError(
        'not_found',
        'route.not_found',
        `接口不存在：${request.method} ${request.url.split('?')[0]}`,
      );
      return reply
        .status(404)
        .type('application/problem+json')
        .send(toProblem(error, request.url, request.id));
    }
    if (!built) {
      return reply
        .status(503)
        .type('text/html; charset=utf-8')
        .send(
          '<!doctype html><meta charset="utf-8"><p>控制台尚未构建：请运行 <code>npm run build:web</code>。</p>',
        );
    }
    return reply.type('text/html; charset=utf-8').sendFile('index.html');
  });
}

/** Maps anything thrown to the closed set of error kinds; unknown errors become `internal`. */
function toAppError(error: FastifyError | AppError | Error): AppError {
  if (error instanceof AppError) return error;
  // Two requests racing for the same unique value: the loser gets a conflict, not a 500.
  const dbCode = (error as { code?: unknown }).code;
  if (
    dbCode === 'SQLITE_CONSTRAINT_UNIQUE' ||
    dbCode === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    dbCode === '23505'
  ) {
    return new AppError(
      'conflict',
      'conflict.duplicate',
      '与现有记录重复（可能有人同时提交了相同内容），请刷新后再试',
      {
        cause: error,
      },
    );
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const errors: FieldError[] = error.validation.map((issue) => ({
      path: issue.instancePath.replace(/^\//, '').replaceAll('/', '.'),
      message: issue.message ?? '取值无效',
    }));
    const where =
      error.validationContext === 'querystring'
        ? '查询参数'
        : error.validationContext === 'params'
          ? '路径参数'
          : '请求内容';
    return new AppError(
      'invalid',
      'request.invalid',
      `${where}有误：${errors.map((e) => (e.path ? `${e.path} ${e.message}` : e.message)).join('；')}`,
      { errors },
    );
  }
  const status = (error as FastifyError).statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const fastifyCode = (error as FastifyError).code;
    const known: Record<string, [string, string]> = {
      FST_ERR_CTP_INVALID_MEDIA_TYPE: [
        'request.media_type',
        '不支持的请求内容类型，请使用 application/json',
      ],
      FST_ERR_CTP_EMPTY_JSON_BODY: ['request.empty_body', '请求体为空'],
      FST_ERR_CTP_BODY_TOO_LARGE: ['request.too_large', '请求体过大'],
      FST_ERR_CTP_INVALID_JSON_BODY: ['request.malformed_json', '请求体不是合法的 JSON'],
    };
    const [code, detail] =
      known[fastifyCode] ??
      (error.name === 'SyntaxError'
        ? ['request.malformed_json', '请求体不是合法的 JSON']
        : ['request.invalid', '请求无法处理']);
    const kind =
      status === 401
        ? 'unauthenticated'
        : status === 403
          ? 'forbidden'
          : status === 404
            ? 'not_found'
            : status === 429
              ? 'rate_limited'
              : 'invalid';
    return new AppError(kind, code, detail);
  }
  return new AppError('internal', 'internal', '服务器内部错误，请联系运维人员并提供请求编号', {
    cause: error,
  });
}
