import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  computeCitizenIdCheckChar,
  isValidCitizenId,
  makeCitizenId,
  maskCitizenId,
  parseCitizenId,
} from './citizen-id.ts';
import type { CitizenIdResult } from './citizen-id.ts';

// The two examples printed in GB 11643-1999 (appendix).
const GB_EXAMPLE = '11010519491231002X';
const GB_EXAMPLE_1880 = '440524188001010014';
const TODAY = { today: '2026-06-01' };

function errorCode(r: CitizenIdResult): string | null {
  return r.ok ? null : r.code;
}

describe('GB 11643 citizen ID number', () => {
  test('[COL-01] accepts the standard example 11010519491231002X and decodes it', () => {
    assert.deepEqual(parseCitizenId(GB_EXAMPLE, TODAY), {
      ok: true,
      value: {
        id18: GB_EXAMPLE,
        divisionCode: '110105',
        birthDate: '1949-12-31',
        sex: 'female',
        legacy15: false,
      },
    });
  });

  test('[COL-01] computes the check characters of both standard examples', () => {
    assert.equal(computeCitizenIdCheckChar(GB_EXAMPLE.slice(0, 17)), 'X');
    assert.equal(computeCitizenIdCheckChar(GB_EXAMPLE_1880.slice(0, 17)), '4');
    assert.throws(() => computeCitizenIdCheckChar('1101051949123100'), RangeError);
  });

  test('[COL-01] rejects an ID number with a wrong check character without revealing it', () => {
    for (const wrong of ['110105194912310021', '110105194912310020', '11010519491231002']) {
      const r = parseCitizenId(wrong.length === 17 ? `${wrong}9` : wrong, TODAY);
      assert.equal(errorCode(r), 'id.check_char');
      assert.ok(!r.ok && r.message.includes('校验码错误'));
      assert.ok(!r.ok && !r.message.includes('X'), 'the expected character is not shown');
    }
  });

  test('[COL-01] accepts a lowercase x and surrounding whitespace', () => {
    const r = parseCitizenId('  11010519491231002x\t', TODAY);
    assert.ok(r.ok);
    assert.equal(r.value.id18, GB_EXAMPLE);
    assert.ok(isValidCitizenId(' 11010519491231002x ', TODAY));
  });

  test('[COL-01] rejects an empty ID number', () => {
    for (const input of ['', '   ', '\n']) {
      assert.deepEqual(parseCitizenId(input), {
        ok: false,
        code: 'id.empty',
        message: '身份证号码为空',
      });
    }
  });

  test('[COL-01] rejects wrong lengths and characters with a specific message', () => {
    const short = parseCitizenId('1101051949123100', TODAY);
    assert.equal(errorCode(short), 'id.format');
    assert.ok(!short.ok && short.message.includes('当前为16位'));
    for (const bad of ['1101051949123100XX', '11010519491231A02X', 'X10105194912310021']) {
      assert.equal(errorCode(parseCitizenId(bad, TODAY)), 'id.format', bad);
    }
    assert.equal(errorCode(parseCitizenId('11010549123100X', TODAY)), 'id.format');
  });

  test('[COL-01] rejects an unknown province code and accepts HK/Macao/Taiwan permits', () => {
    const r = parseCitizenId(makeCitizenId('991234', '19800101', '001'), TODAY);
    assert.equal(errorCode(r), 'id.division');
    assert.ok(!r.ok && r.message.includes('“99”'));
    assert.equal(
      errorCode(parseCitizenId(makeCitizenId('001234', '19800101', '001'), TODAY)),
      'id.division',
    );
    // Residence permits of Hong Kong, Macao and Taiwan residents: 810000 / 820000 / 830000.
    for (const prefix of ['810000', '820000', '830000']) {
      assert.ok(isValidCitizenId(makeCitizenId(prefix, '19800101', '001'), TODAY), prefix);
    }
    // Historic county codes are accepted: only the province part is checked.
    assert.ok(isValidCitizenId(makeCitizenId('132201', '19600101', '001'), TODAY));
  });

  test('[COL-01] rejects impossible, too early and future birth dates', () => {
    const feb30 = parseCitizenId(makeFirst17Id('110105', '19490230'), TODAY);
    assert.equal(errorCode(feb30), 'id.birth_date');
    assert.ok(
      !feb30.ok && feb30.message.includes('19490230') && feb30.message.includes('不是有效日期'),
    );
    assert.equal(
      errorCode(parseCitizenId(makeFirst17Id('110105', '19000229'), TODAY)),
      'id.birth_date',
    );
    assert.ok(isValidCitizenId(makeCitizenId('110105', '20000229', '001'), TODAY));
    // The 1880 example has a correct check character but predates 1900-01-01.
    const old = parseCitizenId(GB_EXAMPLE_1880, TODAY);
    assert.equal(errorCode(old), 'id.birth_date');
    assert.ok(!old.ok && old.message.includes('早于1900年1月1日'));
    assert.ok(isValidCitizenId(makeCitizenId('110105', '19000101', '001'), TODAY));
    const born = makeCitizenId('110105', '20260102', '001');
    assert.equal(errorCode(parseCitizenId(born, { today: '2026-01-01' })), 'id.birth_date');
    assert.ok(isValidCitizenId(born, { today: '2026-01-02' }));
    // A Date is taken as its Shanghai date: 16:30 UTC on 1 Jan is 2 Jan in Beijing.
    assert.ok(isValidCitizenId(born, { today: new Date('2026-01-01T16:30:00Z') }));
    assert.ok(!isValidCitizenId(born, { today: new Date('2026-01-01T15:30:00Z') }));
    assert.ok(!isValidCitizenId(makeCitizenId('110105', '29990101', '001')), 'future vs clock');
  });

  test('[COL-01] converts a 15-digit first-generation number to 18 digits', () => {
    assert.deepEqual(parseCitizenId('110105491231002', TODAY), {
      ok: true,
      value: {
        id18: GB_EXAMPLE,
        divisionCode: '110105',
        birthDate: '1949-12-31',
        sex: 'female',
        legacy15: true,
      },
    });
    const male = parseCitizenId('440524800101001', TODAY);
    assert.ok(
      male.ok && male.value.sex === 'male' && male.value.id18.startsWith('44052419800101001'),
    );
    const bad = parseCitizenId('110105491331002', TODAY);
    assert.equal(errorCode(bad), 'id.birth_date');
    assert.ok(!bad.ok && bad.message.includes('“491331”'), 'shows the digits as typed');
  });

  test('[COL-01] isValidCitizenId agrees with parseCitizenId', () => {
    const inputs = [
      GB_EXAMPLE,
      GB_EXAMPLE_1880,
      '110105491231002',
      '110105194912310021',
      '',
      'abc',
    ];
    for (let seq = 0; seq < 200; seq++) {
      const id = makeCitizenId('440106', '19851107', seq);
      inputs.push(id, id.slice(0, 17) + (id[17] === '0' ? '1' : '0'));
    }
    for (const input of inputs) {
      assert.equal(isValidCitizenId(input, TODAY), parseCitizenId(input, TODAY).ok, input);
    }
  });

  test('[COL-01] sex follows the parity of the 17th digit', () => {
    const odd = parseCitizenId(makeCitizenId('320102', '19700101', '123'), TODAY);
    const even = parseCitizenId(makeCitizenId('320102', '19700101', '124'), TODAY);
    assert.ok(odd.ok && odd.value.sex === 'male');
    assert.ok(even.ok && even.value.sex === 'female');
  });

  test('makeCitizenId builds the standard example and refuses bad parts', () => {
    assert.equal(makeCitizenId('110105', '19491231', '002'), GB_EXAMPLE);
    assert.equal(makeCitizenId('110105', '19491231', 2), GB_EXAMPLE);
    assert.throws(() => makeCitizenId('11010', '19491231', 2), RangeError);
    assert.throws(() => makeCitizenId('110105', '19491331', 2), RangeError);
    assert.throws(() => makeCitizenId('110105', '19491231', 1000), RangeError);
  });

  test('maskCitizenId shows the first 6 and last 4 characters only', () => {
    assert.equal(maskCitizenId(GB_EXAMPLE), '110105********002X');
    assert.equal(maskCitizenId('110105491231002'), '110105*****1002');
    assert.equal(maskCitizenId('12345'), '*****');
  });
});

/** An 18-digit number with a possibly impossible date but a correct check character. */
function makeFirst17Id(division: string, birth: string): string {
  const first17 = `${division}${birth}001`;
  return first17 + computeCitizenIdCheckChar(first17);
}
