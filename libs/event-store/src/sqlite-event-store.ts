import Database from 'better-sqlite3';
import { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  AppendCondition,
  AppendResult,
  expectedRevisionHolds,
  HeadMovedError,
  BusinessKeyTakenError,
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
import { LOG_DIGEST_CHECKPOINT_EVERY, LOG_DIGEST_GENESIS, type LogDigest, logDigestStep } from './log-digest';

/**
 * A row of EVENTS_SCHEMA's events table, every column, as better-sqlite3 returns it: positions are
 * numbers unless the statement reads safe integers (the store's page read does, for bigint positions).
 */
export interface EventsTableRow<P extends number | bigint = number> {
  position: P;
  event_id: string;
  stream: string;
  revision: number;
  type: string;
  data: string;
  metadata: string;
  business_key: string | null;
}

/** What the store's own reads select: every column but the business key. */
type EventRow = Omit<EventsTableRow<number | bigint>, 'business_key'>;

/**
 * An event as the embedded store writes it: the texts of its columns, and the hash the log digest
 * chains (metadata.hash). What a writer on another thread is handed (SqliteWriterThread): strings
 * only, so passing them costs no deep copy of objects.
 */
export interface EncodedEvent {
  eventId: string;
  type: string;
  dataJson: string;
  metadataJson: string;
  businessKey: string | null;
  hash: string | null;
}

export interface EncodedStreamAppend {
  stream: string;
  expectedRevision: ExpectedRevision;
  events: EncodedEvent[];
}

/** The texts the store would write for an event (metadata serialised here, data unless the writer gave its text). */
export function encodeEvent(event: EventToAppend): EncodedEvent {
  const hash = event.metadata?.hash;
  return {
    eventId: event.eventId,
    type: event.type,
    dataJson: event.dataJson ?? JSON.stringify(event.data),
    metadataJson: event.metadataJson ?? JSON.stringify(event.metadata),
    businessKey: event.businessKey ?? null,
    hash: typeof hash === 'string' ? hash : null,
  };
}

export function encodeStreamAppends(appends: readonly StreamAppend[]): EncodedStreamAppend[] {
  return appends.map((append) => ({ stream: append.stream, expectedRevision: append.expectedRevision, events: append.events.map(encodeEvent) }));
}

export interface SqliteEventStoreOptions {
  /** File path, or ':memory:' for throwaway stores in unit tests. */
  file: string;
  /** Rows per page for readAll and catch-up. */
  pageSize?: number;
  /** How often a live subscription looks for events written by another process. */
  pollIntervalMs?: number;
  /**
   * Open an existing file read-only (the auditor): nothing is created, migrated or backfilled —
   * not even the journal mode is set — so what is read is the file exactly as found, and appends
   * are refused.
   */
  readOnly?: boolean;
  /**
   * Page size of a new file (bytes; SQLite fixes it when the file is first written, so an existing
   * file keeps its own). Default NEW_FILE_PAGE_SIZE.
   */
  newFilePageSize?: number;
}

/**
 * Page size of new store files: 16 KiB instead of SQLite's 4 KiB. Each insert dirties a leaf of
 * the table and of its three unique indexes, and a commit writes every dirty page whole to the
 * WAL: with larger pages more of a batch's inserts share a leaf, and the log writes fewer, larger
 * frames per event (see docs/performance.md, third round). Existing files keep their page size;
 * nothing about durability or the stored bytes changes.
 */
export const NEW_FILE_PAGE_SIZE = 16_384;

/** Bytes of WAL after which it is copied into the database: the same 64 MiB whatever the page size. */
const WAL_AUTOCHECKPOINT_BYTES = 64 * 1024 * 1024;

/** The events table; exported so benchmarks can build a raw table with exactly this schema. */
export const EVENTS_SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  position     INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id     TEXT    NOT NULL UNIQUE,
  stream       TEXT    NOT NULL,
  revision     INTEGER NOT NULL,
  type         TEXT    NOT NULL,
  data         TEXT    NOT NULL,
  metadata     TEXT    NOT NULL,
  business_key TEXT    UNIQUE,
  UNIQUE (stream, revision)
);
`;

/**
 * The running digest of the log (log-digest.ts), written in every append transaction: its head
 * (one row) and a checkpoint every LOG_DIGEST_CHECKPOINT_EVERY events.
 */
const LOG_DIGEST_SCHEMA = `
CREATE TABLE IF NOT EXISTS log_digest_head (
  singleton          INTEGER PRIMARY KEY CHECK (singleton = 1),
  position           INTEGER NOT NULL,
  digest             TEXT    NOT NULL,
  backfilled_through INTEGER
);
CREATE TABLE IF NOT EXISTS log_digest_checkpoints (
  position INTEGER PRIMARY KEY,
  digest   TEXT    NOT NULL
);
`;

/** Rows read at a time when the digest is computed over a store file that had none. */
const BACKFILL_PAGE_SIZE = 20_000;

/** The digest as an append transaction (or the backfill) carries it from one event to the next. */
interface DigestCursor {
  position: Position | null;
  digest: string;
}

const CHECKPOINT_EVERY = BigInt(LOG_DIGEST_CHECKPOINT_EVERY);

/** Moves the digest on over one event, and keeps a checkpoint where one falls due. */
function advanceDigest(cursor: DigestCursor, position: Position, eventId: string, hash: unknown, checkpoint: Database.Statement<[Position, string]>): void {
  cursor.digest = logDigestStep(cursor.digest, position, eventId, hash);
  cursor.position = position;
  if (position % CHECKPOINT_EVERY === 0n) checkpoint.run(position, cursor.digest);
}

/**
 * Connection settings, in order. WAL with synchronous=FULL: a commit returns only after its WAL
 * frames are fsynced, so an acknowledged append survives power loss. Two settings are about speed
 * only and leave durability as it is:
 * - cache_size: 64 MiB of page cache instead of the build's 16 MiB — a command reads its resident's
 *   stream, scattered over many pages of a large table, right before appending;
 * - wal_autocheckpoint (set after these, walAutocheckpointPages): copy the WAL into the database
 *   every 64 MiB of it (16,384 pages of 4 KiB, 4,096 of 16 KiB) instead of every 1,000 pages. A
 *   1,000-event batch dirties more than 1,000 pages (random index keys), so the default
 *   checkpointed after nearly every commit; less often, pages written by several batches are
 *   copied once. Every commit is still fsynced to the WAL; only the WAL's size and the work of
 *   recovery after a crash grow (bounded by the 64 MiB).
 */
export const EVENT_STORE_PRAGMAS: readonly string[] = ['journal_mode = WAL', 'synchronous = FULL', 'busy_timeout = 5000', 'cache_size = -65536'];

/** wal_autocheckpoint for a file of this page size: 64 MiB of WAL, whatever the page size. */
export function walAutocheckpointPages(pageSize: number): number {
  return Math.max(1, Math.round(WAL_AUTOCHECKPOINT_BYTES / pageSize));
}

/** Thrown inside the fast append path to abandon it for the fully checked one (never escapes). */
class TakeCheckedPath extends Error {}

/**
 * The embedded default: one SQLite file in WAL mode with synchronous=FULL, so an acknowledged
 * append survives a process or power failure, and every append is one transaction (whole or
 * nothing). Positions are SQLite's AUTOINCREMENT row ids: strictly increasing, never reused.
 */
export class SqliteEventStore implements EventStorePort {
  private readonly db: Database.Database;
  private readonly appended = new EventEmitter();
  private readonly pageSize: number;
  private readonly pollIntervalMs: number;
  private readonly readOnly: boolean;
  /** False for a read-only file that has no digest tables (written before the digest, or stripped of it). */
  private readonly hasDigestTables: boolean;
  private readonly emptyDigestTables: Database.Database | null;
  private closed = false;

  private readonly selectStreamRevision: Database.Statement<[string], { revision: number | null }>;
  private readonly selectByEventId: Database.Statement<[string], EventRow>;
  private readonly selectByBusinessKey: Database.Statement<[string], EventRow>;
  private readonly selectByBusinessKeys: Database.Statement<[string], EventRow & { business_key: string }>;
  private readonly selectStreamRevisions: Database.Statement<[string], { stream: string; revision: number | null }>;
  private readonly insertEvent: Database.Statement<[string, string, number, string, string, string, string | null]>;
  private readonly selectStream: Database.Statement<[string], EventRow>;
  private readonly selectStreamFrom: Database.Statement<[string, number, number], EventRow>;
  private readonly selectPage: Database.Statement<[bigint, number], EventRow>;
  private readonly selectHead: Database.Statement<[], { position: number | bigint | null }>;
  private readonly selectDigestHead: Database.Statement<[], { position: number | bigint; digest: string; backfilled_through: number | bigint | null }>;
  private readonly saveDigestHead: Database.Statement<[Position | null, string]>;
  private readonly insertDigestCheckpoint: Database.Statement<[Position, string]>;
  private readonly selectDigestCheckpoints: Database.Statement<[], { position: number | bigint; digest: string }>;
  private readonly appendManyTransaction: (appends: EncodedStreamAppend[], condition: AppendCondition | undefined) => AppendResult[];
  private readonly fastAppendManyTransaction: (appends: EncodedStreamAppend[], condition: AppendCondition | undefined) => AppendResult[];

  constructor(options: SqliteEventStoreOptions) {
    this.readOnly = options.readOnly === true;
    if (this.readOnly) {
      this.db = new Database(options.file, { readonly: true, fileMustExist: true });
      // Connection settings only: neither writes to the file.
      this.db.pragma('busy_timeout = 5000');
      this.db.pragma('cache_size = -65536');
      this.hasDigestTables = this.tableExists('log_digest_head') && this.tableExists('log_digest_checkpoints');
    } else {
      if (options.file !== ':memory:') mkdirSync(dirname(options.file), { recursive: true });
      this.db = new Database(options.file);
      // Only a file with nothing in it yet takes a page size (before WAL mode writes its header).
      if (Number(this.db.pragma('page_count', { simple: true })) === 0) this.db.pragma(`page_size = ${options.newFilePageSize ?? NEW_FILE_PAGE_SIZE}`);
      for (const pragma of EVENT_STORE_PRAGMAS) this.db.pragma(pragma);
      this.db.pragma(`wal_autocheckpoint = ${walAutocheckpointPages(Number(this.db.pragma('page_size', { simple: true })))}`);
      this.db.exec(EVENTS_SCHEMA);
      this.startLogDigest();
      this.hasDigestTables = true;
    }
    this.pageSize = options.pageSize ?? 5_000;
    this.pollIntervalMs = options.pollIntervalMs ?? 250;
    this.appended.setMaxListeners(0);

    this.selectStreamRevision = this.db.prepare('SELECT max(revision) AS revision FROM events WHERE stream = ?');
    this.selectByEventId = this.db.prepare('SELECT * FROM events WHERE event_id = ?');
    this.selectByBusinessKey = this.db.prepare('SELECT * FROM events WHERE business_key = ?');
    this.selectByBusinessKeys = this.db.prepare('SELECT * FROM events WHERE business_key IN (SELECT value FROM json_each(?))');
    // A correlated max() per name: one seek to the end of the stream's (stream, revision) index entries.
    this.selectStreamRevisions = this.db.prepare(
      'SELECT j.value AS stream, (SELECT max(revision) FROM events WHERE stream = j.value) AS revision FROM json_each(?) AS j',
    );
    this.insertEvent = this.db.prepare(
      'INSERT INTO events (event_id, stream, revision, type, data, metadata, business_key) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.selectStream = this.db.prepare('SELECT * FROM events WHERE stream = ? ORDER BY revision');
    this.selectStreamFrom = this.db.prepare('SELECT * FROM events WHERE stream = ? AND revision >= ? ORDER BY revision LIMIT ?');
    // The columns a StoredEvent is made of, not the business key: a full replay reads every row,
    // and that unused text was ~12 % of the page read's CPU.
    this.selectPage = this.db.prepare('SELECT position, event_id, stream, revision, type, data, metadata FROM events WHERE position > ? ORDER BY position LIMIT ?');
    this.selectHead = this.db.prepare('SELECT max(position) AS position FROM events');
    // IMMEDIATE takes the write lock up front, so the revision check and the inserts see the same state
    // even when another process writes the same file.
    // A read-only file without digest tables has nothing to prepare them against: logDigest() says it keeps none.
    this.emptyDigestTables = this.hasDigestTables ? null : inMemoryDigestTables();
    const digestTables = this.emptyDigestTables ?? this.db;
    this.selectDigestHead = digestTables.prepare('SELECT position, digest, backfilled_through FROM log_digest_head WHERE singleton = 1');
    this.saveDigestHead = digestTables.prepare(
      'INSERT INTO log_digest_head (singleton, position, digest) VALUES (1, ?, ?) ON CONFLICT (singleton) DO UPDATE SET position = excluded.position, digest = excluded.digest',
    );
    this.insertDigestCheckpoint = digestTables.prepare('INSERT INTO log_digest_checkpoints (position, digest) VALUES (?, ?)');
    this.selectDigestCheckpoints = digestTables.prepare('SELECT position, digest FROM log_digest_checkpoints ORDER BY position');
    this.appendManyTransaction = this.db.transaction((appends: EncodedStreamAppend[], condition: AppendCondition | undefined) => {
      this.assertCondition(condition);
      return this.withDigest((cursor) => appends.map((append) => this.appendInsideTransaction(append.stream, append.events, append.expectedRevision, cursor)));
    }).immediate;
    this.fastAppendManyTransaction = this.db.transaction((appends: EncodedStreamAppend[], condition: AppendCondition | undefined) => {
      this.assertCondition(condition);
      return this.withDigest((cursor) => appends.map((append) => this.appendFast(append.stream, append.events, append.expectedRevision, cursor)));
    }).immediate;
  }

  /**
   * Creates the digest tables. A store file written before the digest existed gets it computed
   * once over the events it holds (and says so: backfilled_through), so appends chain on from them.
   */
  private startLogDigest(): void {
    // In a write transaction: two processes opening an older file at once backfill it once.
    this.db.transaction(() => {
      const existed = this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'log_digest_head'").get() !== undefined;
      this.db.exec(LOG_DIGEST_SCHEMA);
      if (existed) return;
      const cursor: DigestCursor = { position: null, digest: LOG_DIGEST_GENESIS };
      // Prepared here: the constructor's statements need the tables this transaction creates.
      const checkpoint = this.db.prepare('INSERT INTO log_digest_checkpoints (position, digest) VALUES (?, ?)');
      // In pages: a statement being iterated keeps the connection busy, so nothing could be written meanwhile.
      const page = this.db
        .prepare("SELECT position, event_id, json_extract(metadata, '$.hash') AS hash FROM events WHERE position > ? ORDER BY position LIMIT ?")
        .safeIntegers(true);
      for (;;) {
        const rows = page.all(cursor.position ?? 0n, BACKFILL_PAGE_SIZE) as Array<{ position: bigint; event_id: string; hash: unknown }>;
        if (rows.length === 0) break;
        for (const row of rows) advanceDigest(cursor, row.position, row.event_id, row.hash, checkpoint);
      }
      if (cursor.position !== null) {
        this.db
          .prepare('INSERT INTO log_digest_head (singleton, position, digest, backfilled_through) VALUES (1, ?, ?, ?)')
          .run(cursor.position, cursor.digest, cursor.position);
      }
    }).immediate();
  }

  /** Runs an append transaction's inserts with the digest cursor, and saves what they moved it to. */
  private withDigest<T>(inserts: (cursor: DigestCursor) => T): T {
    const head = this.selectDigestHead.get();
    const before = head ? BigInt(head.position) : null;
    const cursor: DigestCursor = { position: before, digest: head?.digest ?? LOG_DIGEST_GENESIS };
    const result = inserts(cursor);
    if (cursor.position !== before) this.saveDigestHead.run(cursor.position, cursor.digest);
    return result;
  }

  private tableExists(name: string): boolean {
    return this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
  }

  async logDigest(): Promise<LogDigest> {
    this.assertOpen();
    if (!this.hasDigestTables) return { headPosition: this.headPositionSync(), head: null, checkpoints: [], backfilledThrough: null };
    // One read transaction: the head, the digests and the last position from the same snapshot.
    return this.db.transaction(() => {
      const head = this.selectDigestHead.get();
      return {
        headPosition: this.headPositionSync(),
        head: head ? { position: BigInt(head.position), digest: head.digest } : null,
        checkpoints: this.selectDigestCheckpoints.all().map((row) => ({ position: BigInt(row.position), digest: row.digest })),
        backfilledThrough: head?.backfilled_through === null || head?.backfilled_through === undefined ? null : BigInt(head.backfilled_through),
      };
    }).deferred();
  }

  async append(stream: string, events: EventToAppend[], expectedRevision: ExpectedRevision, condition?: AppendCondition): Promise<AppendResult> {
    this.assertWritable();
    const [result] = this.appendChecked([{ stream, expectedRevision, events: events.map(encodeEvent) }], condition);
    this.appended.emit('appended');
    return result;
  }

  /** One transaction and one fsync for the whole batch: all streams are appended or none. */
  async appendMany(appends: StreamAppend[], condition?: AppendCondition): Promise<AppendResult[]> {
    this.assertWritable();
    return this.appendEncoded(encodeStreamAppends(appends), condition);
  }

  /**
   * appendMany of events already encoded (the writer thread's entry): the same transaction, checks
   * and answers, synchronously.
   */
  appendEncoded(appends: EncodedStreamAppend[], condition?: AppendCondition): AppendResult[] {
    this.assertWritable();
    const results = this.appendChecked(appends, condition);
    this.appended.emit('appended');
    return results;
  }

  /**
   * The common case — fresh event ids and business keys, expected revisions that hold — costs one
   * revision lookup per stream and one INSERT per event: the UNIQUE constraints on event_id,
   * business_key and (stream, revision) do the checking. Anything else (a constraint hit, a
   * revision that does not match, any other failure) rolls the fast attempt back whole and replays
   * the appends on the fully checked path, which gives exactly the answers it always gave:
   * idempotent re-appends, WrongExpectedRevisionError, BusinessKeyTakenError, EventIdConflictError.
   */
  private appendChecked(appends: EncodedStreamAppend[], condition: AppendCondition | undefined): AppendResult[] {
    try {
      return this.fastAppendManyTransaction(appends, condition);
    } catch (error) {
      if (isBusy(error)) throw error;
      return this.appendManyTransaction(appends, condition);
    }
  }

  /** The append's read-only preconditions, inside its transaction (see AppendCondition). */
  private assertCondition(condition: AppendCondition | undefined): void {
    if (!condition) return;
    for (const { stream, expectedRevision } of condition.streams ?? []) assertExpectedRevision(stream, expectedRevision, this.currentRevision(stream));
    if (condition.headPosition !== undefined) {
      const head = this.headPositionSync();
      if (head !== condition.headPosition) throw new HeadMovedError(condition.headPosition, head);
    }
  }

  private appendFast(stream: string, events: EncodedEvent[], expected: ExpectedRevision, cursor: DigestCursor): AppendResult {
    const current = this.currentRevision(stream);
    if (events.length === 0 || !expectedRevisionHolds(expected, current)) throw new TakeCheckedPath();
    let revision = current ?? -1;
    let position: Position = 0n;
    for (const event of events) {
      revision += 1;
      position = this.insertAt(stream, revision, event, cursor);
    }
    return { nextExpectedRevision: revision, position };
  }

  /**
   * One INSERT (the table's UNIQUE constraints refuse a taken event id, business key or revision),
   * and the running digest moved on over it.
   */
  private insertAt(stream: string, revision: number, event: EncodedEvent, cursor: DigestCursor): Position {
    const info = this.insertEvent.run(event.eventId, stream, revision, event.type, event.dataJson, event.metadataJson, event.businessKey);
    const position = BigInt(info.lastInsertRowid);
    advanceDigest(cursor, position, event.eventId, event.hash, this.insertDigestCheckpoint);
    return position;
  }

  private appendInsideTransaction(stream: string, events: EncodedEvent[], expected: ExpectedRevision, cursor: DigestCursor): AppendResult {
    const current = this.currentRevision(stream);
    const alreadyStored = this.findIdempotentReappend(stream, events);
    if (alreadyStored) return alreadyStored;
    assertExpectedRevision(stream, expected, current);
    let revision = current ?? -1;
    let position: Position = 0n;
    for (const event of events) {
      if (event.businessKey !== null) {
        const holder = this.selectByBusinessKey.get(event.businessKey);
        if (holder) throw new BusinessKeyTakenError(event.businessKey, toStoredEvent(holder));
      }
      revision += 1;
      position = this.insertAt(stream, revision, event, cursor);
    }
    if (events.length === 0) position = this.headPositionSync() ?? 0n;
    return { nextExpectedRevision: revision, position };
  }

  /**
   * EventStoreDB's idempotence: the same event ids already stored, in order, in this stream make the
   * append a no-op that reports where they are. Ids stored anywhere else are a conflict.
   */
  private findIdempotentReappend(stream: string, events: EncodedEvent[]): AppendResult | undefined {
    if (events.length === 0) return undefined;
    const found = events.map((event) => this.selectByEventId.get(event.eventId));
    if (found.every((row) => row === undefined)) return undefined;
    const first = found[0];
    const inPlace =
      first !== undefined &&
      found.every((row, index) => row !== undefined && row.stream === stream && row.revision === first.revision + index);
    if (!inPlace) throw new EventIdConflictError(events[found.findIndex((row) => row !== undefined)].eventId);
    const last = found[found.length - 1]!;
    return { nextExpectedRevision: Number(this.currentRevision(stream)), position: BigInt(last.position) };
  }

  private currentRevision(stream: string): number | null {
    const row = this.selectStreamRevision.get(stream);
    return row?.revision === null || row?.revision === undefined ? null : Number(row.revision);
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    this.assertOpen();
    if (options.fromRevision === undefined && options.maxCount === undefined) return this.selectStream.all(stream).map(toStoredEvent);
    // SQLite: a negative LIMIT is no limit.
    return this.selectStreamFrom.all(stream, Math.max(0, options.fromRevision ?? 0), options.maxCount ?? -1).map(toStoredEvent);
  }

  async *readAll(options: ReadAllOptions = {}): AsyncIterable<StoredEvent> {
    let after = options.after ?? 0n;
    let remaining = options.maxCount ?? Number.POSITIVE_INFINITY;
    while (remaining > 0) {
      this.assertOpen();
      const rows = this.selectPage.all(after, Math.min(this.pageSize, remaining));
      if (rows.length === 0) return;
      for (const row of rows) yield toStoredEvent(row);
      after = BigInt(rows[rows.length - 1].position);
      remaining -= rows.length;
    }
  }

  /** A page of raw rows, for the auditor's and benchmark's fast sequential replay. */
  readPageSync(after: Position, limit: number): StoredEvent[] {
    this.assertOpen();
    return this.selectPage.all(after, limit).map(toStoredEvent);
  }

  subscribeToAll(handler: EventHandler, options: SubscribeOptions = {}): Subscription {
    let checkpoint: Position = options.after ?? 0n;
    let stopped = false;
    let caughtUp = false;
    let wake: (() => void) | undefined;
    const onAppended = () => wake?.();
    this.appended.on('appended', onAppended);

    const waitForMore = () =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.pollIntervalMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });

    const run = async () => {
      while (!stopped && !this.closed) {
        const rows = this.selectPage.all(checkpoint, this.pageSize);
        for (const row of rows) {
          if (stopped) return;
          await handler(toStoredEvent(row));
          checkpoint = BigInt(row.position);
        }
        if (rows.length < this.pageSize) {
          if (!caughtUp) {
            caughtUp = true;
            options.onCaughtUp?.();
          }
          if (rows.length === 0) await waitForMore();
        }
      }
    };
    const done = run().catch((error: Error) => {
      if (options.onError) options.onError(error);
      else throw error;
    });

    return {
      close: async () => {
        stopped = true;
        this.appended.off('appended', onAppended);
        wake?.();
        await done.catch(() => undefined);
      },
    };
  }

  async findByBusinessKey(businessKey: string): Promise<StoredEvent | undefined> {
    this.assertOpen();
    const row = this.selectByBusinessKey.get(businessKey);
    return row ? toStoredEvent(row) : undefined;
  }

  /** One statement for the whole list: the keys go in as one JSON array, each probed in the business-key index. */
  async findByBusinessKeys(businessKeys: readonly string[]): Promise<Map<string, StoredEvent>> {
    this.assertOpen();
    const found = new Map<string, StoredEvent>();
    if (businessKeys.length === 0) return found;
    for (const row of this.selectByBusinessKeys.all(JSON.stringify(businessKeys))) found.set(row.business_key, toStoredEvent(row));
    return found;
  }

  /** One statement for the whole list, as findByBusinessKeys: the names go in as one JSON array. */
  async streamRevisions(streams: readonly string[]): Promise<Map<string, number>> {
    this.assertOpen();
    const found = new Map<string, number>();
    if (streams.length === 0) return found;
    for (const row of this.selectStreamRevisions.all(JSON.stringify(streams))) if (row.revision !== null) found.set(row.stream, Number(row.revision));
    return found;
  }

  async headPosition(): Promise<Position | null> {
    this.assertOpen();
    return this.headPositionSync();
  }

  private headPositionSync(): Position | null {
    const row = this.selectHead.get();
    return row?.position === null || row?.position === undefined ? null : BigInt(row.position);
  }

  /** The underlying connection, for tools that must write past the port (tamper tests, raw-insert benchmarks). */
  get database(): Database.Database {
    return this.db;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.appended.emit('appended');
    this.db.close();
    this.emptyDigestTables?.close();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('event store is closed');
  }

  private assertWritable(): void {
    this.assertOpen();
    if (this.readOnly) throw new Error('event store was opened read-only');
  }
}

/** Empty digest tables, so a read-only store without them can prepare the same statements (never written through). */
function inMemoryDigestTables(): Database.Database {
  const db = new Database(':memory:');
  db.exec(LOG_DIGEST_SCHEMA);
  return db;
}

function assertExpectedRevision(stream: string, expected: ExpectedRevision, current: number | null): void {
  if (!expectedRevisionHolds(expected, current)) throw new WrongExpectedRevisionError(stream, expected, current ?? 'no_stream');
}

/** Lock contention is not retried on the checked path: busy_timeout has already waited. */
function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

function toStoredEvent(row: EventRow): StoredEvent {
  return {
    eventId: row.event_id,
    type: row.type,
    stream: row.stream,
    revision: Number(row.revision),
    position: BigInt(row.position),
    data: JSON.parse(row.data),
    metadata: JSON.parse(row.metadata),
  };
}
