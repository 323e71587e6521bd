/**
 * Roles and the permissions they carry. A permission names one kind of act; routes ask for
 * permissions, never for roles, so a role's content can change without touching routes.
 * The three administrator roles (三员: account, security, audit) carry no business
 * permission — there is no super administrator (IAM-02).
 */

export const permissions = {
  'org.manage': '维护单位与行政区划',
  'calendar.manage': '维护工作日历（节假日安排）',
  'account.manage': '管理账号',
  'policy.manage': '设置安全策略',
  'audit.read': '查阅审计日志',
} as const;

export type Permission = keyof typeof permissions;

export const roles = {
  /** 系统管理员: accounts only. */
  account_admin: { name: '系统管理员（账号管理）', permissions: ['account.manage'] },
  /** 安全管理员: security policies only. */
  security_admin: { name: '安全管理员', permissions: ['policy.manage'] },
  /** 安全审计员: reads the audit trail and nothing else. */
  auditor: { name: '安全审计员', permissions: ['audit.read'] },
  /** 平台管理员（业务）: the platform's organisation register and calendar. */
  platform_manager: { name: '平台管理员', permissions: ['org.manage', 'calendar.manage'] },
} as const satisfies Record<string, { name: string; permissions: readonly Permission[] }>;

export type Role = keyof typeof roles;

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
