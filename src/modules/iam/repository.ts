/** SQL for accounts, sessions, tokens and the policy. No rules here: the services decide. */
import type { Db } from '../../db/database.ts';
import type { Tx } from '../../db/transaction.ts';
import type { ApiTokenTable, SessionTable, UserTable } from '../../db/schema.ts';

export type Executor = Db | Tx;

export interface UserWithUnit extends UserTable {
  unit_name: string;
  unit_division_code: string;
}

function usersWithUnit(db: Executor) {
  return db
    .selectFrom('users')
    .innerJoin('units', 'units.id', 'users.unit_id')
    .selectAll('users')
    .select(['units.name as unit_name', 'units.division_code as unit_division_code']);
}

export function findUserByUsername(db: Executor, username: string) {
  return usersWithUnit(db).where('users.username', '=', username).executeTakeFirst() as Promise<
    UserWithUnit | undefined
  >;
}

export function findUserById(db: Executor, id: string) {
  return usersWithUnit(db).where('users.id', '=', id).executeTakeFirst() as Promise<
    UserWithUnit | undefined
  >;
}

export async function rolesOf(db: Executor, userId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('user_roles')
    .select('role')
    .where('user_id', '=', userId)
    .orderBy('role')
    .execute();
  return rows.map((r) => r.role);
}

export async function rolesOfMany(db: Executor, userIds: string[]): Promise<Map<string, string[]>> {
  const map = new Map<string, string[]>();
  if (userIds.length === 0) return map;
  const rows = await db
    .selectFrom('user_roles')
    .select(['user_id', 'role'])
    .where('user_id', 'in', userIds)
    .orderBy('role')
    .execute();
  for (const row of rows) map.set(row.user_id, [...(map.get(row.user_id) ?? []), row.role]);
  return map;
}

export async function insertUser(db: Executor, user: UserTable, roleNames: readonly string[]) {
  await db.insertInto('users').values(user).execute();
  await setRoles(db, user.id, roleNames);
}

export async function setRoles(db: Executor, userId: string, roleNames: readonly string[]) {
  await db.deleteFrom('user_roles').where('user_id', '=', userId).execute();
  if (roleNames.length > 0) {
    await db
      .insertInto('user_roles')
      .values(roleNames.map((role) => ({ user_id: userId, role })))
      .execute();
  }
}

export async function updateUser(db: Executor, id: string, set: Partial<UserTable>) {
  await db.updateTable('users').set(set).where('id', '=', id).execute();
}

export function loginFailure(db: Executor, username: string) {
  return db
    .selectFrom('login_failures')
    .selectAll()
    .where('username', '=', username)
    .executeTakeFirst();
}

export async function saveLoginFailure(
  db: Executor,
  row: { username: string; failures: number; locked_until: string | null; last_failure_at: string },
) {
  await db
    .insertInto('login_failures')
    .values(row)
    .onConflict((oc) =>
      oc.column('username').doUpdateSet({
        failures: row.failures,
        locked_until: row.locked_until,
        last_failure_at: row.last_failure_at,
      }),
    )
    .execute();
}

export async function clearLoginFailures(db: Executor, username: string) {
  await db.deleteFrom('login_failures').where('username', '=', username).execute();
}

export async function insertSession(db: Executor, session: SessionTable) {
  await db.insertInto('sessions').values(session).execute();
}

export function findSession(db: Executor, id: string) {
  return db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function updateSession(db: Executor, id: string, set: Partial<SessionTable>) {
  await db.updateTable('sessions').set(set).where('id', '=', id).execute();
}

export async function deleteSession(db: Executor, id: string) {
  await db.deleteFrom('sessions').where('id', '=', id).execute();
}

/** Ends every session of a user except `keep` (the one that made the change). */
export async function deleteSessionsOf(db: Executor, userId: string, keep?: string) {
  let query = db.deleteFrom('sessions').where('user_id', '=', userId);
  if (keep) query = query.where('id', '!=', keep);
  await query.execute();
}

export async function passwordHistory(db: Executor, userId: string, limit: number) {
  const rows = await db
    .selectFrom('password_history')
    .select('password_hash')
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => r.password_hash);
}

export async function insertPasswordHistory(
  db: Executor,
  row: { id: string; user_id: string; password_hash: string; created_at: string },
) {
  await db.insertInto('password_history').values(row).execute();
}

export async function insertApiToken(db: Executor, token: ApiTokenTable) {
  await db.insertInto('api_tokens').values(token).execute();
}

export function findApiToken(db: Executor, digest: string) {
  return db
    .selectFrom('api_tokens')
    .selectAll()
    .where('token_digest', '=', digest)
    .executeTakeFirst();
}

export function apiTokensOf(db: Executor, userId: string) {
  return db
    .selectFrom('api_tokens')
    .select(['id', 'name', 'created_at', 'expires_at', 'last_used_at', 'revoked_at'])
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .execute();
}

export async function revokeApiTokens(db: Executor, userId: string, at: string, tokenId?: string) {
  let query = db
    .updateTable('api_tokens')
    .set({ revoked_at: at })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null);
  if (tokenId) query = query.where('id', '=', tokenId);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function touchApiToken(db: Executor, id: string, at: string) {
  await db.updateTable('api_tokens').set({ last_used_at: at }).where('id', '=', id).execute();
}

export async function loadPolicy(db: Executor): Promise<string | undefined> {
  const row = await db
    .selectFrom('security_policy')
    .select('policy')
    .where('id', '=', 1)
    .executeTakeFirst();
  return row?.policy;
}

export async function savePolicy(db: Executor, policy: string, at: string, by: string | null) {
  await db
    .insertInto('security_policy')
    .values({ id: 1, policy, updated_at: at, updated_by: by })
    .onConflict((oc) => oc.column('id').doUpdateSet({ policy, updated_at: at, updated_by: by }))
    .execute();
}
