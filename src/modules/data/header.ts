/**
 * Maps the header row of an import file to the resource's data items (COL-02). People fill
 * templates by hand, so a column may be named by the English identifier (any case) or by
 * the Chinese name, with the template's "*" or "（必填）" mark left on. Anything the mapping
 * cannot account for is an error: an unknown or duplicated column would otherwise mean
 * data silently dropped or silently overwritten.
 */
import type { DataItem } from '../catalog/elements.ts';

export type HeaderErrorCode = 'header.empty' | 'header.unknown' | 'header.duplicate' | 'header.missing';

export interface HeaderError {
  /** The header cell as written (for a missing item: its Chinese name). */
  column: string;
  code: HeaderErrorCode;
  reason: string;
}

export type HeaderMapping =
  | { ok: true; columnOfItem: number[] /* index into the file row per item, −1 when absent */ }
  | { ok: false; errors: HeaderError[] };

// Marks templates put after the name of a mandatory column.
const REQUIRED_MARK = /\s*(?:[*＊]|[（(]\s*必填\s*[)）])$/u;

/** A header cell without surrounding spaces and without a trailing required mark. */
export function normaliseHeaderCell(cell: string): string {
  return cell.trim().replace(REQUIRED_MARK, '').trim();
}

/**
 * Maps file columns to items; all problems are listed, not just the first.
 * @example
 * mapHeader(['姓名*', 'ID_NUMBER'], items) // { ok: true, columnOfItem: [0, 1, -1] }
 * mapHeader(['姓名', '籍贯'], items)
 * // { ok: false, errors: [{ column: '籍贯', code: 'header.unknown', reason: '列“籍贯”不是该资源的信息项' }, …] }
 */
export function mapHeader(header: readonly string[], items: readonly DataItem[]): HeaderMapping {
  const byIdentifier = new Map<string, number>();
  const byName = new Map<string, number>();
  items.forEach((item, i) => {
    byIdentifier.set(item.identifier.toLowerCase(), i);
    if (!byName.has(item.name.trim())) byName.set(item.name.trim(), i);
  });

  const errors: HeaderError[] = [];
  const columnOfItem = items.map(() => -1);
  header.forEach((cell, column) => {
    const label = normaliseHeaderCell(cell);
    if (label === '') {
      errors.push({
        column: `第${column + 1}列`,
        code: 'header.empty',
        reason: `第 ${column + 1} 列没有表头，请填写信息项名称或删除该列`,
      });
      return;
    }
    const i = byIdentifier.get(label.toLowerCase()) ?? byName.get(label);
    if (i === undefined) {
      errors.push({
        column: cell.trim(),
        code: 'header.unknown',
        reason: `列“${cell.trim()}”不是该资源的信息项`,
      });
      return;
    }
    const first = columnOfItem[i]!;
    if (first >= 0) {
      const item = items[i]!;
      errors.push({
        column: cell.trim(),
        code: 'header.duplicate',
        reason: `第 ${column + 1} 列“${cell.trim()}”与第 ${first + 1} 列“${header[first]!.trim()}”重复（都对应信息项“${item.name}”）`,
      });
      return;
    }
    columnOfItem[i] = column;
  });

  items.forEach((item, i) => {
    if (columnOfItem[i]! < 0 && (item.required || item.isKey)) {
      errors.push({
        column: item.name,
        code: 'header.missing',
        reason: `文件缺少必填列“${item.name}”（${item.identifier}）${item.isKey && !item.required ? '，该列是主键' : ''}`,
      });
    }
  });

  return errors.length > 0 ? { ok: false, errors } : { ok: true, columnOfItem };
}

/**
 * Picks the values of the items out of a file row, in item order, for the row validator.
 * Reuses `target` when given, so a bulk import allocates no array per row.
 */
export function selectItemValues(
  row: readonly string[],
  columnOfItem: readonly number[],
  target: (string | undefined)[] = new Array<string | undefined>(columnOfItem.length),
): (string | undefined)[] {
  for (let i = 0; i < columnOfItem.length; i++) {
    const c = columnOfItem[i]!;
    target[i] = c < 0 ? undefined : row[c];
  }
  return target;
}
