/**
 * A department's own database as the front-end processor (前置机) reads it: SELECT only.
 *
 * Every adapter hands out values as text (NULL as null) so that the processor normalises
 * them with the same row validator the platform uses, whatever the engine's own types are.
 *
 * To add an engine (MySQL, for instance): write `sources/mysql.ts` implementing
 * `SourceDatabase` with the driver of your choice — stream a SELECT in batches without
 * loading it whole (a server-side cursor), convert every value to text, open the session
 * read-only (`SET SESSION TRANSACTION READ ONLY`), quote identifiers with backticks and use
 * `?` placeholders — then add its URL scheme (mysql://) to `openSource` in ./index.ts.
 */

export type SourceRow = Record<string, string | null>;

export interface SourceDatabase {
  /** The engine's name, for logs. */
  readonly engine: string;
  /** Streams the rows of a SELECT in batches of about `batchSize`, in the query's order. */
  rows(query: string, batchSize: number): AsyncIterable<SourceRow[]>;
  /** The column names a SELECT returns, without reading its rows. */
  columns(query: string): Promise<string[]>;
  /** The first row of a SELECT with parameters (probes, lookups), or null. */
  first(query: string, params: readonly string[]): Promise<SourceRow | null>;
  /** An identifier (table or column, optionally schema-qualified) quoted for this engine. */
  quote(identifier: string): string;
  /** The placeholder of the n-th parameter (1-based) in this engine's SQL. */
  placeholder(n: number): string;
  close(): Promise<void>;
}

/** Table and column names the processor accepts (it builds SQL from them). */
export const identifierPattern =
  /^[A-Za-z_\u4e00-\u9fa5][\w\u4e00-\u9fa5$]*(\.[A-Za-z_\u4e00-\u9fa5][\w\u4e00-\u9fa5$]*)?$/;
