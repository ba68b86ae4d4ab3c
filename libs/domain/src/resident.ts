import { emptyAccumulations, type YearAccumulations } from '@ledger/policy';
import type { BusinessDate } from './dates';
import type {
  CareType,
  Category,
  ClaimSettledV1,
  DomainEvent,
  LookbackAssistanceGrantedV1,
  Scheme,
} from './events';
import type { FundId, Hukou } from './funds';
import { Money, money, ZERO } from './money';

/** What the ledger knows of one resident: the fold of the resident's stream. */
export interface ResidentState {
  residentId: string;
  /** Revision of the last event folded in; -1 before the first. */
  revision: number;
  birthDate: BusinessDate | null;
  hukou: Hukou | null;
  residenceDistrict: string | null;
  hardship: readonly string[];
  years: ReadonlyMap<number, EnrollmentYear>;
  /** Scheme periods in order; the resident scheme from the first enrollment unless changed. */
  schemes: readonly SchemePeriod[];
  claims: ReadonlyMap<string, ClaimRecord>;
  receipts: ReadonlyMap<string, ReceiptRecord>;
  accumulations: ReadonlyMap<number, Accumulations>;
  /** Natural years in which assistance was paid as uninsured / not entitled to basic benefits. */
  uninsuredAssistanceYears: ReadonlySet<number>;
  /** Look-back assistance granted on application, in order; their claims are spent for later applications. */
  assistanceGrants: readonly LookbackAssistanceGrantedV1[];
}

export interface EnrollmentYear {
  enrollmentId: string;
  year: number;
  category: Category;
  /** Hardship groups recognised for this year: a claim is settled with its own year's groups. */
  hardship: readonly string[];
  fundId: FundId;
  enrolledAt: BusinessDate;
  contributionExempt: boolean;
  contributionDue: Money;
  paid: Money;
  benefitStart: BusinessDate | null;
}

export interface SchemePeriod {
  scheme: Scheme;
  from: BusinessDate;
  /** The scheme change that began the period; none for the resident scheme of the first enrollment. */
  changeId?: string;
}

export interface ClaimRecord {
  claimId: string;
  year: number;
  fundId: FundId;
  careType: CareType;
  settled: ClaimSettledV1;
  insurerDecision: { receivedAt: BusinessDate; decidedAt: BusinessDate; covered: boolean } | null;
  insurerPayment: { paidAt: BusinessDate; amount: Money } | null;
  reversed: boolean;
  /** Basic fund payment recovered so far (条例 art. 45); never more than was paid. */
  recovered: Money;
}

export interface ReceiptRecord {
  receiptNo: string;
  year: number;
  /** The contribution's business date: nothing can reverse it with an earlier one. */
  paidAt: BusinessDate;
  amount: Money;
  fundId: FundId;
  reversed: boolean;
}

/**
 * Year-to-date sums the one-stop settlement needs (insurance year = calendar year of admission):
 * the policy's accumulations plus the compliant cost, shown on the resident view.
 */
export interface Accumulations extends YearAccumulations {
  compliantCost: Money;
}

export const EMPTY_ACCUMULATIONS: Accumulations = { ...emptyAccumulations(), compliantCost: ZERO };

export function initialResidentState(residentId: string): ResidentState {
  return {
    residentId,
    revision: -1,
    birthDate: null,
    hukou: null,
    residenceDistrict: null,
    hardship: [],
    years: new Map(),
    schemes: [],
    claims: new Map(),
    receipts: new Map(),
    accumulations: new Map(),
    uninsuredAssistanceYears: new Set(),
    assistanceGrants: [],
  };
}

export function isKnownResident(state: ResidentState): boolean {
  return state.years.size > 0;
}

/** The scheme the resident was in on a date (resident scheme before any recorded change). */
export function schemeOn(state: ResidentState, date: BusinessDate): Scheme {
  let scheme: Scheme = 'resident';
  for (const period of state.schemes) if (period.from <= date) scheme = period.scheme;
  return scheme;
}

/** The scheme period a date falls in, or undefined before any (the resident scheme). */
export function schemePeriodOn(state: ResidentState, date: BusinessDate): SchemePeriod | undefined {
  let found: SchemePeriod | undefined;
  for (const period of state.schemes) if (period.from <= date) found = period;
  return found;
}

export function currentScheme(state: ResidentState): Scheme {
  return state.schemes.length ? state.schemes[state.schemes.length - 1].scheme : 'resident';
}

export function latestEnrollment(state: ResidentState): EnrollmentYear | undefined {
  let latest: EnrollmentYear | undefined;
  for (const year of state.years.values()) if (!latest || year.year > latest.year) latest = year;
  return latest;
}

function withEntry<K, V>(map: ReadonlyMap<K, V>, key: K, value: V): Map<K, V> {
  const next = new Map(map);
  next.set(key, value);
  return next;
}

function addClaimToAccumulations(acc: Accumulations, claim: {
  careType: CareType;
  compliantCost: Money;
  basicFundPayment: Money;
  criticalIllnessPayment: Money;
  assistancePayment: Money;
  burdenInScope: Money;
}, sign: 1 | -1): Accumulations {
  const s = (amount: Money) => amount.times(sign);
  return {
    compliantCost: acc.compliantCost.plus(s(claim.compliantCost)),
    basicFundPaid: acc.basicFundPaid.plus(s(claim.basicFundPayment)),
    personalBurdenInScope: acc.personalBurdenInScope.plus(s(claim.burdenInScope)),
    criticalIllnessPaid: acc.criticalIllnessPaid.plus(s(claim.criticalIllnessPayment)),
    assistancePaid: acc.assistancePaid.plus(s(claim.assistancePayment)),
    outpatientCompliant:
      claim.careType === 'inpatient' ? acc.outpatientCompliant : acc.outpatientCompliant.plus(s(claim.compliantCost)),
  };
}

function claimAmounts(settled: ClaimSettledV1) {
  return {
    careType: settled.careType,
    compliantCost: money(settled.compliantCost),
    basicFundPayment: money(settled.basicFundPayment),
    criticalIllnessPayment: money(settled.criticalIllnessPayment),
    assistancePayment: money(settled.assistancePayment),
    burdenInScope: money(settled.burdenInScope),
  };
}

/** A reversal that leaves the year short of what is due also takes back its benefit start. */
function afterReversal(enrollment: EnrollmentYear, amount: Money): EnrollmentYear {
  const paid = enrollment.paid.minus(amount);
  const stillPaidUp = enrollment.contributionExempt || paid.greaterThanOrEqualTo(enrollment.contributionDue);
  return { ...enrollment, paid, benefitStart: stillPaidUp ? enrollment.benefitStart : null };
}

function creditPayment(state: ResidentState, year: number, amount: Money, benefitStart: BusinessDate | null): ResidentState {
  const enrollment = state.years.get(year);
  if (!enrollment) return state;
  return {
    ...state,
    years: withEntry(state.years, year, {
      ...enrollment,
      paid: enrollment.paid.plus(amount),
      benefitStart: enrollment.benefitStart ?? benefitStart,
    }),
  };
}

/** evolve(state, event) → state. Pure: the same events always fold to the same state. */
export function evolveResident(state: ResidentState, event: DomainEvent): ResidentState {
  const next = { ...state, revision: state.revision + 1 };
  switch (event.type) {
    case 'ResidentEnrolled': {
      const e = event.data;
      return {
        ...next,
        birthDate: e.birthDate,
        hukou: e.hukou,
        residenceDistrict: e.residenceDistrict,
        hardship: e.hardship,
        schemes: state.schemes.length ? state.schemes : [{ scheme: 'resident', from: e.enrolledAt }],
        years: withEntry(state.years, e.year, {
          enrollmentId: e.enrollmentId,
          year: e.year,
          category: e.category,
          hardship: e.hardship,
          fundId: e.fundId,
          enrolledAt: e.enrolledAt,
          contributionExempt: e.contributionExempt,
          contributionDue: money(e.contributionDue),
          paid: ZERO,
          benefitStart: e.benefitStart,
        }),
      };
    }
    case 'ContributionPaid': {
      const e = event.data;
      const credited = creditPayment(next, e.year, money(e.amount), e.benefitStart);
      return {
        ...credited,
        receipts: withEntry(state.receipts, e.receiptNo, {
          receiptNo: e.receiptNo,
          year: e.year,
          paidAt: e.paidAt,
          amount: money(e.amount),
          fundId: e.fundId,
          reversed: false,
        }),
      };
    }
    case 'SubsidyGranted': {
      const e = event.data;
      return e.residentId === state.residentId ? creditPayment(next, e.year, money(e.amount), e.benefitStart) : next;
    }
    case 'ContributionReversed': {
      const e = event.data;
      const receipt = state.receipts.get(e.receiptNo);
      const enrollment = next.years.get(e.year);
      return {
        ...next,
        years: enrollment ? withEntry(next.years, e.year, afterReversal(enrollment, money(e.amount))) : next.years,
        receipts: receipt ? withEntry(state.receipts, e.receiptNo, { ...receipt, reversed: true }) : state.receipts,
      };
    }
    case 'SchemeChanged': {
      const e = event.data;
      return { ...next, schemes: [...state.schemes, { scheme: e.to, from: e.effectiveAt, changeId: e.changeId }] };
    }
    case 'ClaimSettled': {
      const e = event.data;
      const acc = state.accumulations.get(e.year) ?? EMPTY_ACCUMULATIONS;
      return {
        ...next,
        claims: withEntry(state.claims, e.claimId, {
          claimId: e.claimId,
          year: e.year,
          fundId: e.fundId,
          careType: e.careType,
          settled: e,
          insurerDecision: null,
          insurerPayment: null,
          reversed: false,
          recovered: ZERO,
        }),
        accumulations: withEntry(state.accumulations, e.year, addClaimToAccumulations(acc, claimAmounts(e), 1)),
        uninsuredAssistanceYears:
          e.assistanceGroup === 'uninsured' && !money(e.assistancePayment).isZero()
            ? new Set([...state.uninsuredAssistanceYears, e.year])
            : state.uninsuredAssistanceYears,
      };
    }
    case 'ClaimReversed': {
      const e = event.data;
      const claim = state.claims.get(e.claimId);
      if (!claim) return next;
      const acc = state.accumulations.get(claim.year) ?? EMPTY_ACCUMULATIONS;
      return {
        ...next,
        claims: withEntry(state.claims, e.claimId, { ...claim, reversed: true }),
        accumulations: withEntry(state.accumulations, claim.year, addClaimToAccumulations(acc, claimAmounts(claim.settled), -1)),
      };
    }
    case 'InsurerDecisionRecorded': {
      const e = event.data;
      const claim = state.claims.get(e.claimId);
      if (!claim) return next;
      return {
        ...next,
        claims: withEntry(state.claims, e.claimId, {
          ...claim,
          insurerDecision: { receivedAt: e.receivedAt, decidedAt: e.decidedAt, covered: e.covered },
        }),
      };
    }
    case 'LookbackAssistanceGranted': {
      // The grant is assistance paid in its natural year: a later claim's one-stop settlement and
      // a later application both meet the annual cap with it already counted.
      const e = event.data;
      const acc = state.accumulations.get(e.year) ?? EMPTY_ACCUMULATIONS;
      return {
        ...next,
        assistanceGrants: [...state.assistanceGrants, e],
        accumulations: withEntry(state.accumulations, e.year, { ...acc, assistancePaid: acc.assistancePaid.plus(money(e.amount)) }),
      };
    }
    case 'InsurerPaymentRecorded': {
      const e = event.data;
      const claim = state.claims.get(e.claimId);
      if (!claim) return next;
      return {
        ...next,
        claims: withEntry(state.claims, e.claimId, { ...claim, insurerPayment: { paidAt: e.paidAt, amount: money(e.amount) } }),
      };
    }
    case 'RecoveryReceived': {
      const e = event.data;
      const claim = e.claimId === null ? undefined : state.claims.get(e.claimId);
      if (!claim) return next;
      return { ...next, claims: withEntry(state.claims, claim.claimId, { ...claim, recovered: claim.recovered.plus(money(e.amount)) }) };
    }
    // The fund's own movements change no resident's state; on a fund stream there is nothing to fold.
    case 'InterestReceived':
    case 'CriticalIllnessPremiumPaid':
    case 'OtherIncomeReceived':
    case 'OtherExpenditurePaid':
    case 'FundTransferred':
      return next;
    case 'PeriodClosed':
    case 'BankBalanceConfirmed':
      return next; // never in a resident's stream
  }
}

/** Claims an earlier look-back application already counted: "directly assisted" once, not once per application. */
export function claimsCountedByGrants(state: ResidentState): Set<string> {
  return new Set(state.assistanceGrants.flatMap((grant) => grant.claimIds));
}

export function foldResident(residentId: string, events: Iterable<DomainEvent>): ResidentState {
  let state = initialResidentState(residentId);
  for (const event of events) state = evolveResident(state, event);
  return state;
}

/**
 * The funds a set of decided events would touch: where money lands or leaves, or, for facts
 * that carry no fund (scheme changes, insurer records), the fund of the resident or claim.
 */
export function fundsTouchedBy(events: readonly DomainEvent[], state: ResidentState): Set<string> {
  const funds = new Set<string>();
  for (const event of events) {
    const data = event.data as { fundId?: string; attributedFundId?: string | null; claimId?: string | null; fromFundId?: string; toFundId?: string };
    if (data.fromFundId || data.toFundId) {
      // A transfer touches both funds: only a token that covers both may record it.
      if (data.fromFundId) funds.add(data.fromFundId);
      if (data.toFundId) funds.add(data.toFundId);
      continue;
    }
    if (data.fundId) funds.add(data.fundId);
    if (data.attributedFundId) funds.add(data.attributedFundId);
    if (!data.fundId && data.claimId) {
      const claim = state.claims.get(data.claimId);
      if (claim) funds.add(claim.fundId);
    }
    if (!data.fundId && !data.claimId) {
      for (const enrollment of state.years.values()) funds.add(enrollment.fundId);
    }
  }
  return funds;
}
