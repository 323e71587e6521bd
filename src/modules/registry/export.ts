/**
 * XLSX exports of the registry's lists (名册、工作队列), written with exceljs's streaming writer.
 * Cell text comes from people's entries: a value starting with = + - @ becomes a formula as
 * soon as someone edits the cell or saves the sheet as CSV, so such cells get the Text format
 * ("@"), as in the import error report.
 */
import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';

const FORMULA_START = /^[=+\-@\t\r]/;

export interface SheetColumn {
  header: string;
  width: number;
}

/**
 * A one-sheet workbook: a title row, a line saying when and by whom, then the header and rows.
 * @example await writeListXlsx('待审核', [{ header: '姓名', width: 12 }], [['张三']], '导出：李四')
 */
export async function writeListXlsx(
  title: string,
  columns: readonly SheetColumn[],
  rows: AsyncIterable<(string | number | null)[]> | Iterable<(string | number | null)[]>,
  subtitle: string,
): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => {
    out.on('end', resolve);
    out.on('error', reject);
  });
  const book = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    useStyles: true,
    useSharedStrings: false,
  });
  book.creator = 'mzhub';
  const sheet = book.addWorksheet(title.slice(0, 31), {
    views: [{ state: 'frozen', ySplit: 3 }],
  });
  sheet.columns = columns.map((c) => ({ width: c.width }));
  const head = sheet.addRow([title]);
  head.font = { bold: true, size: 14 };
  head.commit();
  sheet.addRow([subtitle]).commit();
  const header = sheet.addRow(columns.map((c) => c.header));
  header.font = { bold: true };
  header.commit();
  for await (const values of rows) {
    const row = sheet.addRow([]);
    values.forEach((value, i) => {
      const cell = row.getCell(i + 1);
      cell.value = value;
      if (typeof value === 'string' && FORMULA_START.test(value)) cell.numFmt = '@';
    });
    row.commit();
  }
  sheet.commit();
  await book.commit();
  await done;
  return Buffer.concat(chunks);
}
