import { createHash } from 'node:crypto';
import {
  AllStreamResolvedEvent,
  ANY,
  AllStreamSubscription,
  AppendExpectedRevision,
  BACKWARDS,
  END,
  ErrorType,
  EventData,
  EventStoreDBClient,
  excludeSystemEvents,
  FORWARDS,
  jsonEvent,
  JSONType,
  NO_STREAM,
  Position as EsdbPosition,
  ReadPosition,
  ReadRevision,
  RecordedEvent,
  START,
  STREAM_EXISTS,
  StreamDeletedError,
  StreamNotFoundError,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import {
  AppendCondition,
  AppendResult,
  BusinessKeyTakenError,
  expectedRevisionHolds,
  HeadMovedError,
  EventHandler,
  EventIdConflictError,
  EventStorePort,
  EventToAppend,
  ExpectedRevision,
  Position,
  ReadAllOptions,
  ReadStreamOptions,
  StoredEvent,
  StreamAppend,
  SubscribeOptions,
  Subscription,
  WrongExpectedRevisionError,
} from './port';

/*
 * Positions
 * ---------
 * EventStoreDB addresses an event in $all by two unsigned 64-bit log offsets, {commit, prepare}, and
 * orders $all by commit, then prepare. The port wants one bigint with a total order, so we pack them as
 *
 *     position = (commit << 64n) | prepare
 *
 * which is a bijection between {commit, prepare} pairs (each < 2^64) and bigints in [0, 2^128), and
 * preserves ESDB's lexicographic order: comparing two packed positions compares commit first and only
 * on a tie compares prepare. decodePosition() is its inverse and is what we hand back to ESDB as
 * `fromPosition`. Packed positions are far above Number.MAX_SAFE_INTEGER, so positionToJson() renders
 * them as decimal strings; they are opaque to everything but comparison.
 */

const U64_MAX = (1n << 64n) - 1n;

/** Packs an ESDB {commit, prepare} position into the port's single bigint (see the comment above). */
export function encodePosition(position: EsdbPosition): Position {
  const { commit, prepare } = position;
  if (commit < 0n || prepare < 0n || commit > U64_MAX || prepare > U64_MAX) {
    throw new RangeError(`not an EventStoreDB log position: commit ${commit}, prepare ${prepare}`);
  }
  return (commit << 64n) | prepare;
}

/** Inverse of encodePosition. */
export function decodePosition(position: Position): EsdbPosition {
  if (position < 0n || position >> 128n !== 0n) throw new RangeError(`not an encoded EventStoreDB position: ${position}`);
  return { commit: position >> 64n, prepare: position & U64_MAX };
}

/*
 * Business keys
 * -------------
 * EventStoreDB has no unique index, so a key K is reserved in its own small stream
 * `bk-<sha256(K)>` (the reservation log) before the event carrying K is appended to its target stream.
 * Each reservation ("claim") records { businessKey, stream, eventId, expectedRevision, revision }:
 * the target stream S, the event E, the expected revision r the whole batch is appended at (-1 for
 * "no stream"), and the revision E will get (r + 1 + its index in the batch). Appends to the log use
 * optimistic concurrency (NO_STREAM for the first claim, then the log revision the claimant read), so
 * the log is a total order of claims and nobody's claim is lost or overwritten.
 *
 * A claim is, by reading S from revision r + 1:
 *   - WRITTEN  when E is stored at its revision;
 *   - DEAD     when S already holds some other event at r + 1 or later where E should be. An append at
 *              expected revision r can then never succeed except as an idempotent no-op of events that
 *              are already there, and E is not, so E can never be written by that claim;
 *   - PENDING  when S has not moved past r yet (the claimant may still be about to append, or crashed).
 *
 * Before appending a claim (S', E', r') a writer checks every claim in the log:
 *   - WRITTEN by another event  -> BusinessKeyTakenError, nothing is written to S';
 *   - WRITTEN by E' itself      -> an idempotent re-append: append again at that claim's slot and let
 *                                  ESDB's own id-based idempotence answer (no duplicate is possible,
 *                                  since that slot is already behind the stream's head);
 *   - DEAD                      -> ignored (a stale reservation, e.g. a crash between the two steps);
 *   - PENDING at the same slot (same S, same r) -> may be taken over: both appends expect revision r of
 *                                  the same stream, so ESDB lets at most one of them succeed;
 *   - PENDING at another slot   -> must not be taken over (the holder might still succeed); we wait a
 *                                  little for it to resolve, then give up with BusinessKeyPendingError
 *                                  (or WrongExpectedRevisionError when our own append is bound to fail).
 * Then it appends its claim at the log revision it read (a concurrent change makes that fail and the
 * writer re-checks), and only then appends the events to S at exactly revision r.
 *
 * Why at most one event per key is ever written: take two writers whose events E1 != E2 with key K were
 * both written. Each appended after its claim had been added to the log; say c1 precedes c2. Whoever
 * added c2 checked c1 first, and found it PENDING-at-the-same-slot (any other status forbids adding c2
 * or means E1 can never be written). Then E1 and E2 were both appended at the same expected revision of
 * the same stream, and ESDB accepts only one of them (a batch containing both would carry K twice,
 * which append() refuses). Contradiction. The reservation is therefore safe across crashes between the
 * two steps (a dead claim is recognised as such and taken over), and a slow-but-alive holder is never
 * overtaken by a writer that could also succeed. findByBusinessKey() returns the (single) claim whose
 * event is WRITTEN. Deleting or truncating target streams is outside this reasoning.
 */

const RESERVATION_EVENT_TYPE = 'BusinessKeyReserved';

interface Claim {
  businessKey: string;
  stream: string;
  eventId: string;
  /** Expected revision of the batch that carries the event; -1 when the batch creates the stream. */
  expectedRevision: number;
  /** The revision the event gets when that batch is appended. */
  revision: number;
}

type ClaimStatus = { kind: 'written'; event: StoredEvent } | { kind: 'dead' } | { kind: 'pending' };

type ReserveOutcome = { kind: 'claimed' } | { kind: 'stored'; slot: number };

/** A business key's reservation belongs to an append that has neither succeeded nor failed yet. */
export class BusinessKeyPendingError extends Error {
  constructor(
    readonly businessKey: string,
    readonly heldFor: { stream: string; eventId: string },
  ) {
    super(`business key ${businessKey} is reserved by pending event ${heldFor.eventId} in stream ${heldFor.stream}; retry later`);
    this.name = 'BusinessKeyPendingError';
  }
}

export interface EventStoreDbEventStoreOptions {
  /** Events per page for readAll and headPosition. */
  pageSize?: number;
  /** How long an append waits for another writer's pending reservation of the same key to resolve. */
  pendingReservationTimeoutMs?: number;
  /** Prefix of the reservation streams (followed by 64 hex digits of sha256(key)). */
  reservationStreamPrefix?: string;
}

/** Retries of an 'any' / 'stream_exists' append that lost a race after reserving its business keys. */
const MAX_UNCONDITIONAL_ATTEMPTS = 10;
const PENDING_POLL_MS = 50;
/** Reads in flight at once for findByBusinessKeys and streamRevisions (an import batch asks ~1,000). */
const BUSINESS_KEY_LOOKUPS_AT_ONCE = 64;

/**
 * Looks each distinct name up, BUSINESS_KEY_LOOKUPS_AT_ONCE at a time (an import batch asks about
 * ~1,000; all at once would open that many reads), keeping the ones that found something.
 */
async function lookUpEach<T>(names: readonly string[], lookUp: (name: string) => Promise<T | null | undefined>): Promise<Map<string, T>> {
  const found = new Map<string, T>();
  const unique = [...new Set(names)];
  for (let from = 0; from < unique.length; from += BUSINESS_KEY_LOOKUPS_AT_ONCE) {
    const chunk = unique.slice(from, from + BUSINESS_KEY_LOOKUPS_AT_ONCE);
    const answers = await Promise.all(chunk.map(lookUp));
    answers.forEach((answer, index) => {
      if (answer !== null && answer !== undefined) found.set(chunk[index], answer);
    });
  }
  return found;
}

/**
 * The EventStoreDB adapter (client @eventstore/db-client v6, server 22.6+ for positions on stream
 * reads). Streams, revisions, atomic appends, optimistic concurrency and event-id idempotence are
 * ESDB's own; business-key uniqueness and strictly-after reads are built on top, see above.
 */
export class EventStoreDbEventStore implements EventStorePort {
  private readonly pageSize: number;
  private readonly pendingReservationTimeoutMs: number;
  private readonly reservationPrefix: string;
  private readonly reservationPattern: RegExp;
  private readonly subscriptions = new Set<Subscription>();
  private closed = false;

  constructor(
    private readonly client: EventStoreDBClient,
    options: EventStoreDbEventStoreOptions = {},
  ) {
    this.pageSize = Math.max(2, options.pageSize ?? 500);
    this.pendingReservationTimeoutMs = options.pendingReservationTimeoutMs ?? 5_000;
    this.reservationPrefix = options.reservationStreamPrefix ?? 'bk-';
    this.reservationPattern = new RegExp(`^${escapeRegExp(this.reservationPrefix)}[0-9a-f]{64}$`);
  }

  /** e.g. `esdb://localhost:2113?tls=false`. */
  static fromConnectionString(connectionString: string, options?: EventStoreDbEventStoreOptions): EventStoreDbEventStore {
    return new EventStoreDbEventStore(EventStoreDBClient.connectionString(connectionString), options);
  }

  // ---------------------------------------------------------------------------------------------
  // append

  async append(stream: string, events: EventToAppend[], expectedRevision: ExpectedRevision, condition?: AppendCondition): Promise<AppendResult> {
    this.assertOpen();
    await this.assertCondition(condition);
    if (events.length === 0) return this.appendNothing(stream, expectedRevision);
    if (events.some((event) => event.businessKey !== undefined)) {
      return this.appendWithBusinessKeys(stream, events, expectedRevision);
    }
    return this.writeEvents(stream, events, toEsdbExpected(expectedRevision), expectedRevision);
  }

  /**
   * The append's read-only preconditions (port: AppendCondition), checked just before it: ESDB has
   * no transaction across streams, so a writer that appends between this check and the append is
   * not stopped here (the auditor's closed-period rule reports what slipped in).
   */
  private async assertCondition(condition: AppendCondition | undefined): Promise<void> {
    if (!condition) return;
    for (const { stream, expectedRevision } of condition.streams ?? []) {
      const current = await this.currentRevision(stream);
      if (!expectedRevisionHolds(expectedRevision, current)) throw new WrongExpectedRevisionError(stream, expectedRevision, current ?? 'no_stream');
    }
    if (condition.headPosition !== undefined) {
      const head = await this.headPosition();
      if (head !== condition.headPosition) throw new HeadMovedError(condition.headPosition, head);
    }
  }

  /** Same answer as the embedded store: check the expectation, write nothing, report the head. */
  private async appendNothing(stream: string, expected: ExpectedRevision): Promise<AppendResult> {
    const current = await this.currentRevision(stream);
    const ok =
      expected === 'any' ||
      (expected === 'no_stream' && current === null) ||
      (expected === 'stream_exists' && current !== null) ||
      (typeof expected === 'number' && current === expected);
    if (!ok) throw new WrongExpectedRevisionError(stream, expected, current ?? 'no_stream');
    return { nextExpectedRevision: current ?? -1, position: (await this.headPosition()) ?? 0n };
  }

  private async appendWithBusinessKeys(stream: string, events: EventToAppend[], expected: ExpectedRevision): Promise<AppendResult> {
    const keyed = events
      .map((event, index) => ({ event, index, key: event.businessKey }))
      .filter((entry): entry is { event: EventToAppend; index: number; key: string } => entry.key !== undefined)
      // A fixed order, so two writers reserving overlapping key sets cannot each hold one the other needs.
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    for (let i = 1; i < keyed.length; i += 1) {
      if (keyed[i].key === keyed[i - 1].key) throw new Error(`business key ${keyed[i].key} appears twice in one append`);
    }

    let forcedSlot: number | undefined;
    for (let attempt = 1; ; attempt += 1) {
      const slot = forcedSlot ?? (await this.slotFor(stream, expected));
      let storedAt: number | undefined;
      for (const { event, index, key } of keyed) {
        const outcome = await this.reserve(
          { businessKey: key, stream, eventId: event.eventId, expectedRevision: slot, revision: slot + 1 + index },
          expected,
        );
        if (outcome.kind === 'stored' && outcome.slot !== slot) {
          // Already stored by an earlier append: repeat that append where it happened, so ESDB's
          // idempotence answers it. Two keys pointing at two different earlier places cannot be one batch.
          if (forcedSlot !== undefined) throw new EventIdConflictError(event.eventId);
          storedAt = outcome.slot;
          break;
        }
      }
      if (storedAt !== undefined) {
        forcedSlot = storedAt;
        continue;
      }
      try {
        return await this.writeEvents(stream, events, slot < 0 ? NO_STREAM : BigInt(slot), expected);
      } catch (error) {
        const unconditional = expected === 'any' || expected === 'stream_exists';
        if (error instanceof WrongExpectedRevisionError && unconditional && forcedSlot === undefined && attempt < MAX_UNCONDITIONAL_ATTEMPTS) {
          continue; // our reservation at the old slot is now dead; reserve again at the new head
        }
        throw error;
      }
    }
  }

  /**
   * The concrete expected revision (-1: no stream) a keyed append is made at, so its reservation can
   * name the slot. 'any' and 'stream_exists' become the stream's current revision.
   */
  private async slotFor(stream: string, expected: ExpectedRevision): Promise<number> {
    if (typeof expected === 'number') return expected;
    if (expected === 'no_stream') return -1;
    const current = await this.currentRevision(stream);
    if (current === null && expected === 'stream_exists') throw new WrongExpectedRevisionError(stream, expected, 'no_stream');
    return current ?? -1;
  }

  /** Adds `intended` to its key's reservation log, or explains why it may not. See the comment at the top. */
  private async reserve(intended: Claim, portExpected: ExpectedRevision): Promise<ReserveOutcome> {
    const key = intended.businessKey;
    const log = this.reservationStream(key);
    const deadline = Date.now() + this.pendingReservationTimeoutMs;
    for (;;) {
      this.assertOpen();
      const { claims, logRevision } = await this.readClaims(key);
      let blockedBy: Claim | undefined;
      for (const claim of [...claims].reverse()) {
        const status = await this.claimStatus(claim);
        if (status.kind === 'written') {
          if (claim.eventId !== intended.eventId) throw new BusinessKeyTakenError(key, status.event);
          if (claim.stream !== intended.stream) throw new EventIdConflictError(claim.eventId);
          return { kind: 'stored', slot: claim.expectedRevision };
        }
        if (status.kind === 'pending' && !sameSlot(claim, intended)) blockedBy ??= claim;
      }

      if (blockedBy) {
        if (blockedBy.stream === intended.stream) {
          // A pending claim on our own stream at another slot: the stream is not past that slot, so
          // unless it sits exactly at ours, our append is refused anyway.
          const current = await this.currentRevision(intended.stream);
          if ((current ?? -1) !== intended.expectedRevision) {
            throw new WrongExpectedRevisionError(intended.stream, portExpected, current ?? 'no_stream');
          }
        }
        if (Date.now() >= deadline) throw new BusinessKeyPendingError(key, blockedBy);
        await sleep(PENDING_POLL_MS);
        continue;
      }

      const latest = claims[claims.length - 1];
      if (latest && sameClaim(latest, intended)) return { kind: 'claimed' };

      try {
        await this.client.appendToStream(
          log,
          jsonEvent({ type: RESERVATION_EVENT_TYPE, data: { ...intended } }),
          { expectedRevision: logRevision === null ? NO_STREAM : logRevision },
        );
        return { kind: 'claimed' };
      } catch (error) {
        if (!isWrongExpectedVersion(error)) throw error;
        // Someone else changed the log since we read it: check again.
        if (Date.now() >= deadline) throw new BusinessKeyPendingError(key, latest ?? intended);
      }
    }
  }

  private async readClaims(businessKey: string): Promise<{ claims: Claim[]; logRevision: bigint | null }> {
    const records = await this.readRecorded(this.reservationStream(businessKey));
    const claims = records.filter((record) => record.type === RESERVATION_EVENT_TYPE).map((record) => toClaim(record.data));
    const last = records[records.length - 1];
    return { claims: claims.filter((claim): claim is Claim => claim !== undefined), logRevision: last ? last.revision : null };
  }

  private async claimStatus(claim: Claim): Promise<ClaimStatus> {
    let records: RecordedEvent[];
    try {
      records = await this.readRecorded(claim.stream, {
        fromRevision: BigInt(claim.expectedRevision + 1),
        maxCount: claim.revision - claim.expectedRevision,
      });
    } catch (error) {
      if (error instanceof StreamDeletedError || (error as { type?: unknown })?.type === ErrorType.STREAM_DELETED) {
        return { kind: 'dead' }; // tombstoned: nothing can be appended to it any more
      }
      throw error;
    }
    const holder = records.find((record) => record.id === claim.eventId);
    if (holder) return { kind: 'written', event: toStoredEvent(holder) };
    return records.length > 0 ? { kind: 'dead' } : { kind: 'pending' };
  }

  /** Appends through the client and translates its concurrency error into the port's. */
  private async writeEvents(
    stream: string,
    events: EventToAppend[],
    expected: AppendExpectedRevision,
    portExpected: ExpectedRevision,
  ): Promise<AppendResult> {
    const data: EventData[] = events.map((event) =>
      jsonEvent({ id: event.eventId, type: event.type, data: event.data as JSONType, metadata: event.metadata }),
    );
    let result;
    try {
      result = await this.client.appendToStream(stream, data, { expectedRevision: expected });
    } catch (error) {
      if (isWrongExpectedVersion(error)) {
        const actual = error.actualVersion;
        throw new WrongExpectedRevisionError(stream, portExpected, actual === 'no_stream' || actual === undefined ? 'no_stream' : Number(actual));
      }
      throw error;
    }
    const nextExpectedRevision = Number(result.nextExpectedRevision);
    return { nextExpectedRevision, position: await this.positionOfAppended(stream, events, nextExpectedRevision, result.position) };
  }

  /**
   * The $all position of the batch's last event, read back from the stream: the append response's
   * position is not documented to be the last event's for multi-event batches, and an idempotent
   * re-append reports no position (or the original write's) depending on the server version, while
   * the port promises "the position of the last event appended (or found)".
   */
  private async positionOfAppended(stream: string, events: EventToAppend[], next: number, reported?: EsdbPosition): Promise<Position> {
    const lastId = events[events.length - 1].eventId;
    const first = next - events.length + 1;
    if (first >= 0) {
      const found = (await this.readRecorded(stream, { fromRevision: BigInt(first), maxCount: events.length })).find(
        (record) => record.id === lastId,
      );
      const position = found && recordedPosition(found);
      if (position !== undefined) return position;
    }
    const found = (await this.readRecorded(stream)).reverse().find((record) => record.id === lastId);
    const position = found && recordedPosition(found);
    if (position !== undefined) return position;
    if (reported) return encodePosition(reported);
    throw new Error(`EventStoreDB did not report where event ${lastId} of stream ${stream} was stored`);
  }

  // ---------------------------------------------------------------------------------------------
  // reads

  /** Stream by stream: EventStoreDB has no transaction across streams (see the port). */
  async appendMany(appends: StreamAppend[], condition?: AppendCondition): Promise<AppendResult[]> {
    const results: AppendResult[] = [];
    // The condition before the first stream only: the batch's own appends move the head.
    await this.assertCondition(condition);
    for (const { stream, events, expectedRevision } of appends) results.push(await this.append(stream, events, expectedRevision));
    return results;
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    this.assertOpen();
    if (options.maxCount !== undefined && options.maxCount <= 0) return [];
    const from = options.fromRevision === undefined || options.fromRevision <= 0 ? {} : { fromRevision: BigInt(options.fromRevision) };
    return (await this.readRecorded(stream, { ...from, ...(options.maxCount === undefined ? {} : { maxCount: options.maxCount }) })).map(toStoredEvent);
  }

  /**
   * EventStoreDB has no query across reservation streams: each key is looked up as
   * findByBusinessKey does, a bounded number at a time, so the answer is the same.
   */
  async findByBusinessKeys(businessKeys: readonly string[]): Promise<Map<string, StoredEvent>> {
    this.assertOpen();
    return lookUpEach(businessKeys, (key) => this.findByBusinessKey(key));
  }

  /** Each stream's last event read backwards, a bounded number at a time (no query across streams). */
  async streamRevisions(streams: readonly string[]): Promise<Map<string, number>> {
    this.assertOpen();
    return lookUpEach(streams, (stream) => this.currentRevision(stream));
  }

  async findByBusinessKey(businessKey: string): Promise<StoredEvent | undefined> {
    this.assertOpen();
    const { claims } = await this.readClaims(businessKey);
    for (const claim of [...claims].reverse()) {
      const status = await this.claimStatus(claim);
      if (status.kind === 'written') return status.event;
    }
    return undefined;
  }

  /**
   * $all in pages, strictly after `after`. ESDB's fromPosition is inclusive, so every event at or
   * before the cursor (the event at `after` itself, and each page's first event, which is the previous
   * page's last) is skipped. System events/streams and reservation streams are left out and do not
   * count towards maxCount.
   */
  async *readAll(options: ReadAllOptions = {}): AsyncIterable<StoredEvent> {
    let cursor: Position | null = options.after ?? null;
    let remaining = options.maxCount ?? Number.POSITIVE_INFINITY;
    while (remaining > 0) {
      this.assertOpen();
      const page = await this.readAllPage(cursor === null ? START : decodePosition(cursor), FORWARDS);
      let progressed = false;
      for (const resolved of page) {
        const record = resolved.event;
        if (!record) continue;
        const position = encodePosition(record.position);
        if (cursor !== null && position <= cursor) continue;
        cursor = position;
        progressed = true;
        if (!this.isVisible(record)) continue;
        yield toStoredEvent(record);
        remaining -= 1;
        if (remaining <= 0) return;
      }
      if (page.length < this.pageSize || !progressed) return;
    }
  }

  /** The last visible event's position, reading $all backwards page by page past system events. */
  async headPosition(): Promise<Position | null> {
    this.assertOpen();
    let cursor: Position | null = null;
    for (;;) {
      const page = await this.readAllPage(cursor === null ? END : decodePosition(cursor), BACKWARDS);
      let progressed = false;
      for (const resolved of page) {
        const record = resolved.event;
        if (!record) continue;
        const position = encodePosition(record.position);
        if (cursor !== null && position >= cursor) continue;
        cursor = position;
        progressed = true;
        if (this.isVisible(record)) return position;
      }
      if (page.length < this.pageSize || !progressed) return null;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // subscriptions

  /**
   * A catch-up subscription on $all (server-side filter: no `$` event types). Events are handled one
   * at a time through a promise chain, in order, each once (anything at or before the last delivered
   * position is dropped). onCaughtUp fires once, when the handler has processed everything that was
   * stored when the subscription started: on the client's 'caughtUp' signal (servers 23.10+), counted
   * against what was already received, or, whichever comes first, when the event at the head position
   * read just before subscribing has been handled.
   */
  subscribeToAll(handler: EventHandler, options: SubscribeOptions = {}): Subscription {
    const after = options.after ?? null;
    let stopped = false;
    let failed = false;
    let caughtUpFired = false;
    let stream: AllStreamSubscription | undefined;
    let chain: Promise<void> = Promise.resolve();
    let lastSeen: Position | null = after;
    let headAtStart: Position | null = null;
    let received = 0;
    let processed = 0;
    let caughtUpTarget: number | null = null;
    let paused = false;

    const report = (error: Error) => {
      if (options.onError) options.onError(error);
      else void Promise.reject(error); // like the embedded store: unhandled unless onError is given
    };
    const fail = (error: Error) => {
      if (stopped || failed) return;
      failed = true;
      stopped = true;
      void stream?.unsubscribe().catch(() => undefined);
      report(error);
    };
    const fireCaughtUp = () => {
      if (caughtUpFired || stopped) return;
      caughtUpFired = true;
      options.onCaughtUp?.();
    };
    const enqueue = (step: () => void | Promise<void>) => {
      chain = chain.then(async () => {
        if (stopped) return;
        try {
          await step();
        } catch (error) {
          fail(error as Error);
        }
      });
    };
    const deliver = async (resolved: AllStreamResolvedEvent) => {
      const record = resolved.event;
      if (record) {
        const position = encodePosition(record.position);
        if (lastSeen === null || position > lastSeen) {
          lastSeen = position;
          if (this.isVisible(record)) await handler(toStoredEvent(record));
          if (headAtStart !== null && position >= headAtStart) fireCaughtUp();
        }
      }
      processed += 1;
      if (caughtUpTarget !== null && processed >= caughtUpTarget) fireCaughtUp();
      if (paused && received - processed < 100) {
        paused = false;
        stream?.resume();
      }
    };

    const start = async () => {
      headAtStart = await this.headPosition();
      if (stopped) return;
      const esdbSubscription = this.client.subscribeToAll({
        fromPosition: after === null ? START : decodePosition(after),
        filter: excludeSystemEvents(),
      });
      stream = esdbSubscription;
      if (headAtStart === null || (after !== null && headAtStart <= after)) enqueue(fireCaughtUp);
      esdbSubscription.on('data', (resolved: AllStreamResolvedEvent) => {
        received += 1;
        enqueue(() => deliver(resolved));
        if (!paused && received - processed > 1_000) {
          paused = true; // back-pressure: let the handler catch up before buffering more
          esdbSubscription.pause();
        }
      });
      esdbSubscription.on('caughtUp', () => {
        if (caughtUpTarget !== null) return;
        // Events pushed before this signal are either handed to us already or still in the buffer.
        caughtUpTarget = received + esdbSubscription.readableLength;
        enqueue(() => {
          if (caughtUpTarget !== null && processed >= caughtUpTarget) fireCaughtUp();
        });
      });
      esdbSubscription.on('error', (error: Error) => fail(error));
      esdbSubscription.on('end', () => fail(new Error('EventStoreDB ended the $all subscription')));
    };
    const started = start().catch((error: Error) => fail(error));

    const subscription: Subscription = {
      close: async () => {
        this.subscriptions.delete(subscription);
        stopped = true;
        await started;
        await stream?.unsubscribe().catch(() => undefined);
        await chain;
      },
    };
    this.subscriptions.add(subscription);
    return subscription;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
    await this.client.dispose();
  }

  // ---------------------------------------------------------------------------------------------
  // helpers

  private reservationStream(businessKey: string): string {
    return `${this.reservationPrefix}${createHash('sha256').update(businessKey, 'utf8').digest('hex')}`;
  }

  /** Not a system event type or stream, and not a business-key reservation. */
  private isVisible(record: { streamId: string; type: string }): boolean {
    return !record.type.startsWith('$') && !record.streamId.startsWith('$') && !this.reservationPattern.test(record.streamId);
  }

  private async currentRevision(stream: string): Promise<number | null> {
    const [last] = await this.readRecorded(stream, { direction: BACKWARDS, fromRevision: END, maxCount: 1 });
    return last ? Number(last.revision) : null;
  }

  /** The stream's records; [] when it does not exist. */
  private async readRecorded(
    stream: string,
    options: { direction?: typeof FORWARDS | typeof BACKWARDS; fromRevision?: ReadRevision; maxCount?: number } = {},
  ): Promise<RecordedEvent[]> {
    const records: RecordedEvent[] = [];
    try {
      for await (const resolved of this.client.readStream(stream, options)) {
        if (resolved.event) records.push(resolved.event);
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError || (error as { type?: unknown })?.type === ErrorType.STREAM_NOT_FOUND) return [];
      throw error;
    }
    return records;
  }

  private async readAllPage(fromPosition: ReadPosition, direction: typeof FORWARDS | typeof BACKWARDS): Promise<AllStreamResolvedEvent[]> {
    const page: AllStreamResolvedEvent[] = [];
    for await (const resolved of this.client.readAll({ fromPosition, direction, maxCount: this.pageSize })) page.push(resolved);
    return page;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('event store is closed');
  }
}

function toEsdbExpected(expected: ExpectedRevision): AppendExpectedRevision {
  switch (expected) {
    case 'any':
      return ANY;
    case 'no_stream':
      return NO_STREAM;
    case 'stream_exists':
      return STREAM_EXISTS;
    default:
      return BigInt(expected);
  }
}

function isWrongExpectedVersion(error: unknown): error is WrongExpectedVersionError {
  return error instanceof WrongExpectedVersionError || (error as { type?: unknown })?.type === ErrorType.WRONG_EXPECTED_VERSION;
}

/** The $all position ESDB reports with a stream read (servers 22.6+); undefined when absent. */
function recordedPosition(record: RecordedEvent): Position | undefined {
  const position = record.position;
  if (!position || (position.commit === 0n && position.prepare === 0n)) return undefined;
  return encodePosition(position);
}

function toStoredEvent(record: RecordedEvent): StoredEvent {
  const position = recordedPosition(record);
  if (position === undefined) {
    throw new Error(`EventStoreDB returned event ${record.id} without its $all position (server 22.6 or later is required)`);
  }
  const metadata = record.metadata;
  return {
    eventId: record.id,
    type: record.type,
    stream: record.streamId,
    revision: Number(record.revision),
    position,
    data: record.data,
    metadata: metadata && typeof metadata === 'object' && !(metadata instanceof Uint8Array) && !Array.isArray(metadata) ? (metadata as Record<string, unknown>) : {},
  };
}

function toClaim(data: unknown): Claim | undefined {
  if (!data || typeof data !== 'object') return undefined;
  const claim = data as Partial<Claim>;
  if (
    typeof claim.businessKey !== 'string' ||
    typeof claim.stream !== 'string' ||
    typeof claim.eventId !== 'string' ||
    typeof claim.expectedRevision !== 'number' ||
    typeof claim.revision !== 'number'
  ) {
    return undefined;
  }
  return {
    businessKey: claim.businessKey,
    stream: claim.stream,
    eventId: claim.eventId,
    expectedRevision: claim.expectedRevision,
    revision: claim.revision,
  };
}

function sameSlot(a: Claim, b: Claim): boolean {
  return a.stream === b.stream && a.expectedRevision === b.expectedRevision;
}

function sameClaim(a: Claim, b: Claim): boolean {
  return sameSlot(a, b) && a.eventId === b.eventId && a.revision === b.revision && a.businessKey === b.businessKey;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
