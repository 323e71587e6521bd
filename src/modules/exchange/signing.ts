/**
 * How machine clients sign exchange calls (EXC-05). Every request carries five headers:
 *
 *   x-mzhub-credential  the credential ID (mzc_…)
 *   x-mzhub-interface   the code of the interface called (S-301002-000001-2-001)
 *   x-mzhub-timestamp   milliseconds since the Unix epoch
 *   x-mzhub-nonce       16–64 random characters [A-Za-z0-9_-], never reused
 *   x-mzhub-signature   the signature of the string to sign: hex HMAC-SM3 keyed with the
 *                       credential secret, or — for a credential issued for an SM2 public
 *                       key — the hex SM2 signature (r‖s, 128 characters) with that key pair
 *
 * The string to sign is six lines: the method, the path with its query string, the interface
 * code, the timestamp, the nonce, and the hex SM3 digest of the body (of the empty string for
 * none):
 *
 *   POST\n/api/v1/exchange/verify\nS-301002-000001-2-001\n1767225600000\nq7Xf…\n<sm3(body)>
 *
 * The platform refuses timestamps more than 5 minutes off its clock and nonces it has seen
 * within that window. See docs/exchange.md for copy-paste examples.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { sm2 } from 'sm-crypto-v2';
import { sm2Sign, sm2Verify } from '../../lib/sm2.ts';

export const signatureHeaders = {
  credential: 'x-mzhub-credential',
  interface: 'x-mzhub-interface',
  timestamp: 'x-mzhub-timestamp',
  nonce: 'x-mzhub-nonce',
  signature: 'x-mzhub-signature',
} as const;

/** Optional: the calling unit's unified social credit code; refused when it is not the credential's unit. */
export const callerUnitHeader = 'x-mzhub-unit';

/** How far a request's timestamp may be from the platform's clock. */
export const maxClockSkewMs = 5 * 60_000;

export const sm3Hex = (body: string | Buffer) => createHash('sm3').update(body).digest('hex');

export function stringToSign(parts: {
  method: string;
  path: string;
  interfaceCode: string;
  timestamp: string;
  nonce: string;
  body: string | Buffer;
}): string {
  return [
    parts.method.toUpperCase(),
    parts.path,
    parts.interfaceCode,
    parts.timestamp,
    parts.nonce,
    sm3Hex(parts.body),
  ].join('\n');
}

export function sign(secret: string, text: string): string {
  return createHmac('sm3', secret).update(text).digest('hex');
}

/** Constant-time comparison of a presented HMAC-SM3 signature with the expected one. */
export function signatureMatches(secret: string, text: string, presented: string): boolean {
  const expected = Buffer.from(sign(secret, text), 'hex');
  const given = /^[0-9a-f]{64}$/i.test(presented) ? Buffer.from(presented, 'hex') : Buffer.alloc(0);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** An SM2 signature (r‖s hex, with the signer's Z value over the default user ID) of the text. */
export function sm2SignatureMatches(publicKey: string, text: string, presented: string): boolean {
  return sm2Verify(text, presented.toLowerCase(), publicKey);
}

/**
 * The DER prefix of an SM2 SubjectPublicKeyInfo: id-ecPublicKey with the curve
 * sm2p256v1 (1.2.156.10197.1.301), then the BIT STRING of the 65-byte uncompressed point.
 */
const sm2SpkiPrefix = '3059301306072a8648ce3d020106082a811ccf5501822d034200';

/**
 * Reads a consumer's SM2 public key: hex of the uncompressed (04…, 130 characters) or
 * compressed (02…/03…, 66 characters) point, or a PEM "PUBLIC KEY" of the SM2 curve.
 * Returns the key as lower-case hex, or null for anything else or a point not on the curve.
 */
export function parseSm2PublicKey(input: string): string | null {
  const text = input.trim();
  let hex: string | null = null;
  const pem = /^-----BEGIN PUBLIC KEY-----\s+([A-Za-z0-9+/=\s]+?)\s*-----END PUBLIC KEY-----$/.exec(
    text,
  );
  if (pem) {
    const der = Buffer.from(pem[1]!.replace(/\s+/g, ''), 'base64').toString('hex');
    if (der.length === sm2SpkiPrefix.length + 130 && der.startsWith(sm2SpkiPrefix))
      hex = der.slice(sm2SpkiPrefix.length);
  } else if (/^(04[0-9a-f]{128}|0[23][0-9a-f]{64})$/i.test(text)) {
    hex = text.toLowerCase();
  }
  if (!hex) return null;
  try {
    return sm2.verifyPublicKey(hex) ? hex : null;
  } catch {
    return null; // not a point of the curve
  }
}

/** A fresh nonce: 24 URL-safe random characters. */
export const newNonce = () => randomBytes(18).toString('base64url');

/** The headers for one call; what a TypeScript client does (see docs/exchange.md). */
export function signedHeaders(
  credential:
    { id: string; secret: string } | { id: string; sm2PrivateKey: string; sm2PublicKey: string },
  request: { method: string; path: string; body: string; interfaceCode: string },
  options: { now?: number; nonce?: string } = {},
): Record<string, string> {
  const timestamp = String(options.now ?? Date.now());
  const nonce = options.nonce ?? newNonce();
  const text = stringToSign({ ...request, timestamp, nonce });
  return {
    [signatureHeaders.credential]: credential.id,
    [signatureHeaders.interface]: request.interfaceCode,
    [signatureHeaders.timestamp]: timestamp,
    [signatureHeaders.nonce]: nonce,
    [signatureHeaders.signature]:
      'secret' in credential
        ? sign(credential.secret, text)
        : sm2Sign(text, credential.sm2PrivateKey, credential.sm2PublicKey),
  };
}
