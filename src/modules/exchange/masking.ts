/**
 * Field masking (脱敏) of what query and batch calls return. A grant carries the provider's
 * decision per data item; items the catalog marks sensitive are masked by default with the
 * rule that fits them unless the provider decided otherwise ('none' shows them in clear).
 * Verification compares the real values and answers only match / no-match, so it is never
 * masked. Pure functions, no I/O: the sharing module shows the rules on a grant with them.
 */
import type { DataItem } from '../catalog/elements.ts';

/** The masking rules and what each shows. */
export const maskRules = {
  /** 身份证号: first 6 and last 4 characters, the birth date hidden (130102********2118). */
  id_6_4: '保留前 6 位和后 4 位',
  /** 姓名: the surname only (张**). */
  name_first: '只显示第一个字',
  /** 手机号: first 3 and last 4 digits (138****1234). */
  phone_3_4: '保留前 3 位和后 4 位',
  /** Account, certificate and other numbers: the last 4 characters. */
  keep_last_4: '只显示后 4 位',
  /** Hidden completely: a fixed placeholder that does not even reveal the length. */
  full: '完全隐藏',
} as const;

export type MaskRule = keyof typeof maskRules;
export const maskRuleCodes = Object.keys(maskRules) as [MaskRule, ...MaskRule[]];

/** A provider's decision for one item: a rule, or 'none' to show a sensitive item in clear. */
export type MaskDecision = MaskRule | 'none';

/** What a fully hidden value reads as. */
export const hiddenValue = '******';

const stars = (n: number) => '*'.repeat(Math.max(0, n));

/**
 * Masks one value by a rule; null stays null, other values are masked as their text.
 * Characters are counted as Unicode code points, so Chinese names mask correctly.
 * @example maskValue('130102195203012118', 'id_6_4') // '130102********2118'
 * @example maskValue('张三丰', 'name_first') // '张**'
 */
export function maskValue(value: unknown, rule: MaskRule): unknown {
  if (value === null || value === undefined) return null;
  if (rule === 'full') return hiddenValue;
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  // Batch copies mask millions of values: plain ASCII (ID and phone numbers) is cut as it
  // is; anything else is split into code points first.
  const chars: string | string[] = /^[\x20-\x7e]*$/.test(text) ? text : Array.from(text);
  switch (rule) {
    case 'id_6_4':
      return keepEnds(chars, 6, 4);
    case 'name_first':
      return chars.length <= 1 ? stars(chars.length) : chars[0]! + stars(chars.length - 1);
    case 'phone_3_4':
      return keepEnds(chars, 3, 4);
    case 'keep_last_4':
      return keepEnds(chars, 0, 4);
  }
}

/** The first `head` and last `tail` characters, stars between (all stars when too short). */
function keepEnds(chars: string | string[], head: number, tail: number): string {
  const n = chars.length;
  if (n <= head + tail) return stars(n);
  return slice(chars, 0, head) + stars(n - head - tail) + slice(chars, n - tail, n);
}

function slice(chars: string | string[], from: number, to: number): string {
  return typeof chars === 'string' ? chars.slice(from, to) : chars.slice(from, to).join('');
}

/** The rule a sensitive item gets unless the provider decides otherwise. */
export function defaultMaskRule(item: Pick<DataItem, 'identifier' | 'name' | 'rule'>): MaskRule {
  const byKind: Partial<Record<string, MaskRule>> = {
    citizen_id: 'id_6_4',
    phone: 'phone_3_4',
    credit_code: 'keep_last_4',
  };
  const ruled = item.rule ? byKind[item.rule.kind] : undefined;
  if (ruled) return ruled;
  if (/(^|_)name$/.test(item.identifier) || /姓名|名字/.test(item.name)) return 'name_first';
  return 'full';
}

/**
 * The rules in force for a grant's fields: the provider's decision where there is one, the
 * default for sensitive items, nothing for the rest.
 */
export function effectiveMasking(
  items: readonly Pick<DataItem, 'identifier' | 'name' | 'rule' | 'sensitive'>[],
  fields: readonly string[],
  decision: Readonly<Record<string, MaskDecision>> | null,
): Record<string, MaskRule> {
  const byId = new Map(items.map((i) => [i.identifier, i]));
  const out: Record<string, MaskRule> = {};
  for (const field of fields) {
    const decided = decision?.[field];
    if (decided === 'none') continue;
    if (decided) {
      out[field] = decided;
      continue;
    }
    const item = byId.get(field);
    if (item?.sensitive) out[field] = defaultMaskRule(item);
  }
  return out;
}

/** Reads a grant's stored decision (JSON text); anything unreadable counts as no decision. */
export function parseMaskDecision(json: string | null): Record<string, MaskDecision> | null {
  if (!json) return null;
  try {
    const parsed = JSON.parse(json) as unknown;
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return null;
    const out: Record<string, MaskDecision> = {};
    for (const [field, rule] of Object.entries(parsed as Record<string, unknown>)) {
      if (rule === 'none' || (typeof rule === 'string' && rule in maskRules))
        out[field] = rule as MaskDecision;
    }
    return out;
  } catch {
    return null;
  }
}
