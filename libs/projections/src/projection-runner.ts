import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Account, BusinessDate, FundId, LedgerEvent, money } from '@ledger/domain';
import type { EventStorePort, Position, StoredEvent, Subscription } from '@ledger/event-store';
import { FundLedger } from './fund-ledger';

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
CREATE TABLE IF NOT EXISTS read_model_shape (
  name  TEXT PRIMARY KEY,
  shape TEXT NOT NULL
);
`;

const CHECKPOINT_NAME = 'fund-ledger';
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
    this.persist = this.db.transaction((rows, checkpoint) => {
      for (const row of rows) {
        upsert.run(row.fundId, row.date, row.account, row.totals.debit.toFixed(2), row.totals.credit.toFixed(2));
      }
      saveCheckpoint.run(CHECKPOINT_NAME, checkpoint.toString());
    });
    this.loadSaved();
  }

  private rebuildIfOtherShape(): void {
    const saved = this.db.prepare('SELECT shape FROM read_model_shape WHERE name = ?').get(READ_MODEL_SHAPE_NAME) as { shape: string } | undefined;
    if (saved?.shape === READ_MODEL_SHAPE) return;
    this.db.transaction(() => {
      this.db.exec('DELETE FROM fund_day_account; DELETE FROM checkpoint;');
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
