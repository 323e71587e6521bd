/**
 * The exchange layer's verify (比对验证, EXC-01) and query (查询引用, EXC-02) calls, and the
 * credentials machine clients sign them with (EXC-05).
 *
 * Every call is checked in this order — signature, credential, grant (active, not expired
 * or revoked, mode and fields allowed), rate limit — and audited through the group-commit
 * path with the grant, its purpose, the fields and the number of records returned; a call
 * is answered only after its audit entry is committed.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { withTransaction } from '../../db/transaction.ts';
import { AppError } from '../../server/errors.ts';
import type { AppContext } from '../../server/context.ts';
import type { AuditContext, AuditService } from '../audit/service.ts';
import type { DataItem } from '../catalog/elements.ts';
import type { CatalogService } from '../catalog/service.ts';
import type { DataService } from '../data/service.ts';
import { compileRowValidator } from '../data/row-validator.ts';
import type { SessionUser } from '../iam/auth.ts';
import type { SharingService } from '../sharing/service.ts';
import { maxClockSkewMs, signatureHeaders, signatureMatches, stringToSign } from './signing.ts';

export interface ExchangeCaller {
  credentialId: string;
  consumerUnitId: string;
  consumerUnitName: string;
  grant: NonNullable<Awaited<ReturnType<SharingService['activeGrant']>>>;
}

interface ResourceShape {
  items: DataItem[];
  keyItems: DataItem[];
  normaliseKey: (
    values: (string | undefined)[],
  ) => { ok: true; key: string } | { ok: false; reason: string };
  at: number;
}

/** How long a resource's data items are cached (a new catalog version is seen after this). */
const shapeTtlMs = 10_000;

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
  /** Token buckets per grant: calls per second, enforced in memory per instance. */
  const buckets = new Map<string, { tokens: number; at: number }>();
  const ratePerSecond = ctx.config.exchangeRatePerSecond;

  function openSecret(sealed: string): string {
    let secret = secrets.get(sealed);
    if (!secret) {
      secret = ctx.config.masterKey.open(sealed);
      secrets.set(sealed, secret);
    }
    return secret;
  }

  function rememberNonce(nonce: string, at: number): boolean {
    if (nonces.size > 100_000) {
      for (const [n, until] of nonces) if (until < at) nonces.delete(n);
    }
    const until = nonces.get(nonce);
    if (until !== undefined && until >= at) return false;
    nonces.set(nonce, at + 2 * maxClockSkewMs);
    return true;
  }

  function takeToken(grantId: string, at: number) {
    const bucket = buckets.get(grantId) ?? { tokens: ratePerSecond, at };
    bucket.tokens = Math.min(
      ratePerSecond,
      bucket.tokens + ((at - bucket.at) / 1000) * ratePerSecond,
    );
    bucket.at = at;
    buckets.set(grantId, bucket);
    if (bucket.tokens < 1) {
      const wait = Math.ceil((1 - bucket.tokens) / ratePerSecond);
      throw new AppError(
        'rate_limited',
        'exchange.rate_limited',
        `调用过于频繁：每项授权每秒最多 ${ratePerSecond} 次`,
        {
          headers: { 'retry-after': String(Math.max(1, wait)) },
        },
      );
    }
    bucket.tokens -= 1;
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
      if (typeof key === 'string' && shape.keyItems.length === 1) return key;
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

  function auditCall(
    caller: ExchangeCaller,
    meta: { clientIp: string; requestId: string },
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
      clientIp: meta.clientIp,
      requestId: meta.requestId,
      ...(input.detail ? { detail: input.detail } : {}),
    });
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

  function checkMode(caller: ExchangeCaller, mode: 'verify' | 'query') {
    if (!caller.grant.modes.includes(mode)) {
      throw new AppError(
        'forbidden',
        'exchange.mode_not_granted',
        `授权的使用方式不包含“${mode === 'verify' ? '比对验证' : '查询引用'}”`,
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

  const service = {
    /** Issues a credential for a grant of the caller's unit; the secret is shown only now. */
    async issueCredential(grantId: string, label: string, user: SessionUser, by: AuditContext) {
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
      const id = `mzc_${randomBytes(10).toString('hex')}`;
      const secret = randomBytes(32).toString('base64url');
      const at = now().toISOString();
      await withTransaction(db, async (t) => {
        await t
          .insertInto('exchange_credentials')
          .values({
            id,
            grant_id: grantId,
            consumer_unit_id: user.unitId,
            secret: ctx.config.masterKey.seal(secret),
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
          detail: { label },
        });
      });
      return {
        id,
        secret,
        label,
        grantId,
        status: 'active' as const,
        createdAt: at,
        revokedAt: null,
      };
    },

    async credentials(grantId: string, user: SessionUser) {
      const rows = await db
        .selectFrom('exchange_credentials')
        .select(['id', 'label', 'grant_id', 'status', 'created_at', 'revoked_at'])
        .where('grant_id', '=', grantId)
        .where('consumer_unit_id', '=', user.unitId)
        .orderBy('created_at', 'desc')
        .execute();
      return rows.map((r) => ({
        id: r.id,
        label: r.label,
        grantId: r.grant_id,
        status: r.status,
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
        await audit.appendBy(t, by, {
          action: 'exchange.credential_revoke',
          result: 'success',
          target: { type: 'exchange_credential', id, unitId: user.unitId },
          grantId: row.grant_id,
        });
      });
    },

    /** Checks a signed call and returns who makes it under which grant. */
    async authenticate(request: {
      method: string;
      url: string;
      headers: Record<string, string | string[] | undefined>;
      rawBody: string;
    }): Promise<ExchangeCaller> {
      const header = (name: string) => {
        const v = request.headers[name];
        return typeof v === 'string' ? v : undefined;
      };
      const credentialId = header(signatureHeaders.credential);
      const timestamp = header(signatureHeaders.timestamp);
      const nonce = header(signatureHeaders.nonce);
      const signature = header(signatureHeaders.signature);
      if (!credentialId || !timestamp || !nonce || !signature) {
        throw new AppError(
          'unauthenticated',
          'exchange.signature_missing',
          `缺少签名信息：须带 ${Object.values(signatureHeaders).join('、')} 四个请求头`,
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
      const row = await db
        .selectFrom('exchange_credentials as c')
        .innerJoin('units as u', 'u.id', 'c.consumer_unit_id')
        .select(['c.secret', 'c.status', 'c.grant_id', 'c.consumer_unit_id', 'u.name'])
        .where('c.id', '=', credentialId)
        .executeTakeFirst();
      if (!row) throw new AppError('unauthenticated', 'exchange.credential_unknown', '凭证不存在');
      const text = stringToSign({
        method: request.method,
        path: request.url,
        timestamp,
        nonce,
        body: request.rawBody,
      });
      if (!signatureMatches(openSecret(row.secret), text, signature)) {
        throw new AppError(
          'unauthenticated',
          'exchange.bad_signature',
          '签名不正确：请按接口文档用凭证密钥计算 HMAC-SM3',
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
      const grant = await sharing.activeGrant(row.grant_id);
      if (!grant) {
        throw new AppError('forbidden', 'exchange.grant_inactive', '授权已过期、已撤销或尚未交付');
      }
      if (grant.consumer_unit_id !== row.consumer_unit_id) {
        throw new AppError('forbidden', 'exchange.wrong_unit', '凭证不属于授权的使用单位');
      }
      takeToken(grant.id, at);
      return {
        credentialId,
        consumerUnitId: row.consumer_unit_id,
        consumerUnitName: row.name,
        grant,
      };
    },

    /** 比对验证: each claimed value matches or not; stored values never leave (EXC-01). */
    async verify(
      caller: ExchangeCaller,
      body: { key: unknown; claims: Record<string, string | number | boolean | null> },
      meta: { clientIp: string; requestId: string },
    ) {
      const fields = Object.keys(body.claims);
      try {
        checkMode(caller, 'verify');
        checkFields(caller, fields);
      } catch (error) {
        await auditCall(caller, meta, {
          action: 'exchange.verify',
          result: 'denied',
          fields,
          records: 0,
        });
        throw error;
      }
      const shape = await shapeOf(caller.grant.resource_id);
      const key = keyOf(shape, body.key);
      const row = await data.lookupRow(caller.grant.resource_id, key);
      const items = new Map(shape.items.map((i) => [i.identifier, i]));
      const results: Record<string, 'match' | 'no_match'> = {};
      if (row) {
        for (const field of fields) {
          results[field] = sameValue(items.get(field), row[field], body.claims[field])
            ? 'match'
            : 'no_match';
        }
      }
      await auditCall(caller, meta, {
        action: 'exchange.verify',
        result: 'success',
        fields,
        records: row ? 1 : 0,
      });
      return { found: row !== null, results };
    },

    /**
     * 批量复制 (EXC-03): the granted fields of every row — or of the rows changed after change
     * number `since` — in key order, from the key after `after` (to resume), as CSV or NDJSON
     * lines. Field values are read by the database's JSON functions, page by page, so memory
     * stays flat whatever the size.
     */
    async *batchLines(
      caller: ExchangeCaller,
      options: { format: 'csv' | 'ndjson'; after?: string | undefined; since?: number | undefined },
      count: { rows: number },
    ): AsyncGenerator<string> {
      const fields = caller.grant.fields;
      const no = await resourceNo(caller.grant.resource_id);
      // SQLite's json_extract gives logical values as 1/0; they go out as true/false.
      const shape = await shapeOf(caller.grant.resource_id);
      const logical = new Set(shape.items.filter((i) => i.type === 'L').map((i) => i.identifier));
      const value = (f: string, v: unknown) =>
        logical.has(f) && typeof v === 'number' ? v === 1 : v;
      if (options.format === 'csv') yield `${fields.map(csvCell).join(',')}\r\n`;
      let after = options.after ?? '';
      const pageSize = 5000;
      for (;;) {
        const extract = fields.map((f) =>
          ctx.engine === 'postgres'
            ? sql<unknown>`(data::jsonb)->${f}`.as(f)
            : sql<unknown>`json_extract(data, ${`$.${f}`})`.as(f),
        );
        let q = db
          .selectFrom('resource_rows')
          .select(['row_key', ...extract])
          .where('resource_no', '=', no)
          .where('row_key', '>', after);
        if (options.since !== undefined) q = q.where('change_no', '>', options.since);
        const page = (await q.orderBy('row_key').limit(pageSize).execute()) as Record<
          string,
          unknown
        >[];
        if (page.length === 0) return;
        let text = '';
        for (const row of page) {
          if (options.format === 'csv') {
            text += `${fields.map((f) => csvCell(value(f, row[f]))).join(',')}\r\n`;
          } else {
            const record: Record<string, unknown> = {};
            for (const f of fields) record[f] = value(f, row[f]) ?? null;
            text += `${JSON.stringify(record)}\n`;
          }
        }
        count.rows += page.length;
        after = page.at(-1)!.row_key as string;
        yield text;
        if (page.length < pageSize) return;
      }
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

    checkBatch(caller: ExchangeCaller) {
      if (!caller.grant.modes.includes('batch')) {
        throw new AppError(
          'forbidden',
          'exchange.mode_not_granted',
          '授权的使用方式不包含“批量复制”',
        );
      }
    },

    auditBatch(
      caller: ExchangeCaller,
      meta: { clientIp: string; requestId: string },
      rows: number,
      detail: Record<string, unknown>,
    ) {
      return auditCall(caller, meta, {
        action: 'exchange.batch',
        result: 'success',
        fields: caller.grant.fields,
        records: rows,
        detail,
      });
    },

    /** 查询引用: only the granted fields of one record (EXC-02). */
    async query(
      caller: ExchangeCaller,
      body: { key: unknown; fields?: string[] | undefined },
      meta: { clientIp: string; requestId: string },
    ) {
      const fields = body.fields ?? caller.grant.fields;
      try {
        checkMode(caller, 'query');
        checkFields(caller, fields);
      } catch (error) {
        await auditCall(caller, meta, {
          action: 'exchange.query',
          result: 'denied',
          fields,
          records: 0,
        });
        throw error;
      }
      const shape = await shapeOf(caller.grant.resource_id);
      const key = keyOf(shape, body.key);
      const row = await data.lookupRow(caller.grant.resource_id, key);
      await auditCall(caller, meta, {
        action: 'exchange.query',
        result: 'success',
        fields,
        records: row ? 1 : 0,
      });
      return {
        found: row !== null,
        record: row ? Object.fromEntries(fields.map((f) => [f, row[f] ?? null])) : null,
      };
    },
  };
  return service;
}

/** A CSV cell; text a spreadsheet would run as a formula is kept as text. */
function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = typeof value === 'string' ? value : JSON.stringify(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

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
  return item?.rule?.kind === 'citizen_id' || item?.rule?.kind === 'credit_code'
    ? a.toUpperCase() === b.toUpperCase()
    : a === b;
}

export type ExchangeService = ReturnType<typeof createExchangeService>;
