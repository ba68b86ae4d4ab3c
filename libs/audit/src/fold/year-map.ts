/**
 * A Map from insurance year to a value, for the handful of years one resident has. Every resident
 * had five Maps, and an empty Map with its hash table is a few hundred bytes: at a million
 * residents that alone was gigabytes of heap. Most residents have one year, so the first entry is
 * held in two fields and only further years go to a flat array [year, value, …]. Iteration is in
 * a Map's order (insertion; a deleted year set again goes last). "No first entry" is null rather than
 * a number no year can be: a double there would be boxed, one more heap object per map.
 */
export type ReadonlyYearMap<T> = Pick<YearMap<T>, 'size' | 'get' | 'has' | 'values' | typeof Symbol.iterator>;

export class YearMap<T> {
  private firstYear: number | null = null;
  private firstValue: T | undefined = undefined;
  private more: Array<number | T> | null = null;

  get size(): number {
    return (this.firstYear === null ? 0 : 1) + (this.more === null ? 0 : this.more.length / 2);
  }

  get(year: number): T | undefined {
    if (this.firstYear === year) return this.firstValue;
    const more = this.more;
    if (more === null) return undefined;
    for (let i = 0; i < more.length; i += 2) if (more[i] === year) return more[i + 1] as T;
    return undefined;
  }

  has(year: number): boolean {
    if (this.firstYear === year) return true;
    const more = this.more;
    if (more === null) return false;
    for (let i = 0; i < more.length; i += 2) if (more[i] === year) return true;
    return false;
  }

  set(year: number, value: T): this {
    if (this.firstYear === year) {
      this.firstValue = value;
      return this;
    }
    if (this.firstYear === null && this.more === null) {
      this.firstYear = year;
      this.firstValue = value;
      return this;
    }
    const more = this.more ?? (this.more = []);
    for (let i = 0; i < more.length; i += 2) {
      if (more[i] === year) {
        more[i + 1] = value;
        return this;
      }
    }
    more.push(year, value);
    return this;
  }

  delete(year: number): boolean {
    const more = this.more;
    if (this.firstYear === year) {
      if (more === null) {
        this.firstYear = null;
        this.firstValue = undefined;
      } else {
        // The next entry in order moves up into the fields.
        this.firstYear = more[0] as number;
        this.firstValue = more[1] as T;
        if (more.length === 2) this.more = null;
        else more.splice(0, 2);
      }
      return true;
    }
    if (more === null) return false;
    for (let i = 0; i < more.length; i += 2) {
      if (more[i] === year) {
        if (more.length === 2) this.more = null;
        else more.splice(i, 2);
        return true;
      }
    }
    return false;
  }

  *values(): IterableIterator<T> {
    for (const [, value] of this) yield value;
  }

  *[Symbol.iterator](): IterableIterator<[number, T]> {
    if (this.firstYear !== null) yield [this.firstYear, this.firstValue as T];
    const more = this.more;
    if (more === null) return;
    for (let i = 0; i < more.length; i += 2) yield [more[i] as number, more[i + 1] as T];
  }
}
