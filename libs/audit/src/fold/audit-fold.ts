import {
  type ClaimReversedV1,
  type ClaimSettledV1,
  type ContributionPaidV1,
  type ContributionReversedV1,
  type DomainEvent,
  type FundId,
  type InsurerDecisionRecordedV1,
  type InsurerPaymentRecordedV1,
  type LookbackAssistanceGrantedV1,
  type BankBalanceConfirmedV1,
  type PeriodClosedV1,
  money,
  type Money,
  type ResidentEnrolledV1,
  type SchemeChangedV1,
  type SubsidyGrantedV1,
  yearOf,
  fenOfTextOrNaN,
} from '@ledger/domain';
import type { Position } from '@ledger/event-store';
import { fenToText, type Policy } from '@ledger/policy';
import { ClaimTable } from './claim-table';
import { amountOfText, type FenOrMoney, isPositiveAmount, isZeroAmount, minusAmount, moneyOf, plusAmount } from './fen';
import { ClosesFold, type HistoryPoint } from './closes';
import { entitledOn } from './coverage';
import { intern } from './event-shapes';
import { FundBooks } from './fund-books';
import {
  type ClaimFact,
  type ClaimFen,
  SettledClaimFact,
  type ClaimRecord,
  type EnrollmentFact,
  knownHardshipCodes,
  type LookbackGrantFact,
  NO_PARENTS,
  type PaymentFact,
  ResidentRecord,
  type YearTotals,
} from './records';

function negatedAmount(amount: FenOrMoney): FenOrMoney {
  return typeof amount === 'number' ? -amount : amount.negated();
}

/** The fen when exact, else the text's Decimal. */
function exactOr(fen: number, text: string): FenOrMoney {
  return Number.isNaN(fen) ? money(text) : fen;
}

/** A business date kept in the state, interned (event-shapes.ts intern); null for none. */
function internedOrNull(date: string | null | undefined): string | null {
  return date === null || date === undefined ? null : intern(date);
}

/** A decoded, shape-checked event the auditor folds. */
export type AuditedEvent = DomainEvent & { position: Position; eventId: string; stream: string };

type EventData<T extends DomainEvent['type']> = Extract<DomainEvent, { type: T }>['data'];

export type FundMovementType =
  | 'InterestReceived'
  | 'CriticalIllnessPremiumPaid'
  | 'RecoveryReceived'
  | 'OtherIncomeReceived'
  | 'OtherExpenditurePaid'
  | 'FundTransferred';

/** What folding one event produced, handed to the inspections that judge it. */
export type Folded =
  | { [T in FundMovementType]: { type: T; position: Position; data: EventData<T> } }[FundMovementType]
  | { type: 'ResidentEnrolled'; position: Position; data: ResidentEnrolledV1; resident: ResidentRecord; enrollment: EnrollmentFact }
  | { type: 'ContributionPaid'; position: Position; data: ContributionPaidV1; resident: ResidentRecord; payment: PaymentFact }
  | { type: 'SubsidyGranted'; position: Position; data: SubsidyGrantedV1; resident: ResidentRecord | null; payment: PaymentFact | null }
  | { type: 'SchemeChanged'; position: Position; data: SchemeChangedV1; resident: ResidentRecord }
  | {
      type: 'ClaimSettled';
      position: Position;
      data: ClaimSettledV1;
      resident: ResidentRecord;
      claim: ClaimFact;
      record: ClaimRecord;
      /** The year's accumulations before this claim: the one-stop settlement works visit by visit (按次结算). */
      totalsBefore: YearTotals;
      /** Entitled to basic benefits on admission by the auditor's own reckoning of the facts so far. */
      entitledByFacts: boolean;
      /** Entitled as the claim should be judged: by the facts, or because the basic fund did pay. */
      entitled: boolean;
      inCriticalIllnessScope: boolean;
    }
  | { type: 'InsurerDecisionRecorded'; position: Position; data: InsurerDecisionRecordedV1; claim: ClaimRecord | undefined }
  | { type: 'InsurerPaymentRecorded'; position: Position; data: InsurerPaymentRecordedV1; claim: ClaimRecord | undefined }
  | { type: 'ContributionReversed'; position: Position; data: ContributionReversedV1; resident: ResidentRecord; original: PaymentFact | undefined }
  | { type: 'ClaimReversed'; position: Position; data: ClaimReversedV1; claim: ClaimRecord | undefined }
  | {
      type: 'LookbackAssistanceGranted';
      position: Position;
      data: LookbackAssistanceGrantedV1;
      resident: ResidentRecord;
      grant: LookbackGrantFact;
      /** Grants folded before this one: the claims they counted are spent. */
      earlierGrants: readonly LookbackGrantFact[];
      /** The natural year's assistance before this grant. */
      assistancePaidBefore: Money;
      /** The resident's own claims the grant names, by id (the first of the resident's with the id); absent ids are not the resident's. */
      namedClaims: ReadonlyMap<string, ClaimRecord>;
    }
  | {
      type: 'PeriodClosed';
      position: Position;
      data: PeriodClosedV1;
      /** The history read before the close, as the auditor digests it. */
      historyBefore: HistoryPoint | null;
      /** The close already in force when this one was recorded, if any. */
      sealedBefore: ClosesFold['latest'];
    }
  | { type: 'BankBalanceConfirmed'; position: Position; data: BankBalanceConfirmedV1 };

/**
 * The auditor's fold of the whole history: residents, claims and the funds' books. Written apart
 * from the ledger's evolveResident and the projections on purpose — an auditor that shares the
 * ledger's code shares its mistakes.
 */
export class AuditFold {
  readonly residents = new Map<string, ResidentRecord>();
  readonly claims = new ClaimTable();
  /** Contributions by receipt number, for the reversals that name them. */
  readonly receipts = new Map<string, PaymentFact>();
  readonly books = new FundBooks();
  /** The books restricted to events at or before `booksCheckpoint` (a stale live projection's point). */
  readonly booksAtCheckpoint: FundBooks | null;
  /** The closes and bank confirmations, and the digest of every event read (Auditor.replay feeds it). */
  readonly closes: ClosesFold;
  /** The event being applied (its business date and key are what every Folded shares). */
  current: AuditedEvent | null = null;

  constructor(
    private readonly policy: Policy,
    private booksCheckpoint: Position | null | undefined,
    /** Every running digest kept in plain data, so the fold can be sealed (sealed-state.ts). */
    sealable = false,
  ) {
    this.booksAtCheckpoint = booksCheckpoint === undefined ? null : new FundBooks();
    this.closes = new ClosesFold(sealable);
  }

  /**
   * A fold restored from a sealed state (auditor-seal.ts) keeps its books at the resuming audit's
   * live-projection point: `booksThere` are the books as they stood there (a copy of the sealed
   * books when that point is at or after the sealed position), null when there is no point.
   */
  keepBooksAt(checkpoint: Position | null | undefined, booksThere: FundBooks | null): void {
    this.booksCheckpoint = checkpoint;
    (this as { booksAtCheckpoint: FundBooks | null }).booksAtCheckpoint = booksThere;
  }

  resident(residentId: string): ResidentRecord {
    let record = this.residents.get(residentId);
    if (!record) this.residents.set(residentId, (record = new ResidentRecord(residentId)));
    return record;
  }

  private post(fundId: FundId, date: string, category: Parameters<FundBooks['post']>[2], amount: FenOrMoney, position: Position): void {
    if (isZeroAmount(amount)) return; // moves nothing (a claim the basic fund paid nothing on)
    this.books.post(fundId, date, category, amount, position);
    if (this.booksAtCheckpoint && this.booksCheckpoint !== null && this.booksCheckpoint !== undefined && position <= this.booksCheckpoint) {
      this.booksAtCheckpoint.post(fundId, date, category, amount, position);
    }
  }

  apply(event: AuditedEvent): Folded {
    const position = event.position;
    this.current = event;
    switch (event.type) {
      case 'ResidentEnrolled':
        return this.enrolled(event.data, position);
      case 'ContributionPaid': {
        const e = event.data;
        const resident = this.resident(e.residentId);
        const payment: PaymentFact = {
          position,
          kind: 'contribution',
          year: e.year,
          date: intern(e.paidAt),
          amount: intern(e.amount),
          fundId: intern(e.fundId),
          recordedBenefitStart: internedOrNull(e.benefitStart),
        };
        this.addPayment(resident, payment);
        this.receipts.set(e.receiptNo, payment);
        this.post(e.fundId, e.paidAt, 'income:contributions', amountOfText(e.amount), position);
        return { type: 'ContributionPaid', position, data: e, resident, payment };
      }
      case 'SubsidyGranted': {
        const e = event.data;
        // 财政补贴收入 by level, hardship contribution aid on its own line (资助参保).
        const hardship = e.purpose === 'hardship-contribution';
        this.post(e.fundId, e.grantedAt, hardship ? `income:hardship-aid:${e.level}` : `income:subsidies:${e.level}`, amountOfText(e.amount), position);
        if (e.purpose !== 'hardship-contribution' || !e.residentId) {
          return { type: 'SubsidyGranted', position, data: e, resident: null, payment: null };
        }
        const resident = this.resident(e.residentId);
        const payment: PaymentFact = {
          position,
          kind: 'hardship-aid',
          year: e.year,
          date: intern(e.grantedAt),
          amount: intern(e.amount),
          fundId: intern(e.fundId),
          recordedBenefitStart: internedOrNull(e.benefitStart),
        };
        this.addPayment(resident, payment);
        return { type: 'SubsidyGranted', position, data: e, resident, payment };
      }
      case 'ContributionReversed': {
        const e = event.data;
        const resident = this.resident(e.residentId);
        const original = this.receipts.get(e.receiptNo);
        this.addPayment(resident, {
          position,
          kind: 'reversal',
          year: e.year,
          date: e.reversedAt,
          amount: money(e.amount).negated().toFixed(2),
          fundId: e.fundId,
          recordedBenefitStart: null,
        });
        this.post(e.fundId, e.reversedAt, 'income:contributions', negatedAmount(amountOfText(e.amount)), position);
        return { type: 'ContributionReversed', position, data: e, resident, original };
      }
      case 'SchemeChanged': {
        const e = event.data;
        const resident = this.resident(e.residentId);
        resident.addScheme({ position, to: e.to, effectiveAt: e.effectiveAt });
        return { type: 'SchemeChanged', position, data: e, resident };
      }
      case 'ClaimSettled':
        return this.claimSettled(event.data, position);
      case 'InsurerDecisionRecorded': {
        const e = event.data;
        const index = this.claims.find(e.claimId);
        if (index !== undefined && !this.claims.decisionOf(index)) this.claims.decide(index, { position, receivedAt: e.receivedAt, decidedAt: e.decidedAt, covered: e.covered });
        return { type: 'InsurerDecisionRecorded', position, data: e, claim: this.recordOf(index) };
      }
      case 'InsurerPaymentRecorded': {
        const e = event.data;
        const index = this.claims.find(e.claimId);
        if (index !== undefined) this.claims.markInsurerPaid(index);
        return { type: 'InsurerPaymentRecorded', position, data: e, claim: this.recordOf(index) };
      }
      case 'ClaimReversed': {
        const e = event.data;
        const claims = this.claims;
        const index = claims.find(e.claimId);
        this.post(e.fundId, e.reversedAt, `outflow:claims:${e.careType}`, negatedAmount(amountOfText(e.basicFundPayment)), position);
        if (index !== undefined && !claims.isReversed(index)) {
          claims.markReversed(index);
          const totals = claims.residentOf(index).totalsOf(claims.yearOf(index));
          totals.basicFundPaid = minusAmount(totals.basicFundPaid, amountOfText(claims.basicFundPayment(index)));
          totals.criticalIllnessPaid = minusAmount(totals.criticalIllnessPaid, amountOfText(claims.criticalIllnessPayment(index)));
          totals.assistancePaid = minusAmount(totals.assistancePaid, amountOfText(claims.assistancePayment(index)));
          if (claims.careTypeOf(index) !== 'inpatient') totals.outpatientCompliant = minusAmount(totals.outpatientCompliant, amountOfText(claims.compliantCost(index)));
          const burden = claims.burdenInScope(index);
          if (burden !== null) totals.personalBurdenInScope = minusAmount(totals.personalBurdenInScope, amountOfText(burden));
        }
        return { type: 'ClaimReversed', position, data: e, claim: this.recordOf(index) };
      }
      case 'LookbackAssistanceGranted':
        return this.lookbackGranted(event.data, position);
      case 'InterestReceived':
      case 'CriticalIllnessPremiumPaid':
      case 'RecoveryReceived':
      case 'OtherIncomeReceived':
      case 'OtherExpenditurePaid':
      case 'FundTransferred':
        this.fundMovement(event, position);
        return { type: event.type, position, data: event.data } as Folded;
      case 'PeriodClosed': {
        const sealedBefore = this.closes.latest;
        this.closes.closed(event.data.year, event.data.closedAt, position);
        return { type: 'PeriodClosed', position, data: event.data, historyBefore: this.closes.historyBeforeClose(), sealedBefore };
      }
      case 'BankBalanceConfirmed':
        this.closes.bankConfirmations.push({ data: event.data, position });
        return { type: 'BankBalanceConfirmed', position, data: event.data };
    }
  }

  /**
   * The fund's own movements, by the auditor's reading of SPEC.md "The fund's books": interest,
   * recoveries and other income come in; the critical-illness premium (the insurer's claim
   * payments are then never the fund's outflow as well) and other expenditure go out; a transfer
   * leaves one fund and reaches the other.
   */
  private fundMovement(event: Extract<AuditedEvent, { type: FundMovementType }>, position: Position): void {
    switch (event.type) {
      case 'InterestReceived':
        return this.post(event.data.fundId, event.data.occurredAt, 'income:interest', amountOfText(event.data.amount), position);
      case 'CriticalIllnessPremiumPaid':
        return this.post(event.data.fundId, event.data.occurredAt, 'outflow:critical-illness-premium', amountOfText(event.data.amount), position);
      case 'RecoveryReceived':
        return this.post(event.data.fundId, event.data.occurredAt, 'income:recoveries', amountOfText(event.data.amount), position);
      case 'OtherIncomeReceived':
        return this.post(event.data.fundId, event.data.occurredAt, 'income:other', amountOfText(event.data.amount), position);
      case 'OtherExpenditurePaid':
        return this.post(event.data.fundId, event.data.occurredAt, 'outflow:other', amountOfText(event.data.amount), position);
      case 'FundTransferred': {
        const e = event.data;
        this.post(e.fromFundId, e.occurredAt, 'outflow:transfers', amountOfText(e.amount), position);
        this.post(e.toFundId, e.occurredAt, 'income:transfers', amountOfText(e.amount), position);
        return;
      }
    }
  }

  /** No posting: assistance is not the resident fund's outflow. It counts toward its natural year's assistance. */
  private lookbackGranted(e: EventData<'LookbackAssistanceGranted'>, position: Position): Folded {
    const resident = this.resident(e.residentId);
    const year = yearOf(e.appliedAt);
    const totals = resident.totalsOf(year);
    const assistancePaidBefore = moneyOf(totals.assistancePaid);
    totals.assistancePaid = plusAmount(totals.assistancePaid, amountOfText(e.amount));
    const earlierGrants = resident.lookbackGrants ?? [];
    const grant: LookbackGrantFact = { position, applicationId: e.applicationId, claimIds: e.claimIds };
    resident.lookbackGrants = [...earlierGrants, grant];
    const named = new Set(e.claimIds);
    const namedClaims = new Map<string, ClaimRecord>();
    for (const index of this.claims.of(resident)) {
      const claimId = this.claims.claimIdOf(index);
      if (named.has(claimId) && !namedClaims.has(claimId)) namedClaims.set(claimId, this.claims.record(index));
    }
    return { type: 'LookbackAssistanceGranted', position, data: e, resident, grant, earlierGrants, assistancePaidBefore, namedClaims };
  }

  private recordOf(index: number | undefined): ClaimRecord | undefined {
    return index === undefined ? undefined : this.claims.record(index);
  }

  private addPayment(resident: ResidentRecord, payment: PaymentFact): void {
    resident.benefitStarts.delete(payment.year);
    const list = resident.payments.get(payment.year);
    if (list) list.push(payment);
    else resident.payments.set(payment.year, [payment]);
  }

  private enrolled(e: EventData<'ResidentEnrolled'>, position: Position): Folded {
    const resident = this.resident(e.residentId);
    const enrollment: EnrollmentFact = {
      position,
      enrollmentId: e.enrollmentId,
      year: e.year,
      category: intern(e.category),
      // Interned: a million residents' facts otherwise keep a million copies of a few thousand
      // dates and 16 districts. (Texts only: an object shared between residents would be one
      // object in a sealed state where a resumed audit's restored state has two.)
      birthDate: intern(e.birthDate),
      hukou: e.hukou,
      residenceDistrict: intern(e.residenceDistrict),
      hardship: knownHardshipCodes(e.hardship),
      parents: Array.isArray(e.parents) && e.parents.length > 0 ? e.parents : NO_PARENTS,
      enrolledAt: intern(e.enrolledAt),
      recordedFundId: intern(e.fundId),
      contributionExempt: e.contributionExempt,
      contributionDue: intern(e.contributionDue),
      recordedBenefitStart: internedOrNull(e.benefitStart),
    };
    resident.benefitStarts.delete(e.year);
    const list = resident.enrollments.get(e.year);
    if (list) list.push(enrollment);
    else resident.enrollments.set(e.year, [enrollment]);
    return { type: 'ResidentEnrolled', position, data: e, resident, enrollment };
  }

  private claimSettled(e: EventData<'ClaimSettled'>, position: Position): Folded {
    const resident = this.resident(e.residentId);
    // The insurance year is the calendar year of admission, whatever the event says.
    const year = yearOf(e.admittedAt);
    const fen: ClaimFen = {
      totalCost: fenOfTextOrNaN(e.totalCost),
      compliantCost: fenOfTextOrNaN(e.compliantCost),
      basicFundPayment: fenOfTextOrNaN(e.basicFundPayment),
      criticalIllnessPayment: fenOfTextOrNaN(e.criticalIllnessPayment),
      assistancePayment: fenOfTextOrNaN(e.assistancePayment),
    };
    const claim: ClaimFact = new SettledClaimFact(e, position, year, fen);
    const index = this.claims.add(resident, {
      position,
      claimId: e.claimId,
      year,
      fundId: intern(e.fundId),
      careType: intern(e.careType),
      admittedAt: intern(e.admittedAt),
      basicFundPayment: e.basicFundPayment,
      criticalIllnessPayment: e.criticalIllnessPayment,
      assistancePayment: e.assistancePayment,
      compliantCost: e.compliantCost,
    });

    const basicPaid = exactOr(fen.basicFundPayment, e.basicFundPayment);
    let entitledByFacts: boolean;
    try {
      entitledByFacts = entitledOn(this.policy, resident, year, e.admittedAt);
    } catch {
      // A parameter not in force on the date: the facts cannot be judged; trust what was paid.
      entitledByFacts = isPositiveAmount(basicPaid);
    }
    const entitled = entitledByFacts || isPositiveAmount(basicPaid);
    let inCriticalIllnessScope = false;
    try {
      inCriticalIllnessScope = entitled && this.policy.criticalIllnessCareTypes(e.admittedAt).includes(e.careType);
    } catch {
      inCriticalIllnessScope = false;
    }

    const totals = resident.totalsOf(year);
    const totalsBefore = { ...totals };
    totals.basicFundPaid = plusAmount(totals.basicFundPaid, basicPaid);
    totals.criticalIllnessPaid = plusAmount(totals.criticalIllnessPaid, exactOr(fen.criticalIllnessPayment, e.criticalIllnessPayment));
    totals.assistancePaid = plusAmount(totals.assistancePaid, exactOr(fen.assistancePayment, e.assistancePayment));
    const compliant = exactOr(fen.compliantCost, e.compliantCost);
    if (e.careType !== 'inpatient') totals.outpatientCompliant = plusAmount(totals.outpatientCompliant, compliant);
    if (inCriticalIllnessScope) {
      const burden = minusAmount(compliant, basicPaid);
      const counted = typeof burden === 'number' ? Math.max(0, burden) : burden.isNegative() ? money('0') : burden;
      totals.personalBurdenInScope = plusAmount(totals.personalBurdenInScope, counted);
      this.claims.setBurdenInScope(index, typeof counted === 'number' ? fenToText(counted) : counted.toFixed(2));
    }
    this.post(e.fundId, e.dischargedAt, `outflow:claims:${e.careType}`, basicPaid, position);
    return new SettledClaimFolded(position, e, resident, claim, this.claims, index, totalsBefore, entitledByFacts, entitled, inCriticalIllnessScope);
  }
}

/**
 * A ClaimSettled as folded. Its ClaimRecord (claim id text, amounts as texts: a dozen strings) is
 * made when a rule first asks — rarely — not for each of the year's millions of claims. Only the
 * fold changes a claim, and not while the event's rules run, so it is the record the fold would
 * have made when it returned.
 */
class SettledClaimFolded {
  readonly type = 'ClaimSettled';
  private made: ClaimRecord | null = null;

  constructor(
    readonly position: Position,
    readonly data: ClaimSettledV1,
    readonly resident: ResidentRecord,
    readonly claim: ClaimFact,
    private readonly claims: ClaimTable,
    private readonly index: number,
    readonly totalsBefore: YearTotals,
    readonly entitledByFacts: boolean,
    readonly entitled: boolean,
    readonly inCriticalIllnessScope: boolean,
  ) {}

  get record(): ClaimRecord {
    return (this.made ??= this.claims.record(this.index));
  }
}
