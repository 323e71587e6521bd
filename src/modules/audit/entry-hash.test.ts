import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canonicalFlat, chainHash } from '../../lib/hash-chain.ts';
import { entryCanonical, entryHash } from './entry-hash.ts';
import { hashedContent } from './service.ts';

test('[AUD-02] the fast entry encoding is byte for byte the RFC 8785 canonical JSON', () => {
  const entries = [
    {
      seq: 7,
      at: '2026-11-22T04:28:49.682Z',
      actor_id: 'u1',
      actor_name: '张三',
      actor_unit_id: 'n1',
      action: 'exchange.query',
      result: 'success' as const,
      target_type: 'resource',
      target_id: 'r1',
      target_unit_id: 'n2',
      fields: '["name","citizen_id"]',
      record_count: 1,
      grant_id: 'g1',
      purpose: '低保审核 "引号" \\ 反斜杠\n换行',
      client_ip: '10.0.0.1',
      request_id: 'req',
      detail: '{"a":1}',
    },
    {
      seq: 8,
      at: '2026-11-22T04:28:49.682Z',
      actor_id: null,
      actor_name: null,
      actor_unit_id: null,
      action: 'auth.login',
      result: 'failure' as const,
      target_type: null,
      target_id: null,
      target_unit_id: null,
      fields: null,
      record_count: null,
      grant_id: null,
      purpose: null,
      client_ip: null,
      request_id: null,
      detail: null,
    },
  ];
  const prev = 'ab'.repeat(32);
  for (const e of entries) {
    assert.equal(entryCanonical(e, prev), canonicalFlat({ ...hashedContent(e), prev_hash: prev }));
    assert.equal(entryHash(e, prev), chainHash('sm3', hashedContent(e), prev));
  }
});
