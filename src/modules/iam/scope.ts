/**
 * Where a caller's authority reaches (ORG-04, SEC-01), decided here once and applied by
 * repositories as a query filter. A unit administrator reaches its own unit; the account
 * administrator reaches the units in its unit's division and below; everyone else reaches
 * their own unit's data.
 */
import type { SessionUser } from './auth.ts';

export type Scope = { kind: 'unit'; unitId: string } | { kind: 'division'; prefix: string };

/**
 * The code prefix shared by a division and everything below it: 130000 → 13, 130100 → 1301,
 * 130102 → 130102, 130102001000 → 130102001.
 */
export function divisionPrefix(code: string): string {
  let prefix = code;
  while (prefix.length > 6 && prefix.endsWith('000')) prefix = prefix.slice(0, -3);
  while (prefix.length > 2 && prefix.length <= 6 && prefix.endsWith('00')) {
    prefix = prefix.slice(0, -2);
  }
  return prefix;
}

/** The scope in which `user` manages accounts. */
export function accountScope(user: SessionUser): Scope {
  return user.permissions.includes('account.manage_admins')
    ? { kind: 'division', prefix: divisionPrefix(user.unitDivisionCode) }
    : { kind: 'unit', unitId: user.unitId };
}

export function inScope(scope: Scope, unit: { id: string; division_code: string }): boolean {
  return scope.kind === 'unit'
    ? unit.id === scope.unitId
    : unit.division_code.startsWith(scope.prefix);
}
