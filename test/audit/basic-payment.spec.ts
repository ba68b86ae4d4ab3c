import { formatMoney, money, residentStream, type SettleClaim } from '@ledger/domain';
import { decimalOfFen, roundFen } from '@ledger/policy';
import { audit, claim, expectNoFindings, expectOnly, fundSubsidy, newHistory, paidUpAdult, policy, type TestHistory } from './support';

/**
 * basic-payment: a reported basic fund payment recomputed from the policy (deductible and its
 * waiver, ratio by level, +2 points for dibao-disabled, the annual cap, linkage-2018 §二(二)1 and
 * the parameters basic.*), with the policy's figure in the message.
 */
let history: TestHistory;
beforeEach(async () => {
  history = newHistory();
  await history.run(fundSubsidy('municipal', '10000000.00'));
});
afterEach(() => history.close());

const ON = '2024-05-06';
const inpatient = (residentId: string, level: 1 | 2 | 3, compliantCost: string, overrides: { basicFundPayment?: string; admittedAt?: string } = {}) =>
  claim(residentId, {
    careType: 'inpatient',
    institution: { id: `H-${level}`, level, designated: true, district: 'wuchang' },
    admittedAt: overrides.admittedAt ?? ON,
    dischargedAt: overrides.admittedAt ?? ON,
    filedAt: overrides.admittedAt ?? ON,
    totalCost: compliantCost,
    compliantCost,
    basicFundPayment: overrides.basicFundPayment,
  });

/** (compliant − deductible) × ratio, from the parameters: what the policy pays with no cap in reach. */
function policyFigure(level: 1 | 2 | 3, compliant: string, options: { waived?: boolean; plusPoints?: boolean } = {}): string {
  const deductible = options.waived ? money('0') : policy.basicDeductible('inpatient', level, ON);
  const ratio = policy.basicRatio('inpatient', level, ON).plus(options.plusPoints ? policy.inpatientRatioIncrease(['dibao-disabled'], ON) : 0);
  return formatMoney(roundFen(money(compliant).minus(deductible).times(ratio)));
}

describe('basic-payment', () => {
  it('accepts reported payments at the policy figure: ordinary, and dibao-disabled with the waiver and +2 points', async () => {
    const ordinary = await paidUpAdult(history);
    await history.run(inpatient(ordinary.residentId, 2, '10000.00', { basicFundPayment: policyFigure(2, '10000.00') }));
    const disabled = await paidUpAdult(history, { hardship: ['dibao-disabled'] });
    await history.run(inpatient(disabled.residentId, 3, '10000.00', { basicFundPayment: policyFigure(3, '10000.00', { waived: true, plusPoints: true }) }));
    // Computed claims are the ledger's own policy: not judged.
    await history.run(inpatient(ordinary.residentId, 1, '5000.00', { admittedAt: '2024-06-01' }));
    expectNoFindings(await audit(history.store));
  });

  it('flags a payment a fen over the policy figure, stating the figure, deductible and ratio', async () => {
    const { residentId } = await paidUpAdult(history);
    const due = policyFigure(2, '10000.00');
    const over = inpatient(residentId, 2, '10000.00', { basicFundPayment: formatMoney(money(due).plus('0.01')) });
    await history.run(over);
    const report = await audit(history.store);
    expectOnly(report, 'basic-payment', 1);
    expect(report.findings[0]).toMatchObject({ residentId, claimId: over.claimId, fundId: 'municipal' });
    const ratio = policy.basicRatio('inpatient', 2, ON).times(100).toString();
    expect(report.findings[0].message).toContain(`reported a basic fund payment of ${formatMoney(money(due).plus('0.01'))}; the policy pays ${due}`);
    expect(report.findings[0].message).toContain(`deductible ${formatMoney(policy.basicDeductible('inpatient', 2, ON))}, ratio ${ratio}%`);
    expect(report.findings[0].evidence).toHaveLength(2);
  });

  it('flags a dibao-disabled payment without the +2 points', async () => {
    const { residentId } = await paidUpAdult(history, { hardship: ['dibao-disabled'] });
    await history.run(inpatient(residentId, 3, '10000.00', { basicFundPayment: policyFigure(3, '10000.00', { waived: true }) }));
    const report = await audit(history.store);
    expectOnly(report, 'basic-payment', 1);
    expect(report.findings[0].message).toContain(`the policy pays ${policyFigure(3, '10000.00', { waived: true, plusPoints: true })}: deductible waived`);
    expect(report.findings[0].message).toContain('(incl. +2% for dibao-disabled');
  });

  it('judges the annual cap reached in the middle of a claim', async () => {
    const { residentId } = await paidUpAdult(history);
    // Computed: most of the 150000.00 cap, then a claim whose ratio share is larger than what is left.
    await history.run(inpatient(residentId, 2, '187000.00', { admittedAt: '2024-02-01' }));
    const { state } = await history.ledger.loadSnapshot(residentStream(residentId));
    const left = formatMoney(policy.basicAnnualCap(ON).minus(decimalOfFen(state.accumulations.get(2024)!.basicFundPaid)));
    expect(money(left).greaterThan(0)).toBe(true);
    expect(money(policyFigure(2, '10000.00')).greaterThan(left)).toBe(true);
    await history.run(inpatient(residentId, 2, '10000.00', { basicFundPayment: left }));
    expectNoFindings(await audit(history.store));
    const over = inpatient(residentId, 2, '10000.00', { basicFundPayment: formatMoney(money(left).plus('0.01')), admittedAt: '2024-07-01' });
    await history.run(over);
    const report = await audit(history.store);
    expectOnly(report, 'basic-payment', 1);
    expect(report.findings[0]).toMatchObject({ claimId: over.claimId });
    expect(report.findings[0].message).toContain('the policy pays 0.00');
    expect(report.findings[0].message).toContain('0.00 left of the 150000.00 annual cap');
  });

  it('leaves a wrongly withheld waiver to deductible-waiver, and an unentitled resident to the coverage rules', async () => {
    const dibao = await paidUpAdult(history, { hardship: ['dibao'] });
    await history.run(inpatient(dibao.residentId, 2, '10000.00', { basicFundPayment: policyFigure(2, '10000.00') }));
    expectOnly(await audit(history.store), 'deductible-waiver', 1);
  });

  it('withdraws the finding when the claim is reversed', async () => {
    const { residentId } = await paidUpAdult(history);
    const wrong: SettleClaim = inpatient(residentId, 2, '10000.00', { basicFundPayment: '1.00' });
    await history.run(wrong);
    expectOnly(await audit(history.store), 'basic-payment', 1);
    await history.run({ kind: 'ReverseClaim', reversalId: 'RV-BP', claimId: wrong.claimId, reversedAt: ON, reason: 'misreported' });
    expectNoFindings(await audit(history.store));
  });
});
