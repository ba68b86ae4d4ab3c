import type { EventStoreDbEventStore } from '@ledger/event-store';
import { describeEventStoreContract } from './event-store.contract';

/**
 * The shared contract against a real EventStoreDB. It needs a server, so it runs only when
 * EVENTSTORE_CONNECTION_STRING is set (e.g. `esdb://localhost:2113?tls=false` after
 * `docker compose up -d eventstore`); otherwise jest reports the suite as skipped.
 */
const connectionString = process.env.EVENTSTORE_CONNECTION_STRING;
const skipReason = connectionString
  ? undefined
  : 'EVENTSTORE_CONNECTION_STRING is not set — start one with `docker compose up -d eventstore`';

async function connect(): Promise<EventStoreDbEventStore> {
  // Loaded lazily, so a skipped run never loads the gRPC client.
  const { EventStoreDbEventStore } = await import('@ledger/event-store/eventstoredb-event-store');
  return EventStoreDbEventStore.fromConnectionString(connectionString!);
}

describeEventStoreContract(
  'EventStoreDB',
  async () => {
    let store = await connect();
    return {
      store,
      reopen: async () => {
        await store.close(); // disposes the client
        store = await connect();
        return store;
      },
      dispose: async () => store.close(),
    };
  },
  skipReason,
);
