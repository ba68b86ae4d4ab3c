import { loadPolicy } from '@ledger/policy';
import type { ApplyForAssistance, EnrollResident, SettleClaim } from './commands';
import { decideAssistanceApplication, decideClaim, decideClaimReversal, decideContribution, decideEnrollment, DecisionContext } from './decide';
import { CommandRefused } from './errors';
import type { EventOf } from './events';
import { money } from './money';
import { postingsOf } from './postings';
import { claimsCountedByGrants, evolveResident, foldResident, initialResidentState, ResidentState } from './resident';

/**
 * Look-back assistance, from linkage-2018 §二(二)2: "取消因病致贫救助对象自付合规医疗费用达到…1.5倍的限制，
 * 对其申报前12个月内自付合规医疗费用直接给予救助，住院救助比例…60%，年度救助封顶线…3万元".
 * given(events) → when(decide) → then(events), as decide.spec.ts.
 */
const context: DecisionContext = { policy: loadPolicy() };
const RESIDENT = 'R-IP';
const APPLIED = '2025-03-15';

function refusal(run: () => unknown): CommandRefused {
  try {
    run();
  } catch (error) {
    if (error instanceof CommandRefused) return error;
    throw error;
  }
  throw new Error('expected the command to be refused');
}

const enrollment = (year: number, hardship: string[]): EnrollResident => ({
  kind: 'EnrollResident',
  enrollmentId: `E-${year}`,
  residentId: RESIDENT,
  year,
  birthDate: '1970-01-01',
  category: 'adult',
  hukou: { local: true, district: 'huangpi' },
  residenceDistrict: 'huangpi',
  hardship,
  parents: [],
  enrolledAt: `${year - 1}-10-01`,
});

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
