/**
 * Secrets at rest (SEC-03). A master key (32 bytes) comes from MZHUB_MASTER_KEY (hex/base64)
 * or a key file; every stored secret — signing keys, webhook secrets, a database password
 * in the config file — is sealed with it as `enc:v1:<iv>:<tag>:<ciphertext>` (AES-256-GCM,
 * base64url). Plain-text secrets are refused where a sealed one is expected.
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

const PREFIX = 'enc:v1:';

export class MasterKey {
  readonly #key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== 32) throw new Error('主密钥长度必须为 32 字节');
    this.#key = key;
  }

  /** Parses a 32-byte key written as 64 hex characters or base64. */
  static parse(text: string): MasterKey {
    const trimmed = text.trim();
    const key = /^[0-9a-fA-F]{64}$/.test(trimmed)
      ? Buffer.from(trimmed, 'hex')
      : Buffer.from(trimmed, 'base64');
    return new MasterKey(key);
  }

  /**
   * Reads the key file, creating it (mode 0600) with a fresh random key when `create` is
   * set and the file does not exist — the single-machine default under ./data.
   */
  static fromFile(path: string, create: boolean): MasterKey {
    if (!existsSync(path)) {
      if (!create) throw new Error(`主密钥文件不存在：${path}`);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, randomBytes(32).toString('hex') + '\n', { mode: 0o600 });
    }
    chmodSync(path, 0o600);
    return MasterKey.parse(readFileSync(path, 'utf8'));
  }

  seal(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return PREFIX + [iv, tag, body].map((b) => b.toString('base64url')).join(':');
  }

  open(sealed: string): string {
    if (!isSealed(sealed)) throw new Error('不是加密保存的密文');
    const [iv, tag, body] = sealed
      .slice(PREFIX.length)
      .split(':')
      .map((p) => Buffer.from(p, 'base64url'));
    if (!iv || !tag || !body) throw new Error('密文格式错误');
    const decipher = createDecipheriv('aes-256-gcm', this.#key, iv);
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
    } catch {
      throw new Error('密文无法用当前主密钥解开（主密钥不符或密文被篡改）');
    }
  }

  /**
   * A keyed digest (HMAC-SHA-256 under a sub-key for `purpose`): lets the database compare
   * values such as ID numbers for equality without holding them in clear.
   */
  digest(purpose: string, value: string): string {
    const subKey = Buffer.from(
      hkdfSync('sha256', this.#key, Buffer.alloc(0), `mzhub:${purpose}`, 32),
    );
    return createHmac('sha256', subKey).update(value, 'utf8').digest('hex');
  }

  /** Never print the key, whatever logs or inspects this object. */
  toJSON(): string {
    return '[主密钥]';
  }
}

export function isSealed(value: string): boolean {
  return value.startsWith(PREFIX);
}
