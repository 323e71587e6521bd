/**
 * SM2 signatures (GB/T 32918) with SM3 and the signer's Z value, as Chinese PKI expects.
 * node:crypto's "SM2" is plain ECDSA without Z_A and does not interoperate, so this wraps
 * sm-crypto-v2. Keys and signatures are hex strings (signature: r‖s, 128 hex characters).
 *
 * @example
 * const keys = generateSm2KeyPair();
 * sm2Verify('text', sm2Sign('text', keys.privateKey), keys.publicKey) // true
 */
import { sm2 } from 'sm-crypto-v2';

export interface Sm2KeyPair {
  privateKey: string;
  publicKey: string;
}

export function generateSm2KeyPair(): Sm2KeyPair {
  const { privateKey, publicKey } = sm2.generateKeyPairHex();
  return { privateKey, publicKey };
}

export function sm2Sign(message: string, privateKey: string, publicKey?: string): string {
  return sm2.doSignature(message, privateKey, {
    hash: true,
    der: false,
    ...(publicKey ? { publicKey } : {}),
  });
}

export function sm2Verify(message: string, signature: string, publicKey: string): boolean {
  try {
    return (
      /^[0-9a-f]{128}$/i.test(signature) &&
      sm2.doVerifySignature(message, signature, publicKey, { hash: true, der: false })
    );
  } catch {
    return false;
  }
}
