/**
 * A real platform for API tests: a fresh database of the given engine, migrated, with the
 * server listening on a loopback port and a settable clock. Requests go over real HTTP.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import {
  buildApp,
  createServices,
  type BuildOptions,
  type Services,
} from '../../src/server/app.ts';
import type { Config } from '../../src/server/config.ts';
import type { AppContext, Clock } from '../../src/server/context.ts';
import { MasterKey } from '../../src/server/secrets.ts';
import { migrateToLatest, openDatabase, type DatabaseHandle } from '../../src/db/database.ts';
import { withTransaction } from '../../src/db/transaction.ts';
import type { Engine } from '../../src/db/engine.ts';
import type { Role } from '../../src/modules/iam/permissions.ts';
import { scratchDatabase } from './engines.ts';

export class TestClock implements Clock {
  constructor(private current: Date = new Date()) {}
  now() {
    return new Date(this.current);
  }
  set(at: Date | string) {
    this.current = new Date(at);
  }
  advance(ms: number) {
    this.current = new Date(this.current.getTime() + ms);
  }
}

export interface HttpResult<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

export interface Caller {
  cookie: string;
  csrfToken: string;
}

export interface TestPlatform {
  engine: Engine;
  ctx: AppContext;
  services: Services;
  handle: DatabaseHandle;
  app: FastifyInstance;
  url: string;
  clock: TestClock;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  http<T = any>(
    method: string,
    path: string,
    options?: {
      body?: unknown;
      /** A request body sent as it is (file uploads), `application/octet-stream` by default. */
      raw?: Buffer | string;
      as?: Caller;
      headers?: Record<string, string>;
    },
  ): Promise<HttpResult<T>>;
  /** Creates an account at `unitId` with `roles` and returns a logged-in caller. */
  userWith(roles: Role[], unitId?: string): Promise<Caller & { userId: string; username: string }>;
  login(username: string, password: string): Promise<Caller>;
  close(): Promise<void>;
}

export const TEST_PASSWORD = 'Test#2026pass';

export function testConfig(databaseUrl: string, overrides: Partial<Config> = {}): Config {
  return {
    host: '127.0.0.1',
    port: 0,
    databaseUrl,
    dataDir: '/nonexistent',
    webDir: '/nonexistent',
    logLevel: 'silent',
    sessionIdleMinutes: 30,
    sessionMaxHours: 12,
    cookieSecure: false,
    importMaxBytes: 64 * 1024 * 1024,
    importMaxRows: 1_000_000,
    exchangeRatePerSecond: 500,
    exchangeDailyQuota: 100_000,
    scanCommand: undefined,
    masterKey: new MasterKey(randomBytes(32)),
    ...overrides,
  };
}

export async function createTestPlatform(
  engine: Engine,
  overrides: Partial<Config> = {},
  options: BuildOptions = {},
): Promise<TestPlatform> {
  const scratch = await scratchDatabase(engine);
  const handle = openDatabase(scratch.url);
  await migrateToLatest(handle);
  const clock = new TestClock();
  const ctx: AppContext = {
    db: handle.db,
    engine,
    sqlite: handle.sqlite,
    config: testConfig(scratch.url, overrides),
    clock,
  };
  const services = createServices(ctx);
  await services.org.ensureBuiltinDivisions();
  // Tests sign in without an authenticator unless a test turns the second factor on.
  const policy = await services.iam.policy();
  await withTransaction(handle.db, (tx) =>
    services.iam.initialisePolicy(tx, { ...policy, secondFactorRoles: [] }, 'test'),
  );
  const app = await buildApp(ctx, options);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  let userCount = 0;
  let homeUnitId: string | undefined;

  const http: TestPlatform['http'] = async (method, path, options = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (options.raw !== undefined) headers['content-type'] ??= 'application/octet-stream';
    if (options.as) {
      headers.cookie = options.as.cookie;
      headers['x-csrf-token'] = options.as.csrfToken;
    }
    const response = await fetch(url + path, {
      method,
      headers,
      body: options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
    });
    const bytes = Buffer.from(await response.arrayBuffer());
    const type = response.headers.get('content-type') ?? '';
    const text = bytes.toString('utf8');
    // Text and JSON come back as strings/objects; files (XLSX) as a Buffer.
    let body: unknown = /^(text\/|application\/(.*json|x-ndjson))|^$/.test(type) ? text : bytes;
    if (/json/.test(type) && !/ndjson/.test(type) && text) body = JSON.parse(text);
    return { status: response.status, headers: response.headers, body } as HttpResult<never>;
  };

  const login = async (username: string, password: string): Promise<Caller> => {
    const res = await http<{ csrfToken: string }>('POST', '/api/v1/auth/login', {
      body: { username, password },
    });
    if (res.status !== 200)
      throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
    const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    return { cookie, csrfToken: res.body.csrfToken };
  };

  const userWith: TestPlatform['userWith'] = async (roles, unitId) => {
    if (!unitId) {
      homeUnitId ??= (
        await services.org.createUnit({
          name: '测试省数据中心',
          divisionCode: '130000',
          type: 'institution',
          creditCode: null,
          parentUnitId: null,
        })
      ).id;
      unitId = homeUnitId;
    }
    userCount += 1;
    const username = `user${userCount}_${roles.join('_') || 'none'}`.slice(0, 60);
    const targetUnit = unitId;
    const userId = await withTransaction(handle.db, (tx) =>
      services.iam.createUser(tx, {
        username,
        displayName: `测试用户${userCount}`,
        unitId: targetUnit,
        password: TEST_PASSWORD,
        roles,
        mustChangePassword: false,
      }),
    );
    return { ...(await login(username, TEST_PASSWORD)), userId, username };
  };

  return {
    engine,
    ctx,
    services,
    handle,
    app,
    url,
    clock,
    http,
    userWith,
    login,
    close: async () => {
      await app.close();
      await handle.close();
      await scratch.drop();
    },
  };
}
