import type { EnrollResident, LedgerCommand, SettleClaim } from './commands';
import { decideClaim, decideClaimReversal, decideContribution, decideContributionReversal, decideEnrollment } from './decide';
import type { DomainEvent } from './events';
import { fundsAddressedBy, fundsWrittenBy, refuseOutsideFund } from './fund-scope';
import { money } from './money';
import { withinPolicy } from './policy-refusal';
import { evolveResident, foldResident, ResidentState } from './resident';
import { context, refusal } from './testing/fixtures';

/** given(events) → when(command) → then(refusal or events): the guards around decide(). */
const RESIDENT = 'R-G';

const enroll = (district: string, year: number, overrides: Partial<EnrollResident> = {}): EnrollResident => ({
  kind: 'EnrollResident', enrollmentId: `E-${year}`, residentId: RESIDENT, year, birthDate: '1980-01-01', category: 'adult',
  hukou: { local: true, district }, residenceDistrict: district, hardship: [], parents: [], enrolledAt: `${year - 1}-10-01`, ...overrides,
});

/** Folds each decision into the state before deciding the next, as the ledger does. */
function history(...commands: Array<(state: ResidentState) => DomainEvent[]>): { state: ResidentState; events: DomainEvent[] } {
  let state = foldResident(RESIDENT, []);
  const events: DomainEvent[] = [];
  for (const decide of commands) {
    const decided = decide(state);
    events.push(...decided);
    state = decided.reduce(evolveResident, state);
  }
  return { state, events };
}

const enrolledIn = (district: string, year: number) => (state: ResidentState) => decideEnrollment(enroll(district, year), state, context);
const paidFor = (year: number, paidAt = `${year - 1}-12-01`) => (state: ResidentState) =>
  decideContribution({ kind: 'RecordContribution', receiptNo: `RC-${year}`, residentId: RESIDENT, year, amount: context.policy.contributionStandard(year, 'adult'), paidAt, collector: 'self' }, state, context);
const claim = (overrides: Partial<SettleClaim> = {}): SettleClaim => ({
  kind: 'SettleClaim', claimId: 'C-1', residentId: RESIDENT, careType: 'inpatient', institution: { id: 'H', level: 2, designated: true, district: 'xinzhou' },
  admittedAt: '2024-03-01', dischargedAt: '2024-03-05', totalCost: money('1000.00'), compliantCost: money('800.00'), settlement: 'direct', filedAt: '2024-03-05', ...overrides,
});

describe('reversals are never dated before the fact they reverse', () => {
  const { state } = history(enrolledIn('xinzhou', 2024), paidFor(2024, '2023-12-01'), (s) => decideClaim(claim(), s, context));

  it('refuses a contribution reversal dated before the payment, naming reversedAt', () => {
    const refused = refusal(() => decideContributionReversal({ kind: 'ReverseContribution', reversalId: 'REV-1', receiptNo: 'RC-2024', reversedAt: '2019-01-01', reason: 'x' }, state));
    expect({ kind: refused.kind, problems: refused.problems.map((p) => p.field) }).toEqual({ kind: 'rule', problems: ['reversedAt'] });
    expect(refused.message).toContain('dated 2023-12-01');
    expect(decideContributionReversal({ kind: 'ReverseContribution', reversalId: 'REV-1', receiptNo: 'RC-2024', reversedAt: '2023-12-01', reason: 'x' }, state)).toHaveLength(1);
  });

  it('refuses a claim reversal dated before the claim (its discharge date), and takes one on that day', () => {
    const refused = refusal(() => decideClaimReversal({ kind: 'ReverseClaim', reversalId: 'REV-2', claimId: 'C-1', reversedAt: '2024-03-04', reason: 'x' }, state));
    expect({ kind: refused.kind, field: refused.problems[0]?.field }).toEqual({ kind: 'rule', field: 'reversedAt' });
    expect(decideClaimReversal({ kind: 'ReverseClaim', reversalId: 'REV-2', claimId: 'C-1', reversedAt: '2024-03-05', reason: 'x' }, state)).toHaveLength(1);
  });
});

describe('a policy not yet in force is a refusal naming the field, not a fault', () => {
  const { state } = history(enrolledIn('xinzhou', 2017), paidFor(2017, '2016-12-01'));

  it.each<[string, LedgerCommand, string]>([
    ['a claim admitted before the first parameters', claim({ admittedAt: '2016-12-31', dischargedAt: '2017-01-02', filedAt: '2017-01-02' }), 'admittedAt'],
    ['an enrollment for a year before them', enroll('xinzhou', 2016), 'year'],
  ])('%s → 422 naming the field', (_what, command, field) => {
    const decide = () => (command.kind === 'SettleClaim' ? decideClaim(command, state, context) : decideEnrollment(command as EnrollResident, foldResident('R-new', []), context));
    const refused = refusal(() => withinPolicy(command, decide));
    expect({ kind: refused.kind, field: refused.problems[0]?.field }).toEqual({ kind: 'rule', field });
    expect(refused.message).toMatch(/no policy is in force on \d{4}-\d{2}-\d{2}/);
  });
});

describe("a district manager's commands stay within the manager's fund", () => {
  const movedIn = history(enrolledIn('xinzhou', 2024), paidFor(2024), (s) => decideClaim(claim(), s, context), enrolledIn('huangpi', 2025));
  const xinzhouOnly = history(enrolledIn('xinzhou', 2024), paidFor(2024));
  const addressed = (command: LedgerCommand, state: ResidentState) => [...fundsAddressedBy(command, state)].sort();

  it('an enrollment addresses every fund the resident has records in, and the fund it would create', () => {
    expect(addressed(enroll('huangpi', 2025), xinzhouOnly.state)).toEqual(['huangpi', 'xinzhou']);
    expect(addressed(enroll('huangpi', 2026), movedIn.state)).toEqual(['huangpi', 'xinzhou']);
    expect(addressed(enroll('huangpi', 2025), foldResident('R-new', []))).toEqual(['huangpi']);
  });

  it("a record of one year addresses that year's fund; of a year not enrolled, every fund of the resident", () => {
    const contribution = (year: number, fundId?: 'huangpi') =>
      ({ kind: 'RecordContribution', receiptNo: 'RC-x', residentId: RESIDENT, year, amount: money('1.00'), paidAt: '2025-01-02', collector: 'self', fundId }) as const;
    expect(addressed(contribution(2025), movedIn.state)).toEqual(['huangpi']);
    expect(addressed(contribution(2024), movedIn.state)).toEqual(['xinzhou']);
    expect(addressed(contribution(2024, 'huangpi'), movedIn.state)).toEqual(['huangpi', 'xinzhou']);
    expect(addressed(contribution(2026), movedIn.state)).toEqual(['huangpi', 'xinzhou']);
    expect(addressed(claim({ claimId: 'C-2', admittedAt: '2025-02-01', dischargedAt: '2025-02-02', filedAt: '2025-02-02' }), movedIn.state)).toEqual(['huangpi']);
    expect(addressed({ kind: 'ReverseClaim', reversalId: 'REV', claimId: 'C-1', reversedAt: '2025-06-01', reason: 'x' }, movedIn.state)).toEqual(['xinzhou']);
    expect(addressed({ kind: 'RecordInsurerDecision', claimId: 'C-1', receivedAt: '2025-06-01', decidedAt: '2025-06-02', covered: true }, movedIn.state)).toEqual(['xinzhou']);
    expect(addressed({ kind: 'ChangeScheme', changeId: 'S', residentId: RESIDENT, to: 'employee', effectiveAt: '2025-06-01' }, movedIn.state)).toEqual(['huangpi', 'xinzhou']);
  });

  it('a look-back grant writes into the funds of the claims it spends', () => {
    const grant = { type: 'LookbackAssistanceGranted', businessKey: 'k', occurredAt: '2025-02-01', data: { fundId: 'huangpi', claimIds: ['C-1'] } } as unknown as DomainEvent;
    expect([...fundsWrittenBy([grant], movedIn.state)].sort()).toEqual(['huangpi', 'xinzhou']);
  });

  it('refuses 403 naming both funds', () => {
    const refused = refusal(() => refuseOutsideFund('huangpi', ['huangpi', 'xinzhou']));
    expect(refused.kind).toBe('forbidden');
    expect(refused.message).toContain('huangpi');
    expect(refused.message).toContain('xinzhou');
    expect(() => refuseOutsideFund('huangpi', ['huangpi'])).not.toThrow();
  });
});
