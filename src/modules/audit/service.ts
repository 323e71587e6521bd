/**
 * The one audit service every module calls (AUD-01). An entry is appended in the caller's
 * transaction, so a change without its entry cannot exist; entries are hash-chained (SM3)
 * and the database refuses to update or delete them.
 */
import type { AppContext } from '../../server/context.ts';
import type { Tx } from '../../db/transaction.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AuditEntryTable } from '../../db/schema.ts';
import { chainParts, entryCanonicalParts, type HashedFields } from './entry-hash.ts';

export interface AuditActor {
  id: string;
  name: string;
  unitId: string | null;
}

/** Who acts and from where: attached to every entry a request causes. */
export interface AuditContext {
  actor: AuditActor | null;
  clientIp: string | null;
  requestId: string | null;
}

/** The context of a command-line or system action (no signed-in person). */
export function systemContext(): AuditContext {
  return { actor: null, clientIp: null, requestId: null };
}

export interface AuditInput {
  action: string;
  result: 'success' | 'failure' | 'denied';
  actor?: AuditActor | null;
  target?: { type: string; id: string; unitId?: string | null } | null;
  fields?: string[];
  recordCount?: number;
  grantId?: string;
  purpose?: string;
  clientIp?: string | null;
  requestId?: string | null;
  detail?: Record<string, unknown>;
}

/** The columns that the hash covers: everything but the hash itself. */
export function hashedContent(entry: Omit<AuditEntryTable, 'hash' | 'prev_hash'>) {
  return {
    seq: entry.seq,
    at: entry.at,
    actor_id: entry.actor_id,
    actor_name: entry.actor_name,
    actor_unit_id: entry.actor_unit_id,
    action: entry.action,
    result: entry.result,
    target_type: entry.target_type,
    target_id: entry.target_id,
    target_unit_id: entry.target_unit_id,
    fields: entry.fields,
    record_count: entry.record_count,
    grant_id: entry.grant_id,
    purpose: entry.purpose,
    client_ip: entry.client_ip,
    request_id: entry.request_id,
    detail: entry.detail,
  };
}

const AUDIT_COLUMNS = [
  'seq',
  'at',
  'actor_id',
  'actor_name',
  'actor_unit_id',
  'action',
  'result',
  'target_type',
  'target_id',
  'target_unit_id',
  'fields',
  'record_count',
  'grant_id',
  'purpose',
  'client_ip',
  'request_id',
  'detail',
  'prev_hash',
  'hash',
] as const;
const INSERT_SQL = `insert into audit_entries (${AUDIT_COLUMNS.join(', ')}) values (${AUDIT_COLUMNS.map(() => '?').join(', ')})`;

export interface AuditServiceOptions {
  /** Benchmarks only: 'none' skips hashing to measure what the chain costs. */
  chain?: 'sm3' | 'none';
  /** Most entries committed together by the group-commit path. */
  maxBatch?: number;
}

interface Pending {
  input: AuditInput;
  resolve: (seq: number) => void;
  reject: (error: unknown) => void;
}

export function createAuditService(ctx: AppContext, options: AuditServiceOptions = {}) {
  const { db, engine, clock } = ctx;
  const hashing = options.chain !== 'none';
  const maxBatch = options.maxBatch ?? 2000;
  let sqliteInsert: { run(...values: unknown[]): unknown } | undefined;

  type Head = { seq: number; hash: string };

  function contentOf(input: AuditInput, seq: number, at: string): HashedFields {
    return {
      seq,
      at,
      actor_id: input.actor?.id ?? null,
      actor_name: input.actor?.name ?? null,
      actor_unit_id: input.actor?.unitId ?? null,
      action: input.action,
      result: input.result,
      target_type: input.target?.type ?? null,
      target_id: input.target?.id ?? null,
      target_unit_id: input.target?.unitId ?? null,
      fields: input.fields ? JSON.stringify(input.fields) : null,
      record_count: input.recordCount ?? null,
      grant_id: input.grantId ?? null,
      purpose: input.purpose ?? null,
      client_ip: input.clientIp ?? null,
      request_id: input.requestId ?? null,
      detail: input.detail ? JSON.stringify(input.detail) : null,
    };
  }

  /** Locks and reads the chain head: the lock serialises appends from every app instance. */
  async function lockHead(tx: Tx): Promise<Head> {
    const head = await tx
      .selectFrom('audit_chain_head')
      .select(['seq', 'hash'])
      .where('id', '=', 1)
      .$if(engine === 'postgres', (q) => q.forUpdate())
      .executeTakeFirstOrThrow();
    return { seq: Number(head.seq), hash: head.hash };
  }

  async function insertRows(tx: Tx, rows: AuditEntryTable[], head: Head): Promise<void> {
    if (ctx.sqlite) {
      // SQLite: prepared statements on the connection that holds `tx` — building and
      // compiling a query per batch costs more than the insert itself.
      const insert = (sqliteInsert ??= ctx.sqlite.prepare(INSERT_SQL));
      for (const r of rows) {
        // In AUDIT_COLUMNS order.
        insert.run(
          r.seq,
          r.at,
          r.actor_id,
          r.actor_name,
          r.actor_unit_id,
          r.action,
          r.result,
          r.target_type,
          r.target_id,
          r.target_unit_id,
          r.fields,
          r.record_count,
          r.grant_id,
          r.purpose,
          r.client_ip,
          r.request_id,
          r.detail,
          r.prev_hash,
          r.hash,
        );
      }
      ctx.sqlite
        .prepare('update audit_chain_head set seq = ?, hash = ? where id = 1')
        .run(head.seq, head.hash);
    } else {
      // 19 columns a row: 500 rows stay well under the bound-parameter limit.
      for (let i = 0; i < rows.length; i += 500) {
        await tx
          .insertInto('audit_entries')
          .values(rows.slice(i, i + 500))
          .execute();
      }
      await tx
        .updateTable('audit_chain_head')
        .set({ seq: head.seq, hash: head.hash })
        .where('id', '=', 1)
        .execute();
    }
  }

  /** Chains contents after `expected`. */
  function chainRows(contents: HashedFields[], expected: Head) {
    const hashes = hashing
      ? chainParts(contents.map(entryCanonicalParts), expected.hash)
      : contents.map(() => expected.hash);
    const rows = contents.map((c, i): AuditEntryTable => ({
      ...c,
      prev_hash: hashing ? (i === 0 ? expected.hash : hashes[i - 1]!) : expected.hash,
      hash: hashes[i]!,
    }));
    const head: Head = {
      seq: expected.seq + contents.length,
      hash: hashes.at(-1) ?? expected.hash,
    };
    return { rows, head };
  }

  /**
   * Appends entries inside `tx`, after locking the chain head. Returns their sequence
   * numbers and the new head.
   */
  async function appendWithHead(
    tx: Tx,
    inputs: readonly AuditInput[],
  ): Promise<{ seqs: number[]; head: Head }> {
    const expected = await lockHead(tx);
    if (inputs.length === 0) return { seqs: [], head: expected };
    const at = clock.now().toISOString();
    const { rows, head } = chainRows(
      inputs.map((input, i) => contentOf(input, expected.seq + i + 1, at)),
      expected,
    );
    await insertRows(tx, rows, head);
    return { seqs: rows.map((r) => r.seq), head };
  }

  async function appendMany(tx: Tx, inputs: readonly AuditInput[]): Promise<number[]> {
    return (await appendWithHead(tx, inputs)).seqs;
  }

  async function append(tx: Tx, input: AuditInput): Promise<number> {
    return (await appendMany(tx, [input]))[0]!;
  }

  // Group commit: entries of concurrent requests are committed together, one transaction
  // (one fsync) per batch, and each caller is answered only after its batch committed.
  const queue: Pending[] = [];
  let scheduled = false;

  async function flush(): Promise<void> {
    try {
      while (queue.length > 0) {
        const batch = queue.splice(0, maxBatch);
        try {
          const seqs = await withTransaction(db, (tx) =>
            appendMany(
              tx,
              batch.map((p) => p.input),
            ),
          );
          batch.forEach((p, i) => p.resolve(seqs[i]!));
        } catch (error) {
          for (const p of batch) p.reject(error);
        }
      }
    } finally {
      scheduled = false;
    }
  }

  return {
    append,
    appendMany,
    /** Appends an entry for an act done in `by`'s name. */
    appendBy(
      tx: Tx,
      by: AuditContext,
      input: Omit<AuditInput, 'actor' | 'clientIp' | 'requestId'>,
    ) {
      return append(tx, {
        ...input,
        actor: by.actor,
        clientIp: by.clientIp,
        requestId: by.requestId,
      });
    },
    /** Appends in a transaction of its own: for events with no change to go with (a failed login). */
    record(input: AuditInput): Promise<number> {
      return withTransaction(db, (tx) => append(tx, input));
    },
    /**
     * The group-commit path, for reads of shared data (one entry per exchange call): resolves
     * once the entry is committed, so nothing answered is unaudited.
     */
    enqueue(input: AuditInput): Promise<number> {
      return new Promise<number>((resolve, reject) => {
        queue.push({ input, resolve, reject });
        if (!scheduled) {
          scheduled = true;
          setImmediate(() => void flush());
        }
      });
    },
  };
}

export type AuditService = ReturnType<typeof createAuditService>;
