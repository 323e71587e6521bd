/**
 * Signed checkpoints (AUD-02): `mzhub audit anchor` prints the chain head (sequence number,
 * hash, time) signed with the node's SM2 key. Kept outside the platform (printed, mailed to
 * the auditor, lodged with the ministry), a checkpoint later proves that the trail up to it
 * was neither cut short nor rewritten.
 */
import type { AppContext } from '../../server/context.ts';
import { canonicalFlat } from '../../lib/hash-chain.ts';
import { sm2Verify } from '../../lib/sm2.ts';
import type { KeyService } from '../keys/service.ts';

export interface Checkpoint {
  format: 'mzhub-audit-checkpoint/1';
  seq: number;
  hash: string;
  at: string;
  publicKey: string;
  signature: string;
}

const text = (c: Omit<Checkpoint, 'signature'>) => canonicalFlat({ ...c });

export function createAnchors(ctx: AppContext, keys: KeyService) {
  const { db, clock } = ctx;
  return {
    async anchor(): Promise<Checkpoint> {
      const head = await db
        .selectFrom('audit_chain_head')
        .select(['seq', 'hash'])
        .where('id', '=', 1)
        .executeTakeFirstOrThrow();
      const unsigned = {
        format: 'mzhub-audit-checkpoint/1' as const,
        seq: Number(head.seq),
        hash: head.hash,
        at: clock.now().toISOString(),
        publicKey: await keys.publicKey(),
      };
      const { signature } = await keys.sign(text(unsigned));
      return { ...unsigned, signature };
    },

    /**
     * Checks a checkpoint against this trail: its signature, that it was made by this node,
     * and that the entry it names still carries the hash it recorded.
     */
    async verifyAnchor(checkpoint: Checkpoint): Promise<{ ok: boolean; problem: string | null }> {
      const { signature, ...unsigned } = checkpoint;
      if (checkpoint.format !== 'mzhub-audit-checkpoint/1')
        return { ok: false, problem: '不是 mzhub 审计检查点' };
      if (!sm2Verify(text(unsigned), signature, checkpoint.publicKey)) {
        return { ok: false, problem: '检查点签名无效（内容被改动或签名错误）' };
      }
      if (checkpoint.publicKey !== (await keys.publicKey())) {
        return { ok: false, problem: '检查点不是由本节点签发的' };
      }
      const head = await db
        .selectFrom('audit_chain_head')
        .select('seq')
        .where('id', '=', 1)
        .executeTakeFirstOrThrow();
      if (Number(head.seq) < checkpoint.seq) {
        return {
          ok: false,
          problem: `审计日志被截短：检查点记到第 ${checkpoint.seq} 条，现只有 ${head.seq} 条`,
        };
      }
      const entry = await db
        .selectFrom('audit_entries')
        .select('hash')
        .where('seq', '=', checkpoint.seq)
        .executeTakeFirst();
      if (entry) {
        return entry.hash === checkpoint.hash
          ? { ok: true, problem: null }
          : { ok: false, problem: `第 ${checkpoint.seq} 条审计记录与检查点不符（日志被改写）` };
      }
      const archive = await db
        .selectFrom('audit_archives')
        .select(['to_seq', 'last_hash'])
        .where('from_seq', '<=', checkpoint.seq)
        .where('to_seq', '>=', checkpoint.seq)
        .executeTakeFirst();
      if (archive && Number(archive.to_seq) === checkpoint.seq) {
        return archive.last_hash === checkpoint.hash
          ? { ok: true, problem: null }
          : { ok: false, problem: `第 ${checkpoint.seq} 条（已归档）与检查点不符` };
      }
      if (archive) return { ok: true, problem: null };
      return { ok: false, problem: `找不到第 ${checkpoint.seq} 条审计记录` };
    },
  };
}
