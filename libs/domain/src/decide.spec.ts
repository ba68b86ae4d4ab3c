import { loadPolicy } from '@ledger/policy';
import {
  decideAssistanceApplication,
  decideClaim,
  decideClaimReversal,
  decideContribution,
  decideContributionReversal,
  decideEnrollment,
  decideSchemeChange,
  decideSubsidy,
  DecisionContext,
  quoteClaim,
} from './decide';
import type { DomainEvent, EventOf } from './events';
import { CommandRefused } from './errors';
import { money } from './money';
import { postingsOf } from './postings';
import { claimsCountedByGrants, evolveResident, foldResident, initialResidentState, ResidentState } from './resident';
import type { ApplyForAssistance, EnrollResident, SettleClaim } from './commands';

/** given(events) → when(decide) → then(events): the domain's behaviour, with no store or framework. */
const context: DecisionContext = { policy: loadPolicy() };
const RESIDENT = 'R-1';

const given = (...events: DomainEvent[]): ResidentState => foldResident(RESIDENT, events);

function refusal(run: () => unknown): CommandRefused {
  try {
    run();
  } catch (error) {
    if (error instanceof CommandRefused) return error;
    throw error;
  }
  throw new Error('expected the command to be refused');
}

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
    expect(state.accumulations.get(2024)?.compliantCost.toFixed(2)).toBe('9000.00');
    expect(state.accumulations.get(2025)).toBeUndefined();
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
 * 对其申报前12个月内自付合规医疗费用直接给予救助，住院救助比例…60%，年度救助封顶线…3万元".
 */
const APPLIED = '2025-03-15';

const enrollment = (year: number, hardship: string[]) => enroll({ enrollmentId: `E-${year}`, year, hardship, enrolledAt: `${year - 1}-10-01` });

/** Enrolled and paid up for 2024 and 2025 (the look-back reaches into the previous insurance year). */
function enrolledTarget(hardship: string[] = ['illness-poverty']): ResidentState {
  let state = foldResident(RESIDENT, [2024, 2025].flatMap((year) => decideEnrollment(enrollment(year, hardship), initialResidentState(RESIDENT), context)));
  for (const year of [2024, 2025]) {
    const due = context.policy.contributionStandard(year, 'adult');
    const paid = decideContribution({ kind: 'RecordContribution', receiptNo: `RC-${year}`, residentId: RESIDENT, year, amount: due, paidAt: `${year - 1}-12-01`, collector: 'self' }, state, context);
    state = paid.reduce(evolveResident, state);
  }
  return state;
}

/**
 * A claim recorded as the platform reported it: compliant 10000.00, basic 6000.00, critical
 * illness 0.00, assistance `assistance` → what stayed self-paid within compliant cost is
 * 4000.00 − assistance.
 */
function recordedClaim(claimId: string, admittedAt: string, assistance = '1000.00'): SettleClaim {
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
  // An anchor claim inside the window (self-paid 3000.00) so the application never has a zero base.
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
    // 60% of the self-paid compliant costs, 3000.00 per claim.
    expect([data.base, data.ratio, data.amount]).toEqual(counts ? ['6000.00', '0.6', '3600.00'] : ['3000.00', '0.6', '1800.00']);
    expect(data).toMatchObject({ residentId: RESIDENT, fundId: 'huangpi', year: 2025, appliedAt: APPLIED });
  });

  it.each([
    ['compliant − basic − critical illness − assistance', recordedClaim('C-1', '2024-06-01', '1234.56'), '2765.44', '1659.26'],
    ['never below zero when the parts reported exceed the compliant cost', { ...recordedClaim('C-1', '2024-06-01', '0.00'), basicFundPayment: money('11000.00') }, null, null],
  ])('takes as base %s', (_label, claim, base, amount) => {
    const state = withClaims(enrolledTarget(), claim);
    if (base === null) {
      expect(refusal(() => decideAssistanceApplication(apply(), state, context)).kind).toBe('rule');
      return;
    }
    expect(granted(state).data).toMatchObject({ base, amount });
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
    expect(granted(state, apply('A-2', '2025-04-01')).data).toMatchObject({ claimIds: ['C-NEW'], base: '3000.00', amount: '1800.00' });
  });

  it('counts the grant toward the natural year it was applied in, and posts nothing to the resident fund', () => {
    const state = withClaims(enrolledTarget(), anchor);
    const event = granted(state);
    const after = evolveResident(state, event);
    expect(after.accumulations.get(2025)?.assistancePaid.toFixed(2)).toBe('1800.00');
    // The anchor's own one-stop assistance stays with its insurance year.
    expect(after.accumulations.get(2024)?.assistancePaid.toFixed(2)).toBe('1000.00');
    expect(after.assistanceGrants.map((grant) => grant.applicationId)).toEqual(['A-1']);
    expect(postingsOf(event)).toEqual([]);
  });

  describe('the annual cap of 30000.00 (年度救助封顶线3万元)', () => {
    it('caps the grant at what the year has left', () => {
      // 2025 assistance already 29000.00 on a claim of the year.
      const state = withClaims(enrolledTarget(), recordedClaim('C-2025', '2025-01-10', '2000.00'), { ...recordedClaim('C-BIG', '2025-02-01', '0.00'), compliantCost: money('40000.00'), totalCost: money('40000.00'), basicFundPayment: money('0.00'), assistancePayment: money('27000.00') });
      expect(state.accumulations.get(2025)?.assistancePaid.toFixed(2)).toBe('29000.00');
      // base: 2000.00 + 13000.00 = 15000.00 → 60% = 9000.00, capped at 1000.00.
      expect(granted(state).data).toMatchObject({ base: '15000.00', amount: '1000.00' });
    });

    it('leaves a later claim of the year only what the grant left of the cap', () => {
      // Self-paid 45000.00 in the window → 27000.00 granted; 3000.00 of the cap remains.
      const big = (claimId: string, admittedAt: string): SettleClaim => ({ ...recordedClaim(claimId, admittedAt, '0.00'), totalCost: money('50000.00'), compliantCost: money('50000.00'), basicFundPayment: money('27500.00') });
      let state = withClaims(enrolledTarget(), big('C-A', '2024-05-01'), big('C-B', '2024-09-01'));
      const grant = granted(state);
      expect(grant.data).toMatchObject({ base: '45000.00', amount: '27000.00' });
      state = evolveResident(state, grant);
      // Compliant 10000.00, insurance reported as paying nothing: 60% would be 6000.00.
      const later: SettleClaim = { ...recordedClaim('C-LATER', '2025-05-01'), basicFundPayment: money('0.00'), assistancePayment: undefined };
      const [settled] = decideClaim(later, state, context) as [EventOf<'ClaimSettled'>];
      expect(settled.data.assistancePayment).toBe('3000.00');
    });

    it('refuses an application once the cap is reached, keeping the claims for a later year', () => {
      const state = withClaims(enrolledTarget(), anchor, { ...recordedClaim('C-CAP', '2025-01-10', '0.00'), compliantCost: money('40000.00'), totalCost: money('40000.00'), basicFundPayment: money('0.00'), assistancePayment: money('30000.00') });
      const refused = refusal(() => decideAssistanceApplication(apply(), state, context));
      expect(refused.kind).toBe('rule');
      expect(refused.message).toContain('annual cap of 30000.00');
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
