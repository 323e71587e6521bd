// The exchange layer's console API: the interfaces of a catalog entry (接口) and the usage
// statistics (使用统计). Shapes follow src/modules/exchange/routes.ts.
import { api } from '../../api/client';
import type { MaskRule } from '../../api/types';

export interface InterfaceParameter {
  name: string;
  in: 'query' | 'body';
  type: string;
  required: boolean;
  description: string;
}

export interface ExchangeInterface {
  code: string;
  resourceId: string;
  resourceCode: string;
  class: 1 | 2 | 3 | 4 | 9;
  classLabel: string;
  builder: 'provider' | 'platform';
  builderLabel: string;
  builderUnitName: string | null;
  sequence: number;
  mode: string | null;
  modeLabel: string | null;
  name: string;
  method: string | null;
  path: string | null;
  parameters: InterfaceParameter[];
  example: { request: string | null; response: string; curl: string | null };
  description: string;
  status: 'active' | 'retired';
  automatic: boolean;
  createdAt: string;
  retiredAt: string | null;
}

export interface UsageFigures {
  calls: number;
  rows: number;
  errors: number;
  limited: number;
  latencyAvgMs: number | null;
  latencyP95Ms: number | null;
}

export type UsageBy = 'resource' | 'grant' | 'unit';

export interface UsageReport {
  by: UsageBy;
  from: string;
  to: string;
  totals: UsageFigures;
  items: (UsageFigures & { key: string; label: string })[];
  daily: (UsageFigures & { day: string })[];
}

export const exchangeApi = {
  interfaces: (entryId: string) =>
    api.get<{ items: ExchangeInterface[] }>(
      `/api/v1/catalog/entries/${encodeURIComponent(entryId)}/interfaces`,
    ),
  usage: (query: { by: UsageBy; from?: string; to?: string }) =>
    api.get<UsageReport>('/api/v1/exchange/usage', query),
};

/** What each masking rule shows (docs/exchange.md). */
export const maskRuleLabels: Record<MaskRule, string> = {
  id_6_4: '保留前 6 位和后 4 位',
  name_first: '只显示第一个字',
  phone_3_4: '保留前 3 位和后 4 位',
  keep_last_4: '只显示后 4 位',
  full: '完全隐藏',
};
