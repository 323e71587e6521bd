/** Table types of migration 0009_subscriptions (see ../schema.ts for the column conventions). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface SubscriptionTables {}
