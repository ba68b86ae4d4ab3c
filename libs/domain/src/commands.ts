import type { BusinessDate } from './dates';
import type {
  CareType,
  Category,
  Collector,
  FundMovementKind,
  FundTransferKind,
  InstitutionFacts,
  ParentFacts,
  Scheme,
  Settlement,
  SubsidyLevel,
  SubsidyPurpose,
} from './events';
import type { FundId, Hukou } from './funds';
import type { Money } from './money';
import type { DatedField } from './periods';

/** Commands as the domain sees them: already shape-checked at the edge, amounts as Decimals. */
export interface EnrollResident {
  kind: 'EnrollResident';
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
}

export interface RecordContribution {
  kind: 'RecordContribution';
  receiptNo: string;
  residentId: string;
  year: number;
  amount: Money;
  paidAt: BusinessDate;
  collector: Collector;
  fundId?: FundId;
}

export interface GrantSubsidy {
  kind: 'GrantSubsidy';
  subsidyId: string;
  level: SubsidyLevel;
  purpose: SubsidyPurpose;
  year: number;
  amount: Money;
  grantedAt: BusinessDate;
  fundId?: FundId;
  residentId?: string;
}

export interface ChangeScheme {
  kind: 'ChangeScheme';
  changeId: string;
  residentId: string;
  to: Scheme;
  effectiveAt: BusinessDate;
}

export interface SettleClaim {
  kind: 'SettleClaim';
  claimId: string;
  residentId: string;
  careType: CareType;
  institution: InstitutionFacts;
  admittedAt: BusinessDate;
  dischargedAt: BusinessDate;
  totalCost: Money;
  compliantCost: Money;
  settlement: Settlement;
  filedAt: BusinessDate;
  basicFundPayment?: Money;
  criticalIllnessPayment?: Money;
  assistancePayment?: Money;
}

export interface RecordInsurerDecision {
  kind: 'RecordInsurerDecision';
  claimId: string;
  receivedAt: BusinessDate;
  decidedAt: BusinessDate;
  covered: boolean;
}

export interface RecordInsurerPayment {
  kind: 'RecordInsurerPayment';
  claimId: string;
  paidAt: BusinessDate;
  amount: Money;
}

export interface ReverseContribution {
  kind: 'ReverseContribution';
  reversalId: string;
  receiptNo: string;
  reversedAt: BusinessDate;
  reason: string;
}

export interface ReverseClaim {
  kind: 'ReverseClaim';
  reversalId: string;
  claimId: string;
  reversedAt: BusinessDate;
  reason: string;
}

/** An illness-poverty target applies for assistance on the self-paid costs of the months before (linkage-2018 §二(二)2). */
export interface ApplyForAssistance {
  kind: 'ApplyForAssistance';
  applicationId: string;
  residentId: string;
  appliedAt: BusinessDate;
}

/** Interest, the critical-illness premium, a recovery, other income or expenditure of one fund. */
export interface RecordFundMovement {
  kind: 'RecordFundMovement';
  movementId: string;
  fundId: FundId;
  movement: FundMovementKind;
  amount: Money;
  occurredAt: BusinessDate;
  /** The insurance year a critical-illness premium covers (premiums only). */
  year?: number;
  /** The claim a recovery recovers (recoveries only). */
  claimId?: string;
  reference?: string;
  /** Required for other income and other expenditure. */
  reason?: string;
}

/** An explicit transfer between two funds (上解上级 / 补助下级 / 调剂). */
export interface RecordFundTransfer {
  kind: 'RecordFundTransfer';
  transferId: string;
  transfer: FundTransferKind;
  fromFundId: FundId;
  toFundId: FundId;
  amount: Money;
  occurredAt: BusinessDate;
  reference?: string;
}

export type LedgerCommand =
  | EnrollResident
  | RecordContribution
  | GrantSubsidy
  | ChangeScheme
  | SettleClaim
  | RecordInsurerDecision
  | RecordInsurerPayment
  | ReverseContribution
  | ReverseClaim
  | ApplyForAssistance
  | RecordFundMovement
  | RecordFundTransfer;

/** The business key a command is idempotent on; one event in the store holds it. */
export function businessKeyOf(command: LedgerCommand): string {
  switch (command.kind) {
    case 'EnrollResident':
      return `enrollment:${command.enrollmentId}`;
    case 'RecordContribution':
      return `contribution:${command.receiptNo}`;
    case 'GrantSubsidy':
      return `subsidy:${command.subsidyId}`;
    case 'ChangeScheme':
      return `scheme-change:${command.changeId}`;
    case 'SettleClaim':
      return `claim:${command.claimId}`;
    case 'RecordInsurerDecision':
      return `insurer-decision:${command.claimId}`;
    case 'RecordInsurerPayment':
      return `insurer-payment:${command.claimId}`;
    case 'ReverseContribution':
      return `contribution-reversal:${command.reversalId}`;
    case 'ReverseClaim':
      return `claim-reversal:${command.reversalId}`;
    case 'ApplyForAssistance':
      return `assistance-application:${command.applicationId}`;
    case 'RecordFundMovement':
      return `fund-movement:${command.movementId}`;
    case 'RecordFundTransfer':
      return `fund-transfer:${command.transferId}`;
  }
}

/**
 * The business dates a command records its fact on (each event's occurredAt), with the field
 * each comes from: what the period gate checks against the closed years. A claim is dated by its
 * discharge (its basic fund payment is posted then), a reversal by its own date, never by the
 * fact it corrects's.
 */
export function businessDatesOf(command: LedgerCommand): DatedField[] {
  switch (command.kind) {
    case 'EnrollResident':
      return [{ field: 'enrolledAt', date: command.enrolledAt }];
    case 'RecordContribution':
      return [{ field: 'paidAt', date: command.paidAt }];
    case 'GrantSubsidy':
      return [{ field: 'grantedAt', date: command.grantedAt }];
    case 'ChangeScheme':
      return [{ field: 'effectiveAt', date: command.effectiveAt }];
    case 'SettleClaim':
      return [{ field: 'dischargedAt', date: command.dischargedAt }];
    case 'RecordInsurerDecision':
      return [{ field: 'decidedAt', date: command.decidedAt }];
    case 'RecordInsurerPayment':
      return [{ field: 'paidAt', date: command.paidAt }];
    case 'ReverseContribution':
    case 'ReverseClaim':
      return [{ field: 'reversedAt', date: command.reversedAt }];
    case 'ApplyForAssistance':
      return [{ field: 'appliedAt', date: command.appliedAt }];
    case 'RecordFundMovement':
    case 'RecordFundTransfer':
      return [{ field: 'occurredAt', date: command.occurredAt }];
  }
}
