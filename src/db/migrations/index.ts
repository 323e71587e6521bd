/**
 * Versioned schema migrations, run in name order on both engines. Each migration is written
 * once with Kysely's schema builder; the few places where the engines differ take the engine
 * as a parameter. The schema version reported by /api/health is the number applied.
 */
import type { Kysely, Migration, MigrationProvider } from 'kysely';
import type { Engine } from '../engine.ts';
import { foundation } from './0001_foundation.ts';
import { identity } from './0002_identity.ts';
import { audit } from './0003_audit.ts';
import { auditArchive } from './0004_audit_archive.ts';
import { history } from './0005_history.ts';
import { catalog } from './0006_catalog.ts';
import { sharing } from './0007_sharing.ts';
import { exchange } from './0008_exchange.ts';
import { subscriptions } from './0009_subscriptions.ts';
import { exchangeInterfaces } from './0010_exchange_interfaces.ts';
import { frontend } from './0011_frontend.ts';
import { registry } from './0012_registry.ts';

export type EngineMigration = (engine: Engine) => Migration;

const all: Record<string, EngineMigration> = {
  '0001_foundation': foundation,
  '0002_identity': identity,
  '0003_audit': audit,
  '0004_audit_archive': auditArchive,
  '0005_history': history,
  '0006_catalog': catalog,
  '0007_sharing': sharing,
  '0008_exchange': exchange,
  '0009_subscriptions': subscriptions,
  '0010_exchange_interfaces': exchangeInterfaces,
  '0011_frontend': frontend,
  '0012_registry': registry,
};

export const latestSchemaVersion = Object.keys(all).length;

export function migrationProvider(engine: Engine): MigrationProvider {
  return {
    getMigrations: async () =>
      Object.fromEntries(Object.entries(all).map(([name, make]) => [name, make(engine)])),
  };
}

/** `Kysely<any>` is the schema builder's view of a database whose tables do not exist yet. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyDb = Kysely<any>;
