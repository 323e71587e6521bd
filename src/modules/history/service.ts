/**
 * Record history (AUD-04): every version of a record, who changed which fields, when, why,
 * how and under which approval. Each entity type names who may read its history; an entity
 * type that names nobody has no readable history.
 */
import type { AppContext } from '../../server/context.ts';
import { notFound } from '../../server/errors.ts';
import type { SessionUser } from '../iam/auth.ts';

export interface VersionView {
  version: number;
  changedAt: string;
  changedBy: string | null;
  changedByName: string | null;
  method: string;
  reason: string | null;
  approvalRef: string | null;
  changes: { field: string; before: unknown; after: unknown }[];
  data: Record<string, unknown>;
}

/** Who may read the history of an entity of this type. */
export type HistoryReader = (user: SessionUser, entityId: string) => Promise<boolean> | boolean;

const hidden = new Set(['updated_at', 'version']);

export function createHistoryService(ctx: AppContext, readers: Record<string, HistoryReader>) {
  const { db } = ctx;
  return {
    async versions(
      user: SessionUser,
      entityType: string,
      entityId: string,
    ): Promise<VersionView[]> {
      const reader = Object.hasOwn(readers, entityType) ? readers[entityType] : undefined;
      if (!reader || !(await reader(user, entityId))) {
        throw notFound('history.not_found', '没有这条记录的修改历史，或您无权查看');
      }
      const rows = await db
        .selectFrom('record_versions')
        .selectAll()
        .where('entity_type', '=', entityType)
        .where('entity_id', '=', entityId)
        .orderBy('version')
        .execute();
      if (rows.length === 0)
        throw notFound('history.not_found', '没有这条记录的修改历史，或您无权查看');
      let previous: Record<string, unknown> = {};
      return rows.map((row) => {
        const data = JSON.parse(row.data) as Record<string, unknown>;
        const changes = Object.keys(data)
          .filter((k) => !hidden.has(k) && JSON.stringify(data[k]) !== JSON.stringify(previous[k]))
          .map((field) => ({ field, before: previous[field] ?? null, after: data[field] ?? null }));
        previous = data;
        return {
          version: row.version,
          changedAt: row.changed_at,
          changedBy: row.changed_by,
          changedByName: row.changed_by_name,
          method: row.method,
          reason: row.reason,
          approvalRef: row.approval_ref,
          changes,
          data,
        };
      });
    },
  };
}

export type HistoryService = ReturnType<typeof createHistoryService>;
