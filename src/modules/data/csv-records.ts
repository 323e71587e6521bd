/**
 * A streaming RFC 4180 CSV record splitter over decoded text. It exists for speed: imports
 * must reach 120,000 validated rows/s and a general-purpose parser alone managed ~130,000
 * rows/s here; this one scans each record once with charCodeAt and slices fields out, and
 * reads quoted fields ("a,b", "say ""hi""", embedded line breaks) by indexOf.
 *
 * Records are yielded in batches (one per decoded chunk) to keep async overhead per row low.
 * A quote inside an unquoted field is kept as text, as Excel does.
 */

export class CsvSyntaxError extends Error {
  constructor(
    readonly recordNumber: number,
    message: string,
  ) {
    super(message);
    this.name = 'CsvSyntaxError';
  }
}

const QUOTE = 34;
const LF = 10;
const CR = 13;

interface Parsed {
  values: string[];
  next: number;
}

/**
 * Parses one record starting at `pos`; null when the buffer ends inside it and more text
 * may follow (`final` false).
 */
function parseRecord(
  buf: string,
  pos: number,
  delimiter: number,
  final: boolean,
  recordNumber: number,
): Parsed | null {
  const values: string[] = [];
  const end = buf.length;
  let i = pos;
  for (;;) {
    if (buf.charCodeAt(i) === QUOTE) {
      let j = i + 1;
      let text = '';
      for (;;) {
        const q = buf.indexOf('"', j);
        if (q < 0) {
          if (!final) return null;
          throw new CsvSyntaxError(recordNumber, `第 ${recordNumber} 行起的双引号没有闭合`);
        }
        if (q + 1 >= end && !final) return null;
        if (buf.charCodeAt(q + 1) === QUOTE) {
          text += buf.slice(j, q + 1);
          j = q + 2;
          continue;
        }
        text += buf.slice(j, q);
        i = q + 1;
        break;
      }
      values.push(text);
      if (i >= end) return { values, next: i };
      const c = buf.charCodeAt(i);
      if (c === delimiter) {
        i++;
        continue;
      }
      if (c === LF) return { values, next: i + 1 };
      if (c === CR) {
        if (i + 1 >= end && !final) return null;
        return { values, next: buf.charCodeAt(i + 1) === LF ? i + 2 : i + 1 };
      }
      throw new CsvSyntaxError(recordNumber, `第 ${recordNumber} 行引号字段的闭合引号后还有其他字符`);
    }
    // An unquoted field; a stray quote inside it ("5"寸") is text, as in Excel.
    let j = i;
    let c = 0;
    for (; j < end; j++) {
      c = buf.charCodeAt(j);
      if (c === delimiter || c === LF || c === CR) break;
    }
    if (j >= end) {
      if (!final) return null;
      values.push(buf.slice(i, j));
      return { values, next: j };
    }
    values.push(buf.slice(i, j));
    if (c === delimiter) {
      i = j + 1;
      continue;
    }
    if (c === CR) {
      if (j + 1 >= end && !final) return null;
      return { values, next: buf.charCodeAt(j + 1) === LF ? j + 2 : j + 1 };
    }
    return { values, next: j + 1 };
  }
}

/** A blank line or one of only delimiters (",,," rows left by spreadsheets). */
const isBlank = (values: string[]) => values.every((v) => v === '');

/**
 * Splits decoded CSV text into records, yielding batches of `{ recordNumber, values }`
 * (record 1 is the header). Blank records are skipped but still counted.
 */
export async function* csvRecordBatches(
  text: AsyncIterable<string>,
  delimiter = ',',
  maxRecordChars = 4 * 1024 * 1024,
): AsyncGenerator<{ recordNumber: number; values: string[] }[]> {
  const d = delimiter.charCodeAt(0);
  let buf = '';
  let recordNumber = 0;
  for await (const chunk of text) {
    buf = buf.length > 0 ? buf + chunk : chunk;
    const batch: { recordNumber: number; values: string[] }[] = [];
    let pos = 0;
    while (pos < buf.length) {
      const parsed = parseRecord(buf, pos, d, false, recordNumber + 1);
      if (parsed === null) break;
      recordNumber++;
      pos = parsed.next;
      if (!isBlank(parsed.values)) batch.push({ recordNumber, values: parsed.values });
    }
    buf = buf.slice(pos);
    if (buf.length > maxRecordChars) {
      throw new CsvSyntaxError(
        recordNumber + 1,
        `第 ${recordNumber + 1} 行过长（超过 ${maxRecordChars} 个字符），可能有没有闭合的双引号`,
      );
    }
    if (batch.length > 0) yield batch;
  }
  const batch: { recordNumber: number; values: string[] }[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const parsed = parseRecord(buf, pos, d, true, recordNumber + 1)!;
    recordNumber++;
    pos = parsed.next;
    if (!isBlank(parsed.values)) batch.push({ recordNumber, values: parsed.values });
  }
  if (batch.length > 0) yield batch;
}
