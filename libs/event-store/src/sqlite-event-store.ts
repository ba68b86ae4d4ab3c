import Database from 'better-sqlite3';
import { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  AppendResult,
  BusinessKeyTakenError,
  EventHandler,
  EventIdConflictError,
  EventStorePort,
  EventToAppend,
  ExpectedRevision,
  Position,
  ReadAllOptions,
  StoredEvent,
  StreamAppend,
  SubscribeOptions,
  Subscription,
  WrongExpectedRevisionError,
} from './port';

interface EventRow {
  position: number | bigint;
  event_id: string;
  stream: string;
  revision: number;
  type: string;
  data: string;
  metadata: string;
}

export interface SqliteEventStoreOptions {
  /** File path, or ':memory:' for throwaway stores in unit tests. */
  file: string;
  /** Rows per page for readAll and catch-up. */
  pageSize?: number;
  /** How often a live subscription looks for events written by another process. */
  pollIntervalMs?: number;
}

const SCHEMA = `
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
 * The embedded default: one SQLite file in WAL mode with synchronous=FULL, so an acknowledged
 * append survives a process or power failure, and every append is one transaction (whole or
 * nothing). Positions are SQLite's AUTOINCREMENT row ids: strictly increasing, never reused.
 */
export class SqliteEventStore implements EventStorePort {
  private readonly db: Database.Database;
  private readonly appended = new EventEmitter();
  private readonly pageSize: number;
  private readonly pollIntervalMs: number;
  private closed = false;

  private readonly selectStreamRevision: Database.Statement<[string], { revision: number | null }>;
  private readonly selectByEventId: Database.Statement<[string], EventRow>;
  private readonly selectByBusinessKey: Database.Statement<[string], EventRow>;
  private readonly insertEvent: Database.Statement<[string, string, number, string, string, string, string | null]>;
  private readonly selectStream: Database.Statement<[string], EventRow>;
  private readonly selectPage: Database.Statement<[bigint, number], EventRow>;
  private readonly selectHead: Database.Statement<[], { position: number | bigint | null }>;
  private readonly appendTransaction: (stream: string, events: EventToAppend[], expected: ExpectedRevision) => AppendResult;
  private readonly appendManyTransaction: (appends: StreamAppend[]) => AppendResult[];

  constructor(options: SqliteEventStoreOptions) {
    if (options.file !== ':memory:') mkdirSync(dirname(options.file), { recursive: true });
    this.db = new Database(options.file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
    this.pageSize = options.pageSize ?? 5_000;
    this.pollIntervalMs = options.pollIntervalMs ?? 250;
    this.appended.setMaxListeners(0);

    this.selectStreamRevision = this.db.prepare('SELECT max(revision) AS revision FROM events WHERE stream = ?');
    this.selectByEventId = this.db.prepare('SELECT * FROM events WHERE event_id = ?');
    this.selectByBusinessKey = this.db.prepare('SELECT * FROM events WHERE business_key = ?');
    this.insertEvent = this.db.prepare(
      'INSERT INTO events (event_id, stream, revision, type, data, metadata, business_key) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.selectStream = this.db.prepare('SELECT * FROM events WHERE stream = ? ORDER BY revision');
    this.selectPage = this.db.prepare('SELECT * FROM events WHERE position > ? ORDER BY position LIMIT ?');
    this.selectHead = this.db.prepare('SELECT max(position) AS position FROM events');
    // IMMEDIATE takes the write lock up front, so the revision check and the inserts see the same state
    // even when another process writes the same file.
    this.appendTransaction = this.db.transaction((stream, events, expected) => this.appendInsideTransaction(stream, events, expected)).immediate;
    this.appendManyTransaction = this.db.transaction((appends: StreamAppend[]) =>
      appends.map((append) => this.appendInsideTransaction(append.stream, append.events, append.expectedRevision)),
    ).immediate;
  }

  async append(stream: string, events: EventToAppend[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    this.assertOpen();
    const result = this.appendTransaction(stream, events, expectedRevision);
    this.appended.emit('appended');
    return result;
  }

  /** One transaction and one fsync for the whole batch: all streams are appended or none. */
  async appendMany(appends: StreamAppend[]): Promise<AppendResult[]> {
    this.assertOpen();
    const results = this.appendManyTransaction(appends);
    this.appended.emit('appended');
    return results;
  }

  private appendInsideTransaction(stream: string, events: EventToAppend[], expected: ExpectedRevision): AppendResult {
    const current = this.currentRevision(stream);
    const alreadyStored = this.findIdempotentReappend(stream, events);
    if (alreadyStored) return alreadyStored;
    assertExpectedRevision(stream, expected, current);
    let revision = current ?? -1;
    let position: Position = 0n;
    for (const event of events) {
      if (event.businessKey !== undefined) {
        const holder = this.selectByBusinessKey.get(event.businessKey);
        if (holder) throw new BusinessKeyTakenError(event.businessKey, toStoredEvent(holder));
      }
      revision += 1;
      const info = this.insertEvent.run(
        event.eventId,
        stream,
        revision,
        event.type,
        JSON.stringify(event.data),
        JSON.stringify(event.metadata),
        event.businessKey ?? null,
      );
      position = BigInt(info.lastInsertRowid);
    }
    if (events.length === 0) position = this.headPositionSync() ?? 0n;
    return { nextExpectedRevision: revision, position };
  }

  /**
   * EventStoreDB's idempotence: the same event ids already stored, in order, in this stream make the
   * append a no-op that reports where they are. Ids stored anywhere else are a conflict.
   */
  private findIdempotentReappend(stream: string, events: EventToAppend[]): AppendResult | undefined {
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

  async readStream(stream: string): Promise<StoredEvent[]> {
    this.assertOpen();
    return this.selectStream.all(stream).map(toStoredEvent);
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
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('event store is closed');
  }
}

function assertExpectedRevision(stream: string, expected: ExpectedRevision, current: number | null): void {
  const actual = current ?? 'no_stream';
  const ok =
    expected === 'any' ||
    (expected === 'no_stream' && current === null) ||
    (expected === 'stream_exists' && current !== null) ||
    (typeof expected === 'number' && current === expected);
  if (!ok) throw new WrongExpectedRevisionError(stream, expected, actual);
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
