/**
 * The exchange layer's verify (比对验证, EXC-01), query (查询引用, EXC-02) and batch copy
 * (批量复制, EXC-03) calls, the credentials machine clients sign them with, the interface
 * registry, masking, daily quotas and usage statistics (EXC-05).
 *
 * Every call is checked in this order — signature, credential, grant (active, not expired
 * or revoked, of the credential's unit), interface (registered, of the grant's resource,
 * served by the route), rate limit, daily quota — then mode and fields, and audited through
 * the group-commit path with the grant, its purpose, the fields and the number of records
 * returned; a call is answered only after its audit entry is committed. Nothing on this
 * path writes to the database besides that audit entry: limits and usage are counted in
 * memory and flushed in the background.
 */
import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { withTransaction } from '../../db/transaction.ts';
import { uuidv7 } from '../../lib/uuid.ts';
import { AppError } from '../../server/errors.ts';
import type { AppContext } from '../../server/context.ts';
import { systemContext, type AuditContext, type AuditService } from '../audit/service.ts';
import { provisionModes, type DataItem, type ProvisionMode } from '../catalog/elements.ts';
import type { CatalogService } from '../catalog/service.ts';
import type { DataService } from '../data/service.ts';
import { compileRowValidator } from '../data/row-validator.ts';
import type { SessionUser } from '../iam/auth.ts';
import { divisionPrefix } from '../iam/scope.ts';
import type { SharingService } from '../sharing/service.ts';
import type { InterfaceClass } from '../../db/tables/interfaces.ts';
import {
  builders,
  createInterfaceRegistry,
  curlExample,
  interfaceClasses,
  interfaceCodePattern,
  type Builder,
  type InterfaceParameter,
  type InterfaceRef,
} from './interfaces.ts';
import { effectiveMasking, maskValue, parseMaskDecision, type MaskRule } from './masking.ts';
import { createDailyQuota } from './quota.ts';
import {
  callerUnitHeader,
  maxClockSkewMs,
  parseSm2PublicKey,
  signatureHeaders,
  signatureMatches,
  sm2SignatureMatches,
  stringToSign,
} from './signing.ts';
import {
  createUsageMeter,
  p95FromBuckets,
  shanghaiDay,
  usageBucketColumns,
  type UsageSubject,
} from './usage.ts';

type ActiveGrant = NonNullable<Awaited<ReturnType<SharingService['activeGrant']>>>;

export interface ExchangeCaller {
  credentialId: string;
  consumerUnitId: string;
  consumerUnitName: string;
  grant: ActiveGrant;
  /** The interface called (x-mzhub-interface). */
  interface: InterfaceRef;
  /** The usage row the call counts in, and its Shanghai day. */
  usage: UsageSubject;
  day: string;
  /** Records returned so far (read when the call is counted in the usage statistics). */
  rows: number;
}

interface RequestMeta {
  clientIp: string;
  requestId: string;
}

interface ResourceShape {
  items: DataItem[];
  byId: Map<string, DataItem>;
  keyItems: DataItem[];
  normaliseKey: (
    values: (string | undefined)[],
  ) => { ok: true; key: string } | { ok: false; reason: string };
  at: number;
}

/** Where a front-end processor (前置机) keeps a resource's rows in the department (EXC-06). */
export interface RemoteRowSource {
  holds(resourceId: string): Promise<boolean>;
  lookup(resourceId: string, key: string, items: string[]): Promise<Record<string, string> | null>;
}

/** A finished batch copy, for reconciliation (COL-07). */
export interface BatchDelivery {
  batchId: string;
  grantId: string;
  resourceId: string;
  consumerUnitId: string;
  mode: 'full' | 'changes';
  format: 'csv' | 'ndjson';
  rows: number;
  /** Hex SM3 of exactly the bytes sent. */
  checksum: string;
  fromChange: number | null;
  toChange: number;
  /** The stream reached the end of the data (not cut off, no further page left by `limit`). */
  complete: boolean;
}

/** How long a resource's data items are cached (a new catalog version is seen after this). */
const shapeTtlMs = 10_000;
/** How long a credential row and an active grant are trusted without reading them again. */
const authCacheMs = 1000;
/** How long a remote source's answer to holds() is trusted. */
const holdsTtlMs = 10_000;
/** The most keys one verify or query call may carry. */
export const maxKeysPerCall = 100;
/** The largest page a batch copy may ask for with `limit` (without it the whole copy streams). */
export const maxBatchLimit = 100_000;

export function createExchangeService(
  ctx: AppContext,
  deps: {
    audit: AuditService;
    catalog: CatalogService;
    data: DataService;
    sharing: SharingService;
    isDivisionCode: (code: string) => boolean;
  },
) {
  const { db } = ctx;
  const { audit, catalog, data, sharing } = deps;
  const now = () => ctx.clock.now();
  const secrets = new Map<string, string>();
  const shapes = new Map<string, ResourceShape>();
  /** Nonces seen within the clock-skew window, with when they expire (per instance). */
  const nonces = new Map<string, number>();
  /** The same nonces in arrival (= expiry) order, consumed from `nonceHead`. */
  const nonceQueue: [number, string][] = [];
  let nonceHead = 0;
  /**
   * Credentials and active grants read in the last second. Reading both on every call cost
   * more than the rest of the check together; a revocation on this instance drops them at
   * once, and another instance sees it within `authCacheMs`.
   */
  const credentialCache = new Map<
    string,
    { row: NonNullable<Awaited<ReturnType<typeof readCredential>>>; at: number }
  >();
  const grantCache = new Map<string, { grant: ExchangeCaller['grant']; at: number }>();
  /** Token buckets per grant: calls per second, enforced in memory per instance. */
  const buckets = new Map<string, { tokens: number; at: number }>();
  const ratePerSecond = ctx.config.exchangeRatePerSecond;
  const registry = createInterfaceRegistry(ctx, { audit });
  const meter = createUsageMeter(ctx);
  const quota = createDailyQuota(ctx, meter);
  let remote: RemoteRowSource | null = null;
  const holdsCache = new Map<string, { value: boolean; at: number }>();
  const batchListeners: ((b: BatchDelivery) => void)[] = [];

  // Publishing a structured entry registers its interfaces in the same transaction.
  catalog.onPublish((tx, entry, by) => registry.syncPublished(tx, entry, by));

  function openSecret(sealed: string): string {
    let secret = secrets.get(sealed);
    if (!secret) {
      secret = ctx.config.masterKey.open(sealed);
      secrets.set(sealed, secret);
    }
    return secret;
  }

  function rememberNonce(nonce: string, at: number): boolean {
    // Nonces expire in the order they arrive: prune from the head of the queue, so each call
    // costs the same however many nonces the window holds.
    while (nonceHead < nonceQueue.length && nonceQueue[nonceHead]![0] < at) {
      const [until, expired] = nonceQueue[nonceHead++]!;
      if (nonces.get(expired) === until) nonces.delete(expired);
    }
    if (nonceHead > 50_000) {
      nonceQueue.splice(0, nonceHead);
      nonceHead = 0;
    }
    const until = nonces.get(nonce);
    if (until !== undefined && until >= at) return false;
    const expires = at + 2 * maxClockSkewMs;
    nonces.set(nonce, expires);
    nonceQueue.push([expires, nonce]);
    return true;
  }

  function readCredential(credentialId: string) {
    return db
      .selectFrom('exchange_credentials as c')
      .innerJoin('units as u', 'u.id', 'c.consumer_unit_id')
      .select([
        'c.secret',
        'c.algorithm',
        'c.public_key',
        'c.status',
        'c.grant_id',
        'c.consumer_unit_id',
        'u.name',
        'u.credit_code',
      ])
      .where('c.id', '=', credentialId)
      .executeTakeFirst();
  }

  /** The credential row of a call, read at most once per `authCacheMs` per credential. */
  async function credentialRow(credentialId: string, at: number) {
    const cached = credentialCache.get(credentialId);
    if (cached && at - cached.at >= 0 && at - cached.at < authCacheMs) return cached.row;
    const row = await readCredential(credentialId);
    if (row) credentialCache.set(credentialId, { row, at });
    else credentialCache.delete(credentialId);
    return row;
  }

  /** The active grant of a call; only active grants are kept, so a delivery is seen at once. */
  async function activeGrant(grantId: string, at: number) {
    const cached = grantCache.get(grantId);
    if (cached && at - cached.at >= 0 && at - cached.at < authCacheMs) return cached.grant;
    const grant = await sharing.activeGrant(grantId);
    if (grant) grantCache.set(grantId, { grant, at });
    else grantCache.delete(grantId);
    return grant;
  }

  function takeToken(grantId: string, at: number): boolean {
    const bucket = buckets.get(grantId) ?? { tokens: ratePerSecond, at };
    bucket.tokens = Math.min(
      ratePerSecond,
      bucket.tokens + ((at - bucket.at) / 1000) * ratePerSecond,
    );
    bucket.at = at;
    buckets.set(grantId, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  function rateLimited(bucketTokens: number): AppError {
    const wait = Math.ceil((1 - bucketTokens) / ratePerSecond);
    return new AppError(
      'rate_limited',
      'exchange.rate_limited',
      `调用过于频繁：每项授权每秒最多 ${ratePerSecond} 次`,
      { headers: { 'retry-after': String(Math.max(1, wait)) } },
    );
  }

  async function shapeOf(resourceId: string): Promise<ResourceShape> {
    const cached = shapes.get(resourceId);
    const at = now().getTime();
    if (cached && at - cached.at < shapeTtlMs) return cached;
    const entry = await catalog.publishedEntry(resourceId);
    if (!entry || entry.retired) {
      throw new AppError(
        'forbidden',
        'exchange.resource_retired',
        '该资源已停用或撤回发布，不能再调用',
      );
    }
    const items = entry.content.dataItems;
    const keyItems = items.filter((i) => i.isKey);
    const validate = compileRowValidator(
      keyItems.map((i) => ({ ...i, required: true })),
      { isDivisionCode: deps.isDivisionCode },
    );
    const shape: ResourceShape = {
      items,
      byId: new Map(items.map((i) => [i.identifier, i])),
      keyItems,
      normaliseKey: (values) => {
        const result = validate(values);
        return result.ok
          ? { ok: true, key: result.key }
          : { ok: false, reason: result.errors.map((e) => `${e.name}：${e.reason}`).join('；') };
      },
      at,
    };
    shapes.set(resourceId, shape);
    return shape;
  }

  /** The key of a call: a string for a one-item key, else an object by identifier. */
  function keyOf(shape: ResourceShape, key: unknown): string {
    const values = shape.keyItems.map((item) => {
      if ((typeof key === 'string' || typeof key === 'number') && shape.keyItems.length === 1)
        return String(key);
      if (key && typeof key === 'object' && !Array.isArray(key)) {
        const v = (key as Record<string, unknown>)[item.identifier];
        return typeof v === 'string' || typeof v === 'number' ? String(v) : undefined;
      }
      return undefined;
    });
    const result = shape.normaliseKey(values);
    if (!result.ok)
      throw new AppError('invalid', 'exchange.bad_key', `主键格式错误：${result.reason}`);
    return result.key;
  }

  /** One row by key: from the department's front-end processor when it holds the resource. */
  async function readRow(
    resourceId: string,
    key: string,
    items: string[],
  ): Promise<Record<string, unknown> | null> {
    if (remote) {
      const at = now().getTime();
      let held = holdsCache.get(resourceId);
      if (!held || at - held.at >= holdsTtlMs) {
        held = { value: await remote.holds(resourceId).catch(() => false), at };
        holdsCache.set(resourceId, held);
      }
      if (held.value) {
        try {
          return await remote.lookup(resourceId, key, items);
        } catch (error) {
          if (error instanceof AppError) throw error;
          throw new AppError(
            'unavailable',
            'exchange.source_unavailable',
            '提供方前置机暂时无法访问，请稍后重试',
            { cause: error },
          );
        }
      }
    }
    return data.lookupRow(resourceId, key);
  }

  function masksOf(caller: ExchangeCaller, shape: ResourceShape): Record<string, MaskRule> {
    return effectiveMasking(
      shape.items,
      caller.grant.fields,
      parseMaskDecision(caller.grant.masking),
    );
  }

  function auditCall(
    caller: Pick<ExchangeCaller, 'credentialId' | 'consumerUnitId' | 'consumerUnitName'> & {
      grant: { id: string; resource_id: string; provider_unit_id: string; purpose: string };
    },
    meta: Partial<RequestMeta>,
    input: {
      action: string;
      result: 'success' | 'failure' | 'denied';
      fields: string[];
      records: number;
      detail?: Record<string, unknown>;
    },
  ) {
    return audit.enqueue({
      action: input.action,
      result: input.result,
      actor: {
        id: caller.credentialId,
        name: `${caller.consumerUnitName}（接口凭证）`,
        unitId: caller.consumerUnitId,
      },
      target: {
        type: 'catalog_entry',
        id: caller.grant.resource_id,
        unitId: caller.grant.provider_unit_id,
      },
      fields: input.fields,
      recordCount: input.records,
      grantId: caller.grant.id,
      purpose: caller.grant.purpose,
      clientIp: meta.clientIp ?? null,
      requestId: meta.requestId ?? null,
      ...(input.detail ? { detail: input.detail } : {}),
    });
  }

  /**
   * Runs a call's work and audits it: success with the records returned, or the refusal
   * (denied for what the grant does not allow, failure for bad input) with its code.
   */
  async function audited<T>(
    caller: ExchangeCaller,
    meta: RequestMeta,
    action: string,
    fields: string[],
    work: () => Promise<{ value: T; records: number; detail?: Record<string, unknown> }>,
  ): Promise<T> {
    let outcome: Awaited<ReturnType<typeof work>>;
    try {
      outcome = await work();
    } catch (error) {
      await auditCall(caller, meta, {
        action,
        result: error instanceof AppError && error.kind === 'forbidden' ? 'denied' : 'failure',
        fields,
        records: 0,
        detail: {
          interface: caller.interface.code,
          code: error instanceof AppError ? error.code : 'internal',
        },
      });
      throw error;
    }
    caller.rows += outcome.records;
    await auditCall(caller, meta, {
      action,
      result: 'success',
      fields,
      records: outcome.records,
      detail: { interface: caller.interface.code, ...outcome.detail },
    });
    return outcome.value;
  }

  function checkFields(caller: ExchangeCaller, fields: string[]) {
    const notGranted = fields.filter((f) => !caller.grant.fields.includes(f));
    if (notGranted.length > 0) {
      throw new AppError(
        'forbidden',
        'exchange.field_not_granted',
        `授权不包含这些信息项：${notGranted.join('、')}`,
      );
    }
  }

  function checkMode(caller: ExchangeCaller, mode: ProvisionMode) {
    if (!caller.grant.modes.includes(mode)) {
      throw new AppError(
        'forbidden',
        'exchange.mode_not_granted',
        `授权的使用方式不包含“${provisionModes.labels[mode]}”`,
      );
    }
  }

  function tooMany(count: number) {
    if (count > maxKeysPerCall) {
      throw new AppError(
        'invalid',
        'exchange.batch_too_large',
        `一次调用最多 ${maxKeysPerCall} 个主键（本次 ${count} 个）；更多数据请用批量复制`,
      );
    }
  }

  const numbers = new Map<string, number>();
  async function resourceNo(resourceId: string): Promise<number> {
    let no = numbers.get(resourceId);
    if (no === undefined) {
      const r = await db
        .selectFrom('catalog_resources')
        .select('no')
        .where('id', '=', resourceId)
        .executeTakeFirstOrThrow();
      no = r.no;
      numbers.set(resourceId, no);
    }
    return no;
  }

  /** Why a grant that is not active cannot be used, each reason with its own code. */
  async function inactiveGrantError(grantId: string) {
    const g = await db
      .selectFrom('sharing_grants')
      .select([
        'id',
        'status',
        'valid_from',
        'valid_until',
        'resource_id',
        'provider_unit_id',
        'purpose',
      ])
      .where('id', '=', grantId)
      .executeTakeFirst();
    const today = shanghaiDay(now());
    const error =
      g?.status === 'revoked'
        ? new AppError('forbidden', 'exchange.grant_revoked', '授权已被撤销，不能再调用')
        : g && g.status === 'active' && today > g.valid_until
          ? new AppError(
              'forbidden',
              'exchange.grant_expired',
              `授权已于 ${g.valid_until} 到期，不能再调用`,
            )
          : new AppError(
              'forbidden',
              'exchange.grant_inactive',
              '授权尚未交付或尚未到开始日期，暂不能调用',
            );
    return { grant: g ?? null, error };
  }

  /** An interface as the console and the API show it. */
  function toInterfaceView(
    row: Awaited<ReturnType<typeof registry.rows>>[number],
    resource: { code: string; retired: boolean },
  ) {
    const example = JSON.parse(row.example) as { request: string | null; response: string };
    const cls = Number(row.class) as InterfaceClass;
    return {
      code: row.code,
      resourceId: row.resource_id,
      resourceCode: resource.code,
      class: cls,
      classLabel: interfaceClasses[cls],
      builder: row.builder,
      builderLabel: builders[row.builder].label,
      builderUnitName: row.builder_unit_name ?? (row.builder === 'platform' ? '共享平台' : null),
      sequence: Number(row.sequence),
      mode: row.mode,
      modeLabel: row.mode ? (provisionModes.labels[row.mode as ProvisionMode] ?? row.mode) : null,
      name: row.name,
      method: row.method,
      path: row.path,
      parameters: JSON.parse(row.parameters) as InterfaceParameter[],
      example: {
        request: example.request,
        response: example.response,
        curl: curlExample({
          code: row.code,
          method: row.method,
          path: row.path,
          request: example.request,
        }),
      },
      description: row.description,
      // An interface of a retired resource cannot be called, whatever its own state.
      status: resource.retired ? ('retired' as const) : row.status,
      automatic: row.automatic === 1,
      createdAt: row.created_at,
      retiredAt: row.retired_at,
    };
  }

  async function interfacesOfEntry(entryId: string) {
    const entry = await catalog.publishedEntry(entryId);
    if (!entry) return { entry: null, items: [] };
    let rows = await registry.rows(entryId);
    // Entries published before the registry existed get their interfaces on first sight.
    if (
      rows.length === 0 &&
      !entry.retired &&
      entry.content.kind === 'table' &&
      entry.content.provisionModes.length > 0
    ) {
      await withTransaction(db, (tx) => registry.syncPublished(tx, entry, systemContext()));
      rows = await registry.rows(entryId);
    }
    return { entry, items: rows.map((r) => toInterfaceView(r, entry)) };
  }

  /**
   * Rows of a batch copy page by page. Each stored row is parsed once here: per-field JSON
   * functions in the database cost more (SQLite's json_extract re-parses the row for every
   * field; PostgreSQL's text→jsonb cast per field was six times slower than one JSON.parse).
   */
  async function* batchRows(
    caller: ExchangeCaller,
    options: { after: string; since: number | undefined; limit: number | undefined },
  ): AsyncGenerator<Record<string, unknown>[]> {
    const fields = caller.grant.fields;
    const no = await resourceNo(caller.grant.resource_id);
    let after = options.after;
    let left = options.limit ?? Number.POSITIVE_INFINITY;
    const pageSize = 5000;
    while (left > 0) {
      let q = db
        .selectFrom('resource_rows')
        .select(['row_key', 'data'])
        .where('resource_no', '=', no)
        .where('row_key', '>', after);
      if (options.since !== undefined) q = q.where('change_no', '>', options.since);
      const size = Math.min(pageSize, left);
      const stored = await q.orderBy('row_key').limit(size).execute();
      if (stored.length === 0) return;
      yield stored.map(({ data }) => {
        const all = JSON.parse(data) as Record<string, unknown>;
        const granted: Record<string, unknown> = {};
        for (const f of fields) granted[f] = all[f] ?? null;
        return granted;
      });
      left -= stored.length;
      after = stored.at(-1)!.row_key;
      if (stored.length < size) return;
    }
  }

  function openCursor(after: string | undefined): string {
    if (!after) return '';
    if (!after.startsWith('enc:v1:')) return after;
    try {
      return ctx.config.masterKey.open(after);
    } catch {
      throw new AppError(
        'invalid',
        'exchange.bad_cursor',
        '续传位置无效：请使用上次响应头 x-mzhub-next-after 的值',
      );
    }
  }

  /** Issues a credential for a grant of the caller's unit (HMAC-SM3, or SM2 with `sm2Key`). */
  async function issue(
    grantId: string,
    label: string,
    user: SessionUser,
    by: AuditContext,
    sm2Key: string | undefined,
  ) {
    const grant = await db
      .selectFrom('sharing_grants')
      .selectAll()
      .where('id', '=', grantId)
      .executeTakeFirst();
    if (!grant || grant.consumer_unit_id !== user.unitId) {
      throw new AppError('not_found', 'sharing.grant_not_found', '本单位没有该授权');
    }
    if (!(await sharing.activeGrant(grantId))) {
      throw new AppError(
        'conflict',
        'exchange.grant_inactive',
        '授权尚未交付、已过期或已撤销，不能签发凭证',
      );
    }
    let publicKey: string | null = null;
    if (sm2Key !== undefined) {
      publicKey = parseSm2PublicKey(sm2Key);
      if (!publicKey) {
        throw new AppError(
          'invalid',
          'exchange.unknown_key_format',
          '无法识别的公钥格式：请提供 SM2 公钥（04 开头的 130 位或 02/03 开头的 66 位十六进制，或 PEM 格式的 SM2 PUBLIC KEY）',
          { errors: [{ path: 'publicKey', message: '不是有效的 SM2 公钥' }] },
        );
      }
    }
    const id = `mzc_${randomBytes(10).toString('hex')}`;
    const secret = publicKey ? null : randomBytes(32).toString('base64url');
    const algorithm = publicKey ? ('sm2' as const) : ('hmac-sm3' as const);
    const at = now().toISOString();
    await withTransaction(db, async (t) => {
      await t
        .insertInto('exchange_credentials')
        .values({
          id,
          grant_id: grantId,
          consumer_unit_id: user.unitId,
          secret: secret ? ctx.config.masterKey.seal(secret) : '',
          algorithm,
          public_key: publicKey,
          label,
          status: 'active',
          created_at: at,
          created_by: user.id,
          revoked_at: null,
          revoked_by: null,
        })
        .execute();
      await audit.appendBy(t, by, {
        action: 'exchange.credential_issue',
        result: 'success',
        target: { type: 'exchange_credential', id, unitId: user.unitId },
        grantId,
        detail: { label, algorithm },
      });
    });
    const modes = JSON.parse(grant.modes) as string[];
    const { items } = await interfacesOfEntry(grant.resource_id);
    return {
      id,
      secret,
      algorithm,
      label,
      grantId,
      status: 'active' as const,
      createdAt: at,
      revokedAt: null,
      interfaces: items
        .filter((i) => i.status === 'active' && i.mode !== null && modes.includes(i.mode))
        .map((i) => ({ code: i.code, mode: i.mode!, method: i.method, path: i.path })),
    };
  }

  const service = {
    // ---- contracts with the front-end processor and reconciliation ----

    /** Reads rows that a front-end processor keeps in the department (EXC-06). */
    setRemoteSource(source: RemoteRowSource) {
      remote = source;
      holdsCache.clear();
    },

    /** Told of every batch copy when its stream ends (the response's x-mzhub-batch-id). */
    onBatchDelivered(listener: (b: BatchDelivery) => void) {
      batchListeners.push(listener);
    },

    // ---- credentials ----

    /** Issues a credential with a secret for HMAC-SM3 signatures; the secret is shown only now. */
    async issueCredential(grantId: string, label: string, user: SessionUser, by: AuditContext) {
      const issued = await issue(grantId, label, user, by, undefined);
      return { ...issued, secret: issued.secret! };
    },

    /** Issues a credential for SM2 signatures made with the consumer's key pair (its public key given). */
    async issueSm2Credential(
      grantId: string,
      label: string,
      publicKey: string,
      user: SessionUser,
      by: AuditContext,
    ) {
      return issue(grantId, label, user, by, publicKey);
    },

    async credentials(grantId: string, user: SessionUser) {
      const rows = await db
        .selectFrom('exchange_credentials')
        .select(['id', 'label', 'grant_id', 'status', 'algorithm', 'created_at', 'revoked_at'])
        .where('grant_id', '=', grantId)
        .where('consumer_unit_id', '=', user.unitId)
        .orderBy('created_at', 'desc')
        .execute();
      return rows.map((r) => ({
        id: r.id,
        label: r.label,
        grantId: r.grant_id,
        status: r.status,
        algorithm: r.algorithm,
        createdAt: r.created_at,
        revokedAt: r.revoked_at,
      }));
    },

    /** The active credentials of a grant, for the implementation sheet (no secrets). */
    async credentialsOfGrant(grantId: string) {
      const rows = await db
        .selectFrom('exchange_credentials')
        .select(['id', 'created_at'])
        .where('grant_id', '=', grantId)
        .where('status', '=', 'active')
        .orderBy('created_at')
        .execute();
      return rows.map((r) => ({ id: r.id, issuedAt: r.created_at }));
    },

    async revokeCredential(id: string, user: SessionUser, by: AuditContext) {
      const row = await db
        .selectFrom('exchange_credentials')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      if (!row || row.consumer_unit_id !== user.unitId) {
        throw new AppError('not_found', 'exchange.credential_not_found', '本单位没有该凭证');
      }
      if (row.status === 'revoked')
        throw new AppError('conflict', 'exchange.credential_revoked', '该凭证已吊销');
      await withTransaction(db, async (t) => {
        await t
          .updateTable('exchange_credentials')
          .set({ status: 'revoked', revoked_at: now().toISOString(), revoked_by: user.id })
          .where('id', '=', id)
          .execute();
        credentialCache.delete(id);
        await audit.appendBy(t, by, {
          action: 'exchange.credential_revoke',
          result: 'success',
          target: { type: 'exchange_credential', id, unitId: user.unitId },
          grantId: row.grant_id,
        });
      });
    },

    // ---- the interface registry ----

    /** Forgets what this instance trusts about a grant (called when it is revoked). */
    forgetGrant(grantId: string) {
      grantCache.delete(grantId);
    },

    /** The interfaces of a published entry, with parameters and an example call. */
    async interfaces(entryId: string) {
      return (await interfacesOfEntry(entryId)).items;
    },

    /** The code of a resource's active interface for a mode (what a client puts in x-mzhub-interface). */
    async interfaceCode(resourceId: string, mode: ProvisionMode): Promise<string | null> {
      const { items } = await interfacesOfEntry(resourceId);
      return items.find((i) => i.mode === mode && i.status === 'active')?.code ?? null;
    },

    /** The platform manager registers an interface (e.g. one the provider built itself). */
    async registerInterface(
      entryId: string,
      input: {
        builder: Builder;
        class?: InterfaceClass | undefined;
        mode?: ProvisionMode | undefined;
        name: string;
        description?: string | undefined;
        method?: string | undefined;
        path?: string | undefined;
      },
      user: SessionUser,
      by: AuditContext,
    ) {
      const entry = await catalog.publishedEntry(entryId);
      if (
        !entry ||
        !user.permissions.includes('catalog.publish') ||
        !entry.providerDivisionCode.startsWith(divisionPrefix(user.unitDivisionCode))
      ) {
        throw new AppError('not_found', 'catalog.entry_not_found', '目录条目不存在或尚未发布');
      }
      if (entry.retired) {
        throw new AppError('conflict', 'exchange.resource_retired', '该资源已停用，不能登记接口');
      }
      const code = await withTransaction(db, (tx) =>
        registry.register(
          tx,
          entry,
          {
            builder: input.builder,
            cls: input.class,
            mode: input.mode,
            name: input.name,
            description: input.description ?? '',
            method: input.method,
            path: input.path,
          },
          { id: user.id, unitId: user.unitId },
          by,
        ),
      );
      const { items } = await interfacesOfEntry(entryId);
      return items.find((i) => i.code === code)!;
    },

    /** Retires an interface: calls naming it are refused; its code is never given again. */
    async retireInterface(code: string, reason: string, user: SessionUser, by: AuditContext) {
      const row = await registry.row(code);
      const entry = row ? await catalog.publishedEntry(row.resource_id) : null;
      if (
        !row ||
        !entry ||
        !user.permissions.includes('catalog.publish') ||
        !entry.providerDivisionCode.startsWith(divisionPrefix(user.unitDivisionCode))
      ) {
        throw new AppError('not_found', 'exchange.interface_not_found', '接口不存在');
      }
      if (row.status === 'retired')
        throw new AppError('conflict', 'exchange.interface_retired', '该接口已停用');
      await withTransaction(db, (tx) => registry.retire(tx, code, by, reason));
      const { items } = await interfacesOfEntry(row.resource_id);
      return items.find((i) => i.code === code)!;
    },

    // ---- signed calls ----

    /** Checks a signed call and returns who makes it under which grant and interface. */
    async authenticate(request: {
      method: string;
      url: string;
      headers: Record<string, string | string[] | undefined>;
      rawBody: string;
      /** The provision modes the route serves; the interface named must serve one of them. */
      modes?: readonly string[];
      meta?: Partial<RequestMeta>;
    }): Promise<ExchangeCaller> {
      const header = (name: string) => {
        const v = request.headers[name];
        return typeof v === 'string' ? v : undefined;
      };
      const credentialId = header(signatureHeaders.credential);
      const interfaceCode = header(signatureHeaders.interface);
      const timestamp = header(signatureHeaders.timestamp);
      const nonce = header(signatureHeaders.nonce);
      const signature = header(signatureHeaders.signature);
      if (!credentialId || !interfaceCode || !timestamp || !nonce || !signature) {
        throw new AppError(
          'unauthenticated',
          'exchange.signature_missing',
          `缺少签名信息：须带 ${Object.values(signatureHeaders).join('、')} 五个请求头`,
        );
      }
      const at = now().getTime();
      if (!/^\d{10,16}$/.test(timestamp) || Math.abs(at - Number(timestamp)) > maxClockSkewMs) {
        throw new AppError(
          'unauthenticated',
          'exchange.stale_timestamp',
          '请求时间戳与平台时间相差超过 5 分钟，请校准时钟后重新签名',
        );
      }
      if (!/^[A-Za-z0-9_-]{16,64}$/.test(nonce)) {
        throw new AppError(
          'unauthenticated',
          'exchange.bad_nonce',
          '随机串须为 16–64 位字母、数字、下划线或连字符',
        );
      }
      if (!interfaceCodePattern.test(interfaceCode)) {
        throw new AppError(
          'invalid',
          'exchange.interface_unknown',
          '接口编码格式不正确：请使用目录条目“接口”页列出的编码，如 S-301002-000001-2-001',
        );
      }
      const row = await credentialRow(credentialId, at);
      if (!row) throw new AppError('unauthenticated', 'exchange.credential_unknown', '凭证不存在');
      const text = stringToSign({
        method: request.method,
        path: request.url,
        interfaceCode,
        timestamp,
        nonce,
        body: request.rawBody,
      });
      const valid =
        row.algorithm === 'sm2'
          ? row.public_key !== null && sm2SignatureMatches(row.public_key, text, signature)
          : signatureMatches(openSecret(row.secret), text, signature);
      if (!valid) {
        throw new AppError(
          'unauthenticated',
          'exchange.bad_signature',
          row.algorithm === 'sm2'
            ? '签名不正确：请按接口文档用与登记公钥配对的 SM2 私钥签名'
            : '签名不正确：请按接口文档用凭证密钥计算 HMAC-SM3',
        );
      }
      if (row.status !== 'active')
        throw new AppError('unauthenticated', 'exchange.credential_revoked', '凭证已吊销');
      if (!rememberNonce(`${credentialId}:${nonce}`, at)) {
        throw new AppError(
          'unauthenticated',
          'exchange.replayed_nonce',
          '该随机串已用过（疑似重放），请为每次调用生成新的随机串',
        );
      }
      const who = {
        credentialId,
        consumerUnitId: row.consumer_unit_id,
        consumerUnitName: row.name,
      };
      const meta = request.meta ?? {};
      const grant = await activeGrant(row.grant_id, at);
      if (!grant) {
        const { grant: g, error } = await inactiveGrantError(row.grant_id);
        if (g) {
          await auditCall({ ...who, grant: g }, meta, {
            action: 'exchange.call',
            result: 'denied',
            fields: [],
            records: 0,
            detail: { interface: interfaceCode, code: error.code },
          });
        }
        throw error;
      }
      const refuse = async (error: AppError) => {
        await auditCall({ ...who, grant }, meta, {
          action: 'exchange.call',
          result: 'denied',
          fields: [],
          records: 0,
          detail: { interface: interfaceCode, code: error.code },
        });
        return error;
      };
      // A credential is bound to its unit: a caller that says it is another unit is refused.
      const declared = header(callerUnitHeader)?.trim();
      if (
        grant.consumer_unit_id !== row.consumer_unit_id ||
        (declared &&
          declared.toUpperCase() !== (row.credit_code ?? '').toUpperCase() &&
          declared !== row.consumer_unit_id)
      ) {
        throw await refuse(
          new AppError(
            'forbidden',
            'exchange.wrong_unit',
            '凭证只能由签发给的使用单位使用，不能由其他单位调用',
          ),
        );
      }
      const iface = await registry.lookup(interfaceCode);
      if (!iface) {
        throw await refuse(
          new AppError('not_found', 'exchange.interface_unknown', `接口 ${interfaceCode} 未登记`),
        );
      }
      if (iface.status !== 'active') {
        throw await refuse(
          new AppError('forbidden', 'exchange.interface_retired', `接口 ${interfaceCode} 已停用`),
        );
      }
      if (iface.resourceId !== grant.resource_id) {
        throw await refuse(
          new AppError(
            'forbidden',
            'exchange.interface_not_granted',
            `接口 ${interfaceCode} 不属于该凭证授权的资源`,
          ),
        );
      }
      if (request.modes && !(iface.mode !== null && request.modes.includes(iface.mode))) {
        throw await refuse(
          new AppError(
            'invalid',
            'exchange.interface_mismatch',
            `接口 ${interfaceCode} 不是本地址提供的接口（请求头 x-mzhub-interface 与请求地址不符）`,
          ),
        );
      }
      const usage: UsageSubject = {
        grantId: grant.id,
        interfaceCode,
        resourceId: grant.resource_id,
        consumerUnitId: grant.consumer_unit_id,
        providerUnitId: grant.provider_unit_id,
        mode: iface.mode ?? 'other',
      };
      if (!takeToken(grant.id, at)) {
        meter.limited(usage, shanghaiDay(now()));
        throw rateLimited(buckets.get(grant.id)?.tokens ?? 0);
      }
      const day = await quota.admit(grant, usage);
      return { ...who, grant, interface: iface, usage, day, rows: 0 };
    },

    /** Counts a finished call in the usage statistics (no database write here). */
    finishCall(caller: ExchangeCaller, outcome: { error: boolean; ms: number }) {
      meter.finish(caller.usage, caller.day, {
        rows: caller.rows,
        error: outcome.error,
        ms: outcome.ms,
      });
    },

    /** 比对验证: each claimed value matches or not; stored values never leave (EXC-01). */
    async verify(
      caller: ExchangeCaller,
      body:
        | { key: unknown; claims: Record<string, string | number | boolean | null> }
        | { items: { key: unknown; claims: Record<string, string | number | boolean | null> }[] },
      meta: RequestMeta,
    ) {
      const list = 'items' in body ? body.items : null;
      const asked = list ?? [body as Extract<typeof body, { key: unknown }>];
      const fields = [...new Set(asked.flatMap((a) => Object.keys(a.claims)))];
      return audited(caller, meta, 'exchange.verify', fields, async () => {
        tooMany(asked.length);
        checkMode(caller, 'verify');
        checkFields(caller, fields);
        const shape = await shapeOf(caller.grant.resource_id);
        const keys = asked.map((a) => keyOf(shape, a.key));
        const answers: { found: boolean; results: Record<string, 'match' | 'no_match'> }[] = [];
        for (const [n, a] of asked.entries()) {
          const claimed = Object.keys(a.claims);
          const row = await readRow(caller.grant.resource_id, keys[n]!, claimed);
          const results: Record<string, 'match' | 'no_match'> = {};
          if (row) {
            for (const field of claimed) {
              results[field] = sameValue(shape.byId.get(field), row[field], a.claims[field])
                ? 'match'
                : 'no_match';
            }
          }
          answers.push({ found: row !== null, results });
        }
        const records = answers.filter((a) => a.found).length;
        return { value: list ? { results: answers } : answers[0]!, records };
      });
    },

    /** 查询引用: only the granted fields of the records, masked where the grant says (EXC-02). */
    async query(
      caller: ExchangeCaller,
      body: { key?: unknown; keys?: unknown[] | undefined; fields?: string[] | undefined },
      meta: RequestMeta,
    ) {
      const fields = body.fields ?? caller.grant.fields;
      return audited(caller, meta, 'exchange.query', fields, async () => {
        const list = body.keys ?? null;
        if (list) tooMany(list.length);
        checkMode(caller, 'query');
        checkFields(caller, fields);
        const shape = await shapeOf(caller.grant.resource_id);
        const masks = masksOf(caller, shape);
        const masked = fields.filter((f) => masks[f]);
        const keys = (list ?? [body.key]).map((k) => keyOf(shape, k));
        const records: { key: string; found: boolean; record: Record<string, unknown> | null }[] =
          [];
        for (const key of keys) {
          const row = await readRow(caller.grant.resource_id, key, fields);
          records.push({
            key,
            found: row !== null,
            record: row
              ? Object.fromEntries(
                  fields.map((f) => {
                    const rule = masks[f];
                    return [f, rule ? maskValue(row[f], rule) : (row[f] ?? null)];
                  }),
                )
              : null,
          });
        }
        const found = records.filter((r) => r.found).length;
        const value = list
          ? { records: records.map((r) => ({ found: r.found, record: r.record })), masked }
          : { found: records[0]!.found, record: records[0]!.record, masked };
        return { value, records: found, detail: masked.length > 0 ? { masked } : {} };
      });
    },

    /**
     * 批量复制 (EXC-03): prepares a copy of the granted fields of every row — or of the rows
     * changed after change number `since` — in key order from the key after `after`, at
     * most `limit` rows, as CSV or NDJSON, masked where the grant says. The lines are read
     * page by page so memory stays flat whatever the size; when the stream ends the copy
     * is audited and reported to the batch listeners.
     */
    async openBatch(
      caller: ExchangeCaller,
      options: {
        format: 'csv' | 'ndjson';
        after?: string | undefined;
        since?: number | undefined;
        limit?: number | undefined;
      },
      meta: RequestMeta,
      purpose: 'copy' | 'manifest',
    ) {
      const fields = caller.grant.fields;
      const mode = (caller.interface.mode === 'file' ? 'file' : 'batch') as ProvisionMode;
      const prepare = async () => {
        if (options.limit !== undefined && options.limit > maxBatchLimit) {
          throw new AppError(
            'invalid',
            'exchange.batch_too_large',
            `limit 最大为 ${maxBatchLimit} 行；不带 limit 时按主键顺序流式返回全部数据`,
          );
        }
        checkMode(caller, mode);
        const shape = await shapeOf(caller.grant.resource_id);
        const after = openCursor(options.after);
        const changeNo = await service.currentChange(caller.grant.resource_id);
        // With a limit, where the next page starts is known before the first byte is sent.
        let nextAfter: string | null = null;
        if (options.limit !== undefined) {
          const no = await resourceNo(caller.grant.resource_id);
          let q = db
            .selectFrom('resource_rows')
            .select('row_key')
            .where('resource_no', '=', no)
            .where('row_key', '>', after);
          if (options.since !== undefined) q = q.where('change_no', '>', options.since);
          const boundary = await q
            .orderBy('row_key')
            .offset(options.limit - 1)
            .limit(2)
            .execute();
          if (boundary.length === 2) nextAfter = ctx.config.masterKey.seal(boundary[0]!.row_key);
        }
        return { shape, after, changeNo, nextAfter };
      };
      let prepared: Awaited<ReturnType<typeof prepare>>;
      try {
        prepared = await prepare();
      } catch (error) {
        // Refused before streaming: audited now (a copy is audited when its stream ends).
        await auditCall(caller, meta, {
          action: 'exchange.batch',
          result: error instanceof AppError && error.kind === 'forbidden' ? 'denied' : 'failure',
          fields,
          records: 0,
          detail: {
            interface: caller.interface.code,
            code: error instanceof AppError ? error.code : 'internal',
          },
        });
        throw error;
      }
      const { shape, after, changeNo, nextAfter } = prepared;
      const masks = masksOf(caller, shape);
      const masked = fields.filter((f) => masks[f]);
      // Logical values stored as 1/0 go out as true/false.
      const logical = new Set(shape.items.filter((i) => i.type === 'L').map((i) => i.identifier));
      const value = (f: string, v: unknown) => {
        const plain = logical.has(f) && typeof v === 'number' ? v === 1 : v;
        const rule = masks[f];
        return rule ? maskValue(plain, rule) : plain;
      };
      const batchId = uuidv7();
      const count = { rows: 0 };
      const hash = createHash('sm3');
      const format = options.format;
      const since = options.since;
      const lines = async function* (): AsyncGenerator<string> {
        let complete = false;
        try {
          if (format === 'csv') {
            const head = `${fields.map(csvCell).join(',')}\r\n`;
            hash.update(head);
            yield head;
          }
          for await (const page of batchRows(caller, { after, since, limit: options.limit })) {
            let text = '';
            for (const row of page) {
              if (format === 'csv') {
                let line = '';
                for (let i = 0; i < fields.length; i++) {
                  const f = fields[i]!;
                  line += i === 0 ? csvCell(value(f, row[f])) : `,${csvCell(value(f, row[f]))}`;
                }
                text += `${line}\r\n`;
              } else {
                const record: Record<string, unknown> = {};
                for (const f of fields) record[f] = value(f, row[f]) ?? null;
                text += `${JSON.stringify(record)}\n`;
              }
            }
            count.rows += page.length;
            hash.update(text);
            yield text;
          }
          complete = nextAfter === null;
        } finally {
          if (purpose === 'copy') caller.rows += count.rows;
          await auditCall(caller, meta, {
            action: 'exchange.batch',
            result: 'success',
            fields,
            // A manifest returns counts and a checksum, not records.
            records: purpose === 'copy' ? count.rows : 0,
            detail: {
              interface: caller.interface.code,
              ...(purpose === 'copy' ? { batchId } : { manifest: true, rows: count.rows }),
              format,
              after: options.after ?? null,
              since: since ?? null,
              limit: options.limit ?? null,
              changeNo,
              complete,
              ...(masked.length > 0 ? { masked } : {}),
            },
          });
          if (purpose === 'copy') {
            const delivery: BatchDelivery = {
              batchId,
              grantId: caller.grant.id,
              resourceId: caller.grant.resource_id,
              consumerUnitId: caller.consumerUnitId,
              mode: since === undefined ? 'full' : 'changes',
              format,
              rows: count.rows,
              checksum: hash.copy().digest('hex'),
              fromChange: since ?? null,
              toChange: changeNo,
              complete,
            };
            for (const listener of batchListeners) {
              try {
                listener(delivery);
              } catch {
                // A listener's failure must not break the consumer's copy.
              }
            }
          }
        }
      };
      return {
        batchId,
        changeNo,
        nextAfter,
        masked,
        fields,
        lines: lines(),
        count,
        /** The SM3 of what was streamed so far (for the manifest, after draining `lines`). */
        checksum: () => hash.copy().digest('hex'),
      };
    },

    /** The change number a consumer passes as `since` next time: the newest change so far. */
    async currentChange(resourceId: string): Promise<number> {
      const row = await db
        .selectFrom('data_changes')
        .select((eb) => eb.fn.max('no').as('no'))
        .where('resource_id', '=', resourceId)
        .executeTakeFirst();
      return Number(row?.no ?? 0);
    },

    // ---- usage statistics ----

    /**
     * Usage per resource, grant or consumer unit over a date range, with daily totals. A
     * provider sees calls on its resources, a consumer its own calls, the platform's
     * supervisors everything within their division.
     */
    async usage(
      input: {
        by: 'resource' | 'grant' | 'unit';
        from?: string | undefined;
        to?: string | undefined;
        resourceId?: string | undefined;
        grantId?: string | undefined;
      },
      user: SessionUser,
    ) {
      // The last 30 days (Asia/Shanghai) unless a range is given.
      const to = input.to ?? shanghaiDay(now());
      const from =
        input.from ??
        shanghaiDay(new Date(new Date(`${to}T00:00:00+08:00`).getTime() - 29 * 86_400_000));
      if (from > to) {
        throw new AppError('invalid', 'exchange.bad_range', '起始日期不能晚于截止日期', {
          errors: [{ path: 'from', message: '起始日期不能晚于截止日期' }],
        });
      }
      const query = { ...input, from, to };
      await meter.flush();
      const platform =
        user.permissions.includes('sharing.supervise') ||
        user.permissions.includes('sharing.precheck');
      const prefix = `${divisionPrefix(user.unitDivisionCode)}%`;
      let base = db
        .selectFrom('exchange_usage as u')
        .innerJoin('units as p', 'p.id', 'u.provider_unit_id')
        .innerJoin('units as c', 'c.id', 'u.consumer_unit_id')
        .where('u.day', '>=', query.from)
        .where('u.day', '<=', query.to);
      base = platform
        ? base.where((eb) =>
            eb.or([eb('p.division_code', 'like', prefix), eb('c.division_code', 'like', prefix)]),
          )
        : base.where((eb) =>
            eb.or([
              eb('u.provider_unit_id', '=', user.unitId),
              eb('u.consumer_unit_id', '=', user.unitId),
            ]),
          );
      if (query.resourceId) base = base.where('u.resource_id', '=', query.resourceId);
      if (query.grantId) base = base.where('u.grant_id', '=', query.grantId);
      const sums = [
        sql<number>`sum(u.calls)`.as('calls'),
        sql<number>`sum(u.rows)`.as('rows'),
        sql<number>`sum(u.errors)`.as('errors'),
        sql<number>`sum(u.limited)`.as('limited'),
        sql<number>`sum(u.latency_ms_total)`.as('latency'),
        ...usageBucketColumns.map((b) => sql<number>`sum(${sql.ref(`u.${b}`)})`.as(b)),
      ];
      const keyColumn =
        query.by === 'resource'
          ? 'u.resource_id'
          : query.by === 'grant'
            ? 'u.grant_id'
            : 'u.consumer_unit_id';
      const grouped = (await base
        .select([sql<string>`${sql.ref(keyColumn)}`.as('key'), ...sums])
        .groupBy(keyColumn)
        .execute()) as unknown as Record<string, unknown>[];
      const daily = (await base
        .select(['u.day', ...sums])
        .groupBy('u.day')
        .orderBy('u.day')
        .execute()) as unknown as Record<string, unknown>[];
      const figures = (r: Record<string, unknown>) => {
        const calls = Number(r.calls ?? 0);
        const bucketCounts = usageBucketColumns.map((b) => Number(r[b] ?? 0));
        return {
          calls,
          rows: Number(r.rows ?? 0),
          errors: Number(r.errors ?? 0),
          limited: Number(r.limited ?? 0),
          latencyAvgMs: calls > 0 ? Math.round((Number(r.latency ?? 0) / calls) * 10) / 10 : null,
          latencyP95Ms: p95FromBuckets(bucketCounts),
        };
      };
      const keys = grouped.map((r) => String(r.key));
      const labels = new Map<string, string>();
      if (keys.length > 0) {
        if (query.by === 'resource') {
          const rows = await db
            .selectFrom('catalog_resources')
            .select(['id', 'code', 'name'])
            .where('id', 'in', keys)
            .execute();
          for (const r of rows) labels.set(r.id, `${r.name}（${r.code}）`);
        } else if (query.by === 'grant') {
          const rows = await db
            .selectFrom('sharing_grants as g')
            .innerJoin('sharing_requests as q', 'q.id', 'g.request_id')
            .innerJoin('units as c', 'c.id', 'g.consumer_unit_id')
            .innerJoin('catalog_resources as r', 'r.id', 'g.resource_id')
            .select(['g.id', 'q.number', 'c.name as consumer', 'r.name as resource'])
            .where('g.id', 'in', keys)
            .execute();
          for (const r of rows) labels.set(r.id, `${r.number} ${r.consumer} · ${r.resource}`);
        } else {
          const rows = await db
            .selectFrom('units')
            .select(['id', 'name'])
            .where('id', 'in', keys)
            .execute();
          for (const r of rows) labels.set(r.id, r.name);
        }
      }
      const items = grouped
        .map((r) => ({
          key: String(r.key),
          label: labels.get(String(r.key)) ?? String(r.key),
          ...figures(r),
        }))
        .sort((a, b) => b.calls - a.calls || a.label.localeCompare(b.label));
      const totalRow: Record<string, unknown> = {};
      for (const r of grouped) {
        for (const [k, v] of Object.entries(r)) {
          if (k !== 'key') totalRow[k] = Number(totalRow[k] ?? 0) + Number(v ?? 0);
        }
      }
      return {
        by: query.by,
        from: query.from,
        to: query.to,
        totals: figures(totalRow),
        items,
        daily: daily.map((r) => ({ day: String(r.day), ...figures(r) })),
      };
    },

    /** Writes the usage counters now (also done every few seconds in the background). */
    flushUsage: () => meter.flush(),

    /** The server is stopping: write what is counted. */
    close: () => meter.close(),
  };
  return service;
}

/** A CSV cell; text a spreadsheet would run as a formula is kept as text. */
function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  let text = typeof value === 'string' ? value : JSON.stringify(value);
  if (typeof value === 'string' && formulaStart.has(text.charCodeAt(0))) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** = + - @ tab CR: a cell starting with one is prefixed with ' so spreadsheets show it as text. */
const formulaStart = new Set([0x3d, 0x2b, 0x2d, 0x40, 0x09, 0x0d]);

/** A claimed value against the stored one, compared as the item's type normalises them. */
function sameValue(
  item: DataItem | undefined,
  stored: unknown,
  claimed: string | number | boolean | null | undefined,
): boolean {
  if (stored === null || stored === undefined) return claimed === null || claimed === '';
  if (claimed === null || claimed === undefined) return false;
  if (typeof stored === 'number') return Number(claimed) === stored;
  if (typeof stored === 'boolean') return String(claimed) === String(stored);
  const a = (typeof stored === 'string' ? stored : JSON.stringify(stored)).trim();
  const b = String(claimed).trim();
  if (item && ['N', 'Y', 'B', 'F', 'I'].includes(item.type) && a !== '' && b !== '')
    return Number(a) === Number(b);
  return item?.rule?.kind === 'citizen_id' || item?.rule?.kind === 'credit_code'
    ? a.toUpperCase() === b.toUpperCase()
    : a === b;
}

export type ExchangeService = ReturnType<typeof createExchangeService>;
