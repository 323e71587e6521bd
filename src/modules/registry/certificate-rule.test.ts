import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AppError } from '../../server/errors.ts';
import {
  formatCertificateNumber,
  maxSequence,
  parseCertificateRule,
  ruleCollisionProblem,
  sequenceScope,
  type CertificateRule,
} from './certificate-rule.ts';

function rule(template: string): CertificateRule {
  const parsed = parseCertificateRule(template);
  if ('error' in parsed) assert.fail(`${template}: ${parsed.error.message}`);
  return parsed;
}

function parseError(template: string): { code: string; message: string } {
  const parsed = parseCertificateRule(template);
  if (!('error' in parsed)) assert.fail(`${template} was accepted`);
  return parsed.error;
}

const values = { divisionCode: '130123', year: 2025, sequence: 7, categoryCode: '11' };

describe('certificate number rules', () => {
  test('[REG-07] templates are read into literal text and placeholders', () => {
    assert.deepEqual(rule('YF-{category}-{division6}-{year}-{seq6}').parts, [
      { type: 'literal', text: 'YF-' },
      { type: 'category' },
      { type: 'literal', text: '-' },
      { type: 'division', digits: 6 },
      { type: 'literal', text: '-' },
      { type: 'year', digits: 4 },
      { type: 'literal', text: '-' },
      { type: 'sequence', digits: 6 },
    ]);
    assert.deepEqual(rule(' {prefix}{division4}{year2}{seq5} ').parts, [
      { type: 'prefix' },
      { type: 'division', digits: 4 },
      { type: 'year', digits: 2 },
      { type: 'sequence', digits: 5 },
    ]);
    assert.equal(rule(' 冀残{seq8} ').template, '冀残{seq8}');
  });

  test('[REG-07] numbers are built from the rule, zero-padded to each width', () => {
    assert.equal(
      formatCertificateNumber(rule('YF-{category}-{division6}-{year}-{seq6}'), values),
      'YF-11-130123-2025-000007',
    );
    assert.equal(
      formatCertificateNumber(rule('{prefix}{division6}{year}{seq5}'), { ...values, prefix: '冀' }),
      '冀130123202500007',
    );
    assert.equal(
      formatCertificateNumber(rule('{division2}-{year2}-{seq3}'), { ...values, sequence: 999 }),
      '13-25-999',
    );
    assert.equal(formatCertificateNumber(rule('冀{division4}{seq4}'), values), '冀13010007');
  });

  test('[REG-07] a sequence wider than its field is refused, never cut', () => {
    const r = rule('{category}{seq3}');
    assert.equal(maxSequence(r), 999);
    assert.equal(formatCertificateNumber(r, { ...values, sequence: 999 }), '11999');
    assert.throws(
      () => formatCertificateNumber(r, { ...values, sequence: 1000 }),
      (e: unknown) =>
        e instanceof AppError &&
        e.code === 'registry.certificate_sequence_exhausted' &&
        e.message.includes('3 位'),
    );
  });

  test('[REG-07] bad values are refused with stable codes', () => {
    const r = rule('{prefix}{division6}{year}{seq5}');
    const code = (v: Parameters<typeof formatCertificateNumber>[1]) => {
      try {
        formatCertificateNumber(r, v);
        return 'ok';
      } catch (e) {
        assert.ok(e instanceof AppError);
        return e.code;
      }
    };
    assert.equal(code({ ...values, prefix: '冀' }), 'ok');
    assert.equal(code(values), 'registry.certificate_prefix_missing');
    assert.equal(
      code({ ...values, prefix: '冀', divisionCode: '1301' }),
      'registry.certificate_division_invalid',
    );
    assert.equal(code({ ...values, prefix: '冀', year: 25 }), 'registry.certificate_year_invalid');
    assert.equal(
      code({ ...values, prefix: '冀', sequence: 0 }),
      'registry.certificate_sequence_invalid',
    );
    assert.equal(
      code({ ...values, prefix: '冀', sequence: 1.5 }),
      'registry.certificate_sequence_invalid',
    );
    assert.equal(
      code({ ...values, prefix: '冀', categoryCode: '1' }),
      'registry.certificate_category_invalid',
    );
  });

  const badTemplates: [string, string, RegExp][] = [
    ['', 'registry.certificate_rule_empty', /不能为空/u],
    ['{division6}{year}', 'registry.certificate_rule_no_sequence', /没有顺序号/u],
    ['YF{seq2}', 'registry.certificate_rule_sequence_too_narrow', /至少需要 3 位/u],
    ['YF{seq11}', 'registry.certificate_rule_sequence_too_wide', /超过 10 位/u],
    [
      '{county}{seq5}',
      'registry.certificate_rule_unknown_placeholder',
      /不认识的占位符 \{county\}/u,
    ],
    ['{seq}', 'registry.certificate_rule_unknown_placeholder', /\{seq\}/u],
    ['{seq5', 'registry.certificate_rule_unbalanced_brace', /没有对应/u],
    ['seq5}', 'registry.certificate_rule_unbalanced_brace', /多余/u],
    ['{seq5}{seq4}', 'registry.certificate_rule_duplicate_placeholder', /顺序号/u],
    ['{year}{year2}{seq5}', 'registry.certificate_rule_duplicate_placeholder', /年度/u],
    ['YF {seq5}', 'registry.certificate_rule_literal_invalid', /不允许的字符/u],
    [
      'ABCDEFGHIJKLMNOPQRSTUVWXYZ{division6}{year}{seq10}',
      'registry.certificate_rule_too_long',
      /40/u,
    ],
  ];
  for (const [template, code, message] of badTemplates) {
    test(`[REG-07] template ${JSON.stringify(template)} is refused: ${code}`, () => {
      const error = parseError(template);
      assert.equal(error.code, code);
      assert.match(error.message, message);
    });
  }

  test('[REG-07] the sequence counter scope follows the parts the rule shows', () => {
    const v = { ...values, divisionCode: '130123' };
    assert.equal(sequenceScope(rule('{category}{division6}{year}{seq5}'), v), '11|130123|2025');
    assert.equal(sequenceScope(rule('{category}{division4}{seq6}'), v), '11|1301|*');
    assert.equal(sequenceScope(rule('YF{year}{seq6}'), v), '11|*|2025');
    assert.equal(sequenceScope(rule('YF{seq8}'), v), '11|*|*');
  });

  test('[REG-07] a rule set where each category is told apart is accepted', () => {
    assert.equal(
      ruleCollisionProblem([
        { category: '11', template: 'YF-{category}-{division6}-{year}-{seq6}' },
        { category: '12', template: 'YF-{category}-{division6}-{year}-{seq6}' },
        { category: '21', template: '{prefix}残{division6}{year}{seq5}' },
        { category: '22', template: '{prefix}烈{division6}{year}{seq5}' },
        // A different length can never meet the others.
        { category: '31', template: '{prefix}{division6}{seq4}' },
      ]),
      null,
    );
  });

  test('[REG-07] two categories with the same shape and nothing to tell them apart are refused', () => {
    const problem = ruleCollisionProblem([
      { category: '11', template: '{prefix}{division6}{year}{seq5}' },
      { category: '12', template: '{prefix}{division6}{year}{seq5}' },
    ]);
    assert.ok(problem);
    assert.match(problem, /类别“11”.*类别“12”.*可能生成相同的证书编号/u);
    assert.match(problem, /\{category\}/u);
  });

  test('[REG-07] overlap is found even when the templates are written differently', () => {
    // "YF1" + 5 digits equals "YF" + 6 digits whose first digit is 1.
    const problem = ruleCollisionProblem([
      { category: '11', template: 'YF1{seq5}' },
      { category: '12', template: 'YF{seq6}' },
    ]);
    assert.ok(problem);
    assert.match(problem, /如 YF1\d{5}/u);
    // A category code in one rule can equal digits of the other.
    assert.ok(
      ruleCollisionProblem([
        { category: '11', template: '{category}{seq5}' },
        { category: '12', template: '{seq7}' },
      ]),
    );
    // With the province prefix known, a literal equal to it overlaps too.
    assert.ok(
      ruleCollisionProblem(
        [
          { category: '11', template: '{prefix}{seq5}' },
          { category: '12', template: '冀{seq5}' },
        ],
        '冀',
      ),
    );
    // Letters never equal digits.
    assert.equal(
      ruleCollisionProblem([
        { category: '11', template: 'A{seq5}' },
        { category: '12', template: '{seq6}' },
      ]),
      null,
    );
  });

  test('[REG-07] a rule set with a bad template or a category listed twice is refused', () => {
    assert.match(
      ruleCollisionProblem([{ category: '11', template: '{division6}{year}' }]) ?? '',
      /类别“11”的证书编号规则有误：.*没有顺序号/u,
    );
    assert.match(
      ruleCollisionProblem([{ category: '11', template: 'YF{seq2}' }]) ?? '',
      /至少需要 3 位/u,
    );
    assert.match(
      ruleCollisionProblem([{ category: '11', template: '{foo}{seq5}' }]) ?? '',
      /不认识的占位符/u,
    );
    assert.match(
      ruleCollisionProblem([
        { category: '11', template: '{category}{seq5}' },
        { category: '11', template: 'B{seq5}' },
      ]) ?? '',
      /不止一条/u,
    );
    assert.equal(ruleCollisionProblem([]), null);
  });
});
