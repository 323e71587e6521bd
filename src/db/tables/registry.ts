/** Table types of migration 0012_registry (see ../schema.ts for the column conventions). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface RegistryTables {}
