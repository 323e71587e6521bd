/** Table types of migration 0011_frontend (see ../schema.ts for the column conventions). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface FrontendTables {}
