/**
 * Difference between the division table in use and a newly published one, so the yearly
 * import (ORG-02) can show what is added, renamed and retired before anything is applied.
 */
import type { DivisionRow } from './codes.ts';

export interface DivisionRename {
  code: string;
  oldName: string;
  newName: string;
}

export interface DivisionTableDiff {
  /** Codes only in the incoming table (新增). */
  added: DivisionRow[];
  /** Same code, different name (更名). */
  renamed: DivisionRename[];
  /** Codes only in the current table (撤销): records pointing at them must be reported. */
  retired: DivisionRow[];
  /** Number of codes present in both with the same name. */
  unchanged: number;
}

const byCode = (a: { code: string }, b: { code: string }): number =>
  a.code < b.code ? -1 : a.code > b.code ? 1 : 0;

/**
 * Compares two tables by code. A merge (合并) shows as the absorbed codes retired and, where
 * the surviving division took a new name, a rename; a code change as one retired, one added.
 * The lists are sorted by code.
 * @example diffDivisionTables(current, incoming)
 * // { added: [...], renamed: [{ code: '130102', oldName: '长安区', newName: '…' }], retired: [...], unchanged: 3180 }
 */
export function diffDivisionTables(
  current: readonly DivisionRow[],
  incoming: readonly DivisionRow[],
): DivisionTableDiff {
  const before = new Map(current.map((r) => [r.code, r]));
  const after = new Map(incoming.map((r) => [r.code, r]));
  const added: DivisionRow[] = [];
  const renamed: DivisionRename[] = [];
  const retired: DivisionRow[] = [];
  let unchanged = 0;
  for (const row of after.values()) {
    const old = before.get(row.code);
    if (!old) added.push(row);
    else if (old.name !== row.name) {
      renamed.push({ code: row.code, oldName: old.name, newName: row.name });
    } else unchanged++;
  }
  for (const row of before.values()) if (!after.has(row.code)) retired.push(row);
  return {
    added: added.sort(byCode),
    renamed: renamed.sort(byCode),
    retired: retired.sort(byCode),
    unchanged,
  };
}
