import { foldResident, LedgerCommand, money, NO_CLOSED_PERIODS, residentStream } from '@ledger/domain';
import { type ReadStreamOptions, SqliteEventStore } from '@ledger/event-store';
import { loadPolicy } from '@ledger/policy';
import { decodeEvent } from './event-codec';
import { LedgerService } from './ledger-service';
import { StreamSnapshots } from './stream-snapshots';

/** Resident reads fold only what was appended since the kept snapshot, and give exactly the full fold. */
const clerk = { subject: 'snapshot-test', role: 'clerk' };
const policy = loadPolicy();

const enroll = (id: string): LedgerCommand => ({
  kind: 'EnrollResident', enrollmentId: `E-${id}`, residentId: id, year: 2024, birthDate: '1970-01-01', category: 'adult',
  hukou: { local: true, district: 'xinzhou' }, residenceDistrict: 'xinzhou', hardship: [], parents: [], enrolledAt: '2023-10-01',
});
// A fen each: 1,200 of them stay under the year's standard (contributions are paid once, in full).
const pay = (id: string, receiptNo: string): LedgerCommand => ({
  kind: 'RecordContribution', receiptNo, residentId: id, year: 2024, amount: money('0.01'), paidAt: '2023-11-01', collector: 'self',
});

describe('resident snapshots', () => {
  let store: SqliteEventStore;
  let reads: ReadStreamOptions[];
  beforeEach(() => {
    store = new SqliteEventStore({ file: ':memory:' });
    reads = [];
    const readStream = store.readStream.bind(store);
    store.readStream = (stream, options) => {
      reads.push(options ?? {});
      return readStream(stream, options);
    };
  });
  afterEach(() => store.close());

  it('reads only the events after the kept snapshot, also those another writer appended', async () => {
    const api = new LedgerService({ store, policy });
    const other = new LedgerService({ store, policy });
    await api.execute(enroll('R1'), clerk);
    for (let i = 0; i < 5; i += 1) await other.execute(pay('R1', `RC-${i}`), clerk);
    reads = [];
    const found = await api.residentState('R1');
    // The enrollment was kept when it was appended: only revisions 1… were read.
    expect(reads).toEqual([{ fromRevision: 1, maxCount: 500 }]);
    const full = foldResident('R1', (await store.readStream(residentStream('R1'))).map(decodeEvent));
    expect(found?.state).toEqual(full);
    expect(found?.state.years.get(2024)?.paidFen).toBe(5);
    reads = [];
    await api.residentState('R1');
    expect(reads).toEqual([{ fromRevision: 6, maxCount: 500 }]);
  });

  it('folds a long stream in pages and time slices, letting other work run meanwhile, and shares one fold between concurrent readers', async () => {
    const writer = new LedgerService({ store, policy });
    await writer.execute(enroll('R2'), clerk);
    // 1,200 contributions decided in memory and appended at once (the API path would take a while).
    let snapshot = await writer.loadSnapshot(residentStream('R2'));
    const toAppend = [];
    for (let i = 0; i < 1_200; i += 1) {
      const prepared = writer.prepare(pay('R2', `RC2-${i}`), snapshot, { recordedBy: clerk, requestDigest: `d-${i}`, fundScope: null, periods: NO_CLOSED_PERIODS });
      toAppend.push(...prepared.toAppend);
      snapshot = prepared.after;
    }
    await store.append(residentStream('R2'), toAppend, 0);
    const reader = new LedgerService({ store, policy });
    reads = [];
    let ticks = 0;
    const ticker = setInterval(() => (ticks += 1), 0);
    const [a, b] = await Promise.all([reader.residentState('R2'), reader.residentState('R2')]);
    clearInterval(ticker);
    expect(a?.state).toBe(b?.state);
    expect(reads.map((r) => r.fromRevision)).toEqual([0, 500, 1000]);
    expect(a?.state.revision).toBe(1_200);
    expect(a?.state.years.get(2024)?.paidFen).toBe(1200);
    // Not a timing claim: only that the fold gave way to a timer at least once.
    expect(ticks).toBeGreaterThan(0);
  });

  it('answers null for a resident never seen, and keeps nothing for it', async () => {
    const ledger = new LedgerService({ store, policy });
    expect(await ledger.residentState('nobody')).toBeNull();
  });
});

describe('StreamSnapshots', () => {
  const snapshot = (stream: string, revision: number) => ({ stream, revision, lastHash: 'h', state: foldResident(stream, []) });

  it('keeps snapshots within its event budget, least recently used out first', () => {
    const kept = new StreamSnapshots(10);
    kept.set(snapshot('a', 3));
    kept.set(snapshot('b', 3));
    kept.get('a');
    kept.set(snapshot('c', 3));
    expect([kept.get('a')?.revision, kept.get('b'), kept.get('c')?.revision]).toEqual([3, undefined, 3]);
  });

  it('never replaces a snapshot with an older one of the same stream, and keeps none of an empty stream', () => {
    const kept = new StreamSnapshots(100);
    kept.set(snapshot('a', 5));
    kept.set(snapshot('a', 2));
    kept.set(snapshot('e', -1));
    expect(kept.get('a')?.revision).toBe(5);
    expect(kept.get('e')).toBeUndefined();
  });
});
