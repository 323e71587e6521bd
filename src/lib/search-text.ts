/**
 * Chinese-capable full-text search without a word segmenter, the same on SQLite FTS5
 * (tokenizer unicode61) and PostgreSQL (to_tsvector('simple', …)). Both engines see a
 * run of Chinese characters as one word, so we store our own tokens instead of the text:
 * every overlapping character bigram of a Chinese run ("优抚对象" → 优抚 抚对 对象), and
 * lower-cased words for everything else. A query is cut the same way and its parts AND-ed,
 * so any substring of two or more Chinese characters finds the entry, with no dictionary to
 * maintain. Tokens only ever contain letters and digits, so both engines keep each one whole.
 */

export interface SearchQuery {
  /** For `… WHERE search_table MATCH ?`; null when there is nothing to search for. */
  fts5: string | null;
  /** For `to_tsquery('simple', $1)`; null when there is nothing to search for. */
  tsquery: string | null;
}

// Parts beyond this are ignored: 32 terms already pin a result down, and a pasted page of
// text must not become a query of thousands of terms.
const MAX_QUERY_PARTS = 32;
// PostgreSQL drops words over 2047 bytes with a notice; no real word is this long.
const MAX_WORD_LENGTH = 100;

const NON_ASCII_WORD = /^[\p{L}\p{N}]$/u;
const NON_ASCII_DIGIT = /^\p{N}$/u;

const OTHER = 0;
const WORD = 1;
const HAN = 2;

// ASCII classes by code: digits and lower-case letters (the text is lower-cased first).
const ASCII_CLASS = new Uint8Array(128);
for (let c = 0x30; c <= 0x39; c++) ASCII_CLASS[c] = WORD;
for (let c = 0x61; c <= 0x7a; c++) ASCII_CLASS[c] = WORD;

/** CJK Unified Ideographs and extension A, compatibility ideographs, and extensions B–H. */
function isCjk(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x20000 && cp <= 0x323af)
  );
}

function codePointAt(s: string, i: number): number {
  const hi = s.charCodeAt(i);
  if (hi >= 0xd800 && hi <= 0xdbff && i + 1 < s.length) {
    const lo = s.charCodeAt(i + 1);
    if (lo >= 0xdc00 && lo <= 0xdfff) return ((hi - 0xd800) << 10) + (lo - 0xdc00) + 0x10000;
  }
  return hi;
}

function isDigitAt(s: string, i: number, cp: number): boolean {
  if (cp < 0x80) return cp >= 0x30 && cp <= 0x39;
  return NON_ASCII_DIGIT.test(s.slice(i, i + (cp > 0xffff ? 2 : 1)));
}

/**
 * Calls `onRun` for each run of Chinese characters and each run of other letters and digits
 * in `s` (already normalised). `starts` holds the code point offsets of a Chinese run (a
 * supplementary-plane ideograph takes two code units), followed by the run's end.
 * Index-based, without a string per character: it runs over every entry at index time.
 */
function scan(
  s: string,
  onRun: (han: boolean, start: number, end: number, starts: number[]) => void,
): void {
  const starts: number[] = [];
  let runStart = -1;
  let runClass = OTHER;
  let i = 0;
  while (i <= s.length) {
    let cls = OTHER;
    let width = 1;
    if (i < s.length) {
      const cp = codePointAt(s, i);
      width = cp > 0xffff ? 2 : 1;
      if (cp < 0x80) cls = ASCII_CLASS[cp]!;
      else if (isCjk(cp)) cls = HAN;
      else cls = NON_ASCII_WORD.test(s.slice(i, i + width)) ? WORD : OTHER;
    }
    if (cls !== runClass) {
      if (runClass !== OTHER) {
        if (runClass === HAN) starts.push(i);
        onRun(runClass === HAN, runStart, i, starts);
      }
      runClass = cls;
      runStart = i;
      starts.length = 0;
    }
    if (cls === HAN) starts.push(i);
    i += width;
  }
}

function normalise(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

/**
 * Offsets where a word switches between digits and non-digits ("gb32100" → [2]); empty when
 * it does not.
 */
function letterDigitBreaks(s: string, start: number, end: number): number[] {
  const breaks: number[] = [];
  let digit = isDigitAt(s, start, codePointAt(s, start));
  for (let i = start; i < end;) {
    const cp = codePointAt(s, i);
    const d = isDigitAt(s, i, cp);
    if (d !== digit) {
      breaks.push(i);
      digit = d;
    }
    i += cp > 0xffff ? 2 : 1;
  }
  return breaks;
}

/**
 * The tokens to store for a text, space-separated and deduplicated: for a Chinese run every
 * overlapping bigram plus its last character alone (so a one-character prefix search also
 * finds a character that ends a run); for other words the lower-cased word, and for a word
 * mixing letters and digits also each letter and digit part ("GB32100" → gb32100 gb 32100).
 * Full-width letters and digits are normalised (NFKC) first.
 * @example searchTokens('优抚对象（GB32100）') // '优抚 抚对 对象 象 gb32100 gb 32100'
 */
export function searchTokens(text: string): string {
  const s = normalise(text);
  const seen = new Set<string>();
  const out: string[] = [];
  const add = (token: string) => {
    if (!seen.has(token)) {
      seen.add(token);
      out.push(token);
    }
  };
  scan(s, (han, start, end, starts) => {
    if (han) {
      for (let k = 0; k + 2 < starts.length; k++) add(s.slice(starts[k], starts[k + 2]));
      add(s.slice(starts[starts.length - 2], end));
      return;
    }
    if (end - start <= MAX_WORD_LENGTH) add(s.slice(start, end));
    const breaks = letterDigitBreaks(s, start, end);
    if (breaks.length === 0) return;
    let from = start;
    for (const to of [...breaks, end]) {
      if (to - from <= MAX_WORD_LENGTH) add(s.slice(from, to));
      from = to;
    }
  });
  return out.join(' ');
}

/**
 * Turns what a user typed into an FTS5 MATCH expression and a tsquery, all parts AND-ed:
 * a Chinese run of two or more characters becomes its bigrams ("对象基础" → 对象 象基 基础),
 * a single Chinese character and every other word become prefix searches ("优" → 优*,
 * "gb3" → gb3*). Punctuation only separates words and every token is quoted, so no input
 * can reach either engine's query syntax. Null for a query with nothing to search for.
 * @example searchQuery('低保 2024')
 * // { fts5: '"低保" AND "2024"*', tsquery: "'低保' & '2024':*" }
 */
export function searchQuery(userText: string): SearchQuery {
  const s = normalise(userText);
  const parts: { token: string; prefix: boolean }[] = [];
  const seen = new Set<string>();
  const add = (token: string, prefix: boolean) => {
    const key = prefix ? `${token}*` : token;
    if (seen.has(key) || parts.length >= MAX_QUERY_PARTS) return;
    seen.add(key);
    parts.push({ token, prefix });
  };
  scan(s, (han, start, end, starts) => {
    if (han && starts.length > 2) {
      for (let k = 0; k + 2 < starts.length; k++) add(s.slice(starts[k], starts[k + 2]), false);
    } else if (end - start <= MAX_WORD_LENGTH) {
      add(s.slice(start, end), true);
    }
  });
  if (parts.length === 0) return { fts5: null, tsquery: null };
  const fts5 = parts.map((p) => `"${p.token.replaceAll('"', '""')}"${p.prefix ? '*' : ''}`);
  const tsquery = parts.map(
    (p) => `'${p.token.replaceAll('\\', '\\\\').replaceAll("'", "''")}'${p.prefix ? ':*' : ''}`,
  );
  return { fts5: fts5.join(' AND '), tsquery: tsquery.join(' & ') };
}
