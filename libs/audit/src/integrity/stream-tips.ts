import type { Position } from '@ledger/event-store';
import { SEALED_FIELDS, type SealsOwnFields } from '../sealed-state';

export type TipIndex = number;

/**
 * The last event read of every stream (revision, hash, position), for the revision and hash-chain
 * checks. A full year has a stream per resident — a million tips — and as objects with a 64-character
 * hash string and a position bigint each they were ~200 bytes of heap a stream. Here the numbers
 * live in typed arrays and a lower-case hex sha256 as its 32 bytes; any other hash text is kept as
 * text, so comparing with the next event's previousHash stays an exact comparison of texts.
 */
export class StreamTips implements SealsOwnFields {
  private readonly byStream = new Map<string, TipIndex>();
  private readonly hashTexts = new Map<TipIndex, string>();
  private revisions = new Float64Array(INITIAL_CAPACITY);
  private positions = new BigInt64Array(INITIAL_CAPACITY);
  private hashBytes = new Uint8Array(INITIAL_CAPACITY * HASH_BYTES);
  private count = 0;

  find(stream: string): TipIndex | undefined {
    return this.byStream.get(stream);
  }

  revisionOf(tip: TipIndex): number {
    return this.revisions[tip];
  }

  positionOf(tip: TipIndex | undefined): Position | undefined {
    return tip === undefined ? undefined : this.positions[tip];
  }

  /** Whether the tip's hash is exactly the text `hash`. */
  hashIs(tip: TipIndex, hash: string): boolean {
    const text = this.hashTexts.get(tip);
    if (text !== undefined) return text === hash;
    // The tip's hash is canonical hex, so only canonical hex of the same bytes can equal it.
    if (hash.length !== HASH_BYTES * 2) return false;
    const base = tip * HASH_BYTES;
    for (let i = 0; i < HASH_BYTES; i += 1) {
      const high = hexValue(hash.charCodeAt(2 * i));
      const low = hexValue(hash.charCodeAt(2 * i + 1));
      if (high < 0 || low < 0 || this.hashBytes[base + i] !== high * 16 + low) return false;
    }
    return true;
  }

  add(stream: string, revision: number, hash: string, position: Position): void {
    if (this.count === this.revisions.length) this.grow();
    const tip = this.count;
    this.count += 1;
    this.byStream.set(stream, tip);
    this.update(tip, revision, hash, position);
  }

  update(tip: TipIndex, revision: number, hash: string, position: Position): void {
    this.revisions[tip] = revision;
    this.positions[tip] = position;
    if (this.storeHashBytes(tip, hash)) this.hashTexts.delete(tip);
    else this.hashTexts.set(tip, hash);
  }

  private storeHashBytes(tip: TipIndex, hash: string): boolean {
    if (hash.length !== HASH_BYTES * 2) return false;
    const base = tip * HASH_BYTES;
    for (let i = 0; i < HASH_BYTES; i += 1) {
      const high = hexValue(hash.charCodeAt(2 * i));
      const low = hexValue(hash.charCodeAt(2 * i + 1));
      if (high < 0 || low < 0) return false;
      this.hashBytes[base + i] = high * 16 + low;
    }
    return true;
  }

  /** Sealed (sealed-state.ts) with its arrays cut to the tips in use, not their grown capacity. */
  [SEALED_FIELDS](): Record<string, unknown> {
    const kept = Math.max(this.count, INITIAL_CAPACITY);
    return {
      ...(this as unknown as Record<string, unknown>),
      revisions: this.revisions.subarray(0, kept),
      positions: this.positions.subarray(0, kept),
      hashBytes: this.hashBytes.subarray(0, kept * HASH_BYTES),
    };
  }

  private grow(): void {
    const capacity = Math.ceil(this.revisions.length * GROWTH);
    const revisions = new Float64Array(capacity);
    revisions.set(this.revisions);
    this.revisions = revisions;
    const positions = new BigInt64Array(capacity);
    positions.set(this.positions);
    this.positions = positions;
    const hashBytes = new Uint8Array(capacity * HASH_BYTES);
    hashBytes.set(this.hashBytes);
    this.hashBytes = hashBytes;
  }
}

const HASH_BYTES = 32;
const INITIAL_CAPACITY = 1024;
const GROWTH = 1.5;

/** 0-15 for 0-9 and a-f; -1 otherwise (upper case is another text than the hash stored). */
function hexValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 97 && code <= 102) return code - 87;
  return -1;
}
