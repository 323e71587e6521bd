/**
 * How machine clients sign exchange calls (EXC-05). Every request carries four headers:
 *
 *   x-mzhub-credential  the credential ID (mzc_…)
 *   x-mzhub-timestamp   milliseconds since the Unix epoch
 *   x-mzhub-nonce       16–64 random characters [A-Za-z0-9_-], never reused
 *   x-mzhub-signature   hex HMAC-SM3 of the string to sign, keyed with the credential secret
 *
 * The string to sign is five lines: the method, the path with its query string, the
 * timestamp, the nonce, and the hex SM3 digest of the body (of the empty string for none):
 *
 *   POST\n/api/v1/exchange/verify\n1767225600000\nq7Xf…\n<sm3(body)>
 *
 * The platform refuses timestamps more than 5 minutes off its clock and nonces it has seen
 * within that window. See docs/exchange.md for copy-paste examples.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export const signatureHeaders = {
  credential: 'x-mzhub-credential',
  timestamp: 'x-mzhub-timestamp',
  nonce: 'x-mzhub-nonce',
  signature: 'x-mzhub-signature',
} as const;

/** How far a request's timestamp may be from the platform's clock. */
export const maxClockSkewMs = 5 * 60_000;

export const sm3Hex = (body: string | Buffer) => createHash('sm3').update(body).digest('hex');

export function stringToSign(parts: {
  method: string;
  path: string;
  timestamp: string;
  nonce: string;
  body: string | Buffer;
}): string {
  return [
    parts.method.toUpperCase(),
    parts.path,
    parts.timestamp,
    parts.nonce,
    sm3Hex(parts.body),
  ].join('\n');
}

export function sign(secret: string, text: string): string {
  return createHmac('sm3', secret).update(text).digest('hex');
}

/** Constant-time comparison of a presented signature with the expected one. */
export function signatureMatches(secret: string, text: string, presented: string): boolean {
  const expected = Buffer.from(sign(secret, text), 'hex');
  const given = /^[0-9a-f]{64}$/i.test(presented) ? Buffer.from(presented, 'hex') : Buffer.alloc(0);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The headers for one call; what a TypeScript client does (see docs/exchange.md). */
export function signedHeaders(
  credential: { id: string; secret: string },
  request: { method: string; path: string; body: string },
  options: { now?: number; nonce?: string } = {},
): Record<string, string> {
  const timestamp = String(options.now ?? Date.now());
  const nonce =
    options.nonce ??
    createHash('sha256').update(`${Math.random()}${timestamp}`).digest('base64url').slice(0, 24);
  const text = stringToSign({ ...request, timestamp, nonce });
  return {
    [signatureHeaders.credential]: credential.id,
    [signatureHeaders.timestamp]: timestamp,
    [signatureHeaders.nonce]: nonce,
    [signatureHeaders.signature]: sign(credential.secret, text),
  };
}
