import { join } from 'node:path';
import { canonicalJson, eventHash, GENESIS_HASH } from '@ledger/domain';
import { type EventsTableRow, SqliteEventStore } from '@ledger/event-store';

/** One row of the embedded store, read raw (no port, no upcasting): what is really on disk. */
export interface RawEvent {
  position: number;
  eventId: string;
  stream: string;
  revision: number;
  type: string;
  data: unknown;
  metadata: Record<string, unknown>;
  businessKey: string | null;
}

export function eventsFile(dataDir: string): string {
  return join(dataDir, 'events.sqlite');
}

/** Every stored event in position order, through a connection of its own. */
export async function readRawEvents(dataDir: string): Promise<RawEvent[]> {
  const store = new SqliteEventStore({ file: eventsFile(dataDir) });
  try {
    const rows = store.database.prepare('SELECT * FROM events ORDER BY position').all() as EventsTableRow[];
    return rows.map((row) => ({
      position: Number(row.position),
      eventId: row.event_id,
      stream: row.stream,
      revision: Number(row.revision),
      type: row.type,
      data: JSON.parse(row.data),
      metadata: JSON.parse(row.metadata),
      businessKey: row.business_key,
    }));
  } finally {
    await store.close();
  }
}

export function countBy<T>(items: readonly T[], keyOf: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[keyOf(item)] = (counts[keyOf(item)] ?? 0) + 1;
  return counts;
}

export function streamsOf(events: readonly RawEvent[]): Map<string, RawEvent[]> {
  const streams = new Map<string, RawEvent[]>();
  for (const event of events) {
    const stream = streams.get(event.stream) ?? [];
    stream.push(event);
    streams.set(event.stream, stream);
  }
  for (const stream of streams.values()) stream.sort((a, b) => a.revision - b.revision);
  return streams;
}

/**
 * What the auditor's stream-integrity rule looks for, independently of it: per stream, revisions
 * 0..n-1 without gap or duplicate, positions increasing with revisions, each event's previousHash
 * the hash of the one before, and each hash recomputed from the stored content; business keys
 * held at most once. Returns the problems found ([] when the log is sound).
 */
export function integrityProblems(events: readonly RawEvent[]): string[] {
  const problems: string[] = [];
  for (const [stream, list] of streamsOf(events)) {
    let previousHash = GENESIS_HASH;
    list.forEach((event, index) => {
      if (event.revision !== index) problems.push(`${stream}: revision ${event.revision} at index ${index}`);
      if (index > 0 && event.position <= list[index - 1].position) problems.push(`${stream}: position order broken at ${event.revision}`);
      const metadata = event.metadata as {
        previousHash?: string;
        hash?: string;
        hashVersion?: number;
        schemaVersion: number;
        businessKey: string;
        occurredAt: string;
        recordedAt: string;
        recordedBy: { subject: string; role: string };
        requestDigest: string;
      };
      if (metadata.previousHash !== previousHash) problems.push(`${stream}@${event.revision}: previousHash does not chain`);
      const recomputed = eventHash(previousHash, {
        stream,
        revision: event.revision,
        eventId: event.eventId,
        type: event.type,
        schemaVersion: metadata.schemaVersion,
        businessKey: metadata.businessKey,
        occurredAt: metadata.occurredAt,
        data: event.data,
        ...(metadata.hashVersion === 2
          ? { provenance: { recordedAt: metadata.recordedAt, recordedBy: metadata.recordedBy, requestDigest: metadata.requestDigest } }
          : {}),
      });
      if (metadata.hash !== recomputed) problems.push(`${stream}@${event.revision}: hash does not match the content`);
      if (metadata.businessKey !== event.businessKey) problems.push(`${stream}@${event.revision}: business key column and metadata differ`);
      previousHash = metadata.hash ?? '';
    });
  }
  for (const [key, count] of Object.entries(countBy(events.filter((e) => e.businessKey !== null), (e) => e.businessKey!))) {
    if (count > 1) problems.push(`business key ${key} held ${count} times`);
  }
  return problems;
}

/** Each stream's facts without what differs between two runs (ids, timestamps, hashes, positions). */
export function streamContents(events: readonly RawEvent[]): Record<string, string[]> {
  const contents: Record<string, string[]> = {};
  for (const [stream, list] of streamsOf(events)) {
    contents[stream] = list.map((event) => `${event.type} ${event.businessKey} ${canonicalJson(event.data)}`);
  }
  return contents;
}
