import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateSm2KeyPair, sm2Sign, sm2Verify } from './sm2.ts';

test('[AUD-02] SM2 signatures verify with the public key and fail on any change', () => {
  const keys = generateSm2KeyPair();
  const other = generateSm2KeyPair();
  const signature = sm2Sign('checkpoint 42 abc', keys.privateKey);
  assert.equal(sm2Verify('checkpoint 42 abc', signature, keys.publicKey), true);
  assert.equal(sm2Verify('checkpoint 43 abc', signature, keys.publicKey), false);
  assert.equal(sm2Verify('checkpoint 42 abc', signature, other.publicKey), false);
  assert.equal(sm2Verify('checkpoint 42 abc', 'not-hex', keys.publicKey), false);
});
