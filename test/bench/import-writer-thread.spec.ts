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
import { countingIds, GOLDEN_STORE, GOLDEN_YEAR, storeDigests } from './support/golden-year';

/**
 * The import with its appends on the store's writer thread (each transaction committing while the
 * next is decided) stores exactly what the import on one thread stores: the golden year of
 * import-golden.spec.ts, same events, positions and log digest, over many small transactions.
 */
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

  it('stores the golden year as recorded (the same events, positions and log digest as the import on one thread)', async () => {
    const file = join(dir(), 'events.sqlite');
    const store = new SqliteEventStore({ file });
    const writer = new SqliteWriterThread(file);
    await importSyntheticYear({ ...GOLDEN_YEAR, store, policy: loadPolicy(), transactionSize: 400, newEventId: countingIds(), writer });
    await writer.close();
    expect(await storeDigests(store)).toEqual(GOLDEN_STORE);
    await store.close();
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
