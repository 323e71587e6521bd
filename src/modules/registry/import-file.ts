/**
 * Reading a registry import file (CSV or XLSX): the header is mapped to record fields by its
 * Chinese label (or the field name), and every row comes out as text per field. Values are
 * checked by the service, with the same rules and screening as a form entry (SEC-02).
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError } from '../../server/errors.ts';
import { ImportFileError, openRowReader } from '../data/readers.ts';
import { checkUpload, scannerCommand } from '../data/scan.ts';

/** Column label → field; both the label and the field name are accepted as headers. */
export const importColumns: [string, string][] = [
  ['姓名', 'name'],
  ['公民身份号码', 'idNumber'],
  ['性别', 'sex'],
  ['出生日期', 'birthDate'],
  ['民族', 'ethnicity'],
  ['行政区划代码', 'divisionCode'],
  ['住址', 'address'],
  ['联系电话', 'phone'],
  ['优抚类别', 'category'],
  ['残疾等级', 'benefit.disabilityGrade'],
  ['残疾性质', 'benefit.disabilityNature'],
  ['牺牲（病故）军人姓名', 'benefit.deceasedName'],
  ['与牺牲（病故）军人关系', 'benefit.relation'],
  ['入伍时间', 'benefit.serviceStart'],
  ['退伍时间', 'benefit.serviceEnd'],
  ['抚恤补助标准（元/月）', 'benefit.monthlyAmount'],
  ['认定日期', 'benefit.recognisedOn'],
  ['备注', 'benefit.note'],
  ['证书编号', 'certificateNo'],
];

const aliases: Record<string, string> = {
  身份证号码: 'idNumber',
  身份证号: 'idNumber',
  类别: 'category',
  抚恤补助标准: 'benefit.monthlyAmount',
  地址: 'address',
  电话: 'phone',
};

const normalise = (s: string) =>
  s
    .normalize('NFKC')
    .replace(/^\uFEFF/, '')
    .replace(/\s+/g, '')
    .replace(/\(/g, '（')
    .replace(/\)/g, '）');

const byLabel = new Map<string, string>([
  ...importColumns.flatMap(([label, field]) => [
    [normalise(label), field] as [string, string],
    [normalise(field), field] as [string, string],
  ]),
  ...Object.entries(aliases).map(([k, v]) => [normalise(k), v] as [string, string]),
]);

export interface ImportRow {
  rowNumber: number;
  values: Record<string, string>;
}

/** Rows one registry import may hold: a county's records, not a province's. */
export const MAX_IMPORT_ROWS = 100_000;

/**
 * Spools the upload to a private temporary file, checks its bytes (a "CSV" that is really a
 * ZIP or an executable is refused) and scanner, and reads every row.
 */
export async function readImportFile(
  body: Readable,
  format: 'csv' | 'xlsx',
  limits: { maxBytes: number; scanCommand: string | undefined },
): Promise<{ header: string[]; rows: ImportRow[] }> {
  if (!body || typeof body.pipe !== 'function') {
    throw new AppError(
      'invalid',
      'import.body_type',
      '请以 application/octet-stream（或 text/csv）上传文件内容',
    );
  }
  const dir = await mkdtemp(join(tmpdir(), 'mzhub-registry-'));
  const path = join(dir, `upload.${format}`);
  try {
    await pipeline(body, createWriteStream(path, { mode: 0o600 }));
    const scan = await checkUpload(path, format, scannerCommand(limits.scanCommand));
    if (!scan.ok) throw new AppError('invalid', scan.code, scan.message);
    const reader = await openRowReader(path, format, {
      maxRows: MAX_IMPORT_ROWS,
      maxBytes: limits.maxBytes,
    });
    const fields: (string | null)[] = [];
    const unknown: string[] = [];
    const seen = new Set<string>();
    for (const cell of reader.header) {
      const field = byLabel.get(normalise(cell)) ?? null;
      if (cell.trim() !== '' && field === null) unknown.push(cell.trim());
      if (field && seen.has(field)) {
        await reader.close();
        throw new AppError('invalid', 'registry.import_header', `表头“${cell}”重复`);
      }
      if (field) seen.add(field);
      fields.push(field);
    }
    if (unknown.length > 0) {
      await reader.close();
      throw new AppError(
        'invalid',
        'registry.import_header',
        `表头中有不认识的列：${unknown.join('、')}。可用的列：${importColumns.map(([l]) => l).join('、')}`,
      );
    }
    for (const required of ['name', 'idNumber', 'divisionCode', 'category']) {
      if (!seen.has(required)) {
        await reader.close();
        const label = importColumns.find(([, f]) => f === required)?.[0] ?? required;
        throw new AppError('invalid', 'registry.import_header', `表头缺少必需的列“${label}”`);
      }
    }
    const rows: ImportRow[] = [];
    for await (const batch of reader.batches) {
      for (const row of batch) {
        const values: Record<string, string> = {};
        row.values.forEach((v, i) => {
          const field = fields[i];
          if (field) values[field] = v.trim();
        });
        if (Object.values(values).every((v) => v === '')) continue;
        rows.push({ rowNumber: row.rowNumber, values });
      }
    }
    return { header: reader.header, rows };
  } catch (error) {
    if (error instanceof ImportFileError) {
      throw new AppError(
        'invalid',
        error.code,
        error.rowNumber ? `第 ${error.rowNumber} 行：${error.message}` : error.message,
      );
    }
    throw error;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
