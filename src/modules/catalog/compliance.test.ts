import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { makeCreditCode } from '../../lib/ids/credit-code.ts';
import {
  blocksSubmission,
  checkCompliance,
  type ComplianceContext,
  type ComplianceFinding,
} from './compliance.ts';
import { EntryContent } from './elements.ts';

const PROVIDER_CODE = makeCreditCode({
  authority: '1',
  orgType: '1',
  division: '330100',
  body8: '00250147',
});

const CONTEXT: ComplianceContext = {
  providerName: '某市民政局',
  providerCreditCode: PROVIDER_CODE,
  knownResourceCodes: new Set(['301001001/000001', '301001001/000002', '101001/000001']),
  ownCode: '301001001/000001',
};

type Input = Record<string, unknown>;

const ITEMS: Input[] = [
  {
    name: '公民身份号码',
    identifier: 'citizen_id',
    type: 'C',
    length: 18,
    isKey: true,
    required: true,
    sensitive: true,
    rule: { kind: 'citizen_id' },
  },
  { name: '姓名', identifier: 'name', type: 'C', length: 50, required: true, sensitive: true },
  { name: '保障金额', identifier: 'amount', type: 'Y', length: 10, scale: 2 },
  { name: '认定日期', identifier: 'approved_on', type: 'D' },
  {
    name: '户籍所在地',
    identifier: 'division_code',
    type: 'C',
    length: 12,
    rule: { kind: 'division_code' },
  },
  {
    name: '保障类别',
    identifier: 'category',
    type: 'C',
    length: 10,
    rule: { kind: 'enum', values: ['城市低保', '农村低保'] },
  },
  {
    name: '联系电话',
    identifier: 'phone',
    type: 'C',
    length: 20,
    sensitive: true,
    rule: { kind: 'phone' },
  },
];

const COMPLETE: Input = {
  name: '最低生活保障对象信息',
  summary: '本市城乡最低生活保障对象的身份、保障类别、保障金额和认定日期，供相关部门核查使用。',
  kind: 'table',
  classification: { tree: 'department', code: '301001001' },
  formatType: 'database',
  formatDetail: 'MySQL',
  dataItems: ITEMS,
  sharingType: 'conditional',
  sharingCondition: '仅限办理社会救助、户籍核查等法定职责使用',
  sharingMethods: ['platform_api'],
  sharingScope: 'province',
  openType: 'not_open',
  updateFrequency: 'monthly',
  timeliness: '每月 5 日前更新上月数据',
  provisionModes: ['verify', 'query'],
  relatedCodes: ['301001001/000002'],
};

function entry(patch: Input = {}): EntryContent {
  return EntryContent.parse({ ...COMPLETE, ...patch });
}

/** The entry with data item `index` changed (or items appended when index is past the end). */
function withItem(index: number, patch: Input): Input {
  const items = ITEMS.map((item) => ({ ...item }));
  items[index] = { ...(items[index] ?? {}), ...patch };
  return { dataItems: items };
}

function check(patch: Input = {}, context: Partial<ComplianceContext> = {}): ComplianceFinding[] {
  return checkCompliance(entry(patch), { ...CONTEXT, ...context });
}

function codes(findings: ComplianceFinding[]): string[] {
  return findings.map((f) => f.code);
}

/** The single finding with this code; fails when there is none or several. */
function only(findings: ComplianceFinding[], code: string): ComplianceFinding {
  const matching = findings.filter((f) => f.code === code);
  assert.equal(matching.length, 1, `${code} in ${JSON.stringify(codes(findings))}`);
  return matching[0]!;
}

describe('catalog compliance check', () => {
  test('[CAT-01] a complete entry has no findings', () => {
    assert.deepEqual(check(), []);
    assert.equal(blocksSubmission(check()), false);
  });

  test('[CAT-04] an empty draft lists every missing required element', () => {
    const findings = checkCompliance(EntryContent.parse({}), {
      providerName: '某市民政局',
      providerCreditCode: null,
    });
    assert.ok(findings.every((f) => f.severity === 'error'));
    assert.deepEqual(
      findings.filter((f) => f.code === 'catalog.missing_element').map((f) => f.field),
      [
        'name',
        'summary',
        'classification',
        'providerCreditCode',
        'formatType',
        'dataItems',
        'sharingType',
        'sharingMethods',
        'sharingScope',
        'openType',
        'updateFrequency',
        'timeliness',
        'provisionModes',
      ],
    );
    assert.equal(blocksSubmission(findings), true);
    const provider = findings.find((f) => f.field === 'providerCreditCode')!;
    assert.match(provider.message, /某市民政局.*统一社会信用代码/);
  });

  test('[CAT-04] every finding has a stable code, a field path and a Chinese message', () => {
    const findings = checkCompliance(
      EntryContent.parse({
        name: 'ABC',
        dataItems: [{ name: '编号', identifier: 'id', type: 'C' }],
        sharingType: 'none',
        openType: 'open_conditional',
        provisionModes: ['query'],
        relatedCodes: ['x'],
      }),
      { providerName: '', providerCreditCode: '123' },
    );
    assert.ok(findings.length > 5);
    for (const f of findings) {
      assert.match(f.code, /^catalog\.[a-z_]+$/);
      assert.match(f.field, /^[a-zA-Z]+(\[\d+\])?(\.[a-zA-Z]+)*$/);
      assert.match(f.message, /\p{Script=Han}/u);
      assert.ok(f.severity === 'error' || f.severity === 'warning');
    }
  });

  test('[CAT-04] warnings alone do not block submission', () => {
    const findings = check({ name: '2024年最低生活保障对象信息' });
    assert.deepEqual(codes(findings), ['catalog.name_contains_year']);
    assert.equal(blocksSubmission(findings), false);
    assert.equal(blocksSubmission([]), false);
  });
});

describe('classification and provider', () => {
  test('[CAT-01] the classification must be a known 目 or 细目 of the chosen tree', () => {
    const unknown = only(
      check({ classification: { tree: 'department', code: '301999' } }),
      'catalog.unknown_classification',
    );
    assert.equal(unknown.field, 'classification.code');
    assert.match(unknown.message, /301999/);
    const mismatch = only(
      check({ classification: { tree: 'theme', code: '301002' } }),
      'catalog.classification_tree_mismatch',
    );
    assert.equal(mismatch.message, '分类代码“301002”属于部门信息资源，与所选的主题信息资源不一致');
    assert.deepEqual(check({ classification: { tree: 'base', code: '101003' } }), []);
    assert.deepEqual(check({ classification: { tree: 'department', code: '301002' } }), []);
  });

  test('[CAT-01] a class or item code cannot be assigned', () => {
    // The schema only lets 6–9 digits through; content built without it is still checked.
    const content = { ...entry(), classification: { tree: 'department' as const, code: '301' } };
    const finding = only(
      checkCompliance(content, CONTEXT),
      'catalog.classification_not_assignable',
    );
    assert.match(finding.message, /部门信息资源 \/ 民政/);
  });

  test('[CAT-04] the provider needs a valid unified social credit code', () => {
    assert.equal(
      only(check({}, { providerCreditCode: null }), 'catalog.missing_element').field,
      'providerCreditCode',
    );
    assert.equal(
      only(check({}, { providerCreditCode: '  ' }), 'catalog.missing_element').field,
      'providerCreditCode',
    );
    const bad = only(
      check({}, { providerCreditCode: PROVIDER_CODE.slice(0, 17) + '0' }),
      'catalog.invalid_provider_code',
    );
    assert.equal(bad.field, 'providerCreditCode');
    assert.equal(
      only(check({}, { providerName: ' ' }), 'catalog.missing_element').field,
      'providerName',
    );
  });
});

describe('naming rules', () => {
  test('[CAT-04] a name has 2 to 50 characters', () => {
    assert.match(only(check({ name: '低' }), 'catalog.name_length').message, /当前为 1 个字/);
    assert.deepEqual(check({ name: '低保' }), []);
    assert.deepEqual(check({ name: '低'.repeat(50) }), []);
    assert.match(
      only(check({ name: '低'.repeat(51) }), 'catalog.name_length').message,
      /2～50 个字，当前为 51 个字/,
    );
    // Characters, not UTF-16 units: 25 supplementary-plane ideographs are 25 characters.
    assert.deepEqual(check({ name: '𠀀'.repeat(25) }), []);
  });

  test('[CAT-04] a name has no punctuation except brackets and the middle dot', () => {
    for (const name of [
      '低保对象、特困人员',
      '低保对象,特困人员',
      '低保-特困',
      '低保对象“名册”',
      '低保/特困',
      '低保！',
    ]) {
      const f = only(check({ name }), 'catalog.name_punctuation');
      assert.equal(f.severity, 'error');
      assert.equal(f.field, 'name');
    }
    assert.match(
      only(check({ name: '低保对象、特困人员、孤儿' }), 'catalog.name_punctuation').message,
      /标点符号“、”（括号和间隔号“·”除外）/,
    );
    for (const name of ['社会组织（社会团体）信息', '社会组织(基金会)信息', '少数民族·译名对照']) {
      assert.deepEqual(check({ name }), [], name);
    }
  });

  test('[CAT-04] a name is not made only of letters and digits', () => {
    for (const name of ['ABC', 'db01', 'ＡＢＣ１２３', 'T 2024']) {
      assert.equal(only(check({ name }), 'catalog.name_not_descriptive').severity, 'error', name);
    }
    assert.deepEqual(check({ name: 'GIS地名数据' }), []);
  });

  test('[CAT-04] a name starting with the provider name draws a warning', () => {
    const f = only(check({ name: '某市民政局低保对象信息' }), 'catalog.name_starts_with_provider');
    assert.equal(f.severity, 'warning');
    assert.match(f.message, /“某市民政局”/);
    assert.deepEqual(check({ name: '低保对象信息（某市民政局）' }), []);
  });

  test('[CAT-04] a year in the name draws a warning', () => {
    const f = only(check({ name: '2024年低保对象信息' }), 'catalog.name_contains_year');
    assert.equal(f.severity, 'warning');
    assert.match(f.message, /“2024年”/);
    assert.equal(
      only(check({ name: '低保对象信息（２０２３年度）' }), 'catalog.name_contains_year').severity,
      'warning',
    );
    assert.deepEqual(check({ name: '低保对象年度核查信息' }), []);
  });

  test('[CAT-04] a summary is required and should have at least 10 characters', () => {
    const short = only(check({ summary: '低保对象信息' }), 'catalog.summary_too_short');
    assert.equal(short.severity, 'warning');
    assert.match(short.message, /6 个字/);
    assert.deepEqual(check({ summary: '城乡低保对象的基本信息' }), []);
    assert.equal(only(check({ summary: '   ' }), 'catalog.missing_element').field, 'summary');
  });
});

describe('sharing and opening', () => {
  test('[CAT-02] conditional sharing states its conditions', () => {
    const f = only(check({ sharingCondition: '' }), 'catalog.missing_sharing_condition');
    assert.equal(f.severity, 'error');
    assert.equal(f.field, 'sharingCondition');
    assert.deepEqual(check({ sharingType: 'unconditional', sharingCondition: '' }), []);
  });

  test('[CAT-02] unconditional sharing still needs methods, scope and provision modes', () => {
    const findings = check({
      sharingType: 'unconditional',
      sharingMethods: [],
      sharingScope: null,
      provisionModes: [],
    });
    assert.deepEqual(
      findings.map((f) => [f.code, f.field]),
      [
        ['catalog.missing_element', 'sharingMethods'],
        ['catalog.missing_element', 'sharingScope'],
        ['catalog.missing_element', 'provisionModes'],
      ],
    );
  });

  test('[CAT-02] sharing with specified departments names them', () => {
    const f = only(check({ sharingScope: 'specified' }), 'catalog.missing_scope_note');
    assert.equal(f.field, 'sharingScopeNote');
    assert.deepEqual(
      check({ sharingScope: 'specified', sharingScopeNote: '市公安局、市医保局' }),
      [],
    );
  });

  const NOT_SHARED: Input = {
    sharingType: 'none',
    sharingCondition: '',
    legalBasis: '《中华人民共和国个人信息保护法》第十三条',
    sharingMethods: [],
    sharingScope: null,
    provisionModes: [],
  };

  test('[CAT-02] a not-shared entry with its legal basis and nothing else is accepted', () => {
    assert.deepEqual(check(NOT_SHARED), []);
  });

  test('[CAT-02] a not-shared entry states its legal basis', () => {
    const f = only(check({ ...NOT_SHARED, legalBasis: '' }), 'catalog.missing_legal_basis');
    assert.equal(f.field, 'legalBasis');
    assert.equal(f.severity, 'error');
  });

  test('[CAT-04] a not-shared entry that offers a query mode is refused', () => {
    const findings = check({ ...NOT_SHARED, provisionModes: ['query'] });
    const f = only(findings, 'catalog.not_shared_with_modes');
    assert.equal(f.field, 'provisionModes');
    assert.match(f.message, /“查询引用”/);
    assert.equal(blocksSubmission(findings), true);
  });

  test('[CAT-04] a not-shared entry has no sharing methods, and a scope draws a warning', () => {
    assert.equal(
      only(check({ ...NOT_SHARED, sharingMethods: ['email'] }), 'catalog.not_shared_with_methods')
        .severity,
      'error',
    );
    assert.equal(
      only(check({ ...NOT_SHARED, sharingScope: 'city' }), 'catalog.not_shared_with_scope')
        .severity,
      'warning',
    );
  });

  test('[CAT-09] an open resource must be shared', () => {
    const f = only(
      check({ ...NOT_SHARED, openType: 'open_unconditional', dataItems: [ITEMS[2], ITEMS[3]] }),
      'catalog.open_but_not_shared',
    );
    assert.equal(f.field, 'openType');
    assert.match(f.message, /不予开放/);
  });

  test('[CAT-09] conditional opening states its conditions', () => {
    const nonSensitive = { dataItems: ITEMS.map((i) => ({ ...i, sensitive: false })) };
    const f = only(
      check({ ...nonSensitive, openType: 'open_conditional' }),
      'catalog.missing_open_condition',
    );
    assert.equal(f.field, 'openCondition');
    assert.deepEqual(
      check({ ...nonSensitive, openType: 'open_conditional', openCondition: '注册用户申请' }),
      [],
    );
    assert.deepEqual(check({ ...nonSensitive, openType: 'open_unconditional' }), []);
  });

  test('[CAT-09] an open resource must not contain personal or sensitive data items', () => {
    const f = only(check({ openType: 'open_unconditional' }), 'catalog.open_with_sensitive_items');
    assert.equal(f.severity, 'error');
    assert.match(f.message, /“公民身份号码”“姓名”“联系电话”/);
  });
});

describe('kind, format and provision modes', () => {
  test('[CAT-07] a table needs at least one data item and one key item', () => {
    assert.equal(only(check({ dataItems: [] }), 'catalog.missing_element').field, 'dataItems');
    const noKey = withItem(0, { isKey: false });
    const f = only(check(noKey), 'catalog.key_required');
    assert.match(f.message, /主键.*“比对验证”“查询引用”/);
    const noKeyBatch = only(check({ ...noKey, provisionModes: ['batch'] }), 'catalog.key_required');
    assert.doesNotMatch(noKeyBatch.message, /提供方式/);
  });

  test('[CAT-07] verify, query and subscribe need a key item, also for a service', () => {
    const service: Input = {
      kind: 'service',
      formatType: 'service',
      sharingMethods: ['platform_api'],
      dataItems: ITEMS.map((i) => ({ ...i, isKey: false })),
    };
    for (const mode of ['verify', 'query', 'subscribe']) {
      assert.equal(
        only(check({ ...service, provisionModes: [mode] }), 'catalog.key_required').severity,
        'error',
        mode,
      );
    }
    assert.deepEqual(check({ ...service, provisionModes: ['batch'] }), []);
    assert.deepEqual(check({ ...service, dataItems: [], provisionModes: ['batch'] }), []);
  });

  test('[CAT-07] verification needs a non-key item to compare', () => {
    const f = only(check({ dataItems: [ITEMS[0]] }), 'catalog.verify_without_non_key_item');
    assert.equal(f.field, 'provisionModes');
    assert.deepEqual(check({ dataItems: [ITEMS[0]], provisionModes: ['query'] }), []);
  });

  test('[CAT-07] a file resource cannot offer verification or query', () => {
    const file: Input = { kind: 'file', formatType: 'file', formatDetail: 'pdf', dataItems: [] };
    const f = only(check(file), 'catalog.file_mode_mismatch');
    assert.match(f.message, /“比对验证”“查询引用”/);
    assert.deepEqual(check({ ...file, provisionModes: ['file', 'subscribe'] }), []);
  });

  test('[CAT-07] a service is a service interface shared through the platform API', () => {
    const service: Input = {
      kind: 'service',
      formatType: 'service',
      sharingMethods: ['platform_api'],
    };
    assert.deepEqual(check(service), []);
    const format = only(
      check({ ...service, formatType: 'database' }),
      'catalog.format_kind_mismatch',
    );
    assert.equal(format.severity, 'warning');
    assert.match(format.message, /“服务接口”/);
    const method = only(
      check({ ...service, sharingMethods: ['platform_table'] }),
      'catalog.service_without_api',
    );
    assert.equal(method.severity, 'warning');
    assert.equal(method.field, 'sharingMethods');
  });

  test('[CAT-07] the format must fit the kind', () => {
    for (const formatType of ['image', 'media']) {
      const f = only(check({ formatType }), 'catalog.format_kind_mismatch');
      assert.equal(f.severity, 'error', formatType);
      assert.equal(f.field, 'formatType');
    }
    assert.equal(
      only(check({ formatType: 'file' }), 'catalog.format_kind_mismatch').severity,
      'warning',
    );
    for (const formatType of ['database', 'spreadsheet', 'self_describing']) {
      assert.deepEqual(check({ formatType }), [], formatType);
    }
    const fileAsService = only(
      check({ kind: 'file', formatType: 'service', dataItems: [], provisionModes: ['file'] }),
      'catalog.format_kind_mismatch',
    );
    assert.equal(fileAsService.severity, 'error');
  });
});

describe('data items', () => {
  test('[CAT-04] data item names and identifiers are unique', () => {
    const items = [...ITEMS, { ...ITEMS[1], identifier: 'name2' }, { ...ITEMS[2], name: '金额2' }];
    const findings = check({ dataItems: items });
    const name = only(findings, 'catalog.duplicate_item_name');
    assert.equal(name.field, 'dataItems[7].name');
    assert.equal(name.message, '第 8 个信息项的名称“姓名”与第 2 个重复');
    const identifier = only(findings, 'catalog.duplicate_item_identifier');
    assert.equal(identifier.field, 'dataItems[8].identifier');
    assert.match(identifier.message, /“amount”与第 3 个重复/);
  });

  test('[CAT-04] a character item must have a length', () => {
    const f = only(check(withItem(0, { length: null, rule: null })), 'catalog.length_required');
    assert.equal(f.field, 'dataItems[0].length');
    assert.equal(f.message, '第 1 个信息项“公民身份号码”为字符型，必须填写长度');
    const memo = only(
      check(withItem(2, { name: '备注', type: 'M', length: null, scale: null })),
      'catalog.length_required',
    );
    assert.equal(memo.message, '第 3 个信息项“备注”为备注型，必须填写长度');
  });

  test('[CAT-04] date, date-time and logical items have no length', () => {
    for (const type of ['D', 'T', 'L']) {
      const f = only(check(withItem(3, { type, length: 8 })), 'catalog.length_not_allowed');
      assert.equal(f.field, 'dataItems[3].length');
    }
    assert.deepEqual(check(withItem(3, { type: 'T' })), []);
  });

  test('[CAT-04] numeric scale fits in the length; currency should keep 2 decimals', () => {
    const f = only(
      check(withItem(2, { type: 'N', length: 3, scale: 4 })),
      'catalog.scale_exceeds_length',
    );
    assert.equal(f.field, 'dataItems[2].scale');
    assert.match(f.message, /小数位数（4）不能大于长度（3）/);
    assert.deepEqual(check(withItem(2, { type: 'N', length: 4, scale: 4 })), []);
    const currency = only(check(withItem(2, { scale: 4 })), 'catalog.currency_scale');
    assert.equal(currency.severity, 'warning');
    assert.equal(
      only(check(withItem(2, { scale: null })), 'catalog.currency_scale').severity,
      'warning',
    );
    assert.equal(
      only(check(withItem(3, { scale: 2 })), 'catalog.scale_not_applicable').severity,
      'warning',
    );
  });

  test('[CAT-04] key items must be required', () => {
    const f = only(check(withItem(0, { required: false })), 'catalog.key_not_required');
    assert.equal(f.field, 'dataItems[0].required');
    assert.equal(f.severity, 'error');
  });

  test('[CAT-04] an enum rule lists distinct values that fit the length', () => {
    const none = only(
      check(withItem(5, { rule: { kind: 'enum' } })),
      'catalog.enum_values_required',
    );
    assert.equal(none.field, 'dataItems[5].rule.values');
    assert.equal(
      only(
        check(withItem(5, { rule: { kind: 'enum', values: [] } })),
        'catalog.enum_values_required',
      ).severity,
      'error',
    );
    const dup = only(
      check(
        withItem(5, {
          rule: { kind: 'enum', values: ['城市低保', '农村低保', '城市低保', '城市低保'] },
        }),
      ),
      'catalog.enum_duplicate_value',
    );
    assert.match(dup.message, /“城市低保”重复/);
    const long = only(check(withItem(5, { length: 3 })), 'catalog.enum_value_too_long');
    assert.match(long.message, /“城市低保”“农村低保”超过了信息项长度 3/);
  });

  test('[CAT-04] a pattern rule compiles and applies to character items only', () => {
    assert.deepEqual(check(withItem(5, { rule: { kind: 'pattern', pattern: '^[0-9]{2}$' } })), []);
    const bad = only(
      check(withItem(5, { rule: { kind: 'pattern', pattern: '([0-9]' } })),
      'catalog.invalid_pattern',
    );
    assert.equal(bad.field, 'dataItems[5].rule.pattern');
    assert.equal(
      only(
        check(withItem(5, { rule: { kind: 'pattern', pattern: ' ' } })),
        'catalog.pattern_required',
      ).field,
      'dataItems[5].rule.pattern',
    );
    const numeric = only(
      check(withItem(2, { rule: { kind: 'pattern', pattern: '^\\d+$' } })),
      'catalog.rule_type_mismatch',
    );
    assert.equal(numeric.field, 'dataItems[2].type');
    assert.match(numeric.message, /只适用于字符型，当前为货币型/);
  });

  test('[CAT-04] code rules need a character item long enough for the code', () => {
    const cases: [number, Input, string][] = [
      [0, { length: 17 }, 'dataItems[0].length'],
      [0, { type: 'N', length: 18 }, 'dataItems[0].type'],
      [4, { length: 5 }, 'dataItems[4].length'],
      [4, { type: 'I', length: 12 }, 'dataItems[4].type'],
      [
        2,
        { type: 'C', length: 17, scale: null, rule: { kind: 'credit_code' } },
        'dataItems[2].length',
      ],
      [6, { type: 'N', length: 11 }, 'dataItems[6].type'],
    ];
    for (const [index, patch, field] of cases) {
      const f = only(check(withItem(index, patch)), 'catalog.rule_type_mismatch');
      assert.equal(f.field, field, JSON.stringify(patch));
      assert.equal(f.severity, 'error');
    }
    assert.match(
      only(check(withItem(0, { length: 15 })), 'catalog.rule_type_mismatch').message,
      /公民身份号码校验，长度不能小于 18（当前为 15）/,
    );
    assert.deepEqual(
      check(withItem(2, { type: 'C', length: 18, scale: null, rule: { kind: 'credit_code' } })),
      [],
    );
    assert.deepEqual(check(withItem(4, { length: 6 })), []);
  });
});

describe('related resources', () => {
  test('[CAT-04] related codes must be well-formed resource codes', () => {
    const f = only(
      check({ relatedCodes: ['301001001/000002', '301001001-2'] }),
      'catalog.invalid_related_code',
    );
    assert.equal(f.field, 'relatedCodes[1]');
    assert.match(f.message, /“301001001-2”格式不正确/);
    assert.equal(
      only(check({ relatedCodes: [''] }), 'catalog.invalid_related_code').severity,
      'error',
    );
  });

  test('[CAT-04] an entry cannot be related to itself', () => {
    const f = only(check({ relatedCodes: ['301001001/000001'] }), 'catalog.related_self');
    assert.equal(f.severity, 'error');
    assert.equal(f.field, 'relatedCodes[0]');
  });

  test('[CAT-04] unknown and repeated related codes draw warnings', () => {
    const findings = check({
      relatedCodes: ['301001001/000002', '101001/000001', '301001001/000002', '206001/000009'],
    });
    assert.deepEqual(
      findings.map((f) => [f.code, f.severity, f.field]),
      [
        ['catalog.duplicate_related_code', 'warning', 'relatedCodes[2]'],
        ['catalog.unknown_related_code', 'warning', 'relatedCodes[3]'],
      ],
    );
    // Without the catalog's codes, existence is not checked.
    assert.deepEqual(
      check({ relatedCodes: ['206001/000009'] }, { knownResourceCodes: undefined }),
      [],
    );
  });
});
