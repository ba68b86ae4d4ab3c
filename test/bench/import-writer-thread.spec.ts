import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BusinessKeyTakenError,
  EarlierAppendFailedError,
  SqliteEventStore,
  SqliteWriterThread,
  WrongExpectedRevisionError,
} from '@ledger/event-store';
import { loadPolicy } from '@ledger/policy';
import { importSyntheticYear } from '../../scripts/synthetic/import-year';

/**
 * The import with its appends on the store's writer thread (each transaction committing while the
 * next is decided) stores exactly what the import on one thread stores: the golden year of
 * import-golden.spec.ts, same events, positions and log digest, over many small transactions.
 */
function countingIds(): () => string {
  let next = 0;
  return () => {
    next += 1;
    return `00000000-0000-7000-8000-${next.toString(16).padStart(12, '0')}`;
  };
}

async function digestOf(store: SqliteEventStore): Promise<{ events: number; rows: string; log: string }> {
  const rows = createHash('sha256');
  let events = 0;
  for await (const e of store.readAll()) {
    events += 1;
    rows.update(JSON.stringify([String(e.position), e.eventId, e.stream, e.revision, e.type, e.data, e.metadata]));
  }
  const log = await store.logDigest();
  return { events, rows: rows.digest('hex'), log: `${log.head?.position}:${log.head?.digest}:${log.checkpoints.length}` };
}

describe('the store writer thread', () => {
  const dirs: string[] = [];
  const dir = () => {
    const made = mkdtempSync(join(tmpdir(), 'writer-thread-'));
    dirs.push(made);
    return made;
  };
  afterAll(() => {
    for (const made of dirs) rmSync(made, { recursive: true, force: true });
  });

  const importYear = async (threaded: boolean) => {
    const file = join(dir(), 'events.sqlite');
    const store = new SqliteEventStore({ file });
    const writer = threaded ? new SqliteWriterThread(file) : undefined;
    await importSyntheticYear({ residents: 2_000, seed: 18, store, policy: loadPolicy(), batchSize: 40, transactionSize: 400, newEventId: countingIds(), writer });
    await writer?.close();
    return store;
  };

  it('stores the golden year exactly as the import on one thread does', async () => {
    const threaded = await importYear(true);
    const plain = await importYear(false);
    const digest = await digestOf(threaded);
    expect(digest.events).toBe(12_722);
    expect(digest).toEqual(await digestOf(plain));
    await threaded.close();
    await plain.close();
  }, 180_000);

  it("answers with the port's errors, and refuses unwritten what was submitted after a failure", async () => {
    const file = join(dir(), 'events.sqlite');
    const store = new SqliteEventStore({ file });
    const writer = new SqliteWriterThread(file);
    const event = (id: string, businessKey?: string) => ({ eventId: id, type: 'Noted', data: { id }, metadata: { hash: id }, businessKey });
    const first = writer.submit([{ stream: 's-1', events: [event('00000000-0000-7000-8000-000000000001', 'k-1')], expectedRevision: 'no_stream' }], undefined, null);
    expect(await first.done).toEqual([{ nextExpectedRevision: 0, position: 1n }]);
    const wrong = writer.submit([{ stream: 's-1', events: [event('00000000-0000-7000-8000-000000000002')], expectedRevision: 'no_stream' }], undefined, first);
    const after = writer.submit([{ stream: 's-2', events: [event('00000000-0000-7000-8000-000000000003')], expectedRevision: 'no_stream' }], undefined, wrong);
    const unrelated = writer.submit([{ stream: 's-3', events: [event('00000000-0000-7000-8000-000000000004', 'k-1')], expectedRevision: 'no_stream' }], undefined, null);
    await expect(wrong.done).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    await expect(after.done).rejects.toBeInstanceOf(EarlierAppendFailedError);
    const taken = await unrelated.done.catch((error: unknown) => error);
    expect(taken).toBeInstanceOf(BusinessKeyTakenError);
    expect((taken as BusinessKeyTakenError).existing).toMatchObject({ eventId: '00000000-0000-7000-8000-000000000001', position: 1n });
    await writer.close();
    expect((await store.readAll()[Symbol.asyncIterator]().next()).value).toMatchObject({ stream: 's-1' });
    expect(await store.headPosition()).toBe(1n);
    expect(await store.readStream('s-2')).toEqual([]);
    await store.close();
  }, 60_000);
});
