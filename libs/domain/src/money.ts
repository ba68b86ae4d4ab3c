import type Decimal from 'decimal.js';
import { PolicyDecimal, ZERO as POLICY_ZERO } from '@ledger/policy';

/**
 * Money is yuan held as a decimal.js Decimal inside the ledger and as a string with two
 * fraction digits ("380.00") at every boundary. A JS number never carries an amount.
 */
export type Money = Decimal;

// One Decimal configuration for the whole ledger (40 significant digits, half-up): the policy's.
const MoneyDecimal = PolicyDecimal;

const MONEY_PATTERN = /^-?(0|[1-9]\d{0,14})(\.\d{1,2})?$/;

export const ZERO: Money = POLICY_ZERO;

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
