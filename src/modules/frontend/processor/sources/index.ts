/** Opens a department's database by its URL: postgres://… or sqlite:PATH (see ./source.ts). */
import { openPostgresSource } from './postgres.ts';
import { openSqliteSource } from './sqlite.ts';
import type { SourceDatabase } from './source.ts';

export type { SourceDatabase, SourceRow } from './source.ts';

export function openSource(url: string, options: { timeZone: string }): SourceDatabase {
  if (/^postgres(ql)?:\/\//.test(url)) return openPostgresSource(url, options);
  if (/^(sqlite|file):/.test(url))
    return openSqliteSource(url.replace(/^(sqlite|file):(\/\/)?/, ''));
  throw new Error(
    `不支持的源数据库地址：${url.replace(/:[^:@/]*@/, ':***@')}（支持 postgres:// 与 sqlite:）`,
  );
}
