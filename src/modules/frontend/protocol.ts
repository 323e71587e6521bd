/**
 * What the platform and a front-end processor (前置机) say to each other, in one place: the
 * paths of the node's calls to the platform, the path of the platform's lookup calls to the
 * node, the shapes of their bodies, and how both are signed.
 *
 * Both directions are signed with the HMAC-SM3 scheme of exchange calls (../exchange/
 * signing.ts), keyed with the node's secret. Four headers:
 *
 *   x-mzhub-node       the node id (fen_…)
 *   x-mzhub-timestamp  milliseconds since the Unix epoch (at most 5 minutes off)
 *   x-mzhub-nonce      16–64 characters [A-Za-z0-9_-], never reused
 *   x-mzhub-signature  hex HMAC-SM3 of: method, path with query, timestamp, nonce, hex SM3
 *                      of the body — five lines joined by "\n"
 *
 * A lookup answer is signed too (x-mzhub-answer-signature: "timestamp.signature" over the
 * same five lines with the method ANSWER and the request's nonce), so that nobody between
 * the platform and the node can forge it.
 */
import { randomBytes } from 'node:crypto';
import { maxClockSkewMs, sign, signatureMatches, sm3Hex } from '../exchange/signing.ts';

export const nodeHeaders = {
  node: 'x-mzhub-node',
  timestamp: 'x-mzhub-timestamp',
  nonce: 'x-mzhub-nonce',
  signature: 'x-mzhub-signature',
} as const;

export { maxClockSkewMs };

/** Paths of the calls a node makes to the platform. */
export const nodePaths = {
  resource: (code: string) => `/api/v1/frontend/node/resource?code=${encodeURIComponent(code)}`,
  publications: '/api/v1/frontend/node/publications',
  chunk: (id: string) => `/api/v1/frontend/node/publications/${encodeURIComponent(id)}/chunks`,
  commit: (id: string) => `/api/v1/frontend/node/publications/${encodeURIComponent(id)}/commit`,
} as const;

/** Where a node answers the platform's lookups for data it holds, below its callback URL. */
export const lookupPath = '/mzhub-frontend/v1/lookup';

/** Header of a node's answer carrying its signature. */
export const answerSignatureHeader = 'x-mzhub-answer-signature';

export type Scalar = string | number | boolean | null;

/** A lookup the platform asks a node in hold mode: the requested items of one row. */
export interface LookupRequest {
  resourceCode: string;
  /** The normalised key (parts joined by U+001F for a composite key). */
  key: string;
  items: string[];
}

export interface LookupAnswer {
  found: boolean;
  record: Record<string, Scalar> | null;
}

export function nodeStringToSign(parts: {
  method: string;
  path: string;
  timestamp: string;
  nonce: string;
  body: string;
}): string {
  return [
    parts.method.toUpperCase(),
    parts.path,
    parts.timestamp,
    parts.nonce,
    sm3Hex(parts.body),
  ].join('\n');
}

export const newNonce = () => randomBytes(18).toString('base64url');

/** The four headers of a signed call, by the node or by the platform to the node. */
export function nodeSignedHeaders(
  node: { id: string; secret: string },
  request: { method: string; path: string; body: string },
  options: { now?: number; nonce?: string } = {},
): Record<string, string> {
  const timestamp = String(options.now ?? Date.now());
  const nonce = options.nonce ?? newNonce();
  return {
    [nodeHeaders.node]: node.id,
    [nodeHeaders.timestamp]: timestamp,
    [nodeHeaders.nonce]: nonce,
    [nodeHeaders.signature]: sign(node.secret, nodeStringToSign({ ...request, timestamp, nonce })),
  };
}

export type SignatureCheck =
  | { ok: true; nodeId: string; nonce: string; timestamp: string; signature: string }
  | { ok: false; code: 'missing' | 'stale' | 'bad_nonce' };

/** Reads the signature headers and checks their form and the clock (not the signature). */
export function readSignature(
  headers: Record<string, string | string[] | undefined>,
  at: number,
): SignatureCheck {
  const header = (name: string) => {
    const v = headers[name];
    return typeof v === 'string' ? v : undefined;
  };
  const nodeId = header(nodeHeaders.node);
  const timestamp = header(nodeHeaders.timestamp);
  const nonce = header(nodeHeaders.nonce);
  const signature = header(nodeHeaders.signature);
  if (!nodeId || !timestamp || !nonce || !signature) return { ok: false, code: 'missing' };
  if (!/^\d{10,16}$/.test(timestamp) || Math.abs(at - Number(timestamp)) > maxClockSkewMs)
    return { ok: false, code: 'stale' };
  if (!/^[A-Za-z0-9_-]{16,64}$/.test(nonce)) return { ok: false, code: 'bad_nonce' };
  return { ok: true, nodeId, nonce, timestamp, signature };
}

export function nodeSignatureMatches(
  secret: string,
  request: { method: string; path: string; timestamp: string; nonce: string; body: string },
  presented: string,
): boolean {
  return signatureMatches(secret, nodeStringToSign(request), presented);
}

/** A small memory of nonces seen within twice the clock-skew window. */
export function createNonceMemory() {
  const seen = new Map<string, number>();
  return (nonce: string, at: number): boolean => {
    if (seen.size > 100_000) for (const [n, until] of seen) if (until < at) seen.delete(n);
    const until = seen.get(nonce);
    if (until !== undefined && until >= at) return false;
    seen.set(nonce, at + 2 * maxClockSkewMs);
    return true;
  };
}

function answerText(path: string, requestNonce: string, timestamp: string, body: string) {
  return nodeStringToSign({ method: 'ANSWER', path, timestamp, nonce: requestNonce, body });
}

export function signAnswer(secret: string, path: string, requestNonce: string, body: string) {
  const timestamp = String(Date.now());
  return `${timestamp}.${sign(secret, answerText(path, requestNonce, timestamp, body))}`;
}

export function answerSignatureMatches(
  secret: string,
  path: string,
  requestNonce: string,
  body: string,
  header: string | null,
): boolean {
  const [timestamp, signature] = (header ?? '').split('.');
  if (!timestamp || !signature) return false;
  return signatureMatches(secret, answerText(path, requestNonce, timestamp, body), signature);
}
