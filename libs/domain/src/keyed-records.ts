/**
 * An immutable map of records that each carry their own key (an enrollment its year, a claim its
 * id), for the resident state every import decision folds: evolve adds or replaces one record per
 * event, and copying a whole `Map` for that (what the state did before) cost a hash table per
 * event and ~200 bytes per map per resident kept in memory. Here a record list is one array, copied
 * on write (a resident has a handful of records; the copy is a memcpy of pointers), shared by every
 * state that did not change it.
 *
 * Lists longer than INDEXED_FROM are looked up through a key → position index built once and
 * handed on to the lists derived from it. A derived list only adds entries to that shared index,
 * never removes any, so: a key not in the index is in none of the lists that share it; a key found
 * is checked against the record at that position (a sibling list may have put another record
 * there), and on a mismatch the list scans itself. Nothing a caller can observe is ever mutated.
 */
const INDEXED_FROM = 9;

export abstract class KeyedRecords<K, V> implements ReadonlyMap<K, V> {
  private index: Map<K, number> | undefined;

  protected constructor(
    protected readonly records: readonly V[],
    index?: Map<K, number>,
  ) {
    this.index = index;
  }

  protected abstract keyOf(record: V): K;
  protected abstract derive(records: readonly V[], index: Map<K, number> | undefined): this;

  get size(): number {
    return this.records.length;
  }

  get(key: K): V | undefined {
    const position = this.positionOf(key);
    return position < 0 ? undefined : this.records[position];
  }

  has(key: K): boolean {
    return this.positionOf(key) >= 0;
  }

  /** The list with `record` in place of the one of the same key, or added last. */
  with(record: V): this {
    const key = this.keyOf(record);
    const position = this.positionOf(key);
    const length = this.records.length;
    // Exactly sized (a push would leave the array room to grow, kept in memory with every state).
    const records: V[] = new Array(position >= 0 ? length : length + 1);
    for (let i = 0; i < length; i += 1) records[i] = this.records[i];
    if (position >= 0) {
      records[position] = record;
      return this.derive(records, this.index);
    }
    records[length] = record;
    // Only a list that needs the index hands it on (and adds its new record to it).
    this.index?.set(key, length);
    return this.derive(records, this.index);
  }

  values(): IterableIterator<V> {
    return this.records.values();
  }

  *keys(): IterableIterator<K> {
    for (const record of this.records) yield this.keyOf(record);
  }

  *entries(): IterableIterator<[K, V]> {
    for (const record of this.records) yield [this.keyOf(record), record];
  }

  [Symbol.iterator](): IterableIterator<[K, V]> {
    return this.entries();
  }

  forEach(callback: (value: V, key: K, map: ReadonlyMap<K, V>) => void, thisArg?: unknown): void {
    for (const record of this.records) callback.call(thisArg, record, this.keyOf(record), this);
  }

  private positionOf(key: K): number {
    const records = this.records;
    if (records.length < INDEXED_FROM) return this.scan(key);
    this.index ??= this.buildIndex();
    const position = this.index.get(key);
    if (position === undefined) return -1;
    if (position < records.length && this.keyOf(records[position]) === key) return position;
    return this.scan(key);
  }

  private scan(key: K): number {
    const records = this.records;
    for (let i = 0; i < records.length; i += 1) if (this.keyOf(records[i]) === key) return i;
    return -1;
  }

  private buildIndex(): Map<K, number> {
    const index = new Map<K, number>();
    this.records.forEach((record, position) => index.set(this.keyOf(record), position));
    return index;
  }
}
