/**
 * Business dates are calendar dates in Asia/Shanghai written YYYY-MM-DD. All arithmetic runs on
 * UTC midnights, so neither the host time zone nor any DST rule can shift a day.
 */
export type BusinessDate = string;

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/** Strict: the right shape and a real calendar day (rejects 2025-02-30, 2023-02-29). */
export function isValidBusinessDate(s: string): boolean {
  if (typeof s !== 'string') return false;
  const match = DATE_PATTERN.exec(s);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
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
