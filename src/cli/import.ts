/**
 * `mzhub import RESOURCE FILE --as USER`: loads a CSV, XLSX or JSON file into a structured
 * resource, exactly as the console does (same validation, all or nothing, audited in the
 * named account's name), with a progress bar, and writes the error report next to the file
 * when rows are refused.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { basename } from 'node:path';
import { writeErrorReportXlsx } from '../modules/data/error-report.ts';
import { AppError } from '../server/errors.ts';
import { createProgressBar } from './progress.ts';
import { actAs, type Runtime } from './runtime.ts';

export async function importFile(
  rt: Runtime,
  resource: string,
  file: string,
  options: { as: string; format?: 'csv' | 'xlsx' | 'json' },
): Promise<boolean> {
  const { user, by } = await actAs(rt, options.as);
  const found = await rt.ctx.db
    .selectFrom('catalog_resources')
    .select(['id', 'name'])
    .where((eb) => eb.or([eb('id', '=', resource), eb('code', '=', resource)]))
    .executeTakeFirst();
  if (!found) {
    throw new AppError(
      'not_found',
      'catalog.entry_not_found',
      `没有资源代码或编号为“${resource}”的目录条目`,
    );
  }
  const format = options.format ?? formatOf(file);
  if (!format) {
    throw new AppError(
      'invalid',
      'import.format_unknown',
      '无法从文件名判断格式，请用 --format 指定 csv、xlsx 或 json',
    );
  }
  const { data } = rt.services;
  const started = await data.startImport(
    found.id,
    createReadStream(file),
    { fileName: basename(file), format },
    user,
    by,
    { wait: false },
  );
  const bar = createProgressBar({ label: `导入“${found.name}”` });
  let summary = started;
  while (summary.status === 'running') {
    await new Promise((r) => setTimeout(r, 200));
    summary = await data.getImport(started.id, user);
    bar.update(summary.progressRows);
  }
  await data.idle();
  summary = await data.getImport(started.id, user);
  bar.update(summary.totalRows);
  bar.finish(summary.message ?? '');
  if (summary.status === 'applied') return true;
  if (summary.errors.length > 0) {
    const report = `${file}.错误报告.xlsx`;
    await writeErrorReportXlsx(summary.errors, createWriteStream(report), {
      resourceName: found.name,
      fileName: basename(file),
      totalRows: summary.totalRows,
      errorCount: summary.errorCount,
    });
    for (const e of summary.errors.slice(0, 10)) {
      console.error(`  第 ${e.rowNumber} 行 ${e.name}（${e.field}）“${e.value}”：${e.reason}`);
    }
    if (summary.errorCount > 10) console.error(`  …… 共 ${summary.errorCount} 处错误`);
    console.error(`错误报告已写入 ${report}`);
  }
  return false;
}

function formatOf(file: string): 'csv' | 'xlsx' | 'json' | null {
  const ext = /\.([a-z0-9]+)$/i.exec(file)?.[1]?.toLowerCase();
  if (ext === 'csv' || ext === 'txt') return 'csv';
  if (ext === 'xlsx') return 'xlsx';
  if (ext === 'json' || ext === 'jsonl' || ext === 'ndjson') return 'json';
  return null;
}
