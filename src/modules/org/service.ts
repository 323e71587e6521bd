/**
 * The organisation register: administrative divisions (行政区划, GB/T 2260) with their
 * yearly updates, and units (单位) identified by their unified social credit code.
 * Rules live here; SQL lives in repository.ts.
 */
import type { AppContext } from '../../server/context.ts';
import { systemContext, type AuditContext, type AuditService } from '../audit/service.ts';
import { AppError, conflict, invalid, notFound } from '../../server/errors.ts';
import { withTransaction, type Tx } from '../../db/transaction.ts';
import type { ChangeMethod, DivisionTable, UnitTable } from '../../db/schema.ts';
import { decodeCursor, encodeCursor } from '../../lib/cursor.ts';
import { uuidv7 } from '../../lib/uuid.ts';
import { parseCitizenId } from '../../lib/ids/citizen-id.ts';
import { parseCreditCode } from '../../lib/ids/credit-code.ts';
import {
  diffDivisionTables,
  loadNationalTable,
  parseDivisionTable,
  type DivisionRow,
} from '../../lib/divisions/index.ts';
import { divisionPrefix } from '../iam/scope.ts';
import * as repo from './repository.ts';
import type {
  Division,
  DivisionDetail,
  DivisionImportRequest,
  DivisionImportResult,
  IdentifierCheckRequest,
  IdentifierCheckResult,
  Unit,
  UnitCreate,
  UnitList,
  UnitListQuery,
  UnitPatch,
} from './schemas.ts';

export const BUILTIN_DIVISIONS_SOURCE = '内置 GB/T 2260 县级以上行政区划代码表';

function toUnit(row: repo.UnitRow): Unit {
  return {
    id: row.id,
    name: row.name,
    creditCode: row.credit_code,
    divisionCode: row.division_code,
    divisionName: row.division_name,
    parentUnitId: row.parent_unit_id,
    parentUnitName: row.parent_unit_name,
    type: row.type,
    status: row.status,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function createOrgService(ctx: AppContext, audit: AuditService) {
  const { db, clock } = ctx;
  const now = () => clock.now().toISOString();

  /** Applies a division table in `tx` (the import and the first load share it). */
  async function applyDivisionTable(
    tx: Tx,
    incoming: DivisionRow[],
    source: { sourceName: string; note: string | null },
    by: AuditContext,
  ): Promise<DivisionImportResult> {
    const at = now();
    const current = await repo.allDivisions(tx);
    // A table covering some provinces only retires codes of those provinces: a province that
    // imports its own part must not retire the rest of the country.
    const provinces = new Set(incoming.map((r) => r.code.slice(0, 2)));
    const active = current
      .filter((d) => d.status === 'active' && provinces.has(d.code.slice(0, 2)))
      .map(toDivisionRow);
    const retiredCodes = new Set(current.filter((d) => d.status === 'retired').map((d) => d.code));
    const diff = diffDivisionTables(active, incoming);
    const batchId = uuidv7();
    await tx
      .insertInto('division_import_batches')
      .values({
        id: batchId,
        source_name: source.sourceName,
        imported_at: at,
        imported_by: by.actor?.id ?? null,
        row_count: incoming.length,
        added: diff.added.length,
        renamed: diff.renamed.length,
        retired: diff.retired.length,
        note: source.note,
      })
      .execute();

    const changes: Parameters<typeof repo.insertDivisionChanges>[1] = [];
    const fresh: DivisionTable[] = [];
    let restored = 0;
    for (const row of diff.added) {
      if (retiredCodes.has(row.code)) {
        // A code that comes back keeps its history: restored, not added anew.
        restored += 1;
        await repo.updateDivision(tx, row.code, {
          status: 'active',
          name: row.name,
          parent_code: row.parentCode,
          updated_at: at,
        });
        changes.push({
          batch_id: batchId,
          code: row.code,
          change: 'restored',
          old_name: null,
          new_name: row.name,
          at,
        });
      } else {
        fresh.push({
          code: row.code,
          name: row.name,
          level: row.level,
          parent_code: row.parentCode,
          status: 'active',
          created_at: at,
          updated_at: at,
        });
        changes.push({
          batch_id: batchId,
          code: row.code,
          change: 'added',
          old_name: null,
          new_name: row.name,
          at,
        });
      }
    }
    await repo.insertDivisions(tx, fresh);
    for (const r of diff.renamed) {
      await repo.updateDivision(tx, r.code, { name: r.newName, updated_at: at });
      changes.push({
        batch_id: batchId,
        code: r.code,
        change: 'renamed',
        old_name: r.oldName,
        new_name: r.newName,
        at,
      });
    }
    for (const row of diff.retired) {
      await repo.updateDivision(tx, row.code, { status: 'retired', updated_at: at });
      changes.push({
        batch_id: batchId,
        code: row.code,
        change: 'retired',
        old_name: row.name,
        new_name: null,
        at,
      });
    }
    await repo.insertDivisionChanges(tx, changes);
    await tx
      .updateTable('division_import_batches')
      .set({ added: diff.added.length - restored })
      .where('id', '=', batchId)
      .execute();
    // ORG-02: units on a retired code are reported, never silently re-pointed.
    await audit.appendBy(tx, by, {
      action: 'division.import',
      result: 'success',
      target: { type: 'division_import', id: batchId },
      recordCount: incoming.length,
      detail: {
        sourceName: source.sourceName,
        added: diff.added.length - restored,
        renamed: diff.renamed.length,
        retired: diff.retired.length,
        restored,
      },
    });
    const stranded = await repo.unitsOnDivisions(
      tx,
      diff.retired.map((d) => d.code),
    );
    return {
      batchId,
      rowCount: incoming.length,
      added: diff.added.length - restored,
      renamed: diff.renamed.length,
      retired: diff.retired.length,
      restored,
      unitsOnRetiredCodes: stranded.map((u) => ({
        unitId: u.id,
        unitName: u.name,
        divisionCode: u.division_code,
        divisionName: u.division_name,
      })),
    };
  }

  /** Checks the fields a unit write depends on; returns the normalised credit code. */
  async function checkUnitFields(
    tx: Tx,
    unitId: string | null,
    fields: {
      name: string;
      creditCode: string | null;
      divisionCode: string;
      parentUnitId: string | null;
    },
  ): Promise<void> {
    if (fields.creditCode !== null) {
      const parsed = parseCreditCode(fields.creditCode);
      if (!parsed.ok) {
        throw invalid('unit.credit_code_invalid', parsed.message, [
          { path: 'creditCode', message: parsed.message },
        ]);
      }
      const holder = await repo.findUnitByCreditCode(tx, fields.creditCode);
      if (holder && holder.id !== unitId) {
        throw new AppError(
          'conflict',
          'unit.credit_code_taken',
          `统一社会信用代码 ${fields.creditCode} 已被单位“${holder.name}”使用`,
          {
            errors: [{ path: 'creditCode', message: `已被单位“${holder.name}”使用` }],
          },
        );
      }
    }
    const division = await repo.findDivision(tx, fields.divisionCode);
    if (!division) {
      throw invalid('unit.division_unknown', `行政区划代码 ${fields.divisionCode} 不存在`, [
        { path: 'divisionCode', message: '行政区划代码不存在' },
      ]);
    }
    if (division.status === 'retired') {
      const message = `行政区划 ${division.code}（${division.name}）已撤销，请选择现行的行政区划`;
      throw invalid('unit.division_retired', message, [{ path: 'divisionCode', message }]);
    }
    const sameName = await repo.findUnitByName(tx, fields.divisionCode, fields.name);
    if (sameName && sameName.id !== unitId) {
      throw new AppError(
        'conflict',
        'unit.name_taken',
        `${division.name}已有名为“${fields.name}”的单位`,
        {
          errors: [{ path: 'name', message: '同一行政区划下单位名称不能重复' }],
        },
      );
    }
    if (fields.parentUnitId !== null) {
      if (fields.parentUnitId === unitId) {
        throw invalid('unit.parent_cycle', '上级单位不能是本单位', [
          { path: 'parentUnitId', message: '上级单位不能是本单位' },
        ]);
      }
      const parent = await repo.findUnit(tx, fields.parentUnitId);
      if (!parent) {
        throw invalid('unit.parent_unknown', '上级单位不存在', [
          { path: 'parentUnitId', message: '上级单位不存在' },
        ]);
      }
      // Walk up from the new parent: meeting this unit would close a loop.
      let cursor: string | null = parent.parent_unit_id;
      for (let depth = 0; cursor !== null && depth < 50; depth += 1) {
        if (cursor === unitId) {
          throw invalid('unit.parent_cycle', '不能把下级单位设为上级单位', [
            { path: 'parentUnitId', message: '不能把下级单位设为上级单位' },
          ]);
        }
        cursor = (await repo.parentOf(tx, cursor))?.parent_unit_id ?? null;
      }
    }
  }

  return {
    async listDivisions(parent: string | null, includeRetired: boolean): Promise<Division[]> {
      if (parent !== null && !(await repo.findDivision(db, parent))) {
        throw notFound('division.not_found', `行政区划代码 ${parent} 不存在`);
      }
      const rows = await repo.listDivisions(db, parent, includeRetired);
      return rows.map((r) => ({
        code: r.code,
        name: r.name,
        level: r.level,
        parentCode: r.parent_code,
        status: r.status,
        hasChildren: r.has_children,
      }));
    },

    async getDivision(code: string): Promise<DivisionDetail> {
      const division = await repo.findDivision(db, code);
      if (!division) throw notFound('division.not_found', `行政区划代码 ${code} 不存在`);
      const path: { code: string; name: string }[] = [];
      let cursor: string | null = division.parent_code;
      while (cursor !== null && path.length < 6) {
        const up = await repo.findDivision(db, cursor);
        if (!up) break;
        path.unshift({ code: up.code, name: up.name });
        cursor = up.parent_code;
      }
      path.push({ code: division.code, name: division.name });
      const history = await repo.divisionHistory(db, code);
      return {
        code: division.code,
        name: division.name,
        level: division.level,
        parentCode: division.parent_code,
        status: division.status,
        path,
        history: history.map((h) => ({
          at: h.at,
          change: h.change,
          oldName: h.old_name,
          newName: h.new_name,
          batchId: h.batch_id,
          note: h.note ?? h.source_name,
        })),
      };
    },

    divisionStats: () => repo.divisionStats(db),

    /**
     * Imports a newly published division table (ORG-02). A malformed table is refused whole
     * with its line errors; a valid one is applied in one transaction.
     */
    async importDivisions(
      input: DivisionImportRequest,
      by: AuditContext,
    ): Promise<DivisionImportResult> {
      const parsed = parseDivisionTable(input.content, input.format);
      if (!parsed.ok) {
        const shown = parsed.errors.slice(0, 50);
        throw invalid(
          'division.table_invalid',
          `区划表有 ${parsed.errors.length} 处错误，未导入任何数据：${shown
            .slice(0, 3)
            .map((e) => `第 ${e.line} 行 ${e.message}`)
            .join('；')}`,
          shown.map((e) => ({ path: `line ${e.line}`, message: e.message })),
        );
      }
      return withTransaction(db, (tx) =>
        applyDivisionTable(
          tx,
          parsed.rows,
          { sourceName: input.sourceName, note: input.note ?? null },
          by,
        ),
      );
    },

    /** Loads the shipped national table into an empty database; does nothing otherwise. */
    async ensureBuiltinDivisions(): Promise<boolean> {
      const stats = await repo.divisionStats(db);
      if (stats.total > 0) return false;
      await withTransaction(db, (tx) =>
        applyDivisionTable(
          tx,
          loadNationalTable(),
          { sourceName: BUILTIN_DIVISIONS_SOURCE, note: null },
          systemContext(),
        ),
      );
      return true;
    },

    async listUnits(query: UnitListQuery): Promise<UnitList> {
      let after: [string, string, string] | undefined;
      if (query.cursor) {
        const key = decodeCursor(query.cursor, 3);
        if (!key) throw invalid('request.cursor_invalid', '分页游标无效，请从第一页重新查询');
        after = key.map(String) as [string, string, string];
      }
      const rows = await repo.listUnits(db, {
        q: query.q || undefined,
        divisionPrefix: query.divisionCode ? divisionPrefix(query.divisionCode) : undefined,
        type: query.type,
        status: query.status,
        after,
        limit: query.limit,
      });
      const page = rows.slice(0, query.limit);
      const last = page.at(-1);
      return {
        items: page.map(toUnit),
        nextCursor:
          rows.length > query.limit && last
            ? encodeCursor([last.division_code, last.name, last.id])
            : null,
      };
    },

    async getUnit(id: string): Promise<Unit> {
      const row = await repo.findUnit(db, id);
      if (!row) throw notFound('unit.not_found', '单位不存在');
      return toUnit(row);
    },

    /**
     * Creates a unit in its own transaction, or in `options.tx` (demo loader); audited in the
     * name of `options.by` (the system when absent).
     */
    async createUnit(
      input: UnitCreate,
      options: { tx?: Tx; by?: AuditContext; method?: ChangeMethod; scopePrefix?: string } = {},
    ): Promise<Unit> {
      assertInScope(input.divisionCode, options.scopePrefix);
      const work = async (t: Tx) => {
        const fields = {
          name: input.name,
          creditCode: input.creditCode ?? null,
          divisionCode: input.divisionCode,
          parentUnitId: input.parentUnitId ?? null,
        };
        await checkUnitFields(t, null, fields);
        const at = now();
        const row: UnitTable & { version: 1 } = {
          id: uuidv7(),
          name: fields.name,
          credit_code: fields.creditCode,
          division_code: fields.divisionCode,
          parent_unit_id: fields.parentUnitId,
          type: input.type,
          status: 'active',
          version: 1,
          created_at: at,
          updated_at: at,
        };
        const by = options.by ?? systemContext();
        await repo.insertUnit(t, row, {
          by: by.actor,
          at,
          method: options.method ?? 'form',
          reason: null,
        });
        await audit.appendBy(t, by, {
          action: 'unit.create',
          result: 'success',
          target: { type: 'unit', id: row.id, unitId: row.id },
          fields: Object.keys(input),
          detail: { name: row.name, divisionCode: row.division_code },
        });
        return toUnit((await repo.findUnit(t, row.id))!);
      };
      return options.tx ? work(options.tx) : withTransaction(db, work);
    },

    async updateUnit(
      id: string,
      patch: UnitPatch,
      by: AuditContext,
      options: { tx?: Tx; method?: ChangeMethod; approvalRef?: string; scopePrefix?: string } = {},
    ): Promise<Unit> {
      const work = async (tx: Tx) => {
        const current = await repo.findUnit(tx, id);
        if (!current) throw notFound('unit.not_found', '单位不存在');
        assertInScope(current.division_code, options.scopePrefix);
        if (patch.divisionCode) assertInScope(patch.divisionCode, options.scopePrefix);
        if (current.version !== patch.version) {
          throw conflict(
            'conflict.version',
            `该单位已被他人修改（当前版本 ${current.version}），请刷新后再改`,
          );
        }
        const fields = {
          name: patch.name ?? current.name,
          creditCode: patch.creditCode !== undefined ? patch.creditCode : current.credit_code,
          divisionCode: patch.divisionCode ?? current.division_code,
          parentUnitId:
            patch.parentUnitId !== undefined ? patch.parentUnitId : current.parent_unit_id,
        };
        await checkUnitFields(tx, id, fields);
        const set: Partial<UnitTable> = { updated_at: now() };
        if (patch.name !== undefined) set.name = fields.name;
        if (patch.creditCode !== undefined) set.credit_code = fields.creditCode;
        if (patch.divisionCode !== undefined) set.division_code = fields.divisionCode;
        if (patch.parentUnitId !== undefined) set.parent_unit_id = fields.parentUnitId;
        if (patch.type !== undefined) set.type = patch.type;
        if (patch.status !== undefined) set.status = patch.status;
        const changed = await repo.updateUnit(tx, id, patch.version, set, {
          by: by.actor,
          at: set.updated_at!,
          method: options.method ?? 'form',
          reason: patch.reason ?? null,
          approvalRef: options.approvalRef ?? null,
        });
        if (!changed) throw conflict('conflict.version', '该单位已被他人修改，请刷新后再改');
        await audit.appendBy(tx, by, {
          action: 'unit.update',
          result: 'success',
          target: { type: 'unit', id, unitId: id },
          fields: Object.keys(patch).filter((k) => k !== 'version' && k !== 'reason'),
          detail: {
            fromVersion: patch.version,
            ...(options.approvalRef ? { approvalRef: options.approvalRef } : {}),
          },
        });
        return toUnit((await repo.findUnit(tx, id))!);
      };
      return options.tx ? work(options.tx) : withTransaction(db, work);
    },

    countUnits: () => repo.countUnits(db),
    unitStats: () => repo.unitStats(db),

    /**
     * Checks a citizen ID number (GB 11643) or credit code (GB 32100) as staff type it
     * (COL-01); for an ID number, also names the division that issued it.
     */
    async checkIdentifier(input: IdentifierCheckRequest): Promise<IdentifierCheckResult> {
      if (input.kind === 'credit_code') {
        const parsed = parseCreditCode(input.value);
        return parsed.ok
          ? {
              valid: true,
              normalized: parsed.value.code,
              code: null,
              message: '统一社会信用代码有效',
              citizen: null,
            }
          : {
              valid: false,
              normalized: null,
              code: parsed.code,
              message: parsed.message,
              citizen: null,
            };
      }
      const parsed = parseCitizenId(input.value, { today: clock.now() });
      if (!parsed.ok)
        return {
          valid: false,
          normalized: null,
          code: parsed.code,
          message: parsed.message,
          citizen: null,
        };
      const division = await repo.findDivision(db, parsed.value.divisionCode);
      return {
        valid: true,
        normalized: parsed.value.id18,
        code: null,
        message: parsed.value.legacy15
          ? '公民身份号码有效（已由 15 位升为 18 位）'
          : '公民身份号码有效',
        citizen: {
          divisionCode: parsed.value.divisionCode,
          divisionName: division?.name ?? null,
          divisionStatus: division?.status ?? 'unknown',
          birthDate: parsed.value.birthDate,
          sex: parsed.value.sex,
          legacy15: parsed.value.legacy15,
        },
      };
    },
  };
}

/**
 * ORG-04: a platform manager maintains the units of its own division and below (a city's
 * platform does not edit the province's units).
 */
function assertInScope(divisionCode: string, scopePrefix: string | undefined) {
  if (scopePrefix !== undefined && !divisionCode.startsWith(scopePrefix)) {
    throw new AppError('forbidden', 'unit.out_of_scope', '只能维护本级及下级行政区划内的单位', {
      errors: [{ path: 'divisionCode', message: '不在您的管理范围内' }],
    });
  }
}

function toDivisionRow(d: DivisionTable): DivisionRow {
  return { code: d.code, name: d.name, level: d.level, parentCode: d.parent_code };
}

export type OrgService = ReturnType<typeof createOrgService>;
