import type { LogDigest } from './log-digest';

/**
 * The event-store port: the only way the ledger, the projections and the auditor touch stored
 * history. Two adapters implement it (embedded SQLite, EventStoreDB) and pass one contract suite
 * (test/contract/event-store.contract.ts).
 */

/** 'no_stream' / 'stream_exists' / 'any', or the revision (0-based) of the stream's last event. */
export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | number;

/** A total order over all events in the store; opaque beyond comparison and (de)serialisation. */
export type Position = bigint;

export interface EventToAppend {
  /** Unique id (UUID). Re-appending the same ids at the same place is idempotent. */
  eventId: string;
  type: string;
  data: unknown;
  /**
   * `data` already serialised, when the writer has its text (the ledger hashes this text): a JSON
   * text of the same value. Stores that keep JSON text keep these bytes instead of serialising
   * `data` again; stores that keep values may ignore it.
   */
  dataJson?: string;
  metadata: Record<string, unknown>;
  /** `metadata` already serialised as JSON.stringify would (byte for byte), when the writer has it; stores may ignore it. */
  metadataJson?: string;
  /** Globally unique business key (e.g. `contribution:R-001`); a second event with it is refused. */
  businessKey?: string;
}

export interface StoredEvent {
  eventId: string;
  type: string;
  stream: string;
  /** 0-based index within its stream. */
  revision: number;
  position: Position;
  data: unknown;
  metadata: Record<string, unknown>;
}

export interface AppendResult {
  /** Revision of the stream's last event after the append. */
  nextExpectedRevision: number;
  /** Position of the last event appended (or found, for an idempotent re-append). */
  position: Position;
}

export interface StreamAppend {
  stream: string;
  events: EventToAppend[];
  expectedRevision: ExpectedRevision;
}

/**
 * Read-only preconditions checked in the same step as an append: it is made only if they still
 * hold, otherwise nothing is written and WrongExpectedRevisionError (HeadMovedError for the head)
 * is thrown, as for the target stream's own expected revision. The ledger uses them to keep a
 * fact dated in a year from slipping in after that year's close (`streams`: the periods stream
 * has not moved), and a close from missing a fact appended while it computed its figures
 * (`headPosition`: nothing was appended since).
 *
 * The embedded store checks them inside the append transaction. EventStoreDB has no transaction
 * across streams: its adapter checks them just before the append, which leaves a window of one
 * round trip in which a concurrent writer can still slip past (the auditor's closed-period rule
 * reports any fact that did).
 */
export interface AppendCondition {
  streams?: ReadonlyArray<{ stream: string; expectedRevision: ExpectedRevision }>;
  /** The store's last position must still be this (null: the store must still be empty). */
  headPosition?: Position | null;
}

export interface ReadAllOptions {
  /** Read events strictly after this position; omitted, from the first event. */
  after?: Position | null;
  /** Stop after this many events. */
  maxCount?: number;
}

export interface ReadStreamOptions {
  /** Read from this revision on (inclusive); omitted, from the stream's first event. */
  fromRevision?: number;
  /** Stop after this many events. */
  maxCount?: number;
}

export interface Subscription {
  close(): Promise<void>;
}

export type EventHandler = (event: StoredEvent) => void | Promise<void>;

export interface SubscribeOptions {
  /** Deliver events strictly after this checkpoint; null/omitted, from the first event. */
  after?: Position | null;
  /** Called once the subscription has delivered everything stored when it caught up. */
  onCaughtUp?: () => void;
  onError?: (error: Error) => void;
}

export interface EventStorePort {
  /** Atomically appends all events to one stream, or nothing. */
  append(stream: string, events: EventToAppend[], expectedRevision: ExpectedRevision, condition?: AppendCondition): Promise<AppendResult>;
  /**
   * Appends to several streams in order, for imports. Each stream's append is atomic and checked
   * against its expected revision as in `append`. The embedded store makes the whole batch one
   * transaction (all streams or none); EventStoreDB has no multi-stream transaction, so a failure
   * there leaves the earlier streams appended — importers rely on business-key idempotency to
   * resume.
   */
  appendMany(appends: StreamAppend[], condition?: AppendCondition): Promise<AppendResult[]>;
  /**
   * The stream's events in revision order; [] when the stream does not exist (or has nothing from
   * `fromRevision` on). A reader that already folded a prefix reads only the rest.
   */
  readStream(stream: string, options?: ReadStreamOptions): Promise<StoredEvent[]>;
  /** All events in position order, in pages, lazily. */
  readAll(options?: ReadAllOptions): AsyncIterable<StoredEvent>;
  /** Catch-up subscription: history after the checkpoint, then live events, each delivered once and in order. */
  subscribeToAll(handler: EventHandler, options?: SubscribeOptions): Subscription;
  /** The event that holds a business key, if any. */
  findByBusinessKey(businessKey: string): Promise<StoredEvent | undefined>;
  /**
   * findByBusinessKey for many keys at once (an import batch): the holders found, by key; keys
   * nobody holds are absent. One query on the embedded store instead of one per key.
   */
  findByBusinessKeys(businessKeys: readonly string[]): Promise<Map<string, StoredEvent>>;
  /**
   * The revision of each stream's last event, for the streams that exist; a stream never written
   * is absent. An importer asks it once for a batch's unseen streams, so a stream it learns is new
   * starts from the empty state instead of being read (its append still expects 'no_stream', so a
   * writer that created it meanwhile fails that append as before).
   */
  streamRevisions(streams: readonly string[]): Promise<Map<string, number>>;
  /** Position of the last event in the store; null when empty. */
  headPosition(): Promise<Position | null>;
  /**
   * The running digest over the whole log (log-digest.ts), for stores that keep one in their
   * append transaction (the embedded store); EventStoreDB appends are not serialised by the
   * client, so it has none and leaves this out.
   */
  logDigest?(): Promise<LogDigest>;
  close(): Promise<void>;
}

export class WrongExpectedRevisionError extends Error {
  constructor(
    readonly stream: string,
    readonly expected: ExpectedRevision,
    readonly actual: number | 'no_stream',
  ) {
    super(`stream ${stream}: expected revision ${String(expected)}, actual ${String(actual)}`);
    this.name = 'WrongExpectedRevisionError';
  }
}

/** An append conditioned on the store's head (AppendCondition.headPosition) found it moved. */
export class HeadMovedError extends WrongExpectedRevisionError {
  constructor(
    readonly expectedHead: Position | null,
    readonly actualHead: Position | null,
  ) {
    super('$all', 'any', 'no_stream');
    this.message = `the store's head moved: expected position ${expectedHead ?? 'none (empty)'}, actual ${actualHead ?? 'none (empty)'}`;
    this.name = 'HeadMovedError';
  }
}

/** Whether a stream at `current` (null: no stream) satisfies an expected revision. */
export function expectedRevisionHolds(expected: ExpectedRevision, current: number | null): boolean {
  return (
    expected === 'any' ||
    (expected === 'no_stream' && current === null) ||
    (expected === 'stream_exists' && current !== null) ||
    (typeof expected === 'number' && current === expected)
  );
}

export class BusinessKeyTakenError extends Error {
  constructor(
    readonly businessKey: string,
    readonly existing: StoredEvent,
  ) {
    super(`business key ${businessKey} is already held by event ${existing.eventId}`);
    this.name = 'BusinessKeyTakenError';
  }
}

/** The same event id appended somewhere else than where it was first stored. */
export class EventIdConflictError extends Error {
  constructor(readonly eventId: string) {
    super(`event id ${eventId} is already stored at another place`);
    this.name = 'EventIdConflictError';
  }
}

export function positionToJson(position: Position): number | string {
  return position <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(position) : position.toString();
}

export function parsePosition(text: string): Position {
  if (!/^\d+$/.test(text)) throw new RangeError(`not a store position: ${text}`);
  return BigInt(text);
}
