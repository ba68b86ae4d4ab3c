import type Decimal from 'decimal.js';
import { fenOfAmount, fenToText, PolicyDecimal, ZERO as POLICY_ZERO } from '@ledger/policy';

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
  if (!amount.isNegative()) {
    try {
      // Whole fen (every amount a command carries): the text read off the Decimal's digits, as
      // toFixed(2) writes it without its arithmetic (money.spec.ts compares the two).
      return fenToText(fenOfAmount(amount));
    } catch {
      // finer than a fen, beyond 2^53 fen, or another Decimal class: decimal.js rounds it below
    }
  }
  const fixed = amount.toFixed(2);
  return fixed === '-0.00' ? '0.00' : fixed;
}

export function sum(amounts: Iterable<Money>): Money {
  let total: Money = ZERO;
  for (const amount of amounts) total = total.plus(amount);
  return total;
}

/**
 * Whole fen: how the resident state (resident.ts) holds amounts, because every import decision
 * folds them and a Decimal per amount made the kept states ~5 KB each and most of the import's
 * garbage. Only whole numbers of fen below 2^53 are taken; anything else throws a RangeError, so an
 * amount is held exactly or not at all. The texts are the two-decimal yuan of the events
 * (`formatMoney`), and `formatFen` gives back the same text.
 */
export type Fen = number;

/**
 * "380.00", "-12.5", "7" → whole fen; NaN for anything that is not a yuan amount of at most two
 * decimals within 2^53 fen. Read digit by digit: the importer's resident state and the auditor's
 * fold read every amount of every event through it.
 */
export function fenOfTextOrNaN(text: string): number {
  const length = text.length;
  let i = 0;
  const negative = length > 0 && text.charCodeAt(0) === 45; // '-'
  if (negative) i = 1;
  let fen = 0;
  let digits = 0;
  for (; i < length; i += 1) {
    const digit = text.charCodeAt(i) - 48;
    if (digit === -2) break; // '.'
    if (digit < 0 || digit > 9) return NaN;
    fen = fen * 10 + digit;
    digits += 1;
  }
  let decimals = 0;
  if (i < length) {
    for (i += 1; i < length; i += 1) {
      const digit = text.charCodeAt(i) - 48;
      if (digit < 0 || digit > 9 || decimals === 2) return NaN;
      fen = fen * 10 + digit;
      decimals += 1;
    }
    if (decimals === 0) return NaN;
  }
  if (digits === 0) return NaN;
  if (decimals < 2) fen *= decimals === 1 ? 10 : 100;
  // Past 2^53 a step may have rounded, but the value only grew, so it is still past it.
  if (!Number.isSafeInteger(fen)) return NaN;
  return negative && fen !== 0 ? -fen : fen;
}

/** fenOfTextOrNaN that throws a RangeError instead of answering NaN. */
export function fenOfText(text: string): Fen {
  const fen = fenOfTextOrNaN(text);
  if (Number.isNaN(fen)) throw new RangeError(`not a yuan amount of at most two decimals within 2^53 fen: ${JSON.stringify(text)}`);
  return fen;
}

/** A Money amount in whole fen; throws a RangeError when it is not whole fen within 2^53. */
export function fenOfMoney(amount: Money): Fen {
  try {
    return fenOfAmount(amount); // reads the Decimal's digits, no arithmetic (non-negative amounts)
  } catch {
    // negative, or finer than a fen: the exact way below answers or refuses
  }
  const fen = amount.times(100);
  if (!fen.isInteger() || fen.abs().greaterThan(Number.MAX_SAFE_INTEGER)) throw new RangeError(`${amount.toString()} is not held in whole fen`);
  return fen.isZero() ? 0 : fen.toNumber();
}

/** Whole fen as the two-decimal yuan text of `formatMoney` ("-0.00" never appears): the policy's fenToText. */
export const formatFen: (fen: Fen) => string = fenToText;

/** Sum of whole fen that stays exact; throws a RangeError past 2^53. */
export function addFen(a: Fen, b: Fen): Fen {
  const sum = a + b;
  if (!Number.isSafeInteger(sum)) throw new RangeError('an amount beyond 2^53 fen cannot be held exactly');
  return sum;
}
