/**
 * Exchange fixtures for API tests: a grant obtained through the real sharing workflow, a
 * credential issued for it, the entry's interface codes, and signed machine calls.
 */
import assert from 'node:assert/strict';
import { signedHeaders } from '../../src/modules/exchange/signing.ts';
import type { CatalogCast } from './catalog.ts';
import type { Caller, TestPlatform } from './platform.ts';

export type TestCredential =
  { id: string; secret: string } | { id: string; sm2PrivateKey: string; sm2PublicKey: string };

/** Today in Asia/Shanghai on the platform's clock. */
export const todayOf = (t: TestPlatform) =>
  new Date(t.clock.now().getTime() + 8 * 3600_000).toISOString().slice(0, 10);

/**
 * Files a request for `entryId` as `applicant`, has it pre-checked, approved by `approver`
 * (with the provider's decision in `decision`) and delivered; returns the grant id.
 */
export async function grantThrough(
  t: TestPlatform,
  cast: CatalogCast,
  who: { applicant: Caller; approver: Caller },
  entryId: string,
  request: { fields: string[]; modes: string[]; purpose?: string },
  decision: Record<string, unknown> = {},
): Promise<string> {
  const filed = await t.http('POST', '/api/v1/sharing/requests', {
    as: who.applicant,
    body: {
      resourceId: entryId,
      fields: request.fields,
      modes: request.modes,
      purpose: request.purpose ?? '就业困难人员认定时核验优抚对象身份',
      legalBasis: '《就业促进法》第五十二条',
      periodStart: todayOf(t),
      periodEnd: '2027-12-31',
      contactName: '李明',
      contactPhone: '0311-87011234',
    },
  });
  assert.equal(filed.status, 201, JSON.stringify(filed.body));
  for (const [as, body] of [
    [cast.manager, { action: 'precheck_pass' }],
    [who.approver, { action: 'approve', ...decision }],
    [cast.manager, { action: 'deliver' }],
  ] as const) {
    const res = await t.http('POST', `/api/v1/sharing/requests/${filed.body.id}/actions`, {
      as,
      body,
    });
    assert.equal(res.status, 200, `${body.action}: ${JSON.stringify(res.body)}`);
  }
  const detail = await t.http('GET', `/api/v1/sharing/requests/${filed.body.id}`, {
    as: who.applicant,
  });
  return detail.body.grant.id as string;
}

/** Issues an HMAC-SM3 credential for a grant. */
export async function issueCredential(
  t: TestPlatform,
  applicant: Caller,
  grantId: string,
  label = '业务系统',
): Promise<{ id: string; secret: string }> {
  const issued = await t.http('POST', '/api/v1/exchange/credentials', {
    as: applicant,
    body: { grantId, label },
  });
  assert.equal(issued.status, 201, JSON.stringify(issued.body));
  return { id: issued.body.id as string, secret: issued.body.secret as string };
}

/** The active interface codes of an entry by provision mode. */
export async function interfaceCodes(
  t: TestPlatform,
  entryId: string,
  as: Caller,
): Promise<Record<string, string>> {
  const res = await t.http('GET', `/api/v1/catalog/entries/${entryId}/interfaces`, { as });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  const codes: Record<string, string> = {};
  for (const i of res.body.items as { mode: string | null; code: string; status: string }[]) {
    if (i.mode && i.status === 'active') codes[i.mode] = i.code;
  }
  return codes;
}

export interface SignedResult {
  status: number;
  headers: Headers;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

/** A signed machine call, as a consumer system makes it. */
export async function signedCall(
  t: TestPlatform,
  credential: TestCredential,
  interfaceCode: string,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  options: { now?: number; nonce?: string; headers?: Record<string, string> } = {},
): Promise<SignedResult> {
  const text = body === undefined ? '' : JSON.stringify(body);
  const headers: Record<string, string> = {
    ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    ...signedHeaders(
      credential,
      { method, path, body: text, interfaceCode },
      {
        now: options.now ?? t.clock.now().getTime(),
        ...(options.nonce ? { nonce: options.nonce } : {}),
      },
    ),
    ...options.headers,
  };
  const res = await fetch(t.url + path, {
    method,
    headers,
    ...(body === undefined ? {} : { body: text }),
  });
  const raw = await res.text();
  let parsed: unknown = raw;
  const type = res.headers.get('content-type') ?? '';
  if (/json/.test(type) && !/ndjson/.test(type)) {
    try {
      parsed = JSON.parse(raw);
    } catch {
      parsed = raw;
    }
  }
  return { status: res.status, headers: res.headers, text: raw, body: parsed };
}
