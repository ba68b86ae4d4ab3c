/**
 * Business dates are calendar dates in Asia/Shanghai written YYYY-MM-DD. All arithmetic runs on
 * UTC midnights, so neither the host time zone nor any DST rule can shift a day.
 */
export type BusinessDate = string;

const DAY_MS = 86_400_000;

/**
 * Strict: the right shape and a real calendar day (rejects 2025-02-30, 2023-02-29). Read digit by
 * digit, not through a RegExp match and a Date: every claim settled asks it (tens of thousands a
 * second in an import). Years below 100 are refused, as the check through Date.UTC (which reads
 * them as 1900–1999) always refused them.
 */
export function isValidBusinessDate(s: string): boolean {
  if (typeof s !== 'string' || s.length !== 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return false;
  const year = digitsAt(s, 0, 4);
  const month = digitsAt(s, 5, 2);
  const day = digitsAt(s, 8, 2);
  if (year < 100 || month < 1 || month > 12 || day < 1) return false;
  return day <= daysInMonth(year, month);
}

/** The number written by `count` ASCII digits from `from`; -1 when any is not a digit. */
function digitsAt(s: string, from: number, count: number): number {
  let value = 0;
  for (let i = from; i < from + count; i += 1) {
    const digit = s.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/** A long month's days; April, June, September and November have one fewer (a calendar fact, not a policy figure). */
const LONG_MONTH_DAYS = 31;
const SHORTER_MONTHS = [4, 6, 9, 11];

function daysInMonth(year: number, month: number): number {
  if (month !== 2) return SHORTER_MONTHS.includes(month) ? LONG_MONTH_DAYS - 1 : LONG_MONTH_DAYS;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return leap ? 29 : 28;
}

export function assertBusinessDate(value: unknown, what: string): asserts value is BusinessDate {
  if (typeof value !== 'string' || !isValidBusinessDate(value)) {
    throw new RangeError(`${what} must be a YYYY-MM-DD calendar date, got ${JSON.stringify(value)}`);
  }
}

function epochDay(date: BusinessDate): number {
  return Date.parse(`${date}T00:00:00Z`) / DAY_MS;
}

function fromUtc(date: Date): BusinessDate {
  return date.toISOString().slice(0, 10);
}

/** `to − from` in whole days. */
export function daysBetween(from: BusinessDate, to: BusinessDate): number {
  assertBusinessDate(from, 'from');
  assertBusinessDate(to, 'to');
  return epochDay(to) - epochDay(from);
}

export function addDays(date: BusinessDate, days: number): BusinessDate {
  assertBusinessDate(date, 'date');
  return fromUtc(new Date((epochDay(date) + days) * DAY_MS));
}

/**
 * The same day `years` later; a 29 February lands on 28 February in a common year (the
 * anniversary is the last day of that February).
 */
export function addYears(date: BusinessDate, years: number): BusinessDate {
  return addMonths(date, years * 12);
}

/**
 * The same day of the month `months` later (negative: earlier); a day the target month lacks
 * lands on its last day (31 March − 1 month = 28/29 February), so a window "N months before" a
 * date never reaches into the month after.
 */
export function addMonths(date: BusinessDate, months: number): BusinessDate {
  assertBusinessDate(date, 'date');
  if (!Number.isInteger(months)) throw new RangeError(`months must be a whole number, got ${months}`);
  const monthIndex = yearOf(date) * 12 + Number(date.slice(5, 7)) - 1 + months;
  const year = Math.floor(monthIndex / 12);
  const month = monthIndex - year * 12;
  const day = Number(date.slice(8, 10));
  const lastDayOfMonth = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return fromUtc(new Date(Date.UTC(year, month, Math.min(day, lastDayOfMonth))));
}

export function firstDayOfNextMonth(date: BusinessDate): BusinessDate {
  assertBusinessDate(date, 'date');
  const year = yearOf(date);
  const month = Number(date.slice(5, 7));
  return fromUtc(new Date(Date.UTC(year, month, 1)));
}

export function firstDayOfYear(year: number): BusinessDate {
  if (!Number.isInteger(year) || year < 1 || year > 9999) throw new RangeError(`not a calendar year: ${year}`);
  return `${String(year).padStart(4, '0')}-01-01`;
}

export function yearOf(date: BusinessDate): number {
  return Number(date.slice(0, 4));
}

export function laterOf(a: BusinessDate, b: BusinessDate): BusinessDate {
  return a >= b ? a : b;
}
