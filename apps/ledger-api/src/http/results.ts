import type { FundMovementKind, LedgerEvent, LedgerEventType } from '@ledger/domain';

/** The API's `kind` of each fund-movement event. */
const MOVEMENT_KIND_OF: Partial<Record<LedgerEventType, FundMovementKind>> = {
  InterestReceived: 'interest',
  CriticalIllnessPremiumPaid: 'critical-illness-premium',
  RecoveryReceived: 'recovery',
  OtherIncomeReceived: 'other-income',
  OtherExpenditurePaid: 'other-expense',
};

/** The response body of a command, derived from the event that holds its business key. */
export function resultOf(event: LedgerEvent): Record<string, unknown> {
  switch (event.type) {
    case 'ResidentEnrolled': {
      const e = event.data;
      return { residentId: e.residentId, year: e.year, fundId: e.fundId, benefitStart: e.benefitStart, contributionExempt: e.contributionExempt };
    }
    case 'ContributionPaid': {
      const e = event.data;
      return { receiptNo: e.receiptNo, fundId: e.fundId, benefitStart: e.benefitStart };
    }
    case 'SubsidyGranted': {
      const e = event.data;
      return { subsidyId: e.subsidyId, fundId: e.fundId, residentId: e.residentId, benefitStart: e.benefitStart };
    }
    case 'SchemeChanged': {
      const e = event.data;
      return { changeId: e.changeId, residentId: e.residentId, from: e.from, to: e.to, effectiveAt: e.effectiveAt };
    }
    case 'ClaimSettled': {
      const e = event.data;
      return {
        claimId: e.claimId,
        fundId: e.fundId,
        basicFundPayment: e.basicFundPayment,
        criticalIllnessPayment: e.criticalIllnessPayment,
        assistancePayment: e.assistancePayment,
        personalPayment: e.personalPayment,
      };
    }
    case 'LookbackAssistanceGranted': {
      const e = event.data;
      return {
        applicationId: e.applicationId,
        residentId: e.residentId,
        fundId: e.fundId,
        amount: e.amount,
        base: e.base,
        claims: e.claimIds,
        ratio: e.ratio,
        window: e.window,
      };
    }
    case 'InterestReceived':
    case 'CriticalIllnessPremiumPaid':
    case 'RecoveryReceived':
    case 'OtherIncomeReceived':
    case 'OtherExpenditurePaid':
      return { ...event.data, kind: MOVEMENT_KIND_OF[event.type] };
    case 'PeriodClosed': {
      const e = event.data;
      return { year: e.year, closedAt: e.closedAt, funds: e.funds, throughPosition: e.throughPosition, eventsCounted: e.eventsCounted, digest: e.digest };
    }
    case 'BankBalanceConfirmed': {
      const e = event.data;
      return { confirmationId: e.confirmationId, fundId: e.fundId, date: e.date, ledgerBalance: e.ledgerBalance, bankBalance: e.bankBalance, difference: e.difference };
    }
    case 'FundTransferred':
    case 'InsurerDecisionRecorded':
    case 'InsurerPaymentRecorded':
    case 'ContributionReversed':
    case 'ClaimReversed':
      return { ...event.data };
  }
}
