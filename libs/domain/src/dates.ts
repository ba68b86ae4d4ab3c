import { isValidBusinessDate, type BusinessDate } from '@ledger/policy';

/**
 * Business dates are calendar dates in Asia/Shanghai written YYYY-MM-DD; the date arithmetic
 * lives with the policy rules that need it and is re-exported here for the rest of the domain.
 */
export { daysBetween, yearOf, type BusinessDate } from '@ledger/policy';

export function isBusinessDate(value: unknown): value is BusinessDate {
  return typeof value === 'string' && isValidBusinessDate(value);
}

/** "YYYY-MM" of a business date. */
export function monthOf(date: BusinessDate): string {
  return date.slice(0, 7);
}

/** Built once: constructing an Intl.DateTimeFormat costs far more than formatting with one. */
const SHANGHAI_DATE = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' });

/**
 * The last answer, by the whole second it was for: a zone's offsets are whole seconds, so its date
 * changes only on a second's boundary, and every balance request asks for "today".
 */
let lastSecond = Number.NaN;
let lastDate = '';

/** The business date in Asia/Shanghai at the given instant (the ledger's "today"). */
export function shanghaiDateOf(instant: Date): BusinessDate {
  const second = Math.floor(instant.getTime() / 1000);
  if (second !== lastSecond) {
    lastDate = SHANGHAI_DATE.format(instant);
    lastSecond = second;
  }
  return lastDate;
}
