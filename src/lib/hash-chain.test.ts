import assert from 'node:assert/strict';
import { test } from 'node:test';
import canonicalize from 'canonicalize';
import { canonicalFlat, chainHash, GENESIS_HASH, type FlatValue } from './hash-chain.ts';

test('[AUD-02] the flat canonical form is RFC 8785 (same bytes as a general canonicaliser)', () => {
  const samples: Record<string, FlatValue>[] = [
    {
      seq: 1,
      at: '2026-01-01T00:00:00.000Z',
      action: 'auth.login',
      actor_name: '张三',
      detail: '{"a":"\\u0001é"}',
      n: null,
    },
    { z: 'line\nbreak "quoted" \\ back', a: -0, b: 1e21, c: 0.1, 中文: '值', emoji: '😀' },
  ];
  for (const sample of samples) assert.equal(canonicalFlat(sample), canonicalize(sample));
  assert.throws(() => canonicalFlat({ nested: { a: 1 } as never }), /not a scalar/);
});

test('[AUD-02] SM3 chain hashes change with any field and with the previous hash', () => {
  const base = { seq: 1, action: 'unit.update', actor_id: 'u1' };
  const h = chainHash('sm3', base, GENESIS_HASH);
  assert.match(h, /^[0-9a-f]{64}$/);
  assert.notEqual(chainHash('sm3', { ...base, actor_id: 'u2' }, GENESIS_HASH), h);
  assert.notEqual(chainHash('sm3', base, 'f'.repeat(64)), h);
  assert.notEqual(chainHash('sha256', base, GENESIS_HASH), h);
});
