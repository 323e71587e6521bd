/**
 * What every module receives: the database, the configuration and a clock. The clock is
 * injectable so deadline and expiry rules can be tested at any date.
 */
import type { Config } from './config.ts';
import type { Db } from '../db/database.ts';
import type { Engine } from '../db/engine.ts';
import type SqliteDatabase from 'better-sqlite3';

type SqliteConnection = SqliteDatabase.Database;

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export interface AppContext {
  db: Db;
  engine: Engine;
  /** The raw SQLite connection behind `db` (see DatabaseHandle.sqlite); absent on PostgreSQL. */
  sqlite?: SqliteConnection | null;
  config: Config;
  clock: Clock;
}
