/**
 * The one audit service every module calls (AUD-01). An entry is appended in the caller's
 * transaction, so a change without its entry cannot exist; entries are hash-chained (SM3)
 * and the database refuses to update or delete them.
 */
import type { AppContext } from '../../server/context.ts';
import type { Tx } from '../../db/transaction.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AuditEntryTable } from '../../db/schema.ts';
import { chainHash } from '../../lib/hash-chain.ts';

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

export function createAuditService(ctx: AppContext) {
  const { db, engine, clock } = ctx;

  /** Appends one entry inside `tx`, after locking the chain head. Returns its sequence number. */
  async function append(tx: Tx, input: AuditInput): Promise<number> {
    const head = await tx
      .selectFrom('audit_chain_head')
      .select(['seq', 'hash'])
      .where('id', '=', 1)
      .$if(engine === 'postgres', (q) => q.forUpdate())
      .executeTakeFirstOrThrow();
    const seq = Number(head.seq) + 1;
    const content = {
      seq,
      at: clock.now().toISOString(),
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
    const hash = chainHash('sm3', hashedContent(content), head.hash);
    await tx
      .insertInto('audit_entries')
      .values({ ...content, prev_hash: head.hash, hash })
      .execute();
    await tx.updateTable('audit_chain_head').set({ seq, hash }).where('id', '=', 1).execute();
    return seq;
  }

  return {
    append,
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
  };
}

export type AuditService = ReturnType<typeof createAuditService>;
