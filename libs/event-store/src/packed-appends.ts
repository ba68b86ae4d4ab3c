import type { AppendResult, EventToAppend, ExpectedRevision, StreamAppend } from './port';
import type { EncodedEvent, EncodedStreamAppend } from './sqlite-event-store';

/**
 * A transaction's appends as the writer thread is handed them: every text of every event (the
 * columns EncodedEvent names) written as UTF-8 one after another into one buffer, and their byte
 * lengths in another, both transferred (not copied) and handed back with the writer's answer, so
 * the next transaction writes into memory already mapped. A structured clone of one object per
 * event with six strings cost the main thread ~12 µs an event (the coordinator's profile:
 * postMessage 8.5-8.9 %), most of it in the serializer's fresh buffers; SQLite binds UTF-8 anyway,
 * so the bytes are the ones it would have stored (a lone surrogate becomes U+FFFD here as it does
 * there).
 */
export interface PackedAppends {
  /** Per stream: its name, then per event: eventId, type, data, metadata, business key, hash. */
  bytes: ArrayBuffer;
  /**
   * Per stream: the name's byte length, its event count, its expected revision (EXPECTED_CODES
   * for the named ones); then per event the byte lengths of its six texts (NULL_TEXT: null).
   * `count` entries are in use.
   */
  lengths: Float64Array;
  count: number;
}

/** Buffers a PackedAppends may be written into (handed back by the writer); grown when short. */
export interface PackBuffers {
  bytes: ArrayBuffer;
  lengths: Float64Array;
}

const TEXTS_PER_EVENT = 6;
const NULL_TEXT = -1;
/** Expected revisions that are not numbers, as negative codes (a revision is never negative). */
const EXPECTED_CODES: Record<Exclude<ExpectedRevision, number>, number> = { no_stream: -1, any: -2, stream_exists: -3 };
const EXPECTED_OF_CODE = new Map<number, ExpectedRevision>(Object.entries(EXPECTED_CODES).map(([name, code]) => [code, name as ExpectedRevision]));
/** UTF-8 takes at most three bytes per UTF-16 code unit (a surrogate pair: four for two). */
const MAX_UTF8_PER_UNIT = 3;
/** A synthetic year's events take ~1.1 KB of texts each (a claim's data and metadata, its ids and hash). */
const TYPICAL_EVENT_BYTES = 1536;

class Packer {
  private bytes: Buffer;
  private offset = 0;
  lengths: Float64Array;
  count = 0;

  constructor(reuse: PackBuffers | undefined, events: number, lengthsNeeded: number) {
    // Without buffers to reuse, room for events of a typical size, so a first transaction seldom grows.
    this.bytes = Buffer.from(reuse?.bytes ?? new ArrayBuffer(Math.max(1 << 20, events * TYPICAL_EVENT_BYTES)));
    this.lengths = reuse && reuse.lengths.length >= lengthsNeeded ? reuse.lengths : new Float64Array(Math.max(lengthsNeeded, 1024));
  }

  number(value: number): void {
    this.lengths[this.count++] = value;
  }

  text(text: string | null): void {
    if (text === null) return this.number(NULL_TEXT);
    if (this.bytes.length - this.offset < text.length * MAX_UTF8_PER_UNIT) this.grow(text.length * MAX_UTF8_PER_UNIT);
    const written = this.bytes.write(text, this.offset, 'utf8');
    this.offset += written;
    this.number(written);
  }

  private grow(atLeast: number): void {
    const grown = Buffer.from(new ArrayBuffer(Math.max(this.bytes.length * 2, this.offset + atLeast)));
    this.bytes.copy(grown, 0, 0, this.offset);
    this.bytes = grown;
  }

  packed(): PackedAppends {
    return { bytes: this.bytes.buffer as ArrayBuffer, lengths: this.lengths, count: this.count };
  }
}

/**
 * The appends' texts (what encodeStreamAppends gives the store), packed for the writer thread,
 * into `reuse`'s buffers where they are large enough.
 */
export function packStreamAppends(appends: readonly StreamAppend[], reuse?: PackBuffers): PackedAppends {
  let events = 0;
  for (const append of appends) events += append.events.length;
  const packer = new Packer(reuse, events, appends.length * 3 + events * TEXTS_PER_EVENT);
  for (const append of appends) {
    packer.text(append.stream);
    packer.number(append.events.length);
    packer.number(typeof append.expectedRevision === 'number' ? append.expectedRevision : EXPECTED_CODES[append.expectedRevision]);
    for (const event of append.events) packEvent(packer, event);
  }
  return packer.packed();
}

/** The texts encodeEvent gives, without the object in between. */
function packEvent(packer: Packer, event: EventToAppend): void {
  const hash = event.metadata?.hash;
  packer.text(event.eventId);
  packer.text(event.type);
  packer.text(event.dataJson ?? JSON.stringify(event.data));
  packer.text(event.metadataJson ?? JSON.stringify(event.metadata));
  packer.text(event.businessKey ?? null);
  packer.text(typeof hash === 'string' ? hash : null);
}

/** The writer thread's side: the same EncodedStreamAppend list encodeStreamAppends would give. */
export function unpackStreamAppends(packed: PackedAppends): EncodedStreamAppend[] {
  const bytes = Buffer.from(packed.bytes);
  const { lengths, count } = packed;
  const appends: EncodedStreamAppend[] = [];
  let offset = 0;
  let at = 0;
  const next = (): string | null => {
    const length = lengths[at++];
    if (length === NULL_TEXT) return null;
    const out = bytes.toString('utf8', offset, offset + length);
    offset += length;
    return out;
  };
  while (at < count) {
    const stream = next()!;
    const events: EncodedEvent[] = new Array(lengths[at++]);
    const code = lengths[at++];
    const expectedRevision = code >= 0 ? code : EXPECTED_OF_CODE.get(code)!;
    for (let i = 0; i < events.length; i += 1) {
      events[i] = { eventId: next()!, type: next()!, dataJson: next()!, metadataJson: next()!, businessKey: next(), hash: next() };
    }
    appends.push({ stream, expectedRevision, events });
  }
  return appends;
}

/**
 * The writer's answers in two typed arrays (transferred): per stream its next expected revision
 * and the position of its last event, instead of a clone of one object with a BigInt per stream
 * read back on the main thread.
 */
export interface PackedResults {
  revisions: Float64Array;
  positions: BigInt64Array;
}

export function packAppendResults(results: readonly AppendResult[]): PackedResults {
  const revisions = new Float64Array(results.length);
  const positions = new BigInt64Array(results.length);
  results.forEach((result, index) => {
    revisions[index] = result.nextExpectedRevision;
    positions[index] = result.position;
  });
  return { revisions, positions };
}

export function unpackAppendResults(packed: PackedResults): AppendResult[] {
  const results: AppendResult[] = new Array(packed.revisions.length);
  for (let i = 0; i < results.length; i += 1) results[i] = { nextExpectedRevision: packed.revisions[i], position: packed.positions[i] };
  return results;
}
