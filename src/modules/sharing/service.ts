/**
 * Sharing requests, grants and deadline supervision (SHR-01 … SHR-10, SEC-04).
 *
 * Each open step of a request is a row with its due date, computed with the working-day
 * calendar when the step opens under the policy then in force; supervision is a plain query
 * over open steps. Every action is appended to the request's log and audited in the same
 * transaction; the parties get in-console notifications.
 */
import { sql } from 'kysely';
import type {
  SharingGrantTable,
  SharingRequestStatus,
  SharingRequestTable,
  SharingStepKind,
  SharingStepTable,
} from '../../db/schema.ts';
import { withTransaction, type Tx } from '../../db/transaction.ts';
import { decodeCursor, encodeCursor } from '../../lib/cursor.ts';
import { createWorkingCalendar, type WorkingCalendar } from '../../lib/calendar/index.ts';
import { uuidv7 } from '../../lib/uuid.ts';
import { AppError } from '../../server/errors.ts';
import type { AppContext } from '../../server/context.ts';
import type { AuditContext, AuditService } from '../audit/service.ts';
import type { CalendarService } from '../calendar/service.ts';
import { provisionModes } from '../catalog/elements.ts';
import { effectiveMasking, parseMaskDecision } from '../exchange/masking.ts';
import type { CatalogService } from '../catalog/service.ts';
import type { SessionUser } from '../iam/auth.ts';
import { roles as roleTable, type Permission } from '../iam/permissions.ts';
import { divisionPrefix } from '../iam/scope.ts';
import {
  SharingPolicy,
  type ErrorReport,
  type Grant,
  type RequestAction,
  type RequestCreate,
  type RequestDetail,
  type RequestSummary,
  type Step,
  type Supervision,
} from './schemas.ts';
import {
  requestStatusLabels,
  sharingWorkflow,
  stepLabels,
  type SharingAction,
} from './workflow.ts';

/** Steps owed by the platform rather than a unit. */
const PLATFORM = 'platform';
const PLATFORM_NAME = '平台管理方';

type Db = AppContext['db'];

/** The Asia/Shanghai calendar date of an instant. */
function shanghaiDate(at: Date): string {
  return new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

/** Provincial units have a division code ending in 0000; cities in 00. */
const isProvincial = (code: string) => /^\d{2}0000$/.test(code);
const isCityOrCounty = (code: string) => !isProvincial(code);

export function createSharingService(
  ctx: AppContext,
  deps: { audit: AuditService; catalog: CatalogService; calendar: CalendarService },
) {
  const { db } = ctx;
  const { audit, catalog, calendar } = deps;
  const now = () => ctx.clock.now().toISOString();
  const today = () => shanghaiDate(ctx.clock.now());

  // ---- policy ----

  async function policy(t: Tx | Db = db): Promise<SharingPolicy> {
    const row = await t
      .selectFrom('sharing_policy')
      .selectAll()
      .where('id', '=', 1)
      .executeTakeFirst();
    return SharingPolicy.parse(row ? JSON.parse(row.settings) : {});
  }

  // ---- helpers ----

  const unitName = async (t: Tx | Db, id: string) =>
    id === PLATFORM
      ? PLATFORM_NAME
      : ((await t.selectFrom('units').select('name').where('id', '=', id).executeTakeFirst())
          ?.name ?? id);

  async function unitRow(t: Tx | Db, id: string) {
    const u = await t
      .selectFrom('units')
      .select(['id', 'name', 'credit_code', 'division_code'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (!u) throw new AppError('not_found', 'unit.not_found', '单位不存在');
    return u;
  }

  const inPlatformScope = (user: SessionUser, divisionCode: string) =>
    divisionCode.startsWith(divisionPrefix(user.unitDivisionCode));

  function stepState(
    step: Pick<SharingStepTable, 'due_on' | 'closed_at'>,
    cal: WorkingCalendar,
    dueSoonDays: number,
  ): { state: Step['state']; left: number | null } {
    if (step.closed_at) {
      return {
        state: shanghaiDate(new Date(step.closed_at)) > step.due_on ? 'late' : 'done',
        left: null,
      };
    }
    const d = today();
    if (d > step.due_on) return { state: 'overdue', left: -cal.workingDaysBetween(step.due_on, d) };
    const left = cal.workingDaysBetween(d, step.due_on);
    return { state: left <= dueSoonDays ? 'due_soon' : 'on_time', left };
  }

  /** Active accounts that hold `permission`, in `unitId` or anywhere (platform steps). */
  async function recipients(t: Tx | Db, unitId: string, permission: Permission, scopeCode: string) {
    const roleNames = Object.entries(roleTable)
      .filter(([, r]) => (r.permissions as readonly string[]).includes(permission))
      .map(([name]) => name);
    let q = t
      .selectFrom('users as u')
      .innerJoin('user_roles as r', 'r.user_id', 'u.id')
      .innerJoin('units as n', 'n.id', 'u.unit_id')
      .select(['u.id', 'n.division_code'])
      .distinct()
      .where('u.status', '=', 'active')
      .where('r.role', 'in', roleNames);
    if (unitId !== PLATFORM) q = q.where('u.unit_id', '=', unitId);
    const rows = await q.execute();
    // Platform staff are notified when the request lies within their division.
    return rows
      .filter((r) => unitId !== PLATFORM || scopeCode.startsWith(divisionPrefix(r.division_code)))
      .map((r) => r.id);
  }

  async function notify(
    t: Tx,
    to: { unitId: string; permission: Permission; scopeCode: string },
    message: { kind: string; title: string; body: string; link: string },
  ) {
    const users = await recipients(t, to.unitId, to.permission, to.scopeCode);
    if (users.length === 0) return;
    const at = now();
    await t
      .insertInto('notifications')
      .values(users.map((user_id) => ({ user_id, ...message, created_at: at, read_at: null })))
      .execute();
  }

  async function openStep(
    t: Tx,
    cal: WorkingCalendar,
    request: { id: string },
    kind: SharingStepKind,
    assignee: { unitId: string; permission: Permission },
    days: number,
    errorReportId: string | null = null,
  ) {
    await t
      .insertInto('sharing_steps')
      .values({
        request_id: request.id,
        error_report_id: errorReportId,
        kind,
        assignee_unit_id: assignee.unitId,
        assignee_permission: assignee.permission,
        opened_at: now(),
        due_on: cal.addWorkingDays(today(), days),
        working_days: days,
        closed_at: null,
        closed_by: null,
        overdue_notified: 0,
        due_soon_notified: 0,
      })
      .execute();
  }

  async function closeSteps(t: Tx, requestId: string, by: string, kinds?: SharingStepKind[]) {
    let q = t
      .updateTable('sharing_steps')
      .set({ closed_at: now(), closed_by: by })
      .where('request_id', '=', requestId)
      .where('closed_at', 'is', null)
      .where('error_report_id', 'is', null);
    if (kinds) q = q.where('kind', 'in', kinds);
    await q.execute();
  }

  async function loadRequest(t: Tx | Db, id: string) {
    const r = await t
      .selectFrom('sharing_requests as q')
      .innerJoin('catalog_resources as c', 'c.id', 'q.resource_id')
      .innerJoin('units as p', 'p.id', 'q.provider_unit_id')
      .innerJoin('units as k', 'k.id', 'q.consumer_unit_id')
      .innerJoin('users as u', 'u.id', 'q.requester_id')
      .selectAll('q')
      .select([
        'c.code as resource_code',
        'c.name as resource_name',
        'p.name as provider_name',
        'p.division_code as provider_division_code',
        'k.name as consumer_name',
        'u.display_name as requester_name',
      ])
      .where('q.id', '=', id)
      .executeTakeFirst();
    if (!r) throw new AppError('not_found', 'sharing.not_found', '共享申请不存在');
    return r;
  }
  type LoadedRequest = Awaited<ReturnType<typeof loadRequest>>;

  /** The parties and the platform staff of the province see a request; nobody else. */
  function canSee(user: SessionUser, r: LoadedRequest) {
    return (
      user.unitId === r.consumer_unit_id ||
      user.unitId === r.provider_unit_id ||
      ((['sharing.precheck', 'sharing.coordinate', 'sharing.supervise'] as const).some((p) =>
        user.permissions.includes(p),
      ) &&
        inPlatformScope(user, r.provider_division_code))
    );
  }

  const isPlatform = (user: SessionUser, r: LoadedRequest, permission: Permission) =>
    user.permissions.includes(permission) && inPlatformScope(user, r.provider_division_code);

  /** Who may take `action` on `r` now; a reason for refusal, or null. */
  function refusal(user: SessionUser, r: LoadedRequest, action: SharingAction): string | null {
    const consumer =
      user.unitId === r.consumer_unit_id && user.permissions.includes('sharing.request');
    const provider =
      user.unitId === r.provider_unit_id && user.permissions.includes('sharing.approve');
    switch (action) {
      case 'withdraw':
        return consumer ? null : '只有申请单位的共享申请员可以撤回';
      case 'precheck_pass':
        if (r.sharing_type !== 'conditional') return '无条件共享的资源由平台在预审时直接批准';
        return isPlatform(user, r, 'sharing.precheck') ? null : '只有平台管理方可以预审';
      case 'precheck_reject':
        return isPlatform(user, r, 'sharing.precheck') ? null : '只有平台管理方可以预审';
      case 'approve':
        if (r.status === 'prechecking') {
          if (r.sharing_type !== 'unconditional') return '有条件共享的资源须由提供方审批';
          return isPlatform(user, r, 'sharing.precheck')
            ? null
            : '只有平台管理方可以批准无条件共享';
        }
        return provider ? null : '只有提供方单位的共享审批员可以审批';
      case 'refuse':
        return provider ? null : '只有提供方单位的共享审批员可以审批';
      case 'deliver':
        return isPlatform(user, r, 'sharing.precheck') ? null : '只有平台管理方可以交付';
      case 'escalate':
        return consumer || provider ? null : '只有申请方或提供方可以提请协调';
      case 'resolve_approve':
      case 'resolve_refuse':
      case 'resolve_return':
        if (user.unitId === r.consumer_unit_id || user.unitId === r.provider_unit_id) {
          return '争议当事单位不能协调自己的争议';
        }
        return isPlatform(user, r, 'sharing.coordinate') ? null : '只有共享主管部门可以协调争议';
      case 'file':
        return '不能重复提交';
    }
  }

  function allowedFor(user: SessionUser, r: LoadedRequest, grantRevoked: boolean): string[] {
    const out: string[] = [];
    for (const action of sharingWorkflow.allowed(r.status)) {
      if (action === 'file') continue;
      // A grant revoked before delivery ends the request: there is nothing left to deliver.
      if (action === 'deliver' && grantRevoked) continue;
      if (refusal(user, r, action) !== null) continue;
      const api = action.startsWith('resolve_') ? 'resolve' : action;
      if (!out.includes(api)) out.push(api);
    }
    return out;
  }

  function grantStatus(g: SharingGrantTable): Grant['status'] {
    if (g.status === 'revoked') return 'revoked';
    if (g.status === 'authorized') return 'authorized';
    return today() > g.valid_until ? 'expired' : 'active';
  }

  async function toGrant(t: Tx | Db, g: SharingGrantTable): Promise<Grant> {
    const r = await loadRequest(t, g.request_id);
    const published = await catalog.publishedEntry(g.resource_id, t);
    const names = new Map(published?.content.dataItems.map((i) => [i.identifier, i.name]) ?? []);
    return {
      id: g.id,
      requestId: g.request_id,
      requestNumber: r.number,
      resourceId: g.resource_id,
      resourceCode: r.resource_code,
      resourceName: r.resource_name,
      providerUnitId: g.provider_unit_id,
      providerName: r.provider_name,
      consumerUnitId: g.consumer_unit_id,
      consumerName: r.consumer_name,
      fields: (JSON.parse(g.fields) as string[]).map((f) => ({
        identifier: f,
        name: names.get(f) ?? f,
      })),
      modes: JSON.parse(g.modes) as string[],
      purpose: g.purpose,
      validFrom: g.valid_from,
      validUntil: g.valid_until,
      onwardAllowed: g.onward_allowed === 1,
      status: grantStatus(g),
      authorizedAt: g.authorized_at,
      deliveredAt: g.delivered_at,
      revokedAt: g.revoked_at,
      revokeReason: g.revoke_reason,
      masking: effectiveMasking(
        published?.content.dataItems ?? [],
        JSON.parse(g.fields) as string[],
        parseMaskDecision(g.masking),
      ),
      dailyQuota: g.daily_quota,
    };
  }

  function toErrorReport(
    e: {
      id: string;
      grant_id: string;
      request_id: string;
      reporter_unit_id: string;
      provider_unit_id: string;
      found_on: string;
      report_due_on: string;
      reported_at: string;
      reported_late: number;
      description: string;
      row_keys: string;
      status: 'open' | 'answered';
      answer: string | null;
      answered_at: string | null;
    },
    reporterUnitName: string,
    answerDueOn: string | null,
  ): ErrorReport {
    return {
      id: e.id,
      grantId: e.grant_id,
      requestId: e.request_id,
      reporterUnitId: e.reporter_unit_id,
      reporterUnitName,
      providerUnitId: e.provider_unit_id,
      foundOn: e.found_on,
      reportDueOn: e.report_due_on,
      reportedAt: e.reported_at,
      reportedLate: e.reported_late === 1,
      description: e.description,
      rowKeys: JSON.parse(e.row_keys) as string[],
      status: e.status,
      answer: e.answer,
      answeredAt: e.answered_at,
      answerDueOn,
    };
  }

  async function detail(t: Tx | Db, id: string, user: SessionUser): Promise<RequestDetail> {
    const r = await loadRequest(t, id);
    if (!canSee(user, r)) throw new AppError('not_found', 'sharing.not_found', '共享申请不存在');
    const cal = await calendarIn(t);
    const pol = await policy(t);
    const published = await catalog.publishedEntry(r.resource_id, t);
    const items = published?.content.dataItems ?? [];
    const steps = await t
      .selectFrom('sharing_steps')
      .selectAll()
      .where('request_id', '=', id)
      .orderBy('id')
      .execute();
    const actions = await t
      .selectFrom('sharing_actions')
      .selectAll()
      .where('request_id', '=', id)
      .orderBy('id')
      .execute();
    const grant = await t
      .selectFrom('sharing_grants')
      .selectAll()
      .where('request_id', '=', id)
      .executeTakeFirst();
    const reports = await t
      .selectFrom('sharing_error_reports')
      .selectAll()
      .where('request_id', '=', id)
      .orderBy('reported_at')
      .execute();
    const unitNames = new Map<string, string>();
    for (const s of steps) {
      if (!unitNames.has(s.assignee_unit_id))
        unitNames.set(s.assignee_unit_id, await unitName(t, s.assignee_unit_id));
    }
    const toStep = (s: (typeof steps)[number]): Step => {
      const st = stepState(s, cal, pol.dueSoonDays);
      return {
        id: Number(s.id),
        kind: s.kind,
        label: stepLabels[s.kind],
        assigneeUnitId: s.assignee_unit_id,
        assigneeUnitName: unitNames.get(s.assignee_unit_id) ?? s.assignee_unit_id,
        openedAt: s.opened_at,
        dueOn: s.due_on,
        workingDays: s.working_days,
        closedAt: s.closed_at,
        state: st.state,
        workingDaysLeft: st.left,
      };
    };
    const open = steps.find((s) => !s.closed_at && !s.error_report_id);
    const openState = open ? stepState(open, cal, pol.dueSoonDays).state : null;
    return {
      ...summaryOf(r, open?.due_on ?? null, openState),
      requesterName: r.requester_name,
      fields: (JSON.parse(r.fields) as string[]).map((f) => {
        const item = items.find((i) => i.identifier === f);
        return { identifier: f, name: item?.name ?? f, sensitive: item?.sensitive ?? false };
      }),
      approvedFields: r.approved_fields ? (JSON.parse(r.approved_fields) as string[]) : null,
      modes: JSON.parse(r.modes) as string[],
      purpose: r.purpose,
      legalBasis: r.legal_basis,
      periodStart: r.period_start,
      periodEnd: r.period_end,
      approvedPeriodEnd: r.approved_period_end,
      contactName: r.contact_name,
      contactPhone: r.contact_phone,
      onwardRequested: r.onward_requested === 1,
      onwardAllowed: r.onward_allowed === 1,
      steps: steps.filter((s) => !s.error_report_id).map(toStep),
      actions: actions.map((a) => ({
        action: a.action,
        label: sharingWorkflow.transitions[a.action as SharingAction]?.label ?? a.action,
        fromStatus: a.from_status,
        toStatus: a.to_status,
        actorName: a.actor_name,
        actorUnitId: a.actor_unit_id,
        at: a.at,
        note: a.note,
      })),
      grant: grant ? await toGrant(t, grant) : null,
      errorReports: await Promise.all(
        reports.map(async (e) => {
          const step = steps.find((s) => s.error_report_id === e.id);
          return toErrorReport(e, await unitName(t, e.reporter_unit_id), step?.due_on ?? null);
        }),
      ),
      allowedActions: allowedFor(user, r, grant?.status === 'revoked'),
    };
  }

  function summaryOf(
    r: SharingRequestTable & {
      resource_code: string;
      resource_name: string;
      provider_name: string;
      consumer_name: string;
    },
    dueOn: string | null,
    dueState: Step['state'] | null,
  ): RequestSummary {
    return {
      id: r.id,
      number: r.number,
      resourceId: r.resource_id,
      resourceCode: r.resource_code,
      resourceName: r.resource_name,
      sharingType: r.sharing_type,
      providerUnitId: r.provider_unit_id,
      providerName: r.provider_name,
      consumerUnitId: r.consumer_unit_id,
      consumerName: r.consumer_name,
      status: r.status,
      statusLabel: requestStatusLabels[r.status],
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      dueOn,
      dueState:
        dueState === 'on_time' || dueState === 'due_soon' || dueState === 'overdue'
          ? dueState
          : null,
    };
  }

  /** The calendar read through `t` (inside a transaction the service's own `db` must not be used). */
  async function calendarIn(t: Tx | Db): Promise<WorkingCalendar> {
    if (t === db) return calendar.calendar();
    const rows = await t.selectFrom('calendar_overrides').selectAll().execute();
    return createWorkingCalendar(rows.map((r) => ({ date: r.date, kind: r.kind, name: r.name })));
  }

  async function appendAction(
    t: Tx,
    r: { id: string; provider_unit_id: string; number: string },
    action: SharingAction,
    from: SharingRequestStatus | null,
    to: SharingRequestStatus,
    by: AuditContext,
    note: string | null,
    detailData: Record<string, unknown> = {},
  ) {
    await t
      .insertInto('sharing_actions')
      .values({
        request_id: r.id,
        action,
        from_status: from,
        to_status: to,
        actor_id: by.actor!.id,
        actor_name: by.actor!.name,
        actor_unit_id: by.actor!.unitId ?? '',
        at: now(),
        note,
        detail: Object.keys(detailData).length ? JSON.stringify(detailData) : null,
      })
      .execute();
    await audit.appendBy(t, by, {
      action: `sharing.${action}`,
      result: 'success',
      target: { type: 'sharing_request', id: r.id, unitId: r.provider_unit_id },
      detail: { number: r.number, from, to, ...(note ? { note } : {}), ...detailData },
    });
  }

  async function nextNumber(t: Tx): Promise<string> {
    const year = today().slice(0, 4);
    const { n } = await t
      .selectFrom('sharing_requests')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('number', 'like', `GX${year}%`)
      .executeTakeFirstOrThrow();
    return `GX${year}${String(Number(n) + 1).padStart(6, '0')}`;
  }

  /** Credentials issued on a grant; set by the exchange module, which is built after this one. */
  /** Told of each revoked grant once its revocation is committed (the exchange drops its cache). */
  const revokeListeners: ((grantId: string) => void)[] = [];
  let credentialsOf: (grantId: string) => Promise<{ id: string; issuedAt: string }[]> = () =>
    Promise.resolve([]);

  const service = {
    policy,

    setCredentialSource(source: typeof credentialsOf) {
      credentialsOf = source;
    },

    onGrantRevoked(listener: (grantId: string) => void) {
      revokeListeners.push(listener);
    },

    async policyView() {
      const row = await db
        .selectFrom('sharing_policy')
        .selectAll()
        .where('id', '=', 1)
        .executeTakeFirst();
      return {
        ...(await policy()),
        updatedAt: row?.updated_at ?? null,
        updatedBy: row?.updated_by ?? null,
      };
    },

    async setPolicy(input: SharingPolicy, user: SessionUser, by: AuditContext) {
      const before = await policy();
      await withTransaction(db, async (t) => {
        const at = now();
        const values = {
          id: 1,
          settings: JSON.stringify(input),
          updated_at: at,
          updated_by: user.displayName,
        };
        await t
          .insertInto('sharing_policy')
          .values(values)
          .onConflict((oc) =>
            oc.column('id').doUpdateSet({
              settings: values.settings,
              updated_at: at,
              updated_by: values.updated_by,
            }),
          )
          .execute();
        await audit.appendBy(t, by, {
          action: 'sharing.policy_set',
          result: 'success',
          target: { type: 'sharing_policy', id: '1' },
          fields: (Object.keys(input) as (keyof SharingPolicy)[]).filter(
            (k) => input[k] !== before[k],
          ),
          detail: { before, after: input },
        });
      });
      return service.policyView();
    },

    /** Files a sharing request (SHR-01) after the rules that make one impossible (SHR-04, SHR-10). */
    async file(input: RequestCreate, user: SessionUser, by: AuditContext): Promise<RequestDetail> {
      const entry = await catalog.publishedEntry(input.resourceId);
      if (!entry)
        throw new AppError('not_found', 'sharing.resource_not_found', '目录中没有已发布的该资源');
      if (entry.retired) {
        throw new AppError(
          'conflict',
          'sharing.resource_retired',
          `资源“${entry.name}”已停用，不能再申请`,
        );
      }
      const c = entry.content;
      if (c.sharingType === 'none' || c.sharingType === null) {
        throw new AppError(
          'forbidden',
          'sharing.not_shared',
          `资源“${entry.name}”为不予共享资源，不能申请（依据：${c.legalBasis || '见目录'}）`,
        );
      }
      if (entry.providerUnitId === user.unitId) {
        throw new AppError('invalid', 'sharing.own_unit', '本单位的资源无需申请共享');
      }
      const consumer = await unitRow(db, user.unitId);
      if (isCityOrCounty(consumer.division_code) && isProvincial(entry.providerDivisionCode)) {
        throw new AppError(
          'forbidden',
          'sharing.city_to_province',
          '市、县级部门不能直接向省级部门申请共享数据：应通过本级政务数据共享平台向省级平台统一提出（共享管理办法第二十三条）',
        );
      }
      const items = new Map(c.dataItems.map((i) => [i.identifier, i]));
      const unknown = input.fields.filter((f) => !items.has(f));
      if (unknown.length > 0) {
        throw new AppError(
          'invalid',
          'sharing.unknown_fields',
          `“${unknown.join('、')}”不是该资源的信息项`,
          {
            errors: unknown.map((f) => ({ path: 'fields', message: `${f} 不是该资源的信息项` })),
          },
        );
      }
      if (new Set(input.fields).size !== input.fields.length) {
        throw new AppError('invalid', 'sharing.duplicate_fields', '信息项有重复');
      }
      const badModes = input.modes.filter((m) => !c.provisionModes.includes(m));
      if (badModes.length > 0) {
        throw new AppError(
          'invalid',
          'sharing.mode_not_offered',
          `该资源不提供“${badModes.map((m) => provisionModes.labels[m]).join('、')}”方式（可选：${c.provisionModes.map((m) => provisionModes.labels[m]).join('、') || '无'}）`,
        );
      }
      const pol = await policy();
      const d = today();
      if (input.periodStart < d) {
        throw new AppError('invalid', 'sharing.period_past', '使用期限的开始日期不能早于今天');
      }
      if (input.periodEnd < input.periodStart) {
        throw new AppError('invalid', 'sharing.period_order', '使用期限的结束日期早于开始日期');
      }
      const days = (Date.parse(input.periodEnd) - Date.parse(input.periodStart)) / 86_400_000 + 1;
      if (days > pol.maxPeriodDays) {
        throw new AppError(
          'invalid',
          'sharing.period_too_long',
          `使用期限 ${days} 天，超过允许的最长 ${pol.maxPeriodDays} 天`,
        );
      }
      const cal = await calendar.calendar();
      const id = uuidv7();
      await withTransaction(db, async (t) => {
        const at = now();
        const number = await nextNumber(t);
        await t
          .insertInto('sharing_requests')
          .values({
            id,
            number,
            resource_id: entry.id,
            resource_version: entry.version,
            sharing_type: c.sharingType!,
            provider_unit_id: entry.providerUnitId,
            consumer_unit_id: user.unitId,
            requester_id: user.id,
            status: 'prechecking',
            status_before_dispute: null,
            fields: JSON.stringify(input.fields),
            modes: JSON.stringify(input.modes),
            purpose: input.purpose,
            legal_basis: input.legalBasis,
            period_start: input.periodStart,
            period_end: input.periodEnd,
            contact_name: input.contactName,
            contact_phone: input.contactPhone,
            onward_requested: input.onwardSharing ? 1 : 0,
            approved_fields: null,
            approved_period_end: null,
            onward_allowed: 0,
            created_at: at,
            updated_at: at,
          })
          .execute();
        const r = { id, provider_unit_id: entry.providerUnitId, number };
        await openStep(
          t,
          cal,
          r,
          'precheck',
          { unitId: PLATFORM, permission: 'sharing.precheck' },
          pol.precheckDays,
        );
        await appendAction(t, r, 'file', null, 'prechecking', by, null, {
          fields: input.fields,
          modes: input.modes,
          purpose: input.purpose,
        });
        await notify(
          t,
          {
            unitId: PLATFORM,
            permission: 'sharing.precheck',
            scopeCode: entry.providerDivisionCode,
          },
          {
            kind: 'sharing.todo',
            title: `新的共享申请待预审：${entry.name}`,
            body: `${consumer.name}申请共享“${entry.name}”（${number}），请在 ${pol.precheckDays} 个工作日内预审`,
            link: `/sharing/requests/${id}`,
          },
        );
      });
      return detail(db, id, user);
    },

    get: (id: string, user: SessionUser) => detail(db, id, user),

    async act(
      id: string,
      input: RequestAction,
      user: SessionUser,
      by: AuditContext,
    ): Promise<RequestDetail> {
      const note = input.note?.trim() || null;
      const pol = await policy();
      const cal = await calendar.calendar();
      const r0 = await loadRequest(db, id);
      if (!canSee(user, r0)) throw new AppError('not_found', 'sharing.not_found', '共享申请不存在');
      const action: SharingAction =
        input.action === 'resolve'
          ? input.outcome === 'approve'
            ? 'resolve_approve'
            : input.outcome === 'refuse'
              ? 'resolve_refuse'
              : input.outcome === 'return'
                ? 'resolve_return'
                : (() => {
                    throw new AppError(
                      'invalid',
                      'sharing.outcome_required',
                      '协调结果须选择：予以共享、不予共享或退回提供方',
                    );
                  })()
          : input.action;
      const published = await catalog.publishedEntry(r0.resource_id);

      await withTransaction(db, async (t) => {
        const r = await loadRequest(t, id);
        // The state first: acting on a step that is not open is its own error.
        const to = sharingWorkflow.next(r.status, action);
        const notOpen =
          to === null ||
          (action === 'approve' &&
            r.status === 'prechecking' &&
            r.sharing_type === 'conditional' &&
            user.unitId === r.provider_unit_id);
        if (notOpen) {
          throw new AppError(
            'conflict',
            'sharing.step_not_open',
            `申请当前为“${requestStatusLabels[r.status]}”，不能“${sharingWorkflow.transitions[action].label}”`,
          );
        }
        const why = refusal(user, r, action);
        if (why) throw new AppError('forbidden', 'sharing.not_allowed', why);
        const needsNote: SharingAction[] = [
          'precheck_reject',
          'refuse',
          'escalate',
          'resolve_approve',
          'resolve_refuse',
          'resolve_return',
        ];
        if (needsNote.includes(action) && !note) {
          throw new AppError(
            'invalid',
            'sharing.reason_required',
            `${sharingWorkflow.transitions[action].label}须写明理由`,
            {
              errors: [{ path: 'note', message: '请填写理由' }],
            },
          );
        }
        if (
          (action === 'approve' || action === 'resolve_approve' || action === 'deliver') &&
          (!published || published.retired)
        ) {
          throw new AppError(
            'conflict',
            'sharing.resource_retired',
            '资源已停用或撤回发布，不能再授权',
          );
        }
        const at = now();
        const set: Partial<SharingRequestTable> = { status: to, updated_at: at };
        const extra: Record<string, unknown> = {};
        await closeSteps(t, id, user.id);
        const link = `/sharing/requests/${id}`;
        const scopeCode = r.provider_division_code;

        if (action === 'approve' || action === 'resolve_approve') {
          const asked = JSON.parse(r.fields) as string[];
          let fields = asked;
          let periodEnd = r.period_end;
          let onward = false;
          let masking: Record<string, string> | null = null;
          let dailyQuota: number | null = null;
          if (action === 'approve' && r.status === 'provider_review') {
            if (input.fields) {
              const extraFields = input.fields.filter((f) => !asked.includes(f));
              if (extraFields.length > 0 || input.fields.length === 0) {
                throw new AppError(
                  'invalid',
                  'sharing.fields_not_requested',
                  '批准的信息项只能从申请的信息项中选择，且至少一项',
                );
              }
              fields = input.fields;
            }
            if (input.periodEnd) {
              if (input.periodEnd > r.period_end || input.periodEnd < r.period_start) {
                throw new AppError(
                  'invalid',
                  'sharing.period_not_narrower',
                  '批准的截止日期只能提前，不能晚于申请的截止日期',
                );
              }
              periodEnd = input.periodEnd;
            }
            onward = r.onward_requested === 1 && input.allowOnward === true;
            const notGranted = Object.keys(input.masking ?? {}).filter((f) => !fields.includes(f));
            if (notGranted.length > 0) {
              throw new AppError(
                'invalid',
                'sharing.masking_field_not_granted',
                `脱敏规则只能针对批准的信息项：${notGranted.join('、')}`,
              );
            }
            masking = input.masking ?? null;
            dailyQuota = input.dailyQuota ?? null;
          }
          set.approved_fields = JSON.stringify(fields);
          set.approved_period_end = periodEnd;
          set.onward_allowed = onward ? 1 : 0;
          extra.fields = fields;
          extra.periodEnd = periodEnd;
          if (masking) extra.masking = masking;
          if (dailyQuota) extra.dailyQuota = dailyQuota;
          await t
            .insertInto('sharing_grants')
            .values({
              id: uuidv7(),
              request_id: id,
              resource_id: r.resource_id,
              provider_unit_id: r.provider_unit_id,
              consumer_unit_id: r.consumer_unit_id,
              fields: JSON.stringify(fields),
              modes: r.modes,
              purpose: r.purpose,
              valid_from: r.period_start,
              valid_until: periodEnd,
              onward_allowed: onward ? 1 : 0,
              status: 'authorized',
              authorized_at: at,
              delivered_at: null,
              revoked_at: null,
              revoked_by: null,
              revoke_reason: null,
              masking: masking ? JSON.stringify(masking) : null,
              daily_quota: dailyQuota,
            })
            .execute();
          await openStep(
            t,
            cal,
            r,
            'delivery',
            { unitId: PLATFORM, permission: 'sharing.precheck' },
            pol.deliveryDays,
          );
          await notify(
            t,
            { unitId: PLATFORM, permission: 'sharing.precheck', scopeCode },
            {
              kind: 'sharing.todo',
              title: `共享申请已批准，待交付：${r.resource_name}`,
              body: `${r.number} 已批准，请在 ${pol.deliveryDays} 个工作日内交付`,
              link,
            },
          );
        } else if (action === 'precheck_pass' || action === 'resolve_return') {
          await openStep(
            t,
            cal,
            r,
            'provider_decision',
            { unitId: r.provider_unit_id, permission: 'sharing.approve' },
            pol.providerDecisionDays,
          );
          await notify(
            t,
            { unitId: r.provider_unit_id, permission: 'sharing.approve', scopeCode },
            {
              kind: 'sharing.todo',
              title: `共享申请待审批：${r.resource_name}`,
              body: `${r.consumer_name}申请共享“${r.resource_name}”（${r.number}），请在 ${pol.providerDecisionDays} 个工作日内批准或说明理由不予共享`,
              link,
            },
          );
        } else if (action === 'deliver') {
          const updated = await t
            .updateTable('sharing_grants')
            .set({ status: 'active', delivered_at: at })
            .where('request_id', '=', id)
            .where('status', '=', 'authorized')
            .executeTakeFirst();
          if (Number(updated.numUpdatedRows) !== 1) {
            throw new AppError('conflict', 'sharing.grant_missing', '没有待交付的授权');
          }
        } else if (action === 'escalate') {
          set.status_before_dispute = r.status;
          await openStep(
            t,
            cal,
            r,
            'dispute',
            { unitId: PLATFORM, permission: 'sharing.coordinate' },
            pol.disputeDays,
          );
          await notify(
            t,
            { unitId: PLATFORM, permission: 'sharing.coordinate', scopeCode },
            {
              kind: 'sharing.todo',
              title: `共享争议待协调：${r.resource_name}`,
              body: `${r.number}：${note ?? ''}`,
              link,
            },
          );
        }
        await t
          .updateTable('sharing_requests')
          .set(set)
          .where('id', '=', id)
          .where('status', '=', r.status)
          .execute();
        await appendAction(t, r, action, r.status, to, by, note, extra);
        // The requester's unit hears of every decision on its request.
        if (action !== 'withdraw') {
          await notify(
            t,
            { unitId: r.consumer_unit_id, permission: 'sharing.request', scopeCode },
            {
              kind: 'sharing.progress',
              title: `共享申请${requestStatusLabels[to]}：${r.resource_name}`,
              body: `${r.number}：${sharingWorkflow.transitions[action].label}${note ? `（${note}）` : ''}`,
              link,
            },
          );
        }
        if (action === 'deliver' || action === 'resolve_refuse' || action === 'resolve_approve') {
          await notify(
            t,
            { unitId: r.provider_unit_id, permission: 'sharing.approve', scopeCode },
            {
              kind: 'sharing.progress',
              title: `共享申请${requestStatusLabels[to]}：${r.resource_name}`,
              body: `${r.number}：${sharingWorkflow.transitions[action].label}`,
              link,
            },
          );
        }
      });
      return detail(db, id, user);
    },

    async list(
      query: {
        queue: 'mine' | 'todo' | 'provider' | 'all';
        status?: SharingRequestStatus | undefined;
        cursor?: string | undefined;
        limit: number;
      },
      user: SessionUser,
    ): Promise<{ items: RequestSummary[]; nextCursor: string | null }> {
      let q = db
        .selectFrom('sharing_requests as q')
        .innerJoin('catalog_resources as c', 'c.id', 'q.resource_id')
        .innerJoin('units as p', 'p.id', 'q.provider_unit_id')
        .innerJoin('units as k', 'k.id', 'q.consumer_unit_id')
        .selectAll('q')
        .select([
          'c.code as resource_code',
          'c.name as resource_name',
          'p.name as provider_name',
          'k.name as consumer_name',
        ]);
      const prefix = divisionPrefix(user.unitDivisionCode);
      switch (query.queue) {
        case 'mine':
          q = q.where('q.consumer_unit_id', '=', user.unitId);
          break;
        case 'provider':
          q = q.where('q.provider_unit_id', '=', user.unitId);
          break;
        case 'todo': {
          const perms = user.permissions;
          q = q.where((eb) =>
            eb.exists(
              eb
                .selectFrom('sharing_steps as s')
                .select('s.id')
                .whereRef('s.request_id', '=', 'q.id')
                .where('s.closed_at', 'is', null)
                .where('s.assignee_permission', 'in', perms.length ? perms : ['-'])
                .where((e2) =>
                  e2.or([
                    e2('s.assignee_unit_id', '=', user.unitId),
                    e2.and([
                      e2('s.assignee_unit_id', '=', PLATFORM),
                      e2('p.division_code', 'like', `${prefix}%`),
                    ]),
                  ]),
                ),
            ),
          );
          break;
        }
        case 'all':
          if (!user.permissions.includes('sharing.supervise')) {
            throw new AppError(
              'forbidden',
              'sharing.not_supervisor',
              '只有电子监察人员可以查看全部申请',
            );
          }
          q = q.where('p.division_code', 'like', `${prefix}%`);
          break;
      }
      if (query.status) q = q.where('q.status', '=', query.status);
      if (query.cursor) {
        const key = decodeCursor(query.cursor, 2);
        if (!key) throw new AppError('invalid', 'cursor.invalid', '分页游标无效');
        const [u, i] = key as [string, string];
        q = q.where((eb) =>
          eb.or([
            eb('q.updated_at', '<', u),
            eb.and([eb('q.updated_at', '=', u), eb('q.id', '<', i)]),
          ]),
        );
      }
      const rows = await q
        .orderBy('q.updated_at', 'desc')
        .orderBy('q.id', 'desc')
        .limit(query.limit + 1)
        .execute();
      const page = rows.slice(0, query.limit);
      const cal = await calendar.calendar();
      const pol = await policy();
      const open = page.length
        ? await db
            .selectFrom('sharing_steps')
            .select(['request_id', 'due_on', 'closed_at'])
            .where(
              'request_id',
              'in',
              page.map((r) => r.id),
            )
            .where('closed_at', 'is', null)
            .where('error_report_id', 'is', null)
            .execute()
        : [];
      const last = page.at(-1);
      return {
        items: page.map((r) => {
          const s = open.find((o) => o.request_id === r.id);
          return summaryOf(
            r,
            s?.due_on ?? null,
            s ? stepState(s, cal, pol.dueSoonDays).state : null,
          );
        }),
        nextCursor:
          rows.length > query.limit && last ? encodeCursor([last.updated_at, last.id]) : null,
      };
    },

    async sheet(id: string, user: SessionUser) {
      const d = await detail(db, id, user);
      if (!d.grant) {
        throw new AppError('conflict', 'sharing.no_sheet', '申请尚未批准，还没有共享实施单');
      }
      const r = await loadRequest(db, id);
      const [consumer, provider] = await Promise.all([
        unitRow(db, r.consumer_unit_id),
        unitRow(db, r.provider_unit_id),
      ]);
      const granted = new Set(d.grant.fields.map((f) => f.identifier));
      const precheck = d.actions.find(
        (a) => a.action === 'precheck_pass' || a.action === 'approve',
      );
      return {
        number: r.number,
        requestId: id,
        consumer: { name: consumer.name, creditCode: consumer.credit_code },
        provider: { name: provider.name, creditCode: provider.credit_code },
        resource: { code: r.resource_code, name: r.resource_name, sharingType: r.sharing_type },
        fields: d.fields.filter((f) => granted.has(f.identifier)),
        modes: d.grant.modes.map((m) => ({
          code: m,
          label: provisionModes.labels[m as keyof typeof provisionModes.labels] ?? m,
        })),
        purpose: r.purpose,
        legalBasis: r.legal_basis,
        validFrom: d.grant.validFrom,
        validUntil: d.grant.validUntil,
        onwardAllowed: d.grant.onwardAllowed,
        grantId: d.grant.id,
        grantStatus: d.grant.status,
        credentials: await credentialsOf(d.grant.id),
        dates: {
          filedAt: r.created_at,
          precheckedAt: precheck?.at ?? null,
          authorizedAt: d.grant.authorizedAt,
          deliveredAt: d.grant.deliveredAt,
        },
        contact: { name: r.contact_name, phone: r.contact_phone },
      };
    },

    async grants(side: 'consumer' | 'provider', user: SessionUser): Promise<Grant[]> {
      const rows = await db
        .selectFrom('sharing_grants')
        .selectAll()
        .where(side === 'consumer' ? 'consumer_unit_id' : 'provider_unit_id', '=', user.unitId)
        .orderBy('authorized_at', 'desc')
        .limit(500)
        .execute();
      return Promise.all(rows.map((g) => toGrant(db, g)));
    },

    /**
     * Of `codes`, the resources whose provider consented, in an active grant to `unitId`, to
     * onward sharing and opening (read by the catalog's compliance check, SEC-04).
     */
    async onwardConsented(t: Tx | Db, unitId: string, codes: string[]): Promise<Set<string>> {
      const rows = await t
        .selectFrom('sharing_grants as g')
        .innerJoin('catalog_resources as c', 'c.id', 'g.resource_id')
        .select(['c.code', 'g.status', 'g.valid_until'])
        .where('g.consumer_unit_id', '=', unitId)
        .where('g.onward_allowed', '=', 1)
        .where('g.status', '=', 'active')
        .where('c.code', 'in', codes)
        .execute();
      return new Set(rows.filter((r) => today() <= r.valid_until).map((r) => r.code));
    },

    /** The grant a consumer unit holds for a resource today, for the exchange layer (SHR-09). */
    async activeGrant(grantId: string) {
      const g = await db
        .selectFrom('sharing_grants')
        .selectAll()
        .where('id', '=', grantId)
        .executeTakeFirst();
      if (!g || grantStatus(g) !== 'active') return null;
      return {
        ...g,
        fields: JSON.parse(g.fields) as string[],
        modes: JSON.parse(g.modes) as string[],
      };
    },

    async revoke(
      grantId: string,
      reason: string,
      user: SessionUser,
      by: AuditContext,
    ): Promise<Grant> {
      const g = await db
        .selectFrom('sharing_grants')
        .selectAll()
        .where('id', '=', grantId)
        .executeTakeFirst();
      if (!g) throw new AppError('not_found', 'sharing.grant_not_found', '授权不存在');
      const r = await loadRequest(db, g.request_id);
      const provider =
        user.unitId === g.provider_unit_id && user.permissions.includes('sharing.approve');
      if (!provider && !isPlatform(user, r, 'sharing.precheck')) {
        if (!canSee(user, r))
          throw new AppError('not_found', 'sharing.grant_not_found', '授权不存在');
        throw new AppError(
          'forbidden',
          'sharing.not_allowed',
          '只有提供方的共享审批员或平台管理方可以撤销授权',
        );
      }
      if (g.status === 'revoked')
        throw new AppError('conflict', 'sharing.already_revoked', '该授权已撤销');
      await withTransaction(db, async (t) => {
        const at = now();
        await t
          .updateTable('sharing_grants')
          .set({ status: 'revoked', revoked_at: at, revoked_by: user.id, revoke_reason: reason })
          .where('id', '=', grantId)
          .execute();
        await closeSteps(t, g.request_id, user.id, ['delivery']);
        await audit.appendBy(t, by, {
          action: 'sharing.grant_revoke',
          result: 'success',
          target: { type: 'sharing_grant', id: grantId, unitId: g.provider_unit_id },
          grantId,
          detail: { number: r.number, reason },
        });
        await notify(
          t,
          {
            unitId: g.consumer_unit_id,
            permission: 'sharing.request',
            scopeCode: r.provider_division_code,
          },
          {
            kind: 'sharing.revoked',
            title: `授权已撤销：${r.resource_name}`,
            body: `${r.number} 的授权已于 ${at.slice(0, 10)} 撤销：${reason}`,
            link: `/sharing/requests/${r.id}`,
          },
        );
      });
      for (const listener of revokeListeners) listener(grantId);
      const after = await db
        .selectFrom('sharing_grants')
        .selectAll()
        .where('id', '=', grantId)
        .executeTakeFirstOrThrow();
      return toGrant(db, after);
    },

    /** A consumer reports an error in shared data (SHR-08): due 1 working day after finding it. */
    async reportError(
      grantId: string,
      input: { foundOn: string; description: string; rowKeys: string[] },
      user: SessionUser,
      by: AuditContext,
    ): Promise<ErrorReport> {
      const g = await db
        .selectFrom('sharing_grants')
        .selectAll()
        .where('id', '=', grantId)
        .executeTakeFirst();
      if (!g || g.consumer_unit_id !== user.unitId) {
        throw new AppError('not_found', 'sharing.grant_not_found', '本单位没有该授权');
      }
      if (g.status === 'authorized')
        throw new AppError('conflict', 'sharing.not_delivered', '授权尚未交付，还没有可纠错的数据');
      const d = today();
      if (input.foundOn > d)
        throw new AppError('invalid', 'sharing.found_in_future', '发现日期不能晚于今天');
      const pol = await policy();
      const cal = await calendar.calendar();
      const reportDue = cal.addWorkingDays(input.foundOn, pol.errorReportDays);
      const r = await loadRequest(db, g.request_id);
      const id = uuidv7();
      await withTransaction(db, async (t) => {
        await t
          .insertInto('sharing_error_reports')
          .values({
            id,
            grant_id: grantId,
            request_id: g.request_id,
            reporter_id: user.id,
            reporter_unit_id: user.unitId,
            provider_unit_id: g.provider_unit_id,
            found_on: input.foundOn,
            report_due_on: reportDue,
            reported_at: now(),
            reported_late: d > reportDue ? 1 : 0,
            description: input.description,
            row_keys: JSON.stringify(input.rowKeys),
            status: 'open',
            answer: null,
            answered_at: null,
            answered_by: null,
          })
          .execute();
        await openStep(
          t,
          cal,
          r,
          'error_answer',
          { unitId: g.provider_unit_id, permission: 'sharing.approve' },
          pol.errorAnswerDays,
          id,
        );
        await audit.appendBy(t, by, {
          action: 'sharing.error_report',
          result: 'success',
          target: { type: 'sharing_grant', id: grantId, unitId: g.provider_unit_id },
          grantId,
          recordCount: input.rowKeys.length,
          detail: { number: r.number, foundOn: input.foundOn, late: d > reportDue },
        });
        await notify(
          t,
          {
            unitId: g.provider_unit_id,
            permission: 'sharing.approve',
            scopeCode: r.provider_division_code,
          },
          {
            kind: 'sharing.todo',
            title: `共享数据纠错待答复：${r.resource_name}`,
            body: `${r.consumer_name}报告数据错误（${r.number}），请在 ${pol.errorAnswerDays} 个工作日内答复`,
            link: `/sharing/requests/${r.id}`,
          },
        );
      });
      return (await detail(db, r.id, user)).errorReports.find((e) => e.id === id)!;
    },

    async answerError(
      reportId: string,
      answer: string,
      user: SessionUser,
      by: AuditContext,
    ): Promise<ErrorReport> {
      const e = await db
        .selectFrom('sharing_error_reports')
        .selectAll()
        .where('id', '=', reportId)
        .executeTakeFirst();
      if (!e || e.provider_unit_id !== user.unitId) {
        throw new AppError('not_found', 'sharing.error_report_not_found', '没有该数据纠错');
      }
      if (e.status === 'answered')
        throw new AppError('conflict', 'sharing.error_answered', '该纠错已答复');
      const r = await loadRequest(db, e.request_id);
      await withTransaction(db, async (t) => {
        const at = now();
        await t
          .updateTable('sharing_error_reports')
          .set({ status: 'answered', answer, answered_at: at, answered_by: user.id })
          .where('id', '=', reportId)
          .execute();
        await t
          .updateTable('sharing_steps')
          .set({ closed_at: at, closed_by: user.id })
          .where('error_report_id', '=', reportId)
          .where('closed_at', 'is', null)
          .execute();
        await audit.appendBy(t, by, {
          action: 'sharing.error_answer',
          result: 'success',
          target: { type: 'sharing_grant', id: e.grant_id, unitId: e.provider_unit_id },
          grantId: e.grant_id,
          detail: { number: r.number },
        });
        await notify(
          t,
          {
            unitId: e.reporter_unit_id,
            permission: 'sharing.request',
            scopeCode: r.provider_division_code,
          },
          {
            kind: 'sharing.progress',
            title: `数据纠错已答复：${r.resource_name}`,
            body: answer,
            link: `/sharing/requests/${r.id}`,
          },
        );
      });
      return (await detail(db, r.id, user)).errorReports.find((x) => x.id === reportId)!;
    },

    /** 电子监察 (SHR-06): open steps by due date, counts by status and per unit. */
    async supervision(user?: SessionUser): Promise<Supervision> {
      const cal = await calendar.calendar();
      const pol = await policy();
      // A supervisor sees the requests whose provider lies within its division.
      const prefix = user ? divisionPrefix(user.unitDivisionCode) : '';
      const counts = await db
        .selectFrom('sharing_requests as q')
        .innerJoin('units as p', 'p.id', 'q.provider_unit_id')
        .select(['q.status', (eb) => eb.fn.countAll<number>().as('n')])
        .where('p.division_code', 'like', `${prefix}%`)
        .groupBy('q.status')
        .execute();
      const steps = await db
        .selectFrom('sharing_steps as s')
        .innerJoin('sharing_requests as q', 'q.id', 's.request_id')
        .innerJoin('catalog_resources as c', 'c.id', 'q.resource_id')
        .innerJoin('units as k', 'k.id', 'q.consumer_unit_id')
        .innerJoin('units as p', 'p.id', 'q.provider_unit_id')
        .selectAll('s')
        .select(['q.number', 'c.name as resource_name', 'k.name as consumer_name'])
        .where('s.closed_at', 'is', null)
        .where('p.division_code', 'like', `${prefix}%`)
        .orderBy('s.due_on')
        .limit(1000)
        .execute();
      const late = await db
        .selectFrom('sharing_steps as s')
        .innerJoin('sharing_requests as q', 'q.id', 's.request_id')
        .innerJoin('units as p', 'p.id', 'q.provider_unit_id')
        .select(['s.assignee_unit_id', (eb) => eb.fn.countAll<number>().as('n')])
        .where('s.closed_at', 'is not', null)
        .where(sql<boolean>`substr(s.closed_at, 1, 10) > s.due_on`)
        .where('p.division_code', 'like', `${prefix}%`)
        .groupBy('s.assignee_unit_id')
        .execute();
      const names = new Map<string, string>();
      for (const id of new Set([
        ...steps.map((s) => s.assignee_unit_id),
        ...late.map((l) => l.assignee_unit_id),
      ])) {
        names.set(id, await unitName(db, id));
      }
      const openSteps = steps.map((s) => {
        const st = stepState(s, cal, pol.dueSoonDays);
        return {
          id: Number(s.id),
          kind: s.kind,
          label: stepLabels[s.kind],
          assigneeUnitId: s.assignee_unit_id,
          assigneeUnitName: names.get(s.assignee_unit_id) ?? s.assignee_unit_id,
          openedAt: s.opened_at,
          dueOn: s.due_on,
          workingDays: s.working_days,
          closedAt: null,
          state: st.state,
          workingDaysLeft: st.left,
          requestId: s.request_id,
          requestNumber: s.number,
          resourceName: s.resource_name,
          consumerName: s.consumer_name,
        };
      });
      const perUnit = new Map<string, Supervision['perUnit'][number]>();
      const unit = (id: string) => {
        let u = perUnit.get(id);
        if (!u) {
          u = {
            unitId: id,
            unitName: names.get(id) ?? id,
            open: 0,
            dueSoon: 0,
            overdue: 0,
            closedLate: 0,
          };
          perUnit.set(id, u);
        }
        return u;
      };
      for (const s of openSteps) {
        const u = unit(s.assigneeUnitId);
        u.open++;
        if (s.state === 'due_soon') u.dueSoon++;
        if (s.state === 'overdue') u.overdue++;
      }
      for (const l of late) unit(l.assignee_unit_id).closedLate += Number(l.n);
      return {
        today: today(),
        counts: counts.map((c) => ({
          status: c.status,
          label: requestStatusLabels[c.status],
          count: Number(c.n),
        })),
        openSteps,
        perUnit: [...perUnit.values()].sort((a, b) => b.overdue - a.overdue || b.open - a.open),
      };
    },

    /**
     * The scheduled sweep: notifies once when a step comes due soon and once when it is
     * overdue (to the assignee and the platform's supervisors). Safe to run on every instance.
     */
    async sweep(): Promise<{ dueSoon: number; overdue: number }> {
      const cal = await calendar.calendar();
      const pol = await policy();
      const open = await db
        .selectFrom('sharing_steps as s')
        .innerJoin('sharing_requests as q', 'q.id', 's.request_id')
        .innerJoin('units as p', 'p.id', 'q.provider_unit_id')
        .selectAll('s')
        .select(['q.number', 'p.division_code'])
        .where('s.closed_at', 'is', null)
        .where((eb) => eb.or([eb('s.overdue_notified', '=', 0), eb('s.due_soon_notified', '=', 0)]))
        .execute();
      let dueSoon = 0;
      let overdue = 0;
      for (const s of open) {
        const { state } = stepState(s, cal, pol.dueSoonDays);
        const kind =
          state === 'overdue' && !s.overdue_notified
            ? 'overdue'
            : state === 'due_soon' && !s.due_soon_notified
              ? 'due_soon'
              : null;
        if (!kind) continue;
        await withTransaction(db, async (t) => {
          const marked = await t
            .updateTable('sharing_steps')
            .set(
              kind === 'overdue'
                ? { overdue_notified: 1, due_soon_notified: 1 }
                : { due_soon_notified: 1 },
            )
            .where('id', '=', s.id)
            .where(kind === 'overdue' ? 'overdue_notified' : 'due_soon_notified', '=', 0)
            .executeTakeFirst();
          if (Number(marked.numUpdatedRows) !== 1) return; // another instance did it
          const message = {
            kind: `sharing.${kind}`,
            title: `${stepLabels[s.kind]}${kind === 'overdue' ? '已超期' : '即将到期'}：${s.number}`,
            body: `办理期限 ${s.due_on}（${s.working_days} 个工作日）`,
            link: `/sharing/requests/${s.request_id}`,
          };
          await notify(
            t,
            {
              unitId: s.assignee_unit_id,
              permission: s.assignee_permission as Permission,
              scopeCode: s.division_code,
            },
            message,
          );
          if (kind === 'overdue') {
            await notify(
              t,
              { unitId: PLATFORM, permission: 'sharing.supervise', scopeCode: s.division_code },
              message,
            );
          }
        });
        if (kind === 'overdue') overdue++;
        else dueSoon++;
      }
      return { dueSoon, overdue };
    },

    async notifications(user: SessionUser, unreadOnly: boolean) {
      let q = db.selectFrom('notifications').selectAll().where('user_id', '=', user.id);
      if (unreadOnly) q = q.where('read_at', 'is', null);
      const rows = await q.orderBy('id', 'desc').limit(100).execute();
      const { n } = await db
        .selectFrom('notifications')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('user_id', '=', user.id)
        .where('read_at', 'is', null)
        .executeTakeFirstOrThrow();
      return {
        items: rows.map((r) => ({
          id: Number(r.id),
          kind: r.kind,
          title: r.title,
          body: r.body,
          link: r.link,
          createdAt: r.created_at,
          readAt: r.read_at,
        })),
        unread: Number(n),
      };
    },

    async markRead(user: SessionUser, id: number | null) {
      let q = db
        .updateTable('notifications')
        .set({ read_at: now() })
        .where('user_id', '=', user.id)
        .where('read_at', 'is', null);
      if (id !== null) q = q.where('id', '=', id);
      await q.execute();
    },
  };
  return service;
}

export type SharingService = ReturnType<typeof createSharingService>;
