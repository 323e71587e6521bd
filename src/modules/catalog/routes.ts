/** HTTP routes of the data resource catalog, information-system project catalogs and open data. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../../server/app.ts';
import { auditContext, currentUser } from '../../server/plugins/access.ts';
import { AppError } from '../../server/errors.ts';
import { classificationTreeFor } from './classification.ts';
import { toDcatCatalog } from './dcat.ts';
import {
  classificationTrees,
  dataGrades,
  dataTypes,
  formatTypes,
  openTypes,
  provisionModes,
  resourceKinds,
  ruleKinds,
  sharingMethods,
  sharingScopes,
  sharingTypes,
  updateFrequencies,
} from './elements.ts';
import {
  ComplianceCheckRequest,
  ComplianceFinding,
  EntryActionRequest,
  EntryCreate,
  EntryDetail,
  EntryDraftUpdate,
  EntryList,
  EntryListQuery,
  IdParam,
  Project,
  ProjectCreate,
  ProjectDecision,
  SearchQuery,
  SearchResult,
  VersionDetail,
  VersionParam,
} from './schemas.ts';
import { versionStatusLabels } from './workflow.ts';

const vocabularyList = {
  resourceKinds,
  formatTypes,
  dataTypes,
  ruleKinds,
  sharingTypes,
  sharingMethods,
  sharingScopes,
  openTypes,
  updateFrequencies,
  provisionModes,
  dataGrades,
  classificationTrees,
};

const Vocabularies = z.object({
  labels: z.record(z.string(), z.record(z.string(), z.string())),
  classifications: z.array(z.unknown()),
});

/** The address this platform is reached at, for links in DCAT documents. */
const baseUrlOf = (request: FastifyRequest) => `${request.protocol}://${request.host}`;

export function registerCatalogRoutes(app: FastifyInstance, services: Services) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { catalog } = services;
  const tags = ['数据资源目录'];

  r.get(
    '/catalog/vocabularies',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: '目录要素的取值与中文名称、资源分类树',
        response: { 200: Vocabularies },
      },
    },
    async () => ({
      labels: {
        ...Object.fromEntries(Object.entries(vocabularyList).map(([k, v]) => [k, v.labels])),
        versionStatuses: versionStatusLabels,
      },
      classifications: classificationTrees.codes.map((tree) => ({
        value: tree,
        label: classificationTrees.labels[tree],
        children: classificationTreeFor(tree),
      })),
    }),
  );

  r.get(
    '/catalog/search',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: '检索已发布的目录（名称、摘要、信息项、提供方、分类、共享与开放类型）',
        querystring: SearchQuery,
        response: { 200: SearchResult },
      },
    },
    async (request) => catalog.search(request.query),
  );

  r.get(
    '/catalog/dcat',
    {
      config: { access: 'user' },
      schema: { tags, summary: '全部已发布目录的 DCAT-AP 3 JSON-LD（政务内部）' },
    },
    async (request, reply) =>
      reply
        .type('application/ld+json; charset=utf-8')
        .send(
          toDcatCatalog(await catalog.liveEntries({ openOnly: false }), baseUrlOf(request), false),
        ),
  );

  r.post(
    '/catalog/compliance-check',
    {
      config: { access: 'catalog.edit' },
      schema: {
        tags,
        summary: '目录合规检查（不保存）',
        body: ComplianceCheckRequest,
        response: { 200: z.object({ findings: z.array(ComplianceFinding) }) },
      },
    },
    async (request) => ({
      findings: await catalog.checkContent(
        request.body.content,
        request.body.providerUnitId ?? currentUser(request).unitId,
      ),
    }),
  );

  r.get(
    '/catalog/entries',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: '目录工作清单（本单位、待审核、待发布、超期未维护）',
        querystring: EntryListQuery,
        response: { 200: EntryList },
      },
    },
    async (request) => catalog.list(request.query, currentUser(request)),
  );

  r.post(
    '/catalog/entries',
    {
      config: { access: 'catalog.edit' },
      schema: {
        tags,
        summary: '新建目录条目（草稿，资源代码按分类生成）',
        body: EntryCreate,
        response: { 201: EntryDetail },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await catalog.createEntry(request.body, currentUser(request), auditContext(request))),
  );

  r.get(
    '/catalog/entries/:id',
    {
      config: { access: 'user' },
      schema: { tags, summary: '目录条目详情', params: IdParam, response: { 200: EntryDetail } },
    },
    async (request) => catalog.get(request.params.id, currentUser(request)),
  );

  r.put(
    '/catalog/entries/:id/draft',
    {
      config: { access: 'catalog.edit' },
      schema: {
        tags,
        summary: '修改草稿或被退回的版本',
        params: IdParam,
        body: EntryDraftUpdate,
        response: { 200: EntryDetail },
      },
    },
    async (request) =>
      catalog.updateDraft(
        request.params.id,
        request.body,
        currentUser(request),
        auditContext(request),
      ),
  );

  r.post(
    '/catalog/entries/:id/actions',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: '流转：提交、撤回、查阅、审核通过、退回、发布、停用、年度维护确认、作废、新建版本',
        params: IdParam,
        body: EntryActionRequest,
        response: { 200: EntryDetail },
      },
    },
    async (request) =>
      catalog.act(request.params.id, request.body, currentUser(request), auditContext(request)),
  );

  r.get(
    '/catalog/entries/:id/versions/:version',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: '目录条目的某一版本（已发布的版本始终可查）',
        params: VersionParam,
        response: { 200: VersionDetail },
      },
    },
    async (request) =>
      catalog.getVersion(request.params.id, request.params.version, currentUser(request)),
  );

  const projectTags = ['项目数据目录'];
  r.get(
    '/catalog/projects',
    {
      config: { access: 'user' },
      schema: {
        tags: projectTags,
        summary: '信息系统项目数据目录清单',
        response: {
          200: z.object({ items: z.array(Project.omit({ duplicates: true, items: true })) }),
        },
      },
    },
    async (request) => ({ items: await catalog.listProjects(currentUser(request)) }),
  );

  r.post(
    '/catalog/projects',
    {
      config: { access: 'catalog.edit' },
      schema: {
        tags: projectTags,
        summary: '登记信息系统项目数据目录（立项审批前）',
        body: ProjectCreate,
        response: { 201: Project },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await catalog.createProject(request.body, currentUser(request), auditContext(request)),
        ),
  );

  r.get(
    '/catalog/projects/:id',
    {
      config: { access: 'user' },
      schema: {
        tags: projectTags,
        summary: '项目数据目录及其重复采集检查',
        params: IdParam,
        response: { 200: Project },
      },
    },
    async (request) => catalog.getProject(request.params.id, currentUser(request)),
  );

  r.post(
    '/catalog/projects/:id/decision',
    {
      config: { access: 'catalog.publish' },
      schema: {
        tags: projectTags,
        summary: '审批项目数据目录（有可共享获取却计划重复采集的数据项时不能通过）',
        params: IdParam,
        body: ProjectDecision,
        response: { 200: Project },
      },
    },
    async (request) =>
      catalog.decideProject(
        request.params.id,
        request.body,
        currentUser(request),
        auditContext(request),
      ),
  );

  registerOpenDataRoutes(app, services);
}

/** The public open-data catalog (CAT-09): no login. */
function registerOpenDataRoutes(app: FastifyInstance, services: Services) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { catalog, data } = services;
  const tags = ['开放数据'];
  const CodeParam = z.object({ code: z.string().regex(/^\d{6,9}\/\d{6}$/, '资源代码格式不正确') });

  r.get(
    '/open/catalog',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: '开放数据目录（无需登录）',
        querystring: SearchQuery,
        response: { 200: SearchResult },
      },
    },
    async (request) => catalog.searchOpen(request.query),
  );

  r.get(
    '/open/catalog/:code',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: '开放数据资源详情',
        params: CodeParam,
        response: { 200: OpenEntry },
      },
    },
    async (request) => {
      const v = await openEntry(request.params.code);
      return {
        code: v.code,
        name: v.name,
        summary: v.parsed.summary,
        providerName: v.provider_name,
        kind: v.parsed.kind,
        formatType: v.parsed.formatType,
        formatDetail: v.parsed.formatDetail,
        openType: v.parsed.openType!,
        openCondition: v.parsed.openCondition,
        updateFrequency: v.parsed.updateFrequency,
        publishedAt: v.published_at,
        dataItems: v.parsed.dataItems
          .filter((i) => !i.sensitive)
          .map((i) => ({
            name: i.name,
            identifier: i.identifier,
            type: i.type,
            description: i.description,
          })),
        downloadable: v.parsed.kind === 'table' && v.parsed.openType === 'open_unconditional',
      };
    },
  );

  r.get(
    '/open/catalog/:code/data',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: '下载无条件开放的结构化数据（CSV 或 JSON Lines）',
        params: CodeParam,
        querystring: z.object({ format: z.enum(['csv', 'ndjson']).default('csv') }),
      },
    },
    async (request, reply) => {
      const v = await openEntry(request.params.code);
      if (v.parsed.kind !== 'table' || v.parsed.openType !== 'open_unconditional') {
        throw new AppError(
          'forbidden',
          'open.not_downloadable',
          v.parsed.openType === 'open_conditional'
            ? `该资源为有条件开放，开放条件：${v.parsed.openCondition || '见资源说明'}；请按条件向提供方申请`
            : '该资源没有可下载的开放数据',
        );
      }
      const format = request.query.format;
      const stream = data.openDownload(v.resource_id, v.parsed.dataItems, format, {
        clientIp: request.ip,
        requestId: request.id,
      });
      return reply
        .type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8')
        .header(
          'content-disposition',
          `attachment; filename*=UTF-8''${encodeURIComponent(`${v.name}.${format === 'csv' ? 'csv' : 'jsonl'}`)}`,
        )
        .send(stream);
    },
  );

  r.get(
    '/open/dcat',
    {
      config: { access: 'public' },
      schema: { tags, summary: '开放数据目录的 DCAT-AP 3 JSON-LD（供目录采集器读取）' },
    },
    async (request, reply) =>
      reply
        .type('application/ld+json; charset=utf-8')
        .send(
          toDcatCatalog(await catalog.liveEntries({ openOnly: true }), baseUrlOf(request), true),
        ),
  );

  async function openEntry(code: string) {
    const v = await catalog.liveByCode(code);
    if (!v || (v.open_type !== 'open_unconditional' && v.open_type !== 'open_conditional')) {
      throw new AppError('not_found', 'open.not_found', '没有该开放数据资源');
    }
    return v;
  }
}

const OpenEntry = z.object({
  code: z.string(),
  name: z.string(),
  summary: z.string(),
  providerName: z.string(),
  kind: z.string(),
  formatType: z.string().nullable(),
  formatDetail: z.string(),
  openType: z.string(),
  openCondition: z.string(),
  updateFrequency: z.string().nullable(),
  publishedAt: z.string().nullable(),
  dataItems: z.array(
    z.object({
      name: z.string(),
      identifier: z.string(),
      type: z.string(),
      description: z.string(),
    }),
  ),
  downloadable: z.boolean(),
});
