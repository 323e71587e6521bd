import type { Engine } from '../engine.ts';
import type { AnyDb, EngineMigration } from './index.ts';

/** Exchange subscriptions — webhooks and their delivery outbox (EXC-04). */
export const subscriptions: EngineMigration = (_engine: Engine) => ({
  async up(_db: AnyDb) {
    // Tables are added here.
  },
});
