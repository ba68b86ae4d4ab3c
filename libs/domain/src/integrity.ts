import { createHash } from 'node:crypto';

/**
 * Tamper evidence. Each event's hash covers its place (stream, revision), its identity and
 * content, and the hash of the event before it in the same stream; editing, dropping or moving a
 * stored event breaks the chain from that point on.
 */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * JSON with object keys sorted at every level (by UTF-16 code units, as `<` compares), so equal
 * values always give equal bytes. Members whose value is undefined are left out; undefined in an
 * array is null, as in JSON. Written as loops over sorted own keys: it runs for every command
 * digest and every event hash, and the bytes are the same as the map/filter/sort/join form.
 */
/** Events and commands use a few dozen keys: quoting each once saves a JSON.stringify per member. */
const QUOTED_KEYS = new Map<string, string>();
const MAX_QUOTED_KEYS = 10_000;

function quotedKey(key: string): string {
  let quoted = QUOTED_KEYS.get(key);
  if (quoted === undefined) {
    quoted = JSON.stringify(key);
    if (QUOTED_KEYS.size < MAX_QUOTED_KEYS) QUOTED_KEYS.set(key, quoted);
  }
  return quoted;
}

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i += 1) {
      if (i > 0) out += ',';
      // A hole stays empty, as Array.prototype.map + join leave it.
      if (i in value) out += canonicalJson(value[i]);
    }
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  let out = '{';
  let first = true;
  for (const key of keys) {
    const inner = record[key];
    if (inner === undefined) continue;
    if (!first) out += ',';
    first = false;
    out += `${quotedKey(key)}:${canonicalJson(inner)}`;
  }
  return `${out}}`;
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

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
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
  const lines = [
    previousHash,
    content.stream,
    String(content.revision),
    content.eventId,
    content.type,
    String(content.schemaVersion),
    content.businessKey,
    content.occurredAt,
    canonicalJson(content.data),
  ];
  if (content.provenance !== undefined) lines.push(canonicalJson(content.provenance));
  return sha256Hex(lines.join('\n'));
}
