/**
 * The front-end processor's configuration (`mzhub frontend --config frontend.json`), read
 * once and validated, with a Chinese message per wrong setting.
 *
 * Secrets follow the platform's rules (SEC-03): in the file the node secret and the source
 * database password may only appear sealed (`enc:v1:…`, from `mzhub secrets seal` with the
 * department machine's own master key), and the source URL may not carry a password; in the
 * environment they may be given plainly: MZHUB_FRONTEND_SECRET, MZHUB_FRONTEND_SOURCE_URL,
 * MZHUB_FRONTEND_SOURCE_PASSWORD. The master key comes from MZHUB_MASTER_KEY or a key file
 * (MZHUB_MASTER_KEY_FILE, or `masterKeyFile` in the file).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../../../server/config.ts';
import { MasterKey, isSealed } from '../../../server/secrets.ts';
import { identifierPattern } from './sources/source.ts';

const resourceCode = z.string().regex(/^\d{6,9}\/\d{6}$/, '须为资源代码，如 301002/000001');
const identifier = z
  .string()
  .regex(identifierPattern, '须为表名或列名（字母、数字、下划线，可带一个“模式.”前缀）');

const PublicationSetting = z
  .object({
    /** The catalog resource code the rows belong to. */
    resource: resourceCode,
    /** publish: copy rows to the platform; hold: keep them here and answer lookups. */
    mode: z.enum(['publish', 'hold']).default('publish'),
    /** Read a table (with `columns`) … */
    table: identifier.optional(),
    /** … or run a SELECT of your own; its result columns are named after the data items. */
    query: z
      .string()
      .trim()
      .min(1)
      .max(20_000)
      .refine((q) => /^(select|with)\b/i.test(q) && !q.includes(';'), {
        message: '只能是一条 SELECT（或 WITH … SELECT）语句，不带分号',
      })
      .optional(),
    /** Data item identifier → source column. Items without an entry use a column of their name. */
    columns: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/), identifier).default({}),
    /** Publish every so many seconds (an unchanged source still reports its count and checksum). */
    everySeconds: z
      .number()
      .int()
      .min(10)
      .max(7 * 86_400)
      .optional(),
    /** Or publish when the source changed, checked every `pollSeconds`. */
    onChange: z
      .object({
        pollSeconds: z.number().int().min(5).max(86_400),
        /** A cheap query whose answer changes with the data, e.g. select max(updated_at), count(*) from t. */
        probe: z
          .string()
          .trim()
          .max(5000)
          .refine((q) => /^(select|with)\b/i.test(q) && !q.includes(';'), {
            message: '只能是一条 SELECT 语句，不带分号',
          })
          .optional(),
      })
      .optional(),
  })
  .superRefine((p, ctx) => {
    if ((p.table === undefined) === (p.query === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'table 与 query 须二选一' });
    }
    if (p.mode === 'publish' && (p.everySeconds === undefined) === (p.onChange === undefined)) {
      ctx.addIssue({ code: 'custom', message: '发布方式须设 everySeconds 或 onChange 之一' });
    }
  });

const FileSettings = z.object({
  /** The platform's address, e.g. https://share.example.gov.cn */
  platformUrl: z.url({ protocol: /^https?$/, error: '须为 http:// 或 https:// 开头的平台地址' }),
  /** The node id shown when the unit administrator registered this processor. */
  nodeId: z.string().regex(/^fen_[0-9a-f]{20}$/, '须为控制台登记前置机时显示的编号 fen_…'),
  nodeSecret: z.string().optional(),
  source: z.object({
    url: z.string().optional(),
    password: z.string().optional(),
    /** The department's time zone: how timestamps with a zone are read. */
    timeZone: z
      .string()
      .regex(/^[A-Za-z_]+(\/[A-Za-z_+-]+)*$/, '须为时区名，如 Asia/Shanghai')
      .default('Asia/Shanghai'),
  }),
  /** Where the processor remembers what it published (a small SQLite file). */
  stateFile: z.string().min(1).default('./frontend-state.sqlite'),
  /** Where the processor answers the platform's lookups (needed for hold mode). */
  listen: z
    .object({
      host: z.string().min(1).default('0.0.0.0'),
      port: z.number().int().min(0).max(65535),
    })
    .optional(),
  masterKeyFile: z.string().optional(),
  /** Rows per chunk sent to the platform. */
  chunkRows: z.number().int().min(1).max(5000).default(1000),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'silent']).default('info'),
  publications: z.array(PublicationSetting).min(1, '至少配置一项 publications'),
});

export type PublicationSetting = z.infer<typeof PublicationSetting>;

export interface FrontendConfig {
  platformUrl: string;
  nodeId: string;
  nodeSecret: string;
  sourceUrl: string;
  timeZone: string;
  stateFile: string;
  listen: { host: string; port: number } | null;
  chunkRows: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'silent';
  publications: PublicationSetting[];
}

type Env = Record<string, string | undefined>;

/** Reads and checks the file; throws ConfigError listing every problem at once. */
export function loadFrontendConfig(path: string, env: Env = process.env): FrontendConfig {
  if (!existsSync(path)) throw new ConfigError([`前置机配置文件不存在：${path}`]);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new ConfigError([`前置机配置文件不是合法的 JSON（${path}）：${(e as Error).message}`]);
  }
  const parsed = FileSettings.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => `配置文件 ${i.path.join('.') || '（整体）'}：${i.message}`),
    );
  }
  const file = parsed.data;
  const problems: string[] = [];
  const base = dirname(resolve(path));

  // SEC-03: plain secrets in the file are refused, with the way to fix it.
  if (file.nodeSecret !== undefined && !isSealed(file.nodeSecret)) {
    problems.push(
      '配置文件 nodeSecret：不得写明文密钥；请用 mzhub secrets seal 加密后填写（enc:v1:…），或用环境变量 MZHUB_FRONTEND_SECRET',
    );
  }
  if (file.source.url && /^[a-z]+:\/\/[^/@]*:[^/@]+@/.test(file.source.url)) {
    problems.push(
      '配置文件 source.url：不得包含明文密码；请去掉密码，改用 source.password（用 mzhub secrets seal 加密）或环境变量 MZHUB_FRONTEND_SOURCE_PASSWORD',
    );
  }
  if (file.source.password !== undefined && !isSealed(file.source.password)) {
    problems.push('配置文件 source.password：必须是 mzhub secrets seal 生成的密文（enc:v1:…）');
  }
  const sourceUrl = env.MZHUB_FRONTEND_SOURCE_URL || file.source.url;
  if (!sourceUrl) {
    problems.push(
      'source.url：请填写源数据库地址（postgres://用户@主机:端口/库名 或 sqlite:文件路径）',
    );
  }
  const holds = file.publications.some((p) => p.mode === 'hold');
  if (holds && !file.listen) {
    problems.push('listen：有数据留存（hold）的资源时，须设置前置机应答平台查询的监听地址与端口');
  }
  const codes = file.publications.map((p) => p.resource);
  const twice = codes.filter((c, i) => codes.indexOf(c) !== i);
  if (twice.length > 0) problems.push(`publications：资源 ${twice.join('、')} 配置了多次`);
  if (problems.length > 0) throw new ConfigError(problems);

  let masterKey: MasterKey | null = null;
  const needsKey =
    (file.nodeSecret && !env.MZHUB_FRONTEND_SECRET) ||
    (file.source.password && !env.MZHUB_FRONTEND_SOURCE_PASSWORD);
  if (needsKey) {
    try {
      const keyFile = env.MZHUB_MASTER_KEY_FILE ?? file.masterKeyFile;
      masterKey = env.MZHUB_MASTER_KEY
        ? MasterKey.parse(env.MZHUB_MASTER_KEY)
        : keyFile
          ? MasterKey.fromFile(resolve(base, keyFile), false)
          : null;
    } catch (e) {
      throw new ConfigError([`主密钥：${(e as Error).message}`]);
    }
    if (!masterKey) {
      throw new ConfigError([
        '主密钥：配置文件中有加密的密钥或口令，请用 MZHUB_MASTER_KEY、MZHUB_MASTER_KEY_FILE 或 masterKeyFile 指明主密钥',
      ]);
    }
  }
  const open = (what: string, sealed: string) => {
    try {
      return masterKey!.open(sealed);
    } catch (e) {
      throw new ConfigError([`${what}：${(e as Error).message}`]);
    }
  };
  const nodeSecret =
    env.MZHUB_FRONTEND_SECRET ?? (file.nodeSecret ? open('nodeSecret', file.nodeSecret) : '');
  if (!nodeSecret) {
    throw new ConfigError([
      'nodeSecret：请提供前置机密钥（环境变量 MZHUB_FRONTEND_SECRET，或配置文件中加密的 nodeSecret）',
    ]);
  }
  let url = sourceUrl!;
  const password =
    env.MZHUB_FRONTEND_SOURCE_PASSWORD ??
    (file.source.password ? open('source.password', file.source.password) : undefined);
  if (password && /^postgres(ql)?:\/\//.test(url)) {
    const u = new URL(url);
    u.password = password;
    url = u.toString();
  }
  if (/^(sqlite|file):/.test(url)) {
    const p = url.replace(/^(sqlite|file):(\/\/)?/, '');
    url = `sqlite:${resolve(base, p)}`;
  }
  return {
    platformUrl: file.platformUrl.replace(/\/+$/, ''),
    nodeId: file.nodeId,
    nodeSecret,
    sourceUrl: url,
    timeZone: file.source.timeZone,
    stateFile: resolve(base, file.stateFile),
    listen: file.listen ?? null,
    chunkRows: file.chunkRows,
    logLevel: file.logLevel,
    publications: file.publications,
  };
}
