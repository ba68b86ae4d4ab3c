import { createHash } from 'node:crypto';

/**
 * Tamper evidence. Each event's hash covers its place (stream, revision), its identity and
 * content, and the hash of the event before it in the same stream; editing, dropping or moving a
 * stored event breaks the chain from that point on.
 */
export const GENESIS_HASH = '0'.repeat(64);

/** JSON with object keys sorted at every level, so equal values always give equal bytes. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export interface HashedContent {
  stream: string;
  revision: number;
  eventId: string;
  type: string;
  schemaVersion: number;
  businessKey: string;
  occurredAt: string;
  data: unknown;
}

export function eventHash(previousHash: string, content: HashedContent): string {
  return sha256Hex(
    [
      previousHash,
      content.stream,
      String(content.revision),
      content.eventId,
      content.type,
      String(content.schemaVersion),
      content.businessKey,
      content.occurredAt,
      canonicalJson(content.data),
    ].join('\n'),
  );
}
