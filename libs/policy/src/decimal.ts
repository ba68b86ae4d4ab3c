import Decimal from 'decimal.js';

/**
 * Money and ratios are decimal.js values; a JS number never carries an amount. 40 significant
 * digits keep products of yuan amounts and ratios exact before the single rounding step.
 */
export const PolicyDecimal = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });

export const ZERO: Decimal = new PolicyDecimal(0);

export function toDecimal(value: Decimal.Value): Decimal {
  return new PolicyDecimal(value);
}

/**
 * THE rounding rule of the policy library: to the fen (0.01 yuan), half up (ROUND_HALF_UP,
 * 四舍五入). Every amount a rule pays is rounded with this function and nothing else.
 */
export function roundFen(d: Decimal): Decimal {
  return new PolicyDecimal(d).toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
}

export function isFenPrecise(d: Decimal): boolean {
  return d.decimalPlaces() <= 2;
}

export function minOf(...values: Decimal[]): Decimal {
  return values.reduce((least, value) => (value.lessThan(least) ? value : least));
}

export function maxOf(...values: Decimal[]): Decimal {
  return values.reduce((most, value) => (value.greaterThan(most) ? value : most));
}

export function clampNonNegative(d: Decimal): Decimal {
  return d.isNegative() ? ZERO : d;
}
