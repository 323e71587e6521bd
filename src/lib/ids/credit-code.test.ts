import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  computeCreditCodeCheckChar,
  computeOrgCodeCheckChar,
  isValidCreditCode,
  makeCreditCode,
  parseCreditCode,
} from './credit-code.ts';
import type { CreditCodeResult } from './credit-code.ts';

// GB 32100-2015's worked example: "91350100M000100Y4Z" is wrong, the check character is 3.
const GB_EXAMPLE = '91350100M000100Y43';
const CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';

function errorCode(r: CreditCodeResult): string | null {
  return r.ok ? null : r.code;
}

describe('GB 32100 unified social credit code', () => {
  test('[ORG-03] accepts the standard example 91350100M000100Y43 and decodes it', () => {
    assert.deepEqual(parseCreditCode(GB_EXAMPLE), {
      ok: true,
      value: {
        code: GB_EXAMPLE,
        registrationAuthority: '9',
        orgType: '1',
        authorityName: '工商',
        orgTypeName: '企业',
        divisionCode: '350100',
        orgCode: 'M000100Y4',
        checkChar: '3',
      },
    });
  });

  test('[ORG-03] reproduces the standard worked example: check character 3, sum 1640', () => {
    assert.equal(computeCreditCodeCheckChar('91350100M000100Y4'), '3');
    // Σ = 1640, 1640 mod 31 = 28, 31 − 28 = 3 (as printed in the standard).
    assert.equal(1640 % 31, 28);
    assert.equal(computeOrgCodeCheckChar('M000100Y'), '4');
    assert.throws(() => computeCreditCodeCheckChar('91350100M000100Y'), RangeError);
    assert.throws(() => computeCreditCodeCheckChar('91350100M000100I4'), RangeError);
  });

  test('[ORG-03][COL-01] rejects a credit code with a wrong check character', () => {
    for (const wrong of ['91350100M000100Y42', '91350100M000100Y40', '91350100M000100Y4A']) {
      const r = parseCreditCode(wrong);
      assert.equal(errorCode(r), 'credit_code.check_char', wrong);
      assert.ok(!r.ok && r.message.includes('校验码错误'));
    }
    assert.ok(isValidCreditCode('91512081MA62K0260E'), 'a second published example');
    assert.ok(!isValidCreditCode('91512081MA62K0260F'));
  });

  test('[ORG-03][COL-01] rejects letters I, O, Z, S, V naming the position', () => {
    const z = parseCreditCode('91350100M000100Y4Z');
    assert.equal(errorCode(z), 'credit_code.charset');
    assert.ok(!z.ok && z.message.includes('第18位“Z”') && z.message.includes('I、O、Z、S、V'));
    for (const ch of 'IOSV') {
      const r = parseCreditCode(`91350100M${ch}00100Y43`);
      assert.equal(errorCode(r), 'credit_code.charset', ch);
      assert.ok(!r.ok && r.message.includes(`第10位“${ch}”`));
    }
    assert.equal(errorCode(parseCreditCode('91350100M000100Y4-')), 'credit_code.charset');
  });

  test('[ORG-03][COL-01] rejects empty input, wrong length and a non-numeric division part', () => {
    assert.equal(errorCode(parseCreditCode('  ')), 'credit_code.empty');
    const short = parseCreditCode('91350100M000100Y4');
    assert.equal(errorCode(short), 'credit_code.format');
    assert.ok(!short.ok && short.message.includes('当前为17位'));
    const division = parseCreditCode('9135A100M000100Y43');
    assert.equal(errorCode(division), 'credit_code.format');
    assert.ok(!division.ok && division.message.includes('第3–8位'));
  });

  test('[ORG-03] rejects a code whose organisation code (9–17) has a wrong check digit', () => {
    // Right 18th character, but M000100Y's GB 11714 check digit is 4, not 5.
    const first17 = '91350100M000100Y5';
    const code = first17 + computeCreditCodeCheckChar(first17);
    assert.equal(errorCode(parseCreditCode(code)), 'credit_code.org_code');
    assert.ok(parseCreditCode(code, { checkOrgCode: false }).ok);
  });

  test('[ORG-03] GB 11714 maps 10 to X and 11 to 0', () => {
    // MA62K026: Σ = 330 ≡ 0 (mod 11) → 11 → '0' (published code 91512081MA62K0260E).
    assert.equal(computeOrgCodeCheckChar('MA62K026'), '0');
    const x = [...Array(100).keys()]
      .map((n) => `D${String(n).padStart(7, '0')}`)
      .find((b) => computeOrgCodeCheckChar(b) === 'X');
    assert.ok(x, 'some body has check digit X');
    assert.ok(
      isValidCreditCode(
        makeCreditCode({ authority: '5', orgType: '1', division: '110105', body8: x }),
      ),
    );
  });

  test('[ORG-03] a weighted sum divisible by 31 gives check character 0', () => {
    // The 2nd position has weight 3, coprime to 31: exactly one character makes Σ ≡ 0.
    const hits = [...CHARSET].filter(
      (c) => computeCreditCodeCheckChar(`9${c}350100M000100Y4`) === '0',
    );
    assert.equal(hits.length, 1);
    assert.ok(parseCreditCode(`9${hits[0]}350100M000100Y40`).ok);
  });

  test('[ORG-03] accepts lowercase input and labels civil-affairs registrations', () => {
    const r = parseCreditCode(' 91350100m000100y43 ');
    assert.ok(r.ok && r.value.code === GB_EXAMPLE);
    const ngo = makeCreditCode({
      authority: '5',
      orgType: '1',
      division: '110105',
      body8: 'MJ000001',
    });
    const parsed = parseCreditCode(ngo);
    assert.ok(parsed.ok);
    assert.equal(parsed.value.authorityName, '民政');
    assert.equal(parsed.value.orgTypeName, '社会团体');
  });

  test('makeCreditCode rebuilds the standard example and refuses bad parts', () => {
    assert.equal(
      makeCreditCode({ authority: '9', orgType: '1', division: '350100', body8: 'M000100Y' }),
      GB_EXAMPLE,
    );
    assert.throws(
      () => makeCreditCode({ authority: '9', orgType: '1', division: '3501', body8: 'M000100Y' }),
      RangeError,
    );
    assert.throws(
      () => makeCreditCode({ authority: '9', orgType: '1', division: '350100', body8: 'O000100Y' }),
      RangeError,
    );
  });
});
