/**
 * Separation of duties (职责分离) of IAM-04: on one item, the person who entered (录入) it may
 * not review (审核) or approve (审批) it, and the reviewer may not approve it.
 *
 * Each workflow (catalog review, sharing approval, registry changes…) keeps its own action
 * names and maps them onto the three duty roles; actions it does not map (comments, views,
 * withdrawals) play no part in the check.
 */

/** The duty roles of IAM-04. */
export type DutyRole = 'enter' | 'review' | 'approve';

/** One step in an item's action log, or a step someone proposes to take. */
export interface DutyEvent {
  action: string;
  actorId: string;
}

/** How a workflow's action names map onto duty roles; unmapped actions are neutral. */
export type DutyRoleMap = Readonly<Record<string, DutyRole>>;

export type DutyCheck =
  | { ok: true }
  | {
      ok: false;
      code: 'duty.separation';
      message: string;
      /** The role of the proposed action. */
      role: DutyRole;
      /** The role the same actor already held on this item. */
      conflictsWith: DutyRole;
    };

/**
 * For each role, the roles the same person must not have held before on the same item.
 * The check applies the table both ways (see checkDuties), so a reviewer who later edits
 * the record is refused as well.
 */
export const dutyConflicts: Readonly<Record<DutyRole, readonly DutyRole[]>> = Object.freeze({
  enter: Object.freeze([]),
  review: Object.freeze(['enter']),
  approve: Object.freeze(['enter', 'review']),
} satisfies Record<DutyRole, readonly DutyRole[]>);

/** The plain action names; 'submit' (提交) counts as entering the item. */
export const defaultDutyRoles: DutyRoleMap = Object.freeze({
  enter: 'enter',
  submit: 'enter',
  review: 'review',
  approve: 'approve',
});

const ROLE_NAMES: Readonly<Record<DutyRole, string>> = {
  enter: '录入',
  review: '审核',
  approve: '审批',
};

// Listed in workflow order so the message reads "既录入又审核", never "既审核又录入".
const ROLE_ORDER: readonly DutyRole[] = ['enter', 'review', 'approve'];

/**
 * Decides whether `proposed` may be taken on an item whose action log is `history`.
 * Refused when the same actor already holds a role that conflicts with the proposed one, in
 * either direction of `dutyConflicts`: entering then reviewing, and reviewing then entering
 * (editing), are the same conflict. Repeating one's own role (re-entering after a return,
 * reviewing again) is allowed. Actions missing from `roles` are neutral.
 *
 * @example
 * const log = [{ action: 'submit', actorId: 'u1' }, { action: 'review', actorId: 'u2' }];
 * checkDuties(log, { action: 'approve', actorId: 'u3' }) // { ok: true }
 * checkDuties(log, { action: 'approve', actorId: 'u2' })
 * // { ok: false, code: 'duty.separation', message: '同一人不得既审核又审批同一条记录', … }
 *
 * // A workflow with its own action names:
 * checkDuties(log2, { action: 'share.approve', actorId: 'u1' }, {
 *   'share.apply': 'enter',
 *   'share.approve': 'approve',
 * });
 */
export function checkDuties(
  history: readonly DutyEvent[],
  proposed: DutyEvent,
  roles: DutyRoleMap = defaultDutyRoles,
): DutyCheck {
  const role = roleOf(proposed.action, roles);
  if (role === undefined) return { ok: true };

  for (const event of history) {
    if (event.actorId !== proposed.actorId) continue;
    const held = roleOf(event.action, roles);
    if (held === undefined || !dutyRolesConflict(role, held)) continue;
    const [first, second] = ROLE_ORDER.filter((r) => r === role || r === held);
    return {
      ok: false,
      code: 'duty.separation',
      message: `同一人不得既${ROLE_NAMES[first ?? held]}又${ROLE_NAMES[second ?? role]}同一条记录`,
      role,
      conflictsWith: held,
    };
  }
  return { ok: true };
}

/**
 * Whether one person may not hold both roles on one item, by `dutyConflicts` in either
 * direction.
 *
 * @example
 * dutyRolesConflict('approve', 'review') // true
 * dutyRolesConflict('review', 'review') // false
 */
export function dutyRolesConflict(a: DutyRole, b: DutyRole): boolean {
  return dutyConflicts[a].includes(b) || dutyConflicts[b].includes(a);
}

function roleOf(action: string, roles: DutyRoleMap): DutyRole | undefined {
  // Own keys only: an action named 'constructor' or 'toString' must not hit the prototype.
  return Object.hasOwn(roles, action) ? roles[action] : undefined;
}
