import { sql } from 'kysely';

/** A CHECK (column IN (...)) constraint; values are fixed identifiers, never user input. */
export function sqlIn(column: string, values: readonly string[]) {
  return sql.raw(`${column} in (${values.map((v) => `'${v}'`).join(', ')})`);
}
