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
    // On the last day of the window the other decision is not late yet either.
    expectNoFindings(await audit(history.store, { asOf: addDays(decidedAt, 10) }));
    await history.run({ kind: 'RecordInsurerPayment', claimId: late, paidAt: addDays(decidedAt, 11), amount: money('1000.00') });
    const report = await audit(history.store);
    expectOnly(report, 'insurer-payment-late', 1);
    expect(report.findings[0]).toMatchObject({ claimId: late });
    expect(report.findings[0].message).toContain('11 days after deciding');
  });
});

describe('insurer-payment-late with no payment at all (linkage-2018 §二(四)1)', () => {
  const decidedAt = addDays(receivedAt, 5);

  it('flags a covered decision never paid once the window has passed by the cut-off, not on its last day', async () => {
    const unpaid = await settledClaim();
    await history.run({ kind: 'RecordInsurerDecision', claimId: unpaid, receivedAt, decidedAt, covered: true });
    const lastDay = addDays(decidedAt, 10);
    expectNoFindings(await audit(history.store, { asOf: lastDay }));
    const report = await audit(history.store, { asOf: addDays(lastDay, 1) });
    expectOnly(report, 'insurer-payment-late', 1);
    expect(report.findings[0]).toMatchObject({ claimId: unpaid, fundId: 'municipal' });
    expect(report.findings[0].message).toContain(`covered, but no payment is recorded by ${addDays(lastDay, 1)}; the 10-day window ended on ${lastDay}`);
    expect(report.findings[0].evidence).toHaveLength(2);
  });

  it('counts a payment only once it is replayed: one made after the cut-off leaves the decision unpaid there', async () => {
    const claimId = await settledClaim();
    await history.run({ kind: 'RecordInsurerDecision', claimId, receivedAt, decidedAt, covered: true });
    const { money } = await import('@ledger/domain');
    await history.run({ kind: 'RecordInsurerPayment', claimId, paidAt: addDays(decidedAt, 20), amount: money('1000.00') });
    // By day 15 the window had passed and nothing was paid yet; at year end the late payment is the finding.
    expectOnly(await audit(history.store, { asOf: addDays(decidedAt, 15) }), 'insurer-payment-late', 1);
    const yearEnd = await audit(history.store, { asOf: '2024-12-31' });
    expectOnly(yearEnd, 'insurer-payment-late', 1);
    expect(yearEnd.findings[0].message).toContain('20 days after deciding');
  });

  it('expects no payment on a decision of "not covered", nor on a reversed claim', async () => {
    const notCovered = await settledClaim();
    const reversed = await settledClaim();
    await history.run({ kind: 'RecordInsurerDecision', claimId: notCovered, receivedAt, decidedAt, covered: false });
    await history.run({ kind: 'RecordInsurerDecision', claimId: reversed, receivedAt, decidedAt, covered: true });
    await history.run({ kind: 'ReverseClaim', reversalId: 'RV-UNPAID', claimId: reversed, reversedAt: decidedAt, reason: 'settled in error' });
    expectNoFindings(await audit(history.store, { asOf: '2024-12-31' }));
  });
});
