import Decimal from 'decimal.js';
import { type FundId, type Money, monthOf, TRAILING_MONTHS_OF_OUTFLOW, ZERO } from '@ledger/domain';
import type { Position } from '@ledger/event-store';
import { addDays, firstDayOfNextMonth, type Policy } from '@ledger/policy';
import { balanceOfFigures, type FundBooks, paymentOutflowOfFigures } from './fund-books';


export interface MonthEnd {
  month: string;
  /** The last day the month's figure covers: the month's last day, or the cut-off date inside it. */
  through: string;
  /** Whether the month ended on or before the cut-off (only complete months are judged). */
  complete: boolean;
  balance: Money;
  outflow: Money;
  trailingOutflow: Money;
  /** null when the trailing months paid nothing out. */
  monthsOfPayment: Money | null;
  positions: Position[];
}

export function lastDayOfMonth(month: string): string {
  return addDays(firstDayOfNextMonth(`${month}-01`), -1);
}

export function monthRange(first: string, last: string): string[] {
  const months: string[] = [];
  for (let month = first; month <= last; month = monthOf(firstDayOfNextMonth(`${month}-01`))) months.push(month);
  return months;
}

/**
 * The month-end series of one fund over `months`, through the cut-off date (null: no date cut-off).
 * Months of payment are exact here; they are cut to 0.01 month for display only.
 */
export function monthEndSeries(books: FundBooks, fundId: FundId, months: readonly string[], asOf: string | null): MonthEnd[] {
  const byMonth = books.monthsOf(fundId, asOf);
  const series: MonthEnd[] = [];
  let balance: Money = ZERO;
  const outflows: Money[] = [];
  for (const month of months) {
    const entry = byMonth.get(month);
    const monthEndDate = lastDayOfMonth(month);
    const through = asOf !== null && asOf < monthEndDate ? asOf : monthEndDate;
    if (entry) balance = balance.plus(balanceOfFigures(entry.figures));
    const outflow = entry ? paymentOutflowOfFigures(entry.figures) : ZERO;
    outflows.push(outflow);
    const trailing = outflows.slice(-TRAILING_MONTHS_OF_OUTFLOW).reduce((total, amount) => total.plus(amount), ZERO as Money);
    series.push({
      month,
      through,
      complete: asOf === null || monthEndDate <= asOf,
      balance,
      outflow,
      trailingOutflow: trailing,
      monthsOfPayment: trailing.greaterThan(ZERO) ? balance.div(trailing.div(TRAILING_MONTHS_OF_OUTFLOW)) : null,
      positions: entry?.positions ?? [],
    });
  }
  return series;
}

/**
 * The months the report covers: from the first money movement to the cut-off month — but no
 * further than the trailing window after the last movement: from there on the balances stay as
 * they are and the trailing outflow is nil, so later months show and judge nothing new. Without
 * a date cut-off, the series ends with the last movement.
 */
export function reportMonths(books: FundBooks, asOf: string | null): string[] {
  const range = books.dateRange(asOf);
  if (!range) return [];
  let end = monthOf(range.last);
  for (let step = 0; step < TRAILING_MONTHS_OF_OUTFLOW && asOf !== null && end < monthOf(asOf); step += 1) {
    end = monthOf(firstDayOfNextMonth(`${end}-01`));
  }
  return monthRange(monthOf(range.first), end);
}

/** Months of payment as shown to people: cut (not rounded) to 0.01, so a value under a threshold never shows as equal to it. */
export function monthsOfPaymentText(months: Money): string {
  return months.toDecimalPlaces(2, Decimal.ROUND_DOWN).toFixed(2);
}

export function warningThreshold(policy: Policy, date: string): Money {
  return policy.monthsOfPaymentWarning(date);
}
