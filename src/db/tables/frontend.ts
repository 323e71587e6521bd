/** Table types of migration 0011_frontend (see ../schema.ts for the column conventions). */

/** A registered front-end processor (前置机) of a provider unit (EXC-06). */
export interface FrontendNodeTable {
  /** `fen_` + 20 hex characters; the node signs its calls with it. */
  id: string;
  unit_id: string;
  name: string;
  /** The shared signing secret, sealed with the master key (`enc:v1:`). */
  secret: string;
  /** Where the node answers lookups for data it holds (hold mode); null when it only publishes. */
  callback_url: string | null;
  status: 'active' | 'revoked';
  created_at: string;
  created_by: string;
  revoked_at: string | null;
  revoked_by: string | null;
  /** Last signed call received from the node. */
  last_seen_at: string | null;
}

/** Which node serves a catalog resource, and whether it copies rows or keeps them. */
export interface FrontendMappingTable {
  resource_id: string;
  node_id: string;
  /** publish: rows are copied to the platform; hold: rows stay, the node answers lookups. */
  mode: 'publish' | 'hold';
  created_at: string;
  created_by: string;
}

/** One publication of a resource by a node: a snapshot or a delta, applied all or nothing. */
export interface FrontendPublicationTable {
  id: string;
  node_id: string;
  resource_id: string;
  unit_id: string;
  kind: 'snapshot' | 'delta';
  status: 'open' | 'applied' | 'rejected';
  /** The catalog version whose data items validated the rows. */
  catalog_version: number;
  started_at: string;
  finished_at: string | null;
  chunk_count: number;
  staged_rows: number;
  staged_deletes: number;
  added: number;
  updated: number;
  unchanged: number;
  deleted: number;
  change_no: number | null;
  /** What the source holds (every row, not only those sent), as the node counted it. */
  source_row_count: number | null;
  source_checksum: string | null;
  /** What the platform holds after applying, computed from the stored rows. */
  platform_row_count: number | null;
  platform_checksum: string | null;
  error_count: number;
  /** JSON array of row errors (without values: they stay in the department). */
  errors: string;
  message: string | null;
}

/** Received chunks of an open publication (a retried chunk is recognised and not staged twice). */
export interface FrontendPublicationChunkTable {
  publication_id: string;
  seq: number;
  rows: number;
  deletes: number;
}

/** Validated rows (data set) and removals (data null) waiting for their publication's commit. */
export interface FrontendStagedRowTable {
  publication_id: string;
  row_key: string;
  data: string | null;
  chunk_seq: number;
}

/** A batch copy delivered to a consumer (批量复制), as the exchange layer reported it (COL-07). */
export interface ReconciliationBatchTable {
  batch_id: string;
  grant_id: string;
  resource_id: string;
  provider_unit_id: string;
  consumer_unit_id: string;
  mode: string;
  format: string;
  row_count: number;
  checksum: string;
  from_change: number | null;
  to_change: number | null;
  /** 1 when the stream ran to its end. */
  complete: number;
  delivered_at: string;
}

/** What the consumer says it received or loaded for a batch (回执). */
export interface ReconciliationReceiptTable {
  batch_id: string;
  credential_id: string;
  consumer_unit_id: string;
  row_count: number;
  checksum: string;
  received_at: string;
  note: string | null;
}

/** A stored daily reconciliation report (对账报告) of one unit. */
export interface ReconciliationReportTable {
  id: string;
  report_date: string;
  unit_id: string;
  generated_at: string;
  difference_count: number;
  /** The report as JSON. */
  content: string;
}

export interface FrontendTables {
  frontend_nodes: FrontendNodeTable;
  frontend_mappings: FrontendMappingTable;
  frontend_publications: FrontendPublicationTable;
  frontend_publication_chunks: FrontendPublicationChunkTable;
  frontend_staged_rows: FrontendStagedRowTable;
  reconciliation_batches: ReconciliationBatchTable;
  reconciliation_receipts: ReconciliationReceiptTable;
  reconciliation_reports: ReconciliationReportTable;
}
