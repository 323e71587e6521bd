/** Table types of migration 0012_registry (see ../schema.ts for the column conventions). */
import type { Generated } from 'kysely';

export type RegistryRecordStatus = 'draft' | 'approved' | 'suspended' | 'cancelled' | 'discarded';
export type RegistryRequestKind =
  'register' | 'change' | 'transfer' | 'suspend' | 'resume' | 'cancel';
export type RegistryRequestStatus =
  | 'draft'
  | 'pending_check'
  | 'pending_review'
  | 'pending_approval'
  | 'returned'
  | 'approved'
  | 'withdrawn';

/** 优抚类别: configurable data (伤残军人, 烈士遗属 …). */
export interface RegistryCategoryTable {
  /** Two digits; certificate rules may use it. */
  code: string;
  name: string;
  /** 证件名称, e.g. 残疾军人证. */
  certificate_name: string;
  /** JSON array of benefit keys the category requires. */
  required_benefit: string;
  /** JSON array of benefit keys that contradict the category (类别与待遇不符). */
  forbidden_benefit: string;
  active: number;
  sort: number;
  updated_at: string;
  updated_by: string | null;
}

/** Province settings by key (certificate_rules, deadline, catalog_link), each a JSON value. */
export interface RegistrySettingTable {
  key: string;
  value: string;
  updated_at: string;
  updated_by: string | null;
  updated_by_name: string | null;
}

/** The province-wide lock (数据锁定, REG-10): one row, id 1. */
export interface RegistryLockTable {
  id: number;
  locked: number;
  locked_by: string | null;
  locked_by_name: string | null;
  locked_at: string | null;
  reason: string | null;
}

/** Named counters (record numbers, request numbers, certificate sequences); never go back. */
export interface RegistryCounterTable {
  name: string;
  next_value: number;
}

/** 优抚对象: the record's current version; every version is kept in record_versions. */
export interface RegistryRecordTable {
  id: string;
  version: number;
  /** YF + county code + sequence, for people to quote. */
  record_no: string;
  status: RegistryRecordStatus;
  name: string;
  id_number: string;
  /** The ID number while the record is live (not discarded): unique across the province. */
  id_number_key: string | null;
  id_valid: number;
  id_problem: string | null;
  /** Who checked the original ID card when the number is invalid (REG-03). */
  id_verified_by: string | null;
  id_verified_note: string | null;
  id_verified_by_user: string | null;
  id_verified_by_user_name: string | null;
  id_verified_at: string | null;
  sex: string | null;
  birth_date: string | null;
  ethnicity: string | null;
  /** 6, 9 or 12 digits: where the recipient is registered. */
  division_code: string;
  province_code: string;
  city_code: string;
  county_code: string;
  address: string | null;
  phone: string | null;
  category_code: string;
  /** JSON of the benefit details. */
  benefit: string;
  /** name|birth date|county: same key = possible duplicate for a person to look at. */
  person_key: string;
  certificate_no: string | null;
  certificate_issued_at: string | null;
  materials_complete: number;
  open_problems: number;
  /** The open request (registration or change), copied here for lists. */
  open_request_id: string | null;
  open_request_kind: RegistryRequestKind | null;
  open_request_status: RegistryRequestStatus | null;
  /** Imported as already approved in an earlier system. */
  historical: number;
  unit_id: string;
  created_by: string;
  created_at: string;
  updated_at: string;
  approved_at: string | null;
}

/** A registration or a change to an approved record, on its way through the levels. */
export interface RegistryRequestTable {
  id: string;
  /** DJ/BG/QY/ZT/HF/ZX + year + sequence. */
  no: string;
  record_id: string;
  kind: RegistryRequestKind;
  status: RegistryRequestStatus;
  version: number;
  /** JSON of what the request proposes (change, transfer, cancel …); null for registrations. */
  proposal: string | null;
  reason: string | null;
  /** The record while the request is open: at most one open request per record. */
  open_record_id: string | null;
  province_code: string;
  city_code: string;
  county_code: string;
  division_code: string;
  category_code: string;
  person_name: string;
  id_number: string;
  unit_id: string;
  created_by: string;
  created_at: string;
  updated_at: string;
  submitted_at: string | null;
  reported_at: string | null;
  passed_at: string | null;
  approved_at: string | null;
  /** The action that brought the request into its current status (opening counts after it). */
  stage_action_id: number;
  return_reason: string | null;
}

/** The append-only action log: request status is what it leads to. */
export interface RegistryActionTable {
  id: Generated<number>;
  record_id: string;
  request_id: string | null;
  action: string;
  from_status: string | null;
  to_status: string | null;
  actor_id: string;
  actor_name: string;
  actor_unit_id: string;
  actor_unit_name: string;
  at: string;
  note: string | null;
  detail: string | null;
}

/** Scans and photos, small enough to live in the database (≤ 300 KB). */
export interface RegistryAttachmentTable {
  id: string;
  record_id: string;
  /** The change request it was uploaded for, if any. */
  request_id: string | null;
  kind: string;
  file_name: string;
  byte_size: number;
  width: number | null;
  height: number | null;
  /** SM3 of the content, hex. */
  sm3: string;
  content: Buffer;
  uploaded_by: string;
  uploaded_by_name: string;
  uploaded_at: string;
}

/** 问题数据 flagged by the screening (REG-11). */
export interface RegistryProblemTable {
  id: string;
  record_id: string;
  province_code: string;
  city_code: string;
  county_code: string;
  kind: string;
  detail: string;
  status: 'open' | 'cleared' | 'corrected';
  /** record|kind while open: one open problem of a kind per record. */
  open_key: string | null;
  detected_at: string;
  resolved_at: string | null;
  resolved_by: string | null;
  resolved_by_name: string | null;
  resolution_note: string | null;
}

/** Every certificate number ever issued: the primary key keeps numbers unique and unreused. */
export interface RegistryCertificateTable {
  number: string;
  record_id: string;
  category_code: string;
  issued_at: string;
  issued_by: string;
}

/** Backups of the registry data, as recorded by the province (REG-13). */
export interface RegistryBackupTable {
  id: string;
  at: string;
  location: string;
  note: string | null;
  recorded_by: string;
  recorded_by_name: string;
  recorded_at: string;
}

export interface RegistryTables {
  registry_categories: RegistryCategoryTable;
  registry_settings: RegistrySettingTable;
  registry_lock: RegistryLockTable;
  registry_counters: RegistryCounterTable;
  registry_records: RegistryRecordTable;
  registry_requests: RegistryRequestTable;
  registry_actions: RegistryActionTable;
  registry_attachments: RegistryAttachmentTable;
  registry_problems: RegistryProblemTable;
  registry_certificates: RegistryCertificateTable;
  registry_backups: RegistryBackupTable;
}
