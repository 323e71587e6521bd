import type { Engine } from '../engine.ts';
import type { AnyDb, EngineMigration } from './index.ts';

/** Front-end processors (前置机) and reconciliation (对账) (EXC-06, COL-07). */
export const frontend: EngineMigration = (_engine: Engine) => ({
  async up(_db: AnyDb) {
    // Tables are added here.
  },
});
