import { money } from '@ledger/domain';
import { addDays } from '@ledger/policy';
import {
  audit,
  basicDue,
  claim,
  claimPaying,
  findingsOf,
  policy,
  enrollment,
  expectNoFindings,
  expectOnly,
  fundSubsidy,
  newHistory,
  paidUpAdult,
  type TestHistory,
} from './support';

let history: TestHistory;
beforeEach(async () => {
  history = newHistory();
  await history.run(fundSubsidy('municipal'));
});
afterEach(() => history.close());

const discharged = '2024-03-10';

describe('cash-advance-late (opinions-2017 §十(四))', () => {
  const cashAdvance = (residentId: string, days: number, recorded: boolean) => {
    const command = claim(residentId, {
      institution: { id: 'OUT-1', level: 3, designated: false, district: 'wuchang' },
      admittedAt: '2024-03-05',
      dischargedAt: discharged,
      settlement: 'cash-advance',
      filedAt: addDays(discharged, days),
    });
    // Recorded as the platform paid it, at the policy's figure: the one fault is the filing date.
    return recorded ? { ...command, basicFundPayment: money(basicDue(command)) } : command;
  };

  it('accepts an ordinary resident filing on day 30 and flags day 31', async () => {
    const onTime = await paidUpAdult(history);
    const late = await paidUpAdult(history);
    await history.run(cashAdvance(onTime.residentId, 30, false));
    expectNoFindings(await audit(history.store));
    await history.run(cashAdvance(late.residentId, 31, true));
    const report = await audit(history.store);
    expectOnly(report, 'cash-advance-late', 1);
    expect(report.findings[0]).toMatchObject({ residentId: late.residentId, fundId: 'municipal' });
    expect(report.findings[0].message).toContain('31 days after discharge');
    expect(report.findings[0].message).toContain('the window is 30 days');
  });

  it('gives university students 90 days: day 90 is fine, day 91 is late', async () => {
    const onTime = await paidUpAdult(history, { category: 'university-student', birthDate: '2005-09-01' });
    const late = await paidUpAdult(history, { category: 'university-student', birthDate: '2005-09-01' });
    await history.run(cashAdvance(onTime.residentId, 90, false));
    expectNoFindings(await audit(history.store));
    await history.run(cashAdvance(late.residentId, 91, true));
    const report = await audit(history.store);
    expectOnly(report, 'cash-advance-late', 1);
    expect(report.findings[0].message).toContain('a university student');
  });
});

describe('deductible-waiver (linkage-2018 §二(二)1)', () => {
  // Level 2 inpatient: deductible 400.00, ratio 0.80 (policy parameters); compliant 10000.00.
  const inpatient = (residentId: string, basicFundPayment?: string) =>
    claim(residentId, {
      careType: 'inpatient',
      admittedAt: '2024-04-01',
      dischargedAt: '2024-04-08',
      filedAt: '2024-04-08',
      totalCost: '12000.00',
      compliantCost: '10000.00',
      ...(basicFundPayment ? { basicFundPayment } : {}),
    });

  it('accepts the waiver for dibao and the deductible for everyone else (settled one-stop)', async () => {
    const dibao = await paidUpAdult(history, { hardship: ['dibao'] });
    const ordinary = await paidUpAdult(history);
    await history.run(inpatient(dibao.residentId));
    await history.run(inpatient(ordinary.residentId));
    expectNoFindings(await audit(history.store));
  });

  it('flags a waived deductible for someone not entitled', async () => {
    const ordinary = await paidUpAdult(history);
    await history.run(inpatient(ordinary.residentId, '8000.00'));
    const report = await audit(history.store);
    expectOnly(report, 'deductible-waiver', 1);
    expect(report.findings[0].message).toContain('as if the deductible of 400.00 were waived');
  });

  it('flags a deductible charged to someone entitled to the waiver', async () => {
    const extremePoverty = await paidUpAdult(history, { hardship: ['extreme-poverty'] });
    await history.run(inpatient(extremePoverty.residentId, '7680.00'));
    const report = await audit(history.store);
    expectOnly(report, 'deductible-waiver', 1);
    expect(report.findings[0].message).toContain('entitled to have it waived');
  });
});

describe('critical-illness-payment (linkage-2018 §二(二)1)', () => {
  // Level 3 inpatient, compliant 50000.00: basic (50000 − 800) × 0.70 = 34440.00; burden 15560.00;
  // registered-poor tiers: (15560 − 4800) × 0.65 = 6994.00.
  const big = (residentId: string, payments: Record<string, string> = {}) =>
    claim(residentId, {
      careType: 'inpatient',
      institution: { id: 'H-3', level: 3, designated: true, district: 'wuchang' },
      admittedAt: '2024-05-01',
      dischargedAt: '2024-05-20',
      filedAt: '2024-05-20',
      totalCost: '60000.00',
      compliantCost: '50000.00',
      ...payments,
    });

  it('accepts the tier payment settled one-stop, visit after visit', async () => {
    const poor = await paidUpAdult(history, { hardship: ['registered-poor'] });
    await history.run(big(poor.residentId));
    await history.run({ ...big(poor.residentId), admittedAt: '2024-07-01', dischargedAt: '2024-07-15', filedAt: '2024-07-15' });
    const report = await audit(history.store);
    expectNoFindings(report);
  });

  it('flags a payment that differs from the tiers', async () => {
    const poor = await paidUpAdult(history, { hardship: ['registered-poor'] });
    await history.run(big(poor.residentId, { basicFundPayment: '34440.00', criticalIllnessPayment: '7000.00' }));
    const report = await audit(history.store);
    expectOnly(report, 'critical-illness-payment', 1);
    expect(report.findings[0].message).toContain('tiers give 6994.00');
  });

  it('flags a year over the annual cap', async () => {
    const poor = await paidUpAdult(history, { hardship: ['registered-poor'] });
    // One visit whose tier amount is above the cap, recorded as paid in full.
    await history.run(
      claim(poor.residentId, {
        careType: 'inpatient',
        admittedAt: '2024-05-01',
        dischargedAt: '2024-06-01',
        filedAt: '2024-06-01',
        totalCost: '900000.00',
        compliantCost: '900000.00',
        // The basic fund's annual cap, as the policy pays (basic-payment stays silent).
        basicFundPayment: policy.basicAnnualCap('2024-05-01').toFixed(2),
        criticalIllnessPayment: '600000.00',
        assistancePayment: '0.00',
      }),
    );
    const report = await audit(history.store);
    expectOnly(report, 'critical-illness-payment', 1);
    expect(report.findings[0].message).toContain('over the annual cap of 500000.00');
  });
});

describe('assistance-payment (linkage-2018 §二(二)2, §二(三)1)', () => {
  const inpatient = (residentId: string, payments: Record<string, string> = {}) =>
    claim(residentId, {
      careType: 'inpatient',
      institution: { id: 'H-3', level: 3, designated: true, district: 'wuchang' },
      admittedAt: '2024-05-01',
      dischargedAt: '2024-05-20',
      filedAt: '2024-05-20',
      totalCost: '60000.00',
      compliantCost: '50000.00',
      ...payments,
    });

  it('accepts assistance settled one-stop after insurance', async () => {
    const poor = await paidUpAdult(history, { hardship: ['registered-poor'] });
    await history.run(inpatient(poor.residentId));
    expectNoFindings(await audit(history.store));
  });

  it('accepts assistance of exactly ratio × base and flags one fen more', async () => {
    // Registered-poor (key group, 80%): base 50000 − 34440 − 6994 = 8566.00 → 6852.80.
    const exact = await paidUpAdult(history, { hardship: ['registered-poor'] });
    await history.run(inpatient(exact.residentId, { basicFundPayment: '34440.00', criticalIllnessPayment: '6994.00', assistancePayment: '6852.80' }));
    expectNoFindings(await audit(history.store));
    const over = await paidUpAdult(history, { hardship: ['registered-poor'] });
    await history.run(inpatient(over.residentId, { basicFundPayment: '34440.00', criticalIllnessPayment: '6994.00', assistancePayment: '6852.81' }));
    const report = await audit(history.store);
    expectOnly(report, 'assistance-payment', 1);
    expect(report.findings[0]).toMatchObject({ residentId: over.residentId });
    expect(report.findings[0].message).toContain('6852.80');
  });

  it('flags assistance paid while the basic fund, which applied, paid nothing', async () => {
    const dibao = await paidUpAdult(history, { hardship: ['dibao'] });
    await history.run(inpatient(dibao.residentId, { basicFundPayment: '0.00', assistancePayment: '20000.00' }));
    const report = await audit(history.store);
    // Two faults: the basic payment itself (basic-payment) and assistance standing in for it.
    expect(report.findings.map((f) => f.rule).sort()).toEqual(['assistance-payment', 'basic-payment']);
    expect(findingsOf(report, 'assistance-payment')[0].message).toContain('the basic fund, which applied');
  });

  it('assists the uninsured one natural year only', async () => {
    // Enrolled for 2023 and 2024 but never paid: not entitled to basic benefits, so the uninsured rule applies.
    const unpaid2023 = enrollment({ year: 2023, enrolledAt: '2022-11-15', hardship: ['low-income'] });
    await history.run(unpaid2023);
    await history.run(enrollment({ residentId: unpaid2023.residentId, year: 2024, hardship: ['low-income'] }));
    const stay = (admittedAt: string, extra: Record<string, string> = {}) =>
      claim(unpaid2023.residentId, { careType: 'inpatient', admittedAt, dischargedAt: admittedAt, filedAt: admittedAt, totalCost: '1000.00', compliantCost: '1000.00', ...extra });
    await history.run(stay('2023-06-01'));
    await history.run(stay('2024-06-01'));
    expectNoFindings(await audit(history.store));
    await history.run(stay('2024-07-01', { assistancePayment: '300.00' }));
    const report = await audit(history.store);
    expectOnly(report, 'assistance-payment', 1);
    expect(report.findings[0].message).toContain('already paid in 2023');
  });

  it('flags assistance to someone in no assistance group', async () => {
    const ordinary = await paidUpAdult(history);
    await history.run(claimPaying(ordinary.residentId, '100.00', { assistancePayment: '10.00' }));
    const report = await audit(history.store);
    expectOnly(report, 'assistance-payment', 1);
    expect(report.findings[0].message).toContain('no assistance group');
  });
});
