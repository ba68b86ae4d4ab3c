import { decodeEvent } from '@ledger/application';
import { money } from '@ledger/domain';
import { ProjectionRunner } from '@ledger/projections';
import {
  audit,
  claim,
  claimPaying,
  expectNoFindings,
  expectOnly,
  fundSubsidy,
  newHistory,
  paidUpAdult,
  type TestHistory,
} from './support';

let history: TestHistory;
beforeEach(() => {
  history = newHistory();
});
afterEach(() => history.close());

describe('fund-deficit: negative balance (opinions-2017 §二)', () => {
  // One adult in the fund paid 380.00 in December; a claim in March pays it all out, or a fen more.
  // The cut-off falls inside March, so no month end follows the claim (months of payment aside).
  async function fundPayingOut(basicFundPayment: string) {
    const resident = await paidUpAdult(history, { hukou: { local: true, district: 'xinzhou' }, residenceDistrict: 'xinzhou' });
    await history.run(claimPaying(resident.residentId, basicFundPayment, { admittedAt: '2024-03-10', dischargedAt: '2024-03-10', filedAt: '2024-03-10' }));
    return audit(history.store, { asOf: '2024-03-15' });
  }

  it('accepts a balance of exactly 0.00', async () => {
    const report = await fundPayingOut('380.00');
    expectNoFindings(report);
    expect(report.funds.find((f) => f.fundId === 'xinzhou')?.balance).toBe('0.00');
  });

  it('flags a balance of −0.01', async () => {
    const report = await fundPayingOut('380.01');
    expectOnly(report, 'fund-deficit', 1);
    expect(report.findings[0]).toMatchObject({ fundId: 'xinzhou', evidence: [3] });
    expect(report.findings[0].message).toContain('fell below zero on 2024-03-10 (-0.01');
  });
});

describe('fund-deficit: months of payment under the warning threshold', () => {
  // huangpi: income in January, 12000.00 paid out in February → average monthly outflow 1000.00;
  // the balance at the end of February pays balance ÷ 1000 months (warning parameter: 6).
  async function fundAtFebruaryEnd(subsidy: string) {
    await history.run(fundSubsidy('huangpi', subsidy, '2024-01-02'));
    const resident = await paidUpAdult(history, { hukou: { local: true, district: 'huangpi' }, residenceDistrict: 'huangpi' });
    await history.run(claimPaying(resident.residentId, '12000.00', { admittedAt: '2024-02-10', dischargedAt: '2024-02-10', filedAt: '2024-02-10' }));
    return audit(history.store, { asOf: '2024-03-31' });
  }

  it('accepts exactly the threshold (6.00 months)', async () => {
    const report = await fundAtFebruaryEnd('17620.00');
    expectNoFindings(report);
    expect(report.funds.find((f) => f.fundId === 'huangpi')?.monthEndBalances.find((m) => m.month === '2024-02')).toEqual({ month: '2024-02', balance: '6000.00', monthsOfPayment: '6.00' });
  });

  it('flags a fen under it, once for the run of months', async () => {
    const report = await fundAtFebruaryEnd('17619.99');
    expectOnly(report, 'fund-deficit', 1);
    expect(report.findings[0].message).toContain('from 2024-02 to 2024-03');
  });
});

describe('ledger-reconciliation', () => {
  async function historyWithProjection() {
    await history.run(fundSubsidy('municipal'));
    const resident = await paidUpAdult(history);
    await history.run(claim(resident.residentId));
    const runner = new ProjectionRunner({ store: history.store, file: ':memory:', decode: decodeEvent });
    await runner.start();
    return runner;
  }

  it('agrees with a read model built from the same history', async () => {
    const runner = await historyWithProjection();
    const report = await audit(history.store, { live: { ledger: runner.ledger, checkpoint: runner.position } });
    expectNoFindings(report);
    expect(report.reconciliation).toBe('compared with the live projection at position 4');
    await runner.stop();
  });

  it('flags a fund whose read model drifted from the history (and no longer balances)', async () => {
    const runner = await historyWithProjection();
    runner.ledger.load('municipal', '2024-03-01', 'bank', { debit: money('0.01'), credit: money('0') });
    const report = await audit(history.store, { live: { ledger: runner.ledger, checkpoint: runner.position } });
    expectOnly(report, 'ledger-reconciliation', 1);
    expect(report.findings[0]).toMatchObject({ fundId: 'municipal', evidence: [4] });
    expect(report.findings[0].message).toContain('balance 1000220.01 in the read model vs 1000220.00 replayed');
    expect(report.findings[0].message).toContain('do not balance (debits − credits = 0.01)');
    expect(report.findings[0].message).toContain('first month that disagrees is 2024-03');
    await runner.stop();
  });

  it('compares a read model that is behind over the events it has seen', async () => {
    const runner = await historyWithProjection();
    const checkpoint = runner.position;
    await runner.stop();
    const resident = await paidUpAdult(history);
    await history.run(claim(resident.residentId));
    const stale = new ProjectionRunner({ store: history.store, file: ':memory:', decode: decodeEvent });
    // A fresh runner that has not started yet is empty: give it the first four events only.
    for await (const stored of history.store.readAll({ maxCount: 4 })) stale.ledger.apply(decodeEvent(stored));
    const report = await audit(history.store, { projectionCheckpoint: checkpoint, live: { ledger: stale.ledger, checkpoint } });
    expectNoFindings(report);
    expect(report.reconciliation).toContain('behind the history read (through position 7)');
    await stale.stop();
  });

  it('says so when there is no read model to compare with', async () => {
    const report = await audit(history.store);
    expect(report.reconciliation).toBe('no live projection found');
  });
});
