import { createHash } from 'node:crypto';
import type { SqliteEventStore } from '@ledger/event-store';

/**
 * The import path's golden year (import-golden.spec.ts), shared by the specs that import it by
 * other routes (the writer thread, other transaction sizes): its generator options, seeded event
 * ids, and the digests of what a store holds after it.
 */
export const GOLDEN_YEAR = { residents: 2_000, seed: 18, batchSize: 40 } as const;

/** The digests recorded on main at a6929a9: a change that moves one changed what is recorded. */
export const GOLDEN_STORE = {
  events: 12_722,
  rows: '9489afe66befc1f94ee870050f404cbca926a30d2668c769690102d26de1d267',
  logDigest: '12722:47229affb8bb270c29d6d9738fce5da798234ce045858cec3d36ed2f7e49413a:1',
} as const;

export const GOLDEN_REPORT = 'a8b80ee3672f108e38d998223343b6843678ddf4caa615e74df56b0c209fcc45';

/** Event ids 1, 2, 3… shaped as UUIDs: the only input of an import that is not already seeded. */
export function countingIds(): () => string {
  let next = 0;
  return () => {
    next += 1;
    return `00000000-0000-7000-8000-${next.toString(16).padStart(12, '0')}`;
  };
}

/**
 * Over what the port returns (not the table's bytes), so a store layout that gives back the same
 * events digests the same.
 */
export async function storeDigests(store: SqliteEventStore): Promise<{ events: number; rows: string; logDigest: string }> {
  const rows = createHash('sha256');
  let events = 0;
  for await (const event of store.readAll()) {
    events += 1;
    rows.update(JSON.stringify([String(event.position), event.eventId, event.stream, event.revision, event.type, event.data, event.metadata]));
    rows.update('\n');
  }
  const log = await store.logDigest();
  return { events, rows: rows.digest('hex'), logDigest: `${log.head?.position}:${log.head?.digest}:${log.checkpoints.length}` };
}
