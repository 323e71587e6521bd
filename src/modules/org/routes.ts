/** HTTP routes of the organisation register. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Services } from '../../server/app.ts';
import { auditContext, currentUser } from '../../server/plugins/access.ts';
import { divisionPrefix } from '../iam/scope.ts';
import {
  CodeParam,
  Division,
  DivisionDetail,
  DivisionImportRequest,
  DivisionImportResult,
  DivisionListQuery,
  DivisionStats,
  IdParam,
  IdentifierCheckRequest,
  IdentifierCheckResult,
  Unit,
  UnitCreate,
  UnitList,
  UnitListQuery,
  UnitPatch,
} from './schemas.ts';
import { z } from 'zod';

/** The division prefix within which the caller maintains units. */
const scopeOf = (request: FastifyRequest) => divisionPrefix(currentUser(request).unitDivisionCode);

export function registerOrgRoutes(app: FastifyInstance, { org }: Services) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const divisionTags = ['行政区划'];
  const unitTags = ['单位'];

  r.get(
    '/divisions',
    {
      config: { access: 'user' },
      schema: {
        tags: divisionTags,
        summary: '下级行政区划列表（不带 parent 时为省级）',
        querystring: DivisionListQuery,
        response: { 200: z.object({ items: z.array(Division) }) },
      },
    },
    async (request) => ({
      items: await org.listDivisions(request.query.parent ?? null, request.query.includeRetired),
    }),
  );

  r.get(
    '/divisions/stats',
    {
      config: { access: 'user' },
      schema: { tags: divisionTags, summary: '行政区划统计', response: { 200: DivisionStats } },
    },
    async () => org.divisionStats(),
  );

  r.get(
    '/divisions/:code',
    {
      config: { access: 'user' },
      schema: {
        tags: divisionTags,
        summary: '行政区划详情与变更历史',
        params: CodeParam,
        response: { 200: DivisionDetail },
      },
    },
    async (request) => org.getDivision(request.params.code),
  );

  r.post(
    '/divisions/imports',
    {
      config: { access: 'org.manage' },
      schema: {
        tags: divisionTags,
        summary: '导入新发布的行政区划代码表（整表校验，出错则不导入）',
        body: DivisionImportRequest,
        response: { 201: DivisionImportResult },
      },
    },
    async (request, reply) => {
      const result = await org.importDivisions(request.body, auditContext(request));
      return reply.status(201).send(result);
    },
  );

  r.post(
    '/identifiers/check',
    {
      config: { access: 'user' },
      schema: {
        tags: ['标识码'],
        summary: '校验公民身份号码（GB 11643）或统一社会信用代码（GB 32100）',
        body: IdentifierCheckRequest,
        response: { 200: IdentifierCheckResult },
      },
    },
    async (request) => org.checkIdentifier(request.body),
  );

  r.get(
    '/units',
    {
      config: { access: 'user' },
      schema: {
        tags: unitTags,
        summary: '单位列表',
        querystring: UnitListQuery,
        response: { 200: UnitList },
      },
    },
    async (request) => org.listUnits(request.query),
  );

  r.get(
    '/units/stats',
    {
      config: { access: 'user' },
      schema: {
        tags: unitTags,
        summary: '单位统计',
        response: { 200: z.object({ total: z.number(), active: z.number() }) },
      },
    },
    async () => org.unitStats(),
  );

  r.get(
    '/units/:id',
    {
      config: { access: 'user' },
      schema: { tags: unitTags, summary: '单位详情', params: IdParam, response: { 200: Unit } },
    },
    async (request) => org.getUnit(request.params.id),
  );

  r.post(
    '/units',
    {
      config: { access: 'org.manage' },
      schema: { tags: unitTags, summary: '新建单位', body: UnitCreate, response: { 201: Unit } },
    },
    async (request, reply) =>
      reply.status(201).send(
        await org.createUnit(request.body, {
          by: auditContext(request),
          scopePrefix: scopeOf(request),
        }),
      ),
  );

  r.patch(
    '/units/:id',
    {
      config: { access: 'org.manage' },
      schema: {
        tags: unitTags,
        summary: '修改单位（需带版本号）',
        params: IdParam,
        body: UnitPatch,
        response: { 200: Unit },
      },
    },
    async (request) =>
      org.updateUnit(request.params.id, request.body, auditContext(request), {
        scopePrefix: scopeOf(request),
      }),
  );
}
