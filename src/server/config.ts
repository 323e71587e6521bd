/**
 * Configuration, read once at start from the environment and an optional JSON file
 * (MZHUB_CONFIG), validated into one typed object. Every wrong setting gets its own Chinese
 * message naming the setting; the process refuses to start rather than guess.
 *
 * Secrets (SEC-03): the database password may come from DATABASE_URL in the environment, or
 * from the file as `databasePassword: "enc:v1:…"` sealed with the master key
 * (`mzhub secrets seal`). A plain-text password in the file is refused.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { MasterKey, isSealed } from './secrets.ts';

export interface Config {
  host: string;
  port: number;
  databaseUrl: string;
  dataDir: string;
  webDir: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  sessionIdleMinutes: number;
  sessionMaxHours: number;
  cookieSecure: boolean;
  /** Largest data file accepted for an import (bytes). */
  importMaxBytes: number;
  /** Most rows one import may carry. */
  importMaxRows: number;
  /** Exchange calls per second allowed per grant, on each app instance. */
  exchangeRatePerSecond: number;
  /** Exchange calls per calendar day (Asia/Shanghai) per grant, unless the grant sets its own. */
  exchangeDailyQuota: number;
  /** Malware scanner for uploads (path appended); unset = ClamAV when installed. */
  scanCommand: string | undefined;
  /** Webhooks (EXC-04) may reach loopback and private networks (tests, e-government intranets). */
  webhookAllowPrivate?: boolean;
  /** First webhook retry delay in seconds; doubles per attempt up to an hour. */
  webhookRetrySeconds?: number;
  /** A notification still undelivered after this many hours is marked failed. */
  webhookGiveUpHours?: number;
  /** …or after this many attempts, whichever comes first. */
  webhookMaxAttempts?: number;
  /**
   * Benchmarks only (MZHUB_BENCH_MODE=1): mounts the unauthenticated peer endpoints of
   * src/server/bench-routes.ts. Never set on a real installation.
   */
  benchMode?: boolean;
  masterKey: MasterKey;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`配置有误，平台未启动：\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const boolText = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

/** Each setting: environment name, file key, schema with a message a person can act on. */
const settings = {
  host: {
    env: 'MZHUB_HOST',
    schema: z.string({ error: '必须是主机名或 IP 地址' }).min(1, '不能为空').default('127.0.0.1'),
  },
  port: {
    env: 'MZHUB_PORT',
    schema: z.coerce
      .number({ error: '必须是 1–65535 的整数' })
      .int('必须是 1–65535 的整数')
      .min(0, '必须是 1–65535 的整数')
      .max(65535, '必须是 1–65535 的整数')
      .default(8080),
  },
  databaseUrl: {
    env: 'DATABASE_URL',
    schema: z
      .string()
      .min(1, '不能为空')
      .refine(
        (v) =>
          /^postgres(ql)?:\/\/.+/.test(v) || /^(sqlite:|file:)?[^:]+$|^(sqlite:)?:memory:$/.test(v),
        '必须是 postgres://用户@主机:端口/库名 或 sqlite:文件路径',
      )
      .optional(),
  },
  databasePassword: {
    env: 'MZHUB_DATABASE_PASSWORD',
    schema: z.string().optional(),
  },
  dataDir: { env: 'MZHUB_DATA_DIR', schema: z.string().min(1, '不能为空').default('./data') },
  webDir: { env: 'MZHUB_WEB_DIR', schema: z.string().min(1, '不能为空').default('./web/dist') },
  logLevel: {
    env: 'MZHUB_LOG_LEVEL',
    schema: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
        error: '必须是 fatal、error、warn、info、debug、trace 或 silent 之一',
      })
      .default('info'),
  },
  sessionIdleMinutes: {
    env: 'MZHUB_SESSION_IDLE_MINUTES',
    schema: z.coerce
      .number({ error: '必须是 1–480 之间的整数（分钟）' })
      .int('必须是 1–480 之间的整数（分钟）')
      .min(1, '必须是 1–480 之间的整数（分钟）')
      .max(480, '必须是 1–480 之间的整数（分钟）')
      .default(30),
  },
  sessionMaxHours: {
    env: 'MZHUB_SESSION_MAX_HOURS',
    schema: z.coerce
      .number({ error: '必须是 1–24 之间的整数（小时）' })
      .int('必须是 1–24 之间的整数（小时）')
      .min(1, '必须是 1–24 之间的整数（小时）')
      .max(24, '必须是 1–24 之间的整数（小时）')
      .default(12),
  },
  cookieSecure: {
    env: 'MZHUB_COOKIE_SECURE',
    schema: z.union([z.boolean(), boolText], { error: '必须是 true 或 false' }).default(false),
  },
  importMaxMegabytes: {
    env: 'MZHUB_IMPORT_MAX_MB',
    schema: z.coerce
      .number({ error: '必须是 1–4096 之间的整数（MB）' })
      .int('必须是 1–4096 之间的整数（MB）')
      .min(1, '必须是 1–4096 之间的整数（MB）')
      .max(4096, '必须是 1–4096 之间的整数（MB）')
      .default(512),
  },
  importMaxRows: {
    env: 'MZHUB_IMPORT_MAX_ROWS',
    schema: z.coerce
      .number({ error: '必须是 1–50000000 之间的整数' })
      .int('必须是 1–50000000 之间的整数')
      .min(1, '必须是 1–50000000 之间的整数')
      .max(50_000_000, '必须是 1–50000000 之间的整数')
      .default(5_000_000),
  },
  exchangeRatePerSecond: {
    env: 'MZHUB_EXCHANGE_RATE',
    schema: z.coerce
      .number({ error: '必须是 1–100000 之间的整数（次/秒）' })
      .int('必须是 1–100000 之间的整数（次/秒）')
      .min(1, '必须是 1–100000 之间的整数（次/秒）')
      .max(100_000, '必须是 1–100000 之间的整数（次/秒）')
      .default(500),
  },
  exchangeDailyQuota: {
    env: 'MZHUB_EXCHANGE_DAILY_QUOTA',
    schema: z.coerce
      .number({ error: '必须是 1–1000000000 之间的整数（次/日）' })
      .int('必须是 1–1000000000 之间的整数（次/日）')
      .min(1, '必须是 1–1000000000 之间的整数（次/日）')
      .max(1_000_000_000, '必须是 1–1000000000 之间的整数（次/日）')
      .default(100_000),
  },
  scanCommand: { env: 'MZHUB_SCAN_COMMAND', schema: z.string().optional() },
  webhookAllowPrivate: {
    env: 'MZHUB_WEBHOOK_ALLOW_PRIVATE',
    schema: z.union([z.boolean(), boolText], { error: '必须是 true 或 false' }).default(false),
  },
  webhookRetrySeconds: {
    env: 'MZHUB_WEBHOOK_RETRY_SECONDS',
    schema: z.coerce
      .number({ error: '必须是 1–3600 之间的整数（秒）' })
      .int('必须是 1–3600 之间的整数（秒）')
      .min(1, '必须是 1–3600 之间的整数（秒）')
      .max(3600, '必须是 1–3600 之间的整数（秒）')
      .default(5),
  },
  webhookGiveUpHours: {
    env: 'MZHUB_WEBHOOK_GIVE_UP_HOURS',
    schema: z.coerce
      .number({ error: '必须是 1–720 之间的整数（小时）' })
      .int('必须是 1–720 之间的整数（小时）')
      .min(1, '必须是 1–720 之间的整数（小时）')
      .max(720, '必须是 1–720 之间的整数（小时）')
      .default(72),
  },
  webhookMaxAttempts: {
    env: 'MZHUB_WEBHOOK_MAX_ATTEMPTS',
    schema: z.coerce
      .number({ error: '必须是 1–1000 之间的整数（次）' })
      .int('必须是 1–1000 之间的整数（次）')
      .min(1, '必须是 1–1000 之间的整数（次）')
      .max(1000, '必须是 1–1000 之间的整数（次）')
      .default(100),
  },
  benchMode: {
    env: 'MZHUB_BENCH_MODE',
    schema: z.union([z.boolean(), boolText], { error: '必须是 true 或 false' }).default(false),
  },
  masterKey: { env: 'MZHUB_MASTER_KEY', schema: z.string().optional() },
  masterKeyFile: { env: 'MZHUB_MASTER_KEY_FILE', schema: z.string().optional() },
} as const;

type Env = Record<string, string | undefined>;

/**
 * Builds the configuration from `env` (and the file it names). Throws ConfigError listing
 * every wrong setting at once.
 */
export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  let file: Record<string, unknown> = {};
  const filePath = env.MZHUB_CONFIG;
  if (filePath) {
    if (!existsSync(filePath)) {
      problems.push(`MZHUB_CONFIG：配置文件不存在（${filePath}）`);
    } else {
      try {
        const parsed: unknown = JSON.parse(readFileSync(filePath, 'utf8'));
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
          problems.push(`MZHUB_CONFIG：配置文件必须是一个 JSON 对象（${filePath}）`);
        } else {
          file = parsed as Record<string, unknown>;
        }
      } catch (e) {
        problems.push(
          `MZHUB_CONFIG：配置文件不是合法的 JSON（${filePath}：${(e as Error).message}）`,
        );
      }
    }
    for (const key of Object.keys(file)) {
      if (!(key in settings)) problems.push(`配置文件：未知的配置项 ${key}`);
    }
  }

  const values: Record<string, unknown> = {};
  for (const [key, setting] of Object.entries(settings)) {
    const raw =
      env[setting.env] !== undefined && env[setting.env] !== '' ? env[setting.env] : file[key];
    const result = (setting.schema as z.ZodType).safeParse(raw);
    if (result.success) values[key] = result.data;
    else {
      const where = env[setting.env] !== undefined ? setting.env : `配置文件 ${key}`;
      problems.push(`${where}：${result.error.issues[0]?.message ?? '取值无效'}`);
    }
  }

  // SEC-03: a secret written in plain text in the file is refused, with the way to fix it.
  const fileUrl = typeof file.databaseUrl === 'string' ? file.databaseUrl : undefined;
  if (fileUrl && /^postgres(ql)?:\/\/[^/@]*:[^/@]+@/.test(fileUrl)) {
    problems.push(
      '配置文件 databaseUrl：不得包含明文密码；请去掉密码，改用 databasePassword（用 mzhub secrets seal 加密）或环境变量 DATABASE_URL',
    );
  }
  if (typeof file.databasePassword === 'string' && !isSealed(file.databasePassword)) {
    problems.push(
      '配置文件 databasePassword：必须是 mzhub secrets seal 生成的密文（enc:v1:…），不得写明文',
    );
  }
  if (typeof file.masterKey === 'string') {
    problems.push(
      '配置文件 masterKey：主密钥不得写入配置文件；请使用环境变量 MZHUB_MASTER_KEY 或密钥文件',
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const dataDir = resolve(values.dataDir as string);
  let masterKey: MasterKey;
  try {
    masterKey = values.masterKey
      ? MasterKey.parse(values.masterKey as string)
      : MasterKey.fromFile(
          resolve((values.masterKeyFile as string | undefined) ?? `${dataDir}/master.key`),
          values.masterKeyFile === undefined,
        );
  } catch (e) {
    throw new ConfigError([
      `${values.masterKey ? 'MZHUB_MASTER_KEY' : 'MZHUB_MASTER_KEY_FILE'}：${(e as Error).message}`,
    ]);
  }

  let databaseUrl = (values.databaseUrl as string | undefined) ?? `sqlite:${dataDir}/mzhub.sqlite`;
  const password = values.databasePassword as string | undefined;
  if (password && /^postgres(ql)?:\/\//.test(databaseUrl)) {
    let plain: string;
    try {
      plain = isSealed(password) ? masterKey.open(password) : password;
    } catch (e) {
      throw new ConfigError([`databasePassword：${(e as Error).message}`]);
    }
    const url = new URL(databaseUrl);
    url.password = plain;
    databaseUrl = url.toString();
  }

  return {
    host: values.host as string,
    port: values.port as number,
    databaseUrl,
    dataDir,
    webDir: resolve(values.webDir as string),
    logLevel: values.logLevel as Config['logLevel'],
    sessionIdleMinutes: values.sessionIdleMinutes as number,
    sessionMaxHours: values.sessionMaxHours as number,
    cookieSecure: values.cookieSecure as boolean,
    importMaxBytes: (values.importMaxMegabytes as number) * 1024 * 1024,
    importMaxRows: values.importMaxRows as number,
    exchangeRatePerSecond: values.exchangeRatePerSecond as number,
    exchangeDailyQuota: values.exchangeDailyQuota as number,
    scanCommand: values.scanCommand as string | undefined,
    webhookAllowPrivate: values.webhookAllowPrivate as boolean,
    webhookRetrySeconds: values.webhookRetrySeconds as number,
    webhookGiveUpHours: values.webhookGiveUpHours as number,
    webhookMaxAttempts: values.webhookMaxAttempts as number,
    benchMode: values.benchMode as boolean,
    masterKey,
  };
}

/** The database URL with any password replaced, fit for logs and health output. */
export function redactUrl(databaseUrl: string): string {
  return databaseUrl.replace(/^(postgres(?:ql)?:\/\/[^/@:]*):[^/@]*@/, '$1:***@');
}
