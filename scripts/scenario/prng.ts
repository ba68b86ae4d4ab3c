import Decimal from 'decimal.js';

/**
 * A seeded PRNG (mulberry32) with the few draws the scenario needs. Each resident gets its own
 * stream derived from (seed, index), so a resident's facts do not depend on the others'.
 */
export class Prng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  static derive(seed: number, ...parts: number[]): Prng {
    let h = mix(seed);
    for (const part of parts) h = mix(h ^ Math.imul(part + 1, 0x9e3779b1));
    return new Prng(h);
  }

  /** [0, 1) */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [low, high]. */
  int(low: number, high: number): number {
    return low + Math.floor(this.next() * (high - low + 1));
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

function mix(value: number): number {
  let h = value | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
