import { addDays } from '@ledger/policy';
import {
  appendRaw,
  audit,
  contribution,
  enrolledEvent,
  enrollment,
  expectNoFindings,
  expectOnly,
  newHistory,
  nextId,
  policy,
  type TestHistory,
} from './support';
import { residentStream } from '@ledger/domain';

let history: TestHistory;
beforeEach(() => {
  history = newHistory();
});
afterEach(() => history.close());

describe('fund-attribution (opinions-2017 §四)', () => {
  it('accepts contributions credited to the attributed fund, local hukou and non-local alike', async () => {
    const local = enrollment({ hukou: { local: true, district: 'huangpi' }, residenceDistrict: 'wuchang' });
    const migrant = enrollment({ hukou: { local: false }, residenceDistrict: 'jiangxia' });
    await history.run(local);
    await history.run(migrant);
    await history.run(contribution(local.residentId, '380.00'));
    await history.run(contribution(migrant.residentId, '380.00'));
    expectNoFindings(await audit(history.store));
  });

  it('flags a contribution credited to another fund than the hukou district', async () => {
    const local = enrollment({ hukou: { local: true, district: 'huangpi' }, residenceDistrict: 'wuchang' });
    await history.run(local);
    await history.run(contribution(local.residentId, '380.00', '2023-12-01', { fundId: 'municipal' }));
    const report = await audit(history.store);
    expectOnly(report, 'fund-attribution', 1);
    expect(report.findings[0]).toMatchObject({ fundId: 'municipal', residentId: local.residentId });
    expect(report.findings[0].message).toContain('belongs to fund huangpi');
    expect(report.findings[0].evidence).toEqual([1, 2]);
  });

  it("attributes a newborn by the first-named parent and flags hardship aid credited elsewhere", async () => {
    const newborn = enrollment({
      category: 'newborn',
      birthDate: '2024-02-01',
      enrolledAt: '2024-02-10',
      hardship: ['dibao'],
      hukou: { local: true, district: 'wuchang' },
      parents: [
        { scheme: 'resident', insured: false, hukou: { local: false }, residenceDistrict: 'xinzhou' },
        { scheme: 'resident', insured: false, hukou: { local: true, district: 'caidian' }, residenceDistrict: 'caidian' },
      ],
    });
    await history.run(newborn);
    // Half the standard each (it is paid once, in full: opinions-2017 §三).
    const half = policy.contributionStandard(2024, 'newborn').div(2);
    await history.run({ kind: 'GrantSubsidy', subsidyId: nextId('S'), level: 'municipal', purpose: 'hardship-contribution', year: 2024, amount: half, grantedAt: '2024-02-10', residentId: newborn.residentId });
    expectNoFindings(await audit(history.store));
    await history.run({ kind: 'GrantSubsidy', subsidyId: nextId('S'), level: 'district', purpose: 'hardship-contribution', year: 2024, amount: half, grantedAt: '2024-02-11', residentId: newborn.residentId, fundId: 'caidian' });
    const report = await audit(history.store);
    expectOnly(report, 'fund-attribution', 1);
    expect(report.findings[0].message).toContain('belongs to fund xinzhou');
  });

  it('withdraws the finding once the misdirected contribution is reversed', async () => {
    const local = enrollment({ hukou: { local: true, district: 'caidian' }, residenceDistrict: 'caidian' });
    await history.run(local);
    const wrong = contribution(local.residentId, '380.00', '2023-12-01', { fundId: 'municipal' });
    await history.run(wrong);
    await history.run({ kind: 'ReverseContribution', reversalId: nextId('RV'), receiptNo: (wrong as { receiptNo: string }).receiptNo, reversedAt: '2023-12-05', reason: 'wrong fund' });
    expectNoFindings(await audit(history.store));
  });
});

describe('newborn-exemption (opinions-2017 §五)', () => {
  const insuredParent = { scheme: 'employee' as const, insured: true, hukou: { local: true, district: 'wuchang' }, residenceDistrict: 'wuchang' };
  const uninsuredParent = { scheme: 'resident' as const, insured: false, hukou: { local: true, district: 'wuchang' }, residenceDistrict: 'wuchang' };
  const birthDate = '2024-03-01';

  it.each([
    ['day 90: benefits from birth', 90, birthDate],
    ['day 91: benefits from the first day of the next month', 91, '2024-06-01'],
  ])('accepts what the ledger records for an exempt registration on %s', async (_label, days, expectedStart) => {
    const command = enrollment({ category: 'newborn', birthDate, enrolledAt: addDays(birthDate, days), parents: [insuredParent] });
    const outcome = await history.ledger.execute(command, { subject: 't', role: 'clerk' });
    expect((outcome.event.data as { benefitStart: string }).benefitStart).toBe(expectedStart);
    expectNoFindings(await audit(history.store));
  });

  it('judges the window boundary itself: birth-date start is right on day 90, wrong on day 91', async () => {
    const onDay90 = nextId('R');
    const onDay91 = nextId('R');
    const common = { category: 'newborn' as const, birthDate, parents: [insuredParent], contributionExempt: true, contributionDue: '0.00', benefitStart: birthDate, year: 2024 };
    await appendRaw(history.store, residentStream(onDay90), [enrolledEvent({ ...common, residentId: onDay90, enrolledAt: addDays(birthDate, 90) })]);
    await appendRaw(history.store, residentStream(onDay91), [enrolledEvent({ ...common, residentId: onDay91, enrolledAt: addDays(birthDate, 91) })]);
    const report = await audit(history.store);
    expectOnly(report, 'newborn-exemption', 1);
    expect(report.findings[0]).toMatchObject({ residentId: onDay91, fundId: 'municipal', evidence: [2] });
    expect(report.findings[0].message).toContain('starts them on 2024-06-01');
  });

  it('flags a birth-year exemption when no parent is insured', async () => {
    const residentId = nextId('R');
    await appendRaw(history.store, residentStream(residentId), [
      enrolledEvent({ residentId, year: 2024, category: 'newborn', birthDate, enrolledAt: '2024-03-20', parents: [uninsuredParent], contributionExempt: true, contributionDue: '0.00', benefitStart: birthDate }),
    ]);
    const report = await audit(history.store);
    expectOnly(report, 'newborn-exemption', 1);
    expect(report.findings[0].message).toContain('no parent is insured');
  });

  it('accepts a paid newborn (no insured parent) and flags a wrong start recorded with the payment', async () => {
    const paid = enrollment({ category: 'newborn', birthDate, enrolledAt: '2024-03-20', parents: [uninsuredParent] });
    await history.run(paid);
    await history.run(contribution(paid.residentId, policy.contributionStandard(2024, 'newborn').toFixed(2), addDays(birthDate, 91)));
    expectNoFindings(await audit(history.store));

    const residentId = nextId('R');
    const enrolled = enrolledEvent({ residentId, year: 2024, category: 'newborn', birthDate, enrolledAt: '2024-03-20', parents: [uninsuredParent], contributionDue: '320.00' });
    const paidLate = {
      type: 'ContributionPaid' as const,
      businessKey: `contribution:${nextId('RC')}`,
      occurredAt: addDays(birthDate, 91),
      data: { receiptNo: nextId('RC'), residentId, year: 2024, amount: '320.00', paidAt: addDays(birthDate, 91), collector: 'self' as const, fundId: 'municipal' as const, attributedFundId: 'municipal' as const, benefitStart: birthDate },
    };
    await appendRaw(history.store, residentStream(residentId), [enrolled, paidLate]);
    const report = await audit(history.store);
    expectOnly(report, 'newborn-exemption', 1);
    expect(report.findings[0]).toMatchObject({ residentId });
    expect(report.findings[0].message).toContain('starts them on 2024-06-01');
  });
});
