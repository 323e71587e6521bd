/**
 * Fixtures for subscription tests (EXC-04): a catalog entry that offers the subscribe mode,
 * grants on it, and a local webhook receiver that can be up, down or slow and deduplicates
 * by notification ID as a real receiver should.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { makeCitizenId } from '../../src/lib/ids/citizen-id.ts';
import { catalogCast, completeEntry, publishEntry, type CatalogCast } from './catalog.ts';
import type { Caller, TestPlatform } from './platform.ts';

export interface SubscriptionCast {
  cast: CatalogCast;
  entryId: string;
  applicant: Caller;
  approver: Caller;
  /**
   * Files, approves (with the provider's masking decisions, if any) and delivers a request
   * of the consumer unit; returns the grant ID.
   */
  grant(fields: string[], modes: string[], masking?: Record<string, string>): Promise<string>;
  /** Enters or edits one row through the API (one change); returns its key. */
  saveRow(index: number, amount?: number, base?: { url: string; as: Caller }): Promise<string>;
}

/** A valid ID number per index, distinct for each index below 40 000. */
export const citizen = (index: number) =>
  makeCitizenId('130102', `${1940 + (index % 50)}0301`, 100 + Math.floor(index / 50));

export async function subscriptionCast(t: TestPlatform): Promise<SubscriptionCast> {
  const cast = await catalogCast(t);
  const applicant = await t.userWith(['sharing_applicant'], cast.consumerUnitId);
  const approver = await t.userWith(['sharing_approver'], cast.providerUnitId);
  const entry = await publishEntry(
    t,
    cast,
    completeEntry({ provisionModes: ['verify', 'query', 'batch', 'subscribe'] }),
  );
  const entryId = entry.id as string;
  const today = new Date(t.clock.now().getTime() + 8 * 3600_000).toISOString().slice(0, 10);
  return {
    cast,
    entryId,
    applicant,
    approver,
    async grant(fields, modes, masking) {
      const filed = await t.http('POST', '/api/v1/sharing/requests', {
        as: applicant,
        body: {
          resourceId: entryId,
          fields,
          modes,
          purpose: '认定就业困难人员时及时获知优抚对象的变动',
          legalBasis: '《就业促进法》第五十二条',
          periodStart: today,
          periodEnd: '2027-12-31',
          contactName: '李明',
          contactPhone: '0311-87011234',
        },
      });
      assert.equal(filed.status, 201, JSON.stringify(filed.body));
      for (const [who, action] of [
        [cast.manager, 'precheck_pass'],
        [approver, 'approve'],
        [cast.manager, 'deliver'],
      ] as const) {
        const res = await t.http('POST', `/api/v1/sharing/requests/${filed.body.id}/actions`, {
          as: who,
          body: action === 'approve' && masking ? { action, masking } : { action },
        });
        assert.equal(res.status, 200, `${action}: ${JSON.stringify(res.body)}`);
      }
      const detail = await t.http('GET', `/api/v1/sharing/requests/${filed.body.id}`, {
        as: applicant,
      });
      return detail.body.grant.id as string;
    },
    async saveRow(index, amount = 1500, base) {
      const id = citizen(index);
      const path = `/api/v1/catalog/entries/${entryId}/rows`;
      const body = {
        values: {
          id_number: id,
          name: `优抚对象${index}`,
          category: '伤残军人',
          monthly_amount: amount,
        },
      };
      if (base) {
        // Against another server process on the same database (sessions are shared).
        const res = await fetch(base.url + path, {
          method: 'PUT',
          headers: {
            'content-type': 'application/json',
            cookie: base.as.cookie,
            'x-csrf-token': base.as.csrfToken,
          },
          body: JSON.stringify(body),
        });
        assert.equal(res.status, 200, await res.text());
        return id;
      }
      const saved = await t.http('PUT', path, { as: cast.clerk, body });
      assert.equal(saved.status, 200, JSON.stringify(saved.body));
      return id;
    },
  };
}

export interface ReceivedDelivery {
  id: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The status the receiver answered. */
  answered: number;
}

/**
 * A webhook receiver: `up` answers 204, `down` 503, `slow` answers 204 after `slowMs`. It
 * keeps every request, and accepts each notification ID once (the rest are duplicates).
 */
export interface Receiver {
  url: string;
  mode: 'up' | 'down' | 'slow';
  slowMs: number;
  requests: ReceivedDelivery[];
  /** Notification IDs acknowledged, each once. */
  accepted: Map<string, ReceivedDelivery>;
  /** Deliveries of IDs already acknowledged. */
  duplicates: number;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const server: Server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      const id = String(request.headers['x-mzhub-notification-id'] ?? '');
      const answer = (status: number) => {
        const entry = { id, headers: request.headers, body, answered: status };
        receiver.requests.push(entry);
        if (status < 300) {
          if (receiver.accepted.has(id)) receiver.duplicates++;
          else receiver.accepted.set(id, entry);
        }
        response.writeHead(status).end();
      };
      if (receiver.mode === 'down') answer(503);
      else if (receiver.mode === 'slow') setTimeout(() => answer(204), receiver.slowMs);
      else answer(204);
    });
  });
  const receiver: Receiver = {
    url: '',
    mode: 'up',
    slowMs: 1500,
    requests: [],
    accepted: new Map(),
    duplicates: 0,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  receiver.url = `http://127.0.0.1:${port}/hooks/mzhub`;
  return receiver;
}

/** Polls `check` until it holds, failing after `ms`. */
export async function eventually(
  check: () => Promise<boolean> | boolean,
  ms: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
