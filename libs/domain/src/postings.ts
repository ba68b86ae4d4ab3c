import type { BusinessDate } from './dates';
import type { CareType, DomainEvent, SubsidyLevel } from './events';
import type { FundId } from './funds';
import { Money, money } from './money';

/**
 * Double-entry postings: each money fact debits one account and credits another inside one fund.
 * The fund's bank account is the asset; income and outflow accounts are named by category.
 * A posting never names two funds, so money cannot move between funds implicitly.
 */
export type Account =
  | 'bank'
  | 'income:contributions'
  | `income:subsidies:${SubsidyLevel}`
  | `outflow:claims:${CareType}`;

export interface Posting {
  fundId: FundId;
  date: BusinessDate;
  debit: Account;
  credit: Account;
  amount: Money;
}

export function postingsOf(event: DomainEvent): Posting[] {
  switch (event.type) {
    case 'ContributionPaid': {
      const e = event.data;
      return [{ fundId: e.fundId, date: e.paidAt, debit: 'bank', credit: 'income:contributions', amount: money(e.amount) }];
    }
    case 'ContributionReversed': {
      const e = event.data;
      return [{ fundId: e.fundId, date: e.reversedAt, debit: 'income:contributions', credit: 'bank', amount: money(e.amount) }];
    }
    case 'SubsidyGranted': {
      const e = event.data;
      return [{ fundId: e.fundId, date: e.grantedAt, debit: 'bank', credit: `income:subsidies:${e.level}`, amount: money(e.amount) }];
    }
    case 'ClaimSettled': {
      // Only the basic fund payment leaves the resident fund; critical illness and assistance are
      // paid by the insurer and the assistance fund and are kept on the claim for the audit.
      const e = event.data;
      const amount = money(e.basicFundPayment);
      return amount.isZero() ? [] : [{ fundId: e.fundId, date: e.dischargedAt, debit: `outflow:claims:${e.careType}`, credit: 'bank', amount }];
    }
    case 'ClaimReversed': {
      const e = event.data;
      const amount = money(e.basicFundPayment);
      return amount.isZero() ? [] : [{ fundId: e.fundId, date: e.reversedAt, debit: 'bank', credit: `outflow:claims:${e.careType}`, amount }];
    }
    case 'LookbackAssistanceGranted':
    // Assistance is paid by the assistance fund (SPEC.md: only the basic fund payment is outflow).
    case 'ResidentEnrolled':
    case 'SchemeChanged':
    case 'InsurerDecisionRecorded':
    case 'InsurerPaymentRecorded':
      return [];
  }
}
