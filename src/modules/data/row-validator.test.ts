import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DataItem } from '../catalog/elements.ts';
import { createPeopleGenerator } from '../../lib/demo/people.ts';
import { loadNationalTable } from '../../lib/divisions/national.ts';
import { compileRowValidator, KEY_SEPARATOR } from './row-validator.ts';
import type { RowResult } from './row-validator.ts';

type ItemInput = Partial<DataItem> & Pick<DataItem, 'name' | 'identifier' | 'type'>;
const item = (input: ItemInput): DataItem => DataItem.parse(input);

/** Validates one value of a single-item resource. */
function one(input: ItemInput, value: string | undefined, options = {}): RowResult {
  return compileRowValidator([item(input)], options)([value]);
}
function valueOf(input: ItemInput, value: string): unknown {
  const r = one(input, value);
  assert.ok(r.ok, `expected ${JSON.stringify(value)} to pass: ${JSON.stringify(r)}`);
  return r.data[input.identifier];
}
function errorOf(input: ItemInput, value: string, options = {}): { code: string; reason: string } {
  const r = one(input, value, options);
  assert.ok(!r.ok, `expected ${JSON.stringify(value)} to fail`);
  assert.equal(r.errors.length, 1);
  return r.errors[0]!;
}

const id: ItemInput = {
  name: '身份证号',
  identifier: 'id_number',
  type: 'C',
  length: 18,
  rule: { kind: 'citizen_id' },
};

const text = (length: number | null = null): ItemInput => ({
  name: '名称',
  identifier: 'name',
  type: 'C',
  length,
});

describe('row validator: required values and text', () => {
  test('[COL-02] trims values, maps blanks to null and reports empty required or key items', () => {
    const validate = compileRowValidator([
      item({ name: '身份证号', identifier: 'id_number', type: 'C', length: 18, isKey: true }),
      item({ name: '姓名', identifier: 'name', type: 'C', length: 50, required: true }),
      item({ name: '备注', identifier: 'note', type: 'M' }),
    ]);
    assert.deepEqual(validate(['  11010519491231002X ', '\u3000张三\t', '   ']), {
      ok: true,
      data: { id_number: '11010519491231002X', name: '张三', note: null },
      key: '11010519491231002X',
    });
    const r = validate(['', ' ', undefined]);
    assert.ok(!r.ok);
    assert.deepEqual(
      r.errors.map((e) => [e.field, e.name, e.value, e.code, e.reason]),
      [
        ['id_number', '身份证号', '', 'row.required', '主键信息项不能为空'],
        ['name', '姓名', ' ', 'row.required', '必填项不能为空'],
      ],
    );
  });

  test('[COL-02] limits text length in characters, not UTF-16 units', () => {
    assert.deepEqual(errorOf(text(18), '1'.repeat(25)), {
      field: 'name',
      name: '名称',
      value: '1'.repeat(25),
      code: 'row.too_long',
      reason: '长度 25 超过上限 18',
    });
    // 𠀀 (U+20000) is one character in two UTF-16 units.
    assert.equal(valueOf(text(3), '𠀀𠀀𠀀'), '𠀀𠀀𠀀');
    assert.equal(errorOf(text(3), '𠀀𠀀𠀀𠀀').reason, '长度 4 超过上限 3');
    assert.equal(valueOf(text(null), 'x'.repeat(100_000)), 'x'.repeat(100_000));
  });

  test('[COL-02] lists every failing item of a row, in item order', () => {
    const validate = compileRowValidator([
      item({ name: '出生日期', identifier: 'birth_date', type: 'D' }),
      item({ name: '人数', identifier: 'members', type: 'I' }),
      item({ name: '姓名', identifier: 'name', type: 'C', length: 2 }),
    ]);
    const r = validate(['2023-02-30', '1.5', '欧阳娜娜']);
    assert.ok(!r.ok);
    assert.deepEqual(
      r.errors.map((e) => e.code),
      ['row.date', 'row.not_integer', 'row.too_long'],
    );
    assert.equal(r.errors[0]!.reason, '不是有效日期：2023-02-30（应为 YYYY-MM-DD）');
  });
});

describe('row validator: numbers', () => {
  const money: ItemInput = { name: '金额', identifier: 'amount', type: 'Y', length: 10, scale: 2 };

  test('[COL-02] accepts plain decimals and returns numbers', () => {
    assert.equal(valueOf(money, '1234.5'), 1234.5);
    assert.equal(valueOf(money, '-12.50'), -12.5);
    assert.equal(valueOf(money, '0007'), 7);
    assert.equal(valueOf(money, '-0'), 0);
    assert.ok(Object.is(valueOf(money, '-0.00'), 0));
    assert.equal(valueOf({ ...money, type: 'N', length: null, scale: null }, '3.14159'), 3.14159);
  });

  test('[COL-02] refuses thousands separators, exponents and other non-numbers', () => {
    for (const bad of ['1,000', '1e5', '1E5', '.5', '5.', '+5', '--5', '1 000', '¥12', 'abc', '-']) {
      assert.equal(errorOf(money, bad).code, 'row.not_number', bad);
    }
    assert.match(errorOf(money, '1,000').reason, /^不是有效数字：1,000（/);
  });

  test('[COL-02] checks decimals and digits as DECIMAL(length, scale)', () => {
    assert.deepEqual(errorOf(money, '1.234'), {
      field: 'amount',
      name: '金额',
      value: '1.234',
      code: 'row.scale',
      reason: '小数位数 3 超过上限 2',
    });
    assert.equal(valueOf(money, '1.230'), 1.23, 'trailing zeros of the fraction do not count');
    assert.equal(valueOf(money, '99999999.99'), 99999999.99);
    const tooBig = errorOf(money, '123456789');
    assert.equal(tooBig.code, 'row.too_many_digits');
    assert.equal(tooBig.reason, '整数部分 9 位超过上限 8 位（共 10 位，其中小数 2 位）');
    const noScale: ItemInput = { name: '数量', identifier: 'qty', type: 'N', length: 5 };
    assert.equal(errorOf(noScale, '1234.56').reason, '数字位数 6 超过上限 5');
  });

  test('[COL-02] refuses N/Y values a double cannot hold exactly', () => {
    const wide: ItemInput = { name: '金额', identifier: 'amount', type: 'N', length: 30 };
    assert.equal(valueOf(wide, '123456789012345'), 123456789012345);
    assert.equal(errorOf(wide, '1234567890123456').code, 'row.precision');
    // B/F are floating point by definition.
    assert.equal(valueOf({ ...wide, type: 'F' }, '1.2345678901234567'), 1.2345678901234567);
  });

  test('[COL-02] integers stay within ±(2^53 − 1)', () => {
    const int: ItemInput = { name: '人数', identifier: 'members', type: 'I' };
    assert.equal(valueOf(int, '-42'), -42);
    assert.equal(valueOf(int, '9007199254740991'), 9007199254740991);
    assert.equal(errorOf(int, '9007199254740992').code, 'row.out_of_range');
    assert.equal(errorOf(int, '123456789012345678901234').code, 'row.out_of_range');
    assert.equal(errorOf(int, '1.5').code, 'row.not_integer');
    assert.equal(errorOf(int, '1e3').code, 'row.not_number');
    assert.equal(errorOf({ ...int, length: 3 }, '1234').reason, '数字位数 4 超过上限 3');
  });
});

describe('row validator: dates, times and logical values', () => {
  const date: ItemInput = { name: '出生日期', identifier: 'birth_date', type: 'D' };
  const time: ItemInput = { name: '办理时间', identifier: 'handled_at', type: 'T' };
  const flag: ItemInput = { name: '是否在世', identifier: 'alive', type: 'L' };

  test('[COL-02] normalises the usual date spellings to YYYY-MM-DD', () => {
    for (const [input, expected] of [
      ['2023-02-05', '2023-02-05'],
      ['2023-2-5', '2023-02-05'],
      ['2023/02/05', '2023-02-05'],
      ['2023/2/5', '2023-02-05'],
      ['20230205', '2023-02-05'],
      ['2023年2月5日', '2023-02-05'],
      ['2023年12月25日', '2023-12-25'],
      ['2024-02-29', '2024-02-29'],
      ['2023-02-05 00:00:00', '2023-02-05'],
    ]) {
      assert.equal(valueOf(date, input!), expected, input);
    }
  });

  test('[COL-02] refuses dates that do not exist or are spelled otherwise', () => {
    for (const bad of [
      '2023-02-30',
      '2023-02-29',
      '2023-13-01',
      '2023-00-10',
      '23-02-05',
      '202302051',
      '2023-02/05',
      '2023年2月5',
      '2023-02-05 12:00:00',
      '0999-01-01',
      '2023.02.05',
    ]) {
      assert.equal(errorOf(date, bad).code, 'row.date', bad);
    }
    assert.equal(errorOf(date, '2023-02-30').reason, '不是有效日期：2023-02-30（应为 YYYY-MM-DD）');
  });

  test('[COL-02] normalises date-times to YYYY-MM-DDTHH:mm:ss and checks the time', () => {
    for (const [input, expected] of [
      ['2023-02-05T09:05:07', '2023-02-05T09:05:07'],
      ['2023-02-05 09:05:07', '2023-02-05T09:05:07'],
      ['2023-02-05 9:05', '2023-02-05T09:05:00'],
      ['2023/2/5 23:59:59', '2023-02-05T23:59:59'],
      ['2023-02-05 12:00:00.000', '2023-02-05T12:00:00'],
      ['2023-02-05', '2023-02-05T00:00:00'],
    ]) {
      assert.equal(valueOf(time, input!), expected, input);
    }
    for (const bad of [
      '2023-02-05 24:00:00',
      '2023-02-05 12:60',
      '2023-02-05 12:00:61',
      '2023-02-05 12',
      '2023-02-30 12:00',
      '2023-02-05 12:00+08:00',
      '2023-02-05T12:00:00Z',
    ]) {
      assert.equal(errorOf(time, bad).code, 'row.datetime', bad);
    }
  });

  test('[COL-02] reads 是/否, true/false, 1/0, Y/N, T/F in any case', () => {
    for (const yes of ['是', 'true', 'TRUE', 'True', '1', 'y', 'Y', 't', 'T']) {
      assert.equal(valueOf(flag, yes), true, yes);
    }
    for (const no of ['否', 'false', 'FALSE', 'fAlSe', '0', 'n', 'N', 'f', 'F']) {
      assert.equal(valueOf(flag, no), false, no);
    }
    for (const bad of ['yes', '对', '2', '√']) assert.equal(errorOf(flag, bad).code, 'row.boolean');
  });
});

describe('row validator: rules', () => {
  test('[COL-01] rejects citizen ID numbers with a wrong check character or impossible date', () => {
    const wrong = errorOf(id, '110105194912310021');
    assert.equal(wrong.code, 'row.citizen_id');
    assert.match(wrong.reason, /校验码错误/);
    assert.match(errorOf(id, '110105194902300020').reason, /出生日期/);
    assert.match(errorOf(id, '11010519491231002').reason, /应为18位/);
  });

  test('[COL-01] stores citizen ID numbers as 18 characters with an upper-case X', () => {
    assert.equal(valueOf(id, '11010519491231002x'), '11010519491231002X');
    assert.equal(valueOf(id, '110105491231002'), '11010519491231002X', '15 digits converted');
  });

  test('[COL-01] rejects a unified social credit code with a wrong check character', () => {
    const credit: ItemInput = {
      name: '统一社会信用代码',
      identifier: 'credit_code',
      type: 'C',
      length: 18,
      rule: { kind: 'credit_code' },
    };
    assert.equal(valueOf(credit, '91350100m000100y43'), '91350100M000100Y43');
    const bad = errorOf(credit, '91350100M000100Y44');
    assert.equal(bad.code, 'row.credit_code');
    assert.match(bad.reason, /校验码错误/);
    assert.match(errorOf(credit, '91350100M000100Y4Z').reason, /第18位“Z”不是有效字符/);
    assert.match(errorOf(credit, '91350100M000100Y4').reason, /应为18位/);
  });

  test('[COL-02] division codes: 6, 9 or 12 digits, and known when a lookup is given', () => {
    const division: ItemInput = {
      name: '行政区划',
      identifier: 'division_code',
      type: 'C',
      length: 12,
      rule: { kind: 'division_code' },
    };
    for (const ok of ['110105', '441900003', '441900003001']) assert.equal(valueOf(division, ok), ok);
    for (const bad of ['11010', '1101050', '11010a', '1234567890']) {
      assert.equal(errorOf(division, bad).code, 'row.division_code', bad);
    }
    const known = { isDivisionCode: (c: string) => c === '110105' };
    assert.ok(one(division, '110105', known).ok);
    assert.equal(errorOf(division, '110199', known).reason, '行政区划代码不存在：110199');
  });

  test('[COL-02] phone numbers: mainland mobiles or landlines with the area code', () => {
    const phone: ItemInput = {
      name: '联系电话',
      identifier: 'phone',
      type: 'C',
      length: 20,
      rule: { kind: 'phone' },
    };
    for (const ok of ['13812345678', '19912345678', '010-12345678', '01012345678', '0755-1234567', '0755-12345678-801']) {
      assert.equal(valueOf(phone, ok), ok, ok);
    }
    for (const bad of ['12812345678', '1381234567', '+8613812345678', '138 1234 5678', '12345678', '010-0234567', '(010)12345678']) {
      assert.equal(errorOf(phone, bad).code, 'row.phone', bad);
    }
  });

  test('[COL-02] enum values match exactly; patterns are anchored to the whole value', () => {
    const sex: ItemInput = {
      name: '性别',
      identifier: 'sex',
      type: 'C',
      length: 1,
      rule: { kind: 'enum', values: ['男', '女'] },
    };
    assert.equal(valueOf(sex, ' 女 '), '女');
    assert.equal(errorOf(sex, '男性').code, 'row.enum');
    assert.equal(errorOf(sex, '男性').reason, '“男性”不是可选值（可选值：男、女）');
    const level: ItemInput = {
      name: '等级',
      identifier: 'level',
      type: 'C',
      rule: { kind: 'pattern', pattern: 'A|B[0-9]' },
      description: '填 A 或 B 加一位数字',
    };
    assert.equal(valueOf(level, 'B7'), 'B7');
    assert.equal(errorOf(level, 'AB7').code, 'row.pattern', 'not a partial match');
    assert.equal(errorOf(level, 'B77').reason, '“B77”不符合规定的格式：填 A 或 B 加一位数字');
    assert.throws(
      () => compileRowValidator([item({ ...level, rule: { kind: 'pattern', pattern: '(' } })]),
      /信息项“等级”（level）的正则表达式无效/,
    );
  });

  test('[COL-02] the key joins the normalised key values in item order', () => {
    const validate = compileRowValidator([
      item({ name: '年度', identifier: 'year', type: 'I', isKey: true }),
      item({ name: '姓名', identifier: 'name', type: 'C' }),
      item({ ...id, isKey: true }),
    ]);
    const r = validate(['2024', '张三', '11010519491231002x']);
    assert.ok(r.ok);
    assert.equal(r.key, `2024${KEY_SEPARATOR}11010519491231002X`);
    assert.equal(compileRowValidator([item(text())])(['a']).ok && 'no key', 'no key');
  });
});

describe('row validator: throughput', () => {
  test('[COL-02] validates 100,000 generated 12-field rows (prints rows/s)', (t) => {
    const divisions = ['110105', '441900', '320583', '510104', '370102'];
    const known = new Set(loadNationalTable().map((r) => r.code));
    const items = [
      item({ name: '姓名', identifier: 'name', type: 'C', length: 50, required: true }),
      item({ ...id, isKey: true, required: true }),
      item({ name: '性别', identifier: 'sex', type: 'C', length: 1, rule: { kind: 'enum', values: ['男', '女'] } }),
      item({ name: '出生日期', identifier: 'birth_date', type: 'D' }),
      item({ name: '民族', identifier: 'ethnicity', type: 'C', length: 20 }),
      item({ name: '联系电话', identifier: 'phone', type: 'C', length: 20, rule: { kind: 'phone' } }),
      item({ name: '住址', identifier: 'address', type: 'C', length: 200 }),
      item({ name: '行政区划', identifier: 'division_code', type: 'C', length: 12, rule: { kind: 'division_code' } }),
      item({ name: '救助金额', identifier: 'amount', type: 'Y', length: 12, scale: 2 }),
      item({ name: '家庭人数', identifier: 'members', type: 'I', length: 3 }),
      item({ name: '是否核实', identifier: 'verified', type: 'L' }),
      item({ name: '更新时间', identifier: 'updated_at', type: 'T' }),
    ];
    const people = createPeopleGenerator(7, divisions);
    const rows = Array.from({ length: 100_000 }, (_, i) => {
      const p = people.next();
      return [
        p.name,
        p.citizenId,
        p.sex === 'male' ? '男' : '女',
        i % 3 === 0 ? p.birthDate.replaceAll('-', '/') : p.birthDate,
        p.ethnicity,
        p.phone,
        p.address,
        p.divisionCode,
        String((i * 37) % 500_000 / 100),
        String(1 + (i % 7)),
        i % 2 === 0 ? '是' : '否',
        `2024-05-${String(1 + (i % 28)).padStart(2, '0')} 08:${String(i % 60).padStart(2, '0')}:00`,
      ];
    });
    const validate = compileRowValidator(items, { isDivisionCode: (c) => known.has(c) });
    for (let i = 0; i < 30_000; i++) validate(rows[i]!); // warm-up: let the JIT settle
    const started = process.hrtime.bigint();
    let ok = 0;
    for (const row of rows) if (validate(row).ok) ok++;
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const rate = Math.round(rows.length / seconds);
    t.diagnostic(`row validator: ${rate.toLocaleString('en-US')} rows/s (12 fields)`);
    console.log(`[bench] row validator: ${rate.toLocaleString('en-US')} rows/s (12 fields, 100,000 rows)`);
    assert.equal(ok, rows.length);
    const sample = validate(rows[3]!);
    assert.ok(sample.ok);
    assert.match(String(sample.data.birth_date), /^\d{4}-\d{2}-\d{2}$/);
    assert.match(String(sample.data.updated_at), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
  });
});
