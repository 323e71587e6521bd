import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CsvSyntaxError} from './csv-records.ts';
import { csvRecordBatches } from './csv-records.ts';

async function records(chunks: string[], delimiter = ',') {
  async function* source() {
    yield* chunks;
  }
  const out: [number, string[]][] = [];
  for await (const batch of csvRecordBatches(source(), delimiter)) {
    for (const r of batch) out.push([r.recordNumber, r.values]);
  }
  return out;
}

test('[COL-02] CSV records split on commas, quotes, doubled quotes and line breaks inside quotes', async () => {
  const text = 'a,b,c\r\n1,"x, y","say ""hi"""\n2,"two\nlines",\n\n,,\n3,last,z';
  const expected: [number, string[]][] = [
    [1, ['a', 'b', 'c']],
    [2, ['1', 'x, y', 'say "hi"']],
    [3, ['2', 'two\nlines', '']],
    [6, ['3', 'last', 'z']],
  ];
  assert.deepEqual(await records([text]), expected);
  // The same text cut at every position gives the same records.
  for (let cut = 1; cut < text.length; cut++) {
    assert.deepEqual(await records([text.slice(0, cut), text.slice(cut)]), expected, `cut ${cut}`);
  }
});

test('[COL-02] other delimiters and malformed quoting are reported with the record number', async () => {
  assert.deepEqual(await records(['a;b\n1;2\n'], ';'), [
    [1, ['a', 'b']],
    [2, ['1', '2']],
  ]);
  await assert.rejects(records(['a,b\n1,"open\n']), (e: CsvSyntaxError) => e.recordNumber === 2);
  assert.deepEqual((await records(['a,b\n5"寸,x\n']))[1], [2, ['5"寸', 'x']]);
  await assert.rejects(records(['a,b\n1,"x"y\n']), (e: CsvSyntaxError) => /闭合引号/.test(e.message));
});
