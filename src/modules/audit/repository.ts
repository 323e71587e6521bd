/** Searching the audit trail; every filter is part of the query. */
import type { Db } from '../../db/database.ts';
import type { AuditEntryTable } from '../../db/schema.ts';
import type { AuditQuery } from './schemas.ts';

export type AuditRow = AuditEntryTable & {
  actor_unit_name: string | null;
  target_unit_name: string | null;
};

/** Restrictions that come from who is asking, never from the request. */
export interface AuditScope {
  /** Entries about the caller themselves are never shown to them (IAM-02). */
  excludeActorId: string;
  actorUnitId?: string;
  targetUnitId?: string;
}

export function searchEntries(
  db: Db,
  q: Omit<AuditQuery, 'limit' | 'cursor'>,
  scope: AuditScope,
  page: { before?: number; limit: number },
) {
  let query = db
    .selectFrom('audit_entries as e')
    .leftJoin('units as au', 'au.id', 'e.actor_unit_id')
    .leftJoin('units as tu', 'tu.id', 'e.target_unit_id')
    .selectAll('e')
    .select(['au.name as actor_unit_name', 'tu.name as target_unit_name'])
    .where((eb) =>
      eb.or([eb('e.actor_id', 'is', null), eb('e.actor_id', '!=', scope.excludeActorId)]),
    );
  if (scope.actorUnitId) query = query.where('e.actor_unit_id', '=', scope.actorUnitId);
  if (scope.targetUnitId) query = query.where('e.target_unit_id', '=', scope.targetUnitId);
  if (q.actorId) query = query.where('e.actor_id', '=', q.actorId);
  if (q.actorName)
    query = query.where('e.actor_name', 'like', `%${q.actorName.replace(/[\\%_]/g, '')}%`);
  if ('unitId' in q && q.unitId) {
    const unitId = q.unitId;
    query = query.where((eb) =>
      eb.or([eb('e.actor_unit_id', '=', unitId), eb('e.target_unit_id', '=', unitId)]),
    );
  }
  if (q.action)
    query = q.action.endsWith('.')
      ? query.where('e.action', 'like', `${q.action}%`)
      : query.where('e.action', '=', q.action);
  if (q.result) query = query.where('e.result', '=', q.result);
  if (q.targetType) query = query.where('e.target_type', '=', q.targetType);
  if (q.targetId) query = query.where('e.target_id', '=', q.targetId);
  if (q.from) query = query.where('e.at', '>=', new Date(q.from).toISOString());
  if (q.to) query = query.where('e.at', '<=', new Date(q.to).toISOString());
  if (page.before !== undefined) query = query.where('e.seq', '<', page.before);
  return query.orderBy('e.seq', 'desc').limit(page.limit).execute() as Promise<AuditRow[]>;
}
