/**
 * The exchange interface registry (接口登记), after the provincial interface coding rules:
 * every interface has a class (接口类别) and a code that says who built it, for which
 * resource, of which class, and its sequence:
 *
 *   S-301002-000001-2-001
 *   │ └─ resource ─┘ │ └ sequence within the resource and class (001–999, never reused)
 *   │                └ class: 1 查询类, 2 核验类, 3 数据传输类, 4 下载类, 9 其他
 *   └ builder: P 提供方自建 (provider-built), S 平台建设 (built by the sharing platform)
 *
 * Publishing a structured entry registers one platform-built interface per provision mode
 * (verify → 2, query → 1, batch → 3, file → 4, subscribe → 9) in the same transaction; a
 * later version refreshes their parameters, retires those whose mode it dropped and registers
 * the new ones. The platform manager may register more (e.g. a provider-built service).
 * Interfaces are never deleted: a retired code stays retired and its sequence is not reused.
 */
import type { InterfaceClass, ExchangeInterfaceTable } from '../../db/tables/interfaces.ts';
import type { Tx } from '../../db/transaction.ts';
import { makeCitizenId } from '../../lib/ids/citizen-id.ts';
import { makeCreditCode } from '../../lib/ids/credit-code.ts';
import { AppError } from '../../server/errors.ts';
import type { AppContext } from '../../server/context.ts';
import type { AuditContext, AuditService } from '../audit/service.ts';
import { provisionModes, type DataItem, type ProvisionMode } from '../catalog/elements.ts';
import { parseResourceCode } from '../catalog/resource-code.ts';
import { defaultMaskRule, maskValue } from './masking.ts';
import { signatureHeaders } from './signing.ts';

export const interfaceClasses: Record<InterfaceClass, string> = {
  1: '查询类',
  2: '核验类',
  3: '数据传输类',
  4: '下载类',
  9: '其他',
};
export const interfaceClassCodes = [1, 2, 3, 4, 9] as const;

export const builders = {
  provider: { letter: 'P', label: '提供方自建' },
  platform: { letter: 'S', label: '平台建设' },
} as const;
export type Builder = keyof typeof builders;

/** The class of the interface that serves each provision mode. */
export const classOfMode: Record<ProvisionMode, InterfaceClass> = {
  query: 1,
  verify: 2,
  batch: 3,
  file: 4,
  subscribe: 9,
};

/** Where the platform serves each mode; subscriptions are pushed to the consumer instead. */
export const routeOfMode: Record<ProvisionMode, { method: string; path: string } | null> = {
  verify: { method: 'POST', path: '/api/v1/exchange/verify' },
  query: { method: 'POST', path: '/api/v1/exchange/query' },
  batch: { method: 'GET', path: '/api/v1/exchange/batch' },
  file: { method: 'GET', path: '/api/v1/exchange/batch' },
  subscribe: null,
};

export const interfaceCodePattern = /^([PS])-(\d{6}|\d{9})-(\d{6})-([12349])-(\d{3})$/;

/**
 * @example formatInterfaceCode('platform', '301002/000001', 2, 1) // 'S-301002-000001-2-001'
 */
export function formatInterfaceCode(
  builder: Builder,
  resourceCode: string,
  cls: InterfaceClass,
  sequence: number,
): string {
  const parts = parseResourceCode(resourceCode);
  if (!parts) throw new RangeError(`not a resource code: ${resourceCode}`);
  if (!Number.isInteger(sequence) || sequence < 1 || sequence > 999)
    throw new RangeError('sequence must be 1–999');
  const seq = String(parts.sequence).padStart(6, '0');
  return `${builders[builder].letter}-${parts.classificationCode}-${seq}-${cls}-${String(sequence).padStart(3, '0')}`;
}

/** The parts of an interface code, or null when it is not one. */
export function parseInterfaceCode(code: string): {
  builder: Builder;
  resourceCode: string;
  cls: InterfaceClass;
  sequence: number;
} | null {
  const m = interfaceCodePattern.exec(code);
  if (!m) return null;
  return {
    builder: m[1] === 'P' ? 'provider' : 'platform',
    resourceCode: `${m[2]}/${m[3]}`,
    cls: Number(m[4]) as InterfaceClass,
    sequence: Number(m[5]),
  };
}

export interface InterfaceParameter {
  name: string;
  in: 'query' | 'body';
  type: string;
  required: boolean;
  description: string;
}

const typeNames: Record<string, string> = {
  C: 'string',
  M: 'string',
  G: 'string',
  D: 'string (YYYY-MM-DD)',
  T: 'string (ISO 8601)',
  L: 'boolean',
  N: 'number',
  Y: 'number',
  B: 'number',
  F: 'number',
  I: 'integer',
};

/** A plausible value of an item for examples (valid identifiers where a rule asks for one). */
export function sampleValue(item: DataItem): string | number | boolean {
  const kind = item.rule?.kind;
  if (kind === 'citizen_id') return makeCitizenId('130102', '19520301', 211);
  if (kind === 'credit_code') {
    return makeCreditCode({ authority: '1', orgType: '1', division: '130000', body8: '00000001' });
  }
  if (kind === 'division_code') return '130102';
  if (kind === 'phone') return '13800138000';
  if (kind === 'enum') return item.rule?.values?.[0] ?? '示例';
  const byType: Partial<Record<DataItem['type'], string | number | boolean>> = {
    N: 100.5,
    Y: 100.5,
    B: 100.5,
    F: 100.5,
    I: 1,
    L: true,
    D: '2024-01-01',
    T: '2024-01-01T08:00:00+08:00',
  };
  const typed = byType[item.type];
  if (typed !== undefined) return typed;
  return /(^|_)name$/.test(item.identifier) || /姓名/.test(item.name) ? '张三' : '示例';
}

function keyExample(keyItems: DataItem[]): unknown {
  if (keyItems.length === 1) return sampleValue(keyItems[0]!);
  return Object.fromEntries(keyItems.map((i) => [i.identifier, sampleValue(i)]));
}

const keyParameter = (keyItems: DataItem[]): InterfaceParameter => ({
  name: 'key',
  in: 'body',
  type: keyItems.length === 1 ? (typeNames[keyItems[0]!.type] ?? 'string') : 'object',
  required: true,
  description:
    keyItems.length === 1
      ? `主键：${keyItems[0]!.name}（${keyItems[0]!.identifier}）`
      : `主键，按英文标识给出：${keyItems.map((i) => `${i.name}（${i.identifier}）`).join('、')}`,
});

/** What the interface of a mode takes, from the entry's data items. */
export function parametersFor(mode: ProvisionMode, items: DataItem[]): InterfaceParameter[] {
  const keyItems = items.filter((i) => i.isKey);
  switch (mode) {
    case 'verify':
      return [
        keyParameter(keyItems),
        {
          name: 'claims',
          in: 'body',
          type: 'object',
          required: true,
          description: `待比对的值：信息项英文标识 → 值，只能是授权的信息项（${items
            .filter((i) => !i.isKey)
            .map((i) => `${i.identifier} ${typeNames[i.type] ?? 'string'}`)
            .join('，')}）`,
        },
        {
          name: 'items',
          in: 'body',
          type: 'array',
          required: false,
          description: '一次比对多条时代替 key 与 claims：[{ key, claims }, …]，最多 100 条',
        },
      ];
    case 'query':
      return [
        keyParameter(keyItems),
        {
          name: 'keys',
          in: 'body',
          type: 'array',
          required: false,
          description: '一次查询多条时代替 key：主键数组，最多 100 个',
        },
        {
          name: 'fields',
          in: 'body',
          type: 'string[]',
          required: false,
          description: '要返回的信息项（英文标识），缺省为授权的全部信息项',
        },
      ];
    case 'batch':
    case 'file':
      return [
        {
          name: 'format',
          in: 'query',
          type: 'csv | ndjson',
          required: false,
          description: mode === 'file' ? '文件格式，缺省 csv' : '输出格式，缺省 csv',
        },
        {
          name: 'since',
          in: 'query',
          type: 'integer',
          required: false,
          description: '只取该变更号之后变更的行（变更号见上次响应头 x-mzhub-change-no）',
        },
        {
          name: 'after',
          in: 'query',
          type: 'string',
          required: false,
          description: '断点续传：从该主键之后开始（上次收到的最后一个主键）',
        },
        {
          name: 'limit',
          in: 'query',
          type: 'integer',
          required: false,
          description: '本次最多返回的行数（1–100000），缺省为全部',
        },
      ];
    case 'subscribe':
      return [];
  }
}

/** An example call of a mode: the request (body, or query string for GET) and the answer. */
export function exampleFor(
  mode: ProvisionMode,
  items: DataItem[],
): { request: string | null; response: string } {
  const keyItems = items.filter((i) => i.isKey);
  const others = items.filter((i) => !i.isKey);
  const shown = (i: DataItem) => {
    const v = sampleValue(i);
    return i.sensitive ? maskValue(v, defaultMaskRule(i)) : v;
  };
  switch (mode) {
    case 'verify': {
      const claimed = others.slice(0, 2);
      return {
        request: JSON.stringify({
          key: keyExample(keyItems),
          claims: Object.fromEntries(claimed.map((i) => [i.identifier, sampleValue(i)])),
        }),
        response: JSON.stringify({
          found: true,
          results: Object.fromEntries(
            claimed.map((i, n) => [i.identifier, n === 0 ? 'match' : 'no_match']),
          ),
        }),
      };
    }
    case 'query':
      return {
        request: JSON.stringify({ key: keyExample(keyItems) }),
        response: JSON.stringify({
          found: true,
          record: Object.fromEntries(items.map((i) => [i.identifier, shown(i)])),
          masked: items.filter((i) => i.sensitive).map((i) => i.identifier),
        }),
      };
    case 'batch':
    case 'file':
      return {
        request: '?format=csv',
        response: `${items.map((i) => i.identifier).join(',')}\r\n${items.map((i) => String(shown(i))).join(',')}\r\n`,
      };
    case 'subscribe':
      return {
        request: null,
        response: '资源数据变更后，平台向订阅方登记的回调地址推送变更通知（见订阅说明）。',
      };
  }
}

/** A copy-paste shell example of a call: curl, with the signature made by OpenSSL 3. */
export function curlExample(iface: {
  code: string;
  method: string | null;
  path: string | null;
  request: string | null;
}): string | null {
  if (!iface.method || !iface.path) return null;
  const isGet = iface.method === 'GET';
  const path = isGet ? `${iface.path}${iface.request ?? ''}` : iface.path;
  const body = isGet ? '' : (iface.request ?? '{}');
  return [
    `CRED=mzc_…                      # 凭证编号`,
    `SECRET='…'                      # 凭证密钥（签发时只显示一次）`,
    `HOST=http://127.0.0.1:8080`,
    `IFACE=${iface.code}`,
    `PATH_='${path}'`,
    `BODY='${body.replaceAll("'", "'\\''")}'`,
    `TS=$(($(date +%s%N) / 1000000))`,
    `NONCE=$(openssl rand -hex 12)`,
    `BODY_SM3=$(printf '%s' "$BODY" | openssl dgst -sm3 -r | cut -d' ' -f1)`,
    `SIG=$(printf '${iface.method}\\n%s\\n%s\\n%s\\n%s\\n%s' "$PATH_" "$IFACE" "$TS" "$NONCE" "$BODY_SM3" \\`,
    `  | openssl dgst -sm3 -hmac "$SECRET" -r | cut -d' ' -f1)`,
    `curl -sS ${isGet ? '' : '-X POST '}"$HOST$PATH_" ${isGet ? '' : "-H 'content-type: application/json' "}\\`,
    `  -H "${signatureHeaders.credential}: $CRED" -H "${signatureHeaders.interface}: $IFACE" \\`,
    `  -H "${signatureHeaders.timestamp}: $TS" -H "${signatureHeaders.nonce}: $NONCE" \\`,
    `  -H "${signatureHeaders.signature}: $SIG"${isGet ? '' : ' --data-binary "$BODY"'}`,
  ].join('\n');
}

/** What the hot path needs to know about an interface. */
export interface InterfaceRef {
  code: string;
  resourceId: string;
  mode: string | null;
  cls: InterfaceClass;
  status: 'active' | 'retired';
}

/** How long a looked-up interface is trusted (a retired one is refused at most this late). */
const interfaceTtlMs = 10_000;

export function createInterfaceRegistry(ctx: AppContext, deps: { audit: AuditService }) {
  const { db } = ctx;
  const cache = new Map<string, { ref: InterfaceRef | null; at: number }>();
  const now = () => ctx.clock.now();

  async function nextSequence(tx: Tx, resourceId: string, cls: InterfaceClass): Promise<number> {
    const row = await tx
      .selectFrom('exchange_interfaces')
      .select((eb) => eb.fn.max('sequence').as('max'))
      .where('resource_id', '=', resourceId)
      .where('class', '=', cls)
      .executeTakeFirst();
    const next = Number(row?.max ?? 0) + 1;
    if (next > 999) {
      throw new AppError(
        'conflict',
        'exchange.interface_sequence_exhausted',
        '该资源此类接口的顺序号已用完（001–999），不能再登记',
      );
    }
    return next;
  }

  async function insert(
    tx: Tx,
    values: Omit<
      ExchangeInterfaceTable,
      'code' | 'sequence' | 'created_at' | 'updated_at' | 'retired_at' | 'status'
    > & { resourceCode: string },
    by: AuditContext,
  ): Promise<string> {
    const { resourceCode, ...row } = values;
    const sequence = await nextSequence(tx, row.resource_id, row.class);
    const code = formatInterfaceCode(row.builder, resourceCode, row.class, sequence);
    const at = now().toISOString();
    await tx
      .insertInto('exchange_interfaces')
      .values({
        ...row,
        code,
        sequence,
        status: 'active',
        created_at: at,
        updated_at: at,
        retired_at: null,
      })
      .execute();
    await deps.audit.appendBy(tx, by, {
      action: 'exchange.interface_register',
      result: 'success',
      target: { type: 'exchange_interface', id: code, unitId: values.builder_unit_id },
      detail: { resourceId: values.resource_id, class: values.class, mode: values.mode },
    });
    cache.delete(code);
    return code;
  }

  async function retireIn(tx: Tx, code: string, by: AuditContext, reason: string) {
    const at = now().toISOString();
    await tx
      .updateTable('exchange_interfaces')
      .set({ status: 'retired', retired_at: at, updated_at: at })
      .where('code', '=', code)
      .where('status', '=', 'active')
      .execute();
    await deps.audit.appendBy(tx, by, {
      action: 'exchange.interface_retire',
      result: 'success',
      target: { type: 'exchange_interface', id: code, unitId: null },
      detail: { reason },
    });
    cache.delete(code);
  }

  return {
    /**
     * Brings a published entry's interfaces in line with its provision modes, inside the
     * publishing transaction (idempotent: publishing the same content again changes nothing).
     */
    async syncPublished(
      tx: Tx,
      entry: {
        id: string;
        code: string;
        content: { kind: string; provisionModes: ProvisionMode[]; dataItems: DataItem[] };
      },
      by: AuditContext,
    ): Promise<void> {
      const existing = await tx
        .selectFrom('exchange_interfaces')
        .selectAll()
        .where('resource_id', '=', entry.id)
        .where('status', '=', 'active')
        .execute();
      const modes = entry.content.kind === 'table' ? entry.content.provisionModes : [];
      const at = now().toISOString();
      for (const iface of existing) {
        if (iface.mode === null) continue; // described only, not served here
        if (!modes.includes(iface.mode as ProvisionMode)) {
          await retireIn(tx, iface.code, by, '目录新版本不再提供该方式');
          continue;
        }
        const mode = iface.mode as ProvisionMode;
        const parameters = JSON.stringify(parametersFor(mode, entry.content.dataItems));
        const example = JSON.stringify(exampleFor(mode, entry.content.dataItems));
        if (parameters !== iface.parameters || example !== iface.example) {
          await tx
            .updateTable('exchange_interfaces')
            .set({ parameters, example, updated_at: at })
            .where('code', '=', iface.code)
            .execute();
        }
      }
      for (const mode of modes) {
        if (existing.some((i) => i.mode === mode)) continue;
        const route = routeOfMode[mode];
        await insert(
          tx,
          {
            resource_id: entry.id,
            resourceCode: entry.code,
            class: classOfMode[mode],
            builder: 'platform',
            builder_unit_id: null,
            mode,
            name: provisionModes.labels[mode],
            method: route?.method ?? null,
            path: route?.path ?? null,
            parameters: JSON.stringify(parametersFor(mode, entry.content.dataItems)),
            example: JSON.stringify(exampleFor(mode, entry.content.dataItems)),
            description: '',
            automatic: 1,
            registered_by: null,
          },
          by,
        );
      }
    },

    /** Registers an interface by hand (the platform manager). */
    async register(
      tx: Tx,
      entry: {
        id: string;
        code: string;
        providerUnitId: string;
        content: { kind: string; provisionModes: ProvisionMode[]; dataItems: DataItem[] };
      },
      input: {
        builder: Builder;
        cls: InterfaceClass | undefined;
        mode: ProvisionMode | undefined;
        name: string;
        description: string;
        method: string | undefined;
        path: string | undefined;
      },
      user: { id: string; unitId: string },
      by: AuditContext,
    ): Promise<string> {
      let cls = input.cls;
      if (input.mode) {
        if (!entry.content.provisionModes.includes(input.mode)) {
          throw new AppError(
            'invalid',
            'exchange.mode_not_offered',
            `该资源的提供方式不包含“${provisionModes.labels[input.mode]}”`,
          );
        }
        if (cls !== undefined && cls !== classOfMode[input.mode]) {
          throw new AppError(
            'invalid',
            'exchange.class_mismatch',
            `“${provisionModes.labels[input.mode]}”接口的类别应为 ${classOfMode[input.mode]}（${interfaceClasses[classOfMode[input.mode]]}）`,
          );
        }
        cls = classOfMode[input.mode];
      }
      if (cls === undefined) {
        throw new AppError('invalid', 'exchange.class_required', '请选择接口类别或提供方式', {
          errors: [{ path: 'class', message: '请选择接口类别' }],
        });
      }
      const route = input.mode ? routeOfMode[input.mode] : null;
      return insert(
        tx,
        {
          resource_id: entry.id,
          resourceCode: entry.code,
          class: cls,
          builder: input.builder,
          builder_unit_id: input.builder === 'provider' ? entry.providerUnitId : user.unitId,
          mode: input.mode ?? null,
          name: input.name,
          method: route?.method ?? input.method ?? null,
          path: route?.path ?? input.path ?? null,
          parameters: JSON.stringify(
            input.mode ? parametersFor(input.mode, entry.content.dataItems) : [],
          ),
          example: JSON.stringify(
            input.mode
              ? exampleFor(input.mode, entry.content.dataItems)
              : { request: null, response: '' },
          ),
          description: input.description,
          automatic: 0,
          registered_by: user.id,
        },
        by,
      );
    },

    retire: retireIn,

    /** An interface by code, from a short-lived cache: one query per code every few seconds. */
    async lookup(code: string): Promise<InterfaceRef | null> {
      const at = now().getTime();
      const hit = cache.get(code);
      if (hit && at - hit.at < interfaceTtlMs) return hit.ref;
      const row = await db
        .selectFrom('exchange_interfaces')
        .select(['code', 'resource_id', 'mode', 'class', 'status'])
        .where('code', '=', code)
        .executeTakeFirst();
      const ref: InterfaceRef | null = row
        ? {
            code: row.code,
            resourceId: row.resource_id,
            mode: row.mode,
            cls: Number(row.class) as InterfaceClass,
            status: row.status,
          }
        : null;
      if (cache.size > 10_000) cache.clear();
      cache.set(code, { ref, at });
      return ref;
    },

    async rows(resourceId: string) {
      return db
        .selectFrom('exchange_interfaces as i')
        .leftJoin('units as u', 'u.id', 'i.builder_unit_id')
        .selectAll('i')
        .select('u.name as builder_unit_name')
        .where('i.resource_id', '=', resourceId)
        .orderBy('i.class')
        .orderBy('i.sequence')
        .execute();
    },

    async row(code: string) {
      return db
        .selectFrom('exchange_interfaces')
        .selectAll()
        .where('code', '=', code)
        .executeTakeFirst();
    },
  };
}

export type InterfaceRegistry = ReturnType<typeof createInterfaceRegistry>;
