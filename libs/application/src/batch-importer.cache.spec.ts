import { LedgerCommand, money } from '@ledger/domain';
import { SqliteEventStore } from '@ledger/event-store';
import { loadPolicy } from '@ledger/policy';
import { BatchImporter } from './batch-importer';
import { LedgerService } from './ledger-service';

/**
 * The importer keeps resident states between batches. Another writer may change a stream in
 * between: the importer must then answer exactly as if it had read the stream afresh.
 */
const clerk = { subject: 'import-test', role: 'clerk' };

const enroll = (id: string, year: number): LedgerCommand => ({
  kind: 'EnrollResident', enrollmentId: `E-${id}-${year}`, residentId: id, year, birthDate: '1970-01-01', category: 'adult',
  hukou: { local: true, district: 'xinzhou' }, residenceDistrict: 'xinzhou', hardship: [], parents: [], enrolledAt: `${year - 1}-10-01`,
});
const pay = (id: string, year: number, receiptNo: string): LedgerCommand => ({
  kind: 'RecordContribution', receiptNo, residentId: id, year, amount: money('100.00'), paidAt: `${year - 1}-11-01`, collector: 'self',
});

describe('BatchImporter state cache', () => {
  let store: SqliteEventStore;
  let ledger: LedgerService;
  beforeEach(() => {
    store = new SqliteEventStore({ file: ':memory:' });
    ledger = new LedgerService({ store, policy: loadPolicy(), clock: () => new Date('2024-06-01T00:00:00Z') });
  });
  afterEach(() => store.close());

  it('appends on top of a stream another writer extended after it was cached', async () => {
    const importer = new BatchImporter(ledger, store);
    await importer.importBatch([enroll('R1', 2024)], clerk);
    await ledger.execute(pay('R1', 2024, 'RC-other'), { subject: 'api', role: 'clerk' });
    const outcome = await importer.importBatch([pay('R1', 2024, 'RC-import')], clerk);
    expect(outcome).toMatchObject({ created: 1, refused: [] });
    const events = await store.readStream('resident-R1');
    expect(events.map((e) => [e.revision, e.type])).toEqual([
      [0, 'ResidentEnrolled'],
      [1, 'ContributionPaid'],
      [2, 'ContributionPaid'],
    ]);
  });

  it('decides again on a fresh read before refusing on a cached state', async () => {
    const importer = new BatchImporter(ledger, store);
    await importer.importBatch([enroll('R2', 2024)], clerk);
    // Another writer enrolls R2 for 2025; the importer's cached state knows 2024 only.
    await ledger.execute(enroll('R2', 2025), { subject: 'api', role: 'clerk' });
    const outcome = await importer.importBatch([pay('R2', 2025, 'RC-2025')], clerk);
    expect(outcome).toMatchObject({ created: 1, refused: [] });
    expect((await store.readStream('resident-R2')).map((e) => e.type)).toEqual(['ResidentEnrolled', 'ResidentEnrolled', 'ContributionPaid']);
  });

  it('reads no stream the store says is new, and reads one that is not', async () => {
    await ledger.execute(enroll('R3', 2024), { subject: 'api', role: 'clerk' });
    const read = jest.spyOn(store, 'readStream');
    const asked = jest.spyOn(store, 'streamRevisions');
    const importer = new BatchImporter(ledger, store);
    const outcome = await importer.importBatch([enroll('N1', 2024), pay('N1', 2024, 'RC-N1'), pay('R3', 2024, 'RC-R3')], clerk);
    expect(outcome).toMatchObject({ created: 3, refused: [] });
    expect(asked).toHaveBeenCalledTimes(1);
    expect(read.mock.calls.map(([stream]) => stream).filter((stream) => stream.startsWith('resident-'))).toEqual(['resident-R3']);
    expect((await store.readStream('resident-N1')).map((e) => [e.revision, e.type])).toEqual([
      [0, 'ResidentEnrolled'],
      [1, 'ContributionPaid'],
    ]);
  });

  it('lands a batch whose new stream another writer created after the store was asked', async () => {
    const importer = new BatchImporter(ledger, store);
    const asked = store.streamRevisions.bind(store);
    // The other writer slips in between the question and the append.
    jest.spyOn(store, 'streamRevisions').mockImplementationOnce(async (streams) => {
      const answer = await asked(streams);
      await ledger.execute(enroll('N2', 2024), { subject: 'api', role: 'clerk' });
      return answer;
    });
    const outcome = await importer.importBatch([enroll('N2', 2025), pay('N2', 2025, 'RC-N2')], clerk);
    expect(outcome).toMatchObject({ created: 2, refused: [] });
    expect((await store.readStream('resident-N2')).map((e) => e.type)).toEqual(['ResidentEnrolled', 'ResidentEnrolled', 'ContributionPaid']);
  });

  it('gives the same events with the cache on and off', async () => {
    const commands = ['A', 'B', 'C'].flatMap((id) => [enroll(id, 2024), pay(id, 2024, `RC-${id}`)]);
    const shape = async (cacheSize: number) => {
      const s = new SqliteEventStore({ file: ':memory:' });
      const l = new LedgerService({ store: s, policy: loadPolicy(), clock: () => new Date('2024-06-01T00:00:00Z') });
      const importer = new BatchImporter(l, s, { snapshotCacheSize: cacheSize });
      for (const command of commands) await importer.importBatch([command], clerk);
      const events = [];
      for await (const e of s.readAll()) events.push([e.stream, e.revision, e.type, e.data]);
      await s.close();
      return events;
    };
    expect(await shape(10)).toEqual(await shape(0));
  });
});
