import type { Engine } from '../engine.ts';
import type { AnyDb, EngineMigration } from './index.ts';

/** Exchange interface registry, grant masking and daily quotas, usage statistics (EXC-05). */
export const exchangeInterfaces: EngineMigration = (_engine: Engine) => ({
  async up(_db: AnyDb) {
    // Tables are added here.
  },
});
