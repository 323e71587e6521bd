/**
 * The front-end processor (前置机, EXC-06) a department runs inside its own network beside
 * its database: `mzhub frontend --config frontend.json`. It has no access to the platform's
 * database; it reads its own source (SELECT only), publishes resources on a schedule or when
 * they change, and in hold mode answers the platform's lookups from the source.
 */
import type { Server } from 'node:http';
import pino, { type Logger } from 'pino';
import type { FrontendConfig, PublicationSetting } from './config.ts';
import { createLookupServer } from './lookup-server.ts';
import { createPlatformClient } from './platform-client.ts';
import { runPublication, type RunResult } from './publisher.ts';
import { openSource } from './sources/index.ts';
import { openState } from './state.ts';

export type { FrontendConfig } from './config.ts';
export type { RunResult } from './publisher.ts';

export function createFrontendProcessor(
  config: FrontendConfig,
  options: { log?: Logger; retryDelays?: number[] } = {},
) {
  const log = options.log ?? pino({ level: config.logLevel, base: { node: config.nodeId } });
  const source = openSource(config.sourceUrl, { timeZone: config.timeZone });
  const state = openState(config.stateFile);
  const client = createPlatformClient({
    platformUrl: config.platformUrl,
    nodeId: config.nodeId,
    nodeSecret: config.nodeSecret,
    ...(options.retryDelays ? { retryDelays: options.retryDelays } : {}),
  });
  const publishing = config.publications.filter((p) => p.mode === 'publish');
  const holding = config.publications.filter((p) => p.mode === 'hold');
  const timers: NodeJS.Timeout[] = [];
  const running = new Map<string, Promise<RunResult>>();
  let server: Server | null = null;

  /** One run of a resource; a run still going is joined rather than started twice. */
  function run(setting: PublicationSetting, force = false): Promise<RunResult> {
    const going = running.get(setting.resource);
    if (going) return going;
    const job = runPublication({ client, source, state, chunkRows: config.chunkRows }, setting, {
      force,
    })
      .then((result) => {
        const line = {
          resource: result.resource,
          outcome: result.outcome,
          kind: result.kind,
          publication: result.publicationId,
          sentRows: result.sent.rows,
          sentDeletes: result.sent.deletes,
          sourceRows: result.source?.rowCount,
          reconciled: result.reconciled,
        };
        if (result.outcome === 'applied' || result.outcome === 'skipped')
          log.info(line, result.message || '发布完成');
        else {
          log.error({ ...line, errors: result.errors.slice(0, 20) }, result.message);
        }
        return result;
      })
      .finally(() => running.delete(setting.resource));
    running.set(setting.resource, job);
    return job;
  }

  return {
    config,
    /** Publishes every publish-mode resource once (or the one named), in order. */
    async runOnce(resource?: string, force = true): Promise<RunResult[]> {
      const results: RunResult[] = [];
      for (const setting of publishing) {
        if (resource && setting.resource !== resource) continue;
        results.push(await run(setting, force));
      }
      return results;
    },

    /** Starts the schedules and, for hold mode, the lookup server. Resolves once listening. */
    async start(): Promise<{ port: number | null }> {
      for (const setting of publishing) {
        const seconds = setting.everySeconds ?? setting.onChange!.pollSeconds;
        void run(setting);
        timers.push(setInterval(() => void run(setting), seconds * 1000));
      }
      let port: number | null = null;
      if (holding.length > 0 && config.listen) {
        server = createLookupServer({
          nodeId: config.nodeId,
          nodeSecret: config.nodeSecret,
          source,
          client,
          settings: holding,
          log,
        });
        const listen = config.listen;
        await new Promise<void>((ok, fail) => {
          server!.once('error', fail);
          server!.listen(listen.port, listen.host, () => ok());
        });
        const address = server.address();
        port = typeof address === 'object' && address ? address.port : listen.port;
        log.info(
          { host: listen.host, port, resources: holding.map((h) => h.resource) },
          '应答平台查询',
        );
      }
      return { port };
    },

    /** Stops schedules and the server, lets running publications finish, closes the files. */
    async stop() {
      for (const t of timers) clearInterval(t);
      timers.length = 0;
      if (server) {
        const s = server;
        server = null;
        s.closeAllConnections();
        await new Promise<void>((ok) => s.close(() => ok()));
      }
      await Promise.allSettled(running.values());
      state.close();
      await source.close();
    },
  };
}

export type FrontendProcessor = ReturnType<typeof createFrontendProcessor>;
