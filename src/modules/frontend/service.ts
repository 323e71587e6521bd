/**
 * Front-end processors (前置机, EXC-06), platform side: the nodes a provider unit registers,
 * which node serves which resource (publish: rows are copied here; hold: rows stay in the
 * department and the node answers lookups), and the publications nodes send.
 *
 * A publication is begun, fed in chunks and committed. Each chunk's rows are validated on
 * arrival against the resource's data items and staged; the commit applies the staged rows
 * in one transaction through the data store (all or nothing: a single invalid row and
 * nothing is written) and records the source's count and checksum beside the platform's,
 * computed from the stored rows the same canonical way (./checksum.ts). The platform never
 * connects to a department's database: everything arrives signed from its node.
 */
import { randomBytes } from 'node:crypto';
import { CompiledQuery } from 'kysely';
import { withTransaction, type Tx } from '../../db/transaction.ts';
import { uuidv7 } from '../../lib/uuid.ts';
import type { AppContext } from '../../server/context.ts';
import { AppError } from '../../server/errors.ts';
import type { AuditContext, AuditService } from '../audit/service.ts';
import type { DataItem } from '../catalog/elements.ts';
import type { CatalogService } from '../catalog/service.ts';
import type { DataService } from '../data/service.ts';
import { compileRowValidator, type RowValidator } from '../data/row-validator.ts';
import type { SessionUser } from '../iam/auth.ts';
import { compareHoldings, createRowChecksum, type Holdings } from './checksum.ts';
import { createNonceMemory, nodeHeaders, nodeSignatureMatches, readSignature } from './protocol.ts';
import { createRemoteSource } from './remote-source.ts';

/** A node that signed the current call. */
export interface FrontendNode {
  id: string;
  unitId: string;
  unitName: string;
  name: string;
}

/** A row error of a publication; values are not kept (they stay in the department). */
export interface PublicationError {
  chunk: number;
  /** 1-based position of the row in its chunk; 0 for a removal. */
  row: number;
  field: string;
  name: string;
  code: string;
  reason: string;
}

export type PublicationKind = 'snapshot' | 'delta';
export type ChunkRow = Record<string, string | number | boolean | null>;

/** At most this many errors are kept per publication; the count stays exact. */
const maxKeptErrors = 1000;
/** Staged rows read per step when a publication is applied. */
const applyPage = 1000;

interface ResourceShape {
  resourceId: string;
  resourceNo: number;
  version: number;
  items: DataItem[];
  validate: RowValidator;
}

export function createFrontendService(
  ctx: AppContext,
  deps: {
    audit: AuditService;
    catalog: CatalogService;
    data: DataService;
    isDivisionCode: (code: string) => boolean;
  },
) {
  const { db } = ctx;
  const { audit, catalog, data } = deps;
  const now = () => ctx.clock.now().toISOString();
  const secrets = new Map<string, string>();
  const rememberNonce = createNonceMemory();
  const lastSeenWritten = new Map<string, number>();
  const shapes = new Map<string, ResourceShape>();

  const openSecret = (sealed: string) => {
    let secret = secrets.get(sealed);
    if (!secret) {
      secret = ctx.config.masterKey.open(sealed);
      secrets.set(sealed, secret);
    }
    return secret;
  };

  const nodeActor = (node: FrontendNode) => ({
    id: node.id,
    name: `${node.unitName}前置机“${node.name}”`,
    unitId: node.unitId,
  });

  // ---- console: nodes and mappings (the provider unit's administrator) ----

  async function ownNode(id: string, user: SessionUser) {
    const node = await db
      .selectFrom('frontend_nodes')
      .selectAll()
      .where('id', '=', id)
      .where('unit_id', '=', user.unitId)
      .executeTakeFirst();
    if (!node) throw new AppError('not_found', 'frontend.node_not_found', '本单位没有该前置机');
    return node;
  }

  /** A resource of the caller's unit that rows can be kept for (a table with a key). */
  async function ownStructuredResource(resourceId: string, user: SessionUser) {
    const row = await db
      .selectFrom('catalog_resources')
      .select(['id', 'provider_unit_id'])
      .where('id', '=', resourceId)
      .executeTakeFirst();
    if (!row || row.provider_unit_id !== user.unitId) {
      throw new AppError('not_found', 'frontend.resource_not_found', '本单位没有该目录条目');
    }
    const { content, resource } = await catalog.governingVersion(resourceId);
    if (content.kind !== 'table' || !content.dataItems.some((i) => i.isKey)) {
      throw new AppError(
        'invalid',
        'frontend.not_structured',
        '只有库表类且标注了主键的资源可以由前置机提供',
      );
    }
    return resource;
  }

  const toNode = (
    r: {
      id: string;
      name: string;
      callback_url: string | null;
      status: 'active' | 'revoked';
      created_at: string;
      revoked_at: string | null;
      last_seen_at: string | null;
    },
    extra: { resources: number; lastPublication: LastPublication | null },
  ) => ({
    id: r.id,
    name: r.name,
    callbackUrl: r.callback_url,
    status: r.status,
    createdAt: r.created_at,
    revokedAt: r.revoked_at,
    lastSeenAt: r.last_seen_at,
    ...extra,
  });

  interface LastPublication {
    id: string;
    status: 'open' | 'applied' | 'rejected';
    at: string;
    reconciled: ReturnType<typeof compareHoldings> | null;
  }

  const lastPublicationOf = (p: {
    id: string;
    status: 'open' | 'applied' | 'rejected';
    started_at: string;
    finished_at: string | null;
    source_row_count: number | null;
    source_checksum: string | null;
    platform_row_count: number | null;
    platform_checksum: string | null;
  }): LastPublication => ({
    id: p.id,
    status: p.status,
    at: p.finished_at ?? p.started_at,
    reconciled: reconciledOf(p),
  });

  function holdingsOf(count: number | null, checksum: string | null): Holdings | null {
    return count === null || checksum === null ? null : { rowCount: count, checksum };
  }

  function reconciledOf(p: {
    status: string;
    source_row_count: number | null;
    source_checksum: string | null;
    platform_row_count: number | null;
    platform_checksum: string | null;
  }) {
    const source = holdingsOf(p.source_row_count, p.source_checksum);
    const platform = holdingsOf(p.platform_row_count, p.platform_checksum);
    return p.status === 'applied' && source && platform ? compareHoldings(source, platform) : null;
  }

  const publicationColumns = [
    'p.id',
    'p.node_id',
    'p.resource_id',
    'p.unit_id',
    'p.kind',
    'p.status',
    'p.catalog_version',
    'p.started_at',
    'p.finished_at',
    'p.chunk_count',
    'p.staged_rows',
    'p.staged_deletes',
    'p.added',
    'p.updated',
    'p.unchanged',
    'p.deleted',
    'p.change_no',
    'p.source_row_count',
    'p.source_checksum',
    'p.platform_row_count',
    'p.platform_checksum',
    'p.error_count',
    'p.errors',
    'p.message',
    'n.name as node_name',
    'r.code as resource_code',
    'r.name as resource_name',
  ] as const;

  const publicationQuery = (t: Tx | typeof db) =>
    t
      .selectFrom('frontend_publications as p')
      .innerJoin('frontend_nodes as n', 'n.id', 'p.node_id')
      .innerJoin('catalog_resources as r', 'r.id', 'p.resource_id')
      .select(publicationColumns);

  type PublicationRow = Awaited<
    ReturnType<ReturnType<typeof publicationQuery>['executeTakeFirstOrThrow']>
  >;

  const toPublication = (p: PublicationRow) => ({
    id: p.id,
    nodeId: p.node_id,
    nodeName: p.node_name,
    resourceId: p.resource_id,
    resourceCode: p.resource_code,
    resourceName: p.resource_name,
    unitId: p.unit_id,
    kind: p.kind,
    status: p.status,
    catalogVersion: p.catalog_version,
    startedAt: p.started_at,
    finishedAt: p.finished_at,
    chunkCount: p.chunk_count,
    stagedRows: p.staged_rows,
    stagedDeletes: p.staged_deletes,
    added: p.added,
    updated: p.updated,
    unchanged: p.unchanged,
    deleted: p.deleted,
    changeNo: p.change_no,
    source: holdingsOf(p.source_row_count, p.source_checksum),
    platform: holdingsOf(p.platform_row_count, p.platform_checksum),
    reconciled: reconciledOf(p),
    errorCount: p.error_count,
    errors: JSON.parse(p.errors) as PublicationError[],
    message: p.message,
  });
  type Publication = ReturnType<typeof toPublication>;

  // ---- node side: authentication, shapes, staging and applying ----

  async function shapeOf(resourceId: string, version?: number): Promise<ResourceShape> {
    const cached = shapes.get(resourceId);
    if (cached && (version === undefined || cached.version === version)) return cached;
    const governing = await catalog.governingVersion(resourceId);
    const items = governing.content.dataItems;
    const shape: ResourceShape = {
      resourceId,
      resourceNo: governing.resource.no,
      version: governing.version,
      items,
      validate: compileRowValidator(items, { isDivisionCode: deps.isDivisionCode }),
    };
    shapes.set(resourceId, shape);
    return shape;
  }

  /** The resource a node names by code, checked to be mapped to that node for `mode`. */
  async function mappedResource(node: FrontendNode, code: string) {
    const resource = await db
      .selectFrom('catalog_resources as r')
      .leftJoin('frontend_mappings as m', 'm.resource_id', 'r.id')
      .select(['r.id', 'r.code', 'r.name', 'r.provider_unit_id', 'r.status', 'm.node_id', 'm.mode'])
      .where('r.code', '=', code)
      .executeTakeFirst();
    if (!resource || resource.provider_unit_id !== node.unitId) {
      throw new AppError(
        'not_found',
        'frontend.resource_unknown',
        `本单位没有资源代码为“${code}”的目录条目`,
      );
    }
    if (!resource.node_id || !resource.mode) {
      throw new AppError(
        'forbidden',
        'frontend.resource_not_mapped',
        `资源“${resource.name}”尚未指定由前置机提供：请单位管理员在控制台“前置机”中指定`,
      );
    }
    if (resource.node_id !== node.id) {
      throw new AppError(
        'forbidden',
        'frontend.wrong_node',
        `资源“${resource.name}”指定由本单位的另一台前置机提供`,
      );
    }
    if (resource.status === 'retired' || resource.status === 'withdrawn') {
      throw new AppError('conflict', 'frontend.resource_retired', '该资源已停用，不能再发布数据');
    }
    return { ...resource, node_id: resource.node_id, mode: resource.mode };
  }

  async function openPublication(node: FrontendNode, id: string) {
    const p = await db
      .selectFrom('frontend_publications')
      .selectAll()
      .where('id', '=', id)
      .where('node_id', '=', node.id)
      .executeTakeFirst();
    if (!p) throw new AppError('not_found', 'frontend.publication_not_found', '发布批次不存在');
    if (p.status !== 'open') {
      throw new AppError(
        'conflict',
        'frontend.publication_closed',
        p.status === 'applied' ? '该发布批次已提交' : `该发布批次已被拒绝：${p.message ?? ''}`,
      );
    }
    return p;
  }

  async function dropStaging(t: Tx, publicationId: string) {
    await t
      .deleteFrom('frontend_staged_rows')
      .where('publication_id', '=', publicationId)
      .execute();
    await t
      .deleteFrom('frontend_publication_chunks')
      .where('publication_id', '=', publicationId)
      .execute();
  }

  /** Closes a publication as rejected: staging dropped, reason kept, failure audited. */
  async function reject(
    node: FrontendNode,
    p: { id: string; resource_id: string },
    message: string,
    meta: { clientIp: string | null; requestId: string | null },
    code: string,
  ) {
    await withTransaction(db, async (tx) => {
      await tx
        .updateTable('frontend_publications')
        .set({ status: 'rejected', finished_at: now(), message })
        .where('id', '=', p.id)
        .execute();
      await dropStaging(tx, p.id);
      await audit.append(tx, {
        action: 'frontend.publication',
        result: 'failure',
        actor: nodeActor(node),
        clientIp: meta.clientIp,
        requestId: meta.requestId,
        target: { type: 'catalog_entry', id: p.resource_id, unitId: node.unitId },
        detail: { publicationId: p.id, code },
      });
    });
  }

  /**
   * The platform's holdings of a resource from its stored rows, in key byte order: a cursor
   * on PostgreSQL (one sort, streamed), key-ordered pages on SQLite (the primary key's order).
   */
  async function platformHoldings(t: Tx, resourceNo: number): Promise<Holdings> {
    const sum = createRowChecksum();
    if (ctx.engine === 'postgres') {
      if (!Number.isSafeInteger(resourceNo)) throw new Error('resource number');
      await t.executeQuery(
        CompiledQuery.raw(
          `declare frontend_holdings no scroll cursor for
           select row_key, data from resource_rows where resource_no = ${resourceNo}
           order by row_key collate "C"`,
        ),
      );
      for (;;) {
        const page = await t.executeQuery<{ row_key: string; data: string }>(
          CompiledQuery.raw('fetch 2000 from frontend_holdings'),
        );
        for (const r of page.rows) sum.add(r.row_key, r.data);
        if (page.rows.length < 2000) break;
      }
      await t.executeQuery(CompiledQuery.raw('close frontend_holdings'));
    } else {
      let after = '';
      for (;;) {
        const page = await t
          .selectFrom('resource_rows')
          .select(['row_key', 'data'])
          .where('resource_no', '=', resourceNo)
          .where('row_key', '>', after)
          .orderBy('row_key')
          .limit(2000)
          .execute();
        for (const r of page) sum.add(r.row_key, r.data);
        if (page.length < 2000) break;
        after = page.at(-1)!.row_key;
      }
    }
    return { rowCount: sum.count, checksum: sum.digest() };
  }

  /** The staged rows of a publication, then (snapshot) the stored rows it no longer has. */
  async function* stagedChunks(
    t: Tx,
    p: { id: string; kind: PublicationKind },
    resourceNo: number,
  ) {
    let after = '';
    for (;;) {
      const page = await t
        .selectFrom('frontend_staged_rows')
        .select(['row_key', 'data'])
        .where('publication_id', '=', p.id)
        .where('row_key', '>', after)
        .orderBy('row_key')
        .limit(applyPage)
        .execute();
      if (page.length === 0) break;
      const rows: { key: string; data: string }[] = [];
      const removeKeys: string[] = [];
      for (const r of page) {
        if (r.data === null) removeKeys.push(r.row_key);
        else rows.push({ key: r.row_key, data: r.data });
      }
      yield { rows, removeKeys };
      after = page.at(-1)!.row_key;
    }
    if (p.kind !== 'snapshot') return;
    // A snapshot is the whole source: stored rows it does not contain were deleted there.
    after = '';
    for (;;) {
      const gone = await t
        .selectFrom('resource_rows as r')
        .select('r.row_key')
        .where('r.resource_no', '=', resourceNo)
        .where('r.row_key', '>', after)
        .where((eb) =>
          eb.not(
            eb.exists(
              eb
                .selectFrom('frontend_staged_rows as s')
                .select('s.row_key')
                .where('s.publication_id', '=', p.id)
                .whereRef('s.row_key', '=', 'r.row_key'),
            ),
          ),
        )
        .orderBy('r.row_key')
        .limit(applyPage)
        .execute();
      if (gone.length === 0) break;
      yield { rows: [], removeKeys: gone.map((g) => g.row_key) };
      after = gone.at(-1)!.row_key;
    }
  }

  const remote = createRemoteSource(ctx, { openSecret });

  const service = {
    // ---- console ----

    async nodes(user: SessionUser) {
      const rows = await db
        .selectFrom('frontend_nodes')
        .selectAll()
        .where('unit_id', '=', user.unitId)
        .orderBy('created_at', 'desc')
        .execute();
      return Promise.all(
        rows.map(async (r) => {
          const mapped = await db
            .selectFrom('frontend_mappings')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('node_id', '=', r.id)
            .executeTakeFirstOrThrow();
          const last = await db
            .selectFrom('frontend_publications')
            .selectAll()
            .where('node_id', '=', r.id)
            .orderBy('started_at', 'desc')
            .orderBy('id', 'desc')
            .limit(1)
            .executeTakeFirst();
          return toNode(r, {
            resources: Number(mapped.n),
            lastPublication: last ? lastPublicationOf(last) : null,
          });
        }),
      );
    },

    /** Registers a node of the caller's unit; its secret is shown only now. */
    async registerNode(
      input: { name: string; callbackUrl: string | null },
      user: SessionUser,
      by: AuditContext,
    ) {
      const id = `fen_${randomBytes(10).toString('hex')}`;
      const secret = randomBytes(32).toString('base64url');
      const at = now();
      await withTransaction(db, async (tx) => {
        await tx
          .insertInto('frontend_nodes')
          .values({
            id,
            unit_id: user.unitId,
            name: input.name,
            secret: ctx.config.masterKey.seal(secret),
            callback_url: input.callbackUrl,
            status: 'active',
            created_at: at,
            created_by: user.id,
            revoked_at: null,
            revoked_by: null,
            last_seen_at: null,
          })
          .execute();
        await audit.appendBy(tx, by, {
          action: 'frontend.node_register',
          result: 'success',
          target: { type: 'frontend_node', id, unitId: user.unitId },
          detail: { name: input.name, callbackUrl: input.callbackUrl },
        });
      });
      const node = await ownNode(id, user);
      return { ...toNode(node, { resources: 0, lastPublication: null }), secret };
    },

    async updateNode(
      id: string,
      input: { name?: string | undefined; callbackUrl?: string | null | undefined },
      user: SessionUser,
      by: AuditContext,
    ) {
      const node = await ownNode(id, user);
      if (node.status === 'revoked')
        throw new AppError('conflict', 'frontend.node_revoked', '该前置机已吊销');
      await withTransaction(db, async (tx) => {
        await tx
          .updateTable('frontend_nodes')
          .set({
            ...(input.name !== undefined ? { name: input.name } : {}),
            ...(input.callbackUrl !== undefined ? { callback_url: input.callbackUrl } : {}),
          })
          .where('id', '=', id)
          .execute();
        await audit.appendBy(tx, by, {
          action: 'frontend.node_update',
          result: 'success',
          target: { type: 'frontend_node', id, unitId: user.unitId },
          detail: { ...input },
        });
      });
      remote.forget();
      return (await service.nodes(user)).find((n) => n.id === id)!;
    },

    /** Revokes a node at once: its signed calls are refused and its resources unserved. */
    async revokeNode(id: string, user: SessionUser, by: AuditContext) {
      const node = await ownNode(id, user);
      if (node.status === 'revoked')
        throw new AppError('conflict', 'frontend.node_revoked', '该前置机已吊销');
      await withTransaction(db, async (tx) => {
        await tx
          .updateTable('frontend_nodes')
          .set({ status: 'revoked', revoked_at: now(), revoked_by: user.id })
          .where('id', '=', id)
          .execute();
        await audit.appendBy(tx, by, {
          action: 'frontend.node_revoke',
          result: 'success',
          target: { type: 'frontend_node', id, unitId: user.unitId },
        });
      });
      remote.forget();
    },

    /** The caller's unit's resources with the node serving each and its last publication. */
    async resources(user: SessionUser) {
      const rows = await db
        .selectFrom('catalog_resources as r')
        .leftJoin('frontend_mappings as m', 'm.resource_id', 'r.id')
        .leftJoin('frontend_nodes as n', 'n.id', 'm.node_id')
        .select([
          'r.id',
          'r.code',
          'r.name',
          'r.status',
          'r.row_count',
          'm.node_id',
          'm.mode',
          'n.name as node_name',
        ])
        .where('r.provider_unit_id', '=', user.unitId)
        .where('r.status', 'not in', ['withdrawn'])
        .orderBy('r.code')
        .limit(1000)
        .execute();
      return Promise.all(
        rows.map(async (r) => {
          const last = await db
            .selectFrom('frontend_publications')
            .selectAll()
            .where('resource_id', '=', r.id)
            .orderBy('started_at', 'desc')
            .orderBy('id', 'desc')
            .limit(1)
            .executeTakeFirst();
          return {
            id: r.id,
            code: r.code,
            name: r.name,
            status: r.status,
            rowCount: r.row_count,
            mapping:
              r.node_id && r.mode
                ? { nodeId: r.node_id, nodeName: r.node_name ?? '', mode: r.mode }
                : null,
            lastPublication: last ? lastPublicationOf(last) : null,
          };
        }),
      );
    },

    async setMapping(
      resourceId: string,
      input: { nodeId: string; mode: 'publish' | 'hold' },
      user: SessionUser,
      by: AuditContext,
    ) {
      await ownStructuredResource(resourceId, user);
      const node = await ownNode(input.nodeId, user);
      if (node.status !== 'active')
        throw new AppError('conflict', 'frontend.node_revoked', '该前置机已吊销，不能再指定');
      if (input.mode === 'hold' && !node.callback_url) {
        throw new AppError(
          'invalid',
          'frontend.callback_required',
          '数据留在本单位（不上传）时，平台须能回调前置机：请先为该前置机填写回调地址',
        );
      }
      await withTransaction(db, async (tx) => {
        const existing = await tx
          .selectFrom('frontend_mappings')
          .select('resource_id')
          .where('resource_id', '=', resourceId)
          .executeTakeFirst();
        if (existing) {
          await tx
            .updateTable('frontend_mappings')
            .set({ node_id: node.id, mode: input.mode, created_at: now(), created_by: user.id })
            .where('resource_id', '=', resourceId)
            .execute();
        } else {
          await tx
            .insertInto('frontend_mappings')
            .values({
              resource_id: resourceId,
              node_id: node.id,
              mode: input.mode,
              created_at: now(),
              created_by: user.id,
            })
            .execute();
        }
        await audit.appendBy(tx, by, {
          action: 'frontend.mapping_set',
          result: 'success',
          target: { type: 'catalog_entry', id: resourceId, unitId: user.unitId },
          detail: { nodeId: node.id, mode: input.mode },
        });
      });
      remote.forget();
    },

    async removeMapping(resourceId: string, user: SessionUser, by: AuditContext) {
      const row = await db
        .selectFrom('frontend_mappings as m')
        .innerJoin('frontend_nodes as n', 'n.id', 'm.node_id')
        .select(['m.resource_id'])
        .where('m.resource_id', '=', resourceId)
        .where('n.unit_id', '=', user.unitId)
        .executeTakeFirst();
      if (!row) throw new AppError('not_found', 'frontend.mapping_not_found', '该资源未指定前置机');
      await withTransaction(db, async (tx) => {
        await tx.deleteFrom('frontend_mappings').where('resource_id', '=', resourceId).execute();
        await audit.appendBy(tx, by, {
          action: 'frontend.mapping_remove',
          result: 'success',
          target: { type: 'catalog_entry', id: resourceId, unitId: user.unitId },
        });
      });
      remote.forget();
    },

    async publications(
      query: { resourceId?: string | undefined; nodeId?: string | undefined; limit: number },
      user: SessionUser,
    ): Promise<Publication[]> {
      let q = publicationQuery(db).where('p.unit_id', '=', user.unitId);
      if (query.resourceId) q = q.where('p.resource_id', '=', query.resourceId);
      if (query.nodeId) q = q.where('p.node_id', '=', query.nodeId);
      const rows = await q.orderBy('p.started_at', 'desc').limit(query.limit).execute();
      return rows.map(toPublication);
    },

    // ---- node calls ----

    /** Checks a node's signed call; returns the node. */
    async authenticateNode(request: {
      method: string;
      url: string;
      headers: Record<string, string | string[] | undefined>;
      rawBody: string;
    }): Promise<FrontendNode> {
      const at = ctx.clock.now().getTime();
      const read = readSignature(request.headers, at);
      if (!read.ok) {
        throw read.code === 'missing'
          ? new AppError(
              'unauthenticated',
              'frontend.signature_missing',
              `缺少签名信息：前置机须带 ${Object.values(nodeHeaders).join('、')} 四个请求头`,
            )
          : read.code === 'stale'
            ? new AppError(
                'unauthenticated',
                'frontend.stale_timestamp',
                '请求时间戳与平台时间相差超过 5 分钟，请校准前置机时钟',
              )
            : new AppError(
                'unauthenticated',
                'frontend.bad_nonce',
                '随机串须为 16–64 位字母、数字、下划线或连字符',
              );
      }
      const { nodeId, nonce } = read;
      const row = await db
        .selectFrom('frontend_nodes as f')
        .innerJoin('units as u', 'u.id', 'f.unit_id')
        .select(['f.id', 'f.unit_id', 'f.name', 'f.secret', 'f.status', 'u.name as unit_name'])
        .where('f.id', '=', nodeId)
        .executeTakeFirst();
      if (!row) throw new AppError('unauthenticated', 'frontend.node_unknown', '前置机不存在');
      const signed = {
        method: request.method,
        path: request.url,
        timestamp: read.timestamp,
        nonce,
        body: request.rawBody,
      };
      if (!nodeSignatureMatches(openSecret(row.secret), signed, read.signature)) {
        throw new AppError(
          'unauthenticated',
          'frontend.bad_signature',
          '签名不正确：请核对前置机编号与密钥',
        );
      }
      if (row.status !== 'active') {
        throw new AppError('unauthenticated', 'frontend.node_revoked', '该前置机已吊销');
      }
      if (!rememberNonce(`${nodeId}:${nonce}`, at)) {
        throw new AppError(
          'unauthenticated',
          'frontend.replayed_nonce',
          '该随机串已用过（疑似重放），请为每次调用生成新的随机串',
        );
      }
      // Last contact, written at most once a minute per node.
      if (at - (lastSeenWritten.get(row.id) ?? 0) > 60_000) {
        lastSeenWritten.set(row.id, at);
        await db
          .updateTable('frontend_nodes')
          .set({ last_seen_at: new Date(at).toISOString() })
          .where('id', '=', row.id)
          .execute();
      }
      return { id: row.id, unitId: row.unit_id, unitName: row.unit_name, name: row.name };
    },

    /** What a node needs to read its source for a resource: items, key, last applied state. */
    async resourceForNode(node: FrontendNode, code: string) {
      const resource = await mappedResource(node, code);
      const shape = await shapeOf(resource.id);
      const last = await db
        .selectFrom('frontend_publications')
        .selectAll()
        .where('resource_id', '=', resource.id)
        .where('status', '=', 'applied')
        // Change numbers only grow: the last applied publication, whatever the clocks say.
        .orderBy('change_no', 'desc')
        .limit(1)
        .executeTakeFirst();
      let lastApplied = null;
      if (last) {
        const newest = await db
          .selectFrom('data_changes')
          .select((eb) => eb.fn.max('no').as('no'))
          .where('resource_id', '=', resource.id)
          .executeTakeFirst();
        lastApplied = {
          publicationId: last.id,
          at: last.finished_at ?? last.started_at,
          platform: holdingsOf(last.platform_row_count, last.platform_checksum),
          // Rows written here by other means since (an import, a form) make a delta unsafe.
          changedSince: Number(newest?.no ?? 0) > Number(last.change_no ?? 0),
        };
      }
      return {
        resourceId: resource.id,
        code: resource.code,
        name: resource.name,
        mode: resource.mode,
        catalogVersion: shape.version,
        dataItems: shape.items,
        lastApplied,
      };
    },

    async beginPublication(
      node: FrontendNode,
      input: { resourceCode: string; kind: PublicationKind },
      meta: { clientIp: string; requestId: string },
    ) {
      const resource = await mappedResource(node, input.resourceCode);
      if (resource.mode !== 'publish') {
        throw new AppError(
          'conflict',
          'frontend.mode_hold',
          `资源“${resource.name}”设为数据留在本单位（由前置机应答），不接收发布的数据`,
        );
      }
      const shape = await shapeOf(resource.id);
      // An earlier publication left open (the node stopped midway) is superseded.
      const stale = await db
        .selectFrom('frontend_publications')
        .select(['id', 'resource_id'])
        .where('resource_id', '=', resource.id)
        .where('status', '=', 'open')
        .execute();
      for (const p of stale) {
        await reject(node, p, '未提交，已被新的发布取代', meta, 'frontend.superseded');
      }
      const id = uuidv7();
      await db
        .insertInto('frontend_publications')
        .values({
          id,
          node_id: node.id,
          resource_id: resource.id,
          unit_id: node.unitId,
          kind: input.kind,
          status: 'open',
          catalog_version: shape.version,
          started_at: now(),
          finished_at: null,
          chunk_count: 0,
          staged_rows: 0,
          staged_deletes: 0,
          added: 0,
          updated: 0,
          unchanged: 0,
          deleted: 0,
          change_no: null,
          source_row_count: null,
          source_checksum: null,
          platform_row_count: null,
          platform_checksum: null,
          error_count: 0,
          errors: '[]',
          message: null,
        })
        .execute();
      return { id, kind: input.kind, resourceId: resource.id, catalogVersion: shape.version };
    },

    /**
     * Validates and stages one chunk. A chunk sent again with the same number (a retry after
     * a lost answer) is recognised and not staged twice.
     */
    async stageChunk(
      node: FrontendNode,
      publicationId: string,
      input: { seq: number; rows: ChunkRow[]; deletes: string[] },
    ) {
      const p = await openPublication(node, publicationId);
      const seen = await db
        .selectFrom('frontend_publication_chunks')
        .selectAll()
        .where('publication_id', '=', p.id)
        .where('seq', '=', input.seq)
        .executeTakeFirst();
      if (seen)
        return { seq: input.seq, repeated: true, staged: seen.rows + seen.deletes, errors: [] };
      const shape = await shapeOf(p.resource_id, p.catalog_version);
      if (shape.version !== p.catalog_version) {
        throw new AppError(
          'conflict',
          'frontend.catalog_changed',
          '资源的信息项在发布过程中已变更，请重新开始发布',
        );
      }
      const known = new Set(shape.items.map((i) => i.identifier));
      const errors: PublicationError[] = [];
      const staged = new Map<string, string | null>();
      const keyNames = shape.items
        .filter((i) => i.isKey)
        .map((i) => i.name)
        .join('+');
      input.rows.forEach((values, index) => {
        const row = index + 1;
        const unknown = Object.keys(values).filter((k) => !known.has(k));
        for (const field of unknown) {
          errors.push({
            chunk: input.seq,
            row,
            field,
            name: field,
            code: 'row.unknown_field',
            reason: `“${field}”不是该资源的信息项`,
          });
        }
        const result = shape.validate(
          shape.items.map((i) => {
            const v = values[i.identifier];
            return v === null || v === undefined ? undefined : String(v);
          }),
        );
        if (!result.ok) {
          for (const e of result.errors) {
            errors.push({
              chunk: input.seq,
              row,
              field: e.field,
              name: e.name,
              code: e.code,
              reason: e.reason,
            });
          }
          return;
        }
        if (unknown.length > 0) return;
        if (staged.has(result.key)) {
          errors.push({
            chunk: input.seq,
            row,
            field: keyNames,
            name: keyNames,
            code: 'row.duplicate_key',
            reason: `主键（${keyNames}）在本次发布中重复`,
          });
          return;
        }
        staged.set(result.key, JSON.stringify(result.data));
      });
      for (const key of input.deletes) {
        if (staged.has(key)) {
          errors.push({
            chunk: input.seq,
            row: 0,
            field: keyNames,
            name: keyNames,
            code: 'row.duplicate_key',
            reason: `同一主键（${keyNames}）在本次发布中既要写入又要删除`,
          });
        } else staged.set(key, null);
      }
      // Keys already staged by an earlier chunk of this publication.
      const keys = [...staged.keys()];
      for (let i = 0; i < keys.length; i += 500) {
        const again = await db
          .selectFrom('frontend_staged_rows')
          .select('row_key')
          .where('publication_id', '=', p.id)
          .where('row_key', 'in', keys.slice(i, i + 500))
          .execute();
        for (const r of again) {
          staged.delete(r.row_key);
          errors.push({
            chunk: input.seq,
            row: 0,
            field: keyNames,
            name: keyNames,
            code: 'row.duplicate_key',
            reason: `主键（${keyNames}）与本次发布前面的数据块重复`,
          });
        }
      }
      const rows = [...staged].filter(([, d]) => d !== null).length;
      const deletes = staged.size - rows;
      await withTransaction(db, async (tx) => {
        await tx
          .insertInto('frontend_publication_chunks')
          .values({ publication_id: p.id, seq: input.seq, rows, deletes })
          .execute();
        const entries = [...staged];
        for (let i = 0; i < entries.length; i += 500) {
          await tx
            .insertInto('frontend_staged_rows')
            .values(
              entries.slice(i, i + 500).map(([key, value]) => ({
                publication_id: p.id,
                row_key: key,
                data: value,
                chunk_seq: input.seq,
              })),
            )
            .execute();
        }
        const current = await tx
          .selectFrom('frontend_publications')
          .select(['errors'])
          .where('id', '=', p.id)
          .executeTakeFirstOrThrow();
        const kept = JSON.parse(current.errors) as PublicationError[];
        await tx
          .updateTable('frontend_publications')
          .set((eb) => ({
            chunk_count: eb('chunk_count', '+', 1),
            staged_rows: eb('staged_rows', '+', rows),
            staged_deletes: eb('staged_deletes', '+', deletes),
            error_count: eb('error_count', '+', errors.length),
            errors: JSON.stringify([...kept, ...errors].slice(0, maxKeptErrors)),
          }))
          .where('id', '=', p.id)
          .execute();
      });
      return { seq: input.seq, repeated: false, staged: staged.size, errors };
    },

    /**
     * Applies a publication in one transaction, or rejects it whole. The source's count and
     * checksum are recorded beside the platform's, computed from the rows now stored.
     */
    async commitPublication(
      node: FrontendNode,
      publicationId: string,
      input: { chunkCount: number; sourceRowCount: number; sourceChecksum: string },
      meta: { clientIp: string; requestId: string },
    ): Promise<Publication> {
      const p = await openPublication(node, publicationId);
      if (p.chunk_count !== input.chunkCount) {
        throw new AppError(
          'invalid',
          'frontend.chunks_missing',
          `平台收到 ${p.chunk_count} 个数据块，前置机报告发送了 ${input.chunkCount} 个：请补发缺少的数据块后再提交`,
        );
      }
      await db
        .updateTable('frontend_publications')
        .set({ source_row_count: input.sourceRowCount, source_checksum: input.sourceChecksum })
        .where('id', '=', p.id)
        .execute();
      if (p.error_count > 0) {
        const message = `${p.error_count} 处数据不符合目录的信息项要求，本次发布未写入任何数据`;
        await reject(node, p, message, meta, 'frontend.rows_invalid');
        const errors = JSON.parse(p.errors) as PublicationError[];
        throw new AppError('invalid', 'frontend.rows_invalid', message, {
          errors: errors.slice(0, 100).map((e) => ({
            path: `chunks.${e.chunk}.rows.${e.row}.${e.field}`,
            message: `${e.name}：${e.reason}`,
          })),
        });
      }
      const resource = await db
        .selectFrom('catalog_resources as r')
        .leftJoin('frontend_mappings as m', 'm.resource_id', 'r.id')
        .select(['r.code', 'm.node_id', 'm.mode'])
        .where('r.id', '=', p.resource_id)
        .executeTakeFirstOrThrow();
      if (resource.node_id !== node.id || resource.mode !== 'publish') {
        const message = '发布过程中该资源已不再由本前置机发布，未写入任何数据';
        await reject(node, p, message, meta, 'frontend.resource_not_mapped');
        throw new AppError('conflict', 'frontend.resource_not_mapped', message);
      }
      const shape = await shapeOf(p.resource_id);
      if (shape.version !== p.catalog_version) {
        const message = '资源的信息项在发布过程中已变更，未写入任何数据，请重新发布';
        await reject(node, p, message, meta, 'frontend.catalog_changed');
        throw new AppError('conflict', 'frontend.catalog_changed', message);
      }
      const by: AuditContext = {
        actor: nodeActor(node),
        clientIp: meta.clientIp,
        requestId: meta.requestId,
      };
      await withTransaction(db, async (tx) => {
        const applied = await data.applyChange(
          tx,
          { id: p.resource_id, no: shape.resourceNo },
          { id: node.id, name: nodeActor(node).name, reason: `前置机发布 ${p.id}` },
          stagedChunks(tx, p, shape.resourceNo),
        );
        const platform = await platformHoldings(tx, shape.resourceNo);
        const source = { rowCount: input.sourceRowCount, checksum: input.sourceChecksum };
        const reconciled = compareHoldings(source, platform);
        await tx
          .updateTable('frontend_publications')
          .set({
            status: 'applied',
            finished_at: now(),
            added: applied.added,
            updated: applied.updated,
            unchanged: applied.unchanged,
            deleted: applied.removed,
            change_no: applied.changeNo,
            platform_row_count: platform.rowCount,
            platform_checksum: platform.checksum,
            message:
              reconciled === 'match'
                ? `已写入：新增 ${applied.added}，更新 ${applied.updated}，删除 ${applied.removed}；与源库一致`
                : `已写入：新增 ${applied.added}，更新 ${applied.updated}，删除 ${applied.removed}；与源库不一致（${reconciled === 'count_mismatch' ? '行数不同' : '校验值不同'}）`,
          })
          .where('id', '=', p.id)
          .execute();
        await dropStaging(tx, p.id);
        await audit.appendBy(tx, by, {
          action: 'frontend.publication',
          result: 'success',
          target: { type: 'catalog_entry', id: p.resource_id, unitId: node.unitId },
          fields: shape.items.map((i) => i.identifier),
          recordCount: applied.added + applied.updated + applied.removed,
          detail: {
            publicationId: p.id,
            kind: p.kind,
            added: applied.added,
            updated: applied.updated,
            deleted: applied.removed,
            source,
            platform,
            reconciled,
          },
        });
      });
      return toPublication(
        await publicationQuery(db).where('p.id', '=', p.id).executeTakeFirstOrThrow(),
      );
    },

    // ---- hold mode, for the exchange layer ----

    /** Lookups of rows that stay in the department, answered by its node (EXC-06). */
    remoteSource: remote.source,

    // ---- for reconciliation (COL-07) ----

    /** Publications finished in [from, to), of the given provider units (all when null). */
    async publicationsBetween(from: string, to: string, unitIds: string[] | null) {
      if (unitIds && unitIds.length === 0) return [];
      let q = publicationQuery(db)
        .where('p.finished_at', '>=', from)
        .where('p.finished_at', '<', to);
      if (unitIds) q = q.where('p.unit_id', 'in', unitIds);
      return (await q.orderBy('p.finished_at').execute()).map(toPublication);
    },

    /**
     * For each resource, its last publication applied before `to`, and whether rows were
     * written there by other means (an import, a form) after it and before `to`.
     */
    async lastAppliedBefore(resourceIds: string[], to: string) {
      const out = new Map<
        string,
        {
          id: string;
          at: string;
          kind: PublicationKind;
          source: Holdings | null;
          platform: Holdings | null;
          changedAfter: boolean;
        }
      >();
      for (const resourceId of resourceIds) {
        const last = await db
          .selectFrom('frontend_publications')
          .selectAll()
          .where('resource_id', '=', resourceId)
          .where('status', '=', 'applied')
          .where('finished_at', '<', to)
          .orderBy('change_no', 'desc')
          .limit(1)
          .executeTakeFirst();
        if (!last) continue;
        const later = await db
          .selectFrom('data_changes')
          .select('no')
          .where('resource_id', '=', resourceId)
          .where('no', '>', last.change_no ?? 0)
          .where('at', '<', to)
          .limit(1)
          .executeTakeFirst();
        out.set(resourceId, {
          id: last.id,
          at: last.finished_at ?? last.started_at,
          kind: last.kind,
          source: holdingsOf(last.source_row_count, last.source_checksum),
          platform: holdingsOf(last.platform_row_count, last.platform_checksum),
          changedAfter: later !== undefined,
        });
      }
      return out;
    },

    /** The resources served by nodes, of the given provider units (all when null). */
    async mappingsOf(unitIds: string[] | null) {
      if (unitIds && unitIds.length === 0) return [];
      let q = db
        .selectFrom('frontend_mappings as m')
        .innerJoin('frontend_nodes as n', 'n.id', 'm.node_id')
        .innerJoin('catalog_resources as r', 'r.id', 'm.resource_id')
        .select([
          'm.resource_id',
          'm.mode',
          'm.created_at',
          'n.id as node_id',
          'n.name as node_name',
          'n.status as node_status',
          'n.unit_id',
          'r.code',
          'r.name',
          'r.row_count',
        ]);
      if (unitIds) q = q.where('n.unit_id', 'in', unitIds);
      return q.orderBy('r.code').execute();
    },
  };
  return service;
}

export type FrontendService = ReturnType<typeof createFrontendService>;
export type { Holdings };
