/**
 * The error report of a rejected import (COL-02) as an XLSX workbook: what is wrong, row by
 * row, so the provider can fix the file and import it again. Written with exceljs's
 * streaming writer, so a report of a million errors never sits in memory.
 *
 * Every cell value that came from the uploaded file is attacker-controlled text. A string
 * cell is never a formula in XLSX, but "=…", "+…", "-…", "@…" turn into one as soon as
 * someone edits the cell or saves the sheet as CSV (CSV/XLSX injection); such cells get the
 * Text number format ("@"), under which a spreadsheet keeps them as text.
 */
import ExcelJS from 'exceljs';

export interface ImportRowError {
  /** Row in the file (header = 1) or the object's index in a JSON file. */
  rowNumber: number;
  /** Identifier of the data item (英文标识). */
  field: string;
  /** Chinese name of the data item (信息项). */
  name: string;
  /** The value as found in the file. */
  value: string;
  code: string;
  reason: string;
}

export interface ErrorReportMeta {
  resourceName: string;
  fileName: string;
  totalRows: number;
  /** All errors found; may exceed the errors passed when only the first ones were kept. */
  errorCount: number;
}

// An XLSX sheet has 1,048,576 rows; the title block and a closing note need a few.
const MAX_ERROR_ROWS = 1_000_000;
// Enough to recognise the value; a whole memo field would make the report unreadable.
const MAX_VALUE_CHARS = 1000;
const FORMULA_START = /^[=+\-@\t\r]/;
const HEADER_ROW = 7;

/**
 * Writes the report to a file path or a writable stream; resolves when it is complete.
 * @example
 * await writeErrorReportXlsx(errors, '/tmp/report.xlsx', { resourceName: '低保对象', fileName: 'a.csv', totalRows: 120, errorCount: 3 });
 */
export async function writeErrorReportXlsx(
  errors: AsyncIterable<ImportRowError> | Iterable<ImportRowError>,
  out: string | NodeJS.WritableStream,
  meta: ErrorReportMeta,
): Promise<{ written: number; omitted: number }> {
  const book = new ExcelJS.stream.xlsx.WorkbookWriter({
    ...(typeof out === 'string' ? { filename: out } : { stream: out as unknown as ExcelJS.stream.xlsx.WorkbookWriterOptions['stream'] }),
    useStyles: true,
    // Inline strings: shared strings would keep every distinct text in memory.
    useSharedStrings: false,
  });
  book.creator = 'mzhub';
  const sheet = book.addWorksheet('错误报告', {
    views: [{ state: 'frozen', ySplit: HEADER_ROW }],
  });
  sheet.columns = [
    { width: 8 },
    { width: 18 },
    { width: 20 },
    { width: 28 },
    { width: 60 },
    { width: 22 },
  ];

  const title = sheet.addRow(['数据导入错误报告']);
  title.font = { bold: true, size: 14 };
  title.commit();
  const metaRows: [string, string | number][] = [
    ['资源名称', meta.resourceName],
    ['文件名', meta.fileName],
    ['总行数', meta.totalRows],
    ['错误数', meta.errorCount],
  ];
  for (const [label, value] of metaRows) {
    const row = sheet.addRow([]);
    row.getCell(1).value = label;
    row.getCell(1).font = { bold: true };
    setCell(row.getCell(2), value);
    row.commit();
  }
  sheet.addRow([]).commit();
  const header = sheet.addRow(['行号', '信息项', '英文标识', '原值', '错误原因', '错误代码']);
  header.font = { bold: true };
  header.commit();

  let written = 0;
  let omitted = 0;
  for await (const e of errors) {
    if (written >= MAX_ERROR_ROWS) {
      omitted++;
      continue;
    }
    const row = sheet.addRow([]);
    row.getCell(1).value = e.rowNumber;
    setCell(row.getCell(2), e.name);
    setCell(row.getCell(3), e.field);
    setCell(row.getCell(4), shorten(e.value));
    setCell(row.getCell(5), e.reason);
    setCell(row.getCell(6), e.code);
    row.commit();
    written++;
  }
  const unlisted = Math.max(meta.errorCount - written, omitted);
  if (unlisted > 0) {
    sheet.addRow([]).commit();
    sheet
      .addRow([`共 ${meta.errorCount} 处错误，本报告列出前 ${written} 处；修改后重新导入可看到其余错误`])
      .commit();
  }
  sheet.commit();
  await book.commit();
  return { written, omitted };
}

/** Strings are always string cells; risky ones are also formatted as Text (see above). */
function setCell(cell: ExcelJS.Cell, value: string | number): void {
  cell.value = value;
  if (typeof value === 'string' && FORMULA_START.test(value)) cell.numFmt = '@';
}

function shorten(value: string): string {
  if (value.length <= MAX_VALUE_CHARS) return value;
  const low = value.charCodeAt(MAX_VALUE_CHARS);
  const cut = low >= 0xdc00 && low <= 0xdfff ? MAX_VALUE_CHARS - 1 : MAX_VALUE_CHARS; // no half pair
  return `${value.slice(0, cut)}…（共 ${value.length} 字）`;
}
