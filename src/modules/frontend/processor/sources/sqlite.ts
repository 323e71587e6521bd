/**
 * SQLite sources, through better-sqlite3, opened read-only (the file must exist). Each
 * streamed SELECT gets a connection of its own, so lookups can run while a publication reads.
 */
import SqliteDatabase from 'better-sqlite3';
import type { SourceDatabase, SourceRow } from './source.ts';

/** SQLite's values (with safe integers on): text, numbers, bigints, blobs or null. */
type SqliteValue = string | number | bigint | Buffer | null;

function asText(row: Record<string, SqliteValue>): SourceRow {
  const out: SourceRow = {};
  for (const [k, v] of Object.entries(row)) {
    out[k] = v === null ? null : Buffer.isBuffer(v) ? v.toString('hex') : String(v);
  }
  return out;
}

export function openSqliteSource(path: string): SourceDatabase {
  const open = () => {
    const db = new SqliteDatabase(path, { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 5000');
    return db;
  };
  const shared = open();
  return {
    engine: 'sqlite',
    async *rows(query, batchSize) {
      const db = open();
      try {
        // 64-bit integers as bigint: no precision lost on large identifiers.
        const statement = db.prepare(query).safeIntegers(true);
        let batch: SourceRow[] = [];
        for (const row of statement.iterate() as Iterable<Record<string, SqliteValue>>) {
          batch.push(asText(row));
          if (batch.length >= batchSize) {
            yield batch;
            batch = [];
          }
        }
        if (batch.length > 0) yield batch;
      } finally {
        db.close();
      }
    },
    async columns(query) {
      return shared
        .prepare(query)
        .columns()
        .map((c) => c.name);
    },
    async first(query, params) {
      const row = shared
        .prepare(query)
        .safeIntegers(true)
        .get(...params) as Record<string, SqliteValue> | undefined;
      return row ? asText(row) : null;
    },
    quote: (identifier) =>
      identifier
        .split('.')
        .map((part) => `"${part.replaceAll('"', '""')}"`)
        .join('.'),
    placeholder: () => '?',
    close: async () => {
      shared.close();
    },
  };
}
