import { YearMap } from './year-map';

describe('YearMap', () => {
  it('behaves like a Map of years under any sequence of sets and deletes', () => {
    let seed = 7;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const years = new YearMap<number>();
    const reference = new Map<number, number>();
    for (let step = 0; step < 5_000; step += 1) {
      const year = 2020 + Math.floor(next() * 5);
      if (next() < 0.4) expect(years.delete(year)).toBe(reference.delete(year));
      else {
        years.set(year, step);
        reference.set(year, step);
      }
      expect(years.get(year)).toBe(reference.get(year));
      expect(years.has(year + 1)).toBe(reference.has(year + 1));
      expect(years.size).toBe(reference.size);
      expect([...years]).toEqual([...reference]);
      expect([...years.values()]).toEqual([...reference.values()]);
    }
  });
});
