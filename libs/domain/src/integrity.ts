import * as crypto from 'node:crypto';

/**
 * Tamper evidence. Each event's hash covers its place (stream, revision), its identity and
 * content, and the hash of the event before it in the same stream; editing, dropping or moving a
 * stored event breaks the chain from that point on.
 */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * Events and commands use a few dozen keys: quoting each once saves a JSON.stringify per member.
 * Also kept: whether the key looks like an array index, which JSON.stringify would list first.
 */
interface KnownKey {
  quoted: string;
  indexLike: boolean;
}
const KNOWN_KEYS = new Map<string, KnownKey>();
const MAX_KNOWN_KEYS = 10_000;
const MAX_ARRAY_INDEX = 2 ** 32 - 2;

function knownKey(key: string): KnownKey {
  let known = KNOWN_KEYS.get(key);
  if (known === undefined) {
    known = { quoted: JSON.stringify(key), indexLike: /^(?:0|[1-9]\d*)$/.test(key) && Number(key) <= MAX_ARRAY_INDEX };
    if (KNOWN_KEYS.size < MAX_KNOWN_KEYS) KNOWN_KEYS.set(key, known);
  }
  return known;
}

/**
 * Key lists already sorted, by the object's own key list (in its own order): events and commands
 * of one kind have the same keys in the same order, and sorting them again for every digest and
 * hash was a sort per object per event. A list is found by comparing keys one by one, so a hit
 * is exactly the list `Object.keys(record).sort()` would give; bounded like KNOWN_KEYS.
 */
interface SortedKeyList {
  keys: readonly string[];
  sorted: readonly string[];
  /** Each sorted key as its member's opening, `"key":`. */
  openings: readonly string[];
  /** Some key looks like an array index (which JSON.stringify would list first). */
  indexLike: boolean;
}
const SORTED_KEYS = new Map<string, SortedKeyList[]>();
let sortedKeyLists = 0;
const MAX_LISTS_PER_FIRST_KEY = 16;

function sortedKeys(record: object): SortedKeyList {
  const keys = Object.keys(record);
  const candidates = keys.length === 0 ? undefined : SORTED_KEYS.get(keys[0]);
  if (candidates) {
    for (const candidate of candidates) if (sameKeys(candidate.keys, keys)) return candidate;
  }
  const sorted = keys.length < 2 ? keys : keys.slice().sort();
  const known = sorted.map(knownKey);
  const entry: SortedKeyList = { keys, sorted, openings: known.map((key) => `${key.quoted}:`), indexLike: known.some((key) => key.indexLike) };
  // A few lists per first key (an event's versions, a command's optional members): the scan stays short.
  if (keys.length > 0 && sortedKeyLists < MAX_KNOWN_KEYS && (candidates?.length ?? 0) < MAX_LISTS_PER_FIRST_KEY) {
    sortedKeyLists += 1;
    if (candidates) candidates.push(entry);
    else SORTED_KEYS.set(keys[0], [entry]);
  }
  return entry;
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Writes canonical JSON and notes what JSON.stringify of canonicalCopy would write differently
 * (an index-like key, an array hole); `replace` may stand for a value's own text (money as text in
 * a command digest), or return undefined to leave it to the default.
 */
class CanonicalWriter {
  irregular = false;

  constructor(private readonly replace?: (value: object) => string | undefined) {}

  write(value: unknown): string {
    if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
    if (this.replace) {
      const replaced = this.replace(value);
      if (replaced !== undefined) return replaced;
    }
    if (Array.isArray(value)) return this.writeArray(value);
    const record = value as Record<string, unknown>;
    const { sorted, openings, indexLike } = sortedKeys(record);
    let out = '{';
    for (let i = 0; i < sorted.length; i += 1) {
      const inner = record[sorted[i]];
      if (inner === undefined) continue;
      if (indexLike && knownKey(sorted[i]).indexLike) this.irregular = true;
      // The first member is the only one written right after the brace.
      out += out.length === 1 ? openings[i] + this.write(inner) : `,${openings[i]}${this.write(inner)}`;
    }
    return `${out}}`;
  }

  private writeArray(value: unknown[]): string {
    let out = '[';
    for (let i = 0; i < value.length; i += 1) {
      if (i > 0) out += ',';
      // A hole stays empty, as Array.prototype.map + join leave it.
      if (i in value) out += this.write(value[i]);
      else this.irregular = true;
    }
    return `${out}]`;
  }
}

const PLAIN = new CanonicalWriter();

/**
 * JSON with object keys sorted at every level (by UTF-16 code units, as `<` compares), so equal
 * values always give equal bytes. Members whose value is undefined are left out; undefined in an
 * array is null, as in JSON. Written as loops over sorted own keys: it runs for every command
 * digest and every event hash, and the bytes are the same as the map/filter/sort/join form.
 */
export function canonicalJson(value: unknown): string {
  return PLAIN.write(value);
}

/**
 * canonicalJson with some values written as `replace` says (a Decimal as its money text), in the
 * same pass: no converted copy of the value is built first.
 */
export function canonicalJsonReplacing(value: unknown, replace: (value: object) => string | undefined): string {
  return new CanonicalWriter(replace).write(value);
}

/**
 * A value's canonical JSON (what its hash covers) and the text a store keeps for it — the same
 * string, serialised once, unless the value has index-like keys or array holes, which JSON cannot
 * keep in canonical order: then the stored text is JSON.stringify(canonicalCopy(value)), as before.
 */
export function canonicalTexts(value: unknown): { canonical: string; stored: string } {
  const writer = new CanonicalWriter();
  const canonical = writer.write(value);
  return { canonical, stored: writer.irregular ? (JSON.stringify(canonicalCopy(value)) ?? 'null') : canonical };
}

/**
 * A copy of a JSON value whose objects list their keys in canonicalJson's order and leave out
 * undefined members, so that JSON.stringify of the copy is, byte for byte, canonicalJson of the
 * value. The ledger stores event data this way, and the auditor can then hash the stored text as
 * it is instead of parsing and re-serialising it. Two cases JSON.stringify cannot follow: keys
 * that look like array indexes ("9", "10"), which JavaScript always lists first in numeric order,
 * and array holes; values with those still hash the same, their stored text is only not canonical.
 */
export function canonicalCopy(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const copy = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i += 1) if (i in value) copy[i] = canonicalCopy(value[i]);
    return copy;
  }
  const record = value as Record<string, unknown>;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(record).sort()) {
    const inner = record[key];
    // defineProperty, not assignment: "__proto__" must stay an own member, as it is in the value.
    if (inner !== undefined) Object.defineProperty(copy, key, { value: canonicalCopy(inner), enumerable: true, writable: true, configurable: true });
  }
  return copy;
}

/** Node's one-shot hash (20.12 and later) where there is one: no Hash object per call. */
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: 'hex') => string }).hash;

/** Hex SHA-256 of the text's UTF-8 bytes; runs for every command digest and every event hash. */
export function sha256Hex(text: string): string {
  return oneShot ? oneShot('sha256', text, 'hex') : crypto.createHash('sha256').update(text).digest('hex');
}

/**
 * Who recorded an event, when, and from which request: covered by hash version 2, so an edit of
 * the audit trail itself breaks the chain as an edit of the data does. Events written before it
 * (no `hashVersion` in their metadata) keep their version 1 hash over the rest.
 */
export interface HashedProvenance {
  recordedAt: string;
  recordedBy: { subject: string; role: string };
  requestDigest: string;
}

/** The hash version the ledger writes now (metadata.hashVersion); absent means version 1. */
export const CURRENT_HASH_VERSION = 2;

export interface HashedContent {
  stream: string;
  revision: number;
  eventId: string;
  type: string;
  schemaVersion: number;
  businessKey: string;
  occurredAt: string;
  data: unknown;
  /** Present for hash version 2 and later. */
  provenance?: HashedProvenance;
}

export function eventHash(previousHash: string, content: HashedContent): string {
  return eventHashOfText(previousHash, content, canonicalJson(content.data), content.provenance === undefined ? undefined : canonicalJson(content.provenance));
}

/**
 * eventHash with the data's (and provenance's) canonical JSON already written, so a writer that
 * also stores that text serialises each event once.
 */
export function eventHashOfText(
  previousHash: string,
  content: Omit<HashedContent, 'data' | 'provenance'>,
  dataJson: string,
  provenanceJson: string | undefined,
): string {
  // The lines once joined by '\n' from an array, concatenated as one expression (no array per
  // event) into the same text: null and undefined members as '' where join wrote them so (an old or
  // tampered event read back may lack one), revision and schema version through String() as before.
  const c = content;
  const text =
    `${previousHash ?? ''}\n${c.stream ?? ''}\n${String(c.revision)}\n${c.eventId ?? ''}\n${c.type ?? ''}\n` +
    `${String(c.schemaVersion)}\n${c.businessKey ?? ''}\n${c.occurredAt ?? ''}\n${dataJson ?? ''}`;
  return sha256Hex(provenanceJson === undefined ? text : `${text}\n${provenanceJson ?? ''}`);
}
