import { CommandRefused, LedgerCommand, money } from '@ledger/domain';
import { EventStorePort, SqliteEventStore } from '@ledger/event-store';
import { loadPolicy } from '@ledger/policy';
import { BatchImporter } from './batch-importer';
import { LedgerService } from './ledger-service';
import { PeriodService } from './period-service';

const clerk = { subject: 'period-test', role: 'clerk' };
const bureau = { subject: 'period-test', role: 'finance-bureau' };

const enroll = (id: string, enrolledAt = '2023-10-01'): LedgerCommand => ({
  kind: 'EnrollResident', enrollmentId: `E-${id}`, residentId: id, year: 2024, birthDate: '1970-01-01', category: 'adult',
  hukou: { local: true, district: 'xinzhou' }, residenceDistrict: 'xinzhou', hardship: [], parents: [], enrolledAt,
});
const pay = (id: string, paidAt: string, amount = '380.00'): LedgerCommand => ({
  kind: 'RecordContribution', receiptNo: `RC-${id}-${paidAt}`, residentId: id, year: 2024, amount: money(amount), paidAt, collector: 'self',
});

async function refusal(promise: Promise<unknown>): Promise<CommandRefused> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof CommandRefused) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('PeriodService and the period gate', () => {
  let store: SqliteEventStore;
  let ledger: LedgerService;
  let periods: PeriodService;
  beforeEach(() => {
    store = new SqliteEventStore({ file: ':memory:' });
    ledger = new LedgerService({ store, policy: loadPolicy() });
    periods = new PeriodService({ store });
  });
  afterEach(() => store.close());

  it('closes a year with figures and a digest over every event before the close', async () => {
    await ledger.execute(enroll('R1'), clerk);
    await ledger.execute(pay('R1', '2023-11-01'), clerk);
    await ledger.execute({ kind: 'GrantSubsidy', subsidyId: 'S1', level: 'central', purpose: 'per-capita', year: 2024, amount: money('1000.00'), grantedAt: '2024-03-01', fundId: 'xinzhou' }, clerk);
    const outcome = await periods.close({ kind: 'ClosePeriod', year: 2024, closedAt: '2025-01-15' }, bureau);
    expect(outcome.status).toBe('created');
    const data = outcome.event.data as unknown as { funds: Array<Record<string, string>>; eventsCounted: number; throughPosition: string };
    expect(data.funds.find((f) => f.fundId === 'xinzhou')).toEqual({ fundId: 'xinzhou', openingBalance: '380.00', income: '1000.00', outflow: '0.00', closingBalance: '1380.00' });
    expect(data.eventsCounted).toBe(3);
    expect(data.throughPosition).toBe('3');
    expect((await periods.close({ kind: 'ClosePeriod', year: 2024, closedAt: '2025-01-15' }, bureau)).status).toBe('replayed');
    expect((await refusal(periods.close({ kind: 'ClosePeriod', year: 2024, closedAt: '2025-01-16' }, bureau))).kind).toBe('conflict');
  });

  it('refuses a write whose period was closed between its read and its append, writing nothing', async () => {
    await ledger.execute(enroll('R1'), clerk);
    // The store a writer sees: the close lands just before the writer's append.
    let closeFirst = true;
    const racing: EventStorePort = Object.create(store, {
      append: {
        value: async (...args: Parameters<EventStorePort['append']>) => {
          if (closeFirst) {
            closeFirst = false;
            await periods.close({ kind: 'ClosePeriod', year: 2023, closedAt: '2024-01-10' }, bureau);
          }
          return store.append(...args);
        },
      },
    });
    const writer = new LedgerService({ store: racing, policy: loadPolicy() });
    const refused = await refusal(writer.execute(pay('R1', '2023-12-20'), clerk));
    expect(refused.kind).toBe('rule');
    expect(refused.message).toContain('2023');
    expect((await store.readStream('resident-R1')).map((e) => e.type)).toEqual(['ResidentEnrolled']);
  });

  it('refuses a write into a year closed after the writer last read the closes, though it keeps them between commands', async () => {
    await ledger.execute(enroll('R1'), clerk);
    // Half the standard each: the second payment is one the ledger would take but for the close.
    await ledger.execute(pay('R1', '2023-11-01', '190.00'), clerk);
    // Another writer (another process) closes 2023; this ledger's copy of the closes is now stale.
    await new PeriodService({ store }).close({ kind: 'ClosePeriod', year: 2023, closedAt: '2024-01-10' }, bureau);
    const refused = await refusal(ledger.execute(pay('R1', '2023-12-20', '190.00'), clerk));
    expect(refused.kind).toBe('rule');
    expect(refused.message).toContain('2023');
    expect(await store.readStream('resident-R1')).toHaveLength(2);
  });

  it('gives the closed year as the reason even when the kept closes would let another rule refuse first', async () => {
    await ledger.execute(enroll('R1'), clerk);
    await ledger.execute(pay('R1', '2023-11-01'), clerk);
    await new PeriodService({ store }).close({ kind: 'ClosePeriod', year: 2023, closedAt: '2024-01-10' }, bureau);
    // Paid up already: on the kept (stale) closes the contribution rule would refuse it first.
    const refused = await refusal(ledger.execute(pay('R1', '2023-12-20'), clerk));
    expect(refused.message).toContain('2023');
    expect(refused.message).toContain('closed period');
  });

  it('lets a close that lost a race to a write fold that write in and try again', async () => {
    await ledger.execute(enroll('R1'), clerk);
    let writeFirst = true;
    const racing: EventStorePort = Object.create(store, {
      append: {
        value: async (...args: Parameters<EventStorePort['append']>) => {
          if (writeFirst) {
            writeFirst = false;
            await ledger.execute(pay('R1', '2023-12-20'), clerk);
          }
          return store.append(...args);
        },
      },
    });
    const outcome = await new PeriodService({ store: racing }).close({ kind: 'ClosePeriod', year: 2023, closedAt: '2024-01-10' }, bureau);
    const data = outcome.event.data as unknown as { funds: Array<Record<string, string>>; eventsCounted: number };
    expect(data.eventsCounted).toBe(2);
    expect(data.funds.find((f) => f.fundId === 'xinzhou')!.closingBalance).toBe('380.00');
  });

  it('refuses a batch line dated in a closed year and imports the rest', async () => {
    await periods.close({ kind: 'ClosePeriod', year: 2022, closedAt: '2023-01-10' }, bureau);
    const outcome = await new BatchImporter(ledger, store).importBatch([enroll('R2'), pay('R2', '2022-12-30'), pay('R2', '2023-11-01')], clerk);
    expect(outcome.created).toBe(2);
    expect(outcome.refused.map((r) => [r.index, r.error.kind])).toEqual([[1, 'rule']]);
    expect(outcome.refused[0].error.message).toContain('2022');
  });

  it('confirms a bank balance against the ledger’s balance on that date', async () => {
    await ledger.execute(enroll('R1'), clerk);
    await ledger.execute(pay('R1', '2023-11-01'), clerk);
    const outcome = await periods.confirmBankBalance({ kind: 'ConfirmBankBalance', confirmationId: 'B1', fundId: 'xinzhou', date: '2023-12-31', balance: money('400.00') }, bureau);
    expect(outcome.event.data).toEqual({ confirmationId: 'B1', fundId: 'xinzhou', date: '2023-12-31', bankBalance: '400.00', ledgerBalance: '380.00', difference: '20.00' });
    expect(outcome.event.stream).toBe('bank-xinzhou');
  });
});
