export { divisionLevel, isProvinceCode, parentCodeOf } from './codes.ts';
export type { CodeLookup, DivisionLevel, DivisionRow } from './codes.ts';
export { loadNationalTable, nationalTableInfo } from './national.ts';
export { parseDivisionTable } from './parse-table.ts';
export type {
  DivisionTableError,
  DivisionTableErrorKind,
  DivisionTableFormat,
  DivisionTableResult,
} from './parse-table.ts';
export { diffDivisionTables } from './diff.ts';
export type { DivisionRename, DivisionTableDiff } from './diff.ts';
