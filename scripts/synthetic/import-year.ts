import { performance } from 'node:perf_hooks';
import { type BatchOutcome, BatchImporter, LedgerService, OneBatchInFlight } from '@ledger/application';
import type { LedgerCommand, RecordedBy } from '@ledger/domain';
import type { EventStorePort, OrderedAppender } from '@ledger/event-store';
import type { Policy } from '@ledger/policy';
import { type SyntheticSummary, SyntheticYear, type SyntheticYearOptions } from './year';

/**
 * Feeds a synthetic year into a store through the ledger's own write path: every command is
 * decided by LedgerService.prepare and appended by BatchImporter.importBatch. A batch never spans
 * two business days, so each event's recordedAt is the day it was generated for. Consecutive
 * batches share one store transaction up to `transactionSize` commands (a transaction's commit
 * costs about as much whatever its size, and a small year has only a few hundred commands a day);
 * each stays its own segment of that transaction, so every event is stored where it would be with
 * one transaction per batch: the same positions and log digest whatever the transaction size.
 */
export interface ImportYearOptions extends SyntheticYearOptions {
  store: EventStorePort;
  policy: Policy;
  /** Commands per batch (never more than one business day; the events of a batch are stored grouped by stream); default 1000. */
  batchSize?: number;
  /** Commands per store transaction, whole batches at a time (at least one batch); default 10,000. */
  transactionSize?: number;
  /** Resident states the importer keeps between batches (BatchImporterOptions); default 200,000. */
  snapshotCacheSize?: number;
  /**
   * Where the transactions' appends go (BatchImporterOptions.writer): with the embedded store's
   * SqliteWriterThread each commits on the second core while the next is decided. Default the
   * store's own appendMany. The caller closes it.
   */
  writer?: OrderedAppender;
  recordedBy?: RecordedBy;
  /** Where new event ids come from (LedgerServiceOptions.newEventId); default UUID v7. */
  newEventId?: () => string;
  /** Called after every batch with the running totals. */
  onProgress?: (progress: ImportProgress) => void;
  /** Called with the events of every transaction, e.g. to record transaction sizes for a raw-insert comparison. */
  onBatch?: (batch: { commands: number; events: number; ms: number }) => void;
}

export interface ImportProgress {
  commands: number;
  events: number;
  /** The business day being recorded. */
  date: string;
}

export interface ImportYearResult {
  summary: SyntheticSummary;
  /** Events appended (the store's head advanced by this much). */
  events: number;
  /** Store transactions (importBatch calls). */
  batches: number;
  /**
   * Wall time in which a transaction was being decided, encoded, handed to the writer or committed
   * (two may overlap: counted once), less the time the synthetic year spent generating its next
   * commands meanwhile (generationMs): the import's own time, as if the commands came for free.
   */
  importMs: number;
  /** Wall time spent generating the synthetic year's commands (not in importMs). */
  generationMs: number;
  /** Wall time of the whole run, generation of the commands included. */
  totalMs: number;
}

export const DEFAULT_BATCH_SIZE = 1000;
export const DEFAULT_TRANSACTION_SIZE = 10_000;
export const DEFAULT_SNAPSHOT_CACHE = 200_000;

export async function importSyntheticYear(options: ImportYearOptions): Promise<ImportYearResult> {
  const started = performance.now();
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const transactionSize = Math.max(batchSize, options.transactionSize ?? DEFAULT_TRANSACTION_SIZE);
  const ledger = new LedgerService({ store: options.store, policy: options.policy, newEventId: options.newEventId });
  const importer = new BatchImporter(ledger, options.store, { snapshotCacheSize: options.snapshotCacheSize ?? DEFAULT_SNAPSHOT_CACHE, writer: options.writer });
  const recordedBy = options.recordedBy ?? { subject: 'synthetic-year', role: 'clerk' };
  const year = new SyntheticYear(options.policy, options);
  let importMs = 0;
  let events = 0;
  let commands = 0;
  let batches = 0;
  /** The transaction being gathered: its commands, each one's day (recordedAt) and batch (segment). */
  let pending: { commands: LedgerCommand[]; recordedAt: string[]; segment: number[]; date: string } = { commands: [], recordedAt: [], segment: [], date: '' };
  // importMs counts the time in which at least one transaction is being decided or committed: two
  // overlap (the next is decided while the last commits), and are counted once. The clock stops
  // while the generator makes the next day's commands on this thread (a transaction is usually
  // committing on the writer's meanwhile): generation is the synthetic year's cost, not the
  // import's. The main thread decides, not the writer, so what the writer does in that pause
  // would have been hidden under the next decision anyway (the writer's own time is reported apart).
  let importing = 0;
  let importingSince = 0;
  let generationMs = 0;
  const enter = () => {
    if (importing++ === 0) importingSince = performance.now();
  };
  const leave = () => {
    if (--importing === 0) importMs += performance.now() - importingSince;
  };
  const days = timedDays(year.days(), (ms, at) => {
    generationMs += ms;
    // Generation is synchronous: no transaction settles inside it, so `importing` did not change.
    if (importing > 0) {
      importMs += at - ms - importingSince;
      importingSince = at;
    }
  });
  const inFlight = new OneBatchInFlight();
  const counted = (transaction: typeof pending, before: number) => (outcome: BatchOutcome) => {
    const ms = performance.now() - before;
    if (outcome.refused.length > 0) {
      const first = outcome.refused[0];
      throw new Error(
        `the ledger refused ${outcome.refused.length} synthetic command(s) by ${transaction.date}; first: ${first.command.kind} — ${first.error.message}`,
      );
    }
    // One event per command in this generator; replays (a re-run into the same store) append nothing.
    const appended = outcome.created;
    events += appended;
    commands += transaction.commands.length;
    batches += 1;
    options.onBatch?.({ commands: transaction.commands.length, events: appended, ms });
    options.onProgress?.({ commands, events, date: transaction.date });
  };
  /**
   * Hands the gathered transaction to the importer and returns once the one before it has
   * committed: the importer decides this one while that one commits on the writer's thread.
   */
  const commit = async () => {
    const transaction = pending;
    if (transaction.commands.length === 0) return;
    pending = { commands: [], recordedAt: [], segment: [], date: '' };
    enter();
    const outcome = importer
      .importBatch(transaction.commands, recordedBy, {
        recordedAtOf: (index) => transaction.recordedAt[index],
        segmentOf: (index) => transaction.segment[index],
      })
      .then(counted(transaction, performance.now()))
      .finally(leave);
    await inFlight.submit(outcome);
  };
  let segment = 0;
  for (const day of days) {
    const recordedAt = new Date(`${day.date}T10:00:00+08:00`).toISOString();
    for (let from = 0; from < day.commands.length; from += batchSize) {
      const batch = day.commands.slice(from, from + batchSize);
      if (pending.commands.length + batch.length > transactionSize) await commit();
      segment += 1;
      for (const command of batch) {
        pending.commands.push(command);
        pending.recordedAt.push(recordedAt);
        pending.segment.push(segment);
      }
      pending.date = day.date;
    }
  }
  await commit();
  await inFlight.settled();
  return { summary: year.summary, events, batches, importMs, generationMs, totalMs: performance.now() - started };
}

/** The generator's days, each one's generation timed: `spent(ms, endedAt)` after each. */
function* timedDays<T>(days: Iterator<T>, spent: (ms: number, endedAt: number) => void): Generator<T> {
  for (;;) {
    const before = performance.now();
    const next = days.next();
    const after = performance.now();
    spent(after - before, after);
    if (next.done) return;
    yield next.value;
  }
}
