/**
 * Business dates are calendar dates in Asia/Shanghai written YYYY-MM-DD. Arithmetic is done on
 * UTC midnights so that no host time zone or DST rule can shift a day.
 */
export type BusinessDate = string;

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

export function isBusinessDate(text: unknown): text is BusinessDate {
  if (typeof text !== 'string') return false;
  const match = DATE_PATTERN.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

function toEpochDay(date: BusinessDate): number {
  return Date.parse(`${date}T00:00:00Z`) / DAY_MS;
}

/** `to − from` in whole days. */
export function daysBetween(from: BusinessDate, to: BusinessDate): number {
  return toEpochDay(to) - toEpochDay(from);
}

export function yearOf(date: BusinessDate): number {
  return Number(date.slice(0, 4));
}

/** "YYYY-MM" of a business date. */
export function monthOf(date: BusinessDate): string {
  return date.slice(0, 7);
}

/** The business date in Asia/Shanghai at the given instant (the ledger's "today"). */
export function shanghaiDateOf(instant: Date): BusinessDate {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(instant);
}

export function maxDate(a: BusinessDate, b: BusinessDate): BusinessDate {
  return a >= b ? a : b;
}
