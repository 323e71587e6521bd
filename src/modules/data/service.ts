/**
 * The resource data store: the rows behind structured catalog entries, loaded from files or
 * entered one by one, validated against the entry's data items (COL-01, COL-02).
 *
 * An import is all or nothing: it streams the file once inside one transaction, writing
 * valid rows in chunks while it validates; at the first invalid row it stops writing but
 * keeps validating to report every error, and rolls back at the end. Rows are upserted by
 * key, and a row whose content hash did not change is not touched (re-imports are no-ops).
 * The version a changed row replaces goes to `resource_row_history` (AUD-04).
 */
import { hash as digest } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type SqliteDatabase from 'better-sqlite3';
import { CompiledQuery, sql } from 'kysely';
import type { DataImportTable } from '../../db/schema.ts';
import { withTransaction, type Tx } from '../../db/transaction.ts';
import { decodeCursor, encodeCursor } from '../../lib/cursor.ts';
import { uuidv7 } from '../../lib/uuid.ts';
import { AppError } from '../../server/errors.ts';
import type { AppContext } from '../../server/context.ts';
import type { AuditContext, AuditService } from '../audit/service.ts';
import type { CatalogService } from '../catalog/service.ts';
import type { DataItem } from '../catalog/elements.ts';
import type { SessionUser } from '../iam/auth.ts';
import { mapHeader } from './header.ts';
import { ImportFileError, openRowReader } from './readers.ts';
import { compileRowValidator } from './row-validator.ts';
import { checkUpload, scannerCommand } from './scan.ts';
import type { ImportRowError } from './error-report.ts';

export type ImportFormat = 'csv' | 'xlsx' | 'json';

/** At most this many row errors are kept for the report; the count is always exact. */
const maxReportedErrors = 10_000;
/** Rows written per statement. */
const chunkSize = 1000;

export interface ImportSummary {
  id: string;
  resourceId: string;
  fileName: string;
  format: ImportFormat;
  byteSize: number;
  status: DataImportTable['status'];
  totalRows: number;
  added: number;
  updated: number;
  unchanged: number;
  errorCount: number;
  errors: ImportRowError[];
  message: string | null;
  createdBy: string;
  createdAt: string;
  finishedAt: string | null;
  /** Rows read so far while the import runs (this instance only). */
  progressRows: number;
}

interface PendingRow {
  key: string;
  data: string;
  hash: string;
}

/** Thrown inside the import transaction to roll it back when rows were invalid. */
class RowsInvalid extends Error {}

export function createDataService(
  ctx: AppContext,
  deps: { audit: AuditService; catalog: CatalogService; isDivisionCode: (code: string) => boolean },
) {
  const { db } = ctx;
  const { audit, catalog } = deps;
  const now = () => ctx.clock.now().toISOString();
  const progress = new Map<string, number>();
  const scanner = scannerCommand(ctx.config.scanCommand);
  const running = new Map<string, Promise<void>>();
  const limits = {
    maxBytes: ctx.config.importMaxBytes,
    maxRows: ctx.config.importMaxRows,
  };

  /** The provider's staff who enter data may load and edit its rows. */
  async function writableResource(resourceId: string, user: SessionUser) {
    const governing = await catalog.governingVersion(resourceId);
    const { resource, content } = governing;
    if (resource.provider_unit_id !== user.unitId || !user.permissions.includes('data.enter')) {
      throw new AppError('forbidden', 'data.not_provider', '只有提供方单位的数据录入员可以维护该资源的数据');
    }
    assertStructured(content.kind, content.dataItems);
    if (resource.status === 'retired' || resource.status === 'withdrawn') {
      throw new AppError('conflict', 'data.resource_retired', '该资源已停用，不能再写入数据');
    }
    return governing;
  }

  /** Provider staff (any business role of the unit) may read its rows. */
  async function readableResource(resourceId: string, user: SessionUser) {
    const governing = await catalog.governingVersion(resourceId);
    const canRead =
      governing.resource.provider_unit_id === user.unitId &&
      user.permissions.some((p) => p.startsWith('data.'));
    if (!canRead) {
      throw new AppError('forbidden', 'data.not_provider', '只有提供方单位的业务人员可以直接查看该资源的数据；其他单位请通过共享申请获取');
    }
    assertStructured(governing.content.kind, governing.content.dataItems);
    return governing;
  }

  function assertStructured(kind: string, items: DataItem[]) {
    if (kind !== 'table') {
      throw new AppError('invalid', 'data.not_structured', '该资源不是结构化数据（库表）资源，不能导入数据行');
    }
    if (!items.some((i) => i.isKey)) {
      throw new AppError('invalid', 'data.no_key', '该资源的信息项中没有主键，不能按主键导入数据：请先在目录中标注主键');
    }
  }

  const toSummary = (row: DataImportTable): ImportSummary => ({
    id: row.id,
    resourceId: row.resource_id,
    fileName: row.file_name,
    format: row.format,
    byteSize: row.byte_size,
    status: row.status,
    totalRows: row.total_rows,
    added: row.added,
    updated: row.updated,
    unchanged: row.unchanged,
    errorCount: row.error_count,
    errors: JSON.parse(row.errors) as ImportRowError[],
    message: row.message,
    createdBy: row.created_by_name,
    createdAt: row.created_at,
    finishedAt: row.finished_at,
    progressRows: progress.get(row.id) ?? row.total_rows,
  });

  // ---- row writes: prepared statements row by row on SQLite (in-process calls cost less than
  // building multi-row statements), array-parameter statements per chunk on PostgreSQL ----

  // Prepared on first use: the tables do not exist before the migrations ran.
  let prepared: ReturnType<typeof prepareSqliteStatements> | undefined;
  const sqliteRowStatements = () => (prepared ??= prepareSqliteStatements());
  const prepareSqliteStatements = () =>
    ctx.sqlite
    ? {
        insert: ctx.sqlite.prepare<unknown[]>(
          `insert into resource_rows (resource_no, row_key, data, hash, version, change_no)
           values (?, ?, ?, ?, 1, ?) on conflict (resource_no, row_key) do nothing`,
        ),
        find: ctx.sqlite.prepare<unknown[], { hash: string; change_no: number }>(
          'select hash, change_no from resource_rows where resource_no = ? and row_key = ?',
        ),
        keep: ctx.sqlite.prepare<unknown[]>(
          `insert into resource_row_history (resource_no, row_key, version, data, hash, change_no, superseded_by)
           select resource_no, row_key, version, data, hash, change_no, ?
           from resource_rows where resource_no = ? and row_key = ?`,
        ),
        update: ctx.sqlite.prepare<unknown[]>(
          `update resource_rows set data = ?, hash = ?, version = version + 1, change_no = ?
           where resource_no = ? and row_key = ?`,
        ),
      }
    : null;

  interface ChunkResult {
    added: number;
    updated: number;
    unchanged: number;
    /** Keys already written by this same change (the file repeats them). */
    duplicates: string[];
  }

  /**
   * Writes validated rows: new keys are inserted, changed rows replace their previous
   * version (which goes to history), unchanged rows are left alone.
   */
  async function writeRows(
    tx: Tx,
    resourceNo: number,
    rows: PendingRow[],
    changeNo: number,
  ): Promise<ChunkResult> {
    const result: ChunkResult = { added: 0, updated: 0, unchanged: 0, duplicates: [] };
    const statements = sqliteRowStatements();
    if (statements) {
      const { insert, find, keep, update } = statements;
      for (const row of rows) {
        if (insert.run(resourceNo, row.key, row.data, row.hash, changeNo).changes === 1) {
          result.added++;
          continue;
        }
        const old = find.get(resourceNo, row.key)!;
        if (old.change_no === changeNo) result.duplicates.push(row.key);
        else if (old.hash === row.hash) result.unchanged++;
        else {
          keep.run(changeNo, resourceNo, row.key);
          update.run(row.data, row.hash, changeNo, resourceNo, row.key);
          result.updated++;
        }
      }
      return result;
    }
    const keys = rows.map((r) => r.key);
    const existing = await tx.executeQuery<{ row_key: string; hash: string; change_no: number }>(
      CompiledQuery.raw(
        'select row_key, hash, change_no from resource_rows where resource_no = $1 and row_key = any($2::text[])',
        [resourceNo, keys],
      ),
    );
    const byKey = new Map(existing.rows.map((e) => [e.row_key, e]));
    const toWrite: PendingRow[] = [];
    const changedKeys: string[] = [];
    for (const row of rows) {
      const old = byKey.get(row.key);
      if (old?.change_no === changeNo) result.duplicates.push(row.key);
      else if (!old) {
        result.added++;
        toWrite.push(row);
      } else if (old.hash !== row.hash) {
        result.updated++;
        changedKeys.push(row.key);
        toWrite.push(row);
      } else result.unchanged++;
    }
    if (result.duplicates.length > 0) return result;
    if (changedKeys.length > 0) {
      await tx.executeQuery(
        CompiledQuery.raw(
          `insert into resource_row_history (resource_no, row_key, version, data, hash, change_no, superseded_by)
           select resource_no, row_key, version, data, hash, change_no, $2
           from resource_rows where resource_no = $1 and row_key = any($3::text[])`,
          [resourceNo, changeNo, changedKeys],
        ),
      );
    }
    if (toWrite.length > 0) {
      await tx.executeQuery(
        CompiledQuery.raw(
          `insert into resource_rows (resource_no, row_key, data, hash, version, change_no)
           select $1, k, d, h, 1, $5 from unnest($2::text[], $3::text[], $4::text[]) as t(k, d, h)
           on conflict (resource_no, row_key) do update set data = excluded.data, hash = excluded.hash,
             version = resource_rows.version + 1, change_no = excluded.change_no`,
          [
            resourceNo,
            toWrite.map((r) => r.key),
            toWrite.map((r) => r.data),
            toWrite.map((r) => r.hash),
            changeNo,
          ],
        ),
      );
    }
    return result;
  }

  /** Opens the change (import or edit) that the rows written next belong to. */
  async function openChange(
    tx: Tx,
    resourceId: string,
    method: 'import' | 'form',
    user: SessionUser,
    importId: string | null,
  ): Promise<number> {
    const row = await tx
      .insertInto('data_changes')
      .values({
        resource_id: resourceId,
        method,
        at: now(),
        by_id: user.id,
        by_name: user.displayName,
        import_id: importId,
        reason: null,
      })
      .returning('no')
      .executeTakeFirstOrThrow();
    return Number(row.no);
  }

  async function refreshRowCount(tx: Tx, resourceId: string, resourceNo: number, at: string) {
    const { n } = await tx
      .selectFrom('resource_rows')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('resource_no', '=', resourceNo)
      .executeTakeFirstOrThrow();
    await tx
      .updateTable('catalog_resources')
      .set({ row_count: Number(n), data_updated_at: at })
      .where('id', '=', resourceId)
      .execute();
  }

  /** 128 bits of SHA-256: change detection and reconciliation, not a security boundary. */
  const rowHash = (data: string) => digest('sha256', data, 'base64url').slice(0, 22);

  /** Validates and applies one file; the data_imports row already exists as `running`. */
  async function runImport(
    importId: string,
    resource: { id: string; no: number },
    items: DataItem[],
    file: { path: string; format: ImportFormat },
    user: SessionUser,
    by: AuditContext,
  ): Promise<void> {
    const resourceId = resource.id;
    const errors: ImportRowError[] = [];
    let errorCount = 0;
    let totalRows = 0;
    const counts = { added: 0, updated: 0, unchanged: 0 };
    const at = now();
    const finish = async (set: Partial<DataImportTable>) => {
      await db
        .updateTable('data_imports')
        .set({
          total_rows: totalRows,
          error_count: errorCount,
          errors: JSON.stringify(errors),
          finished_at: now(),
          ...set,
        })
        .where('id', '=', importId)
        .execute();
    };
    const addError = (e: ImportRowError) => {
      errorCount++;
      if (errors.length < maxReportedErrors) errors.push(e);
    };
    try {
      // The bytes must be what the format says, and pass the malware scanner (EXC-07).
      const checked = await checkUpload(file.path, file.format, scanner);
      if (!checked.ok) {
        await finish({ status: 'rejected', message: checked.message });
        await audit.record({
          action: 'data.import',
          result: 'failure',
          actor: by.actor,
          clientIp: by.clientIp,
          requestId: by.requestId,
          target: { type: 'catalog_entry', id: resourceId, unitId: user.unitId },
          detail: { importId, code: checked.code },
        });
        return;
      }
      const reader = await openRowReader(file.path, file.format, limits, {
        jsonKeys: items.map((i) => i.identifier),
      });
      const header = mapHeader(reader.header, items);
      if (!header.ok) {
        for (const e of header.errors) {
          addError({ rowNumber: 1, field: e.column, name: e.column, value: e.column, code: e.code, reason: e.reason });
        }
        await finish({ status: 'rejected', message: '文件表头与资源的信息项不一致，未导入任何数据' });
        return;
      }
      const columns = header.columnOfItem;
      const validate = compileRowValidator(items, { isDivisionCode: deps.isDivisionCode });
      const keyNames = items.filter((i) => i.isKey).map((i) => i.name).join('+');
      const rowNumberOfKey = new Map<string, number>();
      await withTransaction(db, async (tx) => {
        const changeNo = await openChange(tx, resourceId, 'import', user, importId);
        let pending: PendingRow[] = [];
        const flush = async () => {
          if (pending.length === 0) return;
          const result = await writeRows(tx, resource.no, pending, changeNo);
          for (const key of result.duplicates) {
            addError({
              rowNumber: rowNumberOfKey.get(key) ?? 0,
              field: keyNames,
              name: keyNames,
              value: key.replaceAll('\u001f', ' '),
              code: 'row.duplicate_key',
              reason: `主键（${keyNames}）与文件中前面的行重复`,
            });
          }
          counts.added += result.added;
          counts.updated += result.updated;
          counts.unchanged += result.unchanged;
          pending = [];
          rowNumberOfKey.clear();
        };
        for await (const row of reader.rows) {
          totalRows++;
          if ((totalRows & 1023) === 0) progress.set(importId, totalRows);
          const values = columns.map((c) => (c < 0 ? undefined : row.values[c]));
          const result = validate(values);
          if (!result.ok) {
            for (const e of result.errors) addError({ rowNumber: row.rowNumber, ...e });
            continue;
          }
          if (errorCount > 0) continue; // nothing more is written; keep reporting
          if (rowNumberOfKey.has(result.key)) {
            addError({
              rowNumber: row.rowNumber,
              field: keyNames,
              name: keyNames,
              value: result.key.replaceAll('\u001f', ' '),
              code: 'row.duplicate_key',
              reason: `主键（${keyNames}）与第 ${rowNumberOfKey.get(result.key)} 行重复`,
            });
            continue;
          }
          const data = JSON.stringify(result.data);
          rowNumberOfKey.set(result.key, row.rowNumber);
          pending.push({ key: result.key, data, hash: rowHash(data) });
          if (pending.length >= chunkSize) await flush();
        }
        if (errorCount === 0) await flush();
        if (errorCount > 0) throw new RowsInvalid();
        if (totalRows === 0) {
          throw new ImportFileError('import.empty', '文件中没有数据行');
        }
        await refreshRowCount(tx, resourceId, resource.no, at);
        await tx
          .updateTable('data_imports')
          .set({
            status: 'applied',
            total_rows: totalRows,
            ...counts,
            error_count: 0,
            finished_at: now(),
            message: `导入完成：新增 ${counts.added} 行，更新 ${counts.updated} 行，未变化 ${counts.unchanged} 行`,
          })
          .where('id', '=', importId)
          .execute();
        await audit.appendBy(tx, by, {
          action: 'data.import',
          result: 'success',
          target: { type: 'catalog_entry', id: resourceId, unitId: user.unitId },
          fields: items.map((i) => i.identifier),
          recordCount: counts.added + counts.updated,
          detail: { importId, totalRows, ...counts },
        });
      });
    } catch (error) {
      if (error instanceof RowsInvalid) {
        await finish({
          status: 'rejected',
          message: `发现 ${errorCount} 处错误，整个文件未导入；请按错误报告修改后重新导入`,
        });
      } else if (error instanceof ImportFileError) {
        await finish({ status: 'rejected', message: error.message });
      } else {
        await finish({ status: 'failed', message: '导入过程中发生内部错误，未导入任何数据' });
        throw error;
      }
    } finally {
      progress.delete(importId);
    }
    if (errorCount > 0 || totalRows === 0) {
      await audit.record({
        action: 'data.import',
        result: 'failure',
        actor: by.actor,
        clientIp: by.clientIp,
        requestId: by.requestId,
        target: { type: 'catalog_entry', id: resourceId, unitId: user.unitId },
        detail: { importId, totalRows, errorCount },
      });
    }
  }

  const resourceNumbers = new Map<string, number>();
  let lookupStatement: SqliteStatement | null = null;

  const service = {
    /**
     * One row by key, for the exchange layer (verify, query): one index probe. The key is
     * already normalised by the caller (see `compileRowValidator`).
     */
    async lookupRow(resourceId: string, key: string): Promise<Record<string, unknown> | null> {
      let no = resourceNumbers.get(resourceId);
      if (no === undefined) {
        const r = await db
          .selectFrom('catalog_resources')
          .select('no')
          .where('id', '=', resourceId)
          .executeTakeFirst();
        if (!r) return null;
        no = r.no;
        resourceNumbers.set(resourceId, no);
      }
      if (ctx.sqlite) {
        lookupStatement ??= ctx.sqlite.prepare<unknown[]>(
          'select data from resource_rows where resource_no = ? and row_key = ?',
        );
        const row = lookupStatement.get(no, key) as { data: string } | undefined;
        return row ? (JSON.parse(row.data) as Record<string, unknown>) : null;
      }
      const row = await db
        .selectFrom('resource_rows')
        .select('data')
        .where('resource_no', '=', no)
        .where('row_key', '=', key)
        .executeTakeFirst();
      return row ? (JSON.parse(row.data) as Record<string, unknown>) : null;
    },

    /**
     * Streams the rows of an openly published resource (CAT-09), without sensitive items,
     * page by page so memory stays flat; the download is audited with its row count.
     */
    openDownload(
      resourceId: string,
      items: DataItem[],
      format: 'csv' | 'ndjson',
      meta: { clientIp: string; requestId: string },
    ): Readable {
      const shown = items.filter((i) => !i.sensitive);
      async function* lines() {
        let count = 0;
        if (format === 'csv') yield '\uFEFF' + shown.map((i) => csvCell(i.name)).join(',') + '\r\n';
        let after = '';
        const { no } = await db
          .selectFrom('catalog_resources')
          .select('no')
          .where('id', '=', resourceId)
          .executeTakeFirstOrThrow();
        for (;;) {
          const page = await db
            .selectFrom('resource_rows')
            .select(['row_key', 'data'])
            .where('resource_no', '=', no)
            .where('row_key', '>', after)
            .orderBy('row_key')
            .limit(2000)
            .execute();
          if (page.length === 0) break;
          let out = '';
          for (const row of page) {
            const data = JSON.parse(row.data) as Record<string, unknown>;
            if (format === 'csv') {
              out += shown.map((i) => csvCell(data[i.identifier])).join(',') + '\r\n';
            } else {
              out += JSON.stringify(Object.fromEntries(shown.map((i) => [i.identifier, data[i.identifier] ?? null]))) + '\n';
            }
          }
          count += page.length;
          after = page.at(-1)!.row_key;
          yield out;
        }
        await audit.enqueue({
          action: 'open.download',
          result: 'success',
          actor: null,
          clientIp: meta.clientIp,
          requestId: meta.requestId,
          target: { type: 'catalog_entry', id: resourceId },
          fields: shown.map((i) => i.identifier),
          recordCount: count,
        });
      }
      return Readable.from(lines());
    },

    /**
     * Starts an import from a stream (an HTTP body or a file): saves it to a temporary file
     * within the size limit, then validates and applies it. Resolves with the import record
     * once it is finished when `wait` is set, else as soon as it runs.
     */
    async startImport(
      resourceId: string,
      source: Readable,
      file: { fileName: string; format: ImportFormat },
      user: SessionUser,
      by: AuditContext,
      options: { wait: boolean },
    ): Promise<ImportSummary> {
      const { content, resource } = await writableResource(resourceId, user);
      const dir = await mkdtemp(join(tmpdir(), 'mzhub-import-'));
      const path = join(dir, 'upload');
      try {
        await pipeline(source, limitBytes(limits.maxBytes), createWriteStream(path));
      } catch (error) {
        await rm(dir, { recursive: true, force: true });
        if (error instanceof ImportFileError) throw new AppError('invalid', error.code, error.message);
        throw error;
      }
      const size = (await stat(path)).size;
      const id = uuidv7();
      await db
        .insertInto('data_imports')
        .values({
          id,
          resource_id: resourceId,
          unit_id: user.unitId,
          file_name: file.fileName,
          format: file.format,
          byte_size: size,
          status: 'running',
          total_rows: 0,
          added: 0,
          updated: 0,
          unchanged: 0,
          error_count: 0,
          errors: '[]',
          message: null,
          created_by: user.id,
          created_by_name: user.displayName,
          created_at: now(),
          finished_at: null,
        })
        .execute();
      progress.set(id, 0);
      const job = runImport(id, { id: resourceId, no: resource.no }, content.dataItems, { path, format: file.format }, user, by)
        .finally(() => rm(dir, { recursive: true, force: true }))
        .finally(() => running.delete(id));
      running.set(id, job.catch(() => undefined));
      if (options.wait) await job;
      else job.catch(() => undefined);
      return service.getImport(id, user);
    },

    /** Resolves when every running import finished (shutdown and tests). */
    async idle(): Promise<void> {
      await Promise.all(running.values());
    },

    async getImport(id: string, user: SessionUser): Promise<ImportSummary> {
      const row = await db.selectFrom('data_imports').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row || row.unit_id !== user.unitId) {
        throw new AppError('not_found', 'data.import_not_found', '导入记录不存在');
      }
      return toSummary(row);
    },

    async listImports(resourceId: string, user: SessionUser): Promise<ImportSummary[]> {
      await readableResource(resourceId, user);
      const rows = await db
        .selectFrom('data_imports')
        .selectAll()
        .where('resource_id', '=', resourceId)
        .orderBy('created_at', 'desc')
        .limit(50)
        .execute();
      return rows.map((r) => ({ ...toSummary(r), errors: [] }));
    },

    async listRows(
      resourceId: string,
      query: { cursor?: string | undefined; limit: number; key?: string | undefined },
      user: SessionUser,
      by: AuditContext,
    ) {
      const { content, resource } = await readableResource(resourceId, user);
      let q = db
        .selectFrom('resource_rows as r')
        .innerJoin('data_changes as c', 'c.no', 'r.change_no')
        .select(['r.row_key', 'r.data', 'r.version', 'c.at', 'c.method'])
        .where('r.resource_no', '=', resource.no);
      if (query.key) q = q.where('r.row_key', 'like', `${query.key.replace(/[%_]/g, '')}%`);
      if (query.cursor) {
        const key = decodeCursor(query.cursor, 1);
        if (!key) throw new AppError('invalid', 'cursor.invalid', '分页游标无效');
        q = q.where('r.row_key', '>', String(key[0]));
      }
      const rows = await q.orderBy('r.row_key').limit(query.limit + 1).execute();
      const page = rows.slice(0, query.limit);
      await audit.enqueue({
        action: 'data.rows_read',
        result: 'success',
        actor: by.actor,
        clientIp: by.clientIp,
        requestId: by.requestId,
        target: { type: 'catalog_entry', id: resourceId, unitId: user.unitId },
        recordCount: page.length,
      });
      return {
        items: page.map((r) => ({
          key: r.row_key,
          data: JSON.parse(r.data) as Record<string, unknown>,
          version: r.version,
          updatedAt: r.at,
          method: r.method,
        })),
        nextCursor:
          rows.length > query.limit && page.length > 0 ? encodeCursor([page.at(-1)!.row_key]) : null,
        dataItems: content.dataItems,
      };
    },

    async getRow(resourceId: string, key: string, user: SessionUser, by: AuditContext) {
      const { resource } = await readableResource(resourceId, user);
      const columns = ['r.version', 'r.data', 'c.at', 'c.by_name', 'c.method', 'c.import_id'] as const;
      const row = await db
        .selectFrom('resource_rows as r')
        .innerJoin('data_changes as c', 'c.no', 'r.change_no')
        .select(['r.row_key', ...columns])
        .where('r.resource_no', '=', resource.no)
        .where('r.row_key', '=', key)
        .executeTakeFirst();
      if (!row) throw new AppError('not_found', 'data.row_not_found', '没有该主键的数据行');
      const history = await db
        .selectFrom('resource_row_history as r')
        .innerJoin('data_changes as c', 'c.no', 'r.change_no')
        .select([...columns])
        .where('r.resource_no', '=', resource.no)
        .where('r.row_key', '=', key)
        .orderBy('r.version', 'desc')
        .execute();
      await audit.enqueue({
        action: 'data.row_read',
        result: 'success',
        actor: by.actor,
        clientIp: by.clientIp,
        requestId: by.requestId,
        target: { type: 'catalog_entry', id: resourceId, unitId: user.unitId },
        recordCount: 1,
      });
      const version = (r: {
        version: number;
        data: string;
        at: string;
        by_name: string | null;
        method: string;
        import_id: string | null;
      }) => ({
        version: r.version,
        data: JSON.parse(r.data) as Record<string, unknown>,
        updatedAt: r.at,
        updatedBy: r.by_name,
        method: r.method,
        changeRef: r.import_id,
      });
      return { key: row.row_key, current: version(row), history: history.map(version) };
    },

    /** Enters or edits one row in a form: validated like an import row, history kept. */
    async saveRow(
      resourceId: string,
      values: Record<string, string | number | boolean | null>,
      user: SessionUser,
      by: AuditContext,
    ) {
      const { content, resource } = await writableResource(resourceId, user);
      const items = content.dataItems;
      const unknown = Object.keys(values).filter((k) => !items.some((i) => i.identifier === k));
      if (unknown.length > 0) {
        throw new AppError('invalid', 'row.unknown_field', `“${unknown.join('、')}”不是该资源的信息项`);
      }
      const validate = compileRowValidator(items, { isDivisionCode: deps.isDivisionCode });
      const result = validate(
        items.map((i) => {
          const v = values[i.identifier];
          return v === null || v === undefined ? undefined : String(v);
        }),
      );
      if (!result.ok) {
        throw new AppError(
          'invalid',
          'row.invalid',
          `数据行有 ${result.errors.length} 处错误：${result.errors.map((e) => `${e.name}：${e.reason}`).join('；')}`,
          { errors: result.errors.map((e) => ({ path: e.field, message: e.reason })) },
        );
      }
      const data = JSON.stringify(result.data);
      return withTransaction(db, async (tx) => {
        const at = now();
        const changeNo = await openChange(tx, resourceId, 'form', user, null);
        const written = await writeRows(
          tx,
          resource.no,
          [{ key: result.key, data, hash: rowHash(data) }],
          changeNo,
        );
        if (written.added + written.updated === 0) {
          await tx.deleteFrom('data_changes').where('no', '=', changeNo).execute();
        } else {
          await refreshRowCount(tx, resourceId, resource.no, at);
          await audit.appendBy(tx, by, {
            action: written.added ? 'data.row_create' : 'data.row_update',
            result: 'success',
            target: { type: 'catalog_entry', id: resourceId, unitId: user.unitId },
            fields: Object.keys(values),
            recordCount: 1,
            detail: { key: result.key.replaceAll('\u001f', ' ') },
          });
        }
        return {
          key: result.key,
          outcome: written.added ? ('added' as const) : written.updated ? ('updated' as const) : ('unchanged' as const),
        };
      });
    },

    /**
     * Applies rows validated elsewhere — a front-end processor's publication (EXC-06) — in
     * the caller's transaction, as one change: rows are upserted by key as an import does
     * (replaced versions to history, unchanged rows untouched), removed keys' last versions
     * go to history, and the row count is refreshed. Chunks keep memory flat.
     */
    async applyChange(
      tx: Tx,
      resource: { id: string; no: number },
      by: { id: string; name: string; reason: string },
      chunks: AsyncIterable<{ rows: { key: string; data: string }[]; removeKeys: string[] }>,
    ) {
      const at = now();
      const change = await tx
        .insertInto('data_changes')
        .values({ resource_id: resource.id, method: 'api', at, by_id: by.id, by_name: by.name, import_id: null, reason: by.reason })
        .returning('no')
        .executeTakeFirstOrThrow();
      const changeNo = Number(change.no);
      const counts = { added: 0, updated: 0, unchanged: 0, removed: 0 };
      for await (const chunk of chunks) {
        if (chunk.rows.length > 0) {
          const rows = chunk.rows.map((r) => ({ ...r, hash: rowHash(r.data) }));
          const written = await writeRows(tx, resource.no, rows, changeNo);
          if (written.duplicates.length > 0) {
            throw new AppError('conflict', 'row.duplicate_key', '同一次写入中主键重复');
          }
          counts.added += written.added;
          counts.updated += written.updated;
          counts.unchanged += written.unchanged;
        }
        if (chunk.removeKeys.length > 0) {
          const ofKeys = { resource_no: resource.no, keys: chunk.removeKeys };
          await tx
            .insertInto('resource_row_history')
            .columns(['resource_no', 'row_key', 'version', 'data', 'hash', 'change_no', 'superseded_by'])
            .expression((eb) =>
              eb
                .selectFrom('resource_rows')
                .select(['resource_no', 'row_key', 'version', 'data', 'hash', 'change_no', sql<number>`cast(${changeNo} as integer)`.as('superseded_by')])
                .where('resource_no', '=', ofKeys.resource_no)
                .where('row_key', 'in', ofKeys.keys),
            )
            .execute();
          const gone = await tx
            .deleteFrom('resource_rows')
            .where('resource_no', '=', ofKeys.resource_no)
            .where('row_key', 'in', ofKeys.keys)
            .executeTakeFirst();
          counts.removed += Number(gone.numDeletedRows);
        }
      }
      await refreshRowCount(tx, resource.id, resource.no, at);
      return { changeNo, ...counts };
    },
  };
  return service;
}

type SqliteStatement = SqliteDatabase.Statement<unknown[]>;

/** A CSV cell; text that a spreadsheet would run as a formula is quoted as text. */
function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = typeof value === 'string' ? value : JSON.stringify(value);
  if (/^[=+\-@\t\r]/.test(text) && typeof value === 'string') text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A pass-through stream that fails once more than `max` bytes went through. */
function limitBytes(max: number) {
  let seen = 0;
  return async function* (source: AsyncIterable<Buffer>) {
    for await (const chunk of source) {
      seen += chunk.length;
      if (seen > max) {
        throw new ImportFileError(
          'import.too_large',
          `文件超过允许的大小（${Math.round(max / 1024 / 1024)} MB）`,
        );
      }
      yield chunk;
    }
  };
}

export type DataService = ReturnType<typeof createDataService>;
