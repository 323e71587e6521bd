/**
 * HTTP routes of the veterans' benefit registry (优抚对象信息管理). Routes only translate
 * HTTP; every rule (scope, turn, lock, screening, duplicates) lives in the service.
 */
import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../../server/app.ts';
import { AppError } from '../../server/errors.ts';
import { auditContext, currentUser } from '../../server/plugins/access.ts';
import { attachmentKinds, type AttachmentKind } from './attachments.ts';
import { certificatePlaceholders } from './certificate-rule.ts';
import { fieldLabels, problemKinds } from './checks.ts';
import { recordStatusLabels, requestKindLabels, requestStatusLabels } from './workflow.ts';
import {
  benefitLabels,
  disabilityGrades,
  AttachmentParam,
  Attachment,
  Backup,
  BackupCreate,
  BulkActionBody,
  BulkActionResult,
  Category,
  CategoryParam,
  CategoryUpsert,
  CatalogLink,
  CatalogLinkBody,
  CertificateRuleSet,
  CertificateRuleView,
  DeadlineBody,
  HistoryView,
  IdParam,
  IdVerificationBody,
  ImportQuery,
  ImportResult,
  IncompleteUnits,
  LockBody,
  LockState,
  Overview,
  PrintForm,
  ProblemList,
  ProblemListQuery,
  ProblemResolve,
  Problem,
  Quality,
  QueueList,
  QueueQuery,
  RecordCreate,
  RecordDetail,
  RecordList,
  RecordListQuery,
  RecordUpdate,
  RequestActionBody,
  RequestCreate,
  RequestDetail,
  RequestUpdate,
  ScreeningResult,
} from './schemas.ts';

const Vocabularies = z.object({
  attachmentKinds: z.array(
    z.object({ kind: z.string(), name: z.string(), maxBytes: z.number(), required: z.boolean() }),
  ),
  benefitLabels: z.record(z.string(), z.string()),
  disabilityGrades: z.array(z.string()),
  recordStatuses: z.record(z.string(), z.string()),
  requestStatuses: z.record(z.string(), z.string()),
  requestKinds: z.record(z.string(), z.string()),
  problemKinds: z.record(z.string(), z.string()),
  queues: z.record(z.string(), z.string()),
  fieldLabels: z.record(z.string(), z.string()),
  certificatePlaceholders: z.array(z.object({ placeholder: z.string(), meaning: z.string() })),
});

const queueLabels = {
  to_enter: '待录入',
  to_check: '待复核',
  to_review: '待审核',
  to_approve: '待审批',
  returned: '被退回',
};

/** Attachment bodies as the browser sends them; CSV/XLSX/octet-stream parsers come from the data routes. */
const imageTypes = ['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'image/bmp'];
const streamTypes = [...imageTypes, 'application/octet-stream'];

/** The largest attachment read into memory: the largest allowed is 300 KB, so this only stops abuse. */
const MAX_ATTACHMENT_READ = 4 * 1024 * 1024;

async function readBody(body: unknown, limit: number): Promise<Buffer> {
  if (Buffer.isBuffer(body)) return body;
  if (body && typeof (body as Readable).pipe === 'function') {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of body as Readable) {
      const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
      size += b.length;
      if (size > limit) {
        (body as Readable).destroy();
        throw new AppError(
          'invalid',
          'registry.attachment_too_large',
          `文件超过 ${Math.round(limit / 1024)} KB，已拒收`,
        );
      }
      chunks.push(b);
    }
    return Buffer.concat(chunks);
  }
  throw new AppError(
    'invalid',
    'registry.body_type',
    '请以 application/octet-stream 或 image/jpeg 上传文件内容',
  );
}

function sendXlsx(reply: FastifyReply, name: string, bytes: Buffer) {
  return reply
    .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
    .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(name)}`)
    .send(bytes);
}

export function registerRegistryRoutes(app: FastifyInstance, services: Services) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { registry } = services;
  const tags = ['优抚对象信息管理'];
  for (const type of streamTypes) {
    if (!app.hasContentTypeParser(type)) {
      app.addContentTypeParser(type, (_request, payload, done) => done(null, payload));
    }
  }

  // ---- home, settings ----

  r.get(
    '/registry/overview',
    {
      config: { access: 'registry.read' },
      schema: {
        tags,
        summary: '首页：年度申报截止日期、数据锁定状态、各工作队列数量',
        response: { 200: Overview },
      },
    },
    async (request) => registry.overview(currentUser(request)),
  );

  r.get(
    '/registry/vocabularies',
    {
      config: { access: 'registry.read' },
      schema: {
        tags,
        summary: '取值与中文名称：扫描件类型与大小上限、抚恤优待信息项、状态、申请类型、问题类型',
        response: { 200: Vocabularies },
      },
    },
    async () => ({
      attachmentKinds: (Object.keys(attachmentKinds) as AttachmentKind[]).map((kind) => ({
        kind,
        ...attachmentKinds[kind],
      })),
      benefitLabels,
      disabilityGrades: [...disabilityGrades],
      recordStatuses: recordStatusLabels,
      requestStatuses: requestStatusLabels,
      requestKinds: requestKindLabels,
      problemKinds: { ...problemKinds },
      queues: queueLabels,
      fieldLabels,
      certificatePlaceholders: certificatePlaceholders.map((p) => ({ ...p })),
    }),
  );

  r.get(
    '/registry/categories',
    {
      config: { access: 'registry.read' },
      schema: {
        tags,
        summary: '优抚类别（可配置）及其须填、不应填的抚恤优待信息',
        response: { 200: z.object({ items: z.array(Category) }) },
      },
    },
    async () => ({ items: await registry.categories() }),
  );

  r.put(
    '/registry/categories/:code',
    {
      config: { access: 'registry.manage' },
      schema: {
        tags,
        summary: '新增或修改一个优抚类别（省级）',
        params: CategoryParam,
        body: CategoryUpsert,
        response: { 200: Category },
      },
    },
    async (request) =>
      registry.upsertCategory(
        { ...request.body, code: request.params.code },
        currentUser(request),
        auditContext(request),
      ),
  );

  r.get(
    '/registry/certificate-rules',
    {
      config: { access: 'registry.read' },
      schema: {
        tags,
        summary: '各类别证书编号规则（省级统一）及示例',
        response: { 200: CertificateRuleView },
      },
    },
    async () => registry.certificateRules(),
  );

  r.put(
    '/registry/certificate-rules',
    {
      config: { access: 'registry.manage' },
      schema: {
        tags,
        summary: '设置证书编号规则（整套替换；可能产生重复编号的规则被拒绝）',
        body: CertificateRuleSet,
        response: { 200: CertificateRuleView },
      },
    },
    async (request) =>
      registry.setCertificateRules(request.body, currentUser(request), auditContext(request)),
  );

  r.put(
    '/registry/deadline',
    {
      config: { access: 'registry.manage' },
      schema: {
        tags,
        summary: '设置年度数据申报截止日期与限期补报的工作日数',
        body: DeadlineBody,
        response: { 200: Overview },
      },
    },
    async (request) =>
      registry.setDeadline(request.body, currentUser(request), auditContext(request)),
  );

  r.post(
    '/registry/lock',
    {
      config: { access: 'registry.manage' },
      schema: {
        tags,
        summary: '锁定全省优抚数据（民政部集中审定期间，任何修改都被拒绝）',
        body: LockBody,
        response: { 200: LockState },
      },
    },
    async (request) => registry.lock(request.body, currentUser(request), auditContext(request)),
  );

  r.post(
    '/registry/unlock',
    {
      config: { access: 'registry.manage' },
      schema: {
        tags,
        summary: '解除锁定（集中审定完成后）',
        body: LockBody,
        response: { 200: LockState },
      },
    },
    async (request) => registry.unlock(request.body, currentUser(request), auditContext(request)),
  );

  r.get(
    '/registry/incomplete-units',
    {
      config: { access: 'registry.read' },
      schema: {
        tags,
        summary: '申报截止后数据不完整的单位、缺少什么、限期补报日期',
        response: { 200: IncompleteUnits },
      },
    },
    async (request) => registry.incompleteUnits(currentUser(request)),
  );

  // ---- records ----

  r.get(
    '/registry/records',
    {
      config: { access: 'registry.read' },
      schema: {
        tags,
        summary: '优抚对象名册（本级及下级），可检索、筛选，分页',
        querystring: RecordListQuery,
        response: { 200: RecordList },
      },
    },
    async (request) => registry.listRecords(request.query, currentUser(request)),
  );

  r.get(
    '/registry/records.xlsx',
    {
      config: { access: 'registry.read' },
      schema: { tags, summary: '导出名册（XLSX，按当前筛选条件）', querystring: RecordListQuery },
    },
    async (request, reply) =>
      sendXlsx(
        reply,
        '优抚对象名册.xlsx',
        await registry.exportRecords(request.query, currentUser(request), auditContext(request)),
      ),
  );

  r.post(
    '/registry/records',
    {
      config: { access: 'registry.enter' },
      schema: {
        tags,
        summary: '录入优抚对象（草稿；材料齐全后才能提交）',
        body: RecordCreate,
        response: { 201: RecordDetail },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await registry.createRecord(request.body, currentUser(request), auditContext(request)),
        ),
  );

  r.get(
    '/registry/records/:id',
    {
      config: { access: 'registry.read' },
      schema: { tags, summary: '优抚对象详情', params: IdParam, response: { 200: RecordDetail } },
    },
    async (request) =>
      registry.getRecord(request.params.id, currentUser(request), auditContext(request)),
  );

  r.put(
    '/registry/records/:id',
    {
      config: { access: 'registry.enter' },
      schema: {
        tags,
        summary: '修改草稿或被退回的登记',
        params: IdParam,
        body: RecordUpdate,
        response: { 200: RecordDetail },
      },
    },
    async (request) =>
      registry.updateRecord(
        request.params.id,
        request.body,
        currentUser(request),
        auditContext(request),
      ),
  );

  r.post(
    '/registry/records/:id/discard',
    {
      config: { access: 'registry.enter' },
      schema: {
        tags,
        summary: '作废从未提交的草稿',
        params: IdParam,
        body: LockBody,
        response: { 200: RecordDetail },
      },
    },
    async (request) =>
      registry.discardRecord(
        request.params.id,
        request.body.reason,
        currentUser(request),
        auditContext(request),
      ),
  );

  r.post(
    '/registry/records/:id/attachments',
    {
      config: { access: 'registry.enter' },
      schema: {
        tags,
        summary:
          '上传扫描件（请求体为文件本身，JPG）：身份证基准头像 ≤3KB、身份证复印件 ≤40KB、年度近照与其他扫描件 ≤300KB，按内容检查',
        params: IdParam,
        querystring: z.object({
          kind: z.string().min(1).max(40),
          fileName: z.string().trim().min(1, '请提供文件名').max(200),
        }),
        response: { 201: Attachment },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await registry.addAttachment(
            request.params.id,
            { kind: request.query.kind, fileName: request.query.fileName },
            await readBody(request.body, MAX_ATTACHMENT_READ),
            currentUser(request),
            auditContext(request),
          ),
        ),
  );

  r.get(
    '/registry/records/:id/attachments/:attachmentId',
    {
      config: { access: 'registry.read' },
      schema: { tags, summary: '查看扫描件（JPG）', params: AttachmentParam },
    },
    async (request, reply) => {
      const file = await registry.attachmentContent(
        request.params.id,
        request.params.attachmentId,
        currentUser(request),
        auditContext(request),
      );
      return reply
        .type('image/jpeg')
        .header('x-content-sm3', file.sm3)
        .header(
          'content-disposition',
          `inline; filename*=UTF-8''${encodeURIComponent(file.fileName)}`,
        )
        .send(file.content);
    },
  );

  r.delete(
    '/registry/records/:id/attachments/:attachmentId',
    {
      config: { access: 'registry.enter' },
      schema: {
        tags,
        summary: '删除草稿中上传错的扫描件',
        params: AttachmentParam,
        response: { 200: RecordDetail },
      },
    },
    async (request) =>
      registry.removeAttachment(
        request.params.id,
        request.params.attachmentId,
        currentUser(request),
        auditContext(request),
      ),
  );

  r.post(
    '/registry/records/:id/id-verification',
    {
      config: { access: 'registry.read' },
      schema: {
        tags,
        summary: '身份证号码校验不通过时：登记已核验身份证原件（须先上传身份证复印件），记入审计',
        params: IdParam,
        body: IdVerificationBody,
        response: { 200: RecordDetail },
      },
    },
    async (request) =>
      registry.verifyIdCard(
        request.params.id,
        request.body,
        currentUser(request),
        auditContext(request),
      ),
  );

  r.get(
    '/registry/records/:id/history',
    {
      config: { access: 'registry.read' },
      schema: {
        tags,
        summary: '记录的全部办理步骤（谁、何时、为何）与各版本的字段变化',
        params: IdParam,
        response: { 200: HistoryView },
      },
    },
    async (request) => registry.history(request.params.id, currentUser(request)),
  );

  r.get(
    '/registry/records/:id/form',
    {
      config: { access: 'registry.read' },
      schema: {
        tags,
        summary: '一页式登记表（打印用数据）',
        params: IdParam,
        response: { 200: PrintForm },
      },
    },
    async (request) =>
      registry.printForm(request.params.id, currentUser(request), auditContext(request)),
  );

  r.post(
    '/registry/records/:id/certificate',
    {
      config: { access: 'registry.approve' },
      schema: {
        tags,
        summary: '为已审批但没有证书编号的历史数据按规则补发编号',
        params: IdParam,
        response: { 200: RecordDetail },
      },
    },
    async (request) =>
      registry.completeCertificate(request.params.id, currentUser(request), auditContext(request)),
  );

  r.post(
    '/registry/records/:id/requests',
    {
      config: { access: 'registry.enter' },
      schema: {
        tags,
        summary: '对已审批的记录提出变更、迁移、暂停、恢复或注销申请（与登记同样逐级审核审批）',
        params: IdParam,
        body: RequestCreate,
        response: { 201: RequestDetail },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await registry.fileRequest(
            request.params.id,
            request.body,
            currentUser(request),
            auditContext(request),
          ),
        ),
  );

  // ---- work queues and requests ----

  r.get(
    '/registry/queue',
    {
      config: { access: 'registry.read' },
      schema: {
        tags,
        summary: '工作队列：待录入、待复核、待审核、待审批、被退回',
        querystring: QueueQuery,
        response: { 200: QueueList },
      },
    },
    async (request) => registry.queue(request.query, currentUser(request)),
  );

  r.get(
    '/registry/queue.xlsx',
    {
      config: { access: 'registry.read' },
      schema: { tags, summary: '导出工作队列（XLSX）', querystring: QueueQuery },
    },
    async (request, reply) =>
      sendXlsx(
        reply,
        '优抚工作队列.xlsx',
        await registry.exportQueue(request.query, currentUser(request), auditContext(request)),
      ),
  );

  r.post(
    '/registry/requests/bulk',
    {
      config: { access: 'registry.read' },
      schema: {
        tags,
        summary: '全部审核（市级）或全部审批（省级）：仅当列表中每条待办都已逐条打开查看',
        body: BulkActionBody,
        response: { 200: BulkActionResult },
      },
    },
    async (request) => registry.bulkAct(request.body, currentUser(request), auditContext(request)),
  );

  r.get(
    '/registry/requests/:id',
    {
      config: { access: 'registry.read' },
      schema: {
        tags,
        summary: '申请详情：拟变更内容、办理记录、可执行的操作',
        params: IdParam,
        response: { 200: RequestDetail },
      },
    },
    async (request) =>
      registry.getRequest(request.params.id, currentUser(request), auditContext(request)),
  );

  r.put(
    '/registry/requests/:id',
    {
      config: { access: 'registry.enter' },
      schema: {
        tags,
        summary: '修改草稿或被退回的变更类申请',
        params: IdParam,
        body: RequestUpdate,
        response: { 200: RequestDetail },
      },
    },
    async (request) =>
      registry.updateRequest(
        request.params.id,
        request.body,
        currentUser(request),
        auditContext(request),
      ),
  );

  r.post(
    '/registry/requests/:id/actions',
    {
      config: { access: 'registry.read' },
      schema: {
        tags,
        summary:
          '流转：提交、查看（open）、县级逐项复核上报、市级审核通过、省级审批、退回（须写理由）、撤回',
        params: IdParam,
        body: RequestActionBody,
        response: { 200: RequestDetail },
      },
    },
    async (request) =>
      registry.act(request.params.id, request.body, currentUser(request), auditContext(request)),
  );

  // ---- problem data ----

  r.get(
    '/registry/problems',
    {
      config: { access: 'registry.read' },
      schema: {
        tags,
        summary: '问题数据清单（按县）及各县清理率',
        querystring: ProblemListQuery,
        response: { 200: ProblemList },
      },
    },
    async (request) => registry.problems(request.query, currentUser(request)),
  );

  r.post(
    '/registry/problems/screen',
    {
      config: { access: 'registry.manage' },
      schema: {
        tags,
        summary: '问题数据筛查：关键信息缺失、身份证号码不合法、类别与待遇不符、疑似重复',
        response: { 200: ScreeningResult },
      },
    },
    async (request) => registry.screenProblems(currentUser(request), auditContext(request)),
  );

  r.post(
    '/registry/problems/:id/resolve',
    {
      config: { access: 'registry.check' },
      schema: {
        tags,
        summary: '县级对照档案材料清理（核实无误）或确认已更正',
        params: IdParam,
        body: ProblemResolve,
        response: { 200: Problem },
      },
    },
    async (request) =>
      registry.resolveProblem(
        request.params.id,
        request.body,
        currentUser(request),
        auditContext(request),
      ),
  );

  // ---- imports ----

  r.post(
    '/registry/imports',
    {
      config: { access: 'registry.enter' },
      schema: {
        tags,
        summary:
          '批量录入（CSV 或 XLSX，请求体为文件本身）：每行同样校验与涉密筛查，全部正确才写入（草稿）',
        querystring: ImportQuery,
        response: { 201: ImportResult },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await registry.importRecords(
            request.body as Readable,
            { ...request.query, mode: 'draft' },
            currentUser(request),
            auditContext(request),
          ),
        ),
  );

  r.post(
    '/registry/historical-imports',
    {
      config: { access: 'registry.manage' },
      schema: {
        tags,
        summary:
          '导入历史已审批数据（省级）：同样校验与筛查，全部正确才写入；缺证书编号的列入待补充',
        querystring: ImportQuery,
        response: { 201: ImportResult },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await registry.importRecords(
            request.body as Readable,
            { ...request.query, mode: 'historical' },
            currentUser(request),
            auditContext(request),
          ),
        ),
  );

  // ---- quality, backups, catalog ----

  r.get(
    '/registry/quality',
    {
      config: { access: 'registry.read' },
      schema: {
        tags,
        summary: '联网质量评估：各市县信息完整性、准确性，上报与审核及时性，问题数据清理率，备份',
        response: { 200: Quality },
      },
    },
    async (request) => registry.quality(currentUser(request)),
  );

  r.get(
    '/registry/backups',
    {
      config: { access: 'registry.read' },
      schema: {
        tags,
        summary: '优抚数据备份登记',
        response: { 200: z.object({ items: z.array(Backup) }) },
      },
    },
    async () => ({ items: await registry.backups() }),
  );

  r.post(
    '/registry/backups',
    {
      config: { access: 'registry.manage' },
      schema: {
        tags,
        summary: '登记一次优抚数据备份（时间、存放位置）',
        body: BackupCreate,
        response: { 201: Backup },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await registry.recordBackup(request.body, currentUser(request), auditContext(request)),
        ),
  );

  r.get(
    '/registry/catalog-link',
    {
      config: { access: 'registry.read' },
      schema: {
        tags,
        summary: '优抚数据在资源目录中的登记（不予共享，或经民政部批准的有条件共享）',
        response: { 200: CatalogLink },
      },
    },
    async () => registry.catalogLink(),
  );

  r.put(
    '/registry/catalog-link',
    {
      config: { access: 'registry.manage' },
      schema: {
        tags,
        summary: '指定登记优抚数据的目录条目（须为不予共享、不予开放）',
        body: CatalogLinkBody,
        response: { 200: CatalogLink },
      },
    },
    async (request) =>
      registry.setCatalogLink(request.body.resourceId, currentUser(request), auditContext(request)),
  );
}
