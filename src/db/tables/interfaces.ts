/** Table types of migration 0010_exchange_interfaces (see ../schema.ts for the column conventions). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ExchangeInterfaceTables {}
