/** Opening the platform from the command line: configuration, database, services. */
import { loadConfig, redactUrl, type Config } from '../server/config.ts';
import { systemClock, type AppContext } from '../server/context.ts';
import {
  latestSchemaVersion,
  migrateToLatest,
  openDatabase,
  schemaVersion,
  type DatabaseHandle,
} from '../db/database.ts';
import { createServices, type Services } from '../server/app.ts';
import { AppError } from '../server/errors.ts';
import type { AuditContext } from '../modules/audit/service.ts';
import type { SessionUser } from '../modules/iam/auth.ts';
import { permissionsOf, roles as roleTable, type Role } from '../modules/iam/permissions.ts';

export interface Runtime {
  config: Config;
  handle: DatabaseHandle;
  ctx: AppContext;
  services: Services;
  close(): Promise<void>;
}

export function openRuntime(): Runtime {
  const config = loadConfig();
  const handle = openDatabase(config.databaseUrl);
  const ctx: AppContext = {
    db: handle.db,
    engine: handle.engine,
    sqlite: handle.sqlite,
    config,
    clock: systemClock,
  };
  return { config, handle, ctx, services: createServices(ctx), close: () => handle.close() };
}

/** Migrates, then loads the shipped division table into a new database. */
export async function prepareDatabase(
  rt: Runtime,
): Promise<{ version: number; loadedDivisions: boolean }> {
  const version = await migrateToLatest(rt.handle);
  const loadedDivisions = await rt.services.org.ensureBuiltinDivisions();
  return { version, loadedDivisions };
}

/** Refuses to serve a database whose schema is behind this release. */
export async function assertSchemaCurrent(rt: Runtime): Promise<void> {
  const version = await schemaVersion(rt.handle);
  if (version < latestSchemaVersion) {
    throw new Error(
      `数据库结构版本为 ${version}，本程序需要 ${latestSchemaVersion}：请先运行 mzhub migrate（数据库：${redactUrl(rt.config.databaseUrl)}）`,
    );
  }
}

/**
 * An active account acting from the command line (the audit trail names it, as for a
 * console session): `mzhub import --as hb_mz_entry …`.
 */
export async function actAs(
  rt: Runtime,
  username: string,
): Promise<{ user: SessionUser; by: AuditContext }> {
  const rows = await rt.ctx.db
    .selectFrom('users as u')
    .innerJoin('units as n', 'n.id', 'u.unit_id')
    .leftJoin('user_roles as r', 'r.user_id', 'u.id')
    .select([
      'u.id',
      'u.username',
      'u.display_name',
      'u.unit_id',
      'u.status',
      'n.name',
      'n.division_code',
      'r.role',
    ])
    .where('u.username', '=', username)
    .execute();
  const u = rows[0];
  if (!u || u.status !== 'active') {
    throw new AppError('not_found', 'account.not_found', `没有名为“${username}”的在用账号`);
  }
  const roles = rows.map((r) => r.role).filter((r): r is Role => r !== null);
  const kinds = roles.map((r) => roleTable[r].kind);
  const user: SessionUser = {
    id: u.id,
    username: u.username,
    displayName: u.display_name,
    unitId: u.unit_id,
    unitName: u.name,
    unitDivisionCode: u.division_code,
    kind: kinds.includes('platform')
      ? 'platform'
      : kinds.includes('unit_admin')
        ? 'unit_admin'
        : 'business',
    roles,
    permissions: permissionsOf(roles),
    mustChangePassword: false,
    secondFactorEnabled: false,
  };
  return {
    user,
    by: {
      actor: { id: u.id, name: u.display_name, unitId: u.unit_id },
      clientIp: null,
      requestId: null,
    },
  };
}
