/**
 * Password hashing with argon2id (memory-hard). The stored form is the PHC string, which
 * carries its own salt and parameters, so parameters can be raised later without breaking
 * stored hashes.
 */
import { hash, verify } from '@node-rs/argon2';

// algorithm 2 is Argon2id (a const enum in the package's types, so written as its value).
const options = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 };

export function hashPassword(password: string): Promise<string> {
  return hash(password, options);
}

export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}

/** A hash that no password matches, used to spend the same time for unknown user names. */
let decoy: Promise<string> | undefined;
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword('decoy-password-for-timing');
  return decoy;
}
