import { loadPolicy } from '@ledger/policy';
import {
  decideClaim,
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
import { evolveResident, foldResident, initialResidentState, ResidentState } from './resident';
import type { EnrollResident, SettleClaim } from './commands';

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
