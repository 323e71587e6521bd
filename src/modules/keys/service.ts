/**
 * The node's own SM2 key pair (节点密钥): signs audit checkpoints and archives now, and
 * node-to-node messages and seals later. The private key is kept sealed with the master key
 * in the `secrets` table; it is created on first use.
 */
import type { AppContext } from '../../server/context.ts';
import { generateSm2KeyPair, sm2Sign, type Sm2KeyPair } from '../../lib/sm2.ts';

const NODE_KEY = 'node.sm2';

export function createKeyService(ctx: AppContext) {
  const { db, clock } = ctx;
  let cached: Sm2KeyPair | undefined;

  async function nodeKeyPair(): Promise<Sm2KeyPair> {
    if (cached) return cached;
    let row = await db
      .selectFrom('secrets')
      .select('ciphertext')
      .where('name', '=', NODE_KEY)
      .executeTakeFirst();
    if (!row) {
      const fresh = generateSm2KeyPair();
      // Two instances may start at once: the first insert wins and both read it back.
      await db
        .insertInto('secrets')
        .values({
          name: NODE_KEY,
          ciphertext: ctx.config.masterKey.seal(JSON.stringify(fresh)),
          created_at: clock.now().toISOString(),
        })
        .onConflict((oc) => oc.column('name').doNothing())
        .execute();
      row = await db
        .selectFrom('secrets')
        .select('ciphertext')
        .where('name', '=', NODE_KEY)
        .executeTakeFirstOrThrow();
    }
    cached = JSON.parse(ctx.config.masterKey.open(row.ciphertext)) as Sm2KeyPair;
    return cached;
  }

  return {
    nodeKeyPair,
    async publicKey(): Promise<string> {
      return (await nodeKeyPair()).publicKey;
    },
    /** Signs `message` with the node key (SM2 with SM3). */
    async sign(message: string): Promise<{ signature: string; publicKey: string }> {
      const keys = await nodeKeyPair();
      return {
        signature: sm2Sign(message, keys.privateKey, keys.publicKey),
        publicKey: keys.publicKey,
      };
    },
  };
}

export type KeyService = ReturnType<typeof createKeyService>;
