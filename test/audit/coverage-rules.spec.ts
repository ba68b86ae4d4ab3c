import { residentStream, type SettleClaim } from '@ledger/domain';
import { appendClaimIgnoringSchemeChanges } from '../../scripts/scenario/history';
import {
  appendRaw,
  audit,
  claim,
  CLERK,
  FIXED_CLOCK,
  contribution,
  enrolledEvent,
  enrollment,
  expectNoFindings,
  expectOnly,
  fundSubsidy,
  newHistory,
  nextId,
  paidUpAdult,
  policy,
  type TestHistory,
} from './support';

let history: TestHistory;
beforeEach(async () => {
  history = newHistory();
  await history.run(fundSubsidy('municipal'));
});
afterEach(() => history.close());

describe('benefit-outside-coverage (opinions-2017 §三, §五(三))', () => {
  it('accepts care from the benefit start on and flags care the day before it', async () => {
    const midYear = enrollment();
    await history.run(midYear);
    // Paid during the year: benefits from the payment date (ordinary waiting days parameter: 0).
    await history.run(contribution(midYear.residentId, '380.00', '2024-03-10'));
    await history.run(claim(midYear.residentId, { admittedAt: '2024-03-10', dischargedAt: '2024-03-10', filedAt: '2024-03-10' }));
    expectNoFindings(await audit(history.store));
    await history.run(claim(midYear.residentId, { admittedAt: '2024-03-09', dischargedAt: '2024-03-09', filedAt: '2024-03-09', basicFundPayment: '160.00' }));
    const report = await audit(history.store);
    expectOnly(report, 'benefit-outside-coverage', 1);
    expect(report.findings[0].message).toContain('start on 2024-03-10');
  });

  it('flags a claim paid for a resident who never paid the contribution', async () => {
    const unpaid = enrollment();
    await history.run(unpaid);
    await history.run(contribution(unpaid.residentId, '379.99', '2023-12-01'));
    await history.run(claim(unpaid.residentId, { basicFundPayment: '100.00' }));
    const report = await audit(history.store);
    expectOnly(report, 'benefit-outside-coverage', 1);
    expect(report.findings[0].message).toContain('379.99 paid of 380.00 due');
  });

  it('flags a claim paid for a year the resident is not enrolled in', async () => {
    const enrolled2024 = await paidUpAdult(history);
    await history.run(claim(enrolled2024.residentId, { admittedAt: '2025-01-05', dischargedAt: '2025-01-06', filedAt: '2025-01-06', basicFundPayment: '50.00' }));
    const report = await audit(history.store);
    expectOnly(report, 'benefit-outside-coverage', 1);
    expect(report.findings[0].message).toContain('not enrolled for 2025');
  });

  it('counts a contribution recorded after the claim but paid before the admission', async () => {
    const late = enrollment();
    await history.run(late);
    await history.run(claim(late.residentId, { basicFundPayment: '160.00' }));
    await history.run(contribution(late.residentId, '380.00', '2023-12-20'));
    expectNoFindings(await audit(history.store));
  });

  it('withdraws the finding when the claim is reversed', async () => {
    const unpaid = enrollment();
    await history.run(unpaid);
    const paid = claim(unpaid.residentId, { basicFundPayment: '100.00' });
    await history.run(paid);
    await history.run({ kind: 'ReverseClaim', reversalId: nextId('RV'), claimId: paid.claimId, reversedAt: '2024-03-20', reason: 'not covered' });
    expectNoFindings(await audit(history.store));
  });
});

describe('dual-scheme-benefit (opinions-2017 §七)', () => {
  it('accepts care the day before the switch to the employee scheme and flags care on the day of it', async () => {
    const switcher = await paidUpAdult(history);
    await history.run({ kind: 'ChangeScheme', changeId: nextId('SC'), residentId: switcher.residentId, to: 'employee', effectiveAt: '2024-05-01' });
    await history.run(claim(switcher.residentId, { admittedAt: '2024-04-30', dischargedAt: '2024-04-30', filedAt: '2024-04-30' }));
    // The ledger refuses care in the employee scheme (opinions-2017 §五(二), §七)…
    await expect(history.run(claim(switcher.residentId, { admittedAt: '2024-05-01', dischargedAt: '2024-05-01', filedAt: '2024-05-01' }))).rejects.toThrow('employee scheme on 2024-05-01');
    expectNoFindings(await audit(history.store));
    // …so the one the auditor must find comes from elsewhere (a platform that missed the switch).
    await appendClaimIgnoringSchemeChanges(history.store, policy, claim(switcher.residentId, { admittedAt: '2024-05-01', dischargedAt: '2024-05-01', filedAt: '2024-05-01', basicFundPayment: '160.00' }) as SettleClaim, CLERK, FIXED_CLOCK().toISOString());
    const report = await audit(history.store);
    expectOnly(report, 'dual-scheme-benefit', 1);
    expect(report.findings[0].message).toContain('employee scheme (since 2024-05-01)');
    expect(report.findings[0].evidence).toHaveLength(2);
  });

  it('accepts care after a return to the resident scheme', async () => {
    const returner = await paidUpAdult(history);
    await history.run({ kind: 'ChangeScheme', changeId: nextId('SC'), residentId: returner.residentId, to: 'employee', effectiveAt: '2024-02-01' });
    await history.run({ kind: 'ChangeScheme', changeId: nextId('SC'), residentId: returner.residentId, to: 'resident', effectiveAt: '2024-04-01' });
    await history.run(claim(returner.residentId, { admittedAt: '2024-04-01', dischargedAt: '2024-04-01', filedAt: '2024-04-01' }));
    expectNoFindings(await audit(history.store));
  });
});

describe('duplicate-student-benefit (opinions-2017 §八)', () => {
  /**
   * An ordinary enrollment for 2024 (paid), optionally a claim under it, then a university-student
   * enrollment written for the same year (the ledger itself refuses a second one) and paid by the school.
   */
  async function enrolledTwice(claimAsOrdinaryResident: boolean): Promise<string> {
    const ordinary = await paidUpAdult(history, { birthDate: '2005-08-01' });
    if (claimAsOrdinaryResident) {
      await history.run(claim(ordinary.residentId, { admittedAt: '2024-02-08', dischargedAt: '2024-02-08', filedAt: '2024-02-08' }));
    }
    const university = enrolledEvent({
      residentId: ordinary.residentId,
      year: 2024,
      category: 'university-student',
      birthDate: '2005-08-01',
      enrolledAt: '2024-09-01',
      contributionDue: policy.contributionStandard(2024, 'university-student').toFixed(2),
    });
    await appendRaw(history.store, residentStream(ordinary.residentId), [university]);
    await history.run(contribution(ordinary.residentId, policy.contributionStandard(2024, 'university-student').toFixed(2), '2024-09-01', { collector: 'school' }));
    return ordinary.residentId;
  }

  it('accepts two enrollments when benefits were drawn under one of them only', async () => {
    const residentId = await enrolledTwice(false);
    await history.run(claim(residentId, { admittedAt: '2024-10-08', dischargedAt: '2024-10-08', filedAt: '2024-10-08' }));
    expectNoFindings(await audit(history.store));
  });

  it('flags ordinary-resident and university-student benefits in the same year', async () => {
    const residentId = await enrolledTwice(true);
    await history.run(claim(residentId, { admittedAt: '2024-10-08', dischargedAt: '2024-10-08', filedAt: '2024-10-08' }));
    const report = await audit(history.store);
    expectOnly(report, 'duplicate-student-benefit', 1);
    expect(report.findings[0]).toMatchObject({ residentId, fundId: 'municipal' });
    expect(report.findings[0].evidence).toHaveLength(4);
  });
});
