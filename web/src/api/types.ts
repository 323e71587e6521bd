// Shapes of the mzhub HTTP API as the console uses them (see the server's OpenAPI document
// at /api/openapi.json for the authoritative version).

export interface User {
  id: string;
  username: string;
  displayName: string;
  unitId: string;
  unitName: string;
  roles: string[];
  permissions: string[];
  mustChangePassword: boolean;
}

export interface Session {
  user: User;
  csrfToken: string;
}

export interface Health {
  // 'ok' when healthy.
  status: string;
  engine: 'sqlite' | 'postgres';
  schemaVersion: number;
  version: string;
}

export type DivisionLevel = 'province' | 'city' | 'county' | 'township' | 'village';

export interface Division {
  code: string;
  name: string;
  level: DivisionLevel;
  parentCode: string | null;
  status: 'active' | 'retired';
  hasChildren: boolean;
}

export interface DivisionChange {
  at: string;
  change: 'added' | 'renamed' | 'retired' | 'restored';
  oldName: string | null;
  newName: string | null;
  batchId: string | null;
  note: string | null;
}

export interface DivisionDetail {
  code: string;
  name: string;
  level: DivisionLevel;
  parentCode: string | null;
  status: 'active' | 'retired';
  path: { code: string; name: string }[];
  history: DivisionChange[];
}

export interface DivisionStats {
  total: number;
  active: number;
  retired: number;
}

export type UnitType = 'agency' | 'institution' | 'enterprise' | 'other';

export interface Unit {
  id: string;
  name: string;
  creditCode: string | null;
  divisionCode: string;
  divisionName: string;
  parentUnitId: string | null;
  parentUnitName: string | null;
  type: UnitType;
  status: 'active' | 'inactive';
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
  /** Not in the contract; used when a server provides it. */
  total?: number;
}

export interface UnitInput {
  name: string;
  creditCode?: string | null;
  divisionCode: string;
  parentUnitId?: string | null;
  type: UnitType;
}

export interface UnitPatch extends Partial<UnitInput> {
  version: number;
  status?: Unit['status'];
}

export interface CalendarDay {
  date: string;
  kind: 'holiday' | 'adjusted_workday';
  name: string;
  source: 'builtin' | 'override';
}

export interface CalendarYear {
  year: number;
  covered: boolean;
  days: CalendarDay[];
}

export interface CalendarOverrideInput {
  date: string;
  kind: 'holiday' | 'workday';
  name: string;
  notice: string;
}

export interface DueDate {
  from: string;
  days: number;
  due: string;
}
