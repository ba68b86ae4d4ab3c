import { LedgerCommand, money } from '@ledger/domain';
import {
  type AppendCondition,
  AppendTicket,
  type OrderedAppender,
  PortAppender,
  SqliteEventStore,
  type StreamAppend,
  WrongExpectedRevisionError,
} from '@ledger/event-store';
import { loadPolicy } from '@ledger/policy';
import { BatchImporter } from './batch-importer';
import { LedgerService } from './ledger-service';

/**
 * A caller may hand the importer its next batch before the last one has committed: the next is
 * decided on top of the last one's states and business keys, and lands only if that one does.
 */
const clerk = { subject: 'import-test', role: 'clerk' };
const clock = () => new Date('2024-06-01T00:00:00Z');

const enroll = (id: string, year: number): LedgerCommand => ({
  kind: 'EnrollResident', enrollmentId: `E-${id}-${year}`, residentId: id, year, birthDate: '1970-01-01', category: 'adult',
  hukou: { local: true, district: 'xinzhou' }, residenceDistrict: 'xinzhou', hardship: [], parents: [], enrolledAt: `${year - 1}-10-01`,
});
const pay = (id: string, year: number, receiptNo: string, amount = '100.00'): LedgerCommand => ({
  kind: 'RecordContribution', receiptNo, residentId: id, year, amount: money(amount), paidAt: `${year - 1}-11-01`, collector: 'self',
});

/** The store's appendMany, each submission held until released; the first may be made to fail. */
class HeldAppender implements OrderedAppender {
  private readonly inner: PortAppender;
  private readonly gates: Array<() => void> = [];
  failFirst = false;
  submitted = 0;

  constructor(store: SqliteEventStore) {
    const held = {
      ...store,
      appendMany: async (appends: StreamAppend[], condition?: AppendCondition) => {
        await new Promise<void>((release) => this.gates.push(release));
        if (this.failFirst) {
          this.failFirst = false;
          throw new WrongExpectedRevisionError(appends[0].stream, appends[0].expectedRevision, 'no_stream');
        }
        return store.appendMany(appends, condition);
      },
    };
    this.inner = new PortAppender(held as unknown as SqliteEventStore);
  }

  submit(appends: StreamAppend[], condition: AppendCondition | undefined, after: AppendTicket | null): AppendTicket {
    this.submitted += 1;
    return this.inner.submit(appends, condition, after);
  }

  /** Lets the oldest waiting append go on (waits until one is waiting). */
  async release(): Promise<void> {
    while (this.gates.length === 0) await new Promise((resolve) => setImmediate(resolve));
    this.gates.shift()!();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

async function streamsOf(store: SqliteEventStore): Promise<Array<[string, number, string, unknown]>> {
  const out: Array<[string, number, string, unknown]> = [];
  for await (const e of store.readAll()) out.push([e.stream, e.revision, e.type, (e.metadata as { businessKey?: unknown }).businessKey]);
  return out;
}

describe('BatchImporter: the next batch decided while the last one commits', () => {
  let store: SqliteEventStore;
  let ledger: LedgerService;
  beforeEach(() => {
    store = new SqliteEventStore({ file: ':memory:' });
    ledger = new LedgerService({ store, policy: loadPolicy(), clock });
  });
  afterEach(() => store.close());

  const sequential = async (batches: LedgerCommand[][]) => {
    const s = new SqliteEventStore({ file: ':memory:' });
    const importer = new BatchImporter(new LedgerService({ store: s, policy: loadPolicy(), clock }), s);
    for (const batch of batches) await importer.importBatch(batch, clerk);
    const shape = await streamsOf(s);
    await s.close();
    return shape;
  };

  it('decides on top of the uncommitted batch and sees the keys it takes', async () => {
    const writer = new HeldAppender(store);
    const importer = new BatchImporter(ledger, store, { writer });
    const batches = [[enroll('R1', 2024), enroll('R2', 2024)], [pay('R1', 2024, 'RC-1'), enroll('R2', 2024)]];
    const first = importer.importBatch(batches[0], clerk);
    const second = importer.importBatch(batches[1], clerk);
    await flush();
    // The second is decided (on R1's uncommitted enrolment) and submitted before the first commits.
    expect(writer.submitted).toBe(2);
    expect(await store.headPosition()).toBeNull();
    await writer.release();
    expect(await first).toMatchObject({ created: 2, replayed: 0, refused: [] });
    await writer.release();
    // R2's enrolment, pending in the first batch, is a replay in the second.
    expect(await second).toMatchObject({ created: 1, replayed: 1, refused: [] });
    expect(await streamsOf(store)).toEqual(await sequential(batches));
  });

  it('never lands a batch decided on one that failed: both are imported command by command', async () => {
    const writer = new HeldAppender(store);
    writer.failFirst = true;
    const importer = new BatchImporter(ledger, store, { writer });
    const batches = [[enroll('R1', 2024)], [pay('R1', 2024, 'RC-1'), enroll('R3', 2024)]];
    const first = importer.importBatch(batches[0], clerk);
    const second = importer.importBatch(batches[1], clerk);
    await flush();
    expect(writer.submitted).toBe(2);
    await writer.release();
    // The first failed as if another writer had moved R1; the second (R3 untouched by the first) was refused unwritten.
    expect(await first).toMatchObject({ created: 1, refused: [] });
    expect(await second).toMatchObject({ created: 2, refused: [] });
    expect(await streamsOf(store)).toEqual(await sequential(batches));
  });

  it('reports a payload conflict with a key the uncommitted batch takes as the store would', async () => {
    const writer = new HeldAppender(store);
    const importer = new BatchImporter(ledger, store, { writer });
    const first = importer.importBatch([enroll('R1', 2024), pay('R1', 2024, 'RC-1')], clerk);
    const second = importer.importBatch([pay('R1', 2024, 'RC-1', '120.00')], clerk);
    await flush();
    await writer.release();
    await first;
    const outcome = await second;
    const refusedNow = outcome.refused.map((r) => r.error.message.replace(/\(event .*\)/, ''));
    const stored = await new BatchImporter(ledger, store).importBatch([pay('R1', 2024, 'RC-1', '120.00')], clerk);
    expect(refusedNow).toEqual(stored.refused.map((r) => r.error.message.replace(/\(event .*\)/, '')));
    expect(refusedNow).toHaveLength(1);
  });
});
