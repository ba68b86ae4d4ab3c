import { join } from 'node:path';
import type { EventStorePort } from './port';
import { SqliteEventStore } from './sqlite-event-store';

export interface EventStoreLocation {
  /** Folder of the embedded store (events.sqlite). */
  dataDir: string;
  /** When set, EventStoreDB is used instead of the embedded store. */
  eventStoreConnectionString?: string;
  /**
   * Open the embedded store read-only (the auditor): the file must exist and is never written,
   * not even to create, migrate or backfill. EventStoreDB is only ever read by the auditor anyway.
   */
  readOnly?: boolean;
}

export const EMBEDDED_EVENTS_FILE = 'events.sqlite';

/** The embedded store unless an EventStoreDB connection string is configured. */
export async function openEventStore(location: EventStoreLocation): Promise<EventStorePort> {
  if (location.eventStoreConnectionString) {
    // Loaded only when asked for, so the embedded default never pays for the gRPC client.
    const { EventStoreDbEventStore } = await import('./eventstoredb-event-store');
    return EventStoreDbEventStore.fromConnectionString(location.eventStoreConnectionString);
  }
  return new SqliteEventStore({ file: join(location.dataDir, EMBEDDED_EVENTS_FILE), readOnly: location.readOnly });
}
