import {
  Account,
  addToBookFigures,
  BusinessDate,
  combineBookFigures,
  copyBookFigures,
  DomainEvent,
  emptyBookFigures,
  FUND_IDS,
  FundBookFigures,
  FundId,
  IncomeAccount,
  incomeJson,
  Money,
  monthOf,
  OutflowAccount,
  outflowJson,
  paymentOutflowOf,
  postingsOf,
  TRAILING_MONTHS_OF_OUTFLOW,
  totalIncomeOf,
  totalOutflowOf,
  ZERO,
} from '@ledger/domain';
import { addMonths } from '@ledger/policy';

/** Debit and credit totals of one account on one business day. */
export interface DayAccountTotals {
  debit: Money;
  credit: Money;
}

/** A fund's figures in the chart of accounts' standard categories, with its bank balance. */
export interface FundFigures extends FundBookFigures {
  balance: Money;
  /** Sum of all debits minus all credits over every account; zero when the books balance. */
  imbalance: Money;
}

export function incomeOf(figures: FundFigures): Money {
  return totalIncomeOf(figures);
}

export function outflowOf(figures: FundFigures): Money {
  return totalOutflowOf(figures);
}

function emptyFigures(): FundFigures {
  return { ...emptyBookFigures(), balance: ZERO, imbalance: ZERO };
}

function addAccount(figures: FundFigures, account: Account, totals: DayAccountTotals): void {
  const net = totals.debit.minus(totals.credit);
  figures.imbalance = figures.imbalance.plus(net);
  if (account === 'bank') figures.balance = figures.balance.plus(net);
  // Income accounts grow by credits, outflow accounts by debits.
  else if (account.startsWith('income:')) addToBookFigures(figures, account as IncomeAccount, net.negated());
  else if (account.startsWith('outflow:')) addToBookFigures(figures, account as OutflowAccount, net);
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
  /**
   * Per fund, the figures of every posting up to and including each day that has postings, in date
   * order: a date query is a binary search instead of a sum over every day. Built lazily on the
   * first query and brought up to date from the earliest day changed since (`staleFrom`), so live
   * postings on recent days recompute only the tail.
   */
  private readonly running = new Map<FundId, { dates: BusinessDate[]; figures: FundFigures[] }>();
  private readonly staleFrom = new Map<FundId, BusinessDate>();
  /** Per fund, how many changes it has taken: an answer computed at one revision holds until the next. */
  private readonly revisions = new Map<FundId, number>();

  constructor() {
    for (const fundId of FUND_IDS) {
      this.revisions.set(fundId, 0);
      this.days.set(fundId, new Map());
      this.totals.set(fundId, emptyFigures());
      this.running.set(fundId, { dates: [], figures: [] });
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
    this.revisions.set(fundId, this.revisions.get(fundId)! + 1);
    if (markDirty) this.dirty.add(`${fundId}|${date}|${account}`);
    const stale = this.staleFrom.get(fundId);
    if (stale === undefined || date < stale) this.staleFrom.set(fundId, date);
  }

  /** Changes with every posting to the fund (and every loaded row): equal revisions, equal answers. */
  revision(fundId: FundId): number {
    return this.revisions.get(fundId)!;
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

  /**
   * Every (fund, day, account) row as it stands, for a copy of the model taken at one instant (the
   * API's audit worker rebuilds it with load()). The totals objects are replaced, never changed,
   * by later postings, so what is returned stays as it was when taken.
   */
  rows(): Array<{ fundId: FundId; date: BusinessDate; account: Account; totals: DayAccountTotals }> {
    const rows: Array<{ fundId: FundId; date: BusinessDate; account: Account; totals: DayAccountTotals }> = [];
    for (const [fundId, byDay] of this.days) {
      for (const [date, byAccount] of byDay) for (const [account, totals] of byAccount) rows.push({ fundId, date, account, totals });
    }
    return rows;
  }

  current(fundId: FundId): FundFigures {
    return copyFigures(this.totals.get(fundId)!);
  }

  /** Figures of every posting dated on or before `asOf`. */
  asOf(fundId: FundId, asOf: BusinessDate): FundFigures {
    return copyFigures(this.through(fundId, asOf));
  }

  /** The running figures through the last day with postings on or before `date` (shared: do not modify). */
  private through(fundId: FundId, date: BusinessDate): FundFigures {
    const { dates, figures } = this.upToDate(fundId);
    // The last index whose date is <= `date`.
    let low = 0;
    let high = dates.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (dates[mid] <= date) low = mid + 1;
      else high = mid;
    }
    return low === 0 ? EMPTY_FIGURES : figures[low - 1];
  }

  /** Figures of the postings dated after `after` (exclusive) and on or before `through` (inclusive). */
  between(fundId: FundId, after: BusinessDate, through: BusinessDate): FundFigures {
    if (through <= after) return emptyFigures();
    const end = this.through(fundId, through);
    const start = this.through(fundId, after);
    // No posting in between: the running figures are the same object at both ends. A century's
    // statement is mostly such months, and each cost a subtraction of every figure.
    return end === start ? NOTHING_BETWEEN : differenceOf(end, start);
  }

  private upToDate(fundId: FundId): { dates: BusinessDate[]; figures: FundFigures[] } {
    const running = this.running.get(fundId)!;
    const stale = this.staleFrom.get(fundId);
    if (stale === undefined) return running;
    this.staleFrom.delete(fundId);
    const byDay = this.days.get(fundId)!;
    // Keep the prefix before the first changed day; recompute from there on.
    let keep = 0;
    while (keep < running.dates.length && running.dates[keep] < stale) keep += 1;
    const later = [...byDay.keys()].filter((date) => date >= stale).sort();
    running.dates.length = keep;
    running.figures.length = keep;
    let figures = keep === 0 ? emptyFigures() : running.figures[keep - 1];
    for (const date of later) {
      figures = copyFigures(figures);
      for (const [account, totals] of byDay.get(date)!) addAccount(figures, account, totals);
      running.dates.push(date);
      running.figures.push(figures);
    }
    return running;
  }

  /** One row per calendar month from `from` to `to` (inclusive, YYYY-MM-DD), with opening and closing balance. */
  statement(fundId: FundId, from: BusinessDate, to: BusinessDate): MonthRow[] {
    const rows: MonthRow[] = [];
    const dayBefore = (date: BusinessDate) => previousDay(date);
    let opening = this.through(fundId, dayBefore(from)).balance;
    for (const month of monthsBetween(monthOf(from), monthOf(to))) {
      const monthStart = `${month}-01`;
      const start = monthStart > from ? monthStart : from;
      const monthEnd = `${month}-31`;
      const end = monthEnd < to ? monthEnd : to;
      const figures = this.between(fundId, dayBefore(start), end);
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
    const window = this.between(fundId, trailingWindowStart(asOf), asOf);
    const outflow = paymentOutflowOf(window);
    if (outflow.isZero()) return null;
    const balance = this.through(fundId, asOf).balance;
    return balance.div(outflow.div(TRAILING_MONTHS_OF_OUTFLOW));
  }
}

const EMPTY_FIGURES: FundFigures = emptyFigures();
/** What between() answers for a span with no posting: shared, so frozen (readers only read figures). */
const NOTHING_BETWEEN: FundFigures = deepFrozen(emptyFigures());

/** The plain objects of a figures record frozen (the amounts are immutable decimals already). */
function deepFrozen<T>(value: T): T {
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const inner of Object.values(value)) deepFrozen(inner);
    Object.freeze(value);
  }
  return value;
}

function copyFigures(figures: FundFigures): FundFigures {
  return { ...copyBookFigures(figures), balance: figures.balance, imbalance: figures.imbalance };
}

/** a − b, field by field (every figure is a sum of postings, so a difference of running sums is the sum in between). */
function differenceOf(a: FundFigures, b: FundFigures): FundFigures {
  return { ...combineBookFigures(a, b, -1), balance: a.balance.minus(b.balance), imbalance: a.imbalance.minus(b.imbalance) };
}

/**
 * The latest date string that sorts before `date`: for a real date, the day before; used only as an
 * exclusive bound in string comparisons, so "2025-03-00" for "2025-03-01" is as good as "2025-02-28".
 */
function previousDay(date: BusinessDate): BusinessDate {
  const day = Number(date.slice(8, 10));
  if (day > 1) return `${date.slice(0, 8)}${String(day - 1).padStart(2, '0')}`;
  return `${date.slice(0, 8)}00`;
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

/**
 * The exclusive start of the outflow window ending on `asOf`: the same day TRAILING_MONTHS_OF_OUTFLOW
 * months before, and on a month's last day the last day of that earlier month, so at every month
 * end the window is exactly the whole calendar months the auditor averages over.
 */
function trailingWindowStart(asOf: BusinessDate): BusinessDate {
  const start = addMonths(asOf, -TRAILING_MONTHS_OF_OUTFLOW);
  return isLastDayOfMonth(asOf) ? lastDayOfMonth(start) : start;
}

/** Without stepping into the next month, which 9999-12-31 does not have. */
function lastDayOfMonth(date: BusinessDate): BusinessDate {
  // Day 0 of the next month is this month's last; setUTCFullYear, unlike Date.UTC, keeps years below 100.
  const end = new Date(0);
  end.setUTCFullYear(Number(date.slice(0, 4)), Number(date.slice(5, 7)), 0);
  const days = end.getUTCDate();
  return `${date.slice(0, 8)}${String(days).padStart(2, '0')}`;
}

function isLastDayOfMonth(date: BusinessDate): boolean {
  return date === lastDayOfMonth(date);
}

export function incomeToJson(figures: FundFigures) {
  return incomeJson(figures);
}

export function outflowToJson(figures: FundFigures) {
  return outflowJson(figures);
}
