import Decimal from 'decimal.js';
import { intBetween, mix32, mulberry32, type Random } from '../synthetic/prng';

/**
 * The scenario's draws over the synthetic year's PRNG (mulberry32). Each resident gets its own
 * stream derived from (seed, index), so a resident's facts do not depend on the others'.
 */
export class Prng {
  private readonly random: Random;

  constructor(seed: number) {
    this.random = mulberry32(seed);
  }

  static derive(seed: number, ...parts: number[]): Prng {
    let h = mix32(seed);
    for (const part of parts) h = mix32(h ^ Math.imul(part + 1, 0x9e3779b1));
    return new Prng(h);
  }

  /** [0, 1) */
  next(): number {
    return this.random();
  }

  /** An integer in [low, high]. */
  int(low: number, high: number): number {
    return intBetween(this.random, low, high);
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** Picks by weight: [[item, weight], …]. */
  weighted<T>(choices: ReadonlyArray<readonly [T, number]>): T {
    const total = choices.reduce((sum, [, weight]) => sum + weight, 0);
    let draw = this.next() * total;
    for (const [item, weight] of choices) {
      draw -= weight;
      if (draw < 0) return item;
    }
    return choices[choices.length - 1][0];
  }

  /** A yuan amount between two whole-yuan bounds, to the fen, as a Decimal. */
  yuan(low: number, high: number): Decimal {
    return new Decimal(this.int(low * 100, high * 100)).div(100);
  }
}
