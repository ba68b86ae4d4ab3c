import { decodeEvent } from '@ledger/application';
import { type LedgerCommand, money } from '@ledger/domain';
import { ProjectionRunner } from '@ledger/projections';
import { audit, claim, claimPaying, expectNoFindings, expectOnly, fundSubsidy, newHistory, nextId, paidUpAdult, type TestHistory } from './support';

/**
 * The auditor recomputes the fund's own books (interest, premium, recoveries, other income and
 * expenditure, transfers, hardship aid on its own line) with its own fold and reconciles every
 * line of the chart of accounts with the live read model.
 */
let history: TestHistory;
beforeEach(() => {
  history = newHistory();
});
afterEach(() => history.close());

const movement = (fundId: string, kind: string, amount: string, occurredAt: string, extra: Record<string, unknown> = {}): LedgerCommand =>
  ({ kind: 'RecordFundMovement', movementId: nextId('FM'), fundId, movement: kind, amount: money(amount), occurredAt, ...extra }) as LedgerCommand;

async function booksWithEveryMovement() {
  await history.run(fundSubsidy('municipal'));
  await history.run(fundSubsidy('caidian'));
  const resident = await paidUpAdult(history);
  const paid = claimPaying(resident.residentId, '200.00', { criticalIllnessPayment: '0.00', assistancePayment: '0.00' });
  await history.run(paid);
  await history.run(movement('municipal', 'interest', '1234.56', '2024-03-21'));
  await history.run(movement('municipal', 'critical-illness-premium', '600.00', '2024-01-20', { year: 2024 }));
  await history.run(movement('municipal', 'recovery', '50.00', '2024-04-01', { claimId: paid.claimId }));
  await history.run(movement('municipal', 'other-income', '3.00', '2024-04-02', { reason: 'bank fee refund' }));
  await history.run(movement('municipal', 'other-expense', '2.00', '2024-04-03', { reason: 'court-ordered refund' }));
  await history.run({
    kind: 'RecordFundTransfer', transferId: nextId('FT'), transfer: 'allocation-down', fromFundId: 'municipal', toFundId: 'caidian', amount: money('1000.00'), occurredAt: '2024-05-01',
  });
  const runner = new ProjectionRunner({ store: history.store, file: ':memory:', decode: decodeEvent });
  await runner.start();
  return runner;
}

describe("the auditor's books of the fund's own movements", () => {
  it('recompute every category and agree with the read model', async () => {
    const runner = await booksWithEveryMovement();
    const report = await audit(history.store, { live: { ledger: runner.ledger, checkpoint: runner.position } });
    expectNoFindings(report);
    const municipal = report.funds.find((fund) => fund.fundId === 'municipal')!;
    const caidian = report.funds.find((fund) => fund.fundId === 'caidian')!;
    expect(municipal.balance).toBe(runner.ledger.current('municipal').balance.toFixed(2));
    expect(caidian.balance).toBe('1001000.00');
    // 1,000,000 subsidy + contribution + 1234.56 + 50 + 3 − 200 − 600 − 2 − 1000
    const contribution = runner.ledger.current('municipal').contributions;
    expect(money(municipal.balance).minus(contribution).toFixed(2)).toBe('999485.56');
    await runner.stop();
  });

  it('flags a read model that books interest as other income (the balance alone would agree)', async () => {
    const runner = await booksWithEveryMovement();
    runner.ledger.load('municipal', '2024-03-21', 'income:interest', { debit: money('10.00'), credit: money('0') });
    runner.ledger.load('municipal', '2024-03-21', 'income:other', { debit: money('0'), credit: money('10.00') });
    const report = await audit(history.store, { live: { ledger: runner.ledger, checkpoint: runner.position } });
    expectOnly(report, 'ledger-reconciliation', 1);
    const message = report.findings[0].message;
    expect(message).toContain('1224.56 in the read model vs 1234.56 replayed');
    expect(message).not.toContain('do not balance');
    await runner.stop();
  });
});
