/** SQL for accounts and sessions. No rules here: the service decides, this file reads/writes. */
import type { Db } from '../../db/database.ts';
import type { Tx } from '../../db/transaction.ts';
import type { SessionTable, UserTable } from '../../db/schema.ts';

type Executor = Db | Tx;

export interface UserWithUnit extends UserTable {
  unit_name: string;
  unit_division_code: string;
}

export function findUserByUsername(db: Executor, username: string) {
  return db
    .selectFrom('users')
    .innerJoin('units', 'units.id', 'users.unit_id')
    .selectAll('users')
    .select(['units.name as unit_name', 'units.division_code as unit_division_code'])
    .where('users.username', '=', username)
    .executeTakeFirst() as Promise<UserWithUnit | undefined>;
}

export function findUserById(db: Executor, id: string) {
  return db
    .selectFrom('users')
    .innerJoin('units', 'units.id', 'users.unit_id')
    .selectAll('users')
    .select(['units.name as unit_name', 'units.division_code as unit_division_code'])
    .where('users.id', '=', id)
    .executeTakeFirst() as Promise<UserWithUnit | undefined>;
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

export async function insertUser(db: Executor, user: UserTable, roleNames: readonly string[]) {
  await db.insertInto('users').values(user).execute();
  if (roleNames.length > 0) {
    await db
      .insertInto('user_roles')
      .values(roleNames.map((role) => ({ user_id: user.id, role })))
      .execute();
  }
}

export async function recordLoginFailure(db: Executor, userId: string, at: string) {
  await db
    .updateTable('users')
    .set((eb) => ({ failed_logins: eb('failed_logins', '+', 1), updated_at: at }))
    .where('id', '=', userId)
    .execute();
}

export async function recordLoginSuccess(db: Executor, userId: string, at: string) {
  await db
    .updateTable('users')
    .set({ failed_logins: 0, last_login_at: at, updated_at: at })
    .where('id', '=', userId)
    .execute();
}

export async function setPassword(
  db: Executor,
  userId: string,
  hash: string,
  mustChange: boolean,
  at: string,
) {
  await db
    .updateTable('users')
    .set({
      password_hash: hash,
      must_change_password: mustChange ? 1 : 0,
      failed_logins: 0,
      updated_at: at,
    })
    .where('id', '=', userId)
    .execute();
}

export async function insertSession(db: Executor, session: SessionTable) {
  await db.insertInto('sessions').values(session).execute();
}

export function findSession(db: Executor, id: string) {
  return db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function touchSession(db: Executor, id: string, at: string) {
  await db.updateTable('sessions').set({ last_seen_at: at }).where('id', '=', id).execute();
}

export async function deleteSession(db: Executor, id: string) {
  await db.deleteFrom('sessions').where('id', '=', id).execute();
}
