import type { CareType, Category, SubsidyLevel } from '@ledger/policy';
import type { BusinessDate } from './dates';
import type { FundId, Hukou } from './funds';
import type { BankBalanceConfirmedV1, PeriodClosedV1 } from './periods';

/**
 * The ledger's facts. Every event type is past tense and versioned; a shape never changes in
 * place — a new version is added with an upcaster in `upcasters.ts`. Money is a two-decimal
 * string on the wire and in the store.
 */
export type MoneyText = string;

export type { Category, CareType, SubsidyLevel } from '@ledger/policy';
export { CATEGORIES, CARE_TYPES, SUBSIDY_LEVELS } from '@ledger/policy';
export type Scheme = 'employee' | 'resident';
export type SubsidyPurpose = 'per-capita' | 'hardship-contribution';
export type Collector = 'self' | 'school' | 'agency';
export type Settlement = 'direct' | 'cash-advance';

export const SCHEMES: readonly Scheme[] = ['employee', 'resident'];
export const SUBSIDY_PURPOSES: readonly SubsidyPurpose[] = ['per-capita', 'hardship-contribution'];
export const COLLECTORS: readonly Collector[] = ['self', 'school', 'agency'];
export const SETTLEMENTS: readonly Settlement[] = ['direct', 'cash-advance'];

export interface ParentFacts {
  scheme: Scheme;
  insured: boolean;
  hukou: Hukou;
  residenceDistrict: string;
}

export interface ResidentEnrolledV1 {
  enrollmentId: string;
  residentId: string;
  year: number;
  birthDate: BusinessDate;
  category: Category;
  hukou: Hukou;
  residenceDistrict: string;
  hardship: string[];
  parents: ParentFacts[];
  enrolledAt: BusinessDate;
  fundId: FundId;
  contributionExempt: boolean;
  /** Contribution owed for the year under the policy in force (0.00 when exempt). */
  contributionDue: MoneyText;
  /** Set when the enrollment itself starts benefits (an exempt newborn); otherwise payment does. */
  benefitStart: BusinessDate | null;
  policyVersion: string;
}

export interface ContributionPaidV1 {
  receiptNo: string;
  residentId: string;
  year: number;
  amount: MoneyText;
  paidAt: BusinessDate;
  collector: Collector;
  /** The fund account that actually received the money. */
  fundId: FundId;
  /** The fund the resident is attributed to for the year; differs from fundId only by mistake. */
  attributedFundId: FundId;
  /** Benefit start once this payment completes the year's contribution; null if still short. */
  benefitStart: BusinessDate | null;
}

export interface SubsidyGrantedV1 {
  subsidyId: string;
  level: SubsidyLevel;
  purpose: SubsidyPurpose;
  year: number;
  amount: MoneyText;
  grantedAt: BusinessDate;
  fundId: FundId;
  residentId: string | null;
  attributedFundId: FundId | null;
  benefitStart: BusinessDate | null;
}

export interface SchemeChangedV1 {
  changeId: string;
  residentId: string;
  from: Scheme;
  to: Scheme;
  effectiveAt: BusinessDate;
}

export interface InstitutionFacts {
  id: string;
  level: 1 | 2 | 3;
  designated: boolean;
  district: string;
}

export interface ClaimSettledV1 {
  claimId: string;
  residentId: string;
  year: number;
  fundId: FundId;
  careType: CareType;
  institution: InstitutionFacts;
  admittedAt: BusinessDate;
  dischargedAt: BusinessDate;
  totalCost: MoneyText;
  compliantCost: MoneyText;
  settlement: Settlement;
  filedAt: BusinessDate;
  basicFundPayment: MoneyText;
  criticalIllnessPayment: MoneyText;
  assistancePayment: MoneyText;
  personalPayment: MoneyText;
  /** What this claim adds to the year's personal burden within the critical-illness scope. */
  burdenInScope: MoneyText;
  /** The medical-assistance target group the settlement applied (null: none). */
  assistanceGroup: string | null;
  /** 'recorded': as the settlement platform reported it; 'computed': settled one-stop by the ledger's policy. */
  paymentsSource: 'recorded' | 'computed';
  policyVersion: string;
}

export interface InsurerDecisionRecordedV1 {
  claimId: string;
  residentId: string;
  receivedAt: BusinessDate;
  decidedAt: BusinessDate;
  covered: boolean;
}

export interface InsurerPaymentRecordedV1 {
  claimId: string;
  residentId: string;
  paidAt: BusinessDate;
  amount: MoneyText;
}

/** A correction never edits history: it reverses a money fact by its business key. */
export interface ContributionReversedV1 {
  reversalId: string;
  receiptNo: string;
  residentId: string;
  year: number;
  amount: MoneyText;
  fundId: FundId;
  reversedAt: BusinessDate;
  reason: string;
}

export interface ClaimReversedV1 {
  reversalId: string;
  claimId: string;
  residentId: string;
  year: number;
  fundId: FundId;
  careType: CareType;
  basicFundPayment: MoneyText;
  criticalIllnessPayment: MoneyText;
  assistancePayment: MoneyText;
  compliantCost: MoneyText;
  burdenInScope: MoneyText;
  reversedAt: BusinessDate;
  reason: string;
}

/**
 * Look-back medical assistance granted to an illness-poverty target on application
 * (linkage-2018 §二(二)2: 申报前12个月内自付合规医疗费用直接给予救助). Paid by the assistance fund,
 * not the resident fund: `fundId` names the resident's fund for the year only for scope and audit.
 */
export interface LookbackAssistanceGrantedV1 {
  applicationId: string;
  residentId: string;
  /** The natural year of appliedAt: the grant counts toward that year's assistance cap. */
  year: number;
  fundId: FundId;
  appliedAt: BusinessDate;
  /** Both ends inclusive: the claims admitted in it are the ones that can count. */
  window: { from: BusinessDate; through: BusinessDate };
  /** The claims whose self-paid compliant cost made the base; no later application counts them again. */
  claimIds: string[];
  /** Σ (compliant − basic − critical illness − assistance) over claimIds. */
  base: MoneyText;
  /** The illness-poverty ratio in force on appliedAt, as a decimal string ("0.6"). */
  ratio: string;
  amount: MoneyText;
  policyVersion: string;
}

/**
 * The fund's own books (SPEC.md "The fund's books"): money the fund's dedicated account receives or
 * pays that is no resident's contribution, subsidy or claim. Each names its fund, business date,
 * amount and the reference of the document behind it (bank slip, contract, decision number);
 * who recorded it is in the event's metadata.
 */
export type FundMovementKind = 'interest' | 'critical-illness-premium' | 'recovery' | 'other-income' | 'other-expense';
export const FUND_MOVEMENT_KINDS: readonly FundMovementKind[] = ['interest', 'critical-illness-premium', 'recovery', 'other-income', 'other-expense'];
/** 上解上级 / 补助下级 / 调剂. */
export type FundTransferKind = 'remittance-up' | 'allocation-down' | 'adjustment';
export const FUND_TRANSFER_KINDS: readonly FundTransferKind[] = ['remittance-up', 'allocation-down', 'adjustment'];

interface FundMovementFacts {
  movementId: string;
  fundId: FundId;
  amount: MoneyText;
  occurredAt: BusinessDate;
  reference: string | null;
}

/** 利息收入 on the fund's deposits. */
export type InterestReceivedV1 = FundMovementFacts;

/**
 * 大病保险资金: the basic fund pays the contracted insurer the premium for an insurance year (per
 * capita × insured). It is the fund's outflow; the insurer's later payments on claims are the
 * insurer's money and never the fund's outflow as well.
 */
export interface CriticalIllnessPremiumPaidV1 extends FundMovementFacts {
  year: number;
}

/**
 * 追回资金 (条例 art. 45): improperly paid money credited back to the fund that paid it. When it
 * recovers a claim's basic fund payment, `claimId` (and its resident) name the claim.
 */
export interface RecoveryReceivedV1 extends FundMovementFacts {
  claimId: string | null;
  residentId: string | null;
  reason: string | null;
}

/** 其他收入 with its stated reason. */
export interface OtherIncomeReceivedV1 extends FundMovementFacts {
  reason: string;
}

/** 其他支出 with its stated reason. */
export interface OtherExpenditurePaidV1 extends FundMovementFacts {
  reason: string;
}

/**
 * Money moved between two funds: the only way it ever moves. One event, posted to both funds'
 * books (转移支出 of `fromFundId`, 转移收入 of `toFundId`), so both books show it in the same
 * transaction.
 */
export interface FundTransferredV1 {
  transferId: string;
  kind: FundTransferKind;
  fromFundId: FundId;
  toFundId: FundId;
  amount: MoneyText;
  occurredAt: BusinessDate;
  reference: string | null;
}

export interface EventDataByType {
  ResidentEnrolled: ResidentEnrolledV1;
  ContributionPaid: ContributionPaidV1;
  SubsidyGranted: SubsidyGrantedV1;
  SchemeChanged: SchemeChangedV1;
  ClaimSettled: ClaimSettledV1;
  InsurerDecisionRecorded: InsurerDecisionRecordedV1;
  InsurerPaymentRecorded: InsurerPaymentRecordedV1;
  ContributionReversed: ContributionReversedV1;
  ClaimReversed: ClaimReversedV1;
  LookbackAssistanceGranted: LookbackAssistanceGrantedV1;
  InterestReceived: InterestReceivedV1;
  CriticalIllnessPremiumPaid: CriticalIllnessPremiumPaidV1;
  RecoveryReceived: RecoveryReceivedV1;
  OtherIncomeReceived: OtherIncomeReceivedV1;
  OtherExpenditurePaid: OtherExpenditurePaidV1;
  FundTransferred: FundTransferredV1;
  PeriodClosed: PeriodClosedV1;
  BankBalanceConfirmed: BankBalanceConfirmedV1;
}

export type LedgerEventType = keyof EventDataByType;

/** The current schema version of each type; older versions are upcast on read. */
export const CURRENT_VERSION: { readonly [T in LedgerEventType]: number } = {
  ResidentEnrolled: 1,
  ContributionPaid: 1,
  SubsidyGranted: 1,
  SchemeChanged: 1,
  ClaimSettled: 1,
  InsurerDecisionRecorded: 1,
  InsurerPaymentRecorded: 1,
  ContributionReversed: 1,
  ClaimReversed: 1,
  LookbackAssistanceGranted: 1,
  InterestReceived: 1,
  CriticalIllnessPremiumPaid: 1,
  RecoveryReceived: 1,
  OtherIncomeReceived: 1,
  OtherExpenditurePaid: 1,
  FundTransferred: 1,
  PeriodClosed: 1,
  BankBalanceConfirmed: 1,
};

export const LEDGER_EVENT_TYPES = Object.keys(CURRENT_VERSION) as LedgerEventType[];

export function isLedgerEventType(type: string): type is LedgerEventType {
  return Object.prototype.hasOwnProperty.call(CURRENT_VERSION, type);
}

/** A decided fact before it is stored: what decide() returns. */
export type DomainEvent = {
  [T in LedgerEventType]: { type: T; data: EventDataByType[T]; businessKey: string; occurredAt: BusinessDate };
}[LedgerEventType];

export type EventOf<T extends LedgerEventType> = Extract<DomainEvent, { type: T }>;

export interface RecordedBy {
  subject: string;
  role: string;
}

/** Metadata stored beside every event's data. */
export interface EventMetadata {
  schemaVersion: number;
  businessKey: string;
  occurredAt: BusinessDate;
  /** ISO instant the ledger stored the event. */
  recordedAt: string;
  recordedBy: RecordedBy;
  /** sha256 of the command payload that produced the event, to tell an identical re-send from a conflicting one. */
  requestDigest: string;
  /** Hash of the previous event in the same stream (GENESIS_HASH for the first). */
  previousHash: string;
  /** eventHash(previousHash, this event): see integrity.ts. */
  hash: string;
  /** 2: the hash covers recordedAt, recordedBy and requestDigest too; absent on events written before (version 1). */
  hashVersion?: number;
}

/** A domain event as read back from the store, upcast to its current version. */
export type LedgerEvent = DomainEvent & {
  eventId: string;
  stream: string;
  revision: number;
  position: bigint;
  metadata: EventMetadata;
};

export function residentStream(residentId: string): string {
  return `resident-${residentId}`;
}

export function fundStream(fundId: FundId): string {
  return `fund-${fundId}`;
}
