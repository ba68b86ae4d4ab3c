import { fenOfTextOrNaN, money, type Money } from '@ledger/domain';
import { decimalOfFen, fenToText } from '@ledger/policy';

/**
 * Money in the audit fold as whole fen where that is exact. An event's amount is a yuan text of at
 * most two decimals (event-shapes.ts checks it), so it is exactly an integer number of fen — a
 * safe one below 2^53 fen (90 trillion yuan); the texts allow up to 10^17 fen, and a running sum
 * could pass 2^53. So an amount or a sum is a number while it is a safe integer and a Decimal from
 * the first step that would not be (`FenOrMoney`), and every reader takes the Decimal path for
 * it: nothing depends on a float that might have rounded.
 */
export type FenOrMoney = number | Money;

/** The amount as a Decimal (fen turned back exactly). */
export function moneyOf(amount: FenOrMoney): Money {
  return typeof amount === 'number' ? decimalOfFen(amount) : amount;
}

/** The amount of a text: fen when exact, else the Decimal. */
export function amountOfText(text: string): FenOrMoney {
  const fen = fenOfTextOrNaN(text);
  return Number.isNaN(fen) ? money(text) : fen;
}

/**
 * Sums kept in the auditor's state stay numbers only within V8's small integers (±2^30 fen, ten
 * million yuan a resident-year — far above any real year; a larger sum is a Decimal), each made one
 * with `| 0`. Why: when the state was sealed with node:v8, a number was written by how V8 happened
 * to hold it (a small integer, or a double once any object of the same shape had held one), and a
 * full replay's seal differed from a resumed one's. The seal is JSON now, which does not depend on
 * that; the bound is kept because it costs nothing at real sizes and keeps the numbers small.
 */
const MAX_STATE_FEN = 2 ** 30 - 1;

/** total + amount: whole fen while both are fen and the sum is a small integer (above), else a Decimal. */
export function plusAmount(total: FenOrMoney, amount: FenOrMoney): FenOrMoney {
  if (typeof total === 'number' && typeof amount === 'number') {
    const sum = total + amount;
    if (sum <= MAX_STATE_FEN && sum >= -MAX_STATE_FEN) return sum | 0;
  }
  if (amount === 0) return total;
  return moneyOf(total).plus(moneyOf(amount));
}

/** total − amount, as plusAmount. */
export function minusAmount(total: FenOrMoney, amount: FenOrMoney): FenOrMoney {
  return plusAmount(total, typeof amount === 'number' ? -amount : amount.negated());
}

export function isZeroAmount(amount: FenOrMoney): boolean {
  return typeof amount === 'number' ? amount === 0 : amount.isZero();
}

export function isPositiveAmount(amount: FenOrMoney): boolean {
  return typeof amount === 'number' ? amount > 0 : amount.greaterThan(0);
}

/**
 * `money(text).toFixed(2)` without a Decimal, given the text's fen (fenOfTextOrNaN): the same text for
 * every money text ("-0.00" included: decimal.js writes a negative zero as "0.00").
 */
export function fixedText(text: string, fen: number): string {
  return Number.isNaN(fen) ? money(text).toFixed(2) : fenToText(fen);
}
