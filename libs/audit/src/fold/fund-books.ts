import {
  addToBookFigures,
  combineBookFigures,
  copyBookFigures,
  emptyBookFigures,
  type FundBookFigures,
  FUND_IDS,
  type FundId,
  type IncomeAccount,
  type Money,
  monthOf,
  type OutflowAccount,
  paymentOutflowOf,
  totalIncomeOf,
  totalOutflowOf,
} from '@ledger/domain';
import type { Position } from '@ledger/event-store';
import { decimalOfFen } from '@ledger/policy';
import type { FenOrMoney } from './fen';

/**
 * The auditor's own books: every money fact summed per fund, business day and line of the chart of
 * accounts (libs/domain chart-of-accounts.ts: the lines and their totals are defined once), from
 * the events by the auditor's own posting rules (audit-fold.ts, not postings.ts). Only the basic
 * fund payment of a claim leaves the resident fund (SPEC.md: critical illness and assistance are
 * paid by others); the premium the fund pays the insurer is its outflow.
 */
export type BookCategory = IncomeAccount | OutflowAccount;

export type FundFiguresAudited = FundBookFigures;

export function emptyFigures(): FundFiguresAudited {
  return emptyBookFigures();
}

export function incomeOfFigures(figures: FundFiguresAudited): Money {
  return totalIncomeOf(figures);
}

export function outflowOfFigures(figures: FundFiguresAudited): Money {
  return totalOutflowOf(figures);
}

/** The outflow months of payment divide by (the definition shared with the read model). */
export function paymentOutflowOfFigures(figures: FundFiguresAudited): Money {
  return paymentOutflowOf(figures);
}

export function balanceOfFigures(figures: FundFiguresAudited): Money {
  return incomeOfFigures(figures).minus(outflowOfFigures(figures));
}

function addInto(target: FundFiguresAudited, source: FundFiguresAudited): void {
  Object.assign(target, combineBookFigures(target, source));
}

export interface BookDay {
  date: string;
  figures: FundFiguresAudited;
  /** Positions of the events that moved the fund that day (the first few: enough to point at them). */
  positions: Position[];
  /** Positions of that day's outflow (claim payments, premium, transfers out, other), the first few. */
  outflowPositions: Position[];
}

/** How many positions a day keeps as evidence; a finding names these and says how many there were. */
export const EVIDENCE_POSITIONS_PER_DAY = 10;

/**
 * A day as the books keep it: `pending` holds the day's postings of whole fen per line, summed as
 * small integers (as the fold's year totals, fen.ts: ±2^30 fen, else the amount goes to the
 * Decimal figures at once); a reader gets the figures with it added (`settled`) — one Decimal
 * addition per line and day read instead of one per posting. Exact either way.
 */
type KeptDay = BookDay & { eventCount: number; pending: Map<BookCategory, number> | null };

const MAX_PENDING_FEN = 2 ** 30 - 1;

export class FundBooks {
  private readonly days = new Map<FundId, Map<string, KeptDay>>();

  constructor() {
    for (const fundId of FUND_IDS) this.days.set(fundId, new Map());
  }

  /** `amount` increases the category (a reversal posts a negative amount). */
  post(fundId: FundId, date: string, category: BookCategory, amount: FenOrMoney, position: Position): void {
    const byDay = this.days.get(fundId)!;
    let day = byDay.get(date);
    if (!day) byDay.set(date, (day = { date, figures: emptyFigures(), positions: [], outflowPositions: [], eventCount: 0, pending: null }));
    if (typeof amount === 'number' && amount <= MAX_PENDING_FEN && amount >= -MAX_PENDING_FEN) {
      const pending = (day.pending ??= new Map());
      const sum = (pending.get(category) ?? 0) + amount;
      if (sum <= MAX_PENDING_FEN && sum >= -MAX_PENDING_FEN) pending.set(category, sum | 0);
      else {
        pending.delete(category);
        addToBookFigures(day.figures, category, decimalOfFen(sum));
      }
    } else {
      addToBookFigures(day.figures, category, typeof amount === 'number' ? decimalOfFen(amount) : amount);
    }
    if (category.startsWith('outflow:') && day.outflowPositions.length < EVIDENCE_POSITIONS_PER_DAY) day.outflowPositions.push(position);
    day.eventCount += 1;
    if (day.positions.length < EVIDENCE_POSITIONS_PER_DAY) day.positions.push(position);
  }

  /** The fund's days in date order, through `through` (inclusive; null = all). */
  daysOf(fundId: FundId, through: string | null): Array<BookDay & { eventCount: number }> {
    return [...this.days.get(fundId)!.values()]
      .filter((day) => through === null || day.date <= through)
      .map(settled)
      .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  }

  figuresThrough(fundId: FundId, through: string | null): FundFiguresAudited {
    const total = emptyFigures();
    for (const day of this.days.get(fundId)!.values()) if (through === null || day.date <= through) addInto(total, settled(day).figures);
    return total;
  }

  /** Figures per calendar month (YYYY-MM) through `through`. */
  monthsOf(fundId: FundId, through: string | null): Map<string, { figures: FundFiguresAudited; positions: Position[]; eventCount: number }> {
    const months = new Map<string, { figures: FundFiguresAudited; positions: Position[]; eventCount: number }>();
    for (const day of this.daysOf(fundId, through)) {
      const month = monthOf(day.date);
      let entry = months.get(month);
      if (!entry) months.set(month, (entry = { figures: emptyFigures(), positions: [], eventCount: 0 }));
      addInto(entry.figures, day.figures);
      entry.positions.push(...day.positions);
      entry.eventCount += day.eventCount;
    }
    return months;
  }

  /** The first and last business dates any fund was moved on (through `through`), or null. */
  dateRange(through: string | null): { first: string; last: string } | null {
    let first: string | null = null;
    let last: string | null = null;
    for (const byDay of this.days.values()) {
      for (const date of byDay.keys()) {
        if (through !== null && date > through) continue;
        if (first === null || date < first) first = date;
        if (last === null || date > last) last = date;
      }
    }
    return first === null || last === null ? null : { first, last };
  }
}

/**
 * The day as read: its figures with the pending fen added, in a new object. Reading never changes
 * the books, so a state sealed after a report equals one sealed without it.
 */
function settled(day: KeptDay): KeptDay {
  const pending = day.pending;
  if (pending === null || pending.size === 0) return day;
  const figures = copyBookFigures(day.figures);
  for (const [category, fen] of pending) if (fen !== 0) addToBookFigures(figures, category, decimalOfFen(fen));
  return { ...day, figures };
}

export { addInto as addFiguresInto };
