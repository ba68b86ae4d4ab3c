/**
 * A small deterministic PRNG for synthetic data: mulberry32 seeded from a 32-bit mix of
 * (seed, domain, index), so any resident or day can be regenerated on its own, in any order,
 * without keeping state for the whole population.
 */
export type Random = () => number;

/** 32-bit integer mix (murmur3 finaliser), used to derive independent seeds. */
export function mix32(value: number): number {
  let h = value | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export function seedOf(seed: number, domain: number, index: number): number {
  return mix32(mix32(mix32(seed) ^ Math.imul(domain + 1, 0x9e3779b1)) ^ Math.imul(index + 1, 0x7feb352d));
}

export function mulberry32(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function rngFor(seed: number, domain: number, index: number): Random {
  return mulberry32(seedOf(seed, domain, index));
}

/** An integer in [min, max], inclusive. */
export function intBetween(random: Random, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

/** Picks a key by relative weight; `table` is built once with `weighted`. */
export interface WeightedTable<T> {
  values: readonly T[];
  cumulative: Float64Array;
}

export function weighted<T>(entries: ReadonlyArray<readonly [T, number]>): WeightedTable<T> {
  const cumulative = new Float64Array(entries.length);
  let total = 0;
  entries.forEach(([, weight], index) => {
    total += weight;
    cumulative[index] = total;
  });
  for (let i = 0; i < cumulative.length; i += 1) cumulative[i] /= total;
  return { values: entries.map(([value]) => value), cumulative };
}

export function pick<T>(random: Random, table: WeightedTable<T>): T {
  const u = random();
  const { cumulative, values } = table;
  for (let i = 0; i < cumulative.length; i += 1) if (u < cumulative[i]) return values[i];
  return values[values.length - 1];
}

/** Log-normal with the given median and shape (sigma of the underlying normal). */
export function logNormal(random: Random, median: number, sigma: number): number {
  // Box–Muller; 1 - u keeps log() away from 0.
  const u1 = 1 - random();
  const u2 = random();
  const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  return median * Math.exp(sigma * z);
}
