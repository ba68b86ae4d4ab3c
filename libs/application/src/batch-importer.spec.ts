import { LedgerCommand, money } from '@ledger/domain';
import { SqliteEventStore } from '@ledger/event-store';
import { loadPolicy } from '@ledger/policy';
import { BatchImporter } from './batch-importer';
import { commandFromImport } from './input';
import { LedgerService } from './ledger-service';

const clerk = { subject: 'import-test', role: 'clerk' };

function residentCommands(id: string): LedgerCommand[] {
  return [
    {
      kind: 'EnrollResident', enrollmentId: `E-${id}`, residentId: id, year: 2024, birthDate: '1970-01-01', category: 'adult',
      hukou: { local: true, district: 'xinzhou' }, residenceDistrict: 'xinzhou', hardship: [], parents: [], enrolledAt: '2023-10-01',
    },
    { kind: 'RecordContribution', receiptNo: `RC-${id}`, residentId: id, year: 2024, amount: money('380.00'), paidAt: '2023-11-01', collector: 'self' },
    {
      kind: 'SettleClaim', claimId: `C-${id}`, residentId: id, careType: 'inpatient', institution: { id: 'H', level: 2, designated: true, district: 'xinzhou' },
      admittedAt: '2024-02-01', dischargedAt: '2024-02-03', totalCost: money('5000.00'), compliantCost: money('4000.00'), settlement: 'direct', filedAt: '2024-02-03',
      basicFundPayment: money('2000.00'), criticalIllnessPayment: money('0.00'), assistancePayment: money('0.00'),
    },
    { kind: 'RecordInsurerDecision', claimId: `C-${id}`, receivedAt: '2024-02-05', decidedAt: '2024-02-10', covered: true },
  ];
}

describe('BatchImporter', () => {
  let store: SqliteEventStore;
  let importer: BatchImporter;
  let ledger: LedgerService;
  beforeEach(() => {
    store = new SqliteEventStore({ file: ':memory:' });
    ledger = new LedgerService({ store, policy: loadPolicy(), clock: () => new Date('2024-06-01T00:00:00Z') });
    importer = new BatchImporter(ledger, store);
  });
  afterEach(() => store.close());

  it('decides a whole batch, including facts that depend on earlier ones in the same batch', async () => {
    const outcome = await importer.importBatch([...residentCommands('R1'), ...residentCommands('R2')], clerk);
    expect(outcome).toMatchObject({ created: 8, replayed: 0, refused: [] });
    const events = await store.readStream('resident-R1');
    expect(events.map((e) => e.type)).toEqual(['ResidentEnrolled', 'ContributionPaid', 'ClaimSettled', 'InsurerDecisionRecorded']);
    expect(events[1].data).toMatchObject({ benefitStart: '2024-01-01' });
    expect(await store.headPosition()).toBe(outcome.position);
  });

  it('records nothing twice when the same batch is imported again', async () => {
    await importer.importBatch(residentCommands('R1'), clerk);
    const head = await store.headPosition();
    const again = await importer.importBatch(residentCommands('R1'), clerk);
    expect(again).toMatchObject({ created: 0, replayed: 4, refused: [], position: null });
    expect(await store.headPosition()).toBe(head);
  });

  it('reports refused commands by index and still records the rest', async () => {
    const [enroll, contribute] = residentCommands('R1');
    const orphan: LedgerCommand = { ...(contribute as Extract<LedgerCommand, { kind: 'RecordContribution' }>), receiptNo: 'RC-X', residentId: 'nobody' };
    const clash: LedgerCommand = { ...(contribute as Extract<LedgerCommand, { kind: 'RecordContribution' }>), amount: money('1.00') };
    const outcome = await importer.importBatch([enroll, orphan, contribute, clash], clerk);
    expect(outcome.created).toBe(2);
    expect(outcome.refused.map((r) => [r.index, r.error.kind])).toEqual([
      [1, 'not-found'],
      [3, 'conflict'],
    ]);
    expect(await store.readStream('resident-R1')).toHaveLength(2);
  });

  it('falls back to one command at a time when another writer moved a stream', async () => {
    const [enroll, contribute] = residentCommands('R1');
    await ledger.execute(enroll, clerk);
    const moveUnder = store.appendMany.bind(store);
    let first = true;
    store.appendMany = async (appends) => {
      if (first) {
        first = false;
        await ledger.execute({ kind: 'ChangeScheme', changeId: 'SC-1', residentId: 'R1', to: 'employee', effectiveAt: '2024-05-01' }, clerk);
      }
      return moveUnder(appends);
    };
    const outcome = await importer.importBatch([contribute], clerk);
    expect(outcome).toMatchObject({ created: 1, refused: [] });
    expect((await store.readStream('resident-R1')).map((e) => e.type)).toEqual(['ResidentEnrolled', 'SchemeChanged', 'ContributionPaid']);
  });

  it('imports an assistance-application line after the claims it counts, in the same batch', async () => {
    const [enroll, contribute, claim] = residentCommands('R1');
    const target = { ...(enroll as Extract<LedgerCommand, { kind: 'EnrollResident' }>), hardship: ['illness-poverty'] };
    const application = await commandFromImport({ type: 'assistance-application', body: { applicationId: 'AA-1', residentId: 'R1', appliedAt: '2024-06-01' } });
    expect(Array.isArray(application)).toBe(false);
    const outcome = await importer.importBatch([target, contribute, claim, application as LedgerCommand], clerk);
    expect(outcome).toMatchObject({ created: 4, refused: [] });
    const [granted] = (await store.readStream('resident-R1')).filter((e) => e.type === 'LookbackAssistanceGranted');
    expect(granted.data).toMatchObject({ claimIds: ['C-R1'], base: '2000.00', amount: '1200.00' });
    expect(await commandFromImport({ type: 'assistance-application', body: { applicationId: 'AA-2' } })).toEqual(
      expect.arrayContaining([expect.objectContaining({ field: 'appliedAt' })]),
    );
  });

  it('refuses, line by line, what the ledger refuses: a contribution over the standard and a claim in the employee scheme', async () => {
    const [enroll, contribute] = residentCommands('R1');
    const again = { ...(contribute as Extract<LedgerCommand, { kind: 'RecordContribution' }>), receiptNo: 'RC-R1-AGAIN' };
    const toEmployee: LedgerCommand = { kind: 'ChangeScheme', changeId: 'SC-1', residentId: 'R1', to: 'employee', effectiveAt: '2024-05-01' };
    const [, , claim] = residentCommands('R1');
    const inEmployee = { ...(claim as Extract<LedgerCommand, { kind: 'SettleClaim' }>), claimId: 'C-EMP', admittedAt: '2024-05-01', dischargedAt: '2024-05-01', filedAt: '2024-05-01' };
    const outcome = await importer.importBatch([enroll, contribute, again, toEmployee, inEmployee], clerk);
    expect(outcome.created).toBe(3);
    expect(outcome.refused.map((r) => [r.index, r.error.kind])).toEqual([
      [2, 'rule'],
      [4, 'rule'],
    ]);
    expect(outcome.refused[0].error.message).toContain('nothing is still due');
    expect(outcome.refused[1].error.message).toContain('employee scheme on 2024-05-01');
  });

  it("imports the fund's own books: interest, a premium, a recovery of a claim in the same batch, and a transfer", async () => {
    const lines = [
      { type: 'fund-movement', body: { movementId: 'INT-1', fundId: 'xinzhou', kind: 'interest', amount: '12.34', occurredAt: '2024-03-21' } },
      { type: 'fund-movement', body: { movementId: 'PREM-1', fundId: 'xinzhou', kind: 'critical-illness-premium', amount: '60.00', occurredAt: '2024-01-20', year: 2024 } },
      { type: 'fund-movement', body: { movementId: 'REC-1', fundId: 'xinzhou', kind: 'recovery', amount: '100.00', occurredAt: '2024-04-01', claimId: 'C-R1' } },
      { type: 'fund-transfer', body: { transferId: 'FT-1', fromFundId: 'xinzhou', toFundId: 'municipal', kind: 'remittance-up', amount: '5.00', occurredAt: '2024-06-30' } },
    ];
    const commands = await Promise.all(lines.map((line) => commandFromImport(line)));
    const outcome = await importer.importBatch([...residentCommands('R1'), ...(commands as LedgerCommand[])], clerk);
    expect(outcome).toMatchObject({ created: 8, replayed: 0, refused: [] });
    expect((await store.readStream('resident-R1')).map((event) => event.type)).toContain('RecoveryReceived');
    expect((await store.readStream('fund-xinzhou')).map((event) => event.type)).toEqual(['InterestReceived', 'CriticalIllnessPremiumPaid', 'FundTransferred']);
    expect(await commandFromImport({ type: 'fund-movement', body: { movementId: 'X', fundId: 'xinzhou', kind: 'interest', amount: 'lots', occurredAt: '2024-01-01' } })).toEqual([
      { field: 'amount', reason: expect.stringContaining('yuan') },
    ]);
  });

  it('stores a batch of segments as it would the segments imported one batch each, each command recorded at its own time', async () => {
    const first = [...residentCommands('R1').slice(0, 2), ...residentCommands('R2').slice(0, 2)];
    const second = [...residentCommands('R1').slice(2), ...residentCommands('R2').slice(2)];
    const days = ['2024-06-01T02:00:00.000Z', '2024-06-02T02:00:00.000Z'];
    const stored = async (target: SqliteEventStore) => {
      const all = [];
      for await (const event of target.readAll()) all.push({ stream: event.stream, revision: event.revision, type: event.type, recordedAt: event.metadata.recordedAt });
      return all;
    };

    const separate = new SqliteEventStore({ file: ':memory:' });
    const separateImporter = new BatchImporter(new LedgerService({ store: separate, policy: loadPolicy() }), separate);
    await separateImporter.importBatch(first, clerk, { recordedAtOf: () => days[0] });
    await separateImporter.importBatch(second, clerk, { recordedAtOf: () => days[1] });

    const outcome = await importer.importBatch([...first, ...second], clerk, {
      recordedAtOf: (index) => days[index < first.length ? 0 : 1],
      segmentOf: (index) => (index < first.length ? 0 : 1),
    });
    expect(outcome).toMatchObject({ created: 8, replayed: 0, refused: [] });
    const together = await stored(store);
    expect(together).toEqual(await stored(separate));
    // Grouped by stream within each segment, segment after segment: R1 and R2 twice each.
    expect(together.map((event) => event.stream)).toEqual(['resident-R1', 'resident-R1', 'resident-R2', 'resident-R2', 'resident-R1', 'resident-R1', 'resident-R2', 'resident-R2']);
    expect(together.map((event) => event.recordedAt)).toEqual([...Array(4).fill(days[0]), ...Array(4).fill(days[1])]);
    await separate.close();
  });
});
