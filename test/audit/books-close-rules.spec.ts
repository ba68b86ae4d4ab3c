import { PeriodService } from '@ledger/application';
import { type LedgerCommand, money, PERIODS_STREAM } from '@ledger/domain';
import { SqliteEventStore } from '@ledger/event-store';
import { generateScenario } from '../../scripts/scenario/scenario';
import { appendRaw, audit, findingsOf, newHistory, policy, type TestHistory } from './support';

const BUREAU = { subject: 'audit-test', role: 'finance-bureau' };

const enroll = (id: string): LedgerCommand => ({
  kind: 'EnrollResident', enrollmentId: `E-${id}`, residentId: id, year: 2024, birthDate: '1970-01-01', category: 'adult',
  hukou: { local: true, district: 'xinzhou' }, residenceDistrict: 'xinzhou', hardship: [], parents: [], enrolledAt: '2023-10-01',
});
const pay = (id: string, paidAt: string, amount = '380.00'): LedgerCommand => ({
  kind: 'RecordContribution', receiptNo: `RC-${id}-${paidAt}`, residentId: id, year: 2024, amount: money(amount), paidAt, collector: 'self',
});

describe('closed-period and bank-reconciliation', () => {
  let history: TestHistory;
  let periods: PeriodService;
  beforeEach(async () => {
    history = newHistory();
    periods = new PeriodService({ store: history.store });
    await history.run(enroll('R1'));
    // One yuan short of the standard: the fact written past the close pays the rest
    // (contributions are paid once, in full, opinions-2017 §三).
    await history.run(pay('R1', '2023-11-01', '379.00'));
  });
  afterEach(async () => history.close());

  it('finds nothing in a close made by the ledger, nor in a correction dated after it', async () => {
    await periods.close({ kind: 'ClosePeriod', year: 2023, closedAt: '2024-01-20' }, BUREAU);
    await history.run({ kind: 'ReverseContribution', reversalId: 'V1', receiptNo: 'RC-R1-2023-11-01', reversedAt: '2024-02-01', reason: 'refund' });
    const report = await audit(history.store);
    expect(findingsOf(report, 'closed-period')).toEqual([]);
  });

  it('reports a fact dated in a closed year recorded after the close, with both positions', async () => {
    const closed = await periods.close({ kind: 'ClosePeriod', year: 2023, closedAt: '2024-01-20' }, BUREAU);
    // What the gate refuses, written past it.
    const [paid] = await history.ledger.prepare(pay('R1', '2023-12-30', '1.00'), await history.ledger.loadSnapshot('resident-R1'), {
      recordedBy: BUREAU, requestDigest: 'x', fundScope: null, periods: { closes: new Map(), closedThrough: null },
    }).toAppend;
    await history.store.append('resident-R1', [paid], 1);
    const [finding] = findingsOf(await audit(history.store), 'closed-period');
    expect(finding).toMatchObject({ rule: 'closed-period', fundId: 'xinzhou', residentId: 'R1' });
    expect(finding.message).toContain('2023');
    expect(finding.evidence).toEqual([Number(closed.position), Number(closed.position) + 1]);
  });

  it('reports a close whose figures differ from the auditor’s replay, fund by fund', async () => {
    const { event } = await periods.close({ kind: 'ClosePeriod', year: 2023, closedAt: '2024-01-20' }, BUREAU);
    const data = event.data as { funds: Array<{ fundId: string; closingBalance: string }> };
    const wrong = { ...data, year: 2024, closedAt: '2025-01-20', funds: data.funds.map((f) => (f.fundId === 'xinzhou' ? { ...f, closingBalance: '1.00' } : f)) };
    await appendRaw(history.store, PERIODS_STREAM, [{ type: 'PeriodClosed', businessKey: 'period-close:2024', occurredAt: '2025-01-20', data: wrong } as never]);
    const findings = findingsOf(await audit(history.store), 'closed-period');
    // The copied figures are 2023's: 2024's opening and income differ too, and the digest is stale.
    expect(findings.map((f) => f.fundId)).toEqual([null, 'xinzhou']);
    expect(findings[1].message).toContain('closingBalance 1.00');
    expect(findings[0].message).toContain('history through position');
  });

  it('reports a history changed under a close: its digest no longer matches', async () => {
    await periods.close({ kind: 'ClosePeriod', year: 2023, closedAt: '2024-01-20' }, BUREAU);
    const database = (history.store as unknown as { database: import('better-sqlite3').Database }).database;
    database.prepare("UPDATE events SET metadata = json_set(metadata, '$.hash', 'f') WHERE position = 1").run();
    const findings = findingsOf(await audit(history.store), 'closed-period');
    expect(findings).toHaveLength(1);
    expect(findings[0].message).toContain('the history through the close was changed');
  });

  it('reports a bank balance that differs from the replayed books, and not one that matches', async () => {
    await periods.confirmBankBalance({ kind: 'ConfirmBankBalance', confirmationId: 'B1', fundId: 'xinzhou', date: '2023-12-31', balance: money('379.00') }, BUREAU);
    await periods.confirmBankBalance({ kind: 'ConfirmBankBalance', confirmationId: 'B2', fundId: 'xinzhou', date: '2024-06-30', balance: money('391.50') }, BUREAU);
    const [finding, ...rest] = findingsOf(await audit(history.store), 'bank-reconciliation');
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ rule: 'bank-reconciliation', fundId: 'xinzhou' });
    expect(finding.message).toContain('12.50');
    // The interest the bank had credited, recorded afterwards on its date: the books now agree.
    await history.run({ kind: 'RecordFundMovement', movementId: 'INT-1', fundId: 'xinzhou', movement: 'interest', amount: money('12.50'), occurredAt: '2024-06-21' });
    expect(findingsOf(await audit(history.store), 'bank-reconciliation')).toEqual([]);
  });
});

describe('a scenario with both kinds of closed-period violation', () => {
  it('finds exactly what was planted', async () => {
    const store = new SqliteEventStore({ file: ':memory:' });
    try {
      const manifest = await generateScenario({ store, policy, seed: 7, residents: 40, violations: { 'closed-period': 2, 'bank-reconciliation': 1 } });
      const report = await audit(store, { asOf: manifest.asOf });
      const key = (f: { rule: string; fundId?: string | null }) => `${f.rule}|${f.fundId ?? '-'}`;
      expect(report.findings.map(key).sort()).toEqual(manifest.planted.map(key).sort());
    } finally {
      await store.close();
    }
  }, 180_000);
});
