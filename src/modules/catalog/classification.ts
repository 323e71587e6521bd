/**
 * The resource classification trees (信息资源分类, GB/T 21063.4 and 政务信息资源目录编制指南):
 * 基础 (class 1), 主题 (class 2) and 部门 (class 3). A code is 类 (1 digit) + 项 (2) + 目 (3)
 * + optional 细目 (3); an entry is classified under a 目 or 细目, so an assignable code has
 * 6 or 9 digits. The classification code is also the first segment of the resource code
 * (resource-code.ts), so a code, once published, is never renumbered: retire a node by
 * leaving it in place, add new ones at the end.
 */
import type { z } from 'zod';
import { classificationTrees } from './elements.ts';

export type ClassificationTree = z.infer<typeof classificationTrees.schema>;
export type ClassificationLevel = 'class' | 'item' | 'category' | 'subcategory';

/** One node of a tree, with its full code (e.g. '301001' for 部门 / 民政 / 社会救助). */
export interface ClassificationEntry {
  readonly code: string;
  readonly name: string;
  readonly children: readonly ClassificationEntry[];
}

export interface ClassificationNode {
  code: string;
  name: string;
  tree: ClassificationTree;
  level: ClassificationLevel;
  /** From the class down to this node, itself included (for breadcrumbs). */
  path: { code: string; name: string }[];
}

/** An option of the console's Cascader: value is the full code. */
export interface CascaderOption {
  value: string;
  label: string;
  children?: CascaderOption[];
}

// Source form: 项 code → [name, 目 code → name, or [name, 细目 code → name]].
type CategorySource = string | readonly [string, Readonly<Record<string, string>>];
type TreeSource = Readonly<
  Record<string, readonly [string, Readonly<Record<string, CategorySource>>]>
>;

const CLASS_DIGIT: Readonly<Record<ClassificationTree, string>> = {
  base: '1',
  theme: '2',
  department: '3',
};

const BASE: TreeSource = {
  '01': [
    '人口',
    {
      '001': '人口基本信息',
      '002': '户籍',
      '003': '婚姻',
      '004': '流动人口',
      '005': '出生与死亡',
      '006': '残疾人口',
    },
  ],
  '02': [
    '法人单位',
    {
      '001': '法人单位基本信息',
      '002': '机关、事业单位',
      '003': '企业',
      '004': '社会组织',
    },
  ],
  '03': [
    '自然资源和空间地理',
    {
      '001': '行政区划',
      '002': '地名',
      '003': '地理空间框架',
      '004': '国土资源',
    },
  ],
  '04': [
    '社会信用',
    {
      '001': '法人信用',
      '002': '自然人信用',
      '003': '失信联合惩戒',
    },
  ],
  '05': [
    '电子证照',
    {
      '001': '个人证照',
      '002': '法人证照',
    },
  ],
};

const THEME: TreeSource = {
  '01': [
    '公共服务',
    {
      '001': '政务服务事项',
      '002': '便民服务',
      '003': '公共服务设施',
    },
  ],
  '02': [
    '社会保障',
    {
      '001': '社会保险',
      '002': '医疗保障',
      '003': '住房保障',
    },
  ],
  '03': [
    '社区治理',
    {
      '001': '城乡社区',
      '002': '村（居）民委员会',
      '003': '社区工作者',
    },
  ],
  '04': [
    '社会救助',
    {
      '001': '低收入人口',
      '002': '救助对象',
      '003': '救助资金',
      '004': '困难群众监测预警',
    },
  ],
  '05': [
    '养老服务',
    {
      '001': '老年人',
      '002': '养老机构',
      '003': '居家和社区养老',
      '004': '养老补贴',
    },
  ],
  '06': [
    '优抚安置',
    {
      '001': '优抚对象',
      '002': '退役军人安置',
      '003': '烈士褒扬',
    },
  ],
  '07': [
    '儿童关爱保护',
    {
      '001': '困境儿童',
      '002': '农村留守儿童',
    },
  ],
  '08': [
    '助残服务',
    {
      '001': '残疾人两项补贴',
      '002': '康复辅助器具',
    },
  ],
};

const DEPARTMENT: TreeSource = {
  '01': [
    '民政',
    {
      '001': [
        '社会救助',
        {
          '001': '最低生活保障',
          '002': '特困人员救助供养',
          '003': '临时救助',
          '004': '低收入人口认定',
          '005': '流浪乞讨人员救助',
        },
      ],
      '002': '优抚安置',
      '003': [
        '养老服务',
        {
          '001': '养老机构管理',
          '002': '老年人福利补贴',
          '003': '居家社区养老服务',
        },
      ],
      '004': [
        '婚姻登记',
        {
          '001': '结婚登记',
          '002': '离婚登记',
          '003': '补领婚姻登记证',
        },
      ],
      '005': [
        '社会组织',
        {
          '001': '社会团体',
          '002': '社会服务机构',
          '003': '基金会',
        },
      ],
      '006': [
        '区划地名',
        {
          '001': '行政区划',
          '002': '地名管理',
          '003': '行政区域界线',
        },
      ],
      '007': '殡葬管理',
      '008': '儿童福利',
      '009': '慈善事业与社会工作',
      '010': '残疾人福利',
      '011': '基层政权和社区建设',
      '012': '综合业务',
    },
  ],
  '02': [
    '公安',
    {
      '001': '户籍管理',
      '002': '居民身份证',
      '003': '出入境管理',
    },
  ],
  '03': [
    '人力资源社会保障',
    {
      '001': '社会保险',
      '002': '就业服务',
      '003': '劳动关系',
    },
  ],
  '04': [
    '卫生健康',
    {
      '001': '出生医学证明',
      '002': '死亡医学证明',
      '003': '医疗机构',
    },
  ],
  '05': [
    '市场监管',
    {
      '001': '市场主体登记',
      '002': '企业信用信息',
    },
  ],
};

const SOURCES: Readonly<Record<ClassificationTree, TreeSource>> = {
  base: BASE,
  theme: THEME,
  department: DEPARTMENT,
};

function buildTree(tree: ClassificationTree): ClassificationEntry {
  const classCode = CLASS_DIGIT[tree];
  const items = Object.entries(SOURCES[tree]).map(([itemCode, [itemName, categories]]) => {
    const code = classCode + itemCode;
    const children = Object.entries(categories).map(([categoryCode, source]) => {
      const full = code + categoryCode;
      if (typeof source === 'string') return { code: full, name: source, children: [] };
      const [name, subs] = source;
      const subChildren = Object.entries(subs).map(([subCode, subName]) => ({
        code: full + subCode,
        name: subName,
        children: [],
      }));
      return { code: full, name, children: subChildren };
    });
    return { code, name: itemName, children };
  });
  return { code: classCode, name: classificationTrees.labels[tree], children: items };
}

/** The three trees as nested nodes with full codes; the class node is the root of each. */
export const classificationData: Readonly<Record<ClassificationTree, ClassificationEntry>> = {
  base: buildTree('base'),
  theme: buildTree('theme'),
  department: buildTree('department'),
};

const LEVELS: readonly ClassificationLevel[] = ['class', 'item', 'category', 'subcategory'];
const INDEX = new Map<string, ClassificationNode>();
for (const tree of Object.keys(classificationData) as ClassificationTree[]) {
  const visit = (
    entry: ClassificationEntry,
    depth: number,
    parents: ClassificationNode['path'],
  ) => {
    const path = [...parents, { code: entry.code, name: entry.name }];
    INDEX.set(entry.code, {
      code: entry.code,
      name: entry.name,
      tree,
      level: LEVELS[depth]!,
      path,
    });
    for (const child of entry.children) visit(child, depth + 1, path);
  };
  visit(classificationData[tree], 0, []);
}

/**
 * The node with this code (1, 3, 6 or 9 digits), or null when there is none. Returns a copy,
 * so callers may not alter the shared index.
 * @example classificationNode('301001')
 * // { code: '301001', name: '社会救助', tree: 'department', level: 'category',
 * //   path: [{ code: '3', name: '部门信息资源' }, { code: '301', name: '民政' }, …] }
 */
export function classificationNode(code: string): ClassificationNode | null {
  const node = INDEX.get(code);
  return node ? { ...node, path: node.path.map((p) => ({ ...p })) } : null;
}

/**
 * Whether an entry may be classified under this code: a known 目 (6 digits) or 细目 (9).
 * A 目 that has 细目 stays assignable, for resources that span all of them.
 */
export function isAssignable(code: string): boolean {
  const node = INDEX.get(code);
  return node !== undefined && (node.level === 'category' || node.level === 'subcategory');
}

function toOption(entry: ClassificationEntry): CascaderOption {
  return entry.children.length === 0
    ? { value: entry.code, label: entry.name }
    : { value: entry.code, label: entry.name, children: entry.children.map(toOption) };
}

/**
 * The tree below its class, as Cascader options (项 → 目 → 细目); the class itself is
 * implied by the tree the user picked. Leaves have no `children` key.
 */
export function classificationTreeFor(tree: ClassificationTree): CascaderOption[] {
  return classificationData[tree].children.map(toOption);
}
