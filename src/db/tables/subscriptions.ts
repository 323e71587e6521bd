/** Table types of migration 0009_subscriptions (see ../schema.ts for the column conventions). */

/**
 * A webhook (订阅推送, EXC-04) a consumer unit registered on one of its grants: every change
 * to the granted resource's rows becomes a notification in the outbox.
 */
export interface ExchangeSubscriptionTable {
  /** `mzs_` + 20 hex characters. */
  id: string;
  grant_id: string;
  consumer_unit_id: string;
  resource_id: string;
  url: string;
  /** The HMAC secret, sealed with the master key (`enc:v1:`); shown once when created. */
  secret: string;
  /** hmac-sm3: HMAC only; hmac-sm3+sm2: also signed with the platform's SM2 key. */
  signature: 'hmac-sm3' | 'hmac-sm3+sm2';
  label: string;
  /** cancelled: by the consumer; ended: the grant expired or was revoked. */
  status: 'active' | 'cancelled' | 'ended';
  /** Changes up to this number have their notifications in the outbox (or were before it). */
  last_change_no: number;
  /**
   * PostgreSQL: the newest change when the subscription was created, and the snapshot then
   * (`pg_current_snapshot()`), until the changes numbered below it that were still being
   * written have been looked for. Null once done, and always on SQLite.
   */
  start_change_no: number | null;
  start_snapshot: string | null;
  created_at: string;
  created_by: string;
  ended_at: string | null;
  ended_by: string | null;
  end_reason: string | null;
}

/** One notification to deliver, and how its delivery went. */
export interface ExchangeOutboxTable {
  /** The notification ID (UUIDv7), sent as x-mzhub-notification-id; receivers deduplicate by it. */
  id: string;
  subscription_id: string;
  change_no: number;
  /** The JSON body, fixed when the notification is produced. */
  payload: string;
  /** Rows the change touched (for the audit entry of each delivery). */
  row_count: number;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  next_attempt_at: string;
  /** Stable code of the last failure (http_status, timeout, network, grant_inactive …). */
  last_error: string | null;
  /** The same in words, for the console. */
  last_error_detail: string | null;
  last_status_code: number | null;
  last_attempt_at: string | null;
  /** An instance delivering the row holds it until then, so no two deliver it at once. */
  lease_until: string | null;
  leased_by: string | null;
  created_at: string;
  /** When it last became pending (produced or re-queued): retries give up counting from here. */
  queued_at: string;
  delivered_at: string | null;
}

export interface SubscriptionTables {
  exchange_subscriptions: ExchangeSubscriptionTable;
  exchange_outbox: ExchangeOutboxTable;
}
