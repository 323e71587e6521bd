/**
 * Roles and the permissions they carry. A permission names one kind of act; routes ask for
 * permissions, never for roles, so a role's content can change without touching routes.
 *
 * There is no super administrator (IAM-02, 三员分立): the account administrator manages
 * accounts, the security administrator sets policies, the auditor reads the audit trail —
 * none of them holds a business permission, and no account holds two of these roles.
 */

export const permissions = {
  'org.manage': '维护单位与行政区划',
  'calendar.manage': '维护工作日历（节假日安排）',
  'account.manage_admins': '管理各单位的单位管理员账号',
  'account.manage_unit': '管理本单位的业务账号',
  'account.review': '生成账号清理审查报告',
  'policy.manage': '设置安全策略',
  'audit.read': '查阅审计日志（全平台，本人记录除外）',
  'audit.unit_read': '查阅本单位数据被访问、本单位人员访问数据的日志',
  'handover.witness': '作为安全审计员见证工作交接',
  'data.enter': '录入业务数据',
  'data.review': '审核业务数据',
  'data.approve': '审批业务数据',
  'catalog.edit': '编制数据资源目录',
  'catalog.review': '审核数据资源目录',
  'catalog.publish': '发布数据资源目录、审批信息系统项目数据目录（平台目录管理）',
  'sharing.request': '提出共享申请、报告共享数据错误（使用方）',
  'sharing.approve': '审批共享申请、答复数据纠错、撤销授权（提供方）',
  'sharing.precheck': '预审共享申请、交付授权、撤销授权（平台管理方）',
  'sharing.coordinate': '协调共享争议（共享主管部门）',
  'sharing.supervise': '共享办理电子监察',
  'sharing.manage': '设置共享办理时限等策略',
  'batch.view': '查看批量修改申请',
  'batch.approve': '审批并执行批量修改',
  'registry.read': '查阅本级及下级优抚对象信息',
  'registry.enter': '录入优抚对象信息、提出变更申请（乡镇、县级）',
  'registry.check': '逐条逐项复核并上报优抚对象信息、清理问题数据（县级）',
  'registry.review': '审核优抚对象信息（市级）',
  'registry.approve': '审批优抚对象信息并生成证书编号（省级）',
  'registry.manage': '设置优抚类别、证书编号规则、申报期限，锁定数据（省级）',
} as const;

export type Permission = keyof typeof permissions;

/** Who may hand out a role: bootstrap only, the account administrator, or a unit administrator. */
export type RoleKind = 'platform' | 'unit_admin' | 'business';

interface RoleDefinition {
  name: string;
  kind: RoleKind;
  permissions: readonly Permission[];
}

export const roles = {
  /** 系统管理员: accounts of unit administrators; nothing else. */
  account_admin: {
    name: '系统管理员',
    kind: 'platform',
    permissions: ['account.manage_admins', 'account.review'],
  },
  /** 安全管理员: security policies only; reads no business data. */
  security_admin: { name: '安全管理员', kind: 'platform', permissions: ['policy.manage'] },
  /** 安全审计员: reads the audit trail and witnesses handovers; nothing else. */
  auditor: {
    name: '安全审计员',
    kind: 'platform',
    permissions: ['audit.read', 'handover.witness'],
  },
  /** 单位管理员: the business accounts of one unit. */
  unit_admin: {
    name: '单位管理员',
    kind: 'unit_admin',
    permissions: ['account.manage_unit', 'account.review'],
  },
  /** 平台管理员（业务）: the organisation register, calendar and sharing pre-checks. */
  platform_manager: {
    name: '平台管理员',
    kind: 'business',
    permissions: [
      'org.manage',
      'calendar.manage',
      'catalog.publish',
      'sharing.precheck',
      'sharing.coordinate',
      'sharing.supervise',
      'sharing.manage',
      'batch.view',
    ],
  },
  data_entry: { name: '数据录入员', kind: 'business', permissions: ['data.enter'] },
  data_reviewer: { name: '数据审核员', kind: 'business', permissions: ['data.review'] },
  data_approver: {
    name: '数据审批员',
    kind: 'business',
    permissions: ['data.approve', 'batch.view', 'batch.approve'],
  },
  catalog_editor: { name: '目录编制员', kind: 'business', permissions: ['catalog.edit'] },
  catalog_reviewer: { name: '目录审核员', kind: 'business', permissions: ['catalog.review'] },
  sharing_applicant: { name: '共享申请员', kind: 'business', permissions: ['sharing.request'] },
  sharing_approver: { name: '共享审批员', kind: 'business', permissions: ['sharing.approve'] },
  /** 单位审计员: the unit's own usage logs, as provider and as consumer (AUD-03). */
  unit_auditor: { name: '单位日志审查员', kind: 'business', permissions: ['audit.unit_read'] },
  /** 优抚信息录入员 (乡镇、县级民政). */
  registry_enterer: {
    name: '优抚信息录入员',
    kind: 'business',
    permissions: ['registry.enter', 'registry.read'],
  },
  /** 优抚信息复核员 (县级民政): re-checks and reports township entries. */
  registry_checker: {
    name: '优抚信息复核员',
    kind: 'business',
    permissions: ['registry.check', 'registry.read'],
  },
  /** 优抚信息审核员 (市级民政). */
  registry_reviewer: {
    name: '优抚信息审核员',
    kind: 'business',
    permissions: ['registry.review', 'registry.read'],
  },
  /** 优抚信息审批员 (省级民政). */
  registry_approver: {
    name: '优抚信息审批员',
    kind: 'business',
    permissions: ['registry.approve', 'registry.read'],
  },
  /** 优抚信息管理员 (省级): settings, lock, screening, historical data. */
  registry_manager: {
    name: '优抚信息管理员',
    kind: 'business',
    permissions: ['registry.manage', 'registry.read'],
  },
} as const satisfies Record<string, RoleDefinition>;

export type Role = keyof typeof roles;

export const allRoles = Object.keys(roles) as Role[];

/**
 * Roles one account may not hold together (IAM-04): whoever enters may not review or
 * approve; reviewer and approver are different accounts; catalog editing and review likewise.
 */
export const exclusiveRoleSets: readonly (readonly Role[])[] = [
  ['data_entry', 'data_reviewer', 'data_approver'],
  ['catalog_editor', 'catalog_reviewer'],
  ['registry_enterer', 'registry_checker', 'registry_reviewer', 'registry_approver'],
];

export function isRole(value: string): value is Role {
  return Object.hasOwn(roles, value);
}

/** The union of the permissions of `roleNames`; unknown role names grant nothing. */
export function permissionsOf(roleNames: readonly string[]): Permission[] {
  const granted = new Set<Permission>();
  for (const name of roleNames) {
    if (isRole(name)) for (const p of roles[name].permissions) granted.add(p);
  }
  return [...granted].sort();
}

/**
 * Why a set of roles cannot be held by one account, or null when it can: administrator
 * roles stand alone, and the exclusive sets above are never combined.
 */
export function roleCombinationProblem(roleNames: readonly Role[]): string | null {
  const adminRoles = roleNames.filter((r) => roles[r].kind !== 'business');
  if (adminRoles.length > 0 && roleNames.length > 1) {
    return `${roles[adminRoles[0]!].name}角色不能与其他角色由同一账号兼任（三员分立）`;
  }
  for (const set of exclusiveRoleSets) {
    const held = set.filter((r) => roleNames.includes(r));
    if (held.length > 1) {
      return `${held.map((r) => roles[r].name).join('与')}不能由同一账号兼任（录入、审核、审批岗位分离）`;
    }
  }
  return null;
}
