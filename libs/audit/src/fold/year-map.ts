/**
 * A Map from insurance year to a value, for the handful of years one resident has. Every resident
 * had five Maps, and an empty Map with its hash table is a few hundred bytes: at a million
 * residents that alone was gigabytes of heap. Here the entries are one flat array [year, value, …],
 * made on the first set, with a Map's order (insertion; a deleted year set again goes last).
 */
export class YearMap<T> {
  private items: Array<number | T> | null = null;

  get size(): number {
    return this.items === null ? 0 : this.items.length / 2;
  }

  get(year: number): T | undefined {
    const items = this.items;
    if (items === null) return undefined;
    for (let i = 0; i < items.length; i += 2) if (items[i] === year) return items[i + 1] as T;
    return undefined;
  }

  has(year: number): boolean {
    const items = this.items;
    if (items === null) return false;
    for (let i = 0; i < items.length; i += 2) if (items[i] === year) return true;
    return false;
  }

  set(year: number, value: T): this {
    if (this.items === null) {
      this.items = [year, value];
      return this;
    }
    const items = this.items;
    for (let i = 0; i < items.length; i += 2) {
      if (items[i] === year) {
        items[i + 1] = value;
        return this;
      }
    }
    items.push(year, value);
    return this;
  }

  delete(year: number): boolean {
    const items = this.items;
    if (items === null) return false;
    for (let i = 0; i < items.length; i += 2) {
      if (items[i] === year) {
        if (items.length === 2) this.items = null;
        else items.splice(i, 2);
        return true;
      }
    }
    return false;
  }

  *values(): IterableIterator<T> {
    const items = this.items;
    if (items === null) return;
    for (let i = 1; i < items.length; i += 2) yield items[i] as T;
  }

  *[Symbol.iterator](): IterableIterator<[number, T]> {
    const items = this.items;
    if (items === null) return;
    for (let i = 0; i < items.length; i += 2) yield [items[i] as number, items[i + 1] as T];
  }
}
