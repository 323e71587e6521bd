/**
 * A second process appending audit entries to a shared database, for the concurrent-append
 * test: `node --import tsx tests/helpers/audit-writer.ts DATABASE_URL COUNT NAME`.
 */
import { randomBytes } from 'node:crypto';
import { openDatabase } from '../../src/db/database.ts';
import { createAuditService } from '../../src/modules/audit/service.ts';
import { systemClock } from '../../src/server/context.ts';
import { testConfig } from './platform.ts';

const [url, countText, name] = process.argv.slice(2) as [string, string, string];
const handle = openDatabase(url);
const audit = createAuditService({
  db: handle.db,
  engine: handle.engine,
  sqlite: handle.sqlite,
  config: testConfig(url),
  clock: systemClock,
});
const count = Number(countText);
// Half through single transactions, half through group commit, interleaved.
const pending: Promise<number>[] = [];
for (let i = 0; i < count; i += 1) {
  const input = {
    action: 'test.concurrent',
    result: 'success' as const,
    detail: { writer: name, i, nonce: randomBytes(4).toString('hex') },
  };
  pending.push(i % 2 === 0 ? audit.record(input) : audit.enqueue(input));
  if (pending.length >= 20) await Promise.all(pending.splice(0));
}
await Promise.all(pending);
await handle.close();
