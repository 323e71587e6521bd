/**
 * Opens the database named by the configuration: an SQLite file (WAL, foreign keys on,
 * synchronous=FULL) or a PostgreSQL pool. Everything above this file sees one typed
 * `Kysely<Database>` and never the driver.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { Engine } from './engine.ts';
import { latestSchemaVersion, migrationProvider } from './migrations/index.ts';
import type { Database } from './schema.ts';

export type Db = Kysely<Database>;

export interface DatabaseHandle {
  db: Db;
  engine: Engine;
  /**
   * The SQLite connection under `db`, for the few hot paths that use prepared statements
   * directly (audit appends and verification). Use it only inside a transaction opened on
   * `db`, which holds this same connection. Null on PostgreSQL.
   */
  sqlite: SqliteDatabase.Database | null;
  close(): Promise<void>;
}

/** Which engine a database URL names: `postgres://…` / `postgresql://…`, else an SQLite path. */
export function engineOf(databaseUrl: string): Engine {
  return /^postgres(ql)?:\/\//.test(databaseUrl) ? 'postgres' : 'sqlite';
}

/** `sqlite:./data/mzhub.sqlite`, `file:…` or a bare path → the file path (`:memory:` kept). */
export function sqlitePath(databaseUrl: string): string {
  return databaseUrl.replace(/^(sqlite|file):(\/\/)?/, '');
}

export function openDatabase(
  databaseUrl: string,
  options: { poolSize?: number } = {},
): DatabaseHandle {
  const engine = engineOf(databaseUrl);
  if (engine === 'postgres') {
    // Counts and sums come back from pg as strings for bigint; parse the common int8 type.
    pg.types.setTypeParser(20, (v) => Number(v));
    const pool = new pg.Pool({ connectionString: databaseUrl, max: options.poolSize ?? 10 });
    // An idle connection dropped by the server (restart, failover, admin termination) must not
    // crash the process: the pool discards it, and the next query opens a fresh one.
    pool.on('error', () => {});
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, engine, sqlite: null, close: () => db.destroy() };
  }
  const path = sqlitePath(databaseUrl);
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new SqliteDatabase(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('busy_timeout = 5000');
  // 64 MB of page cache (default 2 MB): a million-row import into the row store's key index
  // runs twice as fast when the index's hot pages stay in memory.
  sqlite.pragma('cache_size = -65536');
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: withStatementCache(sqlite) }),
  });
  return { db, engine, sqlite, close: () => db.destroy() };
}

/** How many distinct statements the SQLite handle keeps prepared. */
const statementCacheSize = 1000;

/**
 * The SQLite handle Kysely sees, with `prepare` reusing statements by their SQL text. Kysely
 * prepares every query afresh, which costs more than running a point lookup; the same few
 * hundred statements are used again and again. A statement still being iterated (a stream) is
 * never handed out twice: a fresh one is prepared instead.
 */
function withStatementCache(sqlite: SqliteDatabase.Database) {
  const cache = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql: string) {
      const cached = cache.get(sql);
      if (cached && !cached.busy) {
        // Most recently used last, so the oldest is evicted first.
        cache.delete(sql);
        cache.set(sql, cached);
        return cached;
      }
      const statement = sqlite.prepare(sql);
      if (!cached) {
        cache.set(sql, statement);
        if (cache.size > statementCacheSize) {
          const oldest = cache.keys().next().value;
          if (oldest !== undefined) cache.delete(oldest);
        }
      }
      return statement;
    },
  };
}

/** Applies every pending migration; returns the schema version now in force. */
export async function migrateToLatest(handle: DatabaseHandle): Promise<number> {
  const migrator = new Migrator({ db: handle.db, provider: migrationProvider(handle.engine) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(
      `数据库迁移失败${failed ? `（${failed.migrationName}）` : ''}：${error instanceof Error ? error.message : JSON.stringify(error)}`,
      {
        cause: error,
      },
    );
  }
  return schemaVersion(handle);
}

/** Number of applied migrations (0 on an empty database). */
export async function schemaVersion(
  handle: Pick<DatabaseHandle, 'db' | 'engine'>,
): Promise<number> {
  const migrator = new Migrator({ db: handle.db, provider: migrationProvider(handle.engine) });
  const all = await migrator.getMigrations();
  return all.filter((m) => m.executedAt !== undefined).length;
}

export { latestSchemaVersion };
