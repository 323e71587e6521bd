/**
 * The processor's side of the conversation with the platform: signed JSON calls
 * (../protocol.ts). Network failures and 5xx answers of idempotent calls are retried a few
 * times; any other refusal is thrown as PlatformError with the platform's code and message.
 */
import { nodePaths, nodeSignedHeaders } from '../protocol.ts';
import type { DataItem } from '../../catalog/elements.ts';
import type { Holdings } from '../checksum.ts';

export class PlatformError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly errors: { path: string; message: string }[] = [],
  ) {
    super(message);
    this.name = 'PlatformError';
  }
}

export interface NodeResource {
  resourceId: string;
  code: string;
  name: string;
  mode: 'publish' | 'hold';
  catalogVersion: number;
  dataItems: DataItem[];
  lastApplied: {
    publicationId: string;
    at: string;
    platform: Holdings | null;
    changedSince: boolean;
  } | null;
}

export interface ChunkAnswer {
  seq: number;
  repeated: boolean;
  staged: number;
  errors: {
    chunk: number;
    row: number;
    field: string;
    name: string;
    code: string;
    reason: string;
  }[];
}

export interface CommitAnswer {
  id: string;
  status: 'applied' | 'rejected' | 'open';
  added: number;
  updated: number;
  unchanged: number;
  deleted: number;
  source: Holdings | null;
  platform: Holdings | null;
  reconciled: 'match' | 'count_mismatch' | 'checksum_mismatch' | null;
  finishedAt: string | null;
  message: string | null;
}

export function createPlatformClient(options: {
  platformUrl: string;
  nodeId: string;
  nodeSecret: string;
  /** Waits between retries, in ms (tests shorten them). */
  retryDelays?: number[];
}) {
  const node = { id: options.nodeId, secret: options.nodeSecret };
  const delays = options.retryDelays ?? [1000, 5000, 15_000];

  async function call<T>(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    retry = true,
  ): Promise<T> {
    const text = body === undefined ? '' : JSON.stringify(body);
    for (let attempt = 0; ; attempt++) {
      // A fresh nonce and timestamp for every attempt: a retried call is a new call.
      const headers = nodeSignedHeaders(node, { method, path, body: text });
      let response: Response;
      try {
        response = await fetch(options.platformUrl + path, {
          method,
          headers:
            body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
          ...(body === undefined ? {} : { body: text }),
          signal: AbortSignal.timeout(10 * 60_000),
        });
      } catch (error) {
        if (retry && attempt < delays.length) {
          await new Promise((r) => setTimeout(r, delays[attempt]));
          continue;
        }
        throw new PlatformError(
          0,
          'network',
          `无法连接平台（${options.platformUrl}）：${(error as Error).message}`,
        );
      }
      const answer = await response.text();
      if (response.ok) return JSON.parse(answer) as T;
      if (retry && response.status >= 500 && attempt < delays.length) {
        await new Promise((r) => setTimeout(r, delays[attempt]));
        continue;
      }
      let problem: {
        code?: string;
        detail?: string;
        errors?: { path: string; message: string }[];
      } = {};
      try {
        problem = JSON.parse(answer) as typeof problem;
      } catch {
        // not a problem document
      }
      throw new PlatformError(
        response.status,
        problem.code ?? `http.${response.status}`,
        problem.detail ?? `平台返回 ${response.status}`,
        problem.errors ?? [],
      );
    }
  }

  return {
    resource: (code: string) => call<NodeResource>('GET', nodePaths.resource(code)),
    begin: (resourceCode: string, kind: 'snapshot' | 'delta') =>
      call<{ id: string; kind: 'snapshot' | 'delta'; resourceId: string; catalogVersion: number }>(
        'POST',
        nodePaths.publications,
        { resourceCode, kind },
        false,
      ),
    chunk: (
      id: string,
      chunk: { seq: number; rows: Record<string, string | null>[]; deletes: string[] },
    ) => call<ChunkAnswer>('POST', nodePaths.chunk(id), chunk),
    commit: (
      id: string,
      input: { chunkCount: number; sourceRowCount: number; sourceChecksum: string },
    ) => call<CommitAnswer>('POST', nodePaths.commit(id), input, false),
  };
}

export type PlatformClient = ReturnType<typeof createPlatformClient>;
