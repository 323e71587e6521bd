/**
 * The veterans' benefit registry (优抚对象信息管理, REG-01 … REG-13, SEC-02).
 *
 * A record is entered at township or county level, re-checked item by item and reported by
 * the county, reviewed by the city and approved by the province, which issues the certificate
 * number by its rule. Each of those steps, and every later change (变更、迁移、暂停、恢复、
 * 注销), is a request whose status is what its append-only action log leads to; an approved
 * record is written only by an approved request, through the versioned data layer.
 *
 * Every write passes three gates before it touches anything, in one transaction: the province
 * lock (REG-10), the caller's scope and turn, and the screening of free text for military unit
 * designations and classified records (REG-08, SEC-02).
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { sql, type Expression, type SqlBool } from 'kysely';
import type { RegistryRecordTable, RegistryRequestTable } from '../../db/tables/registry.ts';
import { withTransaction, type Tx } from '../../db/transaction.ts';
import { insertVersioned, updateVersioned, type ChangeMeta } from '../../db/versioned.ts';
import { decodeCursor, encodeCursor } from '../../lib/cursor.ts';
import { divisionLevel } from '../../lib/divisions/codes.ts';
import { maskCitizenId, parseCitizenId } from '../../lib/ids/citizen-id.ts';
import { uuidv7 } from '../../lib/uuid.ts';
import type { AppContext } from '../../server/context.ts';
import { AppError, type FieldError } from '../../server/errors.ts';
import type { AuditContext, AuditService } from '../audit/service.ts';
import type { CalendarService } from '../calendar/service.ts';
import type { ComplianceFinding } from '../catalog/schemas.ts';
import type { EntryContent } from '../catalog/elements.ts';
import type { CatalogService } from '../catalog/service.ts';
import type { SessionUser } from '../iam/auth.ts';
import { scannerCommand } from '../data/scan.ts';
import { checkDuties, type DutyEvent } from '../iam/duties.ts';
import type { Permission } from '../iam/permissions.ts';
import { divisionPrefix } from '../iam/scope.ts';
import { attachmentKinds, checkAttachment, type AttachmentKind } from './attachments.ts';
import {
  formatCertificateNumber,
  parseCertificateRule,
  ruleCollisionProblem,
  sequenceScope,
} from './certificate-rule.ts';
import {
  checkFieldsOf,
  detectProblems,
  fieldLabels,
  idCheck,
  isAttachmentKind,
  materialsComplete,
  parseBenefit,
  personKey,
  problemKinds,
  recordFindings,
  type ProblemKind,
} from './checks.ts';
import { writeListXlsx } from './export.ts';
import { readImportFile, type ImportRow } from './import-file.ts';
import { computeQuality } from './quality.ts';
import {
  type Benefit,
  RecordFields,
  benefitLabels,
  type ActionEntry,
  type Attachment,
  type Category,
  type CertificateRuleSet,
  type DeadlineBody,
  type Finding,
  type LockState,
  type Problem,
  type Queue,
  type QueueQuery,
  type RecordDetail,
  type RecordListQuery,
  type RecordSummary,
  type RecordUpdate,
  type RequestActionBody,
  type RequestCreate,
  type RequestDetail,
  type RequestKind,
  type RequestStatus,
  type RequestSummary,
  type RequestUpdate,
} from './schemas.ts';
import { screenFields } from './screening.ts';
import {
  kindAllowed,
  recordStatusLabels,
  recordWorkflow,
  registryDutyRoles,
  requestKindLabels,
  requestNoPrefix,
  requestStatusLabels,
  requestWorkflow,
  stageLevel,
  type RecordAction,
  type RequestAction,
} from './workflow.ts';

type Db = AppContext['db'];
type Q = Tx | Db;
type RecordRow = RegistryRecordTable;
type RequestRow = RegistryRequestTable;

export type Level = 'province' | 'city' | 'county' | 'township';
export interface Reach {
  level: Level;
  code: string;
  prefix: string;
}

const levelNames: Record<Level, string> = {
  province: '省级',
  city: '市级',
  county: '县级',
  township: '乡镇（街道）',
};

/** Where a caller's unit sits and what it reaches (township → itself, province → all). */
export function reachOf(user: SessionUser): Reach {
  const code = user.unitDivisionCode;
  const level = divisionLevel(code);
  return {
    level: level === 'village' ? 'township' : (level ?? 'county'),
    code,
    prefix: divisionPrefix(code),
  };
}

/** The Asia/Shanghai calendar date and time of an instant. */
const shanghai = (iso: string) => new Date(Date.parse(iso) + 8 * 3600_000).toISOString();
const shanghaiDate = (iso: string) => shanghai(iso).slice(0, 10);
const shanghaiMinute = (iso: string) => shanghai(iso).slice(0, 16).replace('T', ' ');

const sm3 = (bytes: Buffer) => createHash('sm3').update(bytes).digest('hex');

/** Settings kept under registry_settings. */
interface RuleSetting {
  rules: { category: string; template: string }[];
  prefix: string;
}
interface DeadlineSetting {
  year: number;
  deadline: string;
  completionWorkingDays: number;
}

/** Which permission each stage needs, and which level holds it. */
const stagePermission: Partial<Record<RequestStatus, Permission>> = {
  pending_check: 'registry.check',
  pending_review: 'registry.review',
  pending_approval: 'registry.approve',
};

const enterLevels: readonly Level[] = ['township', 'county'];

/** Free-text fields of a record, as screened (REG-08). */
function recordTexts(f: {
  name?: string | null | undefined;
  ethnicity?: string | null | undefined;
  address?: string | null | undefined;
  benefit?: Benefit | undefined;
}): Record<string, string | null | undefined> {
  return {
    name: f.name,
    ethnicity: f.ethnicity,
    address: f.address,
    'benefit.deceasedName': f.benefit?.deceasedName,
    'benefit.note': f.benefit?.note,
  };
}

const labelOf = (field: string) =>
  fieldLabels[field] ??
  {
    reason: '原因',
    note: '意见',
    verifiedBy: '核验人',
    fileName: '文件名',
    location: '存放位置',
    categoryName: '类别名称',
    certificateName: '证件名称',
  }[field] ??
  field;

/**
 * Refuses text that names a military unit or records classified participation (REG-08): the
 * message says which field, what was found and why. Nothing is stored.
 */
export function screenOrThrow(fields: Record<string, string | null | undefined>): void {
  const hits = screenFields(fields);
  if (hits.length === 0) return;
  const errors: FieldError[] = hits.flatMap((h) =>
    h.findings.map((f) => ({ path: h.field, message: f.reason })),
  );
  const first = hits[0]!;
  throw new AppError(
    'invalid',
    'registry.screening',
    `“${labelOf(first.field)}”中有不得录入的内容：${first.findings[0]!.reason}`,
    { errors },
  );
}

/**
 * Approval refused because a possible duplicate waits for a person's look (REG-07 duplicate
 * check): the flag must outlive the refused transaction, so the service writes it afterwards.
 */
class SuspectedDuplicate extends AppError {
  constructor(
    readonly recordId: string,
    readonly personKey: string,
    detail: string,
  ) {
    super('conflict', 'registry.duplicate_unresolved', detail);
  }
}

function cleanBenefit(benefit: Benefit | undefined): Benefit {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(benefit ?? {})) {
    if (v !== null && v !== undefined && v !== '') out[k] = v;
  }
  return out;
}

/** The columns of a record from what was entered; a valid ID fills sex and birth date. */
function columnsOf(input: RecordFields) {
  const id = idCheck(input.idNumber);
  let sex = input.sex ?? null;
  let birth = input.birthDate ?? null;
  if (id.valid) {
    const parsed = parseCitizenId(id.id18);
    if (parsed.ok) {
      sex ??= parsed.value.sex === 'male' ? '男' : '女';
      birth ??= parsed.value.birthDate;
    }
  }
  const d = input.divisionCode;
  return {
    name: input.name.trim(),
    id_number: id.id18,
    id_valid: id.valid ? 1 : 0,
    id_problem: id.problem,
    sex,
    birth_date: birth,
    ethnicity: input.ethnicity ?? null,
    division_code: d,
    province_code: `${d.slice(0, 2)}0000`,
    city_code: `${d.slice(0, 4)}00`,
    county_code: d.slice(0, 6),
    address: input.address ?? null,
    phone: input.phone ?? null,
    category_code: input.categoryCode,
    benefit: JSON.stringify(cleanBenefit(input.benefit)),
    person_key: personKey(input.name, birth, d),
  };
}

/** The record's fields in the API's shape (for merging a change into them). */
function fieldsOf(r: RecordRow): RecordFields {
  return {
    name: r.name,
    idNumber: r.id_number,
    sex: (r.sex as RecordFields['sex']) ?? null,
    birthDate: r.birth_date,
    ethnicity: r.ethnicity,
    divisionCode: r.division_code,
    address: r.address,
    phone: r.phone,
    categoryCode: r.category_code,
    benefit: parseBenefit(r.benefit),
  };
}

function categoryOf(row: {
  code: string;
  name: string;
  certificate_name: string;
  required_benefit: string;
  forbidden_benefit: string;
  active: number;
  sort: number;
}): Category {
  return {
    code: row.code,
    name: row.name,
    certificateName: row.certificate_name,
    requiredBenefit: JSON.parse(row.required_benefit) as Category['requiredBenefit'],
    forbiddenBenefit: JSON.parse(row.forbidden_benefit) as Category['forbiddenBenefit'],
    active: row.active === 1,
    sort: row.sort,
  };
}

export interface RegistryDeps {
  audit: AuditService;
  calendar: CalendarService;
  catalog: CatalogService;
  isDivisionCode: (code: string) => boolean;
}

interface Actor {
  id: string;
  name: string;
  unitId: string;
  unitName: string;
}
const actorOf = (user: SessionUser): Actor => ({
  id: user.id,
  name: user.displayName,
  unitId: user.unitId,
  unitName: user.unitName,
});

export function createRegistryService(ctx: AppContext, deps: RegistryDeps) {
  const { db, engine } = ctx;
  const { audit, calendar, catalog } = deps;
  const now = () => ctx.clock.now().toISOString();

  // ---- gates ----

  /**
   * The one lock check every write path calls first (REG-10). On PostgreSQL writers share the
   * row while locking takes it exclusively, so no change slips in while the lock is set.
   */
  async function assertUnlocked(tx: Tx): Promise<void> {
    const row = await tx
      .selectFrom('registry_lock')
      .selectAll()
      .where('id', '=', 1)
      .$if(engine === 'postgres', (q) => q.forShare())
      .executeTakeFirst();
    if (row && row.locked === 1) {
      throw new AppError(
        'locked',
        'registry.locked',
        `全省优抚数据已锁定（${row.locked_by_name ?? '省级民政部门'}于 ${row.locked_at ? shanghaiMinute(row.locked_at) : ''} 锁定，原因：${row.reason ?? '民政部集中审定'}），锁定期间不能修改任何数据，请待解锁后再办理`,
      );
    }
  }

  function outOfScope(): AppError {
    return new AppError(
      'forbidden',
      'registry.out_of_scope',
      '该记录不在您所在单位的管辖范围内（乡镇、县级只能办理本辖区，市级为所辖县区，省级为全省）',
    );
  }

  function assertReach(user: SessionUser, divisionCode: string): Reach {
    const reach = reachOf(user);
    if (!divisionCode.startsWith(reach.prefix)) throw outOfScope();
    return reach;
  }

  function assertLevel(reach: Reach, levels: readonly Level[], what: string) {
    if (!levels.includes(reach.level)) {
      throw new AppError(
        'forbidden',
        'registry.wrong_level',
        `${what}由${levels.map((l) => levelNames[l]).join('或')}民政部门办理，您所在单位为${levelNames[reach.level]}`,
      );
    }
  }

  function assertPermission(user: SessionUser, permission: Permission, what: string) {
    if (!user.permissions.includes(permission)) {
      throw new AppError('forbidden', 'registry.not_permitted', `您没有“${what}”的权限`);
    }
  }

  /** A name column compared in code-point order (PostgreSQL's locale may order CJK otherwise). */
  const nameRef = (column: 'r.name' | 'q.person_name') =>
    engine === 'postgres'
      ? sql<string>`${sql.ref(column)} collate "C"`
      : sql<string>`${sql.ref(column)}`;

  /** A SQL condition that keeps rows within the caller's reach (applied in the query). */
  function scopeCondition(reach: Reach, alias: string): Expression<SqlBool> {
    const col = (c: string) => sql.ref(`${alias}.${c}`);
    switch (reach.level) {
      case 'province':
        return sql<SqlBool>`${col('province_code')} = ${reach.code}`;
      case 'city':
        return sql<SqlBool>`${col('city_code')} = ${reach.code}`;
      case 'county':
        return sql<SqlBool>`${col('county_code')} = ${reach.code}`;
      case 'township':
        return sql<SqlBool>`${col('division_code')} like ${`${reach.prefix}%`}`;
    }
  }

  /** A division filter of a list, which must lie within the caller's reach. */
  function divisionCondition(reach: Reach, code: string, alias: string): Expression<SqlBool> {
    if (!code.startsWith(reach.prefix) && !reach.prefix.startsWith(divisionPrefix(code))) {
      throw outOfScope();
    }
    if (reach.prefix.startsWith(divisionPrefix(code))) return scopeCondition(reach, alias);
    const col = (c: string) => sql.ref(`${alias}.${c}`);
    const level = divisionLevel(code);
    if (level === 'city') return sql<SqlBool>`${col('city_code')} = ${code}`;
    if (level === 'county') return sql<SqlBool>`${col('county_code')} = ${code}`;
    return sql<SqlBool>`${col('division_code')} like ${`${divisionPrefix(code)}%`}`;
  }

  // ---- reference data ----

  async function loadCategories(t: Q): Promise<Map<string, Category>> {
    const rows = await t.selectFrom('registry_categories').selectAll().orderBy('sort').execute();
    return new Map(rows.map((r) => [r.code, categoryOf(r)]));
  }

  async function setting<T>(t: Q, key: string): Promise<T | null> {
    const row = await t
      .selectFrom('registry_settings')
      .select('value')
      .where('key', '=', key)
      .executeTakeFirst();
    return row ? (JSON.parse(row.value) as T) : null;
  }

  async function putSetting(tx: Tx, key: string, value: unknown, user: SessionUser | null) {
    const at = now();
    await tx
      .insertInto('registry_settings')
      .values({
        key,
        value: JSON.stringify(value),
        updated_at: at,
        updated_by: user?.id ?? null,
        updated_by_name: user?.displayName ?? null,
      })
      .onConflict((oc) =>
        oc.column('key').doUpdateSet({
          value: JSON.stringify(value),
          updated_at: at,
          updated_by: user?.id ?? null,
          updated_by_name: user?.displayName ?? null,
        }),
      )
      .execute();
  }

  const divisionNameCache = new Map<string, string>();
  /** Names of divisions (reference data of the org module), with the county's for 9-digit codes. */
  async function divisionNames(t: Q, codes: Iterable<string>): Promise<Map<string, string>> {
    const wanted = new Set<string>();
    for (const c of codes) {
      wanted.add(c);
      if (c.length > 6) wanted.add(c.slice(0, 6));
    }
    const missing = [...wanted].filter((c) => !divisionNameCache.has(c));
    for (let i = 0; i < missing.length; i += 500) {
      const rows = await t
        .selectFrom('divisions')
        .select(['code', 'name'])
        .where('code', 'in', missing.slice(i, i + 500))
        .execute();
      for (const r of rows) divisionNameCache.set(r.code, r.name);
    }
    const out = new Map<string, string>();
    for (const c of wanted) {
      const own = divisionNameCache.get(c);
      const county = c.length > 6 ? divisionNameCache.get(c.slice(0, 6)) : undefined;
      out.set(c, own ? (county && c.length > 6 ? `${county}${own}` : own) : (county ?? c));
    }
    return out;
  }

  async function unitNames(t: Q, ids: Iterable<string>): Promise<Map<string, string>> {
    const list = [...new Set(ids)];
    if (list.length === 0) return new Map();
    const rows = await t
      .selectFrom('units')
      .select(['id', 'name'])
      .where('id', 'in', list)
      .execute();
    return new Map(rows.map((r) => [r.id, r.name]));
  }

  // ---- counters, actions ----

  /** The next value of a named counter, atomic on both engines; values are never reused. */
  async function nextCounter(tx: Tx, name: string): Promise<number> {
    const bump = () =>
      tx
        .updateTable('registry_counters')
        .set((eb) => ({ next_value: eb('next_value', '+', 1) }))
        .where('name', '=', name)
        .returning('next_value')
        .executeTakeFirst();
    let row = await bump();
    if (!row) {
      // A new counter; if another transaction created it first, count on from there.
      const created = await tx
        .insertInto('registry_counters')
        .values({ name, next_value: 2 })
        .onConflict((oc) => oc.column('name').doNothing())
        .returning('next_value')
        .executeTakeFirst();
      if (created) return 1;
      row = await bump();
    }
    return row!.next_value - 1;
  }

  async function logAction(
    tx: Tx,
    a: {
      recordId: string;
      requestId: string | null;
      action: string;
      from: string | null;
      to: string | null;
      actor: Actor;
      at: string;
      note?: string | null;
      detail?: Record<string, unknown> | null;
    },
  ): Promise<number> {
    const row = await tx
      .insertInto('registry_actions')
      .values({
        record_id: a.recordId,
        request_id: a.requestId,
        action: a.action,
        from_status: a.from,
        to_status: a.to,
        actor_id: a.actor.id,
        actor_name: a.actor.name,
        actor_unit_id: a.actor.unitId,
        actor_unit_name: a.actor.unitName,
        at: a.at,
        note: a.note ?? null,
        detail: a.detail ? JSON.stringify(a.detail) : null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return Number(row.id);
  }

  const meta = (
    user: SessionUser | Actor,
    at: string,
    method: ChangeMeta['method'],
    reason: string | null = null,
    approvalRef: string | null = null,
  ): ChangeMeta => ({
    by: { id: user.id, name: 'displayName' in user ? user.displayName : user.name },
    at,
    method,
    reason,
    approvalRef,
  });

  /**
   * A new record as a draft with the next record number of its county, its first version
   * and its `enter` action; used by form entry and by imports.
   */
  async function insertDraftRecord(
    tx: Tx,
    cols: ReturnType<typeof columnsOf>,
    user: SessionUser,
    at: string,
    options: {
      historical?: boolean;
      how: ReturnType<typeof meta>;
      detail?: Record<string, unknown>;
    },
  ): Promise<RecordRow> {
    const seq = await nextCounter(tx, `record:${cols.county_code}`);
    const row: RecordRow = {
      id: uuidv7(),
      version: 1,
      record_no: `YF${cols.county_code}${String(seq).padStart(7, '0')}`,
      status: 'draft',
      ...cols,
      id_number_key: cols.id_number,
      id_verified_by: null,
      id_verified_note: null,
      id_verified_by_user: null,
      id_verified_by_user_name: null,
      id_verified_at: null,
      certificate_no: null,
      certificate_issued_at: null,
      materials_complete: 0,
      open_problems: 0,
      open_request_id: null,
      open_request_kind: null,
      open_request_status: null,
      historical: options.historical ? 1 : 0,
      unit_id: user.unitId,
      created_by: user.id,
      created_at: at,
      updated_at: at,
      approved_at: null,
    };
    await insertVersioned(tx, 'registry_records', { ...row, version: 1 }, options.how);
    await logAction(tx, {
      recordId: row.id,
      requestId: null,
      action: 'enter',
      from: null,
      to: 'draft',
      actor: actorOf(user),
      at,
      ...(options.detail ? { detail: options.detail } : {}),
    });
    return row;
  }

  // ---- loading ----

  async function loadRecord(t: Q, id: string): Promise<RecordRow> {
    const row = await t
      .selectFrom('registry_records')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw new AppError('not_found', 'registry.record_not_found', '优抚对象记录不存在');
    return row;
  }

  async function loadRequest(t: Q, id: string): Promise<RequestRow> {
    const row = await t
      .selectFrom('registry_requests')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw new AppError('not_found', 'registry.request_not_found', '申请不存在');
    return row;
  }

  async function attachmentKindsOf(t: Q, recordId: string): Promise<Set<string>> {
    const rows = await t
      .selectFrom('registry_attachments')
      .select('kind')
      .where('record_id', '=', recordId)
      .execute();
    return new Set(rows.map((r) => r.kind));
  }

  async function findingsOf(t: Q, r: RecordRow, categories?: Map<string, Category>) {
    const cats = categories ?? (await loadCategories(t));
    return recordFindings(r, cats.get(r.category_code), await attachmentKindsOf(t, r.id));
  }

  /** Keeps the list helper columns in step (not business data, so not versioned). */
  async function refreshFlags(tx: Tx, recordId: string): Promise<void> {
    const r = await loadRecord(tx, recordId);
    const findings = await findingsOf(tx, r);
    const open = await tx
      .selectFrom('registry_problems')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('record_id', '=', recordId)
      .where('status', '=', 'open')
      .executeTakeFirstOrThrow();
    await tx
      .updateTable('registry_records')
      .set({
        materials_complete: materialsComplete(findings) ? 1 : 0,
        open_problems: Number(open.n),
      })
      .where('id', '=', recordId)
      .execute();
  }

  async function setOpenRequest(tx: Tx, recordId: string, q: RequestRow | null, at: string) {
    const open = q && q.status !== 'approved' && q.status !== 'withdrawn' ? q : null;
    await tx
      .updateTable('registry_records')
      .set({
        open_request_id: open?.id ?? null,
        open_request_kind: open?.kind ?? null,
        open_request_status: open?.status ?? null,
        updated_at: at,
      })
      .where('id', '=', recordId)
      .execute();
  }

  // ---- duplicates ----

  /** The same ID number anywhere in the province is a hard stop. */
  async function assertNoDuplicateId(t: Q, idNumber: string, exceptRecordId: string | null) {
    let q = t
      .selectFrom('registry_records')
      .select(['id', 'record_no', 'county_code', 'status'])
      .where('id_number_key', '=', idNumber);
    if (exceptRecordId) q = q.where('id', '!=', exceptRecordId);
    const other = await q.executeTakeFirst();
    if (other) {
      const names = await divisionNames(t, [other.county_code]);
      throw new AppError(
        'conflict',
        'registry.duplicate_id',
        `公民身份号码 ${maskCitizenId(idNumber)} 已在${names.get(other.county_code) ?? other.county_code}登记（记录编号 ${other.record_no}，${recordStatusLabels[other.status]}），同一人不能重复登记`,
        { errors: [{ path: 'idNumber', message: '全省已有相同身份证号码的记录' }] },
      );
    }
  }

  /** Live records with the same name, birth date and county: for a person to look at. */
  async function suspectsOf(t: Q, r: Pick<RecordRow, 'id' | 'person_key'>) {
    return t
      .selectFrom('registry_records')
      .select(['id', 'record_no'])
      .where('person_key', '=', r.person_key)
      .where('id', '!=', r.id)
      .where('status', '!=', 'discarded')
      .execute();
  }

  /**
   * Flags possible duplicates of a record as problem data (REG-11); numbers a person already
   * looked at (a cleared flag) are not flagged again. Returns the open flag, if any.
   */
  async function flagSuspects(
    tx: Tx,
    r: RecordRow,
    at: string,
  ): Promise<{ fresh: string[]; openDetail: string | null }> {
    const suspects = await suspectsOf(tx, r);
    const previous = await tx
      .selectFrom('registry_problems')
      .select(['id', 'status', 'detail'])
      .where('record_id', '=', r.id)
      .where('kind', '=', 'duplicate_suspect')
      .execute();
    const reviewed = new Set(
      previous.filter((p) => p.status !== 'open').flatMap((p) => p.detail.match(/YF\d+/g) ?? []),
    );
    const fresh = suspects.map((s) => s.record_no).filter((n) => !reviewed.has(n));
    const open = previous.find((p) => p.status === 'open');
    if (fresh.length === 0) {
      if (open) {
        await tx
          .updateTable('registry_problems')
          .set({
            status: 'corrected',
            open_key: null,
            resolved_at: at,
            resolved_by: null,
            resolved_by_name: '系统复查',
            resolution_note: '复查已无姓名、出生日期、所在县相同的其他记录',
          })
          .where('id', '=', open.id)
          .execute();
      }
      return { fresh: [], openDetail: null };
    }
    const detail = `与 ${fresh.join('、')} 的姓名、出生日期、所在县相同，请核对是否为同一人`;
    if (open) {
      await tx.updateTable('registry_problems').set({ detail }).where('id', '=', open.id).execute();
    } else {
      await tx
        .insertInto('registry_problems')
        .values({
          id: uuidv7(),
          record_id: r.id,
          province_code: r.province_code,
          city_code: r.city_code,
          county_code: r.county_code,
          kind: 'duplicate_suspect',
          detail,
          status: 'open',
          open_key: `${r.id}|duplicate_suspect`,
          detected_at: at,
          resolved_at: null,
          resolved_by: null,
          resolved_by_name: null,
          resolution_note: null,
        })
        .execute();
    }
    return { fresh, openDetail: detail };
  }

  // ---- views ----

  async function attachmentsOf(t: Q, recordId: string): Promise<Attachment[]> {
    const rows = await t
      .selectFrom('registry_attachments')
      .select([
        'id',
        'kind',
        'file_name',
        'byte_size',
        'width',
        'height',
        'sm3',
        'request_id',
        'uploaded_at',
        'uploaded_by_name',
      ])
      .where('record_id', '=', recordId)
      .orderBy('uploaded_at')
      .execute();
    return rows.map((a) => ({
      id: a.id,
      kind: a.kind,
      kindLabel: isAttachmentKind(a.kind) ? attachmentKinds[a.kind].name : a.kind,
      fileName: a.file_name,
      byteSize: a.byte_size,
      width: a.width,
      height: a.height,
      sm3: a.sm3,
      requestId: a.request_id,
      uploadedAt: a.uploaded_at,
      uploadedByName: a.uploaded_by_name,
    }));
  }

  async function problemViews(
    t: Q,
    rows: {
      id: string;
      record_id: string;
      county_code: string;
      kind: string;
      detail: string;
      status: 'open' | 'cleared' | 'corrected';
      detected_at: string;
      resolved_at: string | null;
      resolved_by_name: string | null;
      resolution_note: string | null;
      record_no: string;
      name: string;
    }[],
  ): Promise<Problem[]> {
    const names = await divisionNames(
      t,
      rows.map((p) => p.county_code),
    );
    return rows.map((p) => ({
      id: p.id,
      recordId: p.record_id,
      recordNo: p.record_no,
      personName: p.name,
      countyCode: p.county_code,
      countyName: names.get(p.county_code) ?? p.county_code,
      kind: p.kind,
      kindLabel: problemKinds[p.kind as ProblemKind] ?? p.kind,
      detail: p.detail,
      status: p.status,
      detectedAt: p.detected_at,
      resolvedAt: p.resolved_at,
      resolvedByName: p.resolved_by_name,
      resolutionNote: p.resolution_note,
    }));
  }

  const problemQuery = (t: Q) =>
    t
      .selectFrom('registry_problems as p')
      .innerJoin('registry_records as r', 'r.id', 'p.record_id')
      .select([
        'p.id',
        'p.record_id',
        'p.county_code',
        'p.kind',
        'p.detail',
        'p.status',
        'p.detected_at',
        'p.resolved_at',
        'p.resolved_by_name',
        'p.resolution_note',
        'r.record_no',
        'r.name',
      ]);

  async function isLocked(t: Q): Promise<boolean> {
    const row = await t
      .selectFrom('registry_lock')
      .select('locked')
      .where('id', '=', 1)
      .executeTakeFirst();
    return row?.locked === 1;
  }

  async function recordDetailIn(t: Q, id: string, user: SessionUser): Promise<RecordDetail> {
    const r = await loadRecord(t, id);
    const reach = assertReach(user, r.division_code);
    const categories = await loadCategories(t);
    const category = categories.get(r.category_code);
    const findings = await findingsOf(t, r, categories);
    const open = r.open_request_id ? await loadRequest(t, r.open_request_id) : null;
    const names = await divisionNames(t, [r.division_code]);
    const units = await unitNames(t, [r.unit_id]);
    const problems = await problemViews(
      t,
      await problemQuery(t)
        .where('p.record_id', '=', id)
        .orderBy('p.detected_at', 'desc')
        .execute(),
    );
    const locked = await isLocked(t);
    const allowed: string[] = [];
    const enterer =
      user.permissions.includes('registry.enter') && enterLevels.includes(reach.level);
    const checker = user.permissions.includes('registry.check') && reach.level === 'county';
    if (!locked) {
      const editable = open && (open.status === 'draft' || open.status === 'returned');
      if (enterer && editable && open.kind === 'register')
        allowed.push('edit', 'upload', 'discard');
      if (enterer && editable && open.kind !== 'register') allowed.push('upload');
      if (enterer && editable) allowed.push('submit');
      if (
        (enterer || checker) &&
        !r.id_valid &&
        !r.id_verified_at &&
        open &&
        ['draft', 'returned', 'pending_check'].includes(open.status)
      ) {
        allowed.push('verify_id');
      }
      if (enterer && !open && (r.status === 'approved' || r.status === 'suspended')) {
        allowed.push('file_request');
      }
      if (
        user.permissions.includes('registry.approve') &&
        reach.level === 'province' &&
        (r.status === 'approved' || r.status === 'suspended') &&
        !r.certificate_no
      ) {
        allowed.push('complete_certificate');
      }
    }
    return {
      id: r.id,
      recordNo: r.record_no,
      version: r.version,
      status: r.status,
      statusLabel: recordStatusLabels[r.status],
      name: r.name,
      idNumber: r.id_number,
      sex: r.sex,
      birthDate: r.birth_date,
      ethnicity: r.ethnicity,
      divisionCode: r.division_code,
      divisionName: names.get(r.division_code) ?? r.division_code,
      countyCode: r.county_code,
      address: r.address,
      phone: r.phone,
      categoryCode: r.category_code,
      categoryName: category?.name ?? r.category_code,
      benefit: parseBenefit(r.benefit),
      idValid: r.id_valid === 1,
      idProblem: r.id_problem,
      idVerification: r.id_verified_at
        ? {
            verifiedBy: r.id_verified_by ?? '',
            recordedByName: r.id_verified_by_user_name ?? '',
            at: r.id_verified_at,
            note: r.id_verified_note,
          }
        : null,
      certificateNo: r.certificate_no,
      certificateIssuedAt: r.certificate_issued_at,
      materialsComplete: materialsComplete(findings),
      unitId: r.unit_id,
      unitName: units.get(r.unit_id) ?? '',
      attachments: await attachmentsOf(t, id),
      problems,
      findings,
      openRequest: open ? { id: open.id, no: open.no, kind: open.kind, status: open.status } : null,
      allowedActions: allowed,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      approvedAt: r.approved_at,
    };
  }

  async function actionsOf(t: Q, where: { recordId?: string; requestId?: string }) {
    let q = t
      .selectFrom('registry_actions as a')
      .leftJoin('registry_requests as q', 'q.id', 'a.request_id')
      .select([
        'a.id',
        'a.request_id',
        'a.action',
        'a.from_status',
        'a.to_status',
        'a.actor_name',
        'a.actor_unit_name',
        'a.at',
        'a.note',
        'a.detail',
        'q.no',
        'q.kind',
      ]);
    if (where.recordId) q = q.where('a.record_id', '=', where.recordId);
    if (where.requestId) q = q.where('a.request_id', '=', where.requestId);
    const rows = await q.orderBy('a.id').execute();
    return rows.map((a): ActionEntry => ({
      id: Number(a.id),
      requestId: a.request_id,
      requestNo: a.no,
      requestKind: a.kind,
      action: a.action,
      label: actionLabel(a.action, a.request_id !== null),
      fromStatus: a.from_status,
      toStatus: a.to_status,
      actorName: a.actor_name,
      actorUnitName: a.actor_unit_name,
      at: a.at,
      note: a.note,
      detail: a.detail ? (JSON.parse(a.detail) as Record<string, unknown>) : null,
    }));
  }

  const neutralLabels: Record<string, string> = {
    attach: '上传扫描件',
    detach: '删除扫描件',
    verify_id: '登记身份证原件核验',
    certificate: '补发证书编号',
    problem_resolve: '问题数据清理',
  };
  function actionLabel(action: string, onRequest: boolean): string {
    if (onRequest && Object.hasOwn(requestWorkflow.transitions, action)) {
      return requestWorkflow.transitions[action as RequestAction].label;
    }
    if (Object.hasOwn(recordWorkflow.transitions, action)) {
      return recordWorkflow.transitions[action as RecordAction].label;
    }
    return neutralLabels[action] ?? action;
  }

  /** The request's status as its action log leads to (must equal the status column). */
  async function derivedRequestStatus(t: Q, requestId: string): Promise<RequestStatus> {
    const rows = await t
      .selectFrom('registry_actions')
      .select('action')
      .where('request_id', '=', requestId)
      .orderBy('id')
      .execute();
    return requestWorkflow.deriveStatus(
      rows
        .map((r) => r.action)
        .filter((a): a is RequestAction => Object.hasOwn(requestWorkflow.transitions, a)),
    );
  }

  /** The record's status as its log leads to (must equal the status column). */
  async function derivedRecordStatus(t: Q, recordId: string) {
    const rows = await t
      .selectFrom('registry_actions')
      .select('action')
      .where('record_id', '=', recordId)
      .where('request_id', 'is', null)
      .orderBy('id')
      .execute();
    return recordWorkflow.deriveStatus(
      rows
        .map((r) => r.action)
        .filter((a): a is RecordAction => Object.hasOwn(recordWorkflow.transitions, a)),
    );
  }

  /** Requests the user opened since they reached their current status. */
  async function openedByUser(t: Q, ids: readonly string[], userId: string): Promise<Set<string>> {
    const out = new Set<string>();
    for (let i = 0; i < ids.length; i += 1000) {
      const chunk = ids.slice(i, i + 1000);
      if (chunk.length === 0) continue;
      const rows = await t
        .selectFrom('registry_actions as a')
        .innerJoin('registry_requests as q', 'q.id', 'a.request_id')
        .select('a.request_id')
        .distinct()
        .where('a.request_id', 'in', chunk)
        .where('a.action', '=', 'open')
        .where('a.actor_id', '=', userId)
        .whereRef('a.id', '>', 'q.stage_action_id')
        .execute();
      for (const r of rows) out.add(r.request_id!);
    }
    return out;
  }

  /** The proposed record a change request leads to. */
  function proposedFields(record: RecordRow, proposal: RequestCreate | null): RecordFields {
    const current = fieldsOf(record);
    if (!proposal) return current;
    switch (proposal.kind) {
      case 'change': {
        const c = proposal.changes;
        const merged: RecordFields = { ...current };
        for (const [k, v] of Object.entries(c)) {
          if (v !== undefined) (merged as Record<string, unknown>)[k] = v;
        }
        if (c.benefit) merged.benefit = cleanBenefit({ ...current.benefit, ...c.benefit });
        // A new ID number fills sex and birth date again unless they were changed too.
        if (c.idNumber && c.idNumber !== current.idNumber) {
          if (c.sex === undefined) merged.sex = null;
          if (c.birthDate === undefined) merged.birthDate = null;
        }
        return merged;
      }
      case 'transfer':
        return {
          ...current,
          divisionCode: proposal.divisionCode,
          address: proposal.address ?? current.address,
        };
      case 'suspend':
      case 'resume':
      case 'cancel':
        return current;
    }
  }

  function changesOf(record: RecordRow, proposal: RequestCreate | null, kind: RequestKind) {
    if (!proposal) return [];
    if (proposal.kind === 'suspend' || proposal.kind === 'resume' || proposal.kind === 'cancel') {
      const to =
        proposal.kind === 'suspend'
          ? 'suspended'
          : proposal.kind === 'resume'
            ? 'approved'
            : 'cancelled';
      return [
        {
          field: 'status',
          label: '状态',
          before: recordStatusLabels[record.status],
          after: `${recordStatusLabels[to]}${proposal.kind === 'cancel' ? `（${cancelKindLabels[proposal.cancelKind]}，${proposal.effectiveOn} 起）` : ''}`,
        },
      ];
    }
    const before = columnsOf(fieldsOf(record));
    const after = columnsOf(proposedFields(record, proposal));
    const out: { field: string; label: string; before: unknown; after: unknown }[] = [];
    const pairs: [keyof typeof before, string][] = [
      ['name', 'name'],
      ['id_number', 'idNumber'],
      ['sex', 'sex'],
      ['birth_date', 'birthDate'],
      ['ethnicity', 'ethnicity'],
      ['division_code', 'divisionCode'],
      ['address', 'address'],
      ['phone', 'phone'],
      ['category_code', 'categoryCode'],
    ];
    for (const [col, field] of pairs) {
      if (before[col] !== after[col]) {
        out.push({ field, label: labelOf(field), before: before[col], after: after[col] });
      }
    }
    const b0 = parseBenefit(before.benefit);
    const b1 = parseBenefit(after.benefit);
    for (const key of Object.keys(benefitLabels) as (keyof Benefit)[]) {
      if (JSON.stringify(b0[key] ?? null) !== JSON.stringify(b1[key] ?? null)) {
        out.push({
          field: `benefit.${key}`,
          label: benefitLabels[key],
          before: b0[key] ?? null,
          after: b1[key] ?? null,
        });
      }
    }
    void kind;
    return out;
  }

  const cancelKindLabels = { death: '死亡', loss_of_status: '丧失优抚对象资格', other: '其他' };

  /** The record as it would be after the request, for the checks before reporting. */
  function proposedRecord(record: RecordRow, proposal: RequestCreate | null): RecordRow {
    if (!proposal || (proposal.kind !== 'change' && proposal.kind !== 'transfer')) return record;
    const cols = columnsOf(proposedFields(record, proposal));
    const sameId = cols.id_number === record.id_number;
    return {
      ...record,
      ...cols,
      id_verified_at: sameId ? record.id_verified_at : null,
    };
  }

  async function requestSummaries(
    t: Q,
    rows: RequestRow[],
    user: SessionUser,
  ): Promise<RequestSummary[]> {
    const categories = await loadCategories(t);
    const names = await divisionNames(
      t,
      rows.map((q) => q.division_code),
    );
    const units = await unitNames(
      t,
      rows.map((q) => q.unit_id),
    );
    const opened = await openedByUser(
      t,
      rows.map((q) => q.id),
      user.id,
    );
    const recordInfo = new Map<string, { record_no: string; open_problems: number }>();
    const ids = [...new Set(rows.map((q) => q.record_id))];
    for (let i = 0; i < ids.length; i += 500) {
      const part = await t
        .selectFrom('registry_records')
        .select(['id', 'record_no', 'open_problems'])
        .where('id', 'in', ids.slice(i, i + 500))
        .execute();
      for (const r of part) recordInfo.set(r.id, r);
    }
    return rows.map((q) => ({
      id: q.id,
      no: q.no,
      kind: q.kind,
      kindLabel: requestKindLabels[q.kind],
      status: q.status,
      statusLabel: requestStatusLabels[q.status],
      recordId: q.record_id,
      recordNo: recordInfo.get(q.record_id)?.record_no ?? '',
      name: q.person_name,
      idNumberMasked: maskCitizenId(q.id_number),
      divisionCode: q.division_code,
      divisionName: names.get(q.division_code) ?? q.division_code,
      categoryCode: q.category_code,
      categoryName: categories.get(q.category_code)?.name ?? q.category_code,
      unitName: units.get(q.unit_id) ?? '',
      openedByMe: opened.has(q.id),
      openProblems: recordInfo.get(q.record_id)?.open_problems ?? 0,
      returnReason: q.status === 'returned' ? q.return_reason : null,
      updatedAt: q.updated_at,
    }));
  }

  /** What `user` may do with a request now (for the console's buttons). */
  async function allowedRequestActions(
    t: Q,
    q: RequestRow,
    user: SessionUser,
    locked: boolean,
  ): Promise<string[]> {
    const reach = reachOf(user);
    if (!q.division_code.startsWith(reach.prefix)) return [];
    const out: string[] = [];
    const history = await dutyHistory(t, q.id);
    const dutyOk = (action: string) =>
      checkDuties(history, { action, actorId: user.id }, registryDutyRoles).ok;
    for (const action of requestWorkflow.allowed(q.status)) {
      if (action === 'create' || action === 'edit') continue;
      if (locked && action !== 'open') continue;
      if (action === 'submit' || action === 'withdraw') {
        if (
          user.permissions.includes('registry.enter') &&
          enterLevels.includes(reach.level) &&
          dutyOk(action)
        )
          out.push(action);
        continue;
      }
      const permission = stagePermission[q.status];
      const level = stageLevel[q.status];
      if (!permission || !level || !user.permissions.includes(permission) || reach.level !== level)
        continue;
      if (action === 'open' || action === 'return' || dutyOk(action)) out.push(action);
    }
    if (
      !locked &&
      (q.status === 'draft' || q.status === 'returned') &&
      q.kind !== 'register' &&
      user.permissions.includes('registry.enter') &&
      enterLevels.includes(reach.level)
    ) {
      out.push('edit');
    }
    return out;
  }

  async function dutyHistory(t: Q, requestId: string): Promise<DutyEvent[]> {
    const rows = await t
      .selectFrom('registry_actions')
      .select(['action', 'actor_id'])
      .where('request_id', '=', requestId)
      .orderBy('id')
      .execute();
    return rows.map((r) => ({ action: r.action, actorId: r.actor_id }));
  }

  async function requestDetailIn(t: Q, id: string, user: SessionUser): Promise<RequestDetail> {
    const q = await loadRequest(t, id);
    assertReach(user, q.division_code);
    const record = await loadRecord(t, q.record_id);
    const [summary] = await requestSummaries(t, [q], user);
    const proposal = q.proposal ? (JSON.parse(q.proposal) as RequestCreate) : null;
    const categories = await loadCategories(t);
    const target = proposedRecord(record, proposal);
    const findings = recordFindings(
      target,
      categories.get(target.category_code),
      await attachmentKindsOf(t, record.id),
    );
    const locked = await isLocked(t);
    // The record detail is shown within the caller's reach of the request (a transfer may move
    // the record out of it once approved).
    const recordView = await recordDetailIn(t, record.id, user).catch((e: unknown) => {
      if (e instanceof AppError && e.code === 'registry.out_of_scope') return null;
      throw e;
    });
    if (!recordView) throw outOfScope();
    return {
      ...summary!,
      version: q.version,
      reason: q.reason,
      proposal: proposal as Record<string, unknown> | null,
      changes: changesOf(record, proposal, q.kind),
      record: recordView,
      actions: await actionsOf(t, { requestId: id }),
      findings,
      checkFields: checkFieldsOf(target, categories.get(target.category_code)),
      allowedActions: await allowedRequestActions(t, q, user, locked),
    };
  }

  // ---- writing requests ----

  async function insertRequest(
    tx: Tx,
    record: RecordRow,
    kind: RequestKind,
    proposal: RequestCreate | null,
    reason: string | null,
    user: SessionUser,
    at: string,
  ): Promise<RequestRow> {
    const year = Number(shanghaiDate(at).slice(0, 4));
    const seq = await nextCounter(tx, `request:${year}`);
    const row: RequestRow = {
      id: uuidv7(),
      no: `${requestNoPrefix[kind]}${year}${String(seq).padStart(8, '0')}`,
      record_id: record.id,
      kind,
      status: 'draft',
      version: 1,
      proposal: proposal ? JSON.stringify(proposal) : null,
      reason,
      open_record_id: record.id,
      province_code: record.province_code,
      city_code: record.city_code,
      county_code: record.county_code,
      division_code: record.division_code,
      category_code: record.category_code,
      person_name: record.name,
      id_number: record.id_number,
      unit_id: user.unitId,
      created_by: user.id,
      created_at: at,
      updated_at: at,
      submitted_at: null,
      reported_at: null,
      passed_at: null,
      approved_at: null,
      stage_action_id: 0,
      return_reason: null,
    };
    await tx.insertInto('registry_requests').values(row).execute();
    const actionId = await logAction(tx, {
      recordId: record.id,
      requestId: row.id,
      action: 'create',
      from: null,
      to: 'draft',
      actor: actorOf(user),
      at,
      note: reason,
      detail: { kind },
    });
    await tx
      .updateTable('registry_requests')
      .set({ stage_action_id: actionId })
      .where('id', '=', row.id)
      .execute();
    row.stage_action_id = actionId;
    await setOpenRequest(tx, record.id, row, at);
    return row;
  }

  /** The gates before a request goes up a level: materials, ID, duplicates (REG-02/03). */
  async function assertReportable(tx: Tx, q: RequestRow, record: RecordRow) {
    const proposal = q.proposal ? (JSON.parse(q.proposal) as RequestCreate) : null;
    if (proposal && proposal.kind !== 'change' && proposal.kind !== 'transfer') return;
    const target = proposedRecord(record, proposal);
    const categories = await loadCategories(tx);
    const findings = recordFindings(
      target,
      categories.get(target.category_code),
      await attachmentKindsOf(tx, record.id),
    );
    const blocking = findings.filter((f) => f.blocking);
    const unverified = blocking.find((f) => f.code === 'registry.id_unverified');
    if (unverified) {
      throw new AppError(
        'conflict',
        'registry.id_unverified',
        `${unverified.message}（不可上报）`,
        { errors: [{ path: 'idNumber', message: unverified.message }] },
      );
    }
    if (blocking.length > 0) {
      throw new AppError(
        'conflict',
        'registry.materials_incomplete',
        `档案材料不齐备或有误，仍为草稿，不能上报：${blocking.map((f) => f.message).join('；')}`,
        { errors: blocking.map((f) => ({ path: f.field, message: f.message })) },
      );
    }
    await assertNoDuplicateId(tx, target.id_number, record.id);
  }

  /** Issues the certificate number by the province's rule for the category (REG-07). */
  async function issueCertificate(
    tx: Tx,
    record: Pick<RecordRow, 'id' | 'category_code' | 'county_code'>,
    user: SessionUser,
    at: string,
    ruleSet?: RuleSetting,
  ): Promise<string> {
    const rules = ruleSet ??
      (await setting<RuleSetting>(tx, 'certificate_rules')) ?? { rules: [], prefix: '' };
    const template = rules.rules.find((r) => r.category === record.category_code)?.template;
    if (!template) {
      const cats = await loadCategories(tx);
      throw new AppError(
        'conflict',
        'registry.no_certificate_rule',
        `省级尚未设置“${cats.get(record.category_code)?.name ?? record.category_code}”类别的证书编号规则，不能审批`,
      );
    }
    const rule = parseCertificateRule(template);
    if ('error' in rule) throw new AppError('conflict', rule.error.code, rule.error.message);
    const values = {
      prefix: rules.prefix,
      divisionCode: record.county_code,
      year: Number(shanghaiDate(at).slice(0, 4)),
      categoryCode: record.category_code,
    };
    const counter = `cert:${sequenceScope(rule, { ...values, sequence: 1 })}`;
    // A number issued under an earlier rule is skipped: numbers are never given twice.
    for (let attempt = 0; attempt < 10_000; attempt += 1) {
      const number = formatCertificateNumber(rule, {
        ...values,
        sequence: await nextCounter(tx, counter),
      });
      const issued = await tx
        .insertInto('registry_certificates')
        .values({
          number,
          record_id: record.id,
          category_code: record.category_code,
          issued_at: at,
          issued_by: user.id,
        })
        .onConflict((oc) => oc.column('number').doNothing())
        .returning('number')
        .executeTakeFirst();
      if (issued) return number;
    }
    throw new AppError(
      'conflict',
      'registry.certificate_exhausted',
      '按现行规则已找不到未使用的证书编号，请省级调整编号规则',
    );
  }

  /** Applies an approved request to its record (never an in-place edit: a new version). */
  async function applyApproved(
    tx: Tx,
    q: RequestRow,
    record: RecordRow,
    user: SessionUser,
    at: string,
    rules?: RuleSetting,
  ): Promise<string | null> {
    const proposal = q.proposal ? (JSON.parse(q.proposal) as RequestCreate) : null;
    const actor = actorOf(user);
    const recordAction: RecordAction =
      q.kind === 'register' ? (record.historical ? 'import_historical' : 'register') : q.kind;
    const to = recordWorkflow.next(record.status, recordAction);
    if (to === null) {
      throw new AppError(
        'conflict',
        'registry.wrong_turn',
        `记录当前为“${recordStatusLabels[record.status]}”，不能${requestKindLabels[q.kind]}`,
      );
    }
    let certificate: string | null = null;
    const set: Partial<RecordRow> = {
      status: to,
      updated_at: at,
      open_request_id: null,
      open_request_kind: null,
      open_request_status: null,
    };
    const changed: string[] = ['status'];
    if (q.kind === 'register') {
      certificate = await issueCertificate(tx, record, user, at, rules);
      Object.assign(set, {
        certificate_no: certificate,
        certificate_issued_at: at,
        approved_at: at,
      });
      changed.push('certificate_no');
    } else if (q.kind === 'change' || q.kind === 'transfer') {
      const cols = columnsOf(proposedFields(record, proposal));
      for (const [k, v] of Object.entries(cols)) {
        if ((record as unknown as Record<string, unknown>)[k] !== v) {
          (set as Record<string, unknown>)[k] = v;
          changed.push(k);
        }
      }
      if (cols.id_number !== record.id_number) {
        Object.assign(set, {
          id_number_key: cols.id_number,
          id_verified_by: null,
          id_verified_note: null,
          id_verified_by_user: null,
          id_verified_by_user_name: null,
          id_verified_at: null,
        });
      }
      if (cols.category_code !== record.category_code) {
        certificate = await issueCertificate(tx, { ...record, ...cols }, user, at, rules);
        Object.assign(set, { certificate_no: certificate, certificate_issued_at: at });
      }
    }
    const ok = await updateVersioned(
      tx,
      'registry_records',
      record.id,
      record.version,
      set,
      meta(user, at, 'form', `${requestKindLabels[q.kind]}审批通过（${q.no}）`, q.id),
    );
    if (!ok) {
      throw new AppError('conflict', 'registry.record_changed', '记录已被他人修改，请刷新后再办理');
    }
    await logAction(tx, {
      recordId: record.id,
      requestId: null,
      action: recordAction,
      from: record.status,
      to,
      actor,
      at,
      note: q.reason,
      detail: {
        requestId: q.id,
        requestNo: q.no,
        ...(certificate ? { certificateNo: certificate } : {}),
      },
    });
    // Problems the change fixed are closed; what remains stays open.
    if (q.kind === 'change' || q.kind === 'transfer') {
      await recheckProblems(
        tx,
        record.id,
        at,
        `${requestKindLabels[q.kind]}审批通过（${q.no}）后复查已不存在`,
      );
    }
    return certificate;
  }

  /** Re-runs the problem checks on one record: problems no longer present become corrected. */
  async function recheckProblems(tx: Tx, recordId: string, at: string, note: string) {
    const r = await loadRecord(tx, recordId);
    const categories = await loadCategories(tx);
    const present = new Set(detectProblems(r, categories.get(r.category_code)).map((p) => p.kind));
    const open = await tx
      .selectFrom('registry_problems')
      .select(['id', 'kind'])
      .where('record_id', '=', recordId)
      .where('status', '=', 'open')
      .execute();
    for (const p of open) {
      if (p.kind === 'duplicate_suspect' || present.has(p.kind as ProblemKind)) continue;
      await tx
        .updateTable('registry_problems')
        .set({
          status: 'corrected',
          open_key: null,
          resolved_at: at,
          resolved_by: null,
          resolved_by_name: '系统复查',
          resolution_note: note,
        })
        .where('id', '=', p.id)
        .execute();
    }
    await flagSuspects(tx, r, at);
    await refreshFlags(tx, recordId);
  }

  /**
   * One step of a request, inside the caller's transaction: scope, permission and level,
   * turn, separation of duties, the gates of the step, then the log, the status and effects.
   */
  async function actOn(
    tx: Tx,
    id: string,
    body: RequestActionBody,
    user: SessionUser,
    by: AuditContext,
    /** Bulk steps: the lock and the openings were checked once for the whole list. */
    options: { bulk?: { rules: RuleSetting } } = {},
  ): Promise<{ certificate: string | null }> {
    const q = await loadRequest(tx, id);
    const reach = assertReach(user, q.division_code);
    const action: RequestAction = body.action;
    const label = requestWorkflow.transitions[action].label;
    const note = body.note?.trim() || null;

    // Who may take the step: the enterer's steps, or the level that holds the stage.
    if (action === 'submit' || action === 'withdraw') {
      assertPermission(user, 'registry.enter', label);
      assertLevel(reach, enterLevels, label);
    } else {
      const needed: Record<string, RequestStatus> = {
        report: 'pending_check',
        pass: 'pending_review',
        approve: 'pending_approval',
      };
      const stage = needed[action] ?? q.status;
      const permission = stagePermission[stage];
      const level = stageLevel[stage];
      if (!permission || !level) {
        throw new AppError(
          'conflict',
          'registry.wrong_turn',
          `该申请当前为“${requestStatusLabels[q.status]}”，不能${label}`,
        );
      }
      assertPermission(user, permission, label);
      assertLevel(reach, [level], label);
    }
    if (action !== 'open' && !options.bulk) await assertUnlocked(tx);
    const to = requestWorkflow.next(q.status, action);
    if (to === null) {
      throw new AppError(
        'conflict',
        'registry.wrong_turn',
        `该申请当前为“${requestStatusLabels[q.status]}”，不能${label}`,
      );
    }
    const duty = checkDuties(
      await dutyHistory(tx, q.id),
      { action, actorId: user.id },
      registryDutyRoles,
    );
    if (!duty.ok)
      throw new AppError('forbidden', duty.code, `${duty.message}（录入、审核、审批岗位分离）`);
    if (note) screenOrThrow({ note });

    const record = await loadRecord(tx, q.record_id);
    const at = now();
    if (action === 'submit' || action === 'report') await assertReportable(tx, q, record);
    if (action === 'report') {
      const proposal = q.proposal ? (JSON.parse(q.proposal) as RequestCreate) : null;
      const target = proposedRecord(record, proposal);
      const categories = await loadCategories(tx);
      const wanted = checkFieldsOf(target, categories.get(target.category_code));
      const confirmed = new Set(body.checkedFields ?? []);
      const unchecked = wanted.filter((f) => !confirmed.has(f.field));
      if (unchecked.length > 0) {
        throw new AppError(
          'conflict',
          'registry.check_incomplete',
          `县级须逐条逐项复核后方可上报，尚未复核：${unchecked.map((f) => f.label).join('、')}`,
          { errors: unchecked.map((f) => ({ path: f.field, message: '未复核' })) },
        );
      }
    }
    if ((action === 'pass' || action === 'approve') && !options.bulk) {
      const opened = await openedByUser(tx, [q.id], user.id);
      if (!opened.has(q.id)) {
        throw new AppError(
          'conflict',
          'registry.not_opened',
          `请先打开查看并核对该记录（${q.person_name}，${q.no}），再${label}`,
        );
      }
    }
    if (action === 'approve' && (q.kind === 'register' || q.kind === 'change')) {
      const target = proposedRecord(
        record,
        q.proposal ? (JSON.parse(q.proposal) as RequestCreate) : null,
      );
      await assertNoDuplicateId(tx, target.id_number, record.id);
      const suspects = await flagSuspects(tx, { ...record, person_key: target.person_key }, at);
      if (suspects.openDetail) {
        throw new SuspectedDuplicate(
          record.id,
          target.person_key,
          `疑似重复登记尚未核实：${suspects.openDetail}；请县级对照档案核实并清理后再审批`,
        );
      }
    }
    if (action === 'return' && (!note || note.length < 2)) {
      throw new AppError('invalid', 'registry.reason_required', '退回须写明理由', {
        errors: [{ path: 'note', message: '请填写退回理由' }],
      });
    }

    const detail: Record<string, unknown> = {};
    if (action === 'report') detail.checkedFields = body.checkedFields;
    if (action === 'return') detail.returnedFrom = q.status;
    const actionId = await logAction(tx, {
      recordId: q.record_id,
      requestId: q.id,
      action,
      from: q.status,
      to,
      actor: actorOf(user),
      at,
      note,
      detail: Object.keys(detail).length > 0 ? detail : null,
    });
    let certificate: string | null = null;
    if (to !== q.status) {
      const set: Partial<RequestRow> = {
        status: to,
        updated_at: at,
        stage_action_id: actionId,
      };
      if (action === 'submit') set.submitted_at = at;
      if (action === 'report') set.reported_at = at;
      if (action === 'pass') set.passed_at = at;
      if (action === 'approve') set.approved_at = at;
      if (action === 'return') set.return_reason = note;
      if (to === 'approved' || to === 'withdrawn') set.open_record_id = null;
      await tx.updateTable('registry_requests').set(set).where('id', '=', q.id).execute();
      // An approval clears the record's open request in the same versioned write.
      if (action !== 'approve') await setOpenRequest(tx, q.record_id, { ...q, ...set }, at);
      if (action === 'approve') {
        certificate = await applyApproved(tx, q, record, user, at, options.bulk?.rules);
      }
      if (action === 'withdraw' && q.kind === 'register') {
        // A withdrawn registration leaves no live record: its ID number is free again.
        await updateVersioned(
          tx,
          'registry_records',
          record.id,
          record.version,
          { status: 'discarded', id_number_key: null, updated_at: at },
          meta(user, at, 'form', note ?? '撤回登记', q.id),
        );
        await logAction(tx, {
          recordId: record.id,
          requestId: null,
          action: 'discard',
          from: record.status,
          to: 'discarded',
          actor: actorOf(user),
          at,
          note,
        });
      }
      if (action === 'return') await notifyReturned(tx, q, note ?? '', at);
    }
    await audit.appendBy(tx, by, {
      action: `registry.request_${action}`,
      result: 'success',
      target: { type: 'registry_request', id: q.id, unitId: q.unit_id },
      detail: {
        no: q.no,
        kind: q.kind,
        recordId: q.record_id,
        from: q.status,
        to,
        ...(note ? { note } : {}),
        ...(certificate ? { certificateNo: certificate } : {}),
      },
    });
    return { certificate };
  }

  /** The enterer learns in the console that the request came back, and why. */
  async function notifyReturned(tx: Tx, q: RequestRow, reason: string, at: string) {
    await tx
      .insertInto('notifications')
      .values({
        user_id: q.created_by,
        kind: 'registry.returned',
        title: `优抚${requestKindLabels[q.kind]}被退回：${q.person_name}`,
        body: `${q.no} 被退回，理由：${reason}`,
        link: `/registry/requests/${q.id}`,
        created_at: at,
        read_at: null,
      })
      .execute();
  }

  // ---- lists ----

  const recordCursorOk = (cursor: string | undefined) => {
    if (!cursor) return null;
    const key = decodeCursor(cursor, 1);
    if (!key) throw new AppError('invalid', 'registry.cursor_invalid', '分页游标无效');
    return String(key[0]);
  };

  function recordListQuery(query: RecordListQuery, user: SessionUser) {
    const reach = reachOf(user);
    let q = db
      .selectFrom('registry_records as r')
      .select([
        'r.id',
        'r.record_no',
        'r.status',
        'r.name',
        'r.id_number',
        'r.sex',
        'r.birth_date',
        'r.division_code',
        'r.category_code',
        'r.certificate_no',
        'r.open_problems',
        'r.open_request_id',
        'r.open_request_kind',
        'r.open_request_status',
        'r.updated_at',
      ])
      .where(
        query.divisionCode
          ? divisionCondition(reach, query.divisionCode, 'r')
          : scopeCondition(reach, 'r'),
      );
    if (query.status) q = q.where('r.status', '=', query.status);
    else q = q.where('r.status', '!=', 'discarded');
    if (query.categoryCode) q = q.where('r.category_code', '=', query.categoryCode);
    if (query.missingCertificate) {
      q = q
        .where('r.status', 'in', ['approved', 'suspended'])
        .where('r.certificate_no', 'is', null);
    }
    if (query.withProblems) q = q.where('r.open_problems', '>', 0);
    const text = query.q?.trim();
    if (text) {
      if (/^\d{15}$|^\d{17}[\dXx]$/.test(text)) {
        // The key column is the live records' number, and indexed.
        q = q.where('r.id_number_key', '=', idCheck(text).id18);
      } else if (/^YF\d+$/i.test(text)) {
        q = q.where('r.record_no', '=', text.toUpperCase());
      } else if (/[\d-]{6,}/.test(text)) {
        q = q.where('r.certificate_no', '=', text);
      } else {
        q = q.where(nameRef('r.name'), '>=', text).where(nameRef('r.name'), '<', `${text}\uffff`);
      }
    }
    return q;
  }

  /** Whether a search text is a name (not an ID, record or certificate number). */
  function isNameSearch(q: string | undefined): boolean {
    const text = q?.trim();
    return (
      !!text &&
      !/^\d{15}$|^\d{17}[\dXx]$/.test(text) &&
      !/^YF\d+$/i.test(text) &&
      !/[\d-]{6,}/.test(text)
    );
  }

  async function recordSummaries(
    rows: Awaited<ReturnType<ReturnType<typeof recordListQuery>['execute']>>,
  ): Promise<RecordSummary[]> {
    const categories = await loadCategories(db);
    const names = await divisionNames(
      db,
      rows.map((r) => r.division_code),
    );
    return rows.map((r) => ({
      id: r.id,
      recordNo: r.record_no,
      status: r.status,
      statusLabel: recordStatusLabels[r.status],
      name: r.name,
      idNumberMasked: maskCitizenId(r.id_number),
      sex: r.sex,
      birthDate: r.birth_date,
      divisionCode: r.division_code,
      divisionName: names.get(r.division_code) ?? r.division_code,
      categoryCode: r.category_code,
      categoryName: categories.get(r.category_code)?.name ?? r.category_code,
      certificateNo: r.certificate_no,
      openProblems: r.open_problems,
      openRequest:
        r.open_request_id && r.open_request_kind && r.open_request_status
          ? { id: r.open_request_id, kind: r.open_request_kind, status: r.open_request_status }
          : null,
      updatedAt: r.updated_at,
    }));
  }

  const queueStatus: Record<Queue, RequestStatus> = {
    to_enter: 'draft',
    to_check: 'pending_check',
    to_review: 'pending_review',
    to_approve: 'pending_approval',
    returned: 'returned',
  };

  function queueQuery(query: QueueQuery, user: SessionUser) {
    const reach = reachOf(user);
    let q = db
      .selectFrom('registry_requests as q')
      .where('q.status', '=', queueStatus[query.queue])
      .where(
        query.divisionCode
          ? divisionCondition(reach, query.divisionCode, 'q')
          : scopeCondition(reach, 'q'),
      );
    if (query.kind) q = q.where('q.kind', '=', query.kind);
    if (query.categoryCode) q = q.where('q.category_code', '=', query.categoryCode);
    const text = query.q?.trim();
    if (text) {
      if (/^\d{15}$|^\d{17}[\dXx]$/.test(text)) q = q.where('q.id_number', '=', idCheck(text).id18);
      else if (/^[A-Z]{2}\d+$/i.test(text)) q = q.where('q.no', '=', text.toUpperCase());
      else {
        q = q
          .where(nameRef('q.person_name'), '>=', text)
          .where(nameRef('q.person_name'), '<', `${text}\uffff`);
      }
    }
    return q;
  }

  async function queuePage(query: QueueQuery, user: SessionUser) {
    const after = recordCursorOk(query.cursor);
    let q = queueQuery(query, user).selectAll('q');
    if (after) q = q.where('q.id', '<', after);
    const rows = await q
      .orderBy('q.id', 'desc')
      .limit(query.limit + 1)
      .execute();
    const page = rows.slice(0, query.limit);
    return {
      page,
      nextCursor: rows.length > query.limit ? encodeCursor([page[page.length - 1]!.id]) : null,
    };
  }

  // ---- the exposure guard over the registry's catalog entry (REG-12) ----

  function exposureFindings(
    content: Pick<EntryContent, 'sharingType' | 'sharingCondition' | 'openType'>,
  ) {
    const out: ComplianceFinding[] = [];
    const ministryApproved =
      content.sharingType === 'conditional' &&
      /民政部/.test(content.sharingCondition) &&
      /批准/.test(content.sharingCondition);
    if (content.sharingType !== 'none' && !ministryApproved) {
      out.push({
        code: 'registry.catalog_exposed',
        severity: 'error',
        field: 'sharingType',
        message:
          '优抚对象数据未经民政部批准严禁对外提供和信息共享：共享属性只能为“不予共享”，或注明经民政部批准的“有条件共享”',
      });
    }
    if (content.openType !== 'not_open' && content.openType !== null) {
      out.push({
        code: 'registry.catalog_opened',
        severity: 'error',
        field: 'openType',
        message: '优抚对象数据不得向社会开放，开放属性应为“不予开放”',
      });
    }
    return out;
  }

  catalog.setExposureGuard(async (t, content, ownCode) => {
    if (!ownCode) return [];
    const link = await setting<{ resourceId: string; code: string }>(t, 'catalog_link');
    if (!link || link.code !== ownCode) return [];
    return exposureFindings(content);
  });

  // ---- the service ----

  const service = {
    screenOrThrow,

    /** Whether the user may read this record (history reader, REG scope). */
    async canRead(user: SessionUser, recordId: string): Promise<boolean> {
      if (!user.permissions.includes('registry.read')) return false;
      const r = await db
        .selectFrom('registry_records')
        .select('division_code')
        .where('id', '=', recordId)
        .executeTakeFirst();
      return !!r && r.division_code.startsWith(reachOf(user).prefix);
    },

    async overview(user: SessionUser) {
      const reach = reachOf(user);
      const deadline = await setting<DeadlineSetting>(db, 'deadline');
      const lock = await service.lockState();
      const queues: Record<string, number> = {};
      for (const queue of Object.keys(queueStatus) as Queue[]) {
        const row = await queueQuery({ queue, limit: 1 }, user)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow();
        queues[queue] = Number(row.n);
      }
      const names = await divisionNames(db, [reach.code]);
      return {
        deadline: deadline ? await deadlineView(deadline) : null,
        lock,
        queues,
        level: reach.level,
        divisionCode: reach.code,
        divisionName: names.get(reach.code) ?? reach.code,
      };
    },

    async lockState(t: Q = db): Promise<LockState> {
      const row = await t
        .selectFrom('registry_lock')
        .selectAll()
        .where('id', '=', 1)
        .executeTakeFirst();
      return {
        locked: row?.locked === 1,
        lockedByName: row?.locked ? row.locked_by_name : null,
        lockedAt: row?.locked ? row.locked_at : null,
        reason: row?.locked ? row.reason : null,
      };
    },

    async categories(): Promise<Category[]> {
      return [...(await loadCategories(db)).values()];
    },

    async upsertCategory(input: Category, user: SessionUser, by: AuditContext): Promise<Category> {
      assertLevel(reachOf(user), ['province'], '设置优抚类别');
      screenOrThrow({ categoryName: input.name, certificateName: input.certificateName });
      const both = input.requiredBenefit.filter((k) => input.forbiddenBenefit.includes(k));
      if (both.length > 0) {
        throw new AppError(
          'invalid',
          'registry.category_benefit_conflict',
          `${both.map((k) => benefitLabels[k]).join('、')}不能既必填又不应填`,
        );
      }
      return withTransaction(db, async (tx) => {
        await assertUnlocked(tx);
        const at = now();
        const before = await tx
          .selectFrom('registry_categories')
          .selectAll()
          .where('code', '=', input.code)
          .executeTakeFirst();
        const clash = await tx
          .selectFrom('registry_categories')
          .select('code')
          .where('name', '=', input.name)
          .where('code', '!=', input.code)
          .executeTakeFirst();
        if (clash) {
          throw new AppError(
            'conflict',
            'registry.category_name_taken',
            `类别名称“${input.name}”已被代码 ${clash.code} 使用`,
          );
        }
        const values = {
          name: input.name,
          certificate_name: input.certificateName,
          required_benefit: JSON.stringify(input.requiredBenefit),
          forbidden_benefit: JSON.stringify(input.forbiddenBenefit),
          active: input.active ? 1 : 0,
          sort: input.sort,
          updated_at: at,
          updated_by: user.id,
        };
        if (before) {
          await tx
            .updateTable('registry_categories')
            .set(values)
            .where('code', '=', input.code)
            .execute();
        } else {
          await tx
            .insertInto('registry_categories')
            .values({ code: input.code, ...values })
            .execute();
        }
        await audit.appendBy(tx, by, {
          action: before ? 'registry.category_update' : 'registry.category_create',
          result: 'success',
          target: { type: 'registry_category', id: input.code, unitId: user.unitId },
          detail: { before: before ? categoryOf(before) : null, after: input },
        });
        return input;
      });
    },

    async certificateRules() {
      const rules = (await setting<RuleSetting>(db, 'certificate_rules')) ?? {
        rules: [],
        prefix: '',
      };
      const row = await db
        .selectFrom('registry_settings')
        .select(['updated_at', 'updated_by_name'])
        .where('key', '=', 'certificate_rules')
        .executeTakeFirst();
      const year = Number(shanghaiDate(now()).slice(0, 4));
      return {
        ...rules,
        updatedAt: row?.updated_at ?? null,
        updatedByName: row?.updated_by_name ?? null,
        examples: rules.rules.flatMap((r) => {
          const rule = parseCertificateRule(r.template);
          if ('error' in rule) return [];
          try {
            return [
              {
                category: r.category,
                example: formatCertificateNumber(rule, {
                  prefix: rules.prefix || undefined,
                  divisionCode: '130123',
                  year,
                  sequence: 1,
                  categoryCode: r.category,
                }),
              },
            ];
          } catch {
            return [];
          }
        }),
      };
    },

    /** The province's numbering rules, refused whole when one is wrong or two could collide. */
    async setCertificateRules(input: CertificateRuleSet, user: SessionUser, by: AuditContext) {
      assertLevel(reachOf(user), ['province'], '设置证书编号规则');
      const categories = await loadCategories(db);
      for (const r of input.rules) {
        if (!categories.has(r.category)) {
          throw new AppError(
            'invalid',
            'registry.category_unknown',
            `类别代码 ${r.category} 不存在`,
          );
        }
        const parsed = parseCertificateRule(r.template);
        if ('error' in parsed) {
          throw new AppError(
            'invalid',
            parsed.error.code,
            `“${categories.get(r.category)!.name}”：${parsed.error.message}`,
            {
              errors: [{ path: `rules.${r.category}`, message: parsed.error.message }],
            },
          );
        }
        if (parsed.parts.some((p) => p.type === 'prefix') && !input.prefix) {
          throw new AppError(
            'invalid',
            'registry.certificate_prefix_missing',
            `“${categories.get(r.category)!.name}”的规则使用了 {prefix}，请先填写本省前缀`,
          );
        }
      }
      const problem = ruleCollisionProblem(input.rules, input.prefix || undefined);
      if (problem) {
        throw new AppError('invalid', 'registry.certificate_rule_collision', problem);
      }
      await withTransaction(db, async (tx) => {
        await assertUnlocked(tx);
        const before = await setting<RuleSetting>(tx, 'certificate_rules');
        await putSetting(
          tx,
          'certificate_rules',
          { rules: input.rules, prefix: input.prefix },
          user,
        );
        await audit.appendBy(tx, by, {
          action: 'registry.certificate_rules_set',
          result: 'success',
          target: { type: 'registry_settings', id: 'certificate_rules', unitId: user.unitId },
          detail: { before, after: input },
        });
      });
      return service.certificateRules();
    },

    async setDeadline(input: DeadlineBody, user: SessionUser, by: AuditContext) {
      assertLevel(reachOf(user), ['province'], '设置年度申报截止日期');
      if (
        !input.deadline.startsWith(`${input.year}-`) &&
        !input.deadline.startsWith(`${input.year + 1}-`)
      ) {
        throw new AppError(
          'invalid',
          'registry.deadline_year',
          `截止日期应在 ${input.year} 年度内或次年年初`,
        );
      }
      await withTransaction(db, async (tx) => {
        const before = await setting<DeadlineSetting>(tx, 'deadline');
        await putSetting(tx, 'deadline', input, user);
        await audit.appendBy(tx, by, {
          action: 'registry.deadline_set',
          result: 'success',
          target: { type: 'registry_settings', id: 'deadline', unitId: user.unitId },
          detail: { before, after: input },
        });
      });
      return service.overview(user);
    },

    /** Locks the province's data before the ministry's central review (REG-10). */
    async lock(input: { reason: string }, user: SessionUser, by: AuditContext): Promise<LockState> {
      assertLevel(reachOf(user), ['province'], '锁定数据');
      screenOrThrow({ reason: input.reason });
      return withTransaction(db, async (tx) => {
        const row = await tx
          .selectFrom('registry_lock')
          .selectAll()
          .where('id', '=', 1)
          .$if(engine === 'postgres', (q) => q.forUpdate())
          .executeTakeFirstOrThrow();
        if (row.locked === 1) {
          throw new AppError(
            'conflict',
            'registry.already_locked',
            `数据已于 ${shanghaiMinute(row.locked_at!)} 由${row.locked_by_name}锁定`,
          );
        }
        const at = now();
        await tx
          .updateTable('registry_lock')
          .set({
            locked: 1,
            locked_by: user.id,
            locked_by_name: user.displayName,
            locked_at: at,
            reason: input.reason,
          })
          .where('id', '=', 1)
          .execute();
        await audit.appendBy(tx, by, {
          action: 'registry.lock',
          result: 'success',
          target: { type: 'registry_lock', id: '1', unitId: user.unitId },
          detail: { reason: input.reason },
        });
        return service.lockState(tx);
      });
    },

    async unlock(
      input: { reason: string },
      user: SessionUser,
      by: AuditContext,
    ): Promise<LockState> {
      assertLevel(reachOf(user), ['province'], '解除锁定');
      screenOrThrow({ reason: input.reason });
      return withTransaction(db, async (tx) => {
        const row = await tx
          .selectFrom('registry_lock')
          .selectAll()
          .where('id', '=', 1)
          .$if(engine === 'postgres', (q) => q.forUpdate())
          .executeTakeFirstOrThrow();
        if (row.locked !== 1) throw new AppError('conflict', 'registry.not_locked', '数据未锁定');
        await tx
          .updateTable('registry_lock')
          .set({ locked: 0, locked_by: null, locked_by_name: null, locked_at: null, reason: null })
          .where('id', '=', 1)
          .execute();
        await audit.appendBy(tx, by, {
          action: 'registry.unlock',
          result: 'success',
          target: { type: 'registry_lock', id: '1', unitId: user.unitId },
          detail: { reason: input.reason, lockedAt: row.locked_at, lockedBy: row.locked_by_name },
        });
        return service.lockState(tx);
      });
    },

    /** After the deadline: units (counties) whose data is incomplete, and what is missing (REG-09). */
    async incompleteUnits(user: SessionUser) {
      const reach = reachOf(user);
      const deadline = await setting<DeadlineSetting>(db, 'deadline');
      if (!deadline) return { deadline: null, passed: false, completionDue: null, items: [] };
      const view = await deadlineView(deadline);
      if (!view.passed) {
        return {
          deadline: deadline.deadline,
          passed: false,
          completionDue: view.completionDue,
          items: [],
        };
      }
      const counts = new Map<
        string,
        { unreported: number; missingMaterials: number; openProblems: number }
      >();
      const bump = (
        county: string,
        key: 'unreported' | 'missingMaterials' | 'openProblems',
        n: number,
      ) => {
        const c = counts.get(county) ?? { unreported: 0, missingMaterials: 0, openProblems: 0 };
        c[key] += n;
        counts.set(county, c);
      };
      const unreported = await db
        .selectFrom('registry_requests as q')
        .select(['q.county_code', (eb) => eb.fn.countAll<number>().as('n')])
        .where(scopeCondition(reach, 'q'))
        .where('q.status', 'in', ['draft', 'returned', 'pending_check'])
        .groupBy('q.county_code')
        .execute();
      for (const r of unreported) bump(r.county_code, 'unreported', Number(r.n));
      const missing = await db
        .selectFrom('registry_records as r')
        .select(['r.county_code', (eb) => eb.fn.countAll<number>().as('n')])
        .where(scopeCondition(reach, 'r'))
        .where('r.status', '!=', 'discarded')
        .where('r.materials_complete', '=', 0)
        .groupBy('r.county_code')
        .execute();
      for (const r of missing) bump(r.county_code, 'missingMaterials', Number(r.n));
      const problems = await db
        .selectFrom('registry_problems as r')
        .select(['r.county_code', (eb) => eb.fn.countAll<number>().as('n')])
        .where(scopeCondition(reach, 'r'))
        .where('r.status', '=', 'open')
        .groupBy('r.county_code')
        .execute();
      for (const r of problems) bump(r.county_code, 'openProblems', Number(r.n));
      const codes = [...counts.keys()].sort();
      const names = await divisionNames(db, [...codes, ...codes.map((c) => `${c.slice(0, 4)}00`)]);
      return {
        deadline: deadline.deadline,
        passed: true,
        completionDue: view.completionDue,
        items: codes.map((code) => {
          const c = counts.get(code)!;
          const missingText: string[] = [];
          if (c.unreported) missingText.push(`${c.unreported} 条未上报（草稿、被退回或待复核）`);
          if (c.missingMaterials)
            missingText.push(`${c.missingMaterials} 条档案材料不齐（关键信息或扫描件缺失）`);
          if (c.openProblems) missingText.push(`${c.openProblems} 条问题数据未清理`);
          return {
            countyCode: code,
            countyName: names.get(code) ?? code,
            cityName: names.get(`${code.slice(0, 4)}00`) ?? '',
            ...c,
            missing: missingText,
            completionDue: view.completionDue,
          };
        }),
      };
    },

    // ---- records ----

    /**
     * A page of the registry, newest first; a name search pages in name order instead, so the
     * (name, id) index answers it however common or rare the name is (keyset, not offset).
     */
    async listRecords(query: RecordListQuery, user: SessionUser) {
      const byName = isNameSearch(query.q);
      let q = recordListQuery(query, user);
      if (query.cursor) {
        const key = decodeCursor(query.cursor, byName ? 2 : 1);
        if (!key) throw new AppError('invalid', 'registry.cursor_invalid', '分页游标无效');
        if (byName) {
          const [name, id] = key.map(String) as [string, string];
          q = q.where((eb) =>
            eb.or([
              eb(nameRef('r.name'), '>', name),
              eb.and([eb('r.name', '=', name), eb('r.id', '>', id)]),
            ]),
          );
        } else {
          q = q.where('r.id', '<', String(key[0]));
        }
      }
      q = byName ? q.orderBy(nameRef('r.name')).orderBy('r.id') : q.orderBy('r.id', 'desc');
      const rows = await q.limit(query.limit + 1).execute();
      const page = rows.slice(0, query.limit);
      const last = page[page.length - 1];
      return {
        items: await recordSummaries(page),
        nextCursor:
          rows.length > query.limit && last
            ? encodeCursor(byName ? [last.name, last.id] : [last.id])
            : null,
      };
    },

    async exportRecords(
      query: RecordListQuery,
      user: SessionUser,
      by: AuditContext,
    ): Promise<Buffer> {
      const rows = await recordListQuery(query, user)
        .orderBy('r.id', 'desc')
        .limit(100_000)
        .execute();
      const items = await recordSummaries(rows);
      await audit.enqueue({
        ...auditOf(by),
        action: 'registry.records_export',
        result: 'success',
        target: { type: 'registry_records', id: reachOf(user).code, unitId: user.unitId },
        recordCount: items.length,
      });
      return writeListXlsx(
        '优抚对象名册',
        [
          { header: '记录编号', width: 20 },
          { header: '姓名', width: 10 },
          { header: '公民身份号码', width: 22 },
          { header: '性别', width: 6 },
          { header: '出生日期', width: 12 },
          { header: '行政区划', width: 22 },
          { header: '优抚类别', width: 16 },
          { header: '证书编号', width: 24 },
          { header: '状态', width: 8 },
          { header: '问题数据', width: 8 },
        ],
        items.map((r) => [
          r.recordNo,
          r.name,
          r.idNumberMasked,
          r.sex,
          r.birthDate,
          r.divisionName,
          r.categoryName,
          r.certificateNo,
          r.statusLabel,
          r.openProblems,
        ]),
        `导出：${user.displayName}（${user.unitName}） ${shanghaiMinute(now())}，共 ${items.length} 条`,
      );
    },

    /** Enters a record as a draft (REG-01) with its registration request. */
    async createRecord(
      input: RecordFields,
      user: SessionUser,
      by: AuditContext,
    ): Promise<RecordDetail> {
      const reach = assertReach(user, input.divisionCode);
      assertLevel(reach, enterLevels, '录入优抚对象');
      assertRecordDivision(input.divisionCode);
      screenOrThrow(recordTexts(input));
      return withTransaction(db, async (tx) => {
        await assertUnlocked(tx);
        const categories = await loadCategories(tx);
        assertCategory(categories, input.categoryCode);
        const cols = columnsOf(input);
        await assertNoDuplicateId(tx, cols.id_number, null);
        const at = now();
        const row = await insertDraftRecord(tx, cols, user, at, {
          how: meta(user, at, 'form', '录入'),
        });
        await insertRequest(tx, row, 'register', null, null, user, at);
        await flagSuspects(tx, row, at);
        await refreshFlags(tx, row.id);
        await audit.appendBy(tx, by, {
          action: 'registry.record_create',
          result: 'success',
          target: { type: 'registry_record', id: row.id, unitId: user.unitId },
          fields: Object.keys(input),
          detail: {
            recordNo: row.record_no,
            divisionCode: row.division_code,
            category: row.category_code,
          },
        });
        return recordDetailIn(tx, row.id, user);
      });
    },

    async getRecord(id: string, user: SessionUser, by: AuditContext): Promise<RecordDetail> {
      const detail = await recordDetailIn(db, id, user);
      await audit.enqueue({
        ...auditOf(by),
        action: 'registry.record_read',
        result: 'success',
        target: { type: 'registry_record', id, unitId: detail.unitId },
      });
      return detail;
    },

    /** Edits a draft or returned registration; an approved record changes only by request. */
    async updateRecord(id: string, input: RecordUpdate, user: SessionUser, by: AuditContext) {
      assertRecordDivision(input.divisionCode);
      return withTransaction(db, async (tx) => {
        const r = await loadRecord(tx, id);
        const reach = assertReach(user, r.division_code);
        assertReach(user, input.divisionCode);
        assertLevel(reach, enterLevels, '修改登记');
        await assertUnlocked(tx);
        const q = await editableRegistration(tx, r);
        const duty = checkDuties(
          await dutyHistory(tx, q.id),
          { action: 'edit', actorId: user.id },
          registryDutyRoles,
        );
        if (!duty.ok) throw new AppError('forbidden', duty.code, duty.message);
        if (input.version !== r.version) {
          throw new AppError(
            'conflict',
            'registry.record_changed',
            '记录已被他人修改，请刷新后再修改',
          );
        }
        screenOrThrow(recordTexts(input));
        const categories = await loadCategories(tx);
        assertCategory(categories, input.categoryCode);
        const cols = columnsOf(input);
        await assertNoDuplicateId(tx, cols.id_number, r.id);
        const at = now();
        const set: Partial<RecordRow> = { ...cols, id_number_key: cols.id_number, updated_at: at };
        if (cols.id_number !== r.id_number) {
          Object.assign(set, {
            id_verified_by: null,
            id_verified_note: null,
            id_verified_by_user: null,
            id_verified_by_user_name: null,
            id_verified_at: null,
          });
        }
        const changed = Object.keys(cols).filter(
          (k) =>
            (r as unknown as Record<string, unknown>)[k] !== (cols as Record<string, unknown>)[k],
        );
        const ok = await updateVersioned(
          tx,
          'registry_records',
          id,
          r.version,
          set,
          meta(user, at, 'form', '修改登记', q.id),
        );
        if (!ok)
          throw new AppError(
            'conflict',
            'registry.record_changed',
            '记录已被他人修改，请刷新后再修改',
          );
        await logAction(tx, {
          recordId: id,
          requestId: q.id,
          action: 'edit',
          from: q.status,
          to: q.status,
          actor: actorOf(user),
          at,
          detail: { fields: changed },
        });
        await tx
          .updateTable('registry_requests')
          .set({
            person_name: cols.name,
            id_number: cols.id_number,
            division_code: cols.division_code,
            province_code: cols.province_code,
            city_code: cols.city_code,
            county_code: cols.county_code,
            category_code: cols.category_code,
            updated_at: at,
          })
          .where('id', '=', q.id)
          .execute();
        await flagSuspects(tx, await loadRecord(tx, id), at);
        await refreshFlags(tx, id);
        await audit.appendBy(tx, by, {
          action: 'registry.record_edit',
          result: 'success',
          target: { type: 'registry_record', id, unitId: r.unit_id },
          fields: changed,
          detail: { recordNo: r.record_no, version: r.version + 1 },
        });
        return recordDetailIn(tx, id, user);
      });
    },

    async discardRecord(id: string, reason: string, user: SessionUser, by: AuditContext) {
      const r = await loadRecord(db, id);
      assertReach(user, r.division_code);
      if (!r.open_request_id || r.open_request_kind !== 'register') {
        throw new AppError(
          'conflict',
          'registry.wrong_turn',
          '只有登记中的草稿或被退回的记录可以作废',
        );
      }
      const requestId = r.open_request_id;
      await withTransaction(db, (tx) =>
        actOn(tx, requestId, { action: 'withdraw', note: reason }, user, by),
      );
      return recordDetailIn(db, id, user);
    },

    async addAttachment(
      id: string,
      file: { kind: string; fileName: string },
      bytes: Buffer,
      user: SessionUser,
      by: AuditContext,
    ): Promise<Attachment> {
      if (!isAttachmentKind(file.kind)) {
        throw new AppError(
          'invalid',
          'registry.attachment_kind',
          `扫描件类型应为：${Object.entries(attachmentKinds)
            .map(([k, v]) => `${k}（${v.name}）`)
            .join('、')}`,
        );
      }
      const kind: AttachmentKind = file.kind;
      screenOrThrow({ fileName: file.fileName });
      const checked = checkAttachment(kind, bytes);
      if (!checked.ok) throw new AppError('invalid', checked.code, checked.message);
      await scanAttachment(bytes, ctx.config.scanCommand);
      return withTransaction(db, async (tx) => {
        const r = await loadRecord(tx, id);
        const reach = assertReach(user, r.division_code);
        assertLevel(reach, enterLevels, '上传扫描件');
        await assertUnlocked(tx);
        const q = await editableRequest(tx, r);
        const at = now();
        // One ID portrait and one ID copy per record: a new upload in the same draft replaces it.
        if (kind === 'id_portrait' || kind === 'id_card_copy') {
          let del = tx
            .deleteFrom('registry_attachments')
            .where('record_id', '=', id)
            .where('kind', '=', kind);
          del = q.kind === 'register' ? del : del.where('request_id', '=', q.id);
          await del.execute();
        }
        const row = {
          id: uuidv7(),
          record_id: id,
          request_id: q.kind === 'register' ? null : q.id,
          kind,
          file_name: file.fileName,
          byte_size: bytes.length,
          width: checked.width ?? null,
          height: checked.height ?? null,
          sm3: sm3(bytes),
          content: bytes,
          uploaded_by: user.id,
          uploaded_by_name: user.displayName,
          uploaded_at: at,
        };
        await tx.insertInto('registry_attachments').values(row).execute();
        await logAction(tx, {
          recordId: id,
          requestId: null,
          action: 'attach',
          from: null,
          to: null,
          actor: actorOf(user),
          at,
          detail: {
            kind,
            fileName: file.fileName,
            sm3: row.sm3,
            byteSize: bytes.length,
            requestNo: q.no,
          },
        });
        await refreshFlags(tx, id);
        await audit.appendBy(tx, by, {
          action: 'registry.attachment_add',
          result: 'success',
          target: { type: 'registry_record', id, unitId: r.unit_id },
          detail: { kind, sm3: row.sm3, byteSize: bytes.length },
        });
        return (await attachmentsOf(tx, id)).find((a) => a.id === row.id)!;
      });
    },

    async attachmentContent(id: string, attachmentId: string, user: SessionUser, by: AuditContext) {
      const r = await loadRecord(db, id);
      assertReach(user, r.division_code);
      const a = await db
        .selectFrom('registry_attachments')
        .select(['file_name', 'content', 'sm3'])
        .where('id', '=', attachmentId)
        .where('record_id', '=', id)
        .executeTakeFirst();
      if (!a) throw new AppError('not_found', 'registry.attachment_not_found', '扫描件不存在');
      await audit.enqueue({
        ...auditOf(by),
        action: 'registry.attachment_read',
        result: 'success',
        target: { type: 'registry_record', id, unitId: r.unit_id },
        detail: { attachmentId },
      });
      return { fileName: a.file_name, content: Buffer.from(a.content), sm3: a.sm3 };
    },

    async removeAttachment(id: string, attachmentId: string, user: SessionUser, by: AuditContext) {
      return withTransaction(db, async (tx) => {
        const r = await loadRecord(tx, id);
        const reach = assertReach(user, r.division_code);
        assertLevel(reach, enterLevels, '删除扫描件');
        await assertUnlocked(tx);
        const q = await editableRequest(tx, r);
        const a = await tx
          .selectFrom('registry_attachments')
          .select(['id', 'kind', 'request_id', 'sm3'])
          .where('id', '=', attachmentId)
          .where('record_id', '=', id)
          .executeTakeFirst();
        if (!a) throw new AppError('not_found', 'registry.attachment_not_found', '扫描件不存在');
        if (q.kind !== 'register' && a.request_id !== q.id) {
          throw new AppError(
            'conflict',
            'registry.attachment_approved',
            '已审批记录的扫描件不能删除，只能在变更申请中补充新的扫描件',
          );
        }
        const at = now();
        await tx.deleteFrom('registry_attachments').where('id', '=', attachmentId).execute();
        await logAction(tx, {
          recordId: id,
          requestId: null,
          action: 'detach',
          from: null,
          to: null,
          actor: actorOf(user),
          at,
          detail: { kind: a.kind, sm3: a.sm3, requestNo: q.no },
        });
        await refreshFlags(tx, id);
        await audit.appendBy(tx, by, {
          action: 'registry.attachment_remove',
          result: 'success',
          target: { type: 'registry_record', id, unitId: r.unit_id },
          detail: { kind: a.kind, sm3: a.sm3 },
        });
        return recordDetailIn(tx, id, user);
      });
    },

    /**
     * The original ID card was checked (REG-03): needed before a record whose number fails
     * GB 11643 may be reported; the copy must be uploaded first. Names who checked it; audited.
     */
    async verifyIdCard(
      id: string,
      input: { verifiedBy: string; note?: string | undefined },
      user: SessionUser,
      by: AuditContext,
    ) {
      const enter = user.permissions.includes('registry.enter');
      const check = user.permissions.includes('registry.check');
      if (!enter && !check) {
        throw new AppError(
          'forbidden',
          'registry.not_permitted',
          '只有录入员或县级复核员可以登记身份证原件核验',
        );
      }
      screenOrThrow({ verifiedBy: input.verifiedBy, note: input.note });
      return withTransaction(db, async (tx) => {
        const r = await loadRecord(tx, id);
        const reach = assertReach(user, r.division_code);
        assertLevel(reach, check ? ['county'] : enterLevels, '登记身份证原件核验');
        await assertUnlocked(tx);
        const q = r.open_request_id ? await loadRequest(tx, r.open_request_id) : null;
        if (!q || !['draft', 'returned', 'pending_check'].includes(q.status)) {
          throw new AppError(
            'conflict',
            'registry.wrong_turn',
            '只有录入或县级复核中的记录可以登记身份证原件核验',
          );
        }
        if (r.id_valid) {
          throw new AppError(
            'conflict',
            'registry.id_valid',
            '身份证号码校验通过，无需登记原件核验',
          );
        }
        if (r.id_verified_at) {
          throw new AppError(
            'conflict',
            'registry.id_already_verified',
            `已于 ${shanghaiMinute(r.id_verified_at)} 登记核验（核验人：${r.id_verified_by}）`,
          );
        }
        const kinds = await attachmentKindsOf(tx, id);
        if (!kinds.has('id_card_copy')) {
          throw new AppError(
            'conflict',
            'registry.id_copy_missing',
            '请先上传身份证复印件，再登记身份证原件核验',
          );
        }
        const at = now();
        const ok = await updateVersioned(
          tx,
          'registry_records',
          id,
          r.version,
          {
            id_verified_by: input.verifiedBy,
            id_verified_note: input.note ?? null,
            id_verified_by_user: user.id,
            id_verified_by_user_name: user.displayName,
            id_verified_at: at,
            updated_at: at,
          },
          meta(user, at, 'form', `身份证原件已核验（核验人：${input.verifiedBy}）`, q.id),
        );
        if (!ok)
          throw new AppError(
            'conflict',
            'registry.record_changed',
            '记录已被他人修改，请刷新后再办理',
          );
        await logAction(tx, {
          recordId: id,
          requestId: null,
          action: 'verify_id',
          from: null,
          to: null,
          actor: actorOf(user),
          at,
          note: input.note ?? null,
          detail: {
            verifiedBy: input.verifiedBy,
            idNumber: maskCitizenId(r.id_number),
            problem: r.id_problem,
          },
        });
        await refreshFlags(tx, id);
        await audit.appendBy(tx, by, {
          action: 'registry.id_verification',
          result: 'success',
          target: { type: 'registry_record', id, unitId: r.unit_id },
          detail: { verifiedBy: input.verifiedBy, problem: r.id_problem, note: input.note ?? null },
        });
        return recordDetailIn(tx, id, user);
      });
    },

    async history(id: string, user: SessionUser) {
      const r = await loadRecord(db, id);
      assertReach(user, r.division_code);
      const rows = await db
        .selectFrom('record_versions')
        .selectAll()
        .where('entity_type', '=', 'registry_records')
        .where('entity_id', '=', id)
        .orderBy('version')
        .execute();
      const business = [
        'name',
        'id_number',
        'sex',
        'birth_date',
        'ethnicity',
        'division_code',
        'address',
        'phone',
        'category_code',
        'benefit',
        'status',
        'certificate_no',
        'id_verified_by',
      ];
      let previous: Record<string, unknown> = {};
      const versions = rows.map((row) => {
        const data = JSON.parse(row.data) as Record<string, unknown>;
        const changes = business
          .filter((k) => JSON.stringify(data[k] ?? null) !== JSON.stringify(previous[k] ?? null))
          .map((field) => ({ field, before: previous[field] ?? null, after: data[field] ?? null }));
        previous = data;
        return {
          version: row.version,
          changedAt: row.changed_at,
          changedByName: row.changed_by_name,
          method: row.method,
          reason: row.reason,
          approvalRef: row.approval_ref,
          changes,
        };
      });
      return { actions: await actionsOf(db, { recordId: id }), versions };
    },

    /** The one-page form (登记表) as data; the console prints it. */
    async printForm(id: string, user: SessionUser, by: AuditContext) {
      const d = await recordDetailIn(db, id, user);
      const actions = await actionsOf(db, { recordId: id });
      const b = d.benefit;
      const v = (x: string | number | null | undefined) =>
        x === null || x === undefined || x === '' ? '' : String(x);
      const signatures = actions
        .filter((a) => ['submit', 'report', 'pass', 'approve'].includes(a.action))
        .slice(-4)
        .map((a) => ({
          step: a.label,
          name: a.actorName,
          unit: a.actorUnitName,
          at: shanghaiMinute(a.at),
        }));
      await audit.enqueue({
        ...auditOf(by),
        action: 'registry.record_print',
        result: 'success',
        target: { type: 'registry_record', id, unitId: d.unitId },
      });
      return {
        title: '优抚对象信息登记表',
        recordNo: d.recordNo,
        printedAt: shanghaiMinute(now()),
        sections: [
          {
            title: '基本信息',
            rows: [
              { label: '姓名', value: d.name },
              { label: '公民身份号码', value: d.idNumber },
              { label: '性别', value: v(d.sex) },
              { label: '出生日期', value: v(d.birthDate) },
              { label: '民族', value: v(d.ethnicity) },
              { label: '行政区划', value: `${d.divisionName}（${d.divisionCode}）` },
              { label: '住址', value: v(d.address) },
              { label: '联系电话', value: v(d.phone) },
            ],
          },
          {
            title: '优抚信息',
            rows: [
              { label: '优抚类别', value: d.categoryName },
              { label: '证书编号', value: v(d.certificateNo) },
              ...(Object.keys(benefitLabels) as (keyof Benefit)[])
                .filter((k) => v(b[k]) !== '')
                .map((k) => ({ label: benefitLabels[k], value: v(b[k]) })),
              { label: '状态', value: d.statusLabel },
              { label: '录入单位', value: d.unitName },
            ],
          },
        ],
        attachments: d.attachments.map((a) => ({
          kindLabel: a.kindLabel,
          fileName: a.fileName,
          sm3: a.sm3,
        })),
        signatures,
      };
    },

    /** Issues the number of an approved historical record that has none (REG-07). */
    async completeCertificate(id: string, user: SessionUser, by: AuditContext) {
      return withTransaction(db, async (tx) => {
        const r = await loadRecord(tx, id);
        const reach = assertReach(user, r.division_code);
        assertLevel(reach, ['province'], '补发证书编号');
        await assertUnlocked(tx);
        if (r.status !== 'approved' && r.status !== 'suspended') {
          throw new AppError('conflict', 'registry.wrong_turn', '只有已审批的记录可以补发证书编号');
        }
        if (r.certificate_no) {
          throw new AppError(
            'conflict',
            'registry.certificate_exists',
            `该记录已有证书编号 ${r.certificate_no}`,
          );
        }
        const at = now();
        const number = await issueCertificate(tx, r, user, at);
        const ok = await updateVersioned(
          tx,
          'registry_records',
          id,
          r.version,
          { certificate_no: number, certificate_issued_at: at, updated_at: at },
          meta(user, at, 'form', '历史数据补发证书编号'),
        );
        if (!ok)
          throw new AppError(
            'conflict',
            'registry.record_changed',
            '记录已被他人修改，请刷新后再办理',
          );
        await logAction(tx, {
          recordId: id,
          requestId: null,
          action: 'certificate',
          from: null,
          to: null,
          actor: actorOf(user),
          at,
          detail: { certificateNo: number },
        });
        await audit.appendBy(tx, by, {
          action: 'registry.certificate_complete',
          result: 'success',
          target: { type: 'registry_record', id, unitId: r.unit_id },
          detail: { certificateNo: number },
        });
        return recordDetailIn(tx, id, user);
      });
    },

    /** Files a change, transfer, suspension, resumption or cancellation of an approved record. */
    async fileRequest(id: string, input: RequestCreate, user: SessionUser, by: AuditContext) {
      screenOrThrow(proposalTexts(input));
      const created = await withTransaction(db, async (tx) => {
        const r = await loadRecord(tx, id);
        const reach = assertReach(user, r.division_code);
        assertLevel(reach, enterLevels, requestKindLabels[input.kind]);
        await assertUnlocked(tx);
        if (!kindAllowed(r.status, input.kind)) {
          throw new AppError(
            'conflict',
            'registry.wrong_turn',
            `记录当前为“${recordStatusLabels[r.status]}”，不能申请${requestKindLabels[input.kind]}`,
          );
        }
        if (r.open_request_id) {
          const open = await loadRequest(tx, r.open_request_id);
          throw new AppError(
            'conflict',
            'registry.request_open',
            `该记录已有未办结的${requestKindLabels[open.kind]}申请（${open.no}，${requestStatusLabels[open.status]}），请办结后再申请`,
          );
        }
        await validateProposal(tx, r, input);
        const at = now();
        const q = await insertRequest(tx, r, input.kind, input, input.reason, user, at);
        await audit.appendBy(tx, by, {
          action: 'registry.request_create',
          result: 'success',
          target: { type: 'registry_request', id: q.id, unitId: user.unitId },
          detail: { no: q.no, kind: q.kind, recordId: r.id },
        });
        return q;
      });
      return requestDetailIn(db, created.id, user);
    },

    async queue(query: QueueQuery, user: SessionUser) {
      const { page, nextCursor } = await queuePage(query, user);
      const total = await queueQuery(query, user)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      const opened = await queueQuery(query, user)
        .innerJoin('registry_actions as a', 'a.request_id', 'q.id')
        .where('a.action', '=', 'open')
        .where('a.actor_id', '=', user.id)
        .whereRef('a.id', '>', 'q.stage_action_id')
        .select((eb) => eb.fn.count<number>('q.id').distinct().as('n'))
        .executeTakeFirstOrThrow();
      return {
        items: await requestSummaries(db, page, user),
        nextCursor,
        total: Number(total.n),
        unopened: Number(total.n) - Number(opened.n),
      };
    },

    async exportQueue(query: QueueQuery, user: SessionUser, by: AuditContext): Promise<Buffer> {
      const rows = await queueQuery(query, user)
        .selectAll('q')
        .orderBy('q.id', 'desc')
        .limit(100_000)
        .execute();
      const items = await requestSummaries(db, rows, user);
      await audit.enqueue({
        ...auditOf(by),
        action: 'registry.queue_export',
        result: 'success',
        target: { type: 'registry_requests', id: query.queue, unitId: user.unitId },
        recordCount: items.length,
      });
      const titles: Record<Queue, string> = {
        to_enter: '待录入',
        to_check: '待复核',
        to_review: '待审核',
        to_approve: '待审批',
        returned: '被退回',
      };
      return writeListXlsx(
        `优抚工作队列（${titles[query.queue]}）`,
        [
          { header: '申请编号', width: 18 },
          { header: '类型', width: 10 },
          { header: '姓名', width: 10 },
          { header: '公民身份号码', width: 22 },
          { header: '行政区划', width: 22 },
          { header: '优抚类别', width: 16 },
          { header: '录入单位', width: 22 },
          { header: '状态', width: 8 },
          { header: '退回理由', width: 30 },
          { header: '更新时间', width: 18 },
        ],
        items.map((q) => [
          q.no,
          q.kindLabel,
          q.name,
          q.idNumberMasked,
          q.divisionName,
          q.categoryName,
          q.unitName,
          q.statusLabel,
          q.returnReason,
          shanghaiMinute(q.updatedAt),
        ]),
        `导出：${user.displayName}（${user.unitName}） ${shanghaiMinute(now())}，共 ${items.length} 条`,
      );
    },

    /**
     * 全部审核 / 全部审批 (REG-06): allowed only when the caller opened every request of the
     * list since it reached its stage; all or nothing, in one transaction.
     */
    async bulkAct(
      body: { action: 'pass' | 'approve'; requestIds: string[]; note?: string | undefined },
      user: SessionUser,
      by: AuditContext,
    ) {
      const ids = [...new Set(body.requestIds)];
      return keepingSuspectFlags(() =>
        withTransaction(db, async (tx) => {
          await assertUnlocked(tx);
          const opened = await openedByUser(tx, ids, user.id);
          const unopened = ids.filter((i) => !opened.has(i));
          if (unopened.length > 0) {
            const reach = reachOf(user);
            // Out-of-scope ids are refused as such, not counted as unopened.
            for (let i = 0; i < unopened.length; i += 500) {
              const rows = await tx
                .selectFrom('registry_requests')
                .select('division_code')
                .where('id', 'in', unopened.slice(i, i + 500))
                .execute();
              if (rows.some((r) => !r.division_code.startsWith(reach.prefix))) throw outOfScope();
            }
            throw new AppError(
              'conflict',
              'registry.not_all_opened',
              `列表中还有 ${unopened.length} 条未逐条打开查看，不能${body.action === 'pass' ? '全部审核' : '全部审批'}`,
              { errors: unopened.slice(0, 50).map((i) => ({ path: 'requestIds', message: i })) },
            );
          }
          const rules = (await setting<RuleSetting>(tx, 'certificate_rules')) ?? {
            rules: [],
            prefix: '',
          };
          const certificateNumbers: { requestId: string; certificateNo: string }[] = [];
          for (const id of ids) {
            const { certificate } = await actOn(
              tx,
              id,
              { action: body.action, note: body.note },
              user,
              by,
              { bulk: { rules } },
            );
            if (certificate) certificateNumbers.push({ requestId: id, certificateNo: certificate });
          }
          return { done: ids.length, certificateNumbers };
        }),
      );
    },

    async getRequest(id: string, user: SessionUser, by: AuditContext): Promise<RequestDetail> {
      const detail = await requestDetailIn(db, id, user);
      await audit.enqueue({
        ...auditOf(by),
        action: 'registry.request_read',
        result: 'success',
        target: { type: 'registry_request', id, unitId: detail.record.unitId },
      });
      return detail;
    },

    async updateRequest(id: string, input: RequestUpdate, user: SessionUser, by: AuditContext) {
      screenOrThrow(proposalTexts(input.proposal));
      await withTransaction(db, async (tx) => {
        const q = await loadRequest(tx, id);
        const reach = assertReach(user, q.division_code);
        assertLevel(reach, enterLevels, '修改申请');
        await assertUnlocked(tx);
        if (q.kind === 'register') {
          throw new AppError('conflict', 'registry.wrong_turn', '登记申请请直接修改记录');
        }
        if (q.status !== 'draft' && q.status !== 'returned') {
          throw new AppError(
            'conflict',
            'registry.wrong_turn',
            `申请当前为“${requestStatusLabels[q.status]}”，不能修改`,
          );
        }
        if (input.proposal.kind !== q.kind) {
          throw new AppError(
            'invalid',
            'registry.kind_fixed',
            '申请类型不能修改，请撤回后重新申请',
          );
        }
        if (input.version !== q.version) {
          throw new AppError(
            'conflict',
            'registry.request_changed',
            '申请已被他人修改，请刷新后再修改',
          );
        }
        const duty = checkDuties(
          await dutyHistory(tx, q.id),
          { action: 'edit', actorId: user.id },
          registryDutyRoles,
        );
        if (!duty.ok) throw new AppError('forbidden', duty.code, duty.message);
        const r = await loadRecord(tx, q.record_id);
        await validateProposal(tx, r, input.proposal);
        const at = now();
        await tx
          .updateTable('registry_requests')
          .set({
            proposal: JSON.stringify(input.proposal),
            reason: input.proposal.reason,
            version: q.version + 1,
            updated_at: at,
          })
          .where('id', '=', id)
          .execute();
        await logAction(tx, {
          recordId: q.record_id,
          requestId: id,
          action: 'edit',
          from: q.status,
          to: q.status,
          actor: actorOf(user),
          at,
          note: input.proposal.reason,
        });
        await audit.appendBy(tx, by, {
          action: 'registry.request_edit',
          result: 'success',
          target: { type: 'registry_request', id, unitId: q.unit_id },
          detail: { no: q.no, version: q.version + 1 },
        });
      });
      return requestDetailIn(db, id, user);
    },

    async act(id: string, body: RequestActionBody, user: SessionUser, by: AuditContext) {
      await keepingSuspectFlags(() => withTransaction(db, (tx) => actOn(tx, id, body, user, by)));
      return requestDetailIn(db, id, user);
    },

    /** Status from the action logs, for the tests that hold the columns to them. */
    derivedRequestStatus: (id: string) => derivedRequestStatus(db, id),
    derivedRecordStatus: (id: string) => derivedRecordStatus(db, id),

    // ---- problem data (REG-11) ----

    async problems(
      query: {
        countyCode?: string | undefined;
        kind?: string | undefined;
        status?: 'open' | 'cleared' | 'corrected' | undefined;
        cursor?: string | undefined;
        limit: number;
      },
      user: SessionUser,
    ) {
      const reach = reachOf(user);
      let q = problemQuery(db).where(
        query.countyCode
          ? divisionCondition(reach, query.countyCode, 'p')
          : scopeCondition(reach, 'p'),
      );
      if (query.kind) q = q.where('p.kind', '=', query.kind);
      if (query.status) q = q.where('p.status', '=', query.status);
      const after = recordCursorOk(query.cursor);
      if (after) q = q.where('p.id', '<', after);
      const rows = await q
        .orderBy('p.id', 'desc')
        .limit(query.limit + 1)
        .execute();
      const page = rows.slice(0, query.limit);
      let counts = db
        .selectFrom('registry_problems as p')
        .select([
          'p.county_code',
          (eb) => eb.fn.countAll<number>().as('total'),
          (eb) =>
            eb.fn
              .sum<number>(eb.case().when('p.status', '=', 'open').then(1).else(0).end())
              .as('open'),
        ])
        .where(
          query.countyCode
            ? divisionCondition(reach, query.countyCode, 'p')
            : scopeCondition(reach, 'p'),
        )
        .groupBy('p.county_code')
        .orderBy('p.county_code');
      if (query.kind) counts = counts.where('p.kind', '=', query.kind);
      const perCounty = await counts.execute();
      const names = await divisionNames(
        db,
        perCounty.map((c) => c.county_code),
      );
      return {
        items: await problemViews(db, page),
        nextCursor: rows.length > query.limit ? encodeCursor([page[page.length - 1]!.id]) : null,
        counties: perCounty.map((c) => {
          const total = Number(c.total);
          const open = Number(c.open ?? 0);
          return {
            countyCode: c.county_code,
            countyName: names.get(c.county_code) ?? c.county_code,
            total,
            open,
            resolved: total - open,
            cleanupRate: total > 0 ? (total - open) / total : null,
          };
        }),
      };
    },

    /**
     * The half-yearly problem screening (问题数据筛查) over formal data: missing key information,
     * invalid ID numbers, category/benefit inconsistencies and possible duplicates. Problems no
     * longer present are closed as corrected.
     */
    async screenProblems(user: SessionUser, by: AuditContext) {
      assertLevel(reachOf(user), ['province'], '问题数据筛查');
      return withTransaction(db, async (tx) => {
        await assertUnlocked(tx);
        const categories = await loadCategories(tx);
        const at = now();
        let scanned = 0;
        let flagged = 0;
        let corrected = 0;
        let after = '';
        const touched = new Set<string>();
        for (;;) {
          const rows = await tx
            .selectFrom('registry_records')
            .selectAll()
            .where('status', 'in', ['approved', 'suspended'])
            .where('id', '>', after)
            .orderBy('id')
            .limit(1000)
            .execute();
          if (rows.length === 0) break;
          after = rows[rows.length - 1]!.id;
          const ids = rows.map((r) => r.id);
          const open = await tx
            .selectFrom('registry_problems')
            .select(['id', 'record_id', 'kind'])
            .where('record_id', 'in', ids)
            .where('status', '=', 'open')
            .execute();
          const openKeys = new Map(open.map((p) => [`${p.record_id}|${p.kind}`, p.id]));
          for (const r of rows) {
            scanned += 1;
            const found = detectProblems(r, categories.get(r.category_code));
            const foundKinds = new Set(found.map((f) => f.kind));
            for (const f of found) {
              if (openKeys.has(`${r.id}|${f.kind}`)) continue;
              await tx
                .insertInto('registry_problems')
                .values({
                  id: uuidv7(),
                  record_id: r.id,
                  province_code: r.province_code,
                  city_code: r.city_code,
                  county_code: r.county_code,
                  kind: f.kind,
                  detail: f.detail,
                  status: 'open',
                  open_key: `${r.id}|${f.kind}`,
                  detected_at: at,
                  resolved_at: null,
                  resolved_by: null,
                  resolved_by_name: null,
                  resolution_note: null,
                })
                .execute();
              flagged += 1;
              touched.add(r.id);
            }
            for (const p of open.filter(
              (o) => o.record_id === r.id && o.kind !== 'duplicate_suspect',
            )) {
              if (foundKinds.has(p.kind as ProblemKind)) continue;
              await tx
                .updateTable('registry_problems')
                .set({
                  status: 'corrected',
                  open_key: null,
                  resolved_at: at,
                  resolved_by: null,
                  resolved_by_name: '系统复查',
                  resolution_note: '筛查时已不存在',
                })
                .where('id', '=', p.id)
                .execute();
              corrected += 1;
              touched.add(r.id);
            }
          }
        }
        // Possible duplicates across the province: same name, birth date and county.
        const groups = await tx
          .selectFrom('registry_records')
          .select('person_key')
          .where('status', 'in', ['approved', 'suspended'])
          .groupBy('person_key')
          .having((eb) => eb.fn.countAll(), '>', 1)
          .execute();
        for (const g of groups) {
          const members = await tx
            .selectFrom('registry_records')
            .selectAll()
            .where('person_key', '=', g.person_key)
            .where('status', 'in', ['approved', 'suspended'])
            .execute();
          for (const m of members) {
            const before = await tx
              .selectFrom('registry_problems')
              .select('id')
              .where('open_key', '=', `${m.id}|duplicate_suspect`)
              .executeTakeFirst();
            const { fresh } = await flagSuspects(tx, m, at);
            if (fresh.length > 0 && !before) flagged += 1;
            touched.add(m.id);
          }
        }
        for (const id of touched) await refreshFlags(tx, id);
        await audit.appendBy(tx, by, {
          action: 'registry.problem_screening',
          result: 'success',
          target: { type: 'registry_problems', id: reachOf(user).code, unitId: user.unitId },
          recordCount: scanned,
          detail: { flagged, corrected },
        });
        return { scanned, flagged, corrected };
      });
    },

    /** The county clears a problem against the file materials, or confirms it was corrected. */
    async resolveProblem(
      id: string,
      input: { resolution: 'cleared' | 'corrected'; note: string },
      user: SessionUser,
      by: AuditContext,
    ): Promise<Problem> {
      screenOrThrow({ note: input.note });
      return withTransaction(db, async (tx) => {
        const p = await tx
          .selectFrom('registry_problems')
          .selectAll()
          .where('id', '=', id)
          .executeTakeFirst();
        if (!p) throw new AppError('not_found', 'registry.problem_not_found', '问题数据不存在');
        const reach = assertReach(user, p.county_code);
        assertLevel(reach, ['county'], '清理问题数据');
        await assertUnlocked(tx);
        if (p.status !== 'open') {
          throw new AppError(
            'conflict',
            'registry.problem_closed',
            `该问题已于 ${shanghaiMinute(p.resolved_at!)} 处理`,
          );
        }
        const r = await loadRecord(tx, p.record_id);
        if (input.resolution === 'corrected') {
          const categories = await loadCategories(tx);
          const still =
            p.kind === 'duplicate_suspect'
              ? (await suspectsOf(tx, r)).length > 0
              : detectProblems(r, categories.get(r.category_code)).some((f) => f.kind === p.kind);
          if (still) {
            throw new AppError(
              'conflict',
              'registry.problem_still_present',
              `问题仍然存在（${p.detail}）：已审批的记录须通过变更申请更正，审批通过后再确认已更正；核实无误的请选择“核实无误”`,
            );
          }
        }
        const at = now();
        await tx
          .updateTable('registry_problems')
          .set({
            status: input.resolution,
            open_key: null,
            resolved_at: at,
            resolved_by: user.id,
            resolved_by_name: user.displayName,
            resolution_note: input.note,
          })
          .where('id', '=', id)
          .execute();
        await logAction(tx, {
          recordId: r.id,
          requestId: null,
          action: 'problem_resolve',
          from: 'open',
          to: input.resolution,
          actor: actorOf(user),
          at,
          note: input.note,
          detail: { kind: p.kind, detail: p.detail },
        });
        await refreshFlags(tx, r.id);
        await audit.appendBy(tx, by, {
          action: 'registry.problem_resolve',
          result: 'success',
          target: { type: 'registry_record', id: r.id, unitId: r.unit_id },
          detail: { problemId: id, kind: p.kind, resolution: input.resolution, note: input.note },
        });
        const [view] = await problemViews(
          tx,
          await problemQuery(tx).where('p.id', '=', id).execute(),
        );
        return view!;
      });
    },

    // ---- imports (SEC-02: the same rules and screening as a form, all or nothing) ----

    async importRecords(
      body: Readable,
      options: {
        fileName: string;
        format?: 'csv' | 'xlsx' | undefined;
        mode: 'draft' | 'historical';
      },
      user: SessionUser,
      by: AuditContext,
    ) {
      const reach = reachOf(user);
      if (options.mode === 'draft') assertLevel(reach, enterLevels, '批量录入');
      else assertLevel(reach, ['province'], '导入历史数据');
      const format =
        options.format ??
        (/\.xlsx$/i.test(options.fileName)
          ? 'xlsx'
          : /\.(csv|txt)$/i.test(options.fileName)
            ? 'csv'
            : null);
      if (!format) {
        throw new AppError(
          'invalid',
          'import.format_unknown',
          '无法从文件名判断格式：请上传 .csv 或 .xlsx 文件',
        );
      }
      screenOrThrow({ fileName: options.fileName });
      // Locked data is said first, before the file is read (REG-10).
      await withTransaction(db, (tx) => assertUnlocked(tx));
      const file = await readImportFile(body, format, {
        maxBytes: ctx.config.importMaxBytes,
        scanCommand: ctx.config.scanCommand,
      });
      if (file.rows.length === 0) throw new AppError('invalid', 'import.empty', '文件中没有数据行');
      const categories = await loadCategories(db);
      const byName = new Map([...categories.values()].map((c) => [c.name, c.code]));
      const errors: FieldError[] = [];
      const parsed: { row: ImportRow; fields: RecordFields; certificateNo: string | null }[] = [];
      const seenIds = new Map<string, number>();
      for (const row of file.rows) {
        const rowErrors = importRowErrors(
          row,
          reach,
          categories,
          byName,
          options.mode,
          seenIds,
          errors,
        );
        if (rowErrors) parsed.push(rowErrors);
      }
      if (errors.length === 0) {
        // Duplicates against the registry, in batches.
        const ids = parsed.map((p) => idCheck(p.fields.idNumber).id18);
        for (let i = 0; i < ids.length; i += 500) {
          const taken = await db
            .selectFrom('registry_records')
            .select(['id_number_key', 'record_no'])
            .where('id_number_key', 'in', ids.slice(i, i + 500))
            .execute();
          for (const t of taken) {
            const p = parsed.find((x) => idCheck(x.fields.idNumber).id18 === t.id_number_key)!;
            errors.push({
              path: `第 ${p.row.rowNumber} 行 公民身份号码`,
              message: `已在全省登记（${t.record_no}），同一人不能重复登记`,
            });
          }
        }
        const numbers = parsed.map((p) => p.certificateNo).filter((n): n is string => !!n);
        for (let i = 0; i < numbers.length; i += 500) {
          const taken = await db
            .selectFrom('registry_certificates')
            .select('number')
            .where('number', 'in', numbers.slice(i, i + 500))
            .execute();
          for (const t of taken)
            errors.push({ path: '证书编号', message: `证书编号 ${t.number} 已使用过，不能重复` });
        }
      }
      if (errors.length > 0) {
        throw new AppError(
          'invalid',
          'registry.import_invalid',
          `文件中有 ${errors.length} 处错误，未导入任何数据：${errors
            .slice(0, 3)
            .map((e) => `${e.path} ${e.message}`)
            .join('；')}`,
          { errors: errors.slice(0, 500) },
        );
      }
      return withTransaction(db, async (tx) => {
        await assertUnlocked(tx);
        const at = now();
        const recordIds: string[] = [];
        for (const p of parsed) {
          const cols = columnsOf(p.fields);
          const row = await insertDraftRecord(tx, cols, user, at, {
            historical: options.mode === 'historical',
            how: meta(user, at, 'import', `导入：${options.fileName} 第 ${p.row.rowNumber} 行`),
            detail: { fileName: options.fileName, rowNumber: p.row.rowNumber },
          });
          if (options.mode === 'draft') {
            await insertRequest(tx, row, 'register', null, null, user, at);
            await flagSuspects(tx, row, at);
          } else {
            // Approved in an earlier system: formal data at once, its number kept if it had one.
            await updateVersioned(
              tx,
              'registry_records',
              row.id,
              1,
              {
                status: 'approved',
                approved_at: at,
                certificate_no: p.certificateNo,
                certificate_issued_at: p.certificateNo ? at : null,
                updated_at: at,
              },
              meta(user, at, 'import', '历史已审批数据'),
            );
            if (p.certificateNo) {
              await tx
                .insertInto('registry_certificates')
                .values({
                  number: p.certificateNo,
                  record_id: row.id,
                  category_code: row.category_code,
                  issued_at: at,
                  issued_by: user.id,
                })
                .execute();
            }
            await logAction(tx, {
              recordId: row.id,
              requestId: null,
              action: 'import_historical',
              from: 'draft',
              to: 'approved',
              actor: actorOf(user),
              at,
              detail: { fileName: options.fileName },
            });
          }
          await refreshFlags(tx, row.id);
          recordIds.push(row.id);
        }
        await audit.appendBy(tx, by, {
          action: options.mode === 'draft' ? 'registry.import' : 'registry.historical_import',
          result: 'success',
          target: { type: 'registry_records', id: reach.code, unitId: user.unitId },
          recordCount: recordIds.length,
          detail: { fileName: options.fileName, format },
        });
        return { created: recordIds.length, recordIds };
      });
    },

    // ---- quality, backups, catalog ----

    async quality(user: SessionUser) {
      const reach = reachOf(user);
      const deadline = await setting<DeadlineSetting>(db, 'deadline');
      const review = (await setting<{ workingDays: number }>(db, 'review_days'))?.workingDays ?? 5;
      const backups = await service.backups();
      const lastBackup = backups[0] ?? null;
      const link = await service.catalogLink();
      const rows = await computeQuality(db, {
        scope: (alias) => scopeCondition(reach, alias),
        reachLevel: reach.level,
        reachCode: reach.code,
        deadline: deadline?.deadline ?? null,
        deadlineYear: deadline?.year ?? null,
        reviewWorkingDays: review,
        calendar: await calendar.calendar(),
        names: (codes) => divisionNames(db, codes),
        today: shanghaiDate(now()),
      });
      return {
        generatedAt: now(),
        reviewWorkingDays: review,
        deadline: deadline?.deadline ?? null,
        rows,
        lastBackup,
        backupCurrent:
          lastBackup !== null &&
          ctx.clock.now().getTime() - Date.parse(lastBackup.at) <= 31 * 86_400_000,
        // No province–ministry connection exists on this platform yet: said as it is.
        ministryLink: {
          status: 'not_connected' as const,
          label: '未接入（本平台尚未建立部省联网数据交换）',
        },
        catalog: link,
      };
    },

    async backups() {
      const rows = await db
        .selectFrom('registry_backups')
        .selectAll()
        .orderBy('at', 'desc')
        .limit(50)
        .execute();
      return rows.map((b) => ({
        id: b.id,
        at: b.at,
        location: b.location,
        note: b.note,
        recordedByName: b.recorded_by_name,
        recordedAt: b.recorded_at,
      }));
    },

    async recordBackup(
      input: { at?: string | undefined; location: string; note?: string | undefined },
      user: SessionUser,
      by: AuditContext,
    ) {
      assertLevel(reachOf(user), ['province'], '登记数据备份');
      screenOrThrow({ location: input.location, note: input.note });
      const at = now();
      const when = input.at ? new Date(input.at).toISOString() : at;
      if (Date.parse(when) > Date.parse(at) + 60_000) {
        throw new AppError('invalid', 'registry.backup_future', '备份时间不能晚于现在');
      }
      const row = {
        id: uuidv7(),
        at: when,
        location: input.location,
        note: input.note ?? null,
        recorded_by: user.id,
        recorded_by_name: user.displayName,
        recorded_at: at,
      };
      await withTransaction(db, async (tx) => {
        await tx.insertInto('registry_backups').values(row).execute();
        await audit.appendBy(tx, by, {
          action: 'registry.backup_record',
          result: 'success',
          target: { type: 'registry_backup', id: row.id, unitId: user.unitId },
          detail: { at: when, location: input.location },
        });
      });
      return {
        id: row.id,
        at: row.at,
        location: row.location,
        note: row.note,
        recordedByName: row.recorded_by_name,
        recordedAt: row.recorded_at,
      };
    },

    async catalogLink() {
      const link = await setting<{ resourceId: string; code: string }>(db, 'catalog_link');
      if (!link) return { resourceId: null, code: null, sharingType: null, openType: null };
      const entry = await catalog.publishedEntry(link.resourceId);
      return {
        resourceId: link.resourceId,
        code: link.code,
        sharingType: entry?.content.sharingType ?? null,
        openType: entry?.content.openType ?? null,
      };
    },

    /**
     * Names the catalog entry that registers the registry's data (REG-12): it must be published,
     * not shared (or conditional on the ministry's approval) and not open; from then on the
     * catalog refuses any version of it that would expose the data.
     */
    async setCatalogLink(resourceId: string, user: SessionUser, by: AuditContext) {
      assertLevel(reachOf(user), ['province'], '登记优抚数据目录');
      const entry = await catalog.publishedEntry(resourceId);
      if (!entry)
        throw new AppError(
          'not_found',
          'registry.catalog_entry_not_found',
          '目录中没有已发布的该条目',
        );
      const findings = exposureFindings(entry.content);
      if (findings.length > 0) {
        throw new AppError(
          'invalid',
          'registry.catalog_exposed',
          findings.map((f) => f.message).join('；'),
        );
      }
      await withTransaction(db, async (tx) => {
        await putSetting(tx, 'catalog_link', { resourceId, code: entry.code }, user);
        await audit.appendBy(tx, by, {
          action: 'registry.catalog_link',
          result: 'success',
          target: { type: 'catalog_entry', id: resourceId, unitId: entry.providerUnitId },
          detail: { code: entry.code, sharingType: entry.content.sharingType },
        });
      });
      return service.catalogLink();
    },
  };

  // ---- helpers needing the service's closures ----

  /** Runs a step; when it was refused for a possible duplicate, the flag is kept for the county. */
  async function keepingSuspectFlags<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof SuspectedDuplicate) {
        await withTransaction(db, async (tx) => {
          const r = await loadRecord(tx, error.recordId);
          await flagSuspects(tx, { ...r, person_key: error.personKey }, now());
          await refreshFlags(tx, r.id);
        });
      }
      throw error;
    }
  }

  async function deadlineView(d: DeadlineSetting) {
    const cal = await calendar.calendar();
    const today = shanghaiDate(now());
    const completionDue = cal.addWorkingDays(d.deadline, d.completionWorkingDays);
    const daysLeft = Math.round((Date.parse(d.deadline) - Date.parse(today)) / 86_400_000);
    return { ...d, completionDue, daysLeft, passed: today > d.deadline };
  }

  function assertRecordDivision(code: string) {
    const level = divisionLevel(code);
    if (!level || level === 'province' || level === 'city' || !deps.isDivisionCode(code)) {
      throw new AppError(
        'invalid',
        'registry.division_invalid',
        `行政区划代码 ${code} 不存在或不是县级及以下区划`,
        {
          errors: [{ path: 'divisionCode', message: '请选择县级或乡镇（街道）行政区划' }],
        },
      );
    }
  }

  function assertCategory(categories: Map<string, Category>, code: string) {
    const c = categories.get(code);
    if (!c || !c.active) {
      throw new AppError(
        'invalid',
        'registry.category_unknown',
        `优抚类别 ${code} 不存在或已停用`,
        {
          errors: [{ path: 'categoryCode', message: '请选择优抚类别' }],
        },
      );
    }
  }

  /** The registration request a draft can be edited in. */
  async function editableRegistration(tx: Tx, r: RecordRow): Promise<RequestRow> {
    const q = r.open_request_id ? await loadRequest(tx, r.open_request_id) : null;
    if (!q || q.kind !== 'register') {
      throw new AppError(
        'conflict',
        'registry.not_editable',
        r.status === 'draft'
          ? '该记录已作废'
          : '已审批的记录不能直接修改，请提出变更申请，经逐级审核审批后生效',
      );
    }
    if (q.status !== 'draft' && q.status !== 'returned') {
      throw new AppError(
        'conflict',
        'registry.wrong_turn',
        `该记录当前为“${requestStatusLabels[q.status]}”，不能修改；如需修改请由上级退回`,
      );
    }
    return q;
  }

  /** The open request (registration or change) whose materials may still change. */
  async function editableRequest(tx: Tx, r: RecordRow): Promise<RequestRow> {
    const q = r.open_request_id ? await loadRequest(tx, r.open_request_id) : null;
    if (!q) {
      throw new AppError(
        'conflict',
        'registry.not_editable',
        '已审批的记录不能直接修改，补充扫描件请提出变更申请',
      );
    }
    if (q.status !== 'draft' && q.status !== 'returned') {
      throw new AppError(
        'conflict',
        'registry.wrong_turn',
        `申请当前为“${requestStatusLabels[q.status]}”，不能修改材料`,
      );
    }
    return q;
  }

  async function validateProposal(tx: Tx, r: RecordRow, input: RequestCreate) {
    if (input.kind === 'change') {
      const keys = Object.entries(input.changes).filter(([, v]) => v !== undefined);
      if (keys.length === 0)
        throw new AppError('invalid', 'registry.change_empty', '请填写要变更的内容');
      const target = proposedFields(r, input);
      const parsed = RecordFields.safeParse(target);
      if (!parsed.success) {
        throw new AppError('invalid', 'registry.change_invalid', '变更后的内容有误', {
          errors: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
        });
      }
      if (input.changes.categoryCode)
        assertCategory(await loadCategories(tx), input.changes.categoryCode);
      if (input.changes.idNumber) {
        const id = idCheck(input.changes.idNumber);
        if (!id.valid) {
          throw new AppError(
            'invalid',
            'registry.id_invalid',
            `变更后的身份证号码${id.problem}；号码有误的请对照身份证原件更正`,
            {
              errors: [{ path: 'changes.idNumber', message: id.problem ?? '校验不通过' }],
            },
          );
        }
        await assertNoDuplicateId(tx, id.id18, r.id);
      }
    }
    if (input.kind === 'transfer') {
      assertRecordDivision(input.divisionCode);
      if (input.divisionCode === r.division_code) {
        throw new AppError('invalid', 'registry.transfer_same', '迁入地与现所在地相同');
      }
      if (input.divisionCode.slice(0, 2) !== r.division_code.slice(0, 2)) {
        throw new AppError(
          'invalid',
          'registry.transfer_out_of_province',
          '跨省迁移须由迁入省办理接收，本省只能在省内迁移',
        );
      }
    }
  }

  function importRowErrors(
    row: ImportRow,
    reach: Reach,
    categories: Map<string, Category>,
    byName: Map<string, string>,
    mode: 'draft' | 'historical',
    seenIds: Map<string, number>,
    errors: FieldError[],
  ): { row: ImportRow; fields: RecordFields; certificateNo: string | null } | null {
    const v = row.values;
    const at = (label: string) => `第 ${row.rowNumber} 行 ${label}`;
    let failed = false;
    const fail = (label: string, message: string) => {
      errors.push({ path: at(label), message });
      failed = true;
    };
    // Every text cell is screened, the columns the form does not have included (SEC-02).
    for (const hit of screenFields(v)) {
      fail(labelOf(hit.field), hit.findings.map((f) => f.reason).join('；'));
    }
    const category =
      byName.get(v.category ?? '') ?? (categories.has(v.category ?? '') ? v.category : undefined);
    if (!category) fail('优抚类别', `“${v.category ?? ''}”不是现有的优抚类别`);
    const num = (s: string | undefined) => (s ? Number(s) : null);
    const orNull = (s: string | undefined) => (s ? s : null);
    const candidate = {
      name: v.name ?? '',
      idNumber: v.idNumber ?? '',
      sex: orNull(v.sex),
      birthDate: orNull(v.birthDate),
      ethnicity: orNull(v.ethnicity),
      divisionCode: v.divisionCode ?? '',
      address: orNull(v.address),
      phone: orNull(v.phone),
      categoryCode: category ?? '00',
      benefit: {
        disabilityGrade: orNull(v['benefit.disabilityGrade']),
        disabilityNature: orNull(v['benefit.disabilityNature']),
        deceasedName: orNull(v['benefit.deceasedName']),
        relation: orNull(v['benefit.relation']),
        serviceStart: orNull(v['benefit.serviceStart']),
        serviceEnd: orNull(v['benefit.serviceEnd']),
        monthlyAmount: num(v['benefit.monthlyAmount']),
        recognisedOn: orNull(v['benefit.recognisedOn']),
        note: orNull(v['benefit.note']),
      },
    };
    const parsed = RecordFields.safeParse(candidate);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const field = issue.path.join('.');
        fail(labelOf(field), issue.message);
      }
      return null;
    }
    const fields = parsed.data;
    if (!fields.divisionCode.startsWith(reach.prefix)) fail('行政区划代码', '不在本单位管辖范围内');
    else {
      try {
        assertRecordDivision(fields.divisionCode);
      } catch (e) {
        fail('行政区划代码', (e as AppError).message);
      }
    }
    const id = idCheck(fields.idNumber);
    if (mode === 'draft' && !id.valid) {
      // A form entry may keep an invalid number until the card is verified; an import may not.
      fail('公民身份号码', `${id.problem}（号码有误的请逐条录入并核验身份证原件）`);
    }
    const earlier = seenIds.get(id.id18);
    if (earlier) fail('公民身份号码', `与第 ${earlier} 行重复`);
    seenIds.set(id.id18, row.rowNumber);
    const certificateNo = mode === 'historical' ? orNull(v.certificateNo) : null;
    if (mode === 'draft' && v.certificateNo)
      fail('证书编号', '新录入的记录由省级审批时生成证书编号，不能导入');
    return failed ? null : { row, fields, certificateNo };
  }

  return service;
}

function proposalTexts(input: RequestCreate): Record<string, string | null | undefined> {
  const texts: Record<string, string | null | undefined> = { reason: input.reason };
  if (input.kind === 'change') Object.assign(texts, recordTexts(input.changes));
  if (input.kind === 'transfer') texts.address = input.address;
  return texts;
}

function auditOf(by: AuditContext) {
  return { actor: by.actor, clientIp: by.clientIp, requestId: by.requestId };
}

/** Runs the configured malware scanner over an attachment (the data module's scanner setting). */
async function scanAttachment(bytes: Buffer, configured: string | undefined): Promise<void> {
  const scanner = scannerCommand(configured);
  if (!scanner) return;
  const dir = await mkdtemp(join(tmpdir(), 'mzhub-scan-'));
  const path = join(dir, 'attachment.jpg');
  try {
    await writeFile(path, bytes, { mode: 0o600 });
    const [command, ...args] = scanner;
    const code = await new Promise<number>((resolve) => {
      execFile(command!, [...args, path], { timeout: 60_000 }, (error) =>
        resolve(error ? (typeof error.code === 'number' ? error.code : -1) : 0),
      );
    });
    if (code === 1) {
      throw new AppError('invalid', 'registry.attachment_infected', '文件未通过病毒扫描，已拒收');
    }
    if (code !== 0) {
      throw new AppError(
        'unavailable',
        'registry.attachment_scan_failed',
        '病毒扫描未能完成，文件未保存；请稍后重试',
      );
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export type RegistryService = ReturnType<typeof createRegistryService>;
export type { Finding };
