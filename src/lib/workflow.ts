/**
 * A typed state machine for the platform's workflows (catalog review, sharing requests,
 * registry records): a table of actions, each naming the states it may start from and the
 * state it leads to. The status of a record is what its append-only action log leads to,
 * so `deriveStatus` over the log must always equal the status column kept beside it.
 */

export interface Transition<S extends string> {
  /** States the action may be taken from. */
  from: readonly S[];
  /** State after the action; `null` keeps the current state (e.g. "opened for review"). */
  to: S | null;
  /** Chinese label of the action, for logs and the console. */
  label: string;
}

export interface Workflow<S extends string, A extends string> {
  initial: S;
  transitions: Readonly<Record<A, Transition<S>>>;
  /** The state after `action` from `status`, or null when the action is not allowed there. */
  next(status: S, action: A): S | null;
  /** Actions allowed from `status`. */
  allowed(status: S): A[];
  /** Replays an action log from the initial state; throws on an impossible log. */
  deriveStatus(actions: readonly A[]): S;
}

export function defineWorkflow<S extends string, A extends string>(definition: {
  initial: S;
  transitions: Record<A, Transition<S>>;
}): Workflow<S, A> {
  const { initial, transitions } = definition;
  const next = (status: S, action: A): S | null => {
    const t = transitions[action];
    if (!t || !t.from.includes(status)) return null;
    return t.to ?? status;
  };
  return {
    initial,
    transitions,
    next,
    allowed: (status) =>
      (Object.keys(transitions) as A[]).filter((a) => transitions[a].from.includes(status)),
    deriveStatus(actions) {
      let status = initial;
      for (const action of actions) {
        const after = next(status, action);
        if (after === null) throw new Error(`动作“${action}”不能在状态“${status}”下执行`);
        status = after;
      }
      return status;
    },
  };
}
