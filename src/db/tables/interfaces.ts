/** Table types of migration 0010_exchange_interfaces (see ../schema.ts for the column conventions). */

/** 接口类别: 1 查询类, 2 核验类, 3 数据传输类, 4 下载类, 9 其他. */
export type InterfaceClass = 1 | 2 | 3 | 4 | 9;

/**
 * One registered exchange interface (接口). The code never changes and is never given to
 * another interface: `S-301002-000001-2-001` = builder (P provider-built, S platform-built) +
 * the resource code + the class + a sequence within that resource and class.
 */
export interface ExchangeInterfaceTable {
  code: string;
  resource_id: string;
  class: InterfaceClass;
  builder: 'provider' | 'platform';
  /** The unit that built it: the provider, or the platform's unit; null when registered automatically. */
  builder_unit_id: string | null;
  sequence: number;
  /** The provision mode (提供方式) it serves; null for an interface described but not served here. */
  mode: string | null;
  name: string;
  method: string | null;
  path: string | null;
  /** JSON array of parameters: { name, in, type, required, description }. */
  parameters: string;
  /** JSON object: { request, response } bodies of an example call. */
  example: string;
  description: string;
  status: 'active' | 'retired';
  /** 1 when registered by publishing the entry, 0 when registered by the platform manager. */
  automatic: number;
  registered_by: string | null;
  created_at: string;
  updated_at: string;
  retired_at: string | null;
}

/**
 * Exchange usage per Shanghai calendar day, grant and interface (使用统计), written in the
 * background from counters each app instance keeps in memory; the daily quota reads it.
 */
export interface ExchangeUsageTable {
  /** Asia/Shanghai date, YYYY-MM-DD. */
  day: string;
  grant_id: string;
  interface_code: string;
  resource_id: string;
  consumer_unit_id: string;
  provider_unit_id: string;
  mode: string;
  /** Calls admitted (signed, grant active, within the limits). */
  calls: number;
  /** Records returned. */
  rows: number;
  /** Admitted calls answered with an error. */
  errors: number;
  /** Calls refused by the rate limit or the daily quota. */
  limited: number;
  latency_ms_total: number;
  /** Admitted calls by answer time: ≤5, ≤10, ≤25, ≤50, ≤100, ≤250, ≤1000 ms and slower. */
  latency_le_5: number;
  latency_le_10: number;
  latency_le_25: number;
  latency_le_50: number;
  latency_le_100: number;
  latency_le_250: number;
  latency_le_1000: number;
  latency_gt_1000: number;
  updated_at: string;
}

export interface ExchangeInterfaceTables {
  exchange_interfaces: ExchangeInterfaceTable;
  exchange_usage: ExchangeUsageTable;
}
