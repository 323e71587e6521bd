/**
 * What the processor remembers between runs, in a small SQLite file beside it: for each
 * resource, the key and content digest of every row the platform accepted, and the last
 * publication. A run compares the source with it to send only what changed, and computes
 * the whole source's count and checksum from the rows it saw (../checksum.ts).
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { createRowChecksum, type Holdings } from '../checksum.ts';

export interface PublishedState {
  publicationId: string;
  at: string;
  platform: Holdings;
  /** The probe's answer when this state was published (on-change publications). */
  probe: string | null;
}

export function openState(path: string) {
  mkdirSync(dirname(path), { recursive: true });
  const db = new SqliteDatabase(path);
  db.pragma('journal_mode = WAL');
  db.exec(`
    create table if not exists published_rows (
      resource text not null, row_key text not null, digest text not null,
      primary key (resource, row_key)) without rowid;
    create table if not exists run_rows (
      resource text not null, row_key text not null, digest text not null,
      primary key (resource, row_key)) without rowid;
    create table if not exists publications (
      resource text primary key, publication_id text not null, at text not null,
      platform_row_count integer not null, platform_checksum text not null, probe text);
  `);
  const s = {
    published: db.prepare<[string, string], { digest: string }>(
      'select digest from published_rows where resource = ? and row_key = ?',
    ),
    seen: db.prepare<[string, string, string]>(
      'insert into run_rows (resource, row_key, digest) values (?, ?, ?) on conflict do nothing',
    ),
    clearRun: db.prepare<[string]>('delete from run_rows where resource = ?'),
    gone: db.prepare<[string], { row_key: string }>(
      `select p.row_key from published_rows p where p.resource = ? and not exists
       (select 1 from run_rows r where r.resource = p.resource and r.row_key = p.row_key)
       order by p.row_key`,
    ),
    runInOrder: db.prepare<[string], { row_key: string; digest: string }>(
      'select row_key, digest from run_rows where resource = ? order by row_key',
    ),
    last: db.prepare<
      [string],
      {
        publication_id: string;
        at: string;
        platform_row_count: number;
        platform_checksum: string;
        probe: string | null;
      }
    >('select * from publications where resource = ?'),
  };

  return {
    /** Starts a run of `resource`: forgets the keys seen by an earlier, unfinished run. */
    beginRun(resource: string) {
      s.clearRun.run(resource);
    },
    /** The digest the platform holds for a key, as of the last accepted publication. */
    publishedDigest(resource: string, key: string): string | undefined {
      return s.published.get(resource, key)?.digest;
    },
    /** Notes a source row of this run; false when the key was already seen (a duplicate). */
    see(resource: string, key: string, digest: string): boolean {
      return s.seen.run(resource, key, digest).changes === 1;
    },
    /** Keys published before and absent from the source now. */
    goneKeys(resource: string): string[] {
      return s.gone.all(resource).map((r) => r.row_key);
    },
    /** The canonical count and checksum of the rows seen in this run. */
    runHoldings(resource: string): Holdings {
      const sum = createRowChecksum();
      for (const r of s.runInOrder.iterate(resource)) sum.addDigest(r.row_key, r.digest);
      return { rowCount: sum.count, checksum: sum.digest() };
    },
    /** The platform accepted the run: it becomes what the platform holds. */
    accept(resource: string, published: PublishedState) {
      db.transaction(() => {
        db.prepare('delete from published_rows where resource = ?').run(resource);
        db.prepare(
          'insert into published_rows (resource, row_key, digest) select resource, row_key, digest from run_rows where resource = ?',
        ).run(resource);
        s.clearRun.run(resource);
        db.prepare(
          `insert into publications (resource, publication_id, at, platform_row_count, platform_checksum, probe)
           values (?, ?, ?, ?, ?, ?) on conflict (resource) do update set
           publication_id = excluded.publication_id, at = excluded.at,
           platform_row_count = excluded.platform_row_count,
           platform_checksum = excluded.platform_checksum, probe = excluded.probe`,
        ).run(
          resource,
          published.publicationId,
          published.at,
          published.platform.rowCount,
          published.platform.checksum,
          published.probe,
        );
      })();
    },
    lastPublished(resource: string): PublishedState | null {
      const r = s.last.get(resource);
      return r
        ? {
            publicationId: r.publication_id,
            at: r.at,
            platform: { rowCount: r.platform_row_count, checksum: r.platform_checksum },
            probe: r.probe,
          }
        : null;
    },
    close() {
      db.close();
    },
  };
}

export type ProcessorState = ReturnType<typeof openState>;
