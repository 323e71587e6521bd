/**
 * One publication run of one resource (EXC-06): read the source, compare it with what the
 * platform accepted last time, send what changed (or everything, as a snapshot, when the
 * two sides may have drifted), and commit with the whole source's count and checksum.
 *
 * Rows are normalised with the platform's own row validator against the resource's data
 * items (fetched from the platform at the start of the run), so both sides compute the same
 * digests (../checksum.ts). Invalid rows are still sent: the platform is the one that
 * refuses them, and then nothing of the run is written there, and nothing is remembered here.
 */
import { loadNationalTable } from '../../../lib/divisions/national.ts';
import type { DataItem } from '../../catalog/elements.ts';
import { compileRowValidator } from '../../data/row-validator.ts';
import { rowDigest, type Holdings } from '../checksum.ts';
import type { PublicationSetting } from './config.ts';
import { PlatformError, type PlatformClient } from './platform-client.ts';
import type { SourceDatabase, SourceRow } from './sources/index.ts';
import type { ProcessorState } from './state.ts';

/** A row the platform refused, as the department sees it (with its key; values stay here). */
export interface LocalRowError {
  key: string;
  field: string;
  name: string;
  reason: string;
}

export interface RunResult {
  resource: string;
  outcome: 'applied' | 'rejected' | 'skipped' | 'failed';
  kind: 'snapshot' | 'delta' | null;
  publicationId: string | null;
  sent: { rows: number; deletes: number };
  source: Holdings | null;
  platform: Holdings | null;
  reconciled: 'match' | 'count_mismatch' | 'checksum_mismatch' | null;
  message: string;
  errors: LocalRowError[];
}

/** A publication is sent at least this often even when nothing changed (daily reconciliation). */
export const heartbeatMs = 24 * 3600_000;

let divisionCodes: Set<string> | null = null;
const isDivisionCode = (code: string) => {
  divisionCodes ??= new Set(loadNationalTable().map((d) => d.code));
  return divisionCodes.has(code.length > 6 ? code.slice(0, 6) : code);
};

/**
 * The SELECT that reads a resource from the source, each data item under its identifier,
 * and the item → source column map it uses. Items with no column are left out.
 */
export async function sourceSelect(
  source: SourceDatabase,
  setting: PublicationSetting,
  items: DataItem[],
): Promise<{ sql: string; columnOf: Map<string, string>; base: string }> {
  const base = setting.table ? `select * from ${source.quote(setting.table)}` : setting.query!;
  const available = new Set(await source.columns(base));
  const columnOf = new Map<string, string>();
  const missing: string[] = [];
  for (const item of items) {
    const mapped = setting.columns[item.identifier];
    if (mapped !== undefined) {
      if (available.has(mapped)) columnOf.set(item.identifier, mapped);
      else missing.push(`${item.name}（${item.identifier}）→ 列 ${mapped}`);
    } else if (available.has(item.identifier)) columnOf.set(item.identifier, item.identifier);
  }
  for (const key of Object.keys(setting.columns)) {
    if (!items.some((i) => i.identifier === key)) missing.push(`${key} 不是该资源的信息项`);
  }
  if (missing.length > 0) {
    throw new Error(`资源 ${setting.resource} 的列对应有误：${missing.join('；')}`);
  }
  const keyless = items.filter((i) => i.isKey && !columnOf.has(i.identifier));
  if (keyless.length > 0) {
    throw new Error(
      `资源 ${setting.resource} 的主键信息项在源库中没有对应的列：${keyless.map((i) => i.name).join('、')}`,
    );
  }
  const list = [...columnOf].map(
    ([item, column]) => `q.${source.quote(column)} as ${source.quote(item)}`,
  );
  return { sql: `select ${list.join(', ')} from (${base}) as q`, columnOf, base };
}

export async function runPublication(
  deps: {
    client: PlatformClient;
    source: SourceDatabase;
    state: ProcessorState;
    chunkRows: number;
    now?: () => Date;
  },
  setting: PublicationSetting,
  options: { force?: boolean } = {},
): Promise<RunResult> {
  const { client, source, state } = deps;
  const now = deps.now ?? (() => new Date());
  const resource = setting.resource;
  const result: RunResult = {
    resource,
    outcome: 'failed',
    kind: null,
    publicationId: null,
    sent: { rows: 0, deletes: 0 },
    source: null,
    platform: null,
    reconciled: null,
    message: '',
    errors: [],
  };
  try {
    const shape = await client.resource(resource);
    if (shape.mode !== 'publish') {
      throw new Error(`平台上资源“${shape.name}”设为数据留存（hold），不接收发布；请核对配置`);
    }
    const items = shape.dataItems;
    const validate = compileRowValidator(items, { isDivisionCode });
    const keyItems = items.filter((i) => i.isKey);
    const last = state.lastPublished(resource);
    const kind =
      last &&
      shape.lastApplied &&
      shape.lastApplied.publicationId === last.publicationId &&
      !shape.lastApplied.changedSince
        ? 'delta'
        : 'snapshot';
    result.kind = kind;
    const fresh = last && now().getTime() - Date.parse(last.at) < heartbeatMs;

    let probe: string | null = null;
    if (setting.onChange?.probe) {
      probe = JSON.stringify(await source.first(setting.onChange.probe, []));
      if (kind === 'delta' && fresh && probe === last.probe && !options.force) {
        result.outcome = 'skipped';
        result.message = '源数据未变化';
        return result;
      }
    }

    const { sql } = await sourceSelect(source, setting, items);
    let publicationId: string | null = null;
    const begin = async () => {
      publicationId ??= (await client.begin(resource, kind)).id;
      result.publicationId = publicationId;
      return publicationId;
    };
    let seq = 0;
    let pending: { values: Record<string, string | null>; key: string }[] = [];
    const flush = async (deletes: string[] = []) => {
      if (pending.length === 0 && deletes.length === 0) return;
      const id = await begin();
      seq += 1;
      const answer = await client.chunk(id, {
        seq,
        rows: pending.map((p) => p.values),
        deletes,
      });
      for (const e of answer.errors) {
        result.errors.push({
          key: e.row > 0 ? (pending[e.row - 1]?.key ?? '') : '',
          field: e.field,
          name: e.name,
          reason: e.reason,
        });
      }
      result.sent.rows += pending.length;
      result.sent.deletes += deletes.length;
      pending = [];
    };

    state.beginRun(resource);
    let sourceRows = 0;
    const duplicates: string[] = [];
    for await (const batch of source.rows(sql, deps.chunkRows)) {
      for (const row of batch) {
        sourceRows++;
        const values = valuesOf(row, items);
        const checked = validate(items.map((i) => values[i.identifier] ?? undefined));
        let send: boolean;
        let key: string;
        if (checked.ok) {
          key = checked.key;
          const digest = rowDigest(JSON.stringify(checked.data));
          if (!state.see(resource, key, digest)) {
            duplicates.push(key.replaceAll('\u001f', ' '));
            continue;
          }
          send = kind === 'snapshot' || state.publishedDigest(resource, key) !== digest;
        } else {
          key = keyItems.map((i) => values[i.identifier] ?? '').join(' ');
          send = true;
        }
        if (send) {
          pending.push({ values, key: key.replaceAll('\u001f', ' ') });
          if (pending.length >= deps.chunkRows) await flush();
        }
      }
    }
    await flush();
    if (kind === 'delta') {
      const gone = state.goneKeys(resource);
      for (let i = 0; i < gone.length; i += deps.chunkRows) {
        await flush(gone.slice(i, i + deps.chunkRows));
      }
    }
    if (duplicates.length > 0) {
      // Which of two rows with one key is right only the department can say: nothing is committed.
      result.outcome = 'rejected';
      result.errors.push(
        ...duplicates.map((key) => ({ key, field: '', name: '主键', reason: '源库中主键重复' })),
      );
      result.message = `源库中有 ${duplicates.length} 个主键重复，本次未提交；请在源库中处理后重试`;
      state.beginRun(resource);
      return result;
    }
    const holdings = state.runHoldings(resource);
    result.source = { rowCount: sourceRows, checksum: holdings.checksum };

    // On-change publications without a probe: nothing changed, nothing to send.
    if (
      setting.onChange &&
      !setting.onChange.probe &&
      publicationId === null &&
      kind === 'delta' &&
      fresh &&
      holdings.checksum === last.platform.checksum &&
      !options.force
    ) {
      result.outcome = 'skipped';
      result.message = '源数据未变化';
      state.beginRun(resource);
      return result;
    }

    const id = await begin();
    const answer = await client.commit(id, {
      chunkCount: seq,
      sourceRowCount: sourceRows,
      sourceChecksum: holdings.checksum,
    });
    result.platform = answer.platform;
    result.reconciled = answer.reconciled;
    result.message = answer.message ?? '';
    if (answer.status === 'applied' && answer.platform) {
      state.accept(resource, {
        publicationId: answer.id,
        at: answer.finishedAt ?? now().toISOString(),
        platform: answer.platform,
        probe,
      });
      result.outcome = 'applied';
    } else {
      result.outcome = 'rejected';
    }
    return result;
  } catch (error) {
    if (error instanceof PlatformError && error.code === 'frontend.rows_invalid') {
      result.outcome = 'rejected';
    }
    result.message = error instanceof Error ? error.message : String(error);
    return result;
  }
}

/** The source row's values by data item identifier (the SELECT names columns after items). */
function valuesOf(row: SourceRow, items: DataItem[]): Record<string, string | null> {
  const values: Record<string, string | null> = {};
  for (const item of items) {
    if (item.identifier in row) values[item.identifier] = row[item.identifier] ?? null;
  }
  return values;
}
