import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@ledger/event-store';
import { describeEventStoreContract } from './event-store.contract';

describeEventStoreContract('embedded SQLite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-contract-'));
  const file = join(dir, 'events.sqlite');
  let store = new SqliteEventStore({ file, pollIntervalMs: 20 });
  return {
    store,
    atomicBatches: true,
    reopen: async () => {
      await store.close();
      store = new SqliteEventStore({ file, pollIntervalMs: 20 });
      return store;
    },
    dispose: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
