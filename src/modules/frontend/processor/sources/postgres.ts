/**
 * PostgreSQL sources, through `pg`. Every session is opened read-only
 * (default_transaction_read_only), so even a role that could write cannot through the
 * processor; the department should still give it a role that may only SELECT (docs/frontend.md).
 * Large results are read through a cursor inside a read-only transaction, batch by batch.
 */
import pg from 'pg';
import type { SourceDatabase, SourceRow } from './source.ts';

const BOOL = 16;
const TIMESTAMPTZ = 1184;

/** Every value as PostgreSQL's own text; booleans spelled out, time zones dropped. */
const textTypes = {
  getTypeParser: (oid: number) => (value: string) =>
    oid === BOOL
      ? value === 't'
        ? 'true'
        : 'false'
      : oid === TIMESTAMPTZ
        ? value.replace(/[+-]\d{2}(:\d{2}){0,2}$/, '')
        : value,
};

export function openPostgresSource(url: string, options: { timeZone: string }): SourceDatabase {
  const pool = new pg.Pool({
    connectionString: url,
    max: 4,
    application_name: 'mzhub-frontend',
    // Read-only sessions in the department's time zone (timestamptz shown as local time).
    options: `-c default_transaction_read_only=on -c TimeZone=${options.timeZone}`,
    types: textTypes,
  });
  pool.on('error', () => {});
  let cursors = 0;
  // Every type parser above yields text, so the driver hands back strings or null.
  const asText = (row: Record<string, string | null>): SourceRow => {
    const out: SourceRow = {};
    for (const [k, v] of Object.entries(row)) out[k] = v ?? null;
    return out;
  };
  return {
    engine: 'postgres',
    async *rows(query, batchSize) {
      const client = await pool.connect();
      const name = `mzhub_frontend_${++cursors}`;
      let open = false;
      try {
        await client.query('begin transaction read only');
        open = true;
        await client.query(`declare ${name} no scroll cursor for ${query}`);
        for (;;) {
          const page = await client.query<Record<string, string | null>>(
            `fetch ${Math.max(1, Math.floor(batchSize))} from ${name}`,
          );
          if (page.rows.length > 0) yield page.rows.map(asText);
          if (page.rows.length < batchSize) break;
        }
        await client.query('commit');
        open = false;
      } finally {
        // A failed read, or a reader that stopped early, still ends its transaction.
        if (open) await client.query('rollback').catch(() => undefined);
        client.release();
      }
    },
    async columns(query) {
      const result = await pool.query(`select * from (${query}) as q limit 0`);
      return result.fields.map((f) => f.name);
    },
    async first(query, params) {
      const result = await pool.query<Record<string, string | null>>(query, [...params]);
      return result.rows[0] ? asText(result.rows[0]) : null;
    },
    quote: (identifier) =>
      identifier
        .split('.')
        .map((part) => `"${part.replaceAll('"', '""')}"`)
        .join('.'),
    placeholder: (n) => `$${n}`,
    close: () => pool.end(),
  };
}
