import type { BusinessDate } from './dates';
import { yearOf } from './dates';
import type { DomainEvent, MoneyText } from './events';
import { conflict, ruleBroken } from './errors';
import { FUND_IDS, type FundId } from './funds';
import { formatMoney, type Money, ZERO } from './money';

/**
 * Period close (SPEC.md "The fund's books"): the finance bureau seals a year once its books are
 * final. Every close is one event in the `periods` stream; every command that records a fact
 * appends on the condition that this stream has not moved since it was read, so a fact dated in a
 * year can never slip in after that year's close (see LedgerService and the store port).
 *
 * A close of year Y seals every year up to and including Y: a year's closing balance is the
 * fund's balance at its end, which every earlier year's facts make up too. So years close in
 * order — a year before the latest closed one cannot be closed on its own any more.
 */
export const PERIODS_STREAM = 'periods';

export interface FundClosingFigures {
  fundId: FundId;
  /** Balance at the end of the year before. */
  openingBalance: MoneyText;
  /** Income and outflow dated within the year (net of reversals). */
  income: MoneyText;
  outflow: MoneyText;
  /** Balance at the end of the year: openingBalance + income − outflow. */
  closingBalance: MoneyText;
}

export interface PeriodClosedV1 {
  year: number;
  closedAt: BusinessDate;
  funds: FundClosingFigures[];
  /**
   * The history the figures were computed from: every event in the store at positions up to and
   * including `throughPosition` (a decimal string; null for an empty store), `eventsCounted` of
   * them, and `digest` = sha256_hex( Σ eventId + "\n" + metadata.hash + "\n" ) over them in
   * position order — the formula of the audit report's digest (libs/audit/src/digest.ts), here
   * over every event rather than those on or before a business date. Positions are left out of
   * the digest, so the same history copied to another store digests the same.
   */
  throughPosition: string | null;
  eventsCounted: number;
  digest: string;
}

/** The balance a fund's bank (财政专户) confirmed for a date, beside what the ledger held then. */
export interface BankBalanceConfirmedV1 {
  confirmationId: string;
  fundId: FundId;
  date: BusinessDate;
  bankBalance: MoneyText;
  /** The fund's balance of every posting dated on or before `date`, as recorded when confirmed. */
  ledgerBalance: MoneyText;
  /** bankBalance − ledgerBalance. */
  difference: MoneyText;
}

export interface ClosePeriod {
  kind: 'ClosePeriod';
  year: number;
  closedAt: BusinessDate;
}

export interface ConfirmBankBalance {
  kind: 'ConfirmBankBalance';
  confirmationId: string;
  fundId: FundId;
  date: BusinessDate;
  balance: Money;
}

export function periodCloseKey(year: number): string {
  return `period-close:${year}`;
}

export function bankConfirmationKey(confirmationId: string): string {
  return `bank-confirmation:${confirmationId}`;
}

export function bankStream(fundId: FundId): string {
  return `bank-${fundId}`;
}

/** The closes recorded so far: the fold of the `periods` stream. */
export interface ClosedPeriods {
  closes: ReadonlyMap<number, PeriodClosedV1>;
  /** The latest closed year: it and every year before it are sealed. null while none is. */
  closedThrough: number | null;
}

export const NO_CLOSED_PERIODS: ClosedPeriods = { closes: new Map(), closedThrough: null };

export function evolvePeriods(state: ClosedPeriods, event: DomainEvent): ClosedPeriods {
  if (event.type !== 'PeriodClosed') return state;
  const closes = new Map(state.closes);
  closes.set(event.data.year, event.data);
  return { closes, closedThrough: Math.max(state.closedThrough ?? event.data.year, event.data.year) };
}

/** The close that seals a date's year, if any: that year's own or a later one's. */
export function closeSealing(date: BusinessDate, periods: ClosedPeriods): PeriodClosedV1 | null {
  if (periods.closedThrough === null) return null;
  const year = yearOf(date);
  if (year > periods.closedThrough) return null;
  return periods.closes.get(year) ?? periods.closes.get(periods.closedThrough) ?? null;
}

/** A business date a command records a fact on, with the input field it came from. */
export interface DatedField {
  field: string;
  date: BusinessDate;
}

/**
 * The period gate: nothing is recorded with a business date in a closed year (422 naming the
 * year). Pure; LedgerService calls it for every command it dispatches, on the command's dates
 * before deciding and on the decided events' dates after.
 */
export function refuseClosedPeriod(dates: Iterable<DatedField>, periods: ClosedPeriods): void {
  if (periods.closedThrough === null) return;
  for (const { field, date } of dates) {
    const close = closeSealing(date, periods);
    if (!close) continue;
    const year = yearOf(date);
    const sealedBy = close.year === year ? '' : ` (sealed by the close of ${close.year})`;
    throw ruleBroken(
      `${field} ${date} falls in ${year}, a closed period${sealedBy}: the books of ${year} were closed on ${close.closedAt} and nothing more can be recorded in them; record a correction dated in the open period, referring to the original`,
      field,
    );
  }
}

/** Every date a set of decided events would be recorded or posted on. */
export function datesRecordedBy(events: readonly DomainEvent[]): DatedField[] {
  return events.map((event) => ({ field: 'occurredAt', date: event.occurredAt }));
}

/** What a close is decided from: the funds' figures for the year and the history they came from. */
export interface ClosingBooks {
  funds: Record<FundId, { opening: Money; income: Money; outflow: Money; closing: Money }>;
  throughPosition: string | null;
  eventsCounted: number;
  digest: string;
}

/**
 * decide(ClosePeriod): the closing event, or a refusal. Re-sending the same close is answered by
 * the business key before this runs; another closedAt for a closed year is a 409.
 */
export function decidePeriodClose(command: ClosePeriod, periods: ClosedPeriods, books: ClosingBooks): DomainEvent[] {
  const closed = periods.closes.get(command.year);
  if (closed) {
    throw conflict(`${command.year} was already closed on ${closed.closedAt}; a closed period is never closed again`);
  }
  if (yearOf(command.closedAt) <= command.year) {
    throw ruleBroken(`a year is closed after it ends: closedAt must be on or after ${command.year + 1}-01-01 to close ${command.year}`, 'closedAt');
  }
  if (periods.closedThrough !== null && command.year < periods.closedThrough) {
    throw ruleBroken(
      `${command.year} is already sealed by the close of ${periods.closedThrough} (closed on ${periods.closes.get(periods.closedThrough)?.closedAt}); years close in order`,
      'year',
    );
  }
  const data: PeriodClosedV1 = {
    year: command.year,
    closedAt: command.closedAt,
    funds: FUND_IDS.map((fundId) => {
      const f = books.funds[fundId];
      return {
        fundId,
        openingBalance: formatMoney(f.opening),
        income: formatMoney(f.income),
        outflow: formatMoney(f.outflow),
        closingBalance: formatMoney(f.closing),
      };
    }),
    throughPosition: books.throughPosition,
    eventsCounted: books.eventsCounted,
    digest: books.digest,
  };
  return [{ type: 'PeriodClosed', businessKey: periodCloseKey(command.year), occurredAt: command.closedAt, data }];
}

export function decideBankConfirmation(command: ConfirmBankBalance, ledgerBalance: Money): DomainEvent[] {
  const data: BankBalanceConfirmedV1 = {
    confirmationId: command.confirmationId,
    fundId: command.fundId,
    date: command.date,
    bankBalance: formatMoney(command.balance),
    ledgerBalance: formatMoney(ledgerBalance),
    difference: formatMoney(command.balance.minus(ledgerBalance)),
  };
  return [{ type: 'BankBalanceConfirmed', businessKey: bankConfirmationKey(command.confirmationId), occurredAt: command.date, data }];
}

export function emptyClosingBooks(): ClosingBooks {
  const funds = {} as ClosingBooks['funds'];
  for (const fundId of FUND_IDS) funds[fundId] = { opening: ZERO, income: ZERO, outflow: ZERO, closing: ZERO };
  return { funds, throughPosition: null, eventsCounted: 0, digest: '' };
}
