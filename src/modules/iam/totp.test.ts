import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { generate, generateSecret } from 'otplib';
import {
  createTotpSecret,
  DEFAULT_TOTP_ISSUER,
  matchTotpStep,
  totpStep,
  verifyTotp,
} from './totp.ts';

// 15 s into the step that starts at 2025-01-01T00:00:00Z (1735689600 / 30 = 57856320).
const AT = new Date('2025-01-01T00:00:15Z');
const STEP = 57_856_320;

/** The code of `secret` for the step `offset` steps away from AT, computed by otplib itself. */
function codeAt(secret: string, offset: number): Promise<string> {
  return generate({ secret, epoch: Math.floor(AT.getTime() / 1000) + offset * 30 });
}

/** A six-digit code that is none of the codes within ±2 steps of AT. */
async function wrongCode(secret: string): Promise<string> {
  const near = new Set(await Promise.all([-2, -1, 0, 1, 2].map((o) => codeAt(secret, o))));
  for (let n = 0; ; n++) {
    const candidate = String(n).padStart(6, '0');
    if (!near.has(candidate)) return candidate;
  }
}

describe('TOTP second factor (动态口令)', () => {
  test('[IAM-07] a new secret is Base32 and its otpauth URL names the issuer and account', async () => {
    const { secret, otpauthUrl } = await createTotpSecret('zhangwei');
    assert.match(secret, /^[A-Z2-7]{32}$/); // 20 random bytes
    const url = new URL(otpauthUrl);
    assert.equal(url.protocol, 'otpauth:');
    assert.equal(url.host, 'totp');
    assert.equal(decodeURIComponent(url.pathname), `/${DEFAULT_TOTP_ISSUER}:zhangwei`);
    assert.equal(url.searchParams.get('secret'), secret);
    assert.equal(url.searchParams.get('issuer'), 'mzhub 民政数据共享平台');

    const other = await createTotpSecret('lina', '某市民政局');
    assert.notEqual(other.secret, secret);
    assert.equal(new URL(other.otpauthUrl).searchParams.get('issuer'), '某市民政局');
  });

  test('[IAM-07] the code of the current step is accepted', async () => {
    const { secret } = await createTotpSecret('zhangwei');
    assert.equal(await verifyTotp(secret, await codeAt(secret, 0), AT), true);
    // Anywhere inside the same 30-second step.
    assert.equal(
      await verifyTotp(secret, await codeAt(secret, 0), new Date('2025-01-01T00:00:00Z')),
      true,
    );
    assert.equal(
      await verifyTotp(secret, await codeAt(secret, 0), new Date('2025-01-01T00:00:29.999Z')),
      true,
    );
  });

  test('[IAM-07] one step of clock drift either way is accepted, two are not', async () => {
    const secret = generateSecret();
    assert.equal(await verifyTotp(secret, await codeAt(secret, -1), AT), true);
    assert.equal(await verifyTotp(secret, await codeAt(secret, 1), AT), true);
    // A code may collide with another step's by chance (1 in 10^6); skip that case.
    const current = new Set(await Promise.all([-1, 0, 1].map((o) => codeAt(secret, o))));
    for (const offset of [-2, 2, -10]) {
      const code = await codeAt(secret, offset);
      if (!current.has(code))
        assert.equal(await verifyTotp(secret, code, AT), false, `offset ${offset}`);
    }
  });

  test('[IAM-07] a wrong code or a code of another secret is refused', async () => {
    const secret = generateSecret();
    assert.equal(await verifyTotp(secret, await wrongCode(secret), AT), false);
    const other = generateSecret();
    const foreign = await codeAt(other, 0);
    const near = new Set(await Promise.all([-1, 0, 1].map((o) => codeAt(secret, o))));
    if (!near.has(foreign)) assert.equal(await verifyTotp(secret, foreign, AT), false);
  });

  test('[IAM-07] anything that is not exactly six digits is refused', async () => {
    const secret = generateSecret();
    const code = await codeAt(secret, 0);
    for (const token of [
      '',
      code.slice(0, 5),
      `${code}0`,
      ` ${code}`,
      `${code}\n`,
      `${code.slice(0, 3)} ${code.slice(3)}`,
      'abcdef',
      '１２３４５６', // full-width digits
      '12345.',
    ]) {
      assert.equal(await verifyTotp(secret, token, AT), false, JSON.stringify(token));
    }
  });

  test('[IAM-07] totpStep is the RFC 6238 step: floor(unix seconds / 30)', () => {
    assert.equal(totpStep(AT), STEP);
    assert.equal(totpStep(new Date('2025-01-01T00:00:00Z')), STEP);
    assert.equal(totpStep(new Date('2025-01-01T00:00:29.999Z')), STEP);
    assert.equal(totpStep(new Date('2025-01-01T00:00:30Z')), STEP + 1);
    assert.equal(totpStep(new Date(0)), 0);
    assert.throws(() => totpStep(new Date(Number.NaN)), RangeError);
  });

  test('[IAM-07] matchTotpStep returns the step the code belongs to, drift included', async () => {
    const secret = generateSecret();
    assert.equal(await matchTotpStep(secret, await codeAt(secret, 0), AT), STEP);
    assert.equal(await matchTotpStep(secret, await codeAt(secret, -1), AT), STEP - 1);
    assert.equal(await matchTotpStep(secret, await codeAt(secret, 1), AT), STEP + 1);
    assert.equal(await matchTotpStep(secret, await wrongCode(secret), AT), null);
    assert.equal(await matchTotpStep(secret, 'x', AT), null);
  });

  test('[IAM-07] replay guard: a code of a step already used is refused, the next step is not', async () => {
    const secret = generateSecret();
    const code = await codeAt(secret, 0);
    const used = await matchTotpStep(secret, code, AT);
    assert.equal(used, STEP);
    // Same code again within the step, or 20 s later from the next step: refused.
    assert.equal(await verifyTotp(secret, code, AT, { afterStep: used }), false);
    assert.equal(
      await verifyTotp(secret, code, new Date(AT.getTime() + 20_000), { afterStep: used }),
      false,
    );
    // The following step's code is still accepted.
    assert.equal(await verifyTotp(secret, await codeAt(secret, 1), AT, { afterStep: used }), true);
    // An ahead-of-time code (step + 1) that was used blocks the current one too.
    assert.equal(
      await verifyTotp(secret, await codeAt(secret, 0), AT, { afterStep: STEP + 1 }),
      false,
    );
    // A recorded step far in the future (clock moved back) refuses everything, without throwing.
    assert.equal(
      await verifyTotp(secret, await codeAt(secret, 0), AT, { afterStep: STEP + 99 }),
      false,
    );
    // No record yet.
    assert.equal(await verifyTotp(secret, code, AT, { afterStep: null }), true);
  });

  test('[IAM-07] an invalid secret throws instead of passing as a wrong code', async () => {
    await assert.rejects(verifyTotp('not base32!', '123456', AT));
    await assert.rejects(verifyTotp('ABCDEFGH', '123456', AT)); // 5 bytes: below the RFC minimum
  });
});
