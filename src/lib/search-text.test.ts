import assert from 'node:assert/strict';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import { searchQuery, searchTokens } from './search-text.ts';

/** Whether stored tokens satisfy a query, read back from its FTS5 form (all parts AND-ed). */
function matches(tokens: string, fts5: string | null): boolean {
  assert.ok(fts5 !== null);
  const stored = tokens.split(' ');
  const parts = [...fts5.matchAll(/"((?:[^"]|"")*)"(\*?)/g)];
  assert.ok(parts.length > 0);
  return parts.every(([, quotedToken, star]) => {
    const token = quotedToken!.replaceAll('""', '"');
    return star ? stored.some((t) => t.startsWith(token)) : stored.includes(token);
  });
}

function finds(text: string, query: string): boolean {
  return matches(searchTokens(text), searchQuery(query).fts5);
}

const NASTY = [
  '"',
  '""',
  '*',
  '"*"',
  'OR',
  'AND',
  'NOT',
  'NEAR(',
  'NEAR(a b, 3)',
  ':*',
  '&|!()',
  "'",
  "''",
  '\\',
  '^abc',
  'name:abc',
  '-abc',
  '+',
  '{a b}:c',
  '低保" OR "x',
  "优抚' | '低保",
  'a:* & !b',
  "'; drop table entries; --",
  '<->',
  '<2>',
];

test('a Chinese run is stored as overlapping bigrams plus its last character', () => {
  assert.equal(searchTokens('优抚对象基础信息'), '优抚 抚对 对象 象基 基础 础信 信息 息');
  assert.equal(searchTokens('优'), '优');
  assert.equal(searchTokens('低保，特困'), '低保 保 特困 困');
  assert.equal(searchTokens(''), '');
  assert.equal(searchTokens(' ，。！'), '');
});

test('words are lower-cased, and letter/digit words also stored in parts', () => {
  assert.equal(searchTokens('优抚对象（GB32100）'), '优抚 抚对 对象 象 gb32100 gb 32100');
  assert.equal(searchTokens('id_card API'), 'id card api');
  // Full-width letters and digits are normalised first.
  assert.equal(searchTokens('ＧＢ１１６４３'), searchTokens('GB11643'));
  // Chinese and digits without a space between them are separate runs.
  assert.equal(searchTokens('2024年低保'), '2024 年低 低保 保');
});

test('tokens are deduplicated and contain only letters and digits', () => {
  const tokens = searchTokens('低保低保低保 低保 LOW low Low, 低保');
  assert.equal(tokens, '低保 保低 保 low');
  const sample = searchTokens('民政局@example.com «城乡» 低保/特困——2024-01-01 ½ ① 𠀀𠀁');
  for (const token of sample.split(' ')) assert.match(token, /^[\p{L}\p{N}]+$/u);
});

test('extension A, compatibility and supplementary-plane ideographs are Chinese', () => {
  // 㐀 (ext A), 𠀀𠀁 (ext B) are bigrammed like any other character.
  assert.equal(searchTokens('㐀好'), '㐀好 好');
  assert.equal(searchTokens('𠀀𠀁好'), '𠀀𠀁 𠀁好 好');
  // A compatibility ideograph is folded by NFKC into its unified twin.
  assert.equal(searchTokens('\uF900'), searchTokens('\u8C48'));
});

test('a query of two or more Chinese characters is its bigrams AND-ed', () => {
  assert.deepEqual(searchQuery('优抚'), { fts5: '"优抚"', tsquery: "'优抚'" });
  assert.equal(searchQuery('对象基础').fts5, '"对象" AND "象基" AND "基础"');
  assert.equal(searchQuery('对象基础').tsquery, "'对象' & '象基' & '基础'");
  const stored = searchTokens('优抚对象基础信息');
  for (const token of ['优抚', '对象', '象基', '基础']) {
    assert.ok(stored.split(' ').includes(token), token);
  }
  assert.ok(finds('优抚对象基础信息', '优抚'));
  assert.ok(finds('优抚对象基础信息', '对象基础'));
  assert.ok(finds('优抚对象基础信息', '基础信息'));
  assert.ok(!finds('优抚对象基础信息', '优抚信息对象'));
  assert.ok(!finds('最低生活保障对象', '优抚'));
});

test('a single Chinese character is a prefix search', () => {
  assert.deepEqual(searchQuery('优'), { fts5: '"优"*', tsquery: "'优':*" });
  assert.ok(finds('优抚对象基础信息', '优'));
  assert.ok(finds('优抚对象基础信息', '息'), 'the last character of a run is found too');
  assert.ok(finds('重点优抚', '抚'));
  assert.ok(!finds('最低生活保障', '优'));
});

test('mixed Chinese and numbers: "低保 2024"', () => {
  const q = searchQuery('低保 2024');
  assert.deepEqual(q, { fts5: '"低保" AND "2024"*', tsquery: "'低保' & '2024':*" });
  assert.ok(finds('2024年低保对象名册', '低保 2024'));
  assert.ok(finds('低保对象（2024）', '低保 2024'));
  assert.ok(!finds('2023年低保对象名册', '低保 2024'));
  assert.ok(!finds('2024年特困人员名册', '低保 2024'));
  // The same query typed without a space or with full-width digits.
  assert.equal(searchQuery('低保２０２４').fts5, q.fts5);
});

test('Latin words are prefix searches; parts of code-like words are found', () => {
  assert.equal(searchQuery('GB3').fts5, '"gb3"*');
  assert.ok(finds('统一社会信用代码 GB32100', 'gb3'));
  assert.ok(finds('统一社会信用代码 GB32100', '32100'));
  assert.ok(finds('统一社会信用代码 GB32100', 'ＧＢ'));
  assert.ok(!finds('统一社会信用代码 GB32100', 'gb11643'));
});

test('a blank or punctuation-only query gives nulls', () => {
  for (const q of ['', '   ', '\t\n', '，。！', '"', '*', ':*', '&|!()', "'"]) {
    assert.deepEqual(searchQuery(q), { fts5: null, tsquery: null }, JSON.stringify(q));
  }
});

test('user input never reaches the query syntax', () => {
  const fts5Shape = /^"[^"]+"\*?(?: AND "[^"]+"\*?)*$/u;
  const tsShape = /^'[^']+'(?::\*)?(?: & '[^']+'(?::\*)?)*$/u;
  for (const input of NASTY) {
    const q = searchQuery(input);
    if (q.fts5 === null) {
      assert.equal(q.tsquery, null);
      continue;
    }
    assert.match(q.fts5, fts5Shape, input);
    assert.match(q.tsquery!, tsShape, input);
  }
  // Operators typed by the user are searched as words.
  assert.equal(searchQuery('OR').fts5, '"or"*');
  assert.equal(searchQuery('低保" OR "x').fts5, '"低保" AND "or"* AND "x"*');
  assert.equal(searchQuery('NEAR(a b, 3)').fts5, '"near"* AND "a"* AND "b"* AND "3"*');
});

test('a long pasted query is capped', () => {
  const q = searchQuery('民政'.repeat(500));
  // Deduplicated: only 民政 and 政民 remain.
  assert.equal(q.fts5, '"民政" AND "政民"');
  const words = Array.from({ length: 100 }, (_, i) => `w${i}`).join(' ');
  assert.equal(searchQuery(words).fts5!.split(' AND ').length, 32);
});

test('SQLite FTS5 (unicode61) finds entries by the generated query', () => {
  const db = new Database(':memory:');
  try {
    db.exec("CREATE VIRTUAL TABLE s USING fts5(tokens, tokenize = 'unicode61')");
    const rows = [
      '优抚对象基础信息',
      '最低生活保障对象（2024年）',
      '2023年低保对象名册',
      '特困人员救助供养信息 GB11643',
      '婚姻登记信息 or 离婚',
      '𠀀𠀁姓名用字',
    ];
    const insert = db.prepare('INSERT INTO s (rowid, tokens) VALUES (?, ?)');
    rows.forEach((text, i) => insert.run(i + 1, searchTokens(text)));
    const search = db.prepare<[string], { rowid: number }>(
      'SELECT rowid FROM s WHERE s MATCH ? ORDER BY rowid',
    );
    const find = (query: string) => {
      const fts5 = searchQuery(query).fts5;
      return fts5 === null ? [] : search.all(fts5).map((r) => r.rowid);
    };
    assert.deepEqual(find('优抚'), [1]);
    assert.deepEqual(find('对象基础'), [1]);
    assert.deepEqual(find('对象'), [1, 2, 3]);
    assert.deepEqual(find('优'), [1]);
    assert.deepEqual(find('息'), [1, 4, 5]);
    assert.deepEqual(find('对象 2024'), [2]);
    assert.deepEqual(find('gb116'), [4]);
    assert.deepEqual(find('11643'), [4]);
    assert.deepEqual(find('OR'), [5]);
    assert.deepEqual(find('𠀁姓'), [6]);
    for (const input of NASTY) assert.doesNotThrow(() => find(input), input);
    for (const input of NASTY) assert.doesNotThrow(() => find(`低保 ${input} 对象`), input);
  } finally {
    db.close();
  }
});

test(
  'PostgreSQL to_tsvector(simple) finds entries by the generated tsquery',
  { skip: process.env.TEST_DATABASE_URL ? false : 'TEST_DATABASE_URL is not set' },
  async () => {
    const client = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
    await client.connect();
    try {
      const hit = async (text: string, query: string) => {
        const tsquery = searchQuery(query).tsquery;
        if (tsquery === null) return false;
        const { rows } = await client.query<{ hit: boolean }>(
          "SELECT to_tsvector('simple', $1) @@ to_tsquery('simple', $2) AS hit",
          [searchTokens(text), tsquery],
        );
        return rows[0]!.hit;
      };
      assert.equal(await hit('优抚对象基础信息', '优抚'), true);
      assert.equal(await hit('优抚对象基础信息', '对象基础'), true);
      assert.equal(await hit('优抚对象基础信息', '优'), true);
      assert.equal(await hit('优抚对象基础信息', '低保'), false);
      assert.equal(await hit('2024年低保对象名册', '低保 2024'), true);
      assert.equal(await hit('2023年低保对象名册', '低保 2024'), false);
      assert.equal(await hit('统一社会信用代码 GB32100', 'gb3'), true);
      assert.equal(await hit('统一社会信用代码 GB32100', '32100'), true);
      for (const input of NASTY) {
        await assert.doesNotReject(hit('低保对象', input), input);
        await assert.doesNotReject(hit('低保对象', `低保 ${input} 对象`), input);
      }
    } finally {
      await client.end();
    }
  },
);

test('tokenising 50,000 entries takes well under a few seconds', () => {
  const text =
    '最低生活保障对象基础信息 记录城乡低保对象的家庭成员、收入、财产和保障金发放情况，' +
    '供公安、人力资源社会保障、卫生健康等部门比对核查使用（GB11643 公民身份号码）。';
  const start = performance.now();
  let total = 0;
  for (let i = 0; i < 50_000; i++) total += searchTokens(`${text}${i}`).length;
  const ms = performance.now() - start;
  assert.ok(total > 0);
  assert.ok(ms < 5_000, `${ms.toFixed(0)} ms`);
});
