import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  classificationData,
  classificationNode,
  classificationTreeFor,
  isAssignable,
  type CascaderOption,
  type ClassificationEntry,
  type ClassificationTree,
} from './classification.ts';
import { classificationTrees } from './elements.ts';
import {
  formatResourceCode,
  MAX_RESOURCE_SEQUENCE,
  parseResourceCode,
  resourceCodePattern,
} from './resource-code.ts';

function allEntries(): { tree: ClassificationTree; entry: ClassificationEntry; depth: number }[] {
  const out: { tree: ClassificationTree; entry: ClassificationEntry; depth: number }[] = [];
  for (const tree of classificationTrees.codes) {
    const visit = (entry: ClassificationEntry, depth: number) => {
      out.push({ tree, entry, depth });
      entry.children.forEach((child) => visit(child, depth + 1));
    };
    visit(classificationData[tree], 0);
  }
  return out;
}

describe('resource classification trees', () => {
  test('[CAT-01] the three trees are 基础 (1), 主题 (2) and 部门 (3)', () => {
    assert.deepEqual(
      classificationTrees.codes.map((t) => [
        t,
        classificationData[t].code,
        classificationData[t].name,
      ]),
      [
        ['base', '1', '基础信息资源'],
        ['theme', '2', '主题信息资源'],
        ['department', '3', '部门信息资源'],
      ],
    );
  });

  test('[CAT-01] every code extends its parent by 2 (项) or 3 digits (目, 细目) and is unique', () => {
    const lengths = [1, 3, 6, 9];
    const seen = new Set<string>();
    for (const { tree, entry, depth } of allEntries()) {
      assert.equal(entry.code.length, lengths[depth], entry.code);
      assert.match(entry.code, /^\d+$/);
      assert.ok(entry.code.startsWith(classificationData[tree].code), entry.code);
      for (const child of entry.children) assert.ok(child.code.startsWith(entry.code), child.code);
      assert.ok(!seen.has(entry.code), `duplicate ${entry.code}`);
      seen.add(entry.code);
      assert.ok(entry.name.trim().length > 0);
      const names = entry.children.map((c) => c.name);
      assert.equal(new Set(names).size, names.length, `duplicate names under ${entry.code}`);
      assert.ok(depth < 3 || entry.children.length === 0);
    }
    assert.ok(seen.size > 100, `${seen.size} nodes`);
  });

  test('[CAT-01] the named items and the civil-affairs business lines are there', () => {
    const name = (code: string) => classificationNode(code)?.name;
    assert.equal(name('101'), '人口');
    assert.equal(name('101001'), '人口基本信息');
    assert.equal(name('101004'), '流动人口');
    assert.equal(name('105'), '电子证照');
    assert.equal(name('201'), '公共服务');
    assert.equal(name('206'), '优抚安置');
    assert.equal(name('301'), '民政');
    assert.deepEqual(
      ['001', '002', '003', '004', '005', '006', '007', '008', '009', '010'].map((c) =>
        name(`301${c}`),
      ),
      [
        '社会救助',
        '优抚安置',
        '养老服务',
        '婚姻登记',
        '社会组织',
        '区划地名',
        '殡葬管理',
        '儿童福利',
        '慈善事业与社会工作',
        '残疾人福利',
      ],
    );
    assert.deepEqual(['302', '303', '304', '305'].map(name), [
      '公安',
      '人力资源社会保障',
      '卫生健康',
      '市场监管',
    ]);
    for (const dept of ['302', '303', '304', '305']) {
      const count = classificationData.department.children.find((c) => c.code === dept)!.children
        .length;
      assert.ok(count >= 2 && count <= 3, dept);
    }
  });

  test('[CAT-01] classificationNode gives level, tree and the path from the class', () => {
    assert.deepEqual(classificationNode('301001001'), {
      code: '301001001',
      name: '最低生活保障',
      tree: 'department',
      level: 'subcategory',
      path: [
        { code: '3', name: '部门信息资源' },
        { code: '301', name: '民政' },
        { code: '301001', name: '社会救助' },
        { code: '301001001', name: '最低生活保障' },
      ],
    });
    assert.equal(classificationNode('1')?.level, 'class');
    assert.equal(classificationNode('206')?.level, 'item');
    assert.equal(classificationNode('206001')?.level, 'category');
    assert.equal(classificationNode('206001')?.tree, 'theme');
    for (const code of ['', '4', '30', '399', '301999', '3010010', '301001999', 'abc', ' 301001']) {
      assert.equal(classificationNode(code), null, code);
    }
  });

  test('[CAT-01] classificationNode returns a copy that cannot alter the index', () => {
    const node = classificationNode('301002')!;
    node.name = '改动';
    node.path[0]!.name = '改动';
    assert.equal(classificationNode('301002')!.name, '优抚安置');
    assert.equal(classificationNode('301002')!.path[0]!.name, '部门信息资源');
  });

  test('[CAT-01] only a known 目 or 细目 is assignable', () => {
    assert.equal(isAssignable('301002'), true);
    assert.equal(isAssignable('301001'), true, 'a 目 with 细目 stays assignable');
    assert.equal(isAssignable('301001002'), true);
    assert.equal(isAssignable('101003'), true);
    for (const code of ['3', '301', '301999', '301001999', '30100', '3010011', '']) {
      assert.equal(isAssignable(code), false, code);
    }
  });

  test('[CAT-01] the Cascader tree lists 项 → 目 → 细目 with full codes as values', () => {
    const options = classificationTreeFor('department');
    assert.equal(options[0]!.value, '301');
    assert.equal(options[0]!.label, '民政');
    const relief = options[0]!.children!.find((o) => o.value === '301001')!;
    assert.equal(relief.label, '社会救助');
    assert.deepEqual(relief.children![0], { value: '301001001', label: '最低生活保障' });
    // Leaves have no children key (the Cascader would show an empty next column otherwise).
    const check = (o: CascaderOption) => {
      if (o.children) {
        assert.ok(o.children.length > 0);
        o.children.forEach(check);
      } else {
        assert.ok(isAssignable(o.value), o.value);
      }
    };
    for (const tree of classificationTrees.codes) classificationTreeFor(tree).forEach(check);
    assert.deepEqual(
      classificationTreeFor('base').map((o) => o.label),
      ['人口', '法人单位', '自然资源和空间地理', '社会信用', '电子证照'],
    );
  });
});

describe('resource codes', () => {
  test('[CAT-01] a resource code is the classification code, a slash and 6 digits', () => {
    assert.equal(formatResourceCode('301002', 1), '301002/000001');
    assert.equal(formatResourceCode('301001001', 123), '301001001/000123');
    assert.equal(formatResourceCode('301002', MAX_RESOURCE_SEQUENCE), '301002/999999');
  });

  test('[CAT-01] formatting refuses bad parts', () => {
    for (const [code, seq] of [
      ['30100', 1],
      ['3010010', 1],
      ['30100a', 1],
      ['301002', 0],
      ['301002', -1],
      ['301002', 1.5],
      ['301002', 1_000_000],
      ['301002', Number.NaN],
    ] as const) {
      assert.throws(() => formatResourceCode(code, seq), RangeError, `${code} ${seq}`);
    }
  });

  test('[CAT-01] parsing round-trips and rejects malformed codes', () => {
    assert.deepEqual(parseResourceCode('301002/000001'), {
      classificationCode: '301002',
      sequence: 1,
    });
    assert.deepEqual(parseResourceCode(' 301001001/000123 '), {
      classificationCode: '301001001',
      sequence: 123,
    });
    for (const seq of [1, 42, 999_999]) {
      const code = formatResourceCode('206001', seq);
      assert.equal(parseResourceCode(code)?.sequence, seq);
      assert.match(code, resourceCodePattern);
    }
    for (const bad of [
      '',
      '301002',
      '301002/',
      '301002/1',
      '301002/0000001',
      '301002/000000',
      '3010020/000001',
      '30100/000001',
      '301002-000001',
      '301002\\000001',
      '３０１００２/０００００１',
      '301002/00000a',
      '301002/000001/000002',
    ]) {
      assert.equal(parseResourceCode(bad), null, bad);
    }
  });
});
