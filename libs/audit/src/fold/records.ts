import type {
  CareType,
  Category,
  FundId,
  Hukou,
  InstitutionFacts,
  Money,
  MoneyText,
  ParentFacts,
  Scheme,
  Settlement,
} from '@ledger/domain';
import type { Position } from '@ledger/event-store';
import { type HardshipCode, isHardshipCode } from '@ledger/policy';
import { money, ZERO } from '@ledger/domain';
import type { BenefitStart } from './coverage';
import type { FenOrMoney } from './fen';
import { type ReadonlyYearMap, YearMap } from './year-map';
import { RESTORED, SEALED_FIELDS, type SealsOwnFields } from '../sealed-state';

/**
 * The auditor's own picture of the history, folded from the events by its own code (not the
 * ledger's evolveResident): what it needs to judge every rule, and nothing the ledger decided
 * for it. Every fact remembers the position of the event it came from, for the evidence.
 */
export interface EnrollmentFact {
  position: Position;
  enrollmentId: string;
  year: number;
  category: Category;
  birthDate: string;
  hukou: Hukou;
  residenceDistrict: string;
  /** Hardship codes the policy knows; unknown codes are ignored for the rules. */
  hardship: HardshipCode[];
  parents: ParentFacts[];
  enrolledAt: string;
  /** The fund the ledger recorded for the year (the auditor recomputes attribution itself). */
  recordedFundId: FundId;
  contributionExempt: boolean;
  /** Money is kept as the event's text (a history holds millions of facts); parsed when a rule needs it. */
  contributionDue: MoneyText;
  recordedBenefitStart: string | null;
}

/** Money that pays a resident's contribution for a year: own payment, hardship aid, or a reversal (negative). */
export interface PaymentFact {
  position: Position;
  kind: 'contribution' | 'hardship-aid' | 'reversal';
  year: number;
  date: string;
  /** Signed: a reversal is negative. */
  amount: MoneyText;
  fundId: FundId;
  recordedBenefitStart: string | null;
}

export interface SchemeFact {
  position: Position;
  to: Scheme;
  effectiveAt: string;
}

/**
 * What the auditor keeps of every claim, for the rules judged at the end of the replay and for the
 * later events that refer to it (insurer decisions, reversals). Compact on purpose: money as text.
 */
export interface ClaimRecord {
  position: Position;
  claimId: string;
  residentId: string;
  year: number;
  fundId: FundId;
  careType: CareType;
  admittedAt: string;
  basicFundPayment: MoneyText;
  criticalIllnessPayment: MoneyText;
  assistancePayment: MoneyText;
  compliantCost: MoneyText;
  /** What the claim added to its year's critical-illness base (null: nothing), to take back on reversal. */
  burdenInScope: MoneyText | null;
  reversed: boolean;
  decision: ClaimDecision | null;
}

export interface ClaimDecision {
  position: Position;
  receivedAt: string;
  decidedAt: string;
  covered: boolean;
}

/** A claim's amounts in whole fen (NaN: not exact within 2^53; read the Decimal then). */
export interface ClaimFen {
  totalCost: number;
  compliantCost: number;
  basicFundPayment: number;
  criticalIllnessPayment: number;
  assistancePayment: number;
}

/**
 * The full claim while its own event is judged. The amounts as Decimals are made when a rule reads
 * them (a finding's message, an inexact amount); the checks that find nothing read `fen`.
 */
export interface ClaimFact {
  fen: ClaimFen;
  position: Position;
  claimId: string;
  residentId: string;
  /** Insurance year: the calendar year of admission (the ledger's rule, kept by the auditor). */
  year: number;
  fundId: FundId;
  careType: CareType;
  institution: InstitutionFacts;
  admittedAt: string;
  dischargedAt: string;
  filedAt: string;
  settlement: Settlement;
  totalCost: Money;
  compliantCost: Money;
  basicFundPayment: Money;
  criticalIllnessPayment: Money;
  assistancePayment: Money;
  paymentsSource: string;
}

/** The claim's money fields: Decimals on a ClaimFact, two-decimal texts on its event. */
type ClaimAmountField = 'totalCost' | 'compliantCost' | 'basicFundPayment' | 'criticalIllnessPayment' | 'assistancePayment';

/** What SettledClaimFact reads of a ClaimSettled event: ClaimFact's own fields, amounts as texts. */
type SettledClaimData = Omit<ClaimFact, ClaimAmountField | 'fen' | 'position' | 'year' | 'paymentsSource'> &
  Record<ClaimAmountField, MoneyText> & { paymentsSource: unknown };

/**
 * A ClaimFact over its event: the Decimal amounts are parsed from the event's texts on first read
 * (as the fold used to parse them all up front: a nil amount is the shared ZERO). Never kept in the
 * auditor's state, only handed to the rules while the claim's own event is judged.
 */
export class SettledClaimFact implements ClaimFact {
  readonly claimId: string;
  readonly residentId: string;
  readonly fundId: FundId;
  readonly careType: CareType;
  readonly institution: InstitutionFacts;
  readonly admittedAt: string;
  readonly dischargedAt: string;
  readonly filedAt: string;
  readonly settlement: Settlement;
  readonly paymentsSource: string;
  private amounts: Money[] | null = null;

  constructor(
    private readonly data: SettledClaimData,
    readonly position: Position,
    readonly year: number,
    readonly fen: ClaimFen,
  ) {
    this.claimId = data.claimId;
    this.residentId = data.residentId;
    this.fundId = data.fundId;
    this.careType = data.careType;
    this.institution = data.institution;
    this.admittedAt = data.admittedAt;
    this.dischargedAt = data.dischargedAt;
    this.filedAt = data.filedAt;
    this.settlement = data.settlement;
    this.paymentsSource = String(data.paymentsSource);
  }

  get totalCost(): Money {
    return this.parsed()[0];
  }

  get compliantCost(): Money {
    return this.parsed()[1];
  }

  get basicFundPayment(): Money {
    return this.parsed()[2];
  }

  get criticalIllnessPayment(): Money {
    return this.parsed()[3];
  }

  get assistancePayment(): Money {
    return this.parsed()[4];
  }

  private parsed(): Money[] {
    const d = this.data;
    return (this.amounts ??= [d.totalCost, d.compliantCost, d.basicFundPayment, d.criticalIllnessPayment, d.assistancePayment].map(amountOfMoneyText));
  }
}

/** Most amounts on claims are nil: one shared zero instead of a Decimal each. */
function amountOfMoneyText(text: string): Money {
  return text === '0.00' ? ZERO : money(text);
}

/** A look-back assistance grant as the auditor keeps it: what a later application must not count again. */
export interface LookbackGrantFact {
  position: Position;
  applicationId: string;
  claimIds: readonly string[];
}

/**
 * What a resident's claims of one insurance year have accumulated, in the order they were settled:
 * whole fen while exact (fen.ts), a Decimal from the first sum that would not be.
 */
export interface YearTotals {
  basicFundPaid: FenOrMoney;
  /** Σ (compliant − basic) of claims in the critical-illness scope while entitled (linkage-2018 §二(三)1). */
  personalBurdenInScope: FenOrMoney;
  criticalIllnessPaid: FenOrMoney;
  assistancePaid: FenOrMoney;
  /** Σ compliant cost of outpatient and chronic-outpatient claims (linkage-2018 §二(二)2 threshold). */
  outpatientCompliant: FenOrMoney;
}

export function emptyYearTotals(): YearTotals {
  return { basicFundPaid: 0, personalBurdenInScope: 0, criticalIllnessPaid: 0, assistancePaid: 0, outpatientCompliant: 0 };
}

export class ResidentRecord implements SealsOwnFields {
  /** Every enrollment event per year, in position order (the ledger allows one; written history may hold more). */
  readonly enrollments = new YearMap<EnrollmentFact[]>();
  readonly payments = new YearMap<PaymentFact[]>();
  private schemeList: SchemeFact[] | null = null;
  readonly totals = new YearMap<YearTotals>();
  /** The resident's claims are a list inside the fold's ClaimTable: its first and last entries (-1: none). */
  firstClaim = -1;
  lastClaim = -1;
  /** Natural years in which assistance was paid under the uninsured rule, with the first claim of each. */
  private uninsuredYears: YearMap<ClaimRecord> | null = null;
  private oneStopClaims: Map<string, ClaimRecord> | null = null;

  /** Look-back grants in position order; absent until the first (few residents ever apply). */
  lookbackGrants?: LookbackGrantFact[];

  /** Benefit starts per year, recomputed only when the year's enrollments or payments change. */
  readonly benefitStarts = new YearMap<BenefitStart[]>();

  constructor(readonly residentId: string) {}

  /**
   * Sealed (sealed-state.ts) without the benefit starts: a cache of what the enrollments and
   * payments give (coverage.ts startsOf), made again when asked. It was five objects a resident
   * and year (list, start, Decimal and its digits, the YearMap) that every resume decoded.
   */
  [SEALED_FIELDS](): Record<string, unknown> {
    // Null in its place, not left out: a restored record then has a fresh record's field order (one hidden class for the fold).
    return { ...(this as unknown as Record<string, unknown>), benefitStarts: null };
  }

  [RESTORED](): void {
    (this as { benefitStarts: YearMap<BenefitStart[]> }).benefitStarts = new YearMap();
  }

  /** Natural years in which assistance was paid under the uninsured rule (rare: made on the first). */
  get uninsuredAssistanceYears(): ReadonlyYearMap<ClaimRecord> {
    return this.uninsuredYears ?? NO_YEARS;
  }

  rememberUninsuredAssistance(year: number, firstClaim: ClaimRecord): void {
    (this.uninsuredYears ??= new YearMap()).set(year, firstClaim);
  }

  /** Claims assisted at one-stop settlement under a one-stop group (linkage-2018 §二(二)3): their one channel is used. */
  get assistedOneStop(): ReadonlyMap<string, ClaimRecord> {
    return this.oneStopClaims ?? NO_CLAIMS;
  }

  rememberOneStopAssistance(claim: ClaimRecord): void {
    (this.oneStopClaims ??= new Map()).set(claim.claimId, claim);
  }

  /** Scheme changes in position order (few residents have any: the list is made on the first). */
  get schemes(): readonly SchemeFact[] {
    return this.schemeList ?? NO_SCHEMES;
  }

  addScheme(change: SchemeFact): void {
    if (this.schemeList === null) this.schemeList = [change];
    else this.schemeList.push(change);
  }

  enrollmentsOf(year: number): readonly EnrollmentFact[] {
    return this.enrollments.get(year) ?? [];
  }

  /** The latest enrollment recorded for the year (the one the ledger itself would act on). */
  latestEnrollment(year: number): EnrollmentFact | undefined {
    const list = this.enrollments.get(year);
    return list ? list[list.length - 1] : undefined;
  }

  /** The latest enrollment of any year, for facts that do not depend on the year. */
  latestOfAnyYear(): EnrollmentFact | undefined {
    let latest: EnrollmentFact | undefined;
    for (const list of this.enrollments.values()) {
      const last = list[list.length - 1];
      if (!latest || last.position > latest.position) latest = last;
    }
    return latest;
  }

  paymentsOf(year: number): readonly PaymentFact[] {
    return this.payments.get(year) ?? [];
  }

  totalsOf(year: number): YearTotals {
    let totals = this.totals.get(year);
    if (!totals) this.totals.set(year, (totals = emptyYearTotals()));
    return totals;
  }

  /** The hardship groups that apply to care in `year`: that year's enrollment, else the latest one. */
  hardshipFor(year: number): HardshipCode[] {
    return (this.latestEnrollment(year) ?? this.latestOfAnyYear())?.hardship ?? [];
  }

  /** The scheme on a date by effective date (the resident scheme unless a change says otherwise). */
  schemeOn(date: string): { scheme: Scheme; change: SchemeFact | null } {
    let current: { scheme: Scheme; change: SchemeFact | null } = { scheme: 'resident', change: null };
    const ordered = [...this.schemes].sort((a, b) =>
      a.effectiveAt < b.effectiveAt ? -1 : a.effectiveAt > b.effectiveAt ? 1 : a.position < b.position ? -1 : 1,
    );
    for (const change of ordered) if (change.effectiveAt <= date) current = { scheme: change.to, change };
    return current;
  }
}

const NO_SCHEMES: readonly SchemeFact[] = Object.freeze([]);
const NO_YEARS: ReadonlyYearMap<never> = new YearMap<never>();
const NO_CLAIMS: ReadonlyMap<string, ClaimRecord> = new Map();
/** Most residents have no hardship code and no parents listed: one shared empty list, not one each. */
const NO_CODES = Object.freeze([]) as unknown as HardshipCode[];
export const NO_PARENTS = Object.freeze([]) as unknown as ParentFacts[];

/** The records' shared constants by name: a sealed state (auditor-seal.ts) refers to them, never copies them. */
export const SHARED_RECORD_CONSTANTS: ReadonlyMap<string, object> = new Map<string, object>([
  ['records.NO_SCHEMES', NO_SCHEMES],
  ['records.NO_YEARS', NO_YEARS],
  ['records.NO_CLAIMS', NO_CLAIMS],
  ['records.NO_CODES', NO_CODES],
  ['records.NO_PARENTS', NO_PARENTS],
]);

export function knownHardshipCodes(codes: readonly unknown[]): HardshipCode[] {
  if (codes.length === 0) return NO_CODES;
  return [...new Set(codes.filter(isHardshipCode))].sort();
}
