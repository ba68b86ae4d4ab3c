import { GENESIS_HASH, UnknownEventError, upcast, type DomainEvent } from '@ledger/domain';
import type { Position, StoredEvent } from '@ledger/event-store';
import type { RaisedFinding } from '../rule';
import { hashedContentOf, hashMatches, isKnownHashVersion } from '../fold/event-hash';
import { isCalendarDate, malformedFields } from '../fold/event-shapes';
import { FirstSeenIndex } from './first-seen';
import { StreamTips } from './stream-tips';

/**
 * The integrity checks of every event read (the stream-integrity rule raises what they find;
 * inspections/stream-integrity.ts). SPEC.md: facts are "appended once, never updated or deleted; corrections are
 * new events"; integrity.ts: each event's hash covers its place, identity and content and the hash
 * of the event before it in its stream.
 *
 * Over every event read up to the cut-off (whatever its business date), in position order:
 * - positions strictly increasing;
 * - each stream's revisions 0, 1, 2… with no gap and no step back;
 * - event ids and business keys unique;
 * - a known event type and schema version (upcasters.ts), and data of the shape the type promises;
 * - the chain: metadata.previousHash equals the stored hash of the stream's previous event
 *   (GENESIS_HASH for revision 0), and eventHash(previousHash, content) equals metadata.hash.
 * An edited event breaks its own hash; a deleted or moved one breaks the next link. All problems
 * of one event make one finding (fundId null: the history itself is at fault, not a fund).
 *
 * The content hash is the costly part; a caller that has it checked elsewhere (the CLI's parallel
 * verifier) turns it off here and reports the events whose content does not match with
 * addContentMismatch(), before asking for the findings.
 */
export type DecodedEvent = DomainEvent & { position: Position; eventId: string; stream: string };

/** The decoded event when the auditor can fold it, null when it cannot be read at all. */
export type IntegrityOutcome = { event: DecodedEvent | null };

interface EventProblems {
  stored: Pick<StoredEvent, 'eventId' | 'type' | 'stream' | 'revision' | 'position' | 'data'>;
  problems: string[];
  evidence: Array<Position | undefined>;
}

const CONTENT_CHANGED = 'its content does not match its hash: it was changed after it was written';

export class StreamIntegrityCheck {
  /** Events with problems, by position: one finding each, built when asked for. */
  private readonly troubled = new Map<Position, EventProblems>();

  constructor(private readonly verifyContentHashes = true) {}

  private lastPosition: Position | null = null;
  private readonly tips = new StreamTips();
  // An entry per event of the history: kept compact (see first-seen.ts).
  private readonly eventIds = new FirstSeenIndex();
  private readonly businessKeys = new FirstSeenIndex();

  /** Checks one stored event (problems are kept for findings()) and decodes it. */
  check(stored: StoredEvent): IntegrityOutcome {
    // Most events have no problem: nothing is allocated for one until it is found.
    const problem = (text: string, ...positions: Array<Position | undefined>) => this.addProblem(stored, text, positions);
    const metadata = (stored.metadata ?? {}) as Record<string, unknown>;

    if (this.lastPosition !== null && stored.position <= this.lastPosition) {
      problem(`its position ${stored.position} does not follow the previous event's ${this.lastPosition}`, this.lastPosition);
    }
    this.lastPosition = stored.position;

    const tip = this.tips.find(stored.stream);
    const expectedRevision = tip === undefined ? 0 : this.tips.revisionOf(tip) + 1;
    if (stored.revision !== expectedRevision) {
      problem(
        stored.revision > expectedRevision
          ? `revision ${stored.revision} of stream ${stored.stream} follows revision ${expectedRevision - 1}: ${stored.revision - expectedRevision} event(s) missing`
          : `revision ${stored.revision} of stream ${stored.stream} comes after revision ${expectedRevision - 1}: reordered or duplicated`,
        this.tips.positionOf(tip),
      );
    }

    const firstWithId = this.eventIds.firstOrAdd(stored.eventId, stored.position);
    if (firstWithId !== undefined) problem(`event id ${stored.eventId} was already used at position ${firstWithId}`, firstWithId);

    const businessKey = metadata.businessKey;
    if (typeof businessKey === 'string' && businessKey.length > 0) {
      const firstWithKey = this.businessKeys.firstOrAdd(businessKey, stored.position);
      if (firstWithKey !== undefined) problem(`business key ${businessKey} was already recorded at position ${firstWithKey}`, firstWithKey);
    } else {
      problem('it carries no business key');
    }

    if (!isCalendarDate(metadata.occurredAt)) problem('it carries no business date (metadata.occurredAt)');

    const previousHash = metadata.previousHash;
    const hash = metadata.hash;
    if (typeof previousHash !== 'string' || typeof hash !== 'string') {
      problem('it carries no hash chain (metadata.previousHash / metadata.hash)');
    } else {
      if (tip === undefined ? previousHash !== GENESIS_HASH : !this.tips.hashIs(tip, previousHash)) {
        const tipPosition = this.tips.positionOf(tip);
        problem(
          tip !== undefined
            ? `the hash chain is broken: its previousHash does not match the hash of the stream's previous event at position ${tipPosition}`
            : `the hash chain is broken: the first event of stream ${stored.stream} does not start from the genesis hash`,
          tipPosition,
        );
      }
      if (!isKnownHashVersion(metadata.hashVersion)) problem(`its hash version ${JSON.stringify(metadata.hashVersion)} is not one this auditor knows, so its content cannot be checked`);
      // Only built when checked here: with a parallel verifier it would be garbage for every event.
      else if (this.verifyContentHashes && !hashMatches(previousHash, hashedContentOf(stored)!, hash)) problem(CONTENT_CHANGED);
    }
    const tipHash = typeof hash === 'string' ? hash : '';
    if (tip !== undefined) this.tips.update(tip, Math.max(stored.revision, this.tips.revisionOf(tip)), tipHash, stored.position);
    else this.tips.add(stored.stream, stored.revision, tipHash, stored.position);

    let decoded: DecodedEvent | null = null;
    try {
      const data = upcast(stored.type, metadata.schemaVersion as number, stored.data);
      const type = stored.type as DomainEvent['type'];
      const bad = malformedFields(type, data);
      if (bad.length) problem(`its ${type} data is malformed (${bad.join(', ')}), so it cannot be replayed`);
      else decoded = { type, data, businessKey: String(businessKey), occurredAt: String(metadata.occurredAt), position: stored.position, eventId: stored.eventId, stream: stored.stream } as DecodedEvent;
    } catch (error) {
      if (!(error instanceof UnknownEventError)) throw error;
      problem(`its type ${stored.type} v${String(metadata.schemaVersion)} is not a known event (no upcaster), so it cannot be replayed`);
    }

    return { event: decoded };
  }

  private addProblem(stored: EventProblems['stored'], text: string, positions: Array<Position | undefined>): void {
    let entry = this.troubled.get(stored.position);
    if (!entry) this.troubled.set(stored.position, (entry = { stored, problems: [], evidence: [stored.position] }));
    entry.problems.push(text);
    entry.evidence.push(...positions);
  }

  /** An event whose content another verifier found not to match its hash (see the class comment). */
  addContentMismatch(stored: EventProblems['stored']): void {
    this.addProblem(stored, CONTENT_CHANGED, []);
  }

  /** One finding per event with problems, in position order (fundId null: the history itself is at fault). */
  findings(): RaisedFinding[] {
    return [...this.troubled.values()].map(({ stored, problems, evidence }) => ({
      fundId: null,
      residentId: residentOfStream(stored.stream),
      claimId: claimIdOf(stored.data),
      message: `event ${stored.eventId} (${stored.type}, stream ${stored.stream}, revision ${stored.revision}, position ${stored.position}): ${problems.join('; ')}.`,
      evidence,
    }));
  }
}

function residentOfStream(stream: string): string | null {
  return stream.startsWith('resident-') ? stream.slice('resident-'.length) : null;
}

function claimIdOf(data: unknown): string | null {
  if (data && typeof data === 'object' && typeof (data as { claimId?: unknown }).claimId === 'string') return (data as { claimId: string }).claimId;
  return null;
}
