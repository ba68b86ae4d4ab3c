import {
  canonicalJson,
  canonicalTexts,
  CURRENT_HASH_VERSION,
  CURRENT_VERSION,
  DomainEvent,
  EventMetadata,
  eventHashOfText,
  GENESIS_HASH,
  LedgerEvent,
  RecordedBy,
  upcast,
} from '@ledger/domain';
import type { EventStorePort, EventToAppend, StoredEvent } from '@ledger/event-store';
import { uuidV7 } from './event-id';

/** Translates between domain events and the store's envelopes (metadata, versions, hash chain). */
export function decodeEvent(stored: StoredEvent): LedgerEvent {
  const metadata = stored.metadata as unknown as EventMetadata;
  const data = upcast(stored.type, metadata.schemaVersion, stored.data);
  return {
    type: stored.type,
    data,
    businessKey: metadata.businessKey,
    occurredAt: metadata.occurredAt,
    eventId: stored.eventId,
    stream: stored.stream,
    revision: stored.revision,
    position: stored.position,
    metadata,
  } as LedgerEvent;
}

export interface EncodeContext {
  stream: string;
  /** Revision of the stream's last stored event; -1 for a new stream. */
  revision: number;
  previousHash: string;
  recordedAt: string;
  recordedBy: RecordedBy;
  requestDigest: string;
  /** Where new event ids come from; default uuidV7. A seeded source makes an import reproducible byte for byte (the golden-store test). */
  newEventId?: () => string;
}

/**
 * Each event's data is serialised once: its canonical JSON is what the hash covers and, byte for
 * byte, the text the store keeps (`dataJson`); `data` parses that text when asked, so a caller
 * sees the stored value with its keys in stored order. The provenance is the same for every event
 * of one command, so it is serialised once per call.
 */
export function encodeEvents(events: DomainEvent[], context: EncodeContext): EventToAppend[] {
  let previousHash = context.previousHash;
  const provenance = { recordedAt: context.recordedAt, recordedBy: context.recordedBy, requestDigest: context.requestDigest };
  const provenanceJson = canonicalJson(provenance);
  // Its members as JSON.stringify writes them inside the metadata (in the provenance's own order).
  const provenanceMembers = JSON.stringify(provenance).slice(1, -1);
  const newEventId = context.newEventId ?? uuidV7;
  return events.map((event, index) => {
    const eventId = newEventId();
    const schemaVersion = CURRENT_VERSION[event.type];
    const texts = canonicalTexts(event.data);
    const hash = eventHashOfText(
      previousHash,
      {
        stream: context.stream,
        revision: context.revision + 1 + index,
        eventId,
        type: event.type,
        schemaVersion,
        businessKey: event.businessKey,
        occurredAt: event.occurredAt,
      },
      texts.canonical,
      provenanceJson,
    );
    const metadata: EventMetadata = {
      schemaVersion,
      businessKey: event.businessKey,
      occurredAt: event.occurredAt,
      ...provenance,
      previousHash,
      hash,
      hashVersion: CURRENT_HASH_VERSION,
    };
    previousHash = hash;
    return encodedEvent(eventId, event.type, texts.stored, metadata, metadataText(metadata, provenanceMembers), event.businessKey);
  });
}

/**
 * JSON.stringify(metadata), written from its parts: the provenance's members are the same for every
 * event of a command, and the rest are a few strings. Anything but the shape encodeEvents builds
 * (a member missing, the provenance empty) is left to JSON.stringify.
 */
export function metadataText(metadata: EventMetadata, provenanceMembers: string): string {
  const { schemaVersion, businessKey, occurredAt, previousHash, hash, hashVersion } = metadata;
  if (
    typeof schemaVersion !== 'number' ||
    typeof businessKey !== 'string' ||
    typeof occurredAt !== 'string' ||
    provenanceMembers === '' ||
    typeof previousHash !== 'string' ||
    typeof hash !== 'string' ||
    typeof hashVersion !== 'number'
  ) {
    return JSON.stringify(metadata);
  }
  return (
    `{"schemaVersion":${JSON.stringify(schemaVersion)},"businessKey":${JSON.stringify(businessKey)},"occurredAt":${JSON.stringify(occurredAt)},` +
    `${provenanceMembers},"previousHash":${JSON.stringify(previousHash)},"hash":${JSON.stringify(hash)},"hashVersion":${JSON.stringify(hashVersion)}}`
  );
}

/** `data` as an own, enumerable getter: a spread copy (`{ ...event }`) still carries it. */
function encodedEvent(eventId: string, type: string, dataJson: string, metadata: EventMetadata, metadataJson: string, businessKey: string): EventToAppend {
  return {
    eventId,
    type,
    get data(): unknown {
      return JSON.parse(dataJson);
    },
    dataJson,
    metadata: metadata as unknown as Record<string, unknown>,
    metadataJson,
    businessKey,
  };
}

export function lastHashOf(events: readonly LedgerEvent[]): string {
  return events.length ? events[events.length - 1].metadata.hash : GENESIS_HASH;
}

/**
 * Appends events that no decide() produced — a migration, a repair tool, a test history that
 * must break a rule — hashed and chained exactly as the ledger's own appends, so only the
 * auditor's business rules, not the integrity check, can tell them apart.
 */
export async function appendUndecided(
  store: EventStorePort,
  stream: string,
  events: DomainEvent[],
  context: Pick<EncodeContext, 'recordedAt' | 'recordedBy' | 'requestDigest'>,
): Promise<void> {
  const existing = (await store.readStream(stream)).map(decodeEvent);
  const revision = existing.length - 1;
  const toAppend = encodeEvents(events, { ...context, stream, revision, previousHash: lastHashOf(existing) });
  await store.append(stream, toAppend, revision < 0 ? 'no_stream' : revision);
}
