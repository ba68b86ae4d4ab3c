import { addDays } from '@ledger/policy';
import { audit, claim, expectNoFindings, expectOnly, fundSubsidy, newHistory, paidUpAdult, type TestHistory } from './support';

let history: TestHistory;
beforeEach(async () => {
  history = newHistory();
  await history.run(fundSubsidy('municipal'));
});
afterEach(() => history.close());

/** A settled critical-illness claim the insurer handles outside the one-stop settlement. */
async function settledClaim(): Promise<string> {
  const resident = await paidUpAdult(history);
  const settled = claim(resident.residentId, { careType: 'inpatient', admittedAt: '2024-04-01', dischargedAt: '2024-04-15', filedAt: '2024-04-15', totalCost: '30000.00', compliantCost: '28000.00' });
  await history.run(settled);
  return settled.claimId;
}

const receivedAt = '2024-04-20';

describe('insurer-decision-late (linkage-2018 §二(四)1)', () => {
  it('accepts a decision on day 30 and flags one on day 31', async () => {
    const onTime = await settledClaim();
    const late = await settledClaim();
    await history.run({ kind: 'RecordInsurerDecision', claimId: onTime, receivedAt, decidedAt: addDays(receivedAt, 30), covered: false });
    expectNoFindings(await audit(history.store));
    await history.run({ kind: 'RecordInsurerDecision', claimId: late, receivedAt, decidedAt: addDays(receivedAt, 31), covered: false });
    const report = await audit(history.store);
    expectOnly(report, 'insurer-decision-late', 1);
    expect(report.findings[0]).toMatchObject({ claimId: late, fundId: 'municipal' });
    expect(report.findings[0].message).toContain('31 days after receiving it');
  });
});

describe('insurer-payment-late (linkage-2018 §二(四)1)', () => {
  it('accepts a payment on day 10 after the decision and flags one on day 11', async () => {
    const onTime = await settledClaim();
    const late = await settledClaim();
    const decidedAt = addDays(receivedAt, 5);
    for (const claimId of [onTime, late]) {
      await history.run({ kind: 'RecordInsurerDecision', claimId, receivedAt, decidedAt, covered: true });
    }
    const { money } = await import('@ledger/domain');
    await history.run({ kind: 'RecordInsurerPayment', claimId: onTime, paidAt: addDays(decidedAt, 10), amount: money('1000.00') });
    expectNoFindings(await audit(history.store));
    await history.run({ kind: 'RecordInsurerPayment', claimId: late, paidAt: addDays(decidedAt, 11), amount: money('1000.00') });
    const report = await audit(history.store);
    expectOnly(report, 'insurer-payment-late', 1);
    expect(report.findings[0]).toMatchObject({ claimId: late });
    expect(report.findings[0].message).toContain('11 days after deciding');
  });
});
