export * from './port';
export * from './log-digest';
export { EVENT_STORE_PRAGMAS, EVENTS_SCHEMA, SqliteEventStore, SqliteEventStoreOptions } from './sqlite-event-store';
export * from './open';
export type { EventStoreDbEventStore, EventStoreDbEventStoreOptions } from './eventstoredb-event-store';
