import type { Account } from './chart-of-accounts';
import type { BusinessDate } from './dates';
import type { DomainEvent } from './events';
import type { FundId } from './funds';
import { Money, money } from './money';

export type { Account } from './chart-of-accounts';

/**
 * Double-entry postings: each money fact debits one account and credits another inside one fund.
 * The fund's bank account is the asset; income and outflow accounts are named by category.
 * A posting never names two funds, so money cannot move between funds implicitly.
 */
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
      // Hardship contribution aid (资助参保) is 财政补贴收入 too, on its own account so it shows apart.
      const credit: Account = e.purpose === 'hardship-contribution' ? `income:hardship-aid:${e.level}` : `income:subsidies:${e.level}`;
      return [{ fundId: e.fundId, date: e.grantedAt, debit: 'bank', credit, amount: money(e.amount) }];
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
    case 'InterestReceived': {
      const e = event.data;
      return [{ fundId: e.fundId, date: e.occurredAt, debit: 'bank', credit: 'income:interest', amount: money(e.amount) }];
    }
    case 'CriticalIllnessPremiumPaid': {
      const e = event.data;
      return [{ fundId: e.fundId, date: e.occurredAt, debit: 'outflow:critical-illness-premium', credit: 'bank', amount: money(e.amount) }];
    }
    case 'RecoveryReceived': {
      const e = event.data;
      return [{ fundId: e.fundId, date: e.occurredAt, debit: 'bank', credit: 'income:recoveries', amount: money(e.amount) }];
    }
    case 'OtherIncomeReceived': {
      const e = event.data;
      return [{ fundId: e.fundId, date: e.occurredAt, debit: 'bank', credit: 'income:other', amount: money(e.amount) }];
    }
    case 'OtherExpenditurePaid': {
      const e = event.data;
      return [{ fundId: e.fundId, date: e.occurredAt, debit: 'outflow:other', credit: 'bank', amount: money(e.amount) }];
    }
    case 'FundTransferred': {
      // One fact, two books: each posting balances within its own fund, and both are stored in the
      // same append, so neither fund ever shows the transfer without the other.
      const e = event.data;
      const amount = money(e.amount);
      return [
        { fundId: e.fromFundId, date: e.occurredAt, debit: 'outflow:transfers', credit: 'bank', amount },
        { fundId: e.toFundId, date: e.occurredAt, debit: 'bank', credit: 'income:transfers', amount },
      ];
    }
    case 'LookbackAssistanceGranted':
    // Assistance is paid by the assistance fund (SPEC.md: only the basic fund payment is outflow).
    case 'ResidentEnrolled':
    case 'SchemeChanged':
    case 'InsurerDecisionRecorded':
    case 'InsurerPaymentRecorded':
    // A close and a bank confirmation state figures; they move no money.
    case 'PeriodClosed':
    case 'BankBalanceConfirmed':
      return [];
  }
}
