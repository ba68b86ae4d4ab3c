import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Account, BusinessDate, FundId, LedgerEvent, money } from '@ledger/domain';
import type { EventStorePort, Position, StoredEvent, Subscription } from '@ledger/event-store';
import { FundLedger } from './fund-ledger';
import { isValidBusinessDate } from '@ledger/policy';

export interface ProjectionRunnerOptions {
  store: EventStorePort;
  /** SQLite file for the read model and its checkpoint, or ':memory:'. */
  file: string;
  decode: (stored: StoredEvent) => LedgerEvent;
  /** Persist after this many events… */
  flushEvery?: number;
  /** …or this long after the first unpersisted event. */
  flushAfterMs?: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS fund_day_account (
  fund_id TEXT NOT NULL,
  date    TEXT NOT NULL,
  account TEXT NOT NULL,
  debit   TEXT NOT NULL,
  credit  TEXT NOT NULL,
  PRIMARY KEY (fund_id, date, account)
);
CREATE TABLE IF NOT EXISTS checkpoint (
  name     TEXT PRIMARY KEY,
  position TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS recorded_through (
  name        TEXT PRIMARY KEY,
  recorded_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS read_model_shape (
  name  TEXT PRIMARY KEY,
  shape TEXT NOT NULL
);
`;

const CHECKPOINT_NAME = 'fund-ledger';
const KNOWN_AT_LEDGERS_KEPT = 4;

/** The instant an event was stored, normalised (toISOString form), or null when it carries none. */
function recordedAtOf(stored: StoredEvent): string | null {
  const recordedAt = (stored.metadata as { recordedAt?: unknown }).recordedAt;
  if (typeof recordedAt !== 'string') return null;
  // The ledger writes toISOString() form: taken as it is, with no parsing on the projection's hot path.
  if (recordedAt.length === 24 && recordedAt.endsWith('Z')) return recordedAt;
  return normaliseInstant(recordedAt);
}

/**
 * An ISO 8601 instant in one comparable form (UTC, milliseconds, "Z"), or null when it is not one.
 * Recorded times are written in that form already; a knownAt may carry any offset.
 */
export function normaliseInstant(text: string): string | null {
  if (!INSTANT_PATTERN.test(text)) return null;
  // Date.parse rolls 2024-02-30 over into March and 24:00 into the next day: a day or an hour that
  // does not exist is not an instant.
  if (!isValidBusinessDate(text.slice(0, 10)) || Number(text.slice(11, 13)) > 23 || Number(text.slice(14, 16)) > 59) return null;
  const time = Date.parse(text);
  return Number.isNaN(time) ? null : new Date(time).toISOString();
}

/** Date, time (seconds and fraction optional) and a zone: an instant, not a local time or a bare date. */
const INSTANT_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
/**
 * The shape of the saved rows: raised when postings change accounts (2: hardship contribution aid
 * on its own account, and the fund's own movements). A file saved in another shape is rebuilt
 * from the history on start instead of being mixed with rows it cannot mean the same by.
 */
export const READ_MODEL_SHAPE = '2';
export const READ_MODEL_SHAPE_NAME = 'fund-ledger-shape';

/**
 * Feeds the fund ledger from a catch-up subscription. The read model and its checkpoint are saved
 * in one transaction, so after a crash the model restarts from a consistent (older) point and the
 * subscription replays exactly what it had not saved.
 */
export class ProjectionRunner {
  readonly ledger = new FundLedger();
  private readonly db: Database.Database;
  private readonly options: ProjectionRunnerOptions;
  private subscription: Subscription | undefined;
  private checkpoint: Position | null = null;
  private savedCheckpoint: Position | null = null;
  private pending = 0;
  private flushTimer: NodeJS.Timeout | undefined;
  private waiters: Array<{ position: Position; resolve: () => void }> = [];
  private failure: Error | undefined;
  /** Events passed over because they could not be decoded, in position order. */
  readonly undecodable: Array<{ position: Position; reason: string }> = [];
  private readonly persist: (rows: ReturnType<FundLedger['takeDirty']>, checkpoint: Position) => void;
  /** The latest recordedAt of the events the model includes (ISO instant), saved with the checkpoint. */
  private latestRecordedAt: string | null = null;
  /** Ledgers as known at an instant, by instant and store head: a replay is reused while nothing new is stored. */
  private readonly knownAtLedgers = new Map<string, Promise<FundLedger>>();

  constructor(options: ProjectionRunnerOptions) {
    this.options = options;
    if (options.file !== ':memory:') mkdirSync(dirname(options.file), { recursive: true });
    this.db = new Database(options.file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(SCHEMA);
    this.rebuildIfOtherShape();
    const upsert = this.db.prepare(
      `INSERT INTO fund_day_account (fund_id, date, account, debit, credit) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (fund_id, date, account) DO UPDATE SET debit = excluded.debit, credit = excluded.credit`,
    );
    const saveCheckpoint = this.db.prepare(
      'INSERT INTO checkpoint (name, position) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET position = excluded.position',
    );
    const saveRecordedThrough = this.db.prepare(
      'INSERT INTO recorded_through (name, recorded_at) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET recorded_at = excluded.recorded_at',
    );
    this.persist = this.db.transaction((rows, checkpoint) => {
      for (const row of rows) {
        upsert.run(row.fundId, row.date, row.account, row.totals.debit.toFixed(2), row.totals.credit.toFixed(2));
      }
      saveCheckpoint.run(CHECKPOINT_NAME, checkpoint.toString());
      if (this.latestRecordedAt !== null) saveRecordedThrough.run(CHECKPOINT_NAME, this.latestRecordedAt);
    });
    this.loadSaved();
  }

  private rebuildIfOtherShape(): void {
    const saved = this.db.prepare('SELECT shape FROM read_model_shape WHERE name = ?').get(READ_MODEL_SHAPE_NAME) as { shape: string } | undefined;
    if (saved?.shape === READ_MODEL_SHAPE) return;
    this.db.transaction(() => {
      this.db.exec('DELETE FROM fund_day_account; DELETE FROM checkpoint; DELETE FROM recorded_through;');
      this.db
        .prepare('INSERT INTO read_model_shape (name, shape) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET shape = excluded.shape')
        .run(READ_MODEL_SHAPE_NAME, READ_MODEL_SHAPE);
    })();
  }

  private loadSaved(): void {
    const rows = this.db.prepare('SELECT fund_id, date, account, debit, credit FROM fund_day_account').all() as Array<{
      fund_id: FundId;
      date: BusinessDate;
      account: Account;
      debit: string;
      credit: string;
    }>;
    for (const row of rows) this.ledger.load(row.fund_id, row.date, row.account, { debit: money(row.debit), credit: money(row.credit) });
    const saved = this.db.prepare('SELECT position FROM checkpoint WHERE name = ?').get(CHECKPOINT_NAME) as { position: string } | undefined;
    this.checkpoint = this.savedCheckpoint = saved ? BigInt(saved.position) : null;
    const recorded = this.db.prepare('SELECT recorded_at FROM recorded_through WHERE name = ?').get(CHECKPOINT_NAME) as { recorded_at: string } | undefined;
    this.latestRecordedAt = recorded?.recorded_at ?? null;
  }

  /** Starts the subscription; resolves once the model has caught up with the store. */
  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.subscription = this.options.store.subscribeToAll((stored) => this.handle(stored), {
        after: this.checkpoint,
        onCaughtUp: () => {
          this.flush();
          resolve();
        },
        onError: (error) => {
          this.failure = error;
          for (const waiter of this.waiters) waiter.resolve();
          this.waiters = [];
          reject(error);
        },
      });
    });
  }

  private handle(stored: StoredEvent): void {
    let event: LedgerEvent | undefined;
    try {
      event = this.options.decode(stored);
    } catch (error) {
      // An event this version cannot read (unknown type, newer version, damaged row) must not stop
      // every later balance: it carries no posting the read model knows, the auditor's
      // stream-integrity rule reports it, and the count shows the read model passed it by.
      this.undecodable.push({ position: stored.position, reason: (error as Error).message });
    }
    if (event) this.ledger.apply(event);
    const recordedAt = recordedAtOf(stored);
    if (recordedAt !== null && (this.latestRecordedAt === null || recordedAt > this.latestRecordedAt)) this.latestRecordedAt = recordedAt;
    this.checkpoint = stored.position;
    this.pending += 1;
    if (this.pending >= (this.options.flushEvery ?? 5_000)) this.flush();
    else if (!this.flushTimer) this.flushTimer = setTimeout(() => this.flush(), this.options.flushAfterMs ?? 200);
    this.releaseWaiters();
  }

  private releaseWaiters(): void {
    if (this.waiters.length === 0 || this.checkpoint === null) return;
    const reached = this.checkpoint;
    const still: typeof this.waiters = [];
    for (const waiter of this.waiters) (waiter.position <= reached ? waiter.resolve() : still.push(waiter));
    this.waiters = still;
  }

  /** Resolves once every event up to `position` is in the read model (read-your-writes). */
  waitFor(position: Position, timeoutMs = 10_000): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.checkpoint !== null && this.checkpoint >= position) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`read model did not reach position ${position} in ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({
        position,
        resolve: () => {
          clearTimeout(timer);
          if (this.failure) reject(this.failure);
          else resolve();
        },
      });
    });
  }

  /** Waits until the model has every event the store holds now. */
  async catchUp(): Promise<void> {
    const head = await this.options.store.headPosition();
    if (head !== null) await this.waitFor(head);
  }

  /**
   * The fund ledger as the ledger knew it at `knownAt` (a normalised ISO instant, see
   * normaliseInstant): only the events recorded by then. When the live model already includes
   * every stored event and none was recorded after `knownAt`, that is the live model itself — the
   * everyday case costs nothing. Otherwise it is a replay of the store keeping the events recorded
   * by then, reused until the store's head moves. Recording times are not in position order
   * (concurrent writers stamp them before appending), so the replay filters every event rather
   * than stopping at the first later one.
   */
  async ledgerKnownAt(knownAt: string): Promise<FundLedger> {
    const head = await this.options.store.headPosition();
    const caughtUp = head === null || (this.checkpoint !== null && this.checkpoint >= head);
    if (caughtUp && (this.latestRecordedAt === null || this.latestRecordedAt <= knownAt)) return this.ledger;
    const key = `${knownAt}|${head}`;
    let known = this.knownAtLedgers.get(key);
    if (!known) {
      known = this.replayKnownAt(knownAt, head);
      this.knownAtLedgers.set(key, known);
      known.catch(() => this.knownAtLedgers.delete(key));
      // A few instants are asked again and again (last month's report): keep the latest few.
      for (const old of this.knownAtLedgers.keys()) {
        if (this.knownAtLedgers.size <= KNOWN_AT_LEDGERS_KEPT) break;
        this.knownAtLedgers.delete(old);
      }
    }
    return known;
  }

  private async replayKnownAt(knownAt: string, head: Position | null): Promise<FundLedger> {
    const ledger = new FundLedger();
    if (head === null) return ledger;
    for await (const stored of this.options.store.readAll()) {
      if (stored.position > head) break;
      const recordedAt = recordedAtOf(stored);
      if (recordedAt === null || recordedAt > knownAt) continue;
      let event: LedgerEvent | undefined;
      try {
        event = this.options.decode(stored);
      } catch {
        // Passed over as the live model passes it over (see handle); the auditor reports it.
      }
      if (event) ledger.apply(event);
    }
    return ledger;
  }

  get position(): Position | null {
    return this.checkpoint;
  }

  flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.checkpoint === null || this.checkpoint === this.savedCheckpoint) return;
    this.persist(this.ledger.takeDirty(), this.checkpoint);
    this.savedCheckpoint = this.checkpoint;
    this.pending = 0;
  }

  async stop(): Promise<void> {
    await this.subscription?.close();
    this.flush();
    this.db.close();
  }
}
