import type { Position } from '@ledger/event-store';
import { SEALED_FIELDS, type SealsOwnFields } from '../sealed-state';

/**
 * Where each key (an event id, a business key) was first seen, for exact duplicate detection over
 * a whole history. A year holds millions of events, and a Map of millions of strings costs ~90
 * bytes an entry on the JavaScript heap; most keys have a regular form that packs losslessly into
 * a few 32-bit words, so those live in typed arrays (outside the heap, ~50 bytes an entry) instead.
 *
 * Exact by construction, never probabilistic: a packed form is a bijection of the text it came
 * from (the full key is stored, not a hash of it, and equal words mean equal text), and which
 * store a key goes to depends on the text alone, so the same key always meets itself. Keys of no
 * known form keep the plain Map.
 */
export class FirstSeenIndex {
  private readonly uuids = new PackedKeyTable(UUID_WORDS);
  private readonly numbered = new PackedKeyTable(NUMBERED_WORDS);
  private readonly prefixes = new Map<string, number>();
  private readonly prefixTexts: string[] = [];
  private readonly others = new Map<string, Position>();
  private readonly scratch = new Uint32Array(PACKED_WORDS);

  /** The position `key` was first seen at; undefined when it is new, and it is then recorded at `position`. */
  firstOrAdd(key: string, position: Position): Position | undefined {
    const form = this.pack(key, this.scratch);
    if (form !== KeyForm.Text) return this.firstOrAddWords(form, this.scratch, position);
    const first = this.others.get(key);
    if (first === undefined) this.others.set(key, position);
    return first;
  }

  /**
   * firstOrAdd of a key already in its packed form (`words`, as pack() wrote them for `form`): for
   * a caller that packed the key itself, or whose key is 128 bits to begin with (a UUID's words).
   */
  firstOrAddWords(form: KeyForm.Uuid | KeyForm.Numbered, words: Uint32Array, position: Position): Position | undefined {
    return form === KeyForm.Uuid ? this.uuids.firstOrAdd(words, position) : this.numbered.firstOrAdd(words, position);
  }

  /** The position recorded for `key`, recording nothing. */
  find(key: string): Position | undefined {
    switch (this.pack(key, this.scratch)) {
      case KeyForm.Uuid:
        return this.uuids.find(this.scratch);
      case KeyForm.Numbered:
        return this.numbered.find(this.scratch);
      default:
        return this.others.get(key);
    }
  }

  /** The packed form of `key` in `out` (PACKED_WORDS words), for a caller that keeps keys as words too. */
  pack(key: string, out: Uint32Array): KeyForm {
    if (packUuid(key, out)) return KeyForm.Uuid;
    if (this.packNumbered(key, out)) return KeyForm.Numbered;
    return KeyForm.Text;
  }

  /** The text a packed form came from (the inverse of pack for Uuid and Numbered forms). */
  textOf(form: KeyForm.Uuid | KeyForm.Numbered, words: Uint32Array, offset: number): string {
    if (form === KeyForm.Uuid) {
      let hex = '';
      for (let i = 0; i < UUID_WORDS; i += 1) hex += words[offset + i].toString(16).padStart(8, '0');
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    }
    const head = words[offset];
    const value = words[offset + 1] + words[offset + 2] * WORD_SPAN;
    return this.prefixTexts[Math.floor(head / DIGIT_COUNT_SPAN)] + String(value).padStart(head % DIGIT_COUNT_SPAN, '0');
  }

  /**
   * "prefix + trailing digits" (claim:CLM-2025-00004209): the prefix by a small dictionary, the
   * digits as their count and value, so leading zeros survive. A prefix first met once the
   * dictionary is full is never added later, so its keys always take the Map path.
   */
  private packNumbered(key: string, out: Uint32Array): boolean {
    let start = key.length;
    while (start > 0 && isDigit(key.charCodeAt(start - 1))) start -= 1;
    const digits = key.length - start;
    if (digits === 0 || digits > MAX_EXACT_DIGITS) return false;
    const prefix = key.slice(0, start);
    let prefixId = this.prefixes.get(prefix);
    if (prefixId === undefined) {
      if (this.prefixes.size >= MAX_PREFIXES) return false;
      prefixId = this.prefixes.size;
      this.prefixes.set(prefix, prefixId);
      this.prefixTexts.push(prefix);
    }
    let value = 0;
    for (let i = start; i < key.length; i += 1) value = value * 10 + (key.charCodeAt(i) - CHAR_0);
    out[0] = prefixId * DIGIT_COUNT_SPAN + digits;
    out[1] = value % WORD_SPAN;
    out[2] = Math.floor(value / WORD_SPAN);
    return true;
  }
}

export enum KeyForm {
  Text = 0,
  Uuid = 1,
  Numbered = 2,
}

const UUID_WORDS = 4;
const NUMBERED_WORDS = 3;
export const PACKED_WORDS = 4;
/** 10^15 < 2^53: a digit run this long is still an exact double. */
const MAX_EXACT_DIGITS = 15;
const DIGIT_COUNT_SPAN = 16;
/** prefixId × 16 + digit count must fit one 32-bit word. */
const MAX_PREFIXES = 1 << 20;
const WORD_SPAN = 2 ** 32;
const CHAR_0 = 48;

function isDigit(code: number): boolean {
  return code >= CHAR_0 && code <= CHAR_0 + 9;
}

function hexValue(code: number): number {
  if (code >= CHAR_0 && code <= CHAR_0 + 9) return code - CHAR_0;
  if (code >= 97 && code <= 102) return code - 87; // a-f only: upper case is a different text, so it takes the Map
  return -1;
}

/** Canonical lower-case 8-4-4-4-12 UUID text as 128 bits; false for any other text. */
function packUuid(key: string, out: Uint32Array): boolean {
  if (key.length !== 36) return false;
  let word = 0;
  let nibbles = 0;
  for (let i = 0; i < 36; i += 1) {
    const code = key.charCodeAt(i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (code !== 45) return false;
      continue;
    }
    const value = hexValue(code);
    if (value < 0) return false;
    word = (word << 4) | value;
    nibbles += 1;
    if (nibbles % 8 === 0) out[nibbles / 8 - 1] = word >>> 0;
  }
  return true;
}

/**
 * Fixed-width keys (`width` 32-bit words) → first position. Keys and positions are stored densely
 * in insertion order; an open-addressing table (linear probing, at most half full) finds them.
 * Each slot holds an entry number and that key's hash: a probe compares hashes first, so it reads
 * a stored key only when the hashes are equal. Nearly every key of a history is new, and at
 * millions of entries each stored key read on the way was a cache miss of its own.
 */
class PackedKeyTable implements SealsOwnFields {
  private words: Uint32Array;
  private positions: BigInt64Array;
  /** Slot i: [2i] entry number + 1 (0: empty), [2i + 1] the entry's key hash. */
  private slots: Int32Array;
  private slotMask: number;
  private count = 0;

  constructor(private readonly width: number) {
    this.words = new Uint32Array(INITIAL_ENTRIES * width);
    this.positions = new BigInt64Array(INITIAL_ENTRIES);
    // A power of two (the mask), twice the entries: the table stays at most half full.
    this.slots = new Int32Array(INITIAL_ENTRIES * 2 * 2);
    this.slotMask = INITIAL_ENTRIES * 2 - 1;
  }

  find(key: Uint32Array): Position | undefined {
    const entry = this.slots[2 * this.slotOf(key, this.hashOf(key))] - 1;
    return entry < 0 ? undefined : this.positions[entry];
  }

  firstOrAdd(key: Uint32Array, position: Position): Position | undefined {
    const hash = this.hashOf(key);
    const slot = this.slotOf(key, hash);
    const found = this.slots[2 * slot] - 1;
    if (found >= 0) return this.positions[found];
    if (this.count === this.positions.length) this.growEntries();
    const entry = this.count;
    this.count += 1;
    // A loop, not set(key.subarray()): V8 makes a subarray in ~0.5 µs, and this runs for every new key.
    const base = entry * this.width;
    for (let i = 0; i < this.width; i += 1) this.words[base + i] = key[i];
    this.positions[entry] = position;
    this.slots[2 * slot] = entry + 1;
    this.slots[2 * slot + 1] = hash;
    if (this.count * 2 > this.slotMask + 1) this.growSlots();
    return undefined;
  }

  /** The slot holding `key`, or the empty slot where it would go. */
  private slotOf(key: Uint32Array, hash: number): number {
    for (let slot = hash & this.slotMask; ; slot = (slot + 1) & this.slotMask) {
      const stored = this.slots[2 * slot];
      if (stored === 0 || (this.slots[2 * slot + 1] === hash && this.equals(stored - 1, key))) return slot;
    }
  }

  private equals(entry: number, key: Uint32Array): boolean {
    const base = entry * this.width;
    for (let i = 0; i < this.width; i += 1) if (this.words[base + i] !== key[i]) return false;
    return true;
  }

  /** A 32-bit hash of the key's words, as a signed int (what an Int32Array slot holds). */
  private hashOf(key: Uint32Array): number {
    return this.hashAt(key, 0);
  }

  /** hashOf the key whose words start at `base` in `words`: no subarray made (V8 makes one in ~0.5 µs). */
  private hashAt(words: Uint32Array, base: number): number {
    let h = 0x811c9dc5;
    for (let i = 0; i < this.width; i += 1) {
      h = Math.imul(h ^ words[base + i], 0x85ebca6b);
      h ^= h >>> 15;
    }
    h = Math.imul(h, 0xc2b2ae35);
    return h ^ (h >>> 16);
  }

  /**
   * Sealed (sealed-state.ts): the keys and positions in use, in insertion order, and the slots. The
   * slots depend on the state alone: as many as the count calls for (see growSlots), each entry in
   * the slot linear probing gives it when the entries go in in order — so a resumed audit takes
   * them as they are instead of rebuilding them (2.3 s of loading a five-year state, at load 15:
   * a cache miss per entry).
   */
  [SEALED_FIELDS](): Record<string, unknown> {
    const kept = Math.max(this.count, INITIAL_ENTRIES);
    return { ...(this as unknown as Record<string, unknown>), words: this.words.subarray(0, kept * this.width), positions: this.positions.subarray(0, kept) };
  }

  private growEntries(): void {
    const capacity = Math.ceil(this.positions.length * ENTRY_GROWTH);
    const words = new Uint32Array(capacity * this.width);
    words.set(this.words);
    this.words = words;
    const positions = new BigInt64Array(capacity);
    positions.set(this.positions);
    this.positions = positions;
  }

  /**
   * Twice the slots; the hashes are in the old slots, so no key is read or hashed again. The entries
   * go in again in their own order, not the old slots': the slots are then the same as if every entry
   * had gone into this size of table in order, whatever sizes the table had before (sealed as they are).
   */
  private growSlots(): void {
    const slotCount = (this.slotMask + 1) * 2;
    const slots = new Int32Array(slotCount * 2);
    const mask = slotCount - 1;
    const old = this.slots;
    const hashes = new Int32Array(this.count);
    for (let i = 0; i < old.length; i += 2) if (old[i] !== 0) hashes[old[i] - 1] = old[i + 1];
    for (let entry = 0; entry < this.count; entry += 1) {
      const hash = hashes[entry];
      let slot = hash & mask;
      while (slots[2 * slot] !== 0) slot = (slot + 1) & mask;
      slots[2 * slot] = entry + 1;
      slots[2 * slot + 1] = hash;
    }
    this.slots = slots;
    this.slotMask = mask;
  }
}

/**
 * Tables start small and grow, on purpose: sizing them up front for a million-resident year
 * (~550 MB of typed arrays at start) made V8 let the heap grow ~530 MB further between major
 * collections and scavenges run ~50 % longer (measured with --trace-gc over 3 M events).
 */
const INITIAL_ENTRIES = 1024;
/** Less slack than doubling: at millions of keys the unused tail is real memory. */
const ENTRY_GROWTH = 1.5;
