/**
 * The data resource catalog (政务信息资源目录): entries compiled by each provider unit, reviewed
 * one by one, published by the platform and searched by everyone (CAT-01 … CAT-08).
 */
import { sql } from 'kysely';
import type { CatalogVersionStatus, CatalogVersionTable } from '../../db/schema.ts';
import { withTransaction, type Tx } from '../../db/transaction.ts';
import { decodeCursor, encodeCursor } from '../../lib/cursor.ts';
import { searchQuery, searchTokens } from '../../lib/search-text.ts';
import { uuidv7 } from '../../lib/uuid.ts';
import { AppError } from '../../server/errors.ts';
import type { AppContext } from '../../server/context.ts';
import type { AuditContext, AuditService } from '../audit/service.ts';
import type { SessionUser } from '../iam/auth.ts';
import { divisionPrefix } from '../iam/scope.ts';
import { classificationNode, isAssignable } from './classification.ts';
import { blocksSubmission, checkCompliance } from './compliance.ts';
import {
  EntryContent,
  classificationTrees,
  openTypes,
  resourceKinds,
  sharingTypes,
} from './elements.ts';
import { formatResourceCode } from './resource-code.ts';
import type {
  ComplianceFinding,
  ProjectDuplicate,
  EntryDetail,
  EntrySummary,
  Project,
  ProjectItem,
  SearchHit,
  SearchQuery,
  SearchResult,
  VersionDetail,
} from './schemas.ts';
import { catalogWorkflow, type CatalogAction } from './workflow.ts';

/** An entry not maintained for this long is flagged for its unit (CAT-05). */
const staleAfterMs = 365 * 24 * 3600 * 1000;

type ActionRequest =
  | 'submit'
  | 'withdraw'
  | 'open'
  | 'approve'
  | 'return'
  | 'publish'
  | 'retire'
  | 'confirm_maintained'
  | 'discard'
  | 'new_version';

interface ResourceRow {
  id: string;
  code: string;
  no: number;
  provider_unit_id: string;
  status: CatalogVersionStatus;
  working_version: number;
  published_version: number | null;
  name: string;
  maintained_at: string | null;
  updated_at: string;
  row_count: number;
  provider_name: string;
  provider_credit_code: string | null;
  provider_division_code: string;
}

export function createCatalogService(ctx: AppContext, deps: { audit: AuditService }) {
  const { db, engine } = ctx;
  const { audit } = deps;
  const now = () => ctx.clock.now().toISOString();

  const parseContent = (json: string): EntryContent => EntryContent.parse(JSON.parse(json));

  const resourceQuery = (t: Tx | typeof db) =>
    t
      .selectFrom('catalog_resources as r')
      .innerJoin('units as u', 'u.id', 'r.provider_unit_id')
      .select([
        'r.id',
        'r.code',
        'r.no',
        'r.provider_unit_id',
        'r.status',
        'r.working_version',
        'r.published_version',
        'r.name',
        'r.maintained_at',
        'r.updated_at',
        'r.row_count',
        'u.name as provider_name',
        'u.credit_code as provider_credit_code',
        'u.division_code as provider_division_code',
      ]);

  async function loadResource(t: Tx | typeof db, id: string): Promise<ResourceRow> {
    const row = await resourceQuery(t).where('r.id', '=', id).executeTakeFirst();
    if (!row) throw new AppError('not_found', 'catalog.entry_not_found', '目录条目不存在');
    return row;
  }

  async function loadVersion(t: Tx | typeof db, resourceId: string, version: number) {
    const row = await t
      .selectFrom('catalog_versions')
      .selectAll()
      .where('resource_id', '=', resourceId)
      .where('version', '=', version)
      .executeTakeFirst();
    if (!row) throw new AppError('not_found', 'catalog.version_not_found', '目录版本不存在');
    return row;
  }

  const isStale = (maintainedAt: string | null, status: CatalogVersionStatus) =>
    maintainedAt !== null &&
    status !== 'retired' &&
    status !== 'withdrawn' &&
    ctx.clock.now().getTime() - Date.parse(maintainedAt) > staleAfterMs;

  const toSummary = (r: ResourceRow): EntrySummary => ({
    id: r.id,
    code: r.code,
    name: r.name,
    providerUnitId: r.provider_unit_id,
    providerName: r.provider_name,
    status: r.status,
    workingVersion: r.working_version,
    publishedVersion: r.published_version,
    updatedAt: r.updated_at,
    maintainedAt: r.maintained_at,
    stale: isStale(r.maintained_at, r.status),
    rowCount: r.row_count,
  });

  const toVersion = (v: CatalogVersionTable): VersionDetail => ({
    version: v.version,
    status: v.status,
    content: parseContent(v.content),
    createdAt: v.created_at,
    updatedAt: v.updated_at,
    publishedAt: v.published_at,
  });

  /** Provider staff and the platform's catalog publishers see unpublished versions. */
  const seesWorkingCopy = (
    user: SessionUser,
    r: Pick<ResourceRow, 'provider_unit_id'> & { provider_division_code: string },
  ) =>
    user.unitId === r.provider_unit_id ||
    (user.permissions.includes('catalog.publish') &&
      r.provider_division_code.startsWith(divisionPrefix(user.unitDivisionCode)));

  async function knownCodes(t: Tx | typeof db): Promise<Set<string>> {
    const rows = await t.selectFrom('catalog_resources').select('code').execute();
    return new Set(rows.map((r) => r.code));
  }

  /**
   * Which of `codes` the unit may pass on (its grants carry the provider's consent). Set by
   * the sharing module once it exists (it is built after the catalog, which it depends on).
   */
  let onwardConsent: (
    t: Tx | typeof db,
    unitId: string,
    codes: string[],
  ) => Promise<Set<string>> = () => Promise.resolve(new Set());

  /**
   * Rules other modules hold over particular entries: the registry keeps its own entry from
   * being shared or opened without the ministry's approval (REG-12). Set by that module.
   */
  let exposureGuard: (
    t: Tx | typeof db,
    content: EntryContent,
    ownCode: string | undefined,
  ) => Promise<ComplianceFinding[]> = () => Promise.resolve([]);

  async function findingsFor(
    t: Tx | typeof db,
    content: EntryContent,
    provider: { id: string; name: string; creditCode: string | null },
    ownCode?: string,
  ): Promise<ComplianceFinding[]> {
    const guarded = await exposureGuard(t, content, ownCode);
    return [...guarded, ...(await findingsOf(t, content, provider, ownCode))];
  }

  async function findingsOf(
    t: Tx | typeof db,
    content: EntryContent,
    provider: { id: string; name: string; creditCode: string | null },
    ownCode?: string,
  ): Promise<ComplianceFinding[]> {
    return checkCompliance(content, {
      providerName: provider.name,
      providerCreditCode: provider.creditCode,
      knownResourceCodes: await knownCodes(t),
      onwardConsented:
        content.derivedFrom.length > 0
          ? await onwardConsent(t, provider.id, content.derivedFrom)
          : new Set(),
      ...(ownCode ? { ownCode } : {}),
    });
  }

  /** Copies of content elements kept beside the JSON for search, facets and listing. */
  function searchColumns(content: EntryContent, providerName: string, code: string) {
    const node = content.classification ? classificationNode(content.classification.code) : null;
    return {
      name: content.name || '（未命名）',
      kind: content.kind,
      classification_code: content.classification?.code ?? null,
      sharing_type: content.sharingType,
      open_type: content.openType,
      format_type: content.formatType,
      tokens: searchTokens(
        [
          content.name,
          content.summary,
          providerName,
          code,
          node?.path.map((p) => p.name).join(' ') ?? '',
          content.formatDetail,
        ].join(' '),
      ),
      field_tokens: searchTokens(
        content.dataItems.map((i) => `${i.name} ${i.identifier.replaceAll('_', ' ')}`).join(' '),
      ),
    };
  }

  async function appendAction(
    tx: Tx,
    resourceId: string,
    version: number,
    action: CatalogAction,
    from: CatalogVersionStatus | null,
    to: CatalogVersionStatus,
    by: AuditContext,
    note: string | null,
    at: string,
  ) {
    await tx
      .insertInto('catalog_actions')
      .values({
        resource_id: resourceId,
        version,
        action,
        from_status: from,
        to_status: to,
        actor_id: by.actor!.id,
        actor_name: by.actor!.name,
        at,
        note,
      })
      .execute();
  }

  async function setLive(tx: Tx, versionId: string, live: boolean) {
    await tx
      .updateTable('catalog_versions')
      .set({ live: live ? 1 : 0 })
      .where('id', '=', versionId)
      .execute();
    if (engine !== 'sqlite') return;
    // SQLite keeps the tokens of live versions in an FTS5 table (PostgreSQL: generated tsvector).
    await (
      live
        ? sql`insert into catalog_search (rowid, tokens, field_tokens) select search_no, tokens, field_tokens from catalog_versions where id = ${versionId}`
        : sql`delete from catalog_search where rowid = (select search_no from catalog_versions where id = ${versionId})`
    ).execute(tx);
  }

  function assertEditor(user: SessionUser, r: ResourceRow) {
    if (!user.permissions.includes('catalog.edit') || user.unitId !== r.provider_unit_id) {
      throw new AppError(
        'forbidden',
        'catalog.not_editor',
        '只有提供方单位的目录编制员可以编制该条目',
      );
    }
  }
  function assertReviewer(user: SessionUser, r: ResourceRow) {
    if (!user.permissions.includes('catalog.review') || user.unitId !== r.provider_unit_id) {
      throw new AppError(
        'forbidden',
        'catalog.not_reviewer',
        '只有提供方单位的目录审核员可以审核该条目',
      );
    }
  }
  function assertPublisher(user: SessionUser, r: ResourceRow) {
    if (
      !user.permissions.includes('catalog.publish') ||
      !r.provider_division_code.startsWith(divisionPrefix(user.unitDivisionCode))
    ) {
      throw new AppError('forbidden', 'catalog.not_publisher', '只有平台目录管理员可以发布该条目');
    }
  }

  /** Who edited the version: they may not review it (IAM-04). */
  async function editorsOf(t: Tx | typeof db, resourceId: string, version: number) {
    const rows = await t
      .selectFrom('catalog_actions')
      .select('actor_id')
      .where('resource_id', '=', resourceId)
      .where('version', '=', version)
      .where('action', 'in', ['create', 'new_version', 'edit', 'submit'])
      .execute();
    return new Set(rows.map((r) => r.actor_id));
  }

  /** Whether `userId` opened the version after it was last submitted. */
  async function openedSinceSubmit(
    t: Tx | typeof db,
    resourceId: string,
    version: number,
    userId: string,
  ) {
    const rows = await t
      .selectFrom('catalog_actions')
      .select(['action', 'actor_id'])
      .where('resource_id', '=', resourceId)
      .where('version', '=', version)
      .where('action', 'in', ['submit', 'open'])
      .orderBy('id', 'asc')
      .execute();
    let opened = false;
    for (const row of rows) {
      if (row.action === 'submit') opened = false;
      else if (row.actor_id === userId) opened = true;
    }
    return opened;
  }

  async function allowedActionsFor(
    t: Tx | typeof db,
    user: SessionUser,
    r: ResourceRow,
  ): Promise<ActionRequest[]> {
    const out: ActionRequest[] = [];
    const allowed = new Set<string>(catalogWorkflow.allowed(r.status));
    const editor = user.permissions.includes('catalog.edit') && user.unitId === r.provider_unit_id;
    const reviewer =
      user.permissions.includes('catalog.review') && user.unitId === r.provider_unit_id;
    const publisher =
      user.permissions.includes('catalog.publish') &&
      r.provider_division_code.startsWith(divisionPrefix(user.unitDivisionCode));
    if (editor) {
      for (const a of ['submit', 'withdraw', 'discard', 'confirm_maintained'] as const) {
        if (allowed.has(a)) out.push(a);
      }
      if (r.status === 'published') out.push('new_version');
    }
    if (reviewer && r.status === 'submitted') {
      const editors = await editorsOf(t, r.id, r.working_version);
      if (!editors.has(user.id)) out.push('open', 'approve', 'return');
    }
    if (publisher && r.status === 'reviewed') out.push('publish', 'return');
    if ((reviewer || publisher) && r.status === 'published') out.push('retire');
    return [...new Set(out)];
  }

  /**
   * The next number of a named counter, atomically on both engines (two app instances
   * creating entries at once never get the same number). Numbers are never reused.
   */
  async function nextNumber(tx: Tx, counter: string): Promise<number> {
    await tx
      .insertInto('catalog_code_counters')
      .values({ classification_code: counter, next_sequence: 1 })
      .onConflict((oc) => oc.column('classification_code').doNothing())
      .execute();
    const row = await tx
      .updateTable('catalog_code_counters')
      .set((eb) => ({ next_sequence: eb('next_sequence', '+', 1) }))
      .where('classification_code', '=', counter)
      .returning('next_sequence')
      .executeTakeFirstOrThrow();
    return row.next_sequence - 1;
  }

  async function allocateCode(tx: Tx, classificationCode: string): Promise<string> {
    return formatResourceCode(classificationCode, await nextNumber(tx, classificationCode));
  }

  async function getUnitRow(t: Tx | typeof db, unitId: string) {
    const unit = await t
      .selectFrom('units')
      .select(['id', 'name', 'credit_code', 'division_code', 'status'])
      .where('id', '=', unitId)
      .executeTakeFirst();
    if (!unit) throw new AppError('not_found', 'unit.not_found', '单位不存在');
    return unit;
  }

  /** Told of each publication inside its transaction (the exchange registers its interfaces). */
  const publishListeners: ((
    tx: Tx,
    entry: { id: string; code: string; providerUnitId: string; content: EntryContent },
    by: AuditContext,
  ) => Promise<void>)[] = [];

  const service = {
    /** Adds a listener run inside each publishing transaction; a failure undoes the publication. */
    onPublish(listener: (typeof publishListeners)[number]) {
      publishListeners.push(listener);
    },

    /** Wires the source of onward-sharing consents (the sharing module's grants). */
    setOnwardConsentSource(source: typeof onwardConsent) {
      onwardConsent = source;
    },

    /** Wires the registry's rule over its own catalog entry (REG-12). */
    setExposureGuard(guard: typeof exposureGuard) {
      exposureGuard = guard;
    },

    async createEntry(
      input: { providerUnitId?: string | undefined; content: EntryContent },
      user: SessionUser,
      by: AuditContext,
    ): Promise<EntryDetail> {
      const providerUnitId = input.providerUnitId ?? user.unitId;
      if (providerUnitId !== user.unitId || !user.permissions.includes('catalog.edit')) {
        throw new AppError('forbidden', 'catalog.not_editor', '只能为本单位编制目录条目');
      }
      const classification = input.content.classification;
      if (!classification || !isAssignable(classification.code)) {
        throw new AppError(
          'invalid',
          'catalog.classification_required',
          '新建目录条目须先选择到“目”或“细目”一级的资源分类，资源代码由分类生成',
          { errors: [{ path: 'content.classification', message: '请选择资源分类' }] },
        );
      }
      const node = classificationNode(classification.code)!;
      if (node.tree !== classification.tree) {
        throw new AppError(
          'invalid',
          'catalog.classification_tree',
          `分类代码 ${classification.code} 不属于${classificationTrees.labels[classification.tree]}`,
        );
      }
      const id = uuidv7();
      return withTransaction(db, async (tx) => {
        const unit = await getUnitRow(tx, providerUnitId);
        const at = now();
        const code = await allocateCode(tx, classification.code);
        await tx
          .insertInto('catalog_resources')
          .values({
            id,
            code,
            // The row-store number shares the counter table under a name no code can have.
            no: await nextNumber(tx, 'resource_no'),
            provider_unit_id: providerUnitId,
            status: 'draft',
            working_version: 1,
            published_version: null,
            name: input.content.name || '（未命名）',
            maintained_at: null,
            created_by: user.id,
            created_at: at,
            updated_at: at,
            row_count: 0,
            data_updated_at: null,
          })
          .execute();
        await tx
          .insertInto('catalog_versions')
          .values({
            id: uuidv7(),
            resource_id: id,
            version: 1,
            status: 'draft',
            content: JSON.stringify(input.content),
            live: 0,
            search_no: await nextNumber(tx, 'search_no'),
            code,
            provider_unit_id: providerUnitId,
            ...searchColumns(input.content, unit.name, code),
            created_by: user.id,
            created_at: at,
            updated_at: at,
            published_at: null,
          })
          .execute();
        await appendAction(tx, id, 1, 'create', null, 'draft', by, null, at);
        await audit.appendBy(tx, by, {
          action: 'catalog.create',
          result: 'success',
          target: { type: 'catalog_entry', id, unitId: providerUnitId },
          detail: { code, name: input.content.name },
        });
        return detailIn(tx, id, user);
      });
    },

    async updateDraft(
      id: string,
      input: { content: EntryContent; version: number },
      user: SessionUser,
      by: AuditContext,
    ): Promise<EntryDetail> {
      return withTransaction(db, async (tx) => {
        const r = await loadResource(tx, id);
        assertEditor(user, r);
        if (input.version !== r.working_version) {
          throw new AppError(
            'conflict',
            'catalog.version_changed',
            '条目已有更新的版本，请刷新后再修改',
          );
        }
        if (catalogWorkflow.next(r.status, 'edit') === null) {
          throw new AppError(
            'conflict',
            'catalog.not_editable',
            `条目当前为“${r.status === 'submitted' ? '待审核' : r.status === 'reviewed' ? '待发布' : '已发布'}”状态，不能修改；需要修改请先撤回或新建版本`,
          );
        }
        const content = input.content;
        const v = await loadVersion(tx, id, r.working_version);
        const before = parseContent(v.content);
        if (
          before.classification &&
          content.classification?.code !== before.classification.code &&
          r.published_version !== null
        ) {
          throw new AppError(
            'invalid',
            'catalog.classification_fixed',
            '已发布过的资源不能改变分类：资源代码在资源的整个生命周期内不变',
          );
        }
        if (content.classification && !isAssignable(content.classification.code)) {
          throw new AppError(
            'invalid',
            'catalog.classification_unknown',
            '资源分类代码不存在或不是“目”“细目”一级',
          );
        }
        const at = now();
        await tx
          .updateTable('catalog_versions')
          .set({
            content: JSON.stringify(content),
            ...searchColumns(content, r.provider_name, r.code),
            updated_at: at,
          })
          .where('id', '=', v.id)
          .execute();
        await tx
          .updateTable('catalog_resources')
          .set({
            updated_at: at,
            ...(r.published_version === null ? { name: content.name || '（未命名）' } : {}),
          })
          .where('id', '=', id)
          .execute();
        await appendAction(tx, id, r.working_version, 'edit', r.status, r.status, by, null, at);
        const changed = (Object.keys(content) as (keyof EntryContent)[]).filter(
          (k) => JSON.stringify(content[k]) !== JSON.stringify(before[k]),
        );
        await audit.appendBy(tx, by, {
          action: 'catalog.edit',
          result: 'success',
          target: { type: 'catalog_entry', id, unitId: r.provider_unit_id },
          fields: changed,
          detail: { code: r.code, version: r.working_version },
        });
        return detailIn(tx, id, user);
      });
    },

    async act(
      id: string,
      request: { action: ActionRequest; note?: string | undefined },
      user: SessionUser,
      by: AuditContext,
    ): Promise<EntryDetail> {
      const note = request.note?.trim() || null;
      return withTransaction(db, async (tx) => {
        const r = await loadResource(tx, id);
        const action = request.action;
        const at = now();
        const working = await loadVersion(tx, id, r.working_version);

        const notAllowed = () =>
          new AppError(
            'conflict',
            'catalog.action_not_allowed',
            `条目当前状态下不能执行“${catalogWorkflow.transitions[action].label}”`,
          );

        // Role and unit first, then the state: a stranger learns nothing about the state.
        if (
          ['submit', 'withdraw', 'discard', 'confirm_maintained', 'new_version'].includes(action)
        ) {
          assertEditor(user, r);
        } else if (['open', 'approve'].includes(action)) {
          assertReviewer(user, r);
        } else if (action === 'publish') {
          assertPublisher(user, r);
        } else if (action === 'return') {
          if (r.status === 'reviewed') assertPublisher(user, r);
          else assertReviewer(user, r);
        } else if (action === 'retire') {
          if (!user.permissions.includes('catalog.publish')) assertReviewer(user, r);
          else assertPublisher(user, r);
        }

        if (action === 'new_version') {
          if (r.status !== 'published') throw notAllowed();
          const version = r.working_version + 1;
          const content = parseContent(working.content);
          await tx
            .insertInto('catalog_versions')
            .values({
              // Column by column: PostgreSQL's generated search vectors cannot be copied.
              resource_id: id,
              content: working.content,
              code: working.code,
              provider_unit_id: working.provider_unit_id,
              id: uuidv7(),
              version,
              status: 'draft',
              live: 0,
              search_no: await nextNumber(tx, 'search_no'),
              created_by: user.id,
              created_at: at,
              updated_at: at,
              published_at: null,
              ...searchColumns(content, r.provider_name, r.code),
            })
            .execute();
          await tx
            .updateTable('catalog_resources')
            .set({ status: 'draft', working_version: version, updated_at: at })
            .where('id', '=', id)
            .execute();
          await appendAction(tx, id, version, 'new_version', null, 'draft', by, note, at);
          await audit.appendBy(tx, by, {
            action: 'catalog.new_version',
            result: 'success',
            target: { type: 'catalog_entry', id, unitId: r.provider_unit_id },
            detail: { code: r.code, version },
          });
          return detailIn(tx, id, user);
        }

        const to = catalogWorkflow.next(r.status, action);
        if (to === null) throw notAllowed();

        if (action === 'submit') {
          const findings = await findingsFor(
            tx,
            parseContent(working.content),
            { id: r.provider_unit_id, name: r.provider_name, creditCode: r.provider_credit_code },
            r.code,
          );
          if (blocksSubmission(findings)) {
            throw new AppError(
              'invalid',
              'catalog.not_compliant',
              `目录条目未通过合规检查（${findings.filter((f) => f.severity === 'error').length} 项问题），修改后再提交`,
              {
                errors: findings
                  .filter((f) => f.severity === 'error')
                  .map((f) => ({ path: f.field, message: f.message })),
              },
            );
          }
        }
        if (action === 'open' || action === 'approve') {
          const editors = await editorsOf(tx, id, r.working_version);
          if (editors.has(user.id)) {
            throw new AppError(
              'forbidden',
              'catalog.reviewer_is_editor',
              '审核人不能审核自己编制或提交的条目（编制与审核岗位分离）',
            );
          }
        }
        if (
          action === 'approve' &&
          !(await openedSinceSubmit(tx, id, r.working_version, user.id))
        ) {
          throw new AppError(
            'conflict',
            'catalog.not_opened',
            '请先逐条打开并查阅该条目，再审核通过',
          );
        }
        if ((action === 'return' || action === 'retire') && !note) {
          throw new AppError(
            'invalid',
            'catalog.reason_required',
            `${catalogWorkflow.transitions[action].label}须填写理由`,
            { errors: [{ path: 'note', message: '请填写理由' }] },
          );
        }

        if (to !== r.status) {
          await tx
            .updateTable('catalog_versions')
            .set({
              status: to,
              updated_at: at,
              ...(action === 'publish' ? { published_at: at } : {}),
            })
            .where('id', '=', working.id)
            .execute();
        }
        const resourceSet: Partial<{
          status: CatalogVersionStatus;
          updated_at: string;
          maintained_at: string;
          published_version: number | null;
          name: string;
          working_version: number;
        }> = { status: to, updated_at: at };

        if (action === 'publish') {
          if (r.published_version !== null) {
            const previous = await loadVersion(tx, id, r.published_version);
            await tx
              .updateTable('catalog_versions')
              .set({ status: 'superseded', updated_at: at })
              .where('id', '=', previous.id)
              .execute();
            await setLive(tx, previous.id, false);
            await appendAction(
              tx,
              id,
              previous.version,
              'supersede',
              'published',
              'superseded',
              by,
              null,
              at,
            );
          }
          await setLive(tx, working.id, true);
          for (const listener of publishListeners) {
            const entry = { id, code: r.code, providerUnitId: r.provider_unit_id };
            await listener(tx, { ...entry, content: parseContent(working.content) }, by);
          }
          resourceSet.published_version = r.working_version;
          resourceSet.maintained_at = at;
          resourceSet.name = working.name;
        } else if (action === 'retire') {
          await setLive(tx, working.id, false);
        } else if (action === 'confirm_maintained') {
          resourceSet.maintained_at = at;
        } else if (action === 'discard' && r.published_version !== null) {
          // Discarding a new version's draft falls back to the published version.
          resourceSet.status = 'published';
          resourceSet.working_version = r.published_version;
        }
        await tx.updateTable('catalog_resources').set(resourceSet).where('id', '=', id).execute();
        await appendAction(tx, id, r.working_version, action, r.status, to, by, note, at);
        await audit.appendBy(tx, by, {
          action: `catalog.${action}`,
          result: 'success',
          target: { type: 'catalog_entry', id, unitId: r.provider_unit_id },
          detail: {
            code: r.code,
            version: r.working_version,
            from: r.status,
            to,
            ...(note ? { note } : {}),
          },
        });
        return detailIn(tx, id, user);
      });
    },

    get: (id: string, user: SessionUser) => detailIn(db, id, user),

    async getVersion(id: string, version: number, user: SessionUser): Promise<VersionDetail> {
      const r = await loadResource(db, id);
      const v = await loadVersion(db, id, version);
      const everPublished = v.published_at !== null;
      if (!everPublished && !seesWorkingCopy(user, r)) {
        throw new AppError('not_found', 'catalog.version_not_found', '目录版本不存在');
      }
      return toVersion(v);
    },

    async checkContent(
      content: EntryContent,
      providerUnitId: string,
    ): Promise<ComplianceFinding[]> {
      const unit = await getUnitRow(db, providerUnitId);
      return findingsFor(db, content, {
        id: unit.id,
        name: unit.name,
        creditCode: unit.credit_code,
      });
    },

    async list(
      query: {
        queue: 'unit' | 'review' | 'publish' | 'stale' | 'all';
        status?: CatalogVersionStatus | undefined;
        cursor?: string | undefined;
        limit: number;
      },
      user: SessionUser,
    ): Promise<{ items: EntrySummary[]; nextCursor: string | null }> {
      let q = resourceQuery(db);
      const prefix = divisionPrefix(user.unitDivisionCode);
      const publisher = user.permissions.includes('catalog.publish');
      switch (query.queue) {
        case 'unit':
          q = q.where('r.provider_unit_id', '=', user.unitId);
          break;
        case 'review':
          q = q.where('r.provider_unit_id', '=', user.unitId).where('r.status', '=', 'submitted');
          break;
        case 'publish':
          if (!publisher) return { items: [], nextCursor: null };
          q = q.where('u.division_code', 'like', `${prefix}%`).where('r.status', '=', 'reviewed');
          break;
        case 'stale': {
          const before = new Date(ctx.clock.now().getTime() - staleAfterMs).toISOString();
          q = q
            .where('r.maintained_at', '<', before)
            .where('r.status', 'not in', ['retired', 'withdrawn']);
          q = publisher
            ? q.where('u.division_code', 'like', `${prefix}%`)
            : q.where('r.provider_unit_id', '=', user.unitId);
          break;
        }
        case 'all':
          q = publisher
            ? q.where('u.division_code', 'like', `${prefix}%`)
            : q.where('r.provider_unit_id', '=', user.unitId);
          break;
      }
      if (query.status) q = q.where('r.status', '=', query.status);
      if (query.cursor) {
        const key = decodeCursor(query.cursor, 2);
        if (!key) throw new AppError('invalid', 'cursor.invalid', '分页游标无效');
        const [updatedAt, lastId] = key as [string, string];
        q = q.where((eb) =>
          eb.or([
            eb('r.updated_at', '<', updatedAt),
            eb.and([eb('r.updated_at', '=', updatedAt), eb('r.id', '<', lastId)]),
          ]),
        );
      }
      const rows = await q
        .orderBy('r.updated_at', 'desc')
        .orderBy('r.id', 'desc')
        .limit(query.limit + 1)
        .execute();
      const page = rows.slice(0, query.limit);
      const last = page.at(-1);
      return {
        items: page.map(toSummary),
        nextCursor:
          rows.length > query.limit && last ? encodeCursor([last.updated_at, last.id]) : null,
      };
    },

    async search(query: SearchQuery): Promise<SearchResult> {
      return searchLive(query, false);
    },

    async searchOpen(query: SearchQuery): Promise<SearchResult> {
      return searchLive(query, true);
    },

    /** The live version of a published entry by id or code, for the open-data view. */
    async liveByCode(code: string) {
      const v = await db
        .selectFrom('catalog_versions as v')
        .innerJoin('units as u', 'u.id', 'v.provider_unit_id')
        .selectAll('v')
        .select(['u.name as provider_name', 'u.credit_code as provider_credit_code'])
        .where('v.live', '=', 1)
        .where('v.code', '=', code)
        .executeTakeFirst();
      return v ? { ...v, parsed: parseContent(v.content) } : null;
    },

    /** All live entries (the DCAT-AP feed and open catalog listing). */
    async liveEntries(options: { openOnly: boolean }) {
      let q = db
        .selectFrom('catalog_versions as v')
        .innerJoin('units as u', 'u.id', 'v.provider_unit_id')
        .selectAll('v')
        .select(['u.name as provider_name', 'u.credit_code as provider_credit_code'])
        .where('v.live', '=', 1);
      if (options.openOnly)
        q = q.where('v.open_type', 'in', ['open_unconditional', 'open_conditional']);
      const rows = await q.orderBy('v.code').execute();
      return rows.map((v) => ({ ...v, parsed: parseContent(v.content) }));
    },

    /** The data items of the version that governs a resource's rows (live, else working). */
    async governingVersion(id: string) {
      const r = await loadResource(db, id);
      const version = r.published_version ?? r.working_version;
      const v = await loadVersion(db, id, version);
      return { resource: r, content: parseContent(v.content), version };
    },

    /**
     * The published version of a resource, for sharing requests: null when the resource was
     * never published. `retired` tells whether it has been withdrawn from the catalog since.
     */
    async publishedEntry(id: string, t: Tx | typeof db = db) {
      const r = await loadResource(t, id);
      if (r.published_version === null) return null;
      const v = await loadVersion(t, id, r.published_version);
      return {
        id: r.id,
        code: r.code,
        name: v.name,
        providerUnitId: r.provider_unit_id,
        providerName: r.provider_name,
        providerDivisionCode: r.provider_division_code,
        version: v.version,
        retired: r.status === 'retired' || v.status === 'retired',
        content: parseContent(v.content),
      };
    },

    // ---- information-system project catalogs (CAT-08) ----

    async createProject(
      input: {
        name: string;
        projectCode?: string | undefined;
        description: string;
        items: ProjectItem[];
      },
      user: SessionUser,
      by: AuditContext,
    ): Promise<Project> {
      const names = new Set<string>();
      for (const [i, item] of input.items.entries()) {
        if (names.has(item.name)) {
          throw new AppError(
            'invalid',
            'project.duplicate_item',
            `第 ${i + 1} 个数据项“${item.name}”重复`,
            { errors: [{ path: `items[${i}].name`, message: '数据项重复' }] },
          );
        }
        names.add(item.name);
      }
      const id = uuidv7();
      await withTransaction(db, async (tx) => {
        const at = now();
        await tx
          .insertInto('catalog_projects')
          .values({
            id,
            unit_id: user.unitId,
            name: input.name,
            project_code: input.projectCode ?? null,
            description: input.description,
            items: JSON.stringify(input.items),
            status: 'registered',
            created_by: user.id,
            created_at: at,
            updated_at: at,
            decided_by: null,
            decided_at: null,
            decision_note: null,
          })
          .execute();
        await audit.appendBy(tx, by, {
          action: 'catalog.project_register',
          result: 'success',
          target: { type: 'catalog_project', id, unitId: user.unitId },
          recordCount: input.items.length,
          detail: { name: input.name },
        });
      });
      return service.getProject(id, user);
    },

    async getProject(id: string, user: SessionUser): Promise<Project> {
      const p = await db
        .selectFrom('catalog_projects as p')
        .innerJoin('units as u', 'u.id', 'p.unit_id')
        .selectAll('p')
        .select(['u.name as unit_name', 'u.division_code'])
        .where('p.id', '=', id)
        .executeTakeFirst();
      const publisher =
        user.permissions.includes('catalog.publish') &&
        p?.division_code.startsWith(divisionPrefix(user.unitDivisionCode));
      if (!p || (p.unit_id !== user.unitId && !publisher)) {
        throw new AppError('not_found', 'project.not_found', '项目数据目录不存在');
      }
      const items = JSON.parse(p.items) as ProjectItem[];
      return {
        id: p.id,
        unitId: p.unit_id,
        unitName: p.unit_name,
        name: p.name,
        projectCode: p.project_code,
        description: p.description,
        items,
        status: p.status,
        createdAt: p.created_at,
        decidedAt: p.decided_at,
        decisionNote: p.decision_note,
        duplicates: await duplicatesOf(items, p.unit_id),
      };
    },

    async listProjects(user: SessionUser): Promise<Omit<Project, 'duplicates' | 'items'>[]> {
      const publisher = user.permissions.includes('catalog.publish');
      let q = db
        .selectFrom('catalog_projects as p')
        .innerJoin('units as u', 'u.id', 'p.unit_id')
        .selectAll('p')
        .select('u.name as unit_name');
      q = publisher
        ? q.where('u.division_code', 'like', `${divisionPrefix(user.unitDivisionCode)}%`)
        : q.where('p.unit_id', '=', user.unitId);
      const rows = await q.orderBy('p.created_at', 'desc').limit(500).execute();
      return rows.map((p) => ({
        id: p.id,
        unitId: p.unit_id,
        unitName: p.unit_name,
        name: p.name,
        projectCode: p.project_code,
        description: p.description,
        status: p.status,
        createdAt: p.created_at,
        decidedAt: p.decided_at,
        decisionNote: p.decision_note,
      }));
    },

    async decideProject(
      id: string,
      input: { decision: 'approve' | 'reject'; note?: string | undefined },
      user: SessionUser,
      by: AuditContext,
    ): Promise<Project> {
      const project = await service.getProject(id, user);
      if (!user.permissions.includes('catalog.publish')) {
        throw new AppError(
          'forbidden',
          'project.not_approver',
          '只有平台目录管理员可以审批项目数据目录',
        );
      }
      if (project.status !== 'registered') {
        throw new AppError('conflict', 'project.decided', '该项目数据目录已审批');
      }
      if (input.decision === 'approve' && project.duplicates.length > 0) {
        throw new AppError(
          'conflict',
          'project.duplicates_collection',
          `项目计划自行采集的 ${project.duplicates.length} 个数据项已可从共享平台获取（如“${project.duplicates[0]!.item}”由${project.duplicates[0]!.providerName}提供），不得重复采集：改为“通过平台共享获取”后再审批`,
        );
      }
      if (input.decision === 'reject' && !input.note) {
        throw new AppError('invalid', 'project.reason_required', '不予通过须填写理由');
      }
      await withTransaction(db, async (tx) => {
        const at = now();
        await tx
          .updateTable('catalog_projects')
          .set({
            status: input.decision === 'approve' ? 'approved' : 'rejected',
            decided_by: user.id,
            decided_at: at,
            decision_note: input.note ?? null,
            updated_at: at,
          })
          .where('id', '=', id)
          .where('status', '=', 'registered')
          .execute();
        await audit.appendBy(tx, by, {
          action: `catalog.project_${input.decision}`,
          result: 'success',
          target: { type: 'catalog_project', id, unitId: project.unitId },
          detail: { name: project.name, ...(input.note ? { note: input.note } : {}) },
        });
      });
      return service.getProject(id, user);
    },
  };

  /** Items a project would collect that another provider's live entry already offers. */
  async function duplicatesOf(items: ProjectItem[], unitId: string) {
    const collected = items.filter((i) => i.source === 'collect');
    if (collected.length === 0) return [];
    const live = await db
      .selectFrom('catalog_versions as v')
      .innerJoin('units as u', 'u.id', 'v.provider_unit_id')
      .select([
        'v.resource_id',
        'v.code',
        'v.name',
        'v.content',
        'v.sharing_type',
        'u.name as provider_name',
      ])
      .where('v.live', '=', 1)
      .where('v.provider_unit_id', '!=', unitId)
      .where('v.sharing_type', 'in', ['unconditional', 'conditional'])
      .execute();
    const byName = new Map<string, { row: (typeof live)[number]; fieldName: string }[]>();
    for (const row of live) {
      for (const item of parseContent(row.content).dataItems) {
        for (const k of [normalise(item.name), `id:${item.identifier}`]) {
          const list = byName.get(k) ?? [];
          list.push({ row, fieldName: item.name });
          byName.set(k, list);
        }
      }
    }
    const out: ProjectDuplicate[] = [];
    for (const item of collected) {
      const hits = [
        ...(byName.get(normalise(item.name)) ?? []),
        ...(item.identifier ? (byName.get(`id:${item.identifier}`) ?? []) : []),
      ];
      const seen = new Set<string>();
      for (const { row, fieldName } of hits) {
        if (seen.has(row.resource_id)) continue;
        seen.add(row.resource_id);
        out.push({
          item: item.name,
          resourceId: row.resource_id,
          resourceCode: row.code,
          resourceName: row.name,
          providerName: row.provider_name,
          fieldName,
          sharingType: row.sharing_type,
        });
      }
    }
    return out;
  }

  async function detailIn(t: Tx | typeof db, id: string, user: SessionUser): Promise<EntryDetail> {
    const r = await loadResource(t, id);
    const sees = seesWorkingCopy(user, r);
    if (!sees && r.published_version === null) {
      throw new AppError('not_found', 'catalog.entry_not_found', '目录条目不存在');
    }
    const versions = await t
      .selectFrom('catalog_versions')
      .selectAll()
      .where('resource_id', '=', id)
      .orderBy('version', 'asc')
      .execute();
    const live = versions.find((v) => v.live === 1) ?? null;
    const working = versions.find((v) => v.version === r.working_version)!;
    const shownWorking = sees ? working : (live ?? working);
    const actions = sees
      ? await t
          .selectFrom('catalog_actions')
          .selectAll()
          .where('resource_id', '=', id)
          .orderBy('id', 'asc')
          .execute()
      : [];
    const content = parseContent(shownWorking.content);
    const findings = sees
      ? await findingsFor(
          t,
          content,
          { id: r.provider_unit_id, name: r.provider_name, creditCode: r.provider_credit_code },
          r.code,
        )
      : [];
    const summary = toSummary(r);
    return {
      ...summary,
      ...(sees ? {} : { status: r.status === 'retired' ? 'retired' : 'published' }),
      provider: {
        id: r.provider_unit_id,
        name: r.provider_name,
        creditCode: r.provider_credit_code,
      },
      working: toVersion(shownWorking),
      live: live ? toVersion(live) : null,
      versions: versions
        .filter((v) => sees || v.published_at !== null)
        .map((v) => ({ version: v.version, status: v.status, publishedAt: v.published_at })),
      actions: actions.map((a) => ({
        version: a.version,
        action: a.action,
        label: catalogWorkflow.transitions[a.action as CatalogAction]?.label ?? a.action,
        fromStatus: a.from_status,
        toStatus: a.to_status,
        actorId: a.actor_id,
        actorName: a.actor_name,
        at: a.at,
        note: a.note,
      })),
      findings,
      allowedActions: sees ? await allowedActionsFor(t, user, r) : [],
      openedByMe:
        r.status === 'submitted'
          ? await openedSinceSubmit(t, id, r.working_version, user.id)
          : false,
    };
  }

  /**
   * Search over live versions. Three queries whatever the catalog's size: one grouped scan
   * gives the total and every facet, one sorts only ids for the page, one loads the page.
   */
  async function searchLive(query: SearchQuery, openOnly: boolean): Promise<SearchResult> {
    const words = query.q ? searchQuery(query.q) : null;
    const fieldWords = query.field ? searchQuery(query.field) : null;
    let base = db.selectFrom('catalog_versions as v').where('v.live', '=', 1);
    if (openOnly)
      base = base.where('v.open_type', 'in', ['open_unconditional', 'open_conditional']);
    if (engine === 'sqlite') {
      const match = [
        words?.fts5 ? `(${words.fts5})` : null,
        fieldWords?.fts5 ? `field_tokens : (${fieldWords.fts5})` : null,
      ].filter(Boolean);
      if (match.length > 0) {
        base = base.where(
          'v.search_no',
          'in',
          sql<number>`(select rowid from catalog_search where catalog_search match ${match.join(' AND ')})`,
        );
      }
    } else {
      if (words?.tsquery) {
        base = base.where(sql<boolean>`v.search_vector @@ to_tsquery('simple', ${words.tsquery})`);
      }
      if (fieldWords?.tsquery) {
        base = base.where(
          sql<boolean>`v.field_vector @@ to_tsquery('simple', ${fieldWords.tsquery})`,
        );
      }
    }
    // A query that reduced to nothing (punctuation only) matches nothing rather than everything.
    if ((query.q && !words?.fts5) || (query.field && !fieldWords?.fts5)) {
      base = base.where(sql<boolean>`1 = 0`);
    }

    // Facets count over the word search only, so picking one value still shows the others.
    const groups = (
      await base
        .select([
          'v.provider_unit_id',
          'v.sharing_type',
          'v.open_type',
          'v.kind',
          'v.classification_code',
          (eb) => eb.fn.countAll<number>().as('n'),
        ])
        .groupBy([
          'v.provider_unit_id',
          'v.sharing_type',
          'v.open_type',
          'v.kind',
          'v.classification_code',
        ])
        .execute()
    ).map((g) => ({ ...g, n: Number(g.n) }));
    const inFilter = (g: (typeof groups)[number]) =>
      (!query.provider || g.provider_unit_id === query.provider) &&
      (!query.classification || (g.classification_code ?? '').startsWith(query.classification)) &&
      (!query.sharingType || g.sharing_type === query.sharingType) &&
      (!query.openType || g.open_type === query.openType) &&
      (!query.kind || g.kind === query.kind);
    const total = groups.filter(inFilter).reduce((sum, g) => sum + g.n, 0);
    const countBy = (key: (g: (typeof groups)[number]) => string | null) => {
      const counts = new Map<string, number>();
      for (const g of groups) {
        const k = key(g);
        if (k !== null) counts.set(k, (counts.get(k) ?? 0) + g.n);
      }
      return [...counts.entries()].sort((a, b) => b[1] - a[1]);
    };
    const labelled = (
      key: (g: (typeof groups)[number]) => string | null,
      labels: Record<string, string>,
    ) => countBy(key).map(([value, count]) => ({ value, label: labels[value] ?? value, count }));

    let filtered = base;
    if (query.provider) filtered = filtered.where('v.provider_unit_id', '=', query.provider);
    if (query.classification)
      filtered = filtered.where('v.classification_code', 'like', `${query.classification}%`);
    if (query.sharingType) filtered = filtered.where('v.sharing_type', '=', query.sharingType);
    if (query.openType) filtered = filtered.where('v.open_type', '=', query.openType);
    if (query.kind) filtered = filtered.where('v.kind', '=', query.kind);

    // Entries whose name contains the words come first while the matches are few enough to
    // sort; beyond that, newest first (walks the live index and stops at the page).
    let pageQuery = filtered.select('v.id');
    if (query.q && total <= 5000) {
      pageQuery = pageQuery.orderBy(
        sql`case when v.name like ${`%${query.q.replace(/[%_]/g, '')}%`} then 0 else 1 end`,
      );
    }
    const pageIds = (
      await pageQuery
        .orderBy('v.published_at', 'desc')
        .orderBy('v.id', 'desc')
        .limit(query.pageSize)
        .offset((query.page - 1) * query.pageSize)
        .execute()
    ).map((r) => r.id);
    const rows =
      pageIds.length === 0
        ? []
        : await db
            .selectFrom('catalog_versions as v')
            .innerJoin('units as u', 'u.id', 'v.provider_unit_id')
            .select([
              'v.id',
              'v.resource_id',
              'v.code',
              'v.name',
              'v.content',
              'v.provider_unit_id',
              'u.name as provider_name',
              'v.kind',
              'v.classification_code',
              'v.sharing_type',
              'v.open_type',
              'v.version',
              'v.published_at',
            ])
            .where('v.id', 'in', pageIds)
            .execute();
    rows.sort((a, b) => pageIds.indexOf(a.id) - pageIds.indexOf(b.id));

    const providerIds = countBy((g) => g.provider_unit_id).slice(0, 50);
    const providerNames = new Map(
      providerIds.length === 0
        ? []
        : (
            await db
              .selectFrom('units')
              .select(['id', 'name'])
              .where(
                'id',
                'in',
                providerIds.map(([id]) => id),
              )
              .execute()
          ).map((u) => [u.id, u.name]),
    );

    const fieldMatcher = query.field ? query.field.toLowerCase() : null;
    const items: SearchHit[] = rows.map((v) => {
      const content = parseContent(v.content);
      return {
        id: v.resource_id,
        code: v.code,
        name: v.name,
        summary: content.summary,
        providerUnitId: v.provider_unit_id,
        providerName: v.provider_name,
        kind: v.kind,
        classificationCode: v.classification_code,
        sharingType: v.sharing_type,
        openType: v.open_type,
        version: v.version,
        publishedAt: v.published_at,
        matchedFields: fieldMatcher
          ? content.dataItems
              .filter(
                (i) =>
                  i.name.toLowerCase().includes(fieldMatcher) ||
                  i.identifier.includes(fieldMatcher),
              )
              .map((i) => i.name)
          : [],
      };
    });
    return {
      items,
      total,
      page: query.page,
      pageSize: query.pageSize,
      facets: {
        provider: providerIds.map(([value, count]) => ({
          value,
          label: providerNames.get(value) ?? value,
          count,
        })),
        classification: countBy((g) => g.classification_code?.slice(0, 3) ?? null).map(
          ([value, count]) => ({ value, label: classificationNode(value)?.name ?? value, count }),
        ),
        sharingType: labelled((g) => g.sharing_type, sharingTypes.labels),
        openType: labelled((g) => g.open_type, openTypes.labels),
        kind: labelled((g) => g.kind, resourceKinds.labels),
      },
    };
  }

  return service;
}

/** Item names compared without spaces, punctuation and case. */
function normalise(name: string): string {
  return name
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s\p{P}]/gu, '');
}

export type CatalogService = ReturnType<typeof createCatalogService>;
