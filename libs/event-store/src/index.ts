export * from './port';
export * from './log-digest';
export { EncodedEvent, EncodedStreamAppend, encodeEvent, encodeStreamAppends, EVENT_STORE_PRAGMAS, EVENTS_SCHEMA, EventsTableRow, NEW_FILE_PAGE_SIZE, SqliteEventStore, SqliteEventStoreOptions, walAutocheckpointPages } from './sqlite-event-store';
export * from './open';
export type { EventStoreDbEventStore, EventStoreDbEventStoreOptions } from './eventstoredb-event-store';
export * from './ordered-appender';
export { SqliteWriterThread } from './sqlite-writer-thread';
