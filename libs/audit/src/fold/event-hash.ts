import { createHash } from 'node:crypto';
import { CURRENT_HASH_VERSION, eventHash, type HashedContent } from '@ledger/domain';
import type { StoredEvent } from '@ledger/event-store';

/**
 * Recomputing every event's hash is the bulk of an audit's work, so the auditor has a fast path
 * for it: the same bytes as integrity.ts's eventHash (previous hash, place, identity, type,
 * version, business key, business date and canonical JSON of the data, joined by newlines),
 * built without integrity.ts's intermediate arrays. It only ever says "matches": when the fast
 * hash differs from the stored one, the verdict is integrity.ts's own eventHash, so a change of
 * the hashing rules there can slow the audit down but never produce a false finding.
 */
const quotedKeys = new Map<string, string>();

function quoted(key: string): string {
  let text = quotedKeys.get(key);
  if (text === undefined) {
    text = JSON.stringify(key);
    if (quotedKeys.size < 10_000) quotedKeys.set(key, text);
  }
  return text;
}

/** canonicalJson of integrity.ts (object keys sorted by UTF-16 code units at every level, undefined members left out). */
export function canonicalJsonFast(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let index = 0; index < value.length; index += 1) {
      if (index > 0) out += ',';
      out += canonicalJsonFast(value[index]);
    }
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  // The default sort compares UTF-16 code units: the order canonicalJson's comparator gives.
  const keys = Object.keys(record).sort();
  let out = '{';
  let first = true;
  for (const key of keys) {
    const member = record[key];
    if (member === undefined) continue;
    if (!first) out += ',';
    first = false;
    out += `${quoted(key)}:${canonicalJsonFast(member)}`;
  }
  return `${out}}`;
}

/** Whether `hash` is eventHash(previousHash, content): fast when it is, authoritative when it is not. */
export function hashMatches(previousHash: string, content: HashedContent, hash: string): boolean {
  let text = `${previousHash}\n${content.stream}\n${content.revision}\n${content.eventId}\n${content.type}\n${content.schemaVersion}\n${content.businessKey}\n${content.occurredAt}\n${canonicalJsonFast(content.data)}`;
  if (content.provenance !== undefined) text += `\n${canonicalJsonFast(content.provenance)}`;
  const fast = createHash('sha256').update(text).digest('hex');
  return fast === hash || eventHash(previousHash, content) === hash;
}

/**
 * What a stored event's hash covers, by its hash version (metadata.hashVersion: absent = 1, or 2
 * with who recorded it, when and from which request); null for a version this auditor does not
 * know, which is a finding of its own rather than a content mismatch.
 */
export function hashedContentOf(stored: Pick<StoredEvent, 'stream' | 'revision' | 'eventId' | 'type' | 'data' | 'metadata'>): HashedContent | null {
  const metadata = (stored.metadata ?? {}) as Record<string, unknown>;
  const content: HashedContent = {
    stream: stored.stream,
    revision: stored.revision,
    eventId: stored.eventId,
    type: stored.type,
    schemaVersion: metadata.schemaVersion as number,
    businessKey: String(metadata.businessKey),
    occurredAt: String(metadata.occurredAt),
    data: stored.data,
  };
  const version = metadata.hashVersion;
  if (version === undefined) return content;
  if (version !== CURRENT_HASH_VERSION) return null;
  // Taken as stored, whatever its shape: an edited or removed member changes the bytes, so the hash tells.
  content.provenance = {
    recordedAt: metadata.recordedAt,
    recordedBy: metadata.recordedBy,
    requestDigest: metadata.requestDigest,
  } as HashedContent['provenance'];
  return content;
}

/** Whether a stored event's content matches its stored hash (true when it carries no chain or an unknown hash version: those are reported apart). */
export function storedContentMatchesHash(stored: StoredEvent): boolean {
  const metadata = (stored.metadata ?? {}) as Record<string, unknown>;
  if (typeof metadata.previousHash !== 'string' || typeof metadata.hash !== 'string') return true;
  const content = hashedContentOf(stored);
  return content === null || hashMatches(metadata.previousHash, content, metadata.hash);
}
