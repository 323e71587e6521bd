// Role names in Chinese, from GET /api/v1/roles (loaded once per page load and shared).
import { useEffect, useState } from 'react';
import { roleApi } from '../api/endpoints';
import type { RoleInfo } from '../api/types';

let cache: Promise<RoleInfo[]> | null = null;

function loadRoles(): Promise<RoleInfo[]> {
  cache ??= roleApi.list().then(
    (r) => r.items,
    (e: unknown) => {
      cache = null; // try again next time
      throw e;
    },
  );
  return cache;
}

export interface Roles {
  list: RoleInfo[];
  loaded: boolean;
  /** The Chinese name of a role; “…” while loading, the code for an unknown role. */
  name: (role: string) => string;
}

export function useRoles(): Roles {
  const [list, setList] = useState<RoleInfo[] | null>(null);
  useEffect(() => {
    let cancelled = false;
    loadRoles().then(
      (items) => !cancelled && setList(items),
      () => !cancelled && setList([]),
    );
    return () => {
      cancelled = true;
    };
  }, []);
  const byRole = new Map((list ?? []).map((r) => [r.role, r.name]));
  return {
    list: list ?? [],
    loaded: list !== null,
    name: (role) => byRole.get(role) ?? (list === null ? '…' : role),
  };
}
