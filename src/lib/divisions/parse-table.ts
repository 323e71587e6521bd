/**
 * Parser for a nationally published division table (全国行政区划代码表), as a province imports
 * it once a year. All-or-nothing: any bad line yields the list of errors and no rows, so an
 * import never applies half a table.
 */
import { divisionLevel, parentCodeOf } from './codes.ts';
import type { DivisionLevel, DivisionRow } from './codes.ts';

export type DivisionTableFormat = 'csv' | 'tsv' | 'json' | 'auto';

/** What went wrong on a line; stable strings for callers that group errors. */
export type DivisionTableErrorKind =
  'syntax' | 'empty' | 'code' | 'level' | 'name' | 'duplicate' | 'parent';

/**
 * One problem in the table. `line` is the 1-based line of a text table, or the 1-based item
 * number of a JSON array; 0 means the file as a whole.
 */
export interface DivisionTableError {
  line: number;
  kind: DivisionTableErrorKind;
  code?: string;
  message: string;
}

export type DivisionTableResult =
  { ok: true; rows: DivisionRow[] } | { ok: false; errors: DivisionTableError[] };

interface RawRow {
  line: number;
  code: string;
  name: string;
  level?: string;
}

const LEVELS: readonly DivisionLevel[] = ['province', 'city', 'county', 'township', 'village'];

/**
 * Parses a division table: text lines "code name" separated by comma, tab or whitespace with an
 * optional header line, or a JSON array of `{code, name}` objects (or `[code, name]` pairs, or
 * `{rows: [...]}` as in the shipped file). Returns every row with level and parent, or every
 * error with its line number and a Chinese message — never a partial table.
 * @example parseDivisionTable('代码,名称\n110000,北京市\n110101,东城区', 'auto')
 * // { ok: true, rows: [{ code: '110000', … }, { code: '110101', …, parentCode: '110000' }] }
 */
export function parseDivisionTable(
  text: string,
  format: DivisionTableFormat = 'auto',
): DivisionTableResult {
  const clean = text.replace(/^\uFEFF/, '');
  const useJson = format === 'json' || (format === 'auto' && /^\s*[[{]/.test(clean));
  const raw = useJson ? readJson(clean) : readText(clean, format);
  if (!Array.isArray(raw)) return { ok: false, errors: [raw] };
  return validate(raw, useJson ? '项' : '行');
}

function readText(text: string, format: 'csv' | 'tsv' | 'auto'): RawRow[] {
  const lines = text.split(/\r\n|\n|\r/);
  const firstData = lines.find((l) => l.trim() !== '') ?? '';
  const sep =
    format === 'csv'
      ? ','
      : format === 'tsv'
        ? '\t'
        : firstData.includes('\t')
          ? '\t'
          : firstData.includes(',')
            ? ','
            : ' ';
  const rows: RawRow[] = [];
  let seenFirst = false;
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const fields = splitLine(line, sep);
    const code = fields[0] ?? '';
    // One optional header line ("代码,名称" / "code\tname"): it does not start with a digit.
    if (!seenFirst) {
      seenFirst = true;
      if (!/^\d/.test(code)) return;
    }
    rows.push({ line: i + 1, code, name: fields[1] ?? '' });
  });
  return rows;
}

/** Splits one line; commas honour CSV double quotes, whitespace mode keeps the rest as name. */
function splitLine(line: string, sep: string): string[] {
  if (sep === ' ') {
    const m = /^\s*(\S+)\s*(.*?)\s*$/.exec(line);
    return m ? [m[1]!, m[2]!] : [];
  }
  if (sep === '\t' || !line.includes('"')) return line.split(sep).map((f) => f.trim());
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === sep) {
      fields.push(field.trim());
      field = '';
    } else field += ch;
  }
  fields.push(field.trim());
  return fields;
}

function readJson(text: string): RawRow[] | DivisionTableError {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { line: 0, kind: 'syntax', message: '文件不是有效的 JSON' };
  }
  if (data !== null && typeof data === 'object' && !Array.isArray(data) && 'rows' in data) {
    data = data.rows;
  }
  if (!Array.isArray(data)) {
    return { line: 0, kind: 'syntax', message: 'JSON 应为区划数组，每项含 code 和 name' };
  }
  return data.map((item: unknown, i): RawRow => {
    const line = i + 1;
    if (Array.isArray(item)) return { line, code: text2(item[0]), name: text2(item[1]) };
    if (item !== null && typeof item === 'object') {
      const o = item as Record<string, unknown>;
      const row: RawRow = { line, code: text2(o.code), name: text2(o.name) };
      if (o.level !== undefined) row.level = text2(o.level);
      return row;
    }
    return { line, code: '', name: '' };
  });
}

// Codes may come as JSON numbers (110000); anything else that is not a string is "missing".
function text2(v: unknown): string {
  return typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : '';
}

function validate(raw: RawRow[], unit: '行' | '项'): DivisionTableResult {
  const errors: DivisionTableError[] = [];
  if (raw.length === 0) {
    return { ok: false, errors: [{ line: 0, kind: 'empty', message: '表中没有任何区划' }] };
  }
  const firstLine = new Map<string, number>();
  const good: { row: RawRow; level: DivisionLevel }[] = [];
  for (const row of raw) {
    const { line, code, name } = row;
    const level = divisionLevel(code);
    let bad = false;
    if (level === null) {
      bad = true;
      if (/^\d{6}$|^\d{9}$|^\d{12}$/.test(code)) {
        errors.push({
          line,
          code,
          kind: 'level',
          message: `区划代码“${code}”层级不一致（${levelProblem(code)}）`,
        });
      } else {
        errors.push({
          line,
          code,
          kind: 'code',
          message: `区划代码“${code}”格式错误，应为6位、9位或12位数字`,
        });
      }
    } else if (row.level !== undefined && row.level !== level) {
      bad = true;
      const stated = LEVELS.includes(row.level as DivisionLevel)
        ? LEVEL_ZH[row.level as DivisionLevel]
        : `“${row.level}”`;
      errors.push({
        line,
        code,
        kind: 'level',
        message: `区划代码“${code}”是${LEVEL_ZH[level]}代码，但标注的级别为${stated}`,
      });
    }
    if (name === '') {
      bad = true;
      errors.push({ line, code, kind: 'name', message: `区划代码“${code}”的名称为空` });
    }
    const earlier = firstLine.get(code);
    if (earlier !== undefined && code !== '') {
      bad = true;
      errors.push({
        line,
        code,
        kind: 'duplicate',
        message: `区划代码“${code}”与第${earlier}${unit}重复`,
      });
    } else if (code !== '') firstLine.set(code, line);
    if (!bad && level !== null) good.push({ row, level });
  }
  // Parents are checked against every code in the file, so a bad line elsewhere does not
  // also orphan its children in the report.
  const rows: DivisionRow[] = [];
  for (const { row, level } of good) {
    const parentCode = parentCodeOf(row.code, firstLine);
    if (parentCode !== null && !firstLine.has(parentCode)) {
      errors.push({
        line: row.line,
        code: row.code,
        kind: 'parent',
        message: `${row.name}（${row.code}）的上级区划“${parentCode}”不在表中`,
      });
      continue;
    }
    rows.push({ code: row.code, name: row.name, level, parentCode });
  }
  if (errors.length > 0) {
    return { ok: false, errors: errors.sort((a, b) => a.line - b.line) };
  }
  return { ok: true, rows: rows.sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0)) };
}

const LEVEL_ZH: Record<DivisionLevel, string> = {
  province: '省级',
  city: '地级',
  county: '县级',
  township: '乡级',
  village: '村级',
};

// Why a well-shaped code has no level, in words an importer understands.
function levelProblem(code: string): string {
  if (code.startsWith('0')) return '首位不能为0';
  if (code.length === 6) return '县级代码的第3–4位不能为00';
  if (code.endsWith('000')) return '末3位不能为000';
  return code.length === 9 ? '前6位应为县级或地级代码' : '前9位应为乡级代码';
}
