import {
  Account,
  BusinessDate,
  CARE_TYPES,
  CareType,
  DomainEvent,
  FUND_IDS,
  FundId,
  formatMoney,
  Money,
  monthOf,
  postingsOf,
  SUBSIDY_LEVELS,
  SubsidyLevel,
  ZERO,
} from '@ledger/domain';

/** Debit and credit totals of one account on one business day. */
export interface DayAccountTotals {
  debit: Money;
  credit: Money;
}

export interface FundFigures {
  balance: Money;
  contributions: Money;
  subsidies: Record<SubsidyLevel, Money>;
  claims: Record<CareType, Money>;
  /** Sum of all debits minus all credits over every account; zero when the books balance. */
  imbalance: Money;
}

export function incomeOf(figures: FundFigures): Money {
  return SUBSIDY_LEVELS.reduce((total, level) => total.plus(figures.subsidies[level]), figures.contributions);
}

export function outflowOf(figures: FundFigures): Money {
  return CARE_TYPES.reduce((total, careType) => total.plus(figures.claims[careType]), ZERO);
}

function emptyFigures(): FundFigures {
  return {
    balance: ZERO,
    contributions: ZERO,
    subsidies: { central: ZERO, provincial: ZERO, municipal: ZERO, district: ZERO },
    claims: { outpatient: ZERO, 'chronic-outpatient': ZERO, inpatient: ZERO },
    imbalance: ZERO,
  };
}

function addAccount(figures: FundFigures, account: Account, totals: DayAccountTotals): void {
  const net = totals.debit.minus(totals.credit);
  figures.imbalance = figures.imbalance.plus(net);
  if (account === 'bank') figures.balance = figures.balance.plus(net);
  else if (account === 'income:contributions') figures.contributions = figures.contributions.minus(net);
  else if (account.startsWith('income:subsidies:')) {
    const level = account.slice('income:subsidies:'.length) as SubsidyLevel;
    figures.subsidies[level] = figures.subsidies[level].minus(net);
  } else if (account.startsWith('outflow:claims:')) {
    const careType = account.slice('outflow:claims:'.length) as CareType;
    figures.claims[careType] = figures.claims[careType].plus(net);
  }
}

export interface MonthRow {
  month: string;
  opening: Money;
  figures: FundFigures;
  closing: Money;
}

/**
 * Every fund's postings summed per business day and account. Small (days × accounts per fund),
 * so it lives in memory; FundLedgerStore persists it with the checkpoint.
 */
export class FundLedger {
  /** fund → day → account → totals */
  private readonly days = new Map<FundId, Map<BusinessDate, Map<Account, DayAccountTotals>>>();
  private readonly totals = new Map<FundId, FundFigures>();
  private readonly dirty = new Set<string>();

  constructor() {
    for (const fundId of FUND_IDS) {
      this.days.set(fundId, new Map());
      this.totals.set(fundId, emptyFigures());
    }
  }

  apply(event: DomainEvent): void {
    for (const posting of postingsOf(event)) {
      this.add(posting.fundId, posting.date, posting.debit, { debit: posting.amount, credit: ZERO });
      this.add(posting.fundId, posting.date, posting.credit, { debit: ZERO, credit: posting.amount });
    }
  }

  /** Loads persisted totals (no dirty marks). */
  load(fundId: FundId, date: BusinessDate, account: Account, totals: DayAccountTotals): void {
    this.add(fundId, date, account, totals, false);
  }

  private add(fundId: FundId, date: BusinessDate, account: Account, delta: DayAccountTotals, markDirty = true): void {
    const byDay = this.days.get(fundId)!;
    let byAccount = byDay.get(date);
    if (!byAccount) byDay.set(date, (byAccount = new Map()));
    const current = byAccount.get(account) ?? { debit: ZERO, credit: ZERO };
    byAccount.set(account, { debit: current.debit.plus(delta.debit), credit: current.credit.plus(delta.credit) });
    addAccount(this.totals.get(fundId)!, account, delta);
    if (markDirty) this.dirty.add(`${fundId}|${date}|${account}`);
  }

  /** The rows changed since the last call, for persistence. */
  takeDirty(): Array<{ fundId: FundId; date: BusinessDate; account: Account; totals: DayAccountTotals }> {
    const rows = [...this.dirty].map((key) => {
      const [fundId, date, account] = key.split('|') as [FundId, BusinessDate, Account];
      return { fundId, date, account, totals: this.days.get(fundId)!.get(date)!.get(account)! };
    });
    this.dirty.clear();
    return rows;
  }

  current(fundId: FundId): FundFigures {
    const totals = this.totals.get(fundId)!;
    return { ...totals, subsidies: { ...totals.subsidies }, claims: { ...totals.claims } };
  }

  /** Figures of every posting dated on or before `asOf`. */
  asOf(fundId: FundId, asOf: BusinessDate): FundFigures {
    return this.sumDays(fundId, (date) => date <= asOf);
  }

  private sumDays(fundId: FundId, include: (date: BusinessDate) => boolean): FundFigures {
    const figures = emptyFigures();
    for (const [date, byAccount] of this.days.get(fundId)!) {
      if (!include(date)) continue;
      for (const [account, totals] of byAccount) addAccount(figures, account, totals);
    }
    return figures;
  }

  /** One row per calendar month from `from` to `to` (inclusive, YYYY-MM-DD), with opening and closing balance. */
  statement(fundId: FundId, from: BusinessDate, to: BusinessDate): MonthRow[] {
    const rows: MonthRow[] = [];
    let opening = this.sumDays(fundId, (date) => date < from).balance;
    for (const month of monthsBetween(monthOf(from), monthOf(to))) {
      const figures = this.sumDays(fundId, (date) => date >= from && date <= to && monthOf(date) === month);
      const closing = opening.plus(figures.balance);
      rows.push({ month, opening, figures, closing });
      opening = closing;
    }
    return rows;
  }

  /**
   * 可支付月数: the balance on `asOf` divided by the average monthly outflow of the twelve months
   * ending that day; null when nothing was paid out in that window.
   */
  monthsOfPayment(fundId: FundId, asOf: BusinessDate): Money | null {
    const windowStart = twelveMonthsBefore(asOf);
    const window = this.sumDays(fundId, (date) => date > windowStart && date <= asOf);
    const outflow = outflowOf(window);
    if (outflow.isZero()) return null;
    const balance = this.asOf(fundId, asOf).balance;
    return balance.div(outflow.div(12));
  }
}

export function monthsBetween(fromMonth: string, toMonth: string): string[] {
  const months: string[] = [];
  let [year, month] = fromMonth.split('-').map(Number);
  const [endYear, endMonth] = toMonth.split('-').map(Number);
  while (year < endYear || (year === endYear && month <= endMonth)) {
    months.push(`${year}-${String(month).padStart(2, '0')}`);
    month += 1;
    if (month > 12) {
      month = 1;
      year += 1;
    }
  }
  return months;
}

function twelveMonthsBefore(date: BusinessDate): BusinessDate {
  const year = Number(date.slice(0, 4)) - 1;
  return `${year}${date.slice(4)}`;
}

export function incomeToJson(figures: FundFigures) {
  return {
    contributions: formatMoney(figures.contributions),
    subsidies: Object.fromEntries(SUBSIDY_LEVELS.map((level) => [level, formatMoney(figures.subsidies[level])])),
    total: formatMoney(incomeOf(figures)),
  };
}

export function outflowToJson(figures: FundFigures) {
  return {
    claims: Object.fromEntries(CARE_TYPES.map((careType) => [careType, formatMoney(figures.claims[careType])])),
    total: formatMoney(outflowOf(figures)),
  };
}
