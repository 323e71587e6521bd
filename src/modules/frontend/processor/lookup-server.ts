/**
 * Hold mode (数据留存, EXC-06): the rows stay in the department and the processor answers
 * the platform's signed lookups — the requested data items of one row by key — straight
 * from the source database. Requests not signed with this node's secret, stale or replayed
 * are refused; answers are signed back (../protocol.ts). Keys and values are not logged.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { loadNationalTable } from '../../../lib/divisions/national.ts';
import type { DataItem } from '../../catalog/elements.ts';
import { compileRowValidator, KEY_SEPARATOR, type RowValidator } from '../../data/row-validator.ts';
import {
  answerSignatureHeader,
  createNonceMemory,
  lookupPath,
  nodeSignatureMatches,
  readSignature,
  signAnswer,
  type LookupAnswer,
  type LookupRequest,
} from '../protocol.ts';
import type { PublicationSetting } from './config.ts';
import type { PlatformClient } from './platform-client.ts';
import { sourceSelect } from './publisher.ts';
import type { SourceDatabase } from './sources/index.ts';

/** How long a resource's data items are kept before they are fetched from the platform again. */
const shapeTtlMs = 10 * 60_000;
const maxBodyBytes = 64 * 1024;

interface HeldResource {
  items: DataItem[];
  validate: RowValidator;
  sql: string;
  at: number;
}

let divisionCodes: Set<string> | null = null;
const isDivisionCode = (code: string) => {
  divisionCodes ??= new Set(loadNationalTable().map((d) => d.code));
  return divisionCodes.has(code.length > 6 ? code.slice(0, 6) : code);
};

export function createLookupServer(deps: {
  nodeId: string;
  nodeSecret: string;
  source: SourceDatabase;
  client: PlatformClient;
  settings: PublicationSetting[];
  log: Logger;
}): Server {
  const { source } = deps;
  const rememberNonce = createNonceMemory();
  const held = new Map<string, HeldResource>();

  async function heldResource(setting: PublicationSetting): Promise<HeldResource> {
    const cached = held.get(setting.resource);
    if (cached && Date.now() - cached.at < shapeTtlMs) return cached;
    const shape = await deps.client.resource(setting.resource);
    if (shape.mode !== 'hold') throw new Refusal(409, 'not_held', '平台上该资源不是数据留存方式');
    const select = await sourceSelect(source, setting, shape.dataItems);
    const keyItems = shape.dataItems.filter((i) => i.isKey);
    const where = keyItems
      .map((i, n) => `k.${source.quote(i.identifier)} = ${source.placeholder(n + 1)}`)
      .join(' and ');
    const resource: HeldResource = {
      items: shape.dataItems,
      validate: compileRowValidator(shape.dataItems, { isDivisionCode }),
      sql: `select * from (${select.sql}) as k where ${where}`,
      at: Date.now(),
    };
    held.set(setting.resource, resource);
    return resource;
  }

  async function answer(request: LookupRequest): Promise<LookupAnswer> {
    const setting = deps.settings.find(
      (s) => s.mode === 'hold' && s.resource === request.resourceCode,
    );
    if (!setting) throw new Refusal(404, 'not_held', '本前置机不保管该资源的数据');
    const resource = await heldResource(setting);
    const known = new Set(resource.items.map((i) => i.identifier));
    const unknown = request.items.filter((i) => !known.has(i));
    if (unknown.length > 0)
      throw new Refusal(400, 'unknown_item', `不是该资源的信息项：${unknown.join('、')}`);
    const parts = request.key.split(KEY_SEPARATOR);
    const keyCount = resource.items.filter((i) => i.isKey).length;
    if (parts.length !== keyCount) throw new Refusal(400, 'bad_key', '主键的组成部分个数不对');
    const row = await source.first(resource.sql, parts);
    if (!row) return { found: false, record: null };
    const checked = resource.validate(resource.items.map((i) => row[i.identifier] ?? undefined));
    if (!checked.ok) {
      throw new Refusal(
        422,
        'source_row_invalid',
        '源库中该行不符合目录的信息项要求，请在源库中更正',
      );
    }
    return {
      found: true,
      record: Object.fromEntries(request.items.map((i) => [i, checked.data[i] ?? null])),
    };
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'POST' || path !== lookupPath) {
      return send(res, 404, { code: 'not_found', detail: '没有该接口' });
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxBodyBytes) return send(res, 413, { code: 'too_large', detail: '请求过大' });
      chunks.push(chunk);
    }
    const body = Buffer.concat(chunks).toString('utf8');
    const at = Date.now();
    const read = readSignature(req.headers, at);
    if (
      !read.ok ||
      read.nodeId !== deps.nodeId ||
      !nodeSignatureMatches(
        deps.nodeSecret,
        { method: 'POST', path: req.url ?? '', timestamp: read.timestamp, nonce: read.nonce, body },
        read.signature,
      )
    ) {
      deps.log.warn({ ip: req.socket.remoteAddress }, '拒绝未正确签名的查询');
      return send(res, 401, { code: 'bad_signature', detail: '签名不正确' });
    }
    if (!rememberNonce(read.nonce, at)) {
      return send(res, 401, { code: 'replayed_nonce', detail: '随机串已用过' });
    }
    let request: LookupRequest;
    try {
      request = JSON.parse(body) as LookupRequest;
      if (
        typeof request.resourceCode !== 'string' ||
        typeof request.key !== 'string' ||
        !Array.isArray(request.items) ||
        !request.items.every((i) => typeof i === 'string')
      ) {
        throw new Error('shape');
      }
    } catch {
      return send(res, 400, { code: 'bad_request', detail: '请求格式不正确' });
    }
    try {
      const result = await answer(request);
      deps.log.info(
        { resource: request.resourceCode, items: request.items, found: result.found },
        '应答平台查询',
      );
      const text = JSON.stringify(result);
      res.setHeader(
        answerSignatureHeader,
        signAnswer(deps.nodeSecret, lookupPath, read.nonce, text),
      );
      return send(res, 200, text);
    } catch (error) {
      if (error instanceof Refusal)
        return send(res, error.status, { code: error.code, detail: error.message });
      deps.log.error({ err: error, resource: request.resourceCode }, '查询源库失败');
      return send(res, 502, { code: 'source_failed', detail: '查询源库失败' });
    }
  }

  return createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      deps.log.error({ err: error }, '处理平台查询失败');
      if (!res.headersSent) send(res, 500, { code: 'internal', detail: '内部错误' });
    });
  });
}

class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function send(res: ServerResponse, status: number, body: unknown) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(text);
}
