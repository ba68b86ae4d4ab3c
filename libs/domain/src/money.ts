import Decimal from 'decimal.js';

/**
 * Money is yuan held as a decimal.js Decimal inside the ledger and as a string with two
 * fraction digits ("380.00") at every boundary. A JS number never carries an amount.
 */
export type Money = Decimal;

// Amounts up to trillions of yuan with fen precision need ~16 significant digits; 40 leaves
// headroom so that sums over millions of postings are exact.
const MoneyDecimal = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });

const MONEY_PATTERN = /^-?(0|[1-9]\d{0,14})(\.\d{1,2})?$/;

export const ZERO: Money = new MoneyDecimal(0);

/** True when `text` is a yuan amount with at most two fraction digits (no exponent, no spaces). */
export function isMoneyText(text: unknown): text is string {
  return typeof text === 'string' && MONEY_PATTERN.test(text);
}

export function money(text: string | Money): Money {
  if (typeof text !== 'string') return new MoneyDecimal(text);
  if (!isMoneyText(text)) throw new RangeError(`not a yuan amount with at most two decimals: ${JSON.stringify(text)}`);
  return new MoneyDecimal(text);
}

/** Canonical wire form: always two fraction digits, "-0.00" never appears. */
export function formatMoney(amount: Money): string {
  const fixed = amount.toFixed(2);
  return fixed === '-0.00' ? '0.00' : fixed;
}

export function sum(amounts: Iterable<Money>): Money {
  let total: Money = ZERO;
  for (const amount of amounts) total = total.plus(amount);
  return total;
}
