import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOG_DIGEST_CHECKPOINT_EVERY, LOG_DIGEST_GENESIS, logDigestStep } from './log-digest';
import { WrongExpectedRevisionError, type EventToAppend } from './port';
import { SqliteEventStore } from './sqlite-event-store';

const event = (n: number): EventToAppend => ({
  eventId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  type: 'Noted',
  data: { n },
  metadata: { hash: `hash-${n}` },
  businessKey: `note:${n}`,
});

/** The digest recomputed from what the store hands out, as an auditor would. */
async function recomputed(store: SqliteEventStore): Promise<string> {
  let digest = LOG_DIGEST_GENESIS;
  for await (const stored of store.readAll()) digest = logDigestStep(digest, stored.position, stored.eventId, stored.metadata.hash);
  return digest;
}

describe('the embedded store keeps a running digest of its log', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'ledger-digest-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes it with every append, on the fast and the checked path, and leaves it alone when an append fails', async () => {
    const store = new SqliteEventStore({ file: join(dir, 'events.sqlite') });
    expect(await store.logDigest()).toEqual({ headPosition: null, head: null, checkpoints: [], backfilledThrough: null });
    await store.append('s-1', [event(1), event(2)], 'no_stream');
    await store.appendMany([{ stream: 's-2', events: [event(3)], expectedRevision: 'no_stream' }]);
    // An idempotent re-append takes the checked path and appends nothing.
    await store.append('s-1', [event(1), event(2)], 'no_stream');
    await expect(store.append('s-1', [event(4)], 0)).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    const digest = await store.logDigest();
    expect(digest).toMatchObject({ headPosition: 3n, head: { position: 3n, digest: await recomputed(store) }, checkpoints: [], backfilledThrough: null });
    await store.close();
  });

  it(`keeps a checkpoint every ${LOG_DIGEST_CHECKPOINT_EVERY} events`, async () => {
    const store = new SqliteEventStore({ file: join(dir, 'events.sqlite') });
    const total = LOG_DIGEST_CHECKPOINT_EVERY + 5;
    const appends = Array.from({ length: total }, (_, i) => ({ stream: `s-${i % 97}`, events: [event(i + 1)], expectedRevision: 'any' as const }));
    await store.appendMany(appends);
    let digest = LOG_DIGEST_GENESIS;
    let atCheckpoint = '';
    for await (const stored of store.readAll()) {
      digest = logDigestStep(digest, stored.position, stored.eventId, stored.metadata.hash);
      if (stored.position === BigInt(LOG_DIGEST_CHECKPOINT_EVERY)) atCheckpoint = digest;
    }
    const record = await store.logDigest();
    expect(record.checkpoints).toEqual([{ position: BigInt(LOG_DIGEST_CHECKPOINT_EVERY), digest: atCheckpoint }]);
    expect(record.head).toEqual({ position: BigInt(total), digest });
    await store.close();
  });

  it('computes it once over the events of a store file written before it existed, and says so', async () => {
    const file = join(dir, 'events.sqlite');
    const store = new SqliteEventStore({ file });
    const total = LOG_DIGEST_CHECKPOINT_EVERY * 2 + 3;
    await store.appendMany(Array.from({ length: total }, (_, i) => ({ stream: 's-1', events: [event(i + 1)], expectedRevision: 'any' as const })));
    const asAppended = await store.logDigest();
    store.database.exec('DROP TABLE log_digest_head; DROP TABLE log_digest_checkpoints;');
    await store.close();

    const reopened = new SqliteEventStore({ file });
    const expected = await recomputed(reopened);
    const end = BigInt(total);
    expect(await reopened.logDigest()).toEqual({ ...asAppended, head: { position: end, digest: expected }, backfilledThrough: end });
    expect(asAppended.checkpoints).toHaveLength(2);
    await reopened.append('s-1', [event(total + 1)], total - 1);
    expect(await reopened.logDigest()).toMatchObject({ head: { position: end + 1n, digest: await recomputed(reopened) }, backfilledThrough: end });
    await reopened.close();
  });
});
