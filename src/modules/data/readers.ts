/**
 * Streaming readers for import files (COL-02): CSV, XLSX and JSON/NDJSON, each turned into
 * a header and an async sequence of text rows, in constant memory. Everything the file
 * itself gets wrong (encoding, broken structure, too big, an XLSX bomb) is an
 * `ImportFileError` with a Chinese message for the uploader; checking values is the row
 * validator's job, so cell values come out as text.
 *
 * Rows travel in batches (a CSV batch is the records of one decoded chunk): one await per
 * batch instead of per row matters at a million rows. Rows before a structural error are
 * always handed out before the error is thrown, as they would be row by row.
 */
import { createReadStream } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import { Transform, pipeline } from 'node:stream';
import type { Readable } from 'node:stream';
import type ExcelJS from 'exceljs';
import { CsvSyntaxError, csvRecordBatches } from './csv-records.ts';
import { formatBytes, inspectZip } from './zip-inspect.ts';

export type ImportFileErrorCode =
  | 'import.empty'
  | 'import.too_large'
  | 'import.too_many_rows'
  | 'import.encoding'
  | 'import.csv_malformed'
  | 'import.not_xlsx'
  | 'import.xlsx_bomb'
  | 'import.xlsx_malformed'
  | 'import.extra_cells'
  | 'import.json_malformed'
  | 'import.json_extra_key';

/** A problem with the file as a whole (or with its structure at one row): nothing is imported. */
export class ImportFileError extends Error {
  override readonly name = 'ImportFileError';
  constructor(
    readonly code: ImportFileErrorCode,
    message: string,
    /** Row in the file (CSV/XLSX) or 1-based object index (JSON), when the problem has one. */
    readonly rowNumber?: number,
  ) {
    super(message);
  }
}

export type ImportFormat = 'csv' | 'xlsx' | 'json';

export interface ReaderLimits {
  /** Data rows (the header does not count). */
  maxRows: number;
  /** File size in bytes; an XLSX may inflate to 20 times this. */
  maxBytes: number;
}

export interface FileRow {
  /** Row as people see it: header = row 1 for CSV/XLSX; for JSON the object's 1-based index. */
  rowNumber: number;
  /** One text per header column (CSV/XLSX: exactly the header's width). */
  values: string[];
}

export interface RowReader {
  header: string[];
  /** The text encoding found (CSV, JSON): 'utf-8', 'utf-16le', 'utf-16be' or 'gb18030'. */
  encoding?: string;
  /** Single pass. Breaking out of the loop closes the file. */
  rows: AsyncIterable<FileRow>;
  /** The same rows in batches (never empty); use either this or `rows`, not both. */
  batches: AsyncIterable<FileRow[]>;
  /** Closes the file when the rows will not be read (e.g. the header was refused). */
  close(): Promise<void>;
}

const SNIFF_BYTES = 64 * 1024;
/** Rows per batch for XLSX and JSON (CSV batches follow the decoded chunks). */
const BATCH_ROWS = 1000;
/** A JSON array has to be parsed whole; beyond this size NDJSON is required. */
export const MAX_JSON_ARRAY_BYTES = 64 * 1024 * 1024;
// Limits of the XLSX bomb check (see zip-inspect.ts).
const XLSX_INFLATION = 20;
const XLSX_MAX_RATIO = 200;
const XLSX_MAX_ENTRIES = 10_000;
// A record or line longer than this is almost surely an unclosed quote eating the file.
const MAX_RECORD_CHARS = 4 * 1024 * 1024;

/**
 * Opens an import file: checks its size, reads the header (and the first data row, so an
 * empty file is refused here) and returns the remaining rows as a stream.
 * @example
 * const reader = await openRowReader('/tmp/upload.csv', 'csv', { maxRows: 1e6, maxBytes: 100e6 });
 * for await (const { rowNumber, values } of reader.rows) …
 */
export async function openRowReader(
  path: string,
  format: ImportFormat,
  limits: ReaderLimits,
  /**
   * For JSON: the keys objects may carry (the resource's identifiers); the header is then this
   * list, so objects may leave out keys they have no value for. Without it, the first
   * object's keys.
   */
  options: { jsonKeys?: readonly string[] } = {},
): Promise<RowReader> {
  const size = (await stat(path)).size;
  if (size > limits.maxBytes) {
    throw new ImportFileError(
      'import.too_large',
      `文件大小 ${formatBytes(size)} 超过上限 ${formatBytes(limits.maxBytes)}`,
    );
  }
  if (size === 0) throw new ImportFileError('import.empty', '文件是空的');

  let source: BatchSource;
  let encoding: string | undefined;
  switch (format) {
    case 'csv': {
      const sniffed = await sniffCsv(path, size);
      encoding = sniffed.encoding;
      source = csvBatches(path, sniffed.encoding, sniffed.delimiter);
      break;
    }
    case 'xlsx':
      await checkXlsxContainer(path, limits.maxBytes);
      source = batchesOf(xlsxRows(path));
      break;
    case 'json':
      encoding = 'utf-8';
      source = batchesOf(await jsonRows(path, size, limits.maxRows, options.jsonKeys));
      break;
  }
  return startReading(source, encoding, limits.maxRows, format);
}

type BatchSource = AsyncGenerator<FileRow[], void, undefined>;

/** Groups rows into batches; rows read before an error are handed out before it. */
async function* batchesOf(rows: AsyncGenerator<FileRow, void, undefined>): BatchSource {
  let batch: FileRow[] = [];
  try {
    for await (const row of rows) {
      batch.push(row);
      if (batch.length >= BATCH_ROWS) {
        yield batch;
        batch = [];
      }
    }
  } catch (err) {
    if (batch.length > 0) yield batch;
    throw err;
  }
  if (batch.length > 0) yield batch;
}

/** Takes the header and peeks at the first row, then hands out the rest with a row limit. */
async function startReading(
  source: BatchSource,
  encoding: string | undefined,
  maxRows: number,
  format: ImportFormat,
): Promise<RowReader> {
  // Rows read ahead of the consumer: the header, then at least the first data row.
  let ahead: FileRow[] = [];
  let ended = false;
  const readAhead = async () => {
    while (ahead.length === 0 && !ended) {
      const r = await source.next();
      if (r.done) ended = true;
      else ahead = r.value;
    }
  };
  await readAhead();
  const head = ahead.shift();
  if (!head) throw new ImportFileError('import.empty', '文件是空的，没有表头');
  await readAhead();
  if (ahead.length === 0) {
    throw new ImportFileError(
      'import.empty',
      format === 'json' ? '文件中没有数据' : '文件只有表头，没有数据行',
    );
  }
  let closed = false;
  const close = async () => {
    closed = true;
    await source.return(undefined);
  };
  async function* batches(): BatchSource {
    let count = 0;
    try {
      let batch = ahead;
      ahead = [];
      while (!closed) {
        if (batch.length > 0) {
          if (count + batch.length > maxRows) {
            const within = batch.slice(0, maxRows - count);
            if (within.length > 0) yield within;
            throw new ImportFileError(
              'import.too_many_rows',
              `文件的数据超过 ${maxRows} 行的上限，请拆分后分批导入`,
              batch[maxRows - count]!.rowNumber,
            );
          }
          count += batch.length;
          yield batch;
        }
        if (ended || closed) break;
        const r = await source.next();
        if (r.done) break;
        batch = r.value;
      }
    } finally {
      await close();
    }
  }
  const batched = batches();
  async function* rows(): AsyncGenerator<FileRow, void, undefined> {
    for await (const batch of batched) yield* batch;
  }
  return { header: head.values, encoding, rows: rows(), batches: batched, close };
}

// ---------------------------------------------------------------------------------------
// Text decoding

type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'gb18030';

const ENCODING_LABEL: Record<TextEncoding, string> = {
  'utf-8': 'UTF-8',
  'utf-16le': 'UTF-16',
  'utf-16be': 'UTF-16',
  gb18030: 'GBK/GB18030',
};

const SAVE_AS_UTF8 = '请在 Excel 或 WPS 中“另存为”CSV UTF-8 格式后重新上传';

/**
 * The encoding of a text file from its first bytes: a BOM decides; otherwise UTF-8 if the
 * sample is valid UTF-8, else GB18030 (a superset of GBK and GB2312, what Chinese Excel
 * and WPS write as "CSV") if valid as that. Anything else is refused, never guessed.
 */
function detectEncoding(sample: Buffer, complete: boolean): TextEncoding {
  if (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) return 'utf-8';
  if (sample[0] === 0xff && sample[1] === 0xfe) return 'utf-16le';
  if (sample[0] === 0xfe && sample[1] === 0xff) return 'utf-16be';
  const magic = sample.length >= 4 ? sample.readUInt32BE(0) : 0;
  if (magic === 0x504b0304) {
    throw new ImportFileError('import.encoding', '文件是 Excel（XLSX）或其他压缩文件，不是 CSV 文本文件，请选择 XLSX 格式导入');
  }
  if (magic === 0xd0cf11e0) {
    throw new ImportFileError('import.encoding', `文件是旧版 Excel（XLS）文件，不是 CSV 文本文件，${SAVE_AS_UTF8}`);
  }
  if (sample.includes(0)) {
    throw new ImportFileError('import.encoding', `文件含有二进制内容，不是 CSV 文本文件`);
  }
  for (const encoding of ['utf-8', 'gb18030'] as const) {
    try {
      new TextDecoder(encoding, { fatal: true }).decode(sample, { stream: !complete });
      return encoding;
    } catch {
      // try the next one
    }
  }
  throw new ImportFileError(
    'import.encoding',
    `无法识别文件编码：既不是 UTF-8，也不是 GBK/GB18030。${SAVE_AS_UTF8}`,
  );
}

/** Bytes → text, refusing invalid sequences anywhere in the file (not just the sample). */
function decodeStream(encoding: TextEncoding): Transform {
  const decoder = new TextDecoder(encoding, { fatal: true });
  let offset = 0;
  const failure = () =>
    new ImportFileError(
      'import.encoding',
      `文件在第 ${offset} 字节附近含有不符合 ${ENCODING_LABEL[encoding]} 编码的内容，文件可能混用了多种编码或已损坏。${SAVE_AS_UTF8}`,
    );
  return new Transform({
    readableObjectMode: true,
    transform(chunk: Buffer, _encoding, callback) {
      let text: string;
      try {
        text = decoder.decode(chunk, { stream: true });
      } catch {
        callback(failure());
        return;
      }
      offset += chunk.length;
      callback(null, text.length > 0 ? text : undefined);
    },
    flush(callback) {
      try {
        const rest = decoder.decode();
        callback(null, rest.length > 0 ? rest : undefined);
      } catch {
        callback(failure());
      }
    },
  });
}

/** file → decoder (→ parser): errors of any stage surface in the last stream's iterator. */
function decodedFile(path: string, encoding: TextEncoding): Readable {
  return pipeline(createReadStream(path), decodeStream(encoding), () => {});
}

async function readSample(path: string, size: number): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(Math.min(size, SNIFF_BYTES));
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

// ---------------------------------------------------------------------------------------
// CSV

async function sniffCsv(
  path: string,
  size: number,
): Promise<{ encoding: TextEncoding; delimiter: string }> {
  const sample = await readSample(path, size);
  const encoding = detectEncoding(sample, size <= SNIFF_BYTES);
  const text = new TextDecoder(encoding).decode(sample, { stream: true });
  return { encoding, delimiter: sniffDelimiter(text) };
}

/**
 * The delimiter is whichever of , ; TAB occurs most in the first line outside quotes
 * (comma on a tie): European Excel writes ';', and "Unicode text" exports use tabs.
 */
export function sniffDelimiter(text: string): string {
  const counts = new Map<string, number>([
    [',', 0],
    [';', 0],
    ['\t', 0],
  ]);
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && counts.has(ch)) counts.set(ch, counts.get(ch)! + 1);
  }
  let best = ',';
  for (const [ch, n] of counts) if (n > counts.get(best)!) best = ch;
  return best;
}

async function* csvBatches(path: string, encoding: TextEncoding, delimiter: string): BatchSource {
  // Records are counted by the splitter, so row numbers are the ones Excel shows (a blank
  // line is a row there, a quoted line break is not).
  const text = decodedFile(path, encoding) as AsyncIterable<string> & Readable;
  let width = 0;
  try {
    for await (const batch of csvRecordBatches(text, delimiter, MAX_RECORD_CHARS)) {
      const rows: FileRow[] = [];
      for (const { recordNumber, values } of batch) {
        // Lines of blanks: ",,," rows Excel exports because they once had formatting.
        if (isBlank(values)) continue;
        if (width === 0) {
          width = values.length;
        } else if (values.length !== width) {
          if (rows.length > 0) yield rows;
          throw new ImportFileError(
            'import.csv_malformed',
            `第 ${recordNumber} 行有 ${values.length} 列，与表头的 ${width} 列不一致（请检查该行是否多了或少了分隔符，含分隔符的内容须用双引号括起）`,
            recordNumber,
          );
        }
        rows.push({ rowNumber: recordNumber, values });
      }
      if (rows.length > 0) yield rows;
    }
  } catch (err) {
    if (err instanceof CsvSyntaxError) {
      throw new ImportFileError('import.csv_malformed', err.message, err.recordNumber);
    }
    throw err;
  } finally {
    text.destroy();
  }
}

function isBlank(record: readonly string[]): boolean {
  for (const v of record) if (v.trim() !== '') return false;
  return true;
}

// ---------------------------------------------------------------------------------------
// XLSX

/** The bomb check and "is this an XLSX at all", before any byte is inflated by exceljs. */
async function checkXlsxContainer(path: string, maxBytes: number): Promise<void> {
  const zip = await inspectZip(path, {
    maxTotalUncompressed: maxBytes * XLSX_INFLATION,
    maxRatio: XLSX_MAX_RATIO,
    maxEntries: XLSX_MAX_ENTRIES,
  });
  if (!zip.ok) {
    if (zip.problem === 'bomb') throw new ImportFileError('import.xlsx_bomb', zip.message);
    const sample = await readSample(path, 8);
    const hint =
      sample.length >= 4 && sample.readUInt32BE(0) === 0xd0cf11e0
        ? '这是旧版 Excel（.xls）文件或加密的工作簿，请另存为不加密的 .xlsx 后重新上传'
        : zip.message;
    throw new ImportFileError('import.not_xlsx', `文件不是可读取的 Excel（.xlsx）工作簿：${hint}`);
  }
  const names = new Set(zip.entries.map((e) => e.name));
  if (!names.has('[Content_Types].xml') || !names.has('xl/workbook.xml')) {
    throw new ImportFileError(
      'import.not_xlsx',
      '文件是 ZIP 压缩包，但不是 Excel（.xlsx）工作簿',
    );
  }
}

async function* xlsxRows(path: string): AsyncGenerator<FileRow, void, undefined> {
  // Loaded on first use: a CSV import (possibly in a worker thread) need not pay for it.
  const { default: Excel } = await import('exceljs');
  const input = createReadStream(path);
  const book = new Excel.stream.xlsx.WorkbookReader(input, {
    entries: 'emit',
    sharedStrings: 'cache',
    worksheets: 'emit',
    // Styles are needed to tell a date cell from a number; the part is small.
    styles: 'cache',
    hyperlinks: 'ignore',
  });
  try {
    // The first worksheet only: templates put notes or code lists on later sheets.
    for await (const sheet of book) {
      let width = -1;
      for await (const row of sheet) {
        const values = rowTexts(row.values);
        if (values.every((v) => v.trim() === '')) continue;
        if (width < 0) {
          width = values.length;
        } else if (values.length > width) {
          throw new ImportFileError(
            'import.extra_cells',
            `第 ${row.number} 行第 ${values.length} 列有内容，但表头只有 ${width} 列`,
            row.number,
          );
        } else {
          while (values.length < width) values.push('');
        }
        yield { rowNumber: row.number, values };
      }
      break;
    }
  } catch (err) {
    if (err instanceof ImportFileError) throw err;
    throw new ImportFileError(
      'import.xlsx_malformed',
      `Excel 文件已损坏，无法读取（${err instanceof Error ? err.message : String(err)}）`,
    );
  } finally {
    input.destroy();
  }
}

/** exceljs row values (1-based, sparse) → texts, trailing empty cells dropped. */
function rowTexts(values: ExcelJS.Row['values']): string[] {
  const cells = Array.isArray(values) ? values : [];
  const out: string[] = [];
  for (let c = 1; c < cells.length; c++) out.push(cellText(cells[c]));
  while (out.length > 0 && out[out.length - 1] === '') out.pop();
  return out;
}

/**
 * A cell as the text a person sees in it, without the display format: dates as
 * YYYY-MM-DD (or YYYY-MM-DDTHH:mm:ss when there is a time), numbers in plain decimal
 * notation, rich text joined, formulas by their cached result.
 */
export function cellText(v: ExcelJS.CellValue | undefined): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return plainDecimal(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v instanceof Date) return dateText(v);
  if ('richText' in v) return v.richText.map((r) => r.text).join('');
  if ('formula' in v || 'sharedFormula' in v) {
    return cellText((v as { result?: ExcelJS.CellValue }).result);
  }
  if ('error' in v) return v.error;
  if ('text' in v) {
    const text = (v as { text: unknown }).text;
    return typeof text === 'string' ? text : cellText(text as ExcelJS.CellValue);
  }
  return '';
}

/** Dates come from exceljs as UTC instants of the wall-clock value; rounded to the second. */
function dateText(d: Date): string {
  const ms = Math.round(d.getTime() / 1000) * 1000;
  if (!Number.isFinite(ms)) return '';
  const iso = new Date(ms).toISOString(); // YYYY-MM-DDTHH:mm:ss.sssZ
  return iso.slice(11, 19) === '00:00:00' ? iso.slice(0, 10) : iso.slice(0, 19);
}

/**
 * A number without exponent notation: 1e21 → "1000000000000000000000", 1.5e-7 →
 * "0.00000015". Shortest round-trip digits, as String() gives them.
 */
export function plainDecimal(n: number): string {
  const s = String(n);
  const e = s.indexOf('e');
  if (e < 0 || !Number.isFinite(n)) return s;
  const negative = s.startsWith('-');
  const mantissa = s.slice(negative ? 1 : 0, e);
  const exponent = Number(s.slice(e + 1));
  const point = mantissa.indexOf('.');
  const digits = mantissa.replace('.', '');
  const intLength = (point < 0 ? mantissa.length : point) + exponent;
  let out: string;
  if (intLength <= 0) out = `0.${'0'.repeat(-intLength)}${digits}`;
  else if (intLength >= digits.length) out = digits + '0'.repeat(intLength - digits.length);
  else out = `${digits.slice(0, intLength)}.${digits.slice(intLength)}`;
  return negative ? `-${out}` : out;
}

// ---------------------------------------------------------------------------------------
// JSON

type JsonObject = Record<string, unknown>;

/**
 * A JSON array of objects (parsed whole, so at most 64 MB) or NDJSON (one object per line,
 * streamed). The header is the first object's keys; a later object with another key is an
 * error, a missing key an empty value.
 */
async function jsonRows(
  path: string,
  size: number,
  maxRows: number,
  keys: readonly string[] | undefined,
): Promise<AsyncGenerator<FileRow, void, undefined>> {
  const sample = await readSample(path, size);
  if ((sample[0] === 0xff && sample[1] === 0xfe) || (sample[0] === 0xfe && sample[1] === 0xff)) {
    throw new ImportFileError('import.encoding', 'JSON 文件须为 UTF-8 编码（当前为 UTF-16）');
  }
  let i = sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf ? 3 : 0;
  while (i < sample.length && [0x20, 0x09, 0x0a, 0x0d].includes(sample[i]!)) i++;
  if (i === sample.length) throw new ImportFileError('import.empty', '文件是空的');
  if (sample[i] === 0x5b) return jsonArrayRows(path, size, maxRows, keys); // '['
  if (sample[i] === 0x7b) return ndjsonRows(path, keys); // '{'
  throw new ImportFileError(
    'import.json_malformed',
    'JSON 文件应为对象数组（[{…}, {…}]）或每行一个对象的 NDJSON',
  );
}

async function jsonArrayRows(
  path: string,
  size: number,
  maxRows: number,
  keys: readonly string[] | undefined,
): Promise<AsyncGenerator<FileRow, void, undefined>> {
  if (size > MAX_JSON_ARRAY_BYTES) {
    throw new ImportFileError(
      'import.too_large',
      `JSON 数组文件为 ${formatBytes(size)}，超过可整体读取的 ${formatBytes(MAX_JSON_ARRAY_BYTES)}；请改用 NDJSON（每行一个对象）格式`,
    );
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(await readFile(path));
  } catch {
    throw new ImportFileError('import.encoding', 'JSON 文件须为 UTF-8 编码，文件中有无效字符');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new ImportFileError(
      'import.json_malformed',
      `JSON 格式错误，无法解析（${err instanceof Error ? err.message : String(err)}）`,
    );
  }
  if (!Array.isArray(parsed)) {
    throw new ImportFileError('import.json_malformed', 'JSON 文件应为对象数组');
  }
  const array: unknown[] = parsed;
  if (array.length > maxRows) {
    throw new ImportFileError(
      'import.too_many_rows',
      `文件有 ${array.length} 条数据，超过 ${maxRows} 条的上限，请拆分后分批导入`,
    );
  }
  return (async function* () {
    let header: JsonHeader | null = null;
    for (let k = 0; k < array.length; k++) {
      const object = asObject(array[k], k + 1);
      if (header === null) {
        header = jsonHeader(object, keys);
        yield { rowNumber: 0, values: header.keys };
      }
      yield jsonRow(object, header, k + 1);
    }
  })();
}

async function* ndjsonRows(
  path: string,
  keys: readonly string[] | undefined,
): AsyncGenerator<FileRow, void, undefined> {
  const stream = decodedFile(path, 'utf-8');
  let header: JsonHeader | null = null;
  let index = 0;
  let line = 0;
  let rest = '';
  const parseLine = (text: string): JsonObject | null => {
    line++;
    if (text.trim() === '') return null;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new ImportFileError(
        'import.json_malformed',
        `第 ${line} 行不是有效的 JSON（NDJSON 文件每行须是一个完整的对象）`,
        index + 1,
      );
    }
    return asObject(value, index + 1, line);
  };
  try {
    for await (const chunk of stream) {
      rest += chunk as string;
      let nl: number;
      while ((nl = rest.indexOf('\n')) >= 0) {
        const object = parseLine(rest.slice(0, nl));
        rest = rest.slice(nl + 1);
        if (object === null) continue;
        index++;
        if (header === null) {
          header = jsonHeader(object, keys);
          yield { rowNumber: 0, values: header.keys };
        }
        yield jsonRow(object, header, index);
      }
      if (rest.length > MAX_RECORD_CHARS) {
        throw new ImportFileError(
          'import.json_malformed',
          `第 ${line + 1} 行过长（超过 ${MAX_RECORD_CHARS} 个字符）`,
          index + 1,
        );
      }
    }
    const object = parseLine(rest);
    if (object !== null) {
      index++;
      if (header === null) {
        header = jsonHeader(object, keys);
        yield { rowNumber: 0, values: header.keys };
      }
      yield jsonRow(object, header, index);
    }
  } finally {
    stream.destroy();
  }
}

interface JsonHeader {
  keys: string[];
  known: ReadonlySet<string>;
  /** Keys were given by the caller (the resource's items), not taken from the first object. */
  given: boolean;
}

/** The header of a JSON file: the first object's keys (yielded as a row-0 "header row"). */
function jsonHeader(first: JsonObject, given: readonly string[] | undefined): JsonHeader {
  const keys = given ? [...given] : Object.keys(first);
  return { keys, known: new Set(keys), given: given !== undefined };
}

function asObject(value: unknown, index: number, line?: number): JsonObject {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ImportFileError(
      'import.json_malformed',
      `第 ${index} 个数据${line !== undefined ? `（第 ${line} 行）` : ''}不是 JSON 对象`,
      index,
    );
  }
  return value as JsonObject;
}

function jsonRow(object: JsonObject, header: JsonHeader, index: number): FileRow {
  for (const key in object) {
    if (!header.known.has(key)) {
      throw new ImportFileError(
        'import.json_extra_key',
        header.given
          ? `第 ${index} 个对象的字段“${key}”不是该资源的信息项（JSON 文件以信息项的英文标识为字段名）`
          : `第 ${index} 个对象含有第 1 个对象中没有的字段“${key}”`,
        index,
      );
    }
  }
  const values = header.keys.map((key) => {
    const v = object[key];
    if (v === null || v === undefined) return '';
    if (typeof v === 'string') return v;
    if (typeof v === 'number') return String(v);
    if (typeof v === 'boolean') return v ? 'true' : 'false';
    throw new ImportFileError(
      'import.json_malformed',
      `第 ${index} 个对象的字段“${key}”不是文本、数字、逻辑值或 null`,
      index,
    );
  });
  return { rowNumber: index, values };
}
