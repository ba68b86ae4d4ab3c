import { Controller, Get, Inject, Param } from '@nestjs/common';
import { invalid, notFound } from '@ledger/domain';
import { type EventStorePort, parsePosition, positionToJson, type StoredEvent } from '@ledger/event-store';
import { EVENT_STORE } from '../tokens';
import { Requires } from './auth.guard';

/**
 * GET /v1/events/:position — the stored event at a store position, as the auditor's evidence names
 * it (every finding lists the positions that prove it): type, stream, revision, business date, who
 * recorded it and when, its data and its hash. Auditors and the finance bureau only: an event can
 * be any fund's. 400 for a position that is not a whole number, 404 when no event is there.
 */
@Controller('v1')
export class EventsController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStorePort) {}

  @Get('events/:position')
  @Requires('read-events')
  async event(@Param('position') text: string) {
    let position: bigint;
    try {
      position = parsePosition(text);
    } catch {
      throw invalid('position', 'must be a store position: a whole number, 0 or more');
    }
    const found = await this.at(position);
    if (!found) throw notFound(`no event at position ${text}`);
    return eventJson(found);
  }

  /** The first event read after the position before: the one at it, if there is one. */
  private async at(position: bigint): Promise<StoredEvent | null> {
    for await (const stored of this.store.readAll({ after: position === 0n ? null : position - 1n, maxCount: 1 })) {
      return stored.position === position ? stored : null;
    }
    return null;
  }
}

function eventJson(stored: StoredEvent) {
  const metadata = (stored.metadata ?? {}) as Record<string, unknown>;
  return {
    position: positionToJson(stored.position),
    eventId: stored.eventId,
    type: stored.type,
    stream: stored.stream,
    revision: stored.revision,
    occurredAt: metadata.occurredAt ?? null,
    recordedAt: metadata.recordedAt ?? null,
    recordedBy: metadata.recordedBy ?? null,
    businessKey: metadata.businessKey ?? null,
    schemaVersion: metadata.schemaVersion ?? null,
    data: stored.data,
    previousHash: metadata.previousHash ?? null,
    hash: metadata.hash ?? null,
  };
}
