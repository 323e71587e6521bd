/**
 * Table types for the typed query layer (Kysely). One interface per table; columns are
 * portable across SQLite and PostgreSQL: ids and timestamps are TEXT (timestamps are UTC
 * ISO 8601 strings, which sort correctly as text), booleans are INTEGER 0/1, JSON is TEXT.
 */
import type { Generated } from 'kysely';

export interface DivisionTable {
  code: string;
  name: string;
  level: 'province' | 'city' | 'county' | 'township' | 'village';
  parent_code: string | null;
  status: 'active' | 'retired';
  created_at: string;
  updated_at: string;
}

export interface DivisionImportBatchTable {
  id: string;
  source_name: string;
  imported_at: string;
  imported_by: string | null;
  row_count: number;
  added: number;
  renamed: number;
  retired: number;
  note: string | null;
}

export interface DivisionChangeTable {
  id: Generated<number>;
  batch_id: string;
  code: string;
  change: 'added' | 'renamed' | 'retired' | 'restored';
  old_name: string | null;
  new_name: string | null;
  at: string;
}

export interface UnitTable {
  id: string;
  name: string;
  credit_code: string | null;
  division_code: string;
  parent_unit_id: string | null;
  type: 'agency' | 'institution' | 'enterprise' | 'other';
  status: 'active' | 'inactive';
  version: number;
  created_at: string;
  updated_at: string;
}

export interface UserTable {
  id: string;
  username: string;
  display_name: string;
  unit_id: string;
  password_hash: string;
  status: 'active' | 'disabled';
  must_change_password: number;
  failed_logins: number;
  last_login_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface UserRoleTable {
  user_id: string;
  role: string;
}

export interface SessionTable {
  /** SHA-256 of the session token: the token itself is never stored. */
  id: string;
  user_id: string;
  csrf_token: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  client_ip: string | null;
  user_agent: string | null;
}

export interface CalendarOverrideTable {
  date: string;
  kind: 'holiday' | 'workday';
  name: string;
  notice: string | null;
  created_at: string;
  created_by: string | null;
}

export interface SecretTable {
  name: string;
  /** Encrypted with the master key: see src/server/secrets.ts. */
  ciphertext: string;
  created_at: string;
}

export interface Database {
  divisions: DivisionTable;
  division_import_batches: DivisionImportBatchTable;
  division_changes: DivisionChangeTable;
  units: UnitTable;
  users: UserTable;
  user_roles: UserRoleTable;
  sessions: SessionTable;
  calendar_overrides: CalendarOverrideTable;
  secrets: SecretTable;
}
