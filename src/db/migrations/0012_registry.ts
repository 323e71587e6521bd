import type { Engine } from '../engine.ts';
import type { AnyDb, EngineMigration } from './index.ts';

/** Veterans' benefit registry (优抚对象) (REG-01…13). */
export const registry: EngineMigration = (_engine: Engine) => ({
  async up(_db: AnyDb) {
    // Tables are added here.
  },
});
