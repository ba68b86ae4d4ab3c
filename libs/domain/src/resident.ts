import type { FenAccumulations } from '@ledger/policy';
import type { BusinessDate } from './dates';
import type { CareType, Category, DomainEvent, LookbackAssistanceGrantedV1, Scheme } from './events';
import type { FundId, Hukou } from './funds';
import { KeyedRecords } from './keyed-records';
import { addFen, type Fen, fenOfText } from './money';

/**
 * What the ledger knows of one resident: the fold of the resident's stream, reduced to what
 * decide() and the resident view read. Amounts are whole fen (money.ts `Fen`), not Decimals, and a
 * claim keeps its amounts and dates, not its whole event: the importer keeps every resident's state
 * in memory and folds one per decided event, so its size and its garbage are the import's.
 * States are never mutated once built: evolve returns a new one sharing what did not change.
 */
export interface ResidentState {
  residentId: string;
  /** Revision of the last event folded in; -1 before the first. */
  revision: number;
  birthDate: BusinessDate | null;
  hukou: Hukou | null;
  residenceDistrict: string | null;
  hardship: readonly string[];
  years: EnrollmentYears;
  /** Scheme periods in order; the resident scheme from the first enrollment unless changed. */
  schemes: readonly SchemePeriod[];
  claims: ClaimRecords;
  receipts: ReceiptRecords;
  accumulations: YearAccumulationsByYear;
  /** Natural years in which assistance was paid as uninsured / not entitled to basic benefits, in order of first use. */
  uninsuredAssistanceYears: readonly number[];
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
  contributionDueFen: Fen;
  /** Contributions and hardship aid of the year, less reversals. */
  paidFen: Fen;
  benefitStart: BusinessDate | null;
}

export interface SchemePeriod {
  scheme: Scheme;
  from: BusinessDate;
  /** The scheme change that began the period; none for the resident scheme of the first enrollment. */
  changeId?: string;
}

/** A settled claim as decisions and the resident view read it (the event itself stays in the store). */
export interface ClaimRecord {
  claimId: string;
  year: number;
  fundId: FundId;
  careType: CareType;
  admittedAt: BusinessDate;
  dischargedAt: BusinessDate;
  /** The medical-assistance group the settlement applied (null: none). */
  assistanceGroup: string | null;
  compliantCostFen: Fen;
  basicFundPaymentFen: Fen;
  criticalIllnessPaymentFen: Fen;
  assistancePaymentFen: Fen;
  personalPaymentFen: Fen;
  burdenInScopeFen: Fen;
  insurerDecision: { receivedAt: BusinessDate; decidedAt: BusinessDate; covered: boolean } | null;
  insurerPayment: { paidAt: BusinessDate; amountFen: Fen } | null;
  reversed: boolean;
  /** Basic fund payment recovered so far (条例 art. 45); never more than was paid. */
  recoveredFen: Fen;
}

export interface ReceiptRecord {
  receiptNo: string;
  year: number;
  /** The contribution's business date: nothing can reverse it with an earlier one. */
  paidAt: BusinessDate;
  amountFen: Fen;
  fundId: FundId;
  reversed: boolean;
}

/**
 * Year-to-date sums the one-stop settlement needs (insurance year = calendar year of admission), in
 * whole fen: the policy's accumulations plus the compliant cost, shown on the resident view.
 */
export interface Accumulations extends FenAccumulations {
  year: number;
  compliantCost: Fen;
}

export function emptyAccumulationsOf(year: number): Accumulations {
  return { year, compliantCost: 0, basicFundPaid: 0, personalBurdenInScope: 0, criticalIllnessPaid: 0, assistancePaid: 0, outpatientCompliant: 0 };
}

/** Enrollments by year. */
export class EnrollmentYears extends KeyedRecords<number, EnrollmentYear> {
  static readonly EMPTY = new EnrollmentYears([]);
  protected keyOf(record: EnrollmentYear): number {
    return record.year;
  }
  protected derive(records: readonly EnrollmentYear[], index: Map<number, number> | undefined): this {
    return new EnrollmentYears(records, index) as this;
  }
}

/** Settled claims by claim id, in the order they were settled. */
export class ClaimRecords extends KeyedRecords<string, ClaimRecord> {
  static readonly EMPTY = new ClaimRecords([]);
  protected keyOf(record: ClaimRecord): string {
    return record.claimId;
  }
  protected derive(records: readonly ClaimRecord[], index: Map<string, number> | undefined): this {
    return new ClaimRecords(records, index) as this;
  }
}

/** Contributions by receipt number. */
export class ReceiptRecords extends KeyedRecords<string, ReceiptRecord> {
  static readonly EMPTY = new ReceiptRecords([]);
  protected keyOf(record: ReceiptRecord): string {
    return record.receiptNo;
  }
  protected derive(records: readonly ReceiptRecord[], index: Map<string, number> | undefined): this {
    return new ReceiptRecords(records, index) as this;
  }
}

/** Year-to-date sums by insurance year. */
export class YearAccumulationsByYear extends KeyedRecords<number, Accumulations> {
  static readonly EMPTY = new YearAccumulationsByYear([]);
  protected keyOf(record: Accumulations): number {
    return record.year;
  }
  protected derive(records: readonly Accumulations[], index: Map<number, number> | undefined): this {
    return new YearAccumulationsByYear(records, index) as this;
  }
}

const NO_STRINGS: readonly string[] = Object.freeze([]);
const NO_YEARS: readonly number[] = Object.freeze([]);
const NO_SCHEMES: readonly SchemePeriod[] = Object.freeze([]);
const NO_GRANTS: readonly LookbackAssistanceGrantedV1[] = Object.freeze([]);

export function initialResidentState(residentId: string): ResidentState {
  return {
    residentId,
    revision: -1,
    birthDate: null,
    hukou: null,
    residenceDistrict: null,
    hardship: NO_STRINGS,
    years: EnrollmentYears.EMPTY,
    schemes: NO_SCHEMES,
    claims: ClaimRecords.EMPTY,
    receipts: ReceiptRecords.EMPTY,
    accumulations: YearAccumulationsByYear.EMPTY,
    uninsuredAssistanceYears: NO_YEARS,
    assistanceGrants: NO_GRANTS,
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

/** A claim's amounts added to (sign 1) or taken back from (sign -1) its year's sums. */
function addClaimToAccumulations(acc: Accumulations, claim: ClaimRecord, sign: 1 | -1): Accumulations {
  return {
    year: acc.year,
    compliantCost: addFen(acc.compliantCost, sign * claim.compliantCostFen),
    basicFundPaid: addFen(acc.basicFundPaid, sign * claim.basicFundPaymentFen),
    personalBurdenInScope: addFen(acc.personalBurdenInScope, sign * claim.burdenInScopeFen),
    criticalIllnessPaid: addFen(acc.criticalIllnessPaid, sign * claim.criticalIllnessPaymentFen),
    assistancePaid: addFen(acc.assistancePaid, sign * claim.assistancePaymentFen),
    outpatientCompliant: claim.careType === 'inpatient' ? acc.outpatientCompliant : addFen(acc.outpatientCompliant, sign * claim.compliantCostFen),
  };
}

function accumulationsOf(state: ResidentState, year: number): Accumulations {
  return state.accumulations.get(year) ?? emptyAccumulationsOf(year);
}

/** A reversal that leaves the year short of what is due also takes back its benefit start. */
function afterReversal(enrollment: EnrollmentYear, amountFen: Fen): EnrollmentYear {
  const paidFen = addFen(enrollment.paidFen, -amountFen);
  const stillPaidUp = enrollment.contributionExempt || paidFen >= enrollment.contributionDueFen;
  return { ...enrollment, paidFen, benefitStart: stillPaidUp ? enrollment.benefitStart : null };
}

function creditPayment(years: EnrollmentYears, year: number, amountFen: Fen, benefitStart: BusinessDate | null): EnrollmentYears {
  const enrollment = years.get(year);
  if (!enrollment) return years;
  return years.with({ ...enrollment, paidFen: addFen(enrollment.paidFen, amountFen), benefitStart: enrollment.benefitStart ?? benefitStart });
}

/** The state after an event, with `changes`: one copy of the state per event. */
function advanced(state: ResidentState, changes: Partial<ResidentState>): ResidentState {
  return { ...state, ...changes, revision: state.revision + 1 };
}

/** evolve(state, event) → state. Pure: the same events always fold to the same state. */
export function evolveResident(state: ResidentState, event: DomainEvent): ResidentState {
  switch (event.type) {
    case 'ResidentEnrolled': {
      const e = event.data;
      return advanced(state, {
        birthDate: e.birthDate,
        hukou: e.hukou,
        residenceDistrict: e.residenceDistrict,
        hardship: e.hardship,
        schemes: state.schemes.length ? state.schemes : [{ scheme: 'resident', from: e.enrolledAt }],
        years: state.years.with({
          enrollmentId: e.enrollmentId,
          year: e.year,
          category: e.category,
          hardship: e.hardship,
          fundId: e.fundId,
          enrolledAt: e.enrolledAt,
          contributionExempt: e.contributionExempt,
          contributionDueFen: fenOfText(e.contributionDue),
          paidFen: 0,
          benefitStart: e.benefitStart,
        }),
      });
    }
    case 'ContributionPaid': {
      const e = event.data;
      const amountFen = fenOfText(e.amount);
      return advanced(state, {
        years: creditPayment(state.years, e.year, amountFen, e.benefitStart),
        receipts: state.receipts.with({ receiptNo: e.receiptNo, year: e.year, paidAt: e.paidAt, amountFen, fundId: e.fundId, reversed: false }),
      });
    }
    case 'SubsidyGranted': {
      const e = event.data;
      if (e.residentId !== state.residentId) return advanced(state, {});
      return advanced(state, { years: creditPayment(state.years, e.year, fenOfText(e.amount), e.benefitStart) });
    }
    case 'ContributionReversed': {
      const e = event.data;
      const receipt = state.receipts.get(e.receiptNo);
      const enrollment = state.years.get(e.year);
      return advanced(state, {
        years: enrollment ? state.years.with(afterReversal(enrollment, fenOfText(e.amount))) : state.years,
        receipts: receipt ? state.receipts.with({ ...receipt, reversed: true }) : state.receipts,
      });
    }
    case 'SchemeChanged': {
      const e = event.data;
      return advanced(state, { schemes: [...state.schemes, { scheme: e.to, from: e.effectiveAt, changeId: e.changeId }] });
    }
    case 'ClaimSettled': {
      const e = event.data;
      const claim: ClaimRecord = {
        claimId: e.claimId,
        year: e.year,
        fundId: e.fundId,
        careType: e.careType,
        admittedAt: e.admittedAt,
        dischargedAt: e.dischargedAt,
        assistanceGroup: e.assistanceGroup,
        compliantCostFen: fenOfText(e.compliantCost),
        basicFundPaymentFen: fenOfText(e.basicFundPayment),
        criticalIllnessPaymentFen: fenOfText(e.criticalIllnessPayment),
        assistancePaymentFen: fenOfText(e.assistancePayment),
        personalPaymentFen: fenOfText(e.personalPayment),
        burdenInScopeFen: fenOfText(e.burdenInScope),
        insurerDecision: null,
        insurerPayment: null,
        reversed: false,
        recoveredFen: 0,
      };
      const usesUninsuredYear =
        e.assistanceGroup === 'uninsured' && claim.assistancePaymentFen !== 0 && !state.uninsuredAssistanceYears.includes(e.year);
      return advanced(state, {
        claims: state.claims.with(claim),
        accumulations: state.accumulations.with(addClaimToAccumulations(accumulationsOf(state, e.year), claim, 1)),
        uninsuredAssistanceYears: usesUninsuredYear ? [...state.uninsuredAssistanceYears, e.year] : state.uninsuredAssistanceYears,
      });
    }
    case 'ClaimReversed': {
      const e = event.data;
      const claim = state.claims.get(e.claimId);
      if (!claim) return advanced(state, {});
      return advanced(state, {
        claims: state.claims.with({ ...claim, reversed: true }),
        accumulations: state.accumulations.with(addClaimToAccumulations(accumulationsOf(state, claim.year), claim, -1)),
      });
    }
    case 'InsurerDecisionRecorded': {
      const e = event.data;
      const claim = state.claims.get(e.claimId);
      if (!claim) return advanced(state, {});
      return advanced(state, {
        claims: state.claims.with({ ...claim, insurerDecision: { receivedAt: e.receivedAt, decidedAt: e.decidedAt, covered: e.covered } }),
      });
    }
    case 'LookbackAssistanceGranted': {
      // The grant is assistance paid in its natural year: a later claim's one-stop settlement and
      // a later application both meet the annual cap with it already counted.
      const e = event.data;
      const acc = accumulationsOf(state, e.year);
      return advanced(state, {
        assistanceGrants: [...state.assistanceGrants, e],
        accumulations: state.accumulations.with({ ...acc, assistancePaid: addFen(acc.assistancePaid, fenOfText(e.amount)) }),
      });
    }
    case 'InsurerPaymentRecorded': {
      const e = event.data;
      const claim = state.claims.get(e.claimId);
      if (!claim) return advanced(state, {});
      return advanced(state, { claims: state.claims.with({ ...claim, insurerPayment: { paidAt: e.paidAt, amountFen: fenOfText(e.amount) } }) });
    }
    case 'RecoveryReceived': {
      const e = event.data;
      const claim = e.claimId === null ? undefined : state.claims.get(e.claimId);
      if (!claim) return advanced(state, {});
      return advanced(state, { claims: state.claims.with({ ...claim, recoveredFen: addFen(claim.recoveredFen, fenOfText(e.amount)) }) });
    }
    // The fund's own movements change no resident's state; on a fund stream there is nothing to fold.
    case 'InterestReceived':
    case 'CriticalIllnessPremiumPaid':
    case 'OtherIncomeReceived':
    case 'OtherExpenditurePaid':
    case 'FundTransferred':
      return advanced(state, {});
    case 'PeriodClosed':
    case 'BankBalanceConfirmed':
      return advanced(state, {}); // never in a resident's stream
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
