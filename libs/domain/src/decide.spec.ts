import {
  decideAssistanceApplication,
  decideClaim,
  decideClaimReversal,
  decideContribution,
  decideContributionReversal,
  decideEnrollment,
  decideSchemeChange,
  decideSubsidy,
  quoteClaim,
} from './decide';
import type { DomainEvent, EventOf } from './events';
import { money } from './money';
import { postingsOf } from './postings';
import { claimsCountedByGrants, evolveResident, foldResident, initialResidentState, ResidentState } from './resident';
import type { ApplyForAssistance, EnrollResident, SettleClaim } from './commands';
import { context, refusal } from './testing/fixtures';

/** given(events) → when(decide) → then(events): the domain's behaviour, with no store or framework. */
const RESIDENT = 'R-1';

const given = (...events: DomainEvent[]): ResidentState => foldResident(RESIDENT, events);

const enroll = (overrides: Partial<EnrollResident> = {}): EnrollResident => ({
  kind: 'EnrollResident',
  enrollmentId: 'E-1',
  residentId: RESIDENT,
  year: 2024,
  birthDate: '1980-01-01',
  category: 'adult',
  hukou: { local: true, district: 'huangpi' },
  residenceDistrict: 'wuchang',
  hardship: [],
  parents: [],
  enrolledAt: '2023-10-01',
  ...overrides,
});

const enrolled = (overrides: Partial<EnrollResident> = {}) =>
  decideEnrollment(enroll(overrides), initialResidentState(RESIDENT), context);

function paid(year = 2024, amount = '380.00', paidAt = '2023-12-01'): DomainEvent[] {
  const state = given(...enrolled({ year }));
  return decideContribution(
    { kind: 'RecordContribution', receiptNo: `RC-${year}`, residentId: RESIDENT, year, amount: money(amount), paidAt, collector: 'self' },
    state,
    context,
  );
}

describe('enrollment', () => {
  it('attributes by hukou district and owes the year contribution', () => {
    const [event] = enrolled() as [EventOf<'ResidentEnrolled'>];
    expect(event.type).toBe('ResidentEnrolled');
    expect(event.businessKey).toBe('enrollment:E-1');
    expect(event.data).toMatchObject({ fundId: 'huangpi', contributionExempt: false, benefitStart: null, year: 2024 });
    expect(money(event.data.contributionDue).greaterThan(0)).toBe(true);
  });

  it('attributes a non-local resident by residence', () => {
    const [event] = enrolled({ hukou: { local: false }, residenceDistrict: 'xinzhou' }) as [EventOf<'ResidentEnrolled'>];
    expect(event.data.fundId).toBe('xinzhou');
  });

  it('refuses a second enrollment for the same year', () => {
    expect(refusal(() => decideEnrollment(enroll({ enrollmentId: 'E-2' }), given(...enrolled()), context)).kind).toBe('conflict');
  });

  it('registers a newborn of an insured parent exempt from birth, across the boundary for two years', () => {
    const events = decideEnrollment(
      enroll({
        category: 'newborn',
        birthDate: '2023-12-20',
        enrolledAt: '2024-01-10',
        year: 2023,
        parents: [{ scheme: 'employee', insured: true, hukou: { local: true, district: 'caidian' }, residenceDistrict: 'caidian' }],
      }),
      initialResidentState(RESIDENT),
      context,
    ) as EventOf<'ResidentEnrolled'>[];
    expect(events.map((e) => [e.data.year, e.data.fundId, e.data.contributionExempt, e.data.benefitStart])).toEqual([
      [2023, 'caidian', true, '2023-12-20'],
      [2024, 'caidian', false, null],
    ]);
    expect(events.map((e) => e.businessKey)).toEqual(['enrollment:E-1', 'enrollment:E-1:2024']);
  });

  it('refuses a newborn older than one year', () => {
    const command = enroll({
      category: 'newborn',
      birthDate: '2022-01-01',
      enrolledAt: '2024-01-10',
      parents: [{ scheme: 'resident', insured: true, hukou: { local: false }, residenceDistrict: 'wuchang' }],
    });
    expect(refusal(() => decideEnrollment(command, initialResidentState(RESIDENT), context)).kind).toBe('rule');
  });
});

describe('contributions', () => {
  it('starts benefits once the year is paid up, and not before', () => {
    const partial = decideContribution(
      { kind: 'RecordContribution', receiptNo: 'RC-1', residentId: RESIDENT, year: 2024, amount: money('100.00'), paidAt: '2023-12-01', collector: 'self' },
      given(...enrolled()),
      context,
    ) as [EventOf<'ContributionPaid'>];
    expect(partial[0].data.benefitStart).toBeNull();
    const [full] = paid() as [EventOf<'ContributionPaid'>];
    expect(full.data).toMatchObject({ fundId: 'huangpi', attributedFundId: 'huangpi', benefitStart: '2024-01-01' });
  });

  describe('in full, once (按时足额缴纳, opinions-2017 §三)', () => {
    const contribution = (receiptNo: string, amount: string) =>
      ({ kind: 'RecordContribution', receiptNo, residentId: RESIDENT, year: 2024, amount: money(amount), paidAt: '2023-12-05', collector: 'self' }) as const;
    const aid = (subsidyId: string, amount: string) =>
      ({ kind: 'GrantSubsidy', subsidyId, level: 'municipal', purpose: 'hardship-contribution', year: 2024, amount: money(amount), grantedAt: '2023-12-01', residentId: RESIDENT }) as const;
    // 2024 adult standard: 380.00 (parameters contribution.individual.adult).
    const aided = () => given(...enrolled({ hardship: ['low-income'] }), ...decideSubsidy(aid('HA-1', '190.00'), given(...enrolled({ hardship: ['low-income'] })), context));

    it('a payment that exactly completes the standard after hardship aid starts benefits', () => {
      const [event] = decideContribution(contribution('RC-1', '190.00'), aided(), context) as [EventOf<'ContributionPaid'>];
      expect(event.data).toMatchObject({ amount: '190.00', benefitStart: '2024-01-01' });
    });

    it('a payment a fen over the standard is refused, stating what is still due', () => {
      const refused = refusal(() => decideContribution(contribution('RC-1', '190.01'), aided(), context));
      expect(refused.kind).toBe('rule');
      expect(refused.problems[0].field).toBe('amount');
      expect(refused.message).toContain("above the year's standard of 380.00");
      expect(refused.message).toContain('190.00 is still due');
    });

    it('refuses anything once the standard is paid, and hardship aid above what is due', () => {
      const full = given(...enrolled({ hardship: ['dibao'] }), ...paid());
      const again = refusal(() => decideContribution(contribution('RC-2', '0.01'), full, context));
      expect(again.message).toContain('nothing is still due');
      const overAid = refusal(() => decideSubsidy(aid('HA-2', '380.01'), given(...enrolled({ hardship: ['dibao'] })), context));
      expect([overAid.kind, overAid.problems[0].field]).toEqual(['rule', 'amount']);
      expect(overAid.message).toContain('380.00 is still due');
    });

    it('the README case: 5000.00 against 380.00 due is refused', () => {
      expect(refusal(() => decideContribution(contribution('RC-1', '5000.00'), given(...enrolled()), context)).message).toContain('380.00 is still due');
    });

    it('a reversed contribution is due again', () => {
      let state = given(...enrolled(), ...paid());
      state = decideContributionReversal({ kind: 'ReverseContribution', reversalId: 'REV-1', receiptNo: 'RC-2024', reversedAt: '2023-12-10', reason: 'bounced' }, state).reduce(evolveResident, state);
      const [event] = decideContribution(contribution('RC-2', '380.00'), state, context) as [EventOf<'ContributionPaid'>];
      expect(event.data.benefitStart).toBe('2024-01-01');
    });
  });

  it('refuses a contribution for a year the resident is not enrolled in, and for an unknown resident', () => {
    const command = { kind: 'RecordContribution' as const, receiptNo: 'RC-9', residentId: RESIDENT, year: 2025, amount: money('1.00'), paidAt: '2024-12-01', collector: 'self' as const };
    expect(refusal(() => decideContribution(command, given(...enrolled()), context)).kind).toBe('rule');
    expect(refusal(() => decideContribution(command, initialResidentState(RESIDENT), context)).kind).toBe('not-found');
  });
});

describe('contribution reversals', () => {
  it('takes back the benefit start when a reversal leaves the year short', () => {
    const state = given(...enrolled(), ...paid());
    expect(state.years.get(2024)?.benefitStart).toBe('2024-01-01');
    const reversal = decideContributionReversal({ kind: 'ReverseContribution', reversalId: 'REV-1', receiptNo: 'RC-2024', reversedAt: '2024-02-01', reason: 'bounced' }, state);
    const after = reversal.reduce(evolveResident, state);
    expect(after.years.get(2024)?.benefitStart).toBeNull();
    const [claimEvent] = decideClaim(
      { kind: 'SettleClaim', claimId: 'C-R', residentId: RESIDENT, careType: 'inpatient', institution: { id: 'H', level: 3, designated: true, district: 'huangpi' },
        admittedAt: '2024-03-01', dischargedAt: '2024-03-02', totalCost: money('9000.00'), compliantCost: money('9000.00'), settlement: 'direct', filedAt: '2024-03-02' },
      after, context) as [EventOf<'ClaimSettled'>];
    expect(claimEvent.data.basicFundPayment).toBe('0.00');
  });
});

describe('subsidies', () => {
  it('grants per-capita subsidies to a named fund only', () => {
    const base = { kind: 'GrantSubsidy' as const, subsidyId: 'S-1', level: 'central' as const, purpose: 'per-capita' as const, year: 2024, amount: money('10.00'), grantedAt: '2024-01-05' };
    expect(refusal(() => decideSubsidy(base, null, context)).problems[0].field).toBe('fundId');
    const [event] = decideSubsidy({ ...base, fundId: 'jiangxia' }, null, context) as [EventOf<'SubsidyGranted'>];
    expect(event.data).toMatchObject({ fundId: 'jiangxia', residentId: null, amount: '10.00' });
  });

  it('pays a hardship resident contribution into the attributed fund', () => {
    const state = given(...enrolled({ hardship: ['dibao'] }));
    const [event] = decideSubsidy(
      { kind: 'GrantSubsidy', subsidyId: 'S-2', level: 'municipal', purpose: 'hardship-contribution', year: 2024, amount: money('380.00'), grantedAt: '2023-12-01', residentId: RESIDENT },
      state,
      context,
    ) as [EventOf<'SubsidyGranted'>];
    expect(event.data).toMatchObject({ fundId: 'huangpi', residentId: RESIDENT, benefitStart: '2024-01-01' });
  });
});

describe('scheme changes', () => {
  it('moves between schemes and refuses a change to the current one', () => {
    const state = given(...enrolled());
    expect(refusal(() => decideSchemeChange({ kind: 'ChangeScheme', changeId: 'X', residentId: RESIDENT, to: 'resident', effectiveAt: '2024-02-01' }, state)).kind).toBe('rule');
    const [event] = decideSchemeChange({ kind: 'ChangeScheme', changeId: 'X', residentId: RESIDENT, to: 'employee', effectiveAt: '2024-02-01' }, state);
    expect(event.data).toMatchObject({ from: 'resident', to: 'employee' });
  });
});

describe('claims', () => {
  const claim = (overrides: Partial<SettleClaim> = {}): SettleClaim => ({
    kind: 'SettleClaim',
    claimId: 'C-1',
    residentId: RESIDENT,
    careType: 'inpatient',
    institution: { id: 'H', level: 3, designated: true, district: 'wuchang' },
    admittedAt: '2024-03-01',
    dischargedAt: '2024-03-05',
    totalCost: money('10000.00'),
    compliantCost: money('9000.00'),
    settlement: 'direct',
    filedAt: '2024-03-05',
    ...overrides,
  });

  it('records the platform split as given and lets the parts add up', () => {
    const state = given(...enrolled(), ...paid());
    const [event] = decideClaim(claim({ basicFundPayment: money('5000.00'), criticalIllnessPayment: money('100.00') }), state, context) as [EventOf<'ClaimSettled'>];
    expect(event.data).toMatchObject({ fundId: 'huangpi', basicFundPayment: '5000.00', criticalIllnessPayment: '100.00', assistancePayment: '0.00', personalPayment: '4900.00', paymentsSource: 'recorded', year: 2024 });
  });

  it('computes the split one-stop when none is given', () => {
    const state = given(...enrolled(), ...paid());
    const [event] = decideClaim(claim(), state, context) as [EventOf<'ClaimSettled'>];
    const parts = [event.data.basicFundPayment, event.data.criticalIllnessPayment, event.data.assistancePayment, event.data.personalPayment].map(money);
    expect(parts.reduce((a, b) => a.plus(b)).toFixed(2)).toBe('10000.00');
    expect(event.data.paymentsSource).toBe('computed');
    expect(money(event.data.basicFundPayment).greaterThan(0)).toBe(true);
  });

  it('pays nothing from the basic fund before benefits start', () => {
    const state = given(...enrolled());
    const [event] = decideClaim(claim(), state, context) as [EventOf<'ClaimSettled'>];
    expect(event.data.basicFundPayment).toBe('0.00');
  });

  it('accumulates the year for the next claim and a new year starts afresh', () => {
    let state = given(...enrolled(), ...paid());
    const [first] = decideClaim(claim(), state, context);
    state = evolveResident(state, first);
    expect(state.accumulations.get(2024)?.compliantCost).toBe(900_000);
    expect(state.accumulations.get(2025)).toBeUndefined();
  });

  describe('employee-scheme members are insured in the other scheme (opinions-2017 §五(二), §七)', () => {
    const toEmployee = (effectiveAt: string) => decideSchemeChange({ kind: 'ChangeScheme', changeId: 'SC-1', residentId: RESIDENT, to: 'employee', effectiveAt }, given(...enrolled({ hardship: ['low-income'] })));
    const inEmployeeFrom = (effectiveAt: string) => given(...enrolled({ hardship: ['low-income'] }), ...paid(), ...toEmployee(effectiveAt));

    it('refuses a claim and a quote admitted on the day the employee scheme begins, naming the change', () => {
      const state = inEmployeeFrom('2024-03-01');
      for (const run of [() => decideClaim(claim(), state, context), () => quoteClaim(claim(), state, context)]) {
        const refused = refusal(run);
        expect([refused.kind, refused.problems[0].field]).toEqual(['rule', 'admittedAt']);
        expect(refused.message).toContain('in the employee scheme on 2024-03-01 (scheme change SC-1, effective 2024-03-01)');
      }
      // Reported payments do not make it the resident fund's claim either.
      expect(refusal(() => decideClaim(claim({ basicFundPayment: money('0.00') }), state, context)).kind).toBe('rule');
    });

    it('settles a claim admitted the day before, under the resident scheme, never as "uninsured"', () => {
      const [event] = decideClaim(claim(), inEmployeeFrom('2024-03-02'), context) as [EventOf<'ClaimSettled'>];
      expect(event.data.assistanceGroup).toBe('low-income');
      expect(money(event.data.basicFundPayment).greaterThan(0)).toBe(true);
    });

    it('settles again once back in the resident scheme', () => {
      let state = inEmployeeFrom('2024-02-01');
      state = decideSchemeChange({ kind: 'ChangeScheme', changeId: 'SC-2', residentId: RESIDENT, to: 'resident', effectiveAt: '2024-03-01' }, state).reduce(evolveResident, state);
      expect(decideClaim(claim(), state, context)).toHaveLength(1);
    });
  });

  it('refuses a late cash-advance claim it is asked to settle', () => {
    const state = given(...enrolled(), ...paid());
    const window = context.policy.cashAdvanceWindowDays(false, '2024-03-05');
    const late = new Date(Date.parse('2024-03-05T00:00:00Z') + (window + 1) * 86_400_000).toISOString().slice(0, 10);
    const onTime = new Date(Date.parse('2024-03-05T00:00:00Z') + window * 86_400_000).toISOString().slice(0, 10);
    expect(decideClaim(claim({ settlement: 'cash-advance', filedAt: onTime }), state, context)).toHaveLength(1);
    expect(refusal(() => decideClaim(claim({ settlement: 'cash-advance', filedAt: late }), state, context)).kind).toBe('rule');
  });

  it('gives assistance to the uninsured in one natural year only (linkage-2018 §二(二)2)', () => {
    let state = given(
      ...enrolled({ hardship: ['low-income'] }),
      ...decideEnrollment(enroll({ enrollmentId: 'E-2025', year: 2025, hardship: ['low-income'] }), initialResidentState(RESIDENT), context),
    );
    const [first] = decideClaim(claim(), state, context) as [EventOf<'ClaimSettled'>];
    expect(first.data.assistanceGroup).toBe('uninsured');
    expect(money(first.data.assistancePayment).greaterThan(0)).toBe(true);
    state = evolveResident(state, first);
    const sameYear = decideClaim(claim({ claimId: 'C-2', admittedAt: '2024-06-01', dischargedAt: '2024-06-02', filedAt: '2024-06-02' }), state, context) as [EventOf<'ClaimSettled'>];
    expect(money(sameYear[0].data.assistancePayment).greaterThan(0)).toBe(true);
    const nextYear = decideClaim(claim({ claimId: 'C-3', admittedAt: '2025-03-01', dischargedAt: '2025-03-05', filedAt: '2025-03-05' }), state, context) as [EventOf<'ClaimSettled'>];
    expect(nextYear[0].data.assistancePayment).toBe('0.00');
  });

  it('settles with the hardship groups of the claim year, not of a later enrollment', () => {
    const state = given(
      ...enrolled({ hardship: ['dibao'] }),
      ...paid(),
      ...decideEnrollment(enroll({ enrollmentId: 'E-2025', year: 2025, hardship: [] }), initialResidentState(RESIDENT), context),
    );
    const quote = quoteClaim(claim(), state, context);
    expect(quote.basis.deductibleWaived).toBe(true);
  });
});

/**
 * Look-back assistance, from linkage-2018 §二(二)2: "取消因病致贫救助对象自付合规医疗费用达到…1.5倍的限制，
 * 对其申报前12个月内自付合规医疗费用直接给予救助，住院救助比例…60%，年度救助封顶线…3万元", and §二(二)3
 * (the one-stop groups): an illness-poverty target is assisted on application only, a claim once.
 */
const APPLIED = '2025-03-15';

const enrollment = (year: number, hardship: string[]) => enroll({ enrollmentId: `E-${year}`, year, hardship, enrolledAt: `${year - 1}-10-01` });

/** Enrolled and paid up for 2024 and 2025 (the look-back reaches into the previous insurance year). */
function enrolledTarget(hardship: string[] = ['illness-poverty'], hardship2024: string[] = hardship): ResidentState {
  let state = foldResident(RESIDENT, [
    ...decideEnrollment(enrollment(2024, hardship2024), initialResidentState(RESIDENT), context),
    ...decideEnrollment(enrollment(2025, hardship), initialResidentState(RESIDENT), context),
  ]);
  for (const year of [2024, 2025]) {
    const due = context.policy.contributionStandard(year, 'adult');
    const paid = decideContribution({ kind: 'RecordContribution', receiptNo: `RC-${year}`, residentId: RESIDENT, year, amount: due, paidAt: `${year - 1}-12-01`, collector: 'self' }, state, context);
    state = paid.reduce(evolveResident, state);
  }
  return state;
}

/**
 * A claim recorded as the platform reported it: compliant 10000.00, basic 6000.00, critical
 * illness 0.00, assistance `assistance` → its base (compliant − basic − critical illness) is 4000.00.
 */
function recordedClaim(claimId: string, admittedAt: string, assistance = '0.00'): SettleClaim {
  return {
    kind: 'SettleClaim',
    claimId,
    residentId: RESIDENT,
    careType: 'inpatient',
    institution: { id: 'HP-1', level: 2, designated: true, district: 'huangpi' },
    admittedAt,
    dischargedAt: admittedAt,
    totalCost: money('12000.00'),
    compliantCost: money('10000.00'),
    settlement: 'direct',
    filedAt: admittedAt,
    basicFundPayment: money('6000.00'),
    criticalIllnessPayment: money('0.00'),
    assistancePayment: money(assistance),
  };
}

/** The same claim with only the basic payment reported: the rest settled one-stop by the policy. */
function oneStopClaim(claimId: string, admittedAt: string): SettleClaim {
  return { ...recordedClaim(claimId, admittedAt), criticalIllnessPayment: undefined, assistancePayment: undefined };
}

function withClaims(state: ResidentState, ...claims: SettleClaim[]): ResidentState {
  return claims.reduce((current, claim) => decideClaim(claim, current, context).reduce(evolveResident, current), state);
}

const apply = (applicationId = 'A-1', appliedAt = APPLIED): ApplyForAssistance => ({ kind: 'ApplyForAssistance', applicationId, residentId: RESIDENT, appliedAt });

function granted(state: ResidentState, command = apply()): EventOf<'LookbackAssistanceGranted'> {
  const [event, ...rest] = decideAssistanceApplication(command, state, context);
  expect(rest).toHaveLength(0);
  expect(event.type).toBe('LookbackAssistanceGranted');
  return event as EventOf<'LookbackAssistanceGranted'>;
}

describe('look-back assistance for illness-poverty targets (linkage-2018 §二(二)2)', () => {
  // An anchor claim inside the window (base 4000.00) so the application never has a zero base.
  const anchor = recordedClaim('C-ANCHOR', '2024-10-01');

  it.each([
    ['admitted 12 months before the application (the first day of the window)', '2024-03-15', true],
    ['admitted a day outside the window', '2024-03-14', false],
    ['admitted on the day of the application', '2025-03-15', true],
    ['admitted after the application', '2025-03-16', false],
  ])('a claim %s counts: %s', (_label, admittedAt, counts) => {
    const state = withClaims(enrolledTarget(), anchor, recordedClaim('C-EDGE', admittedAt));
    const { data, businessKey, occurredAt } = granted(state);
    expect(businessKey).toBe('assistance-application:A-1');
    expect(occurredAt).toBe(APPLIED);
    expect(data.window).toEqual({ from: '2024-03-15', through: '2025-03-15' });
    expect(data.claimIds).toEqual(counts ? ['C-ANCHOR', 'C-EDGE'] : ['C-ANCHOR']);
    // Exactly 60% of the self-paid compliant costs, 4000.00 per claim.
    expect([data.base, data.ratio, data.amount]).toEqual(counts ? ['8000.00', '0.6', '4800.00'] : ['4000.00', '0.6', '2400.00']);
    expect(data).toMatchObject({ residentId: RESIDENT, fundId: 'huangpi', year: 2025, appliedAt: APPLIED });
  });

  it('settles an illness-poverty claim with no assistance at all: its channel is the application', () => {
    const [event] = decideClaim(oneStopClaim('C-1', '2024-06-01'), enrolledTarget(), context) as [EventOf<'ClaimSettled'>];
    expect(event.data).toMatchObject({ assistancePayment: '0.00', assistanceGroup: null, personalPayment: '6000.00' });
    // The quote says the same.
    expect(quoteClaim(oneStopClaim('C-1', '2024-06-01'), enrolledTarget(), context).assistancePayment.toFixed(2)).toBe('0.00');
  });

  it.each([
    ['compliant − basic − critical illness', { ...recordedClaim('C-1', '2024-06-01'), criticalIllnessPayment: money('500.00') }, '3500.00', '2100.00'],
    ['rounded once to the fen, half up (3333.33 × 60% = 1999.998)', { ...recordedClaim('C-1', '2024-06-01'), basicFundPayment: money('6666.67') }, '3333.33', '2000.00'],
    ['only what the ratio leaves when the claim carries reported assistance outside the one-stop groups', recordedClaim('C-1', '2024-06-01', '1234.56'), '4000.00', '1165.44'],
    ['never below zero when the parts reported exceed the compliant cost', { ...recordedClaim('C-1', '2024-06-01'), basicFundPayment: money('11000.00') }, null, null],
    ['nothing when reported assistance already reached the ratio (2400.00 = 60% of 4000.00)', recordedClaim('C-1', '2024-06-01', '2400.00'), null, null],
  ])('takes as base %s', (_label, claim, base, amount) => {
    const state = withClaims(enrolledTarget(), claim);
    if (base === null) {
      expect(refusal(() => decideAssistanceApplication(apply(), state, context)).kind).toBe('rule');
      return;
    }
    expect(granted(state).data).toMatchObject({ base, amount, claimIds: ['C-1'] });
  });

  describe('one channel per claim', () => {
    it('leaves out a claim assisted one-stop while the person was in a one-stop group', () => {
      // Low-income in 2024 (one-stop, 70%), illness-poverty from 2025: the 2024 claim was assisted at settlement.
      const state = withClaims(enrolledTarget(['illness-poverty'], ['low-income']), oneStopClaim('C-2024', '2024-06-01'), anchor);
      expect(state.claims.get('C-2024')).toMatchObject({ assistanceGroup: 'low-income', assistancePaymentFen: 280_000 });
      expect(granted(state).data).toMatchObject({ claimIds: ['C-ANCHOR'], base: '4000.00', amount: '2400.00' });
    });

    it('a claim in both groups is assisted one-stop at the better group and then refused by an application', () => {
      const state = withClaims(enrolledTarget(['illness-poverty', 'low-income']), oneStopClaim('C-1', '2024-06-01'));
      expect(state.claims.get('C-1')).toMatchObject({ assistanceGroup: 'low-income', assistancePaymentFen: 280_000 });
      const refused = refusal(() => decideAssistanceApplication(apply(), state, context));
      expect(refused.kind).toBe('rule');
      expect(refused.message).toContain('not already assisted (one-stop at settlement, or by an earlier application)');
    });

    it('counts a claim of a one-stop group that got no assistance at settlement', () => {
      const state = withClaims(enrolledTarget(['illness-poverty', 'low-income']), recordedClaim('C-1', '2024-06-01'));
      expect(granted(state).data).toMatchObject({ claimIds: ['C-1'], base: '4000.00', amount: '2400.00' });
    });
  });

  it('leaves out reversed claims', () => {
    let state = withClaims(enrolledTarget(), anchor, recordedClaim('C-REV', '2024-11-01'));
    state = decideClaimReversal({ kind: 'ReverseClaim', reversalId: 'REV-1', claimId: 'C-REV', reversedAt: '2024-11-20', reason: 'entered twice' }, state).reduce(evolveResident, state);
    expect(granted(state).data.claimIds).toEqual(['C-ANCHOR']);
  });

  it('never counts a claim for a second application, and counts a newer one', () => {
    let state = withClaims(enrolledTarget(), anchor);
    const first = granted(state);
    state = evolveResident(state, first);
    expect([...claimsCountedByGrants(state)]).toEqual(['C-ANCHOR']);

    const again = refusal(() => decideAssistanceApplication(apply('A-2', '2025-04-01'), state, context));
    expect(again.kind).toBe('rule');
    expect(again.message).toContain('no self-paid compliant costs in the 12 months before 2025-04-01');

    state = withClaims(state, recordedClaim('C-NEW', '2025-03-20'));
    expect(granted(state, apply('A-2', '2025-04-01')).data).toMatchObject({ claimIds: ['C-NEW'], base: '4000.00', amount: '2400.00' });
  });

  it('counts the grant toward the natural year it was applied in, and posts nothing to the resident fund', () => {
    const state = withClaims(enrolledTarget(), anchor);
    const event = granted(state);
    const after = evolveResident(state, event);
    expect(after.accumulations.get(2025)?.assistancePaid).toBe(240_000);
    expect(after.accumulations.get(2024)?.assistancePaid).toBe(0);
    expect(after.assistanceGrants.map((grant) => grant.applicationId)).toEqual(['A-1']);
    expect(postingsOf(event)).toEqual([]);
  });

  describe('the annual cap of 30000.00 (年度救助封顶线3万元)', () => {
    /** A 2024 claim whose base is `base` (compliant 50000.00, basic the rest). */
    const big = (claimId: string, admittedAt: string, base: string): SettleClaim => ({
      ...recordedClaim(claimId, admittedAt),
      totalCost: money('50000.00'),
      compliantCost: money('50000.00'),
      basicFundPayment: money('50000.00').minus(money(base)),
    });

    it('reaches the cap exactly with a base of 50000.00 (60% = 30000.00)', () => {
      const state = withClaims(enrolledTarget(), big('C-A', '2024-05-01', '50000.00'));
      expect(granted(state).data).toMatchObject({ base: '50000.00', amount: '30000.00' });
    });

    it('caps the grant a fen over it', () => {
      // 50000.02 × 60% = 30000.012 → 30000.01 due, 30000.00 granted.
      const state = withClaims(enrolledTarget(), { ...big('C-A', '2024-05-01', '50000.00'), compliantCost: money('50000.02'), totalCost: money('50000.02') });
      expect(granted(state).data).toMatchObject({ base: '50000.02', amount: '30000.00' });
    });

    it('reaches the cap in the middle of a claim: the second application gets what the year left', () => {
      let state = withClaims(enrolledTarget(), big('C-A', '2024-05-01', '48000.00'));
      const first = granted(state, apply('A-1', '2025-01-15'));
      expect(first.data.amount).toBe('28800.00');
      state = withClaims(evolveResident(state, first), recordedClaim('C-B', '2025-02-01'));
      // 60% of C-B's 4000.00 is 2400.00; 1200.00 of the cap is left.
      expect(granted(state, apply('A-2')).data).toMatchObject({ claimIds: ['C-B'], base: '4000.00', amount: '1200.00' });
    });

    it('leaves a later one-stop claim of the year only what the grant left of a shared cap', () => {
      // Illness-poverty and low-income: the grant (30000.00) counts toward the year's assistance,
      // and the low-income one-stop cap of 40000.00 then leaves 10000.00.
      let state = withClaims(enrolledTarget(['illness-poverty', 'low-income']), big('C-A', '2024-05-01', '50000.00'));
      const grant = granted(state);
      expect(grant.data.amount).toBe('30000.00');
      state = evolveResident(state, grant);
      const later: SettleClaim = { ...oneStopClaim('C-LATER', '2025-05-01'), totalCost: money('20000.00'), compliantCost: money('20000.00'), basicFundPayment: money('0.00') };
      const [settled] = decideClaim(later, state, context) as [EventOf<'ClaimSettled'>];
      expect(settled.data).toMatchObject({ assistanceGroup: 'low-income', assistancePayment: '10000.00' });
    });

    it('refuses an application once the cap is reached, keeping the claims for a later year', () => {
      let state = withClaims(enrolledTarget(), big('C-A', '2024-05-01', '50000.00'));
      state = evolveResident(state, granted(state, apply('A-1', '2025-01-15')));
      state = withClaims(state, recordedClaim('C-B', '2025-02-01'));
      const refused = refusal(() => decideAssistanceApplication(apply('A-2'), state, context));
      expect(refused.kind).toBe('rule');
      expect(refused.message).toContain('annual cap of 30000.00');
      expect([...claimsCountedByGrants(state)]).toEqual(['C-A']);
    });
  });

  describe('refusals', () => {
    it('refuses a resident who is not an illness-poverty target in the year applied in', () => {
      const state = withClaims(enrolledTarget(['dibao']), anchor);
      const refused = refusal(() => decideAssistanceApplication(apply(), state, context));
      expect(refused.kind).toBe('rule');
      expect(refused.message).toContain('not an illness-poverty target');
    });

    it('refuses when nothing self-paid lies in the window', () => {
      const state = withClaims(enrolledTarget(), recordedClaim('C-OLD', '2024-03-14'));
      const refused = refusal(() => decideAssistanceApplication(apply(), state, context));
      expect(refused.kind).toBe('rule');
      expect(refused.message).toContain('no self-paid compliant costs in the 12 months before 2025-03-15');
    });

    it('refuses an unknown resident, a year without enrollment and a date before the rule took effect', () => {
      expect(refusal(() => decideAssistanceApplication(apply(), initialResidentState(RESIDENT), context)).kind).toBe('not-found');
      expect(refusal(() => decideAssistanceApplication(apply('A-1', '2026-01-10'), enrolledTarget(), context)).kind).toBe('rule');
      const early = foldResident(RESIDENT, decideEnrollment(enrollment(2018, ['illness-poverty']), initialResidentState(RESIDENT), context));
      const refused = refusal(() => decideAssistanceApplication(apply('A-1', '2018-07-31'), early, context));
      expect(refused.kind).toBe('rule');
      expect(refused.message).toContain('not in force on 2018-07-31');
    });
  });
});
