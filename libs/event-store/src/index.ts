export * from './port';
export { SqliteEventStore, SqliteEventStoreOptions } from './sqlite-event-store';
export * from './open';
export type { EventStoreDbEventStore, EventStoreDbEventStoreOptions } from './eventstoredb-event-store';
