/**
 * Lookups of rows that stay in the department (hold mode, EXC-06): the platform asks the
 * resource's node over HTTP, signed with the node's secret, and checks the node's signed
 * answer. The platform holds no connection to the department's database; when the node
 * cannot be reached the caller gets `frontend.unavailable` (503), never a server error.
 */
import type { AppContext } from '../../server/context.ts';
import { AppError } from '../../server/errors.ts';
import {
  answerSignatureMatches,
  answerSignatureHeader,
  lookupPath,
  nodeHeaders,
  nodeSignedHeaders,
  type LookupAnswer,
  type LookupRequest,
} from './protocol.ts';

/** How long the platform waits for a node's answer. */
export const lookupTimeoutMs = 5000;
/** How long a resource's node assignment is cached (a change is seen after this at most). */
const targetTtlMs = 5000;

interface Target {
  mode: 'publish' | 'hold';
  code: string;
  nodeId: string;
  nodeStatus: 'active' | 'revoked';
  secret: string;
  callbackUrl: string | null;
}

/** What the exchange layer asks of rows it does not hold (see exchange.setRemoteSource). */
export interface RemoteSource {
  holds(resourceId: string): Promise<boolean>;
  lookup(resourceId: string, key: string, items: string[]): Promise<Record<string, string> | null>;
}

export function createRemoteSource(ctx: AppContext, deps: { openSecret: (s: string) => string }) {
  const cache = new Map<string, { at: number; target: Target | null }>();

  async function targetOf(resourceId: string): Promise<Target | null> {
    const at = Date.now();
    const hit = cache.get(resourceId);
    if (hit && at - hit.at < targetTtlMs) return hit.target;
    const row = await ctx.db
      .selectFrom('frontend_mappings as m')
      .innerJoin('frontend_nodes as n', 'n.id', 'm.node_id')
      .innerJoin('catalog_resources as r', 'r.id', 'm.resource_id')
      .select(['m.mode', 'r.code', 'n.id', 'n.status', 'n.secret', 'n.callback_url'])
      .where('m.resource_id', '=', resourceId)
      .executeTakeFirst();
    const target: Target | null = row
      ? {
          mode: row.mode,
          code: row.code,
          nodeId: row.id,
          nodeStatus: row.status,
          secret: row.secret,
          callbackUrl: row.callback_url,
        }
      : null;
    cache.set(resourceId, { at, target });
    return target;
  }

  const unavailable = (why: string) =>
    new AppError(
      'unavailable',
      'frontend.unavailable',
      `数据由提供方前置机保管，前置机暂时无法应答（${why}），请稍后重试`,
      { headers: { 'retry-after': '30' } },
    );

  /** Asks the node for the items of one row; null when it has no such row. */
  async function ask(resourceId: string, key: string, items: string[]): Promise<LookupAnswer> {
    const target = await targetOf(resourceId);
    if (!target || target.mode !== 'hold') {
      throw new AppError('not_found', 'frontend.not_held', '该资源的数据不由前置机保管');
    }
    if (target.nodeStatus !== 'active') throw unavailable('前置机已吊销');
    if (!target.callbackUrl) throw unavailable('前置机没有回调地址');
    const secret = deps.openSecret(target.secret);
    const url = new URL(lookupPath, target.callbackUrl);
    const request: LookupRequest = { resourceCode: target.code, key, items };
    const body = JSON.stringify(request);
    const headers = nodeSignedHeaders(
      { id: target.nodeId, secret },
      { method: 'POST', path: url.pathname, body },
    );
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
        signal: AbortSignal.timeout(lookupTimeoutMs),
      });
    } catch (error) {
      const timedOut = error instanceof DOMException && error.name === 'TimeoutError';
      throw unavailable(timedOut ? `${lookupTimeoutMs / 1000} 秒内未应答` : '无法连接');
    }
    const text = await response.text();
    if (!response.ok) throw unavailable(`前置机返回 ${response.status}`);
    const nonce = headers[nodeHeaders.nonce]!;
    const signature = response.headers.get(answerSignatureHeader);
    if (!answerSignatureMatches(secret, url.pathname, nonce, text, signature)) {
      throw unavailable('应答签名不正确');
    }
    try {
      const answer = JSON.parse(text) as LookupAnswer;
      if (typeof answer.found !== 'boolean') throw new Error('shape');
      return answer;
    } catch {
      throw unavailable('应答格式不正确');
    }
  }

  const source: RemoteSource = {
    async holds(resourceId) {
      return (await targetOf(resourceId))?.mode === 'hold';
    },
    async lookup(resourceId, key, items) {
      const answer = await ask(resourceId, key, items);
      if (!answer.found || !answer.record) return null;
      const record: Record<string, string> = {};
      for (const item of items) {
        const v = answer.record[item];
        if (v !== null && v !== undefined) record[item] = String(v);
      }
      return record;
    },
  };

  return { source, ask, forget: () => cache.clear() };
}
