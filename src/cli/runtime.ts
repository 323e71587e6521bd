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
