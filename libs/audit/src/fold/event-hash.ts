import { canonicalJson, CURRENT_HASH_VERSION, eventHash, type HashedContent } from '@ledger/domain';
import type { StoredEvent } from '@ledger/event-store';
import { sha256HexOf } from '../digest';

/**
 * Whether `hash` is eventHash(previousHash, content): recomputing every event's hash is the bulk
 * of an audit's work, so this builds the same bytes as integrity.ts's eventHash without its
 * intermediate array. It only ever says "matches" on its own: when the fast hash differs from the
 * stored one, the verdict is integrity.ts's own eventHash, so a change of the hashing rules there
 * can slow the audit down but never produce a false finding.
 */
export function hashMatches(previousHash: string, content: HashedContent, hash: string): boolean {
  let text = `${previousHash}\n${content.stream}\n${content.revision}\n${content.eventId}\n${content.type}\n${content.schemaVersion}\n${content.businessKey}\n${content.occurredAt}\n${canonicalJson(content.data)}`;
  if (content.provenance !== undefined) text += `\n${canonicalJson(content.provenance)}`;
  const fast = sha256HexOf(text);
  return fast === hash || eventHash(previousHash, content) === hash;
}

/**
 * What a stored event's hash covers, by its hash version (metadata.hashVersion: absent = 1, or 2
 * with who recorded it, when and from which request); null for a version this auditor does not
 * know, which is a finding of its own rather than a content mismatch.
 */
export function hashedContentOf(stored: Pick<StoredEvent, 'stream' | 'revision' | 'eventId' | 'type' | 'data' | 'metadata'>): HashedContent | null {
  const metadata = (stored.metadata ?? {}) as Record<string, unknown>;
  const version = metadata.hashVersion;
  if (!isKnownHashVersion(version)) return null;
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
  if (version === undefined) return content;
  // Taken as stored, whatever its shape: an edited or removed member changes the bytes, so the hash tells.
  content.provenance = {
    recordedAt: metadata.recordedAt,
    recordedBy: metadata.recordedBy,
    requestDigest: metadata.requestDigest,
  } as HashedContent['provenance'];
  return content;
}

/** Whether this auditor knows what a hash of this version (metadata.hashVersion) covers. */
export function isKnownHashVersion(version: unknown): boolean {
  return version === undefined || version === CURRENT_HASH_VERSION;
}

/** Whether a stored event's content matches its stored hash (true when it carries no chain or an unknown hash version: those are reported apart). */
export function storedContentMatchesHash(stored: StoredEvent): boolean {
  const metadata = (stored.metadata ?? {}) as Record<string, unknown>;
  if (typeof metadata.previousHash !== 'string' || typeof metadata.hash !== 'string') return true;
  const content = hashedContentOf(stored);
  return content === null || hashMatches(metadata.previousHash, content, metadata.hash);
}
