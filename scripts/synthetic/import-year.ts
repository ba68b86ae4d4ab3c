import { performance } from 'node:perf_hooks';
import { BatchImporter, LedgerService } from '@ledger/application';
import type { LedgerCommand, RecordedBy } from '@ledger/domain';
import type { EventStorePort } from '@ledger/event-store';
import type { Policy } from '@ledger/policy';
import { type SyntheticSummary, SyntheticYear, type SyntheticYearOptions } from './year';

/**
 * Feeds a synthetic year into a store through the ledger's own write path: every command is
 * decided by LedgerService.prepare and appended by BatchImporter.importBatch, one store
 * transaction per batch. A batch never spans two business days, so each event's recordedAt is
 * the day it was generated for.
 */
export interface ImportYearOptions extends SyntheticYearOptions {
  store: EventStorePort;
  policy: Policy;
  /** Commands per importBatch call (one transaction each); default 1000. */
  batchSize?: number;
  /** Resident states the importer keeps between batches (BatchImporterOptions); default 200,000. */
  snapshotCacheSize?: number;
  recordedBy?: RecordedBy;
  /** Called after every batch with the running totals. */
  onProgress?: (progress: ImportProgress) => void;
  /** Called with the events of every batch, e.g. to record batch sizes for a raw-insert comparison. */
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
  batches: number;
  /** Wall time inside BatchImporter.importBatch (decide, encode, append, commit). */
  importMs: number;
  /** Wall time of the whole run, generation of the commands included. */
  totalMs: number;
}

export const DEFAULT_BATCH_SIZE = 1000;
export const DEFAULT_SNAPSHOT_CACHE = 200_000;

export async function importSyntheticYear(options: ImportYearOptions): Promise<ImportYearResult> {
  const started = performance.now();
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  let today = '1970-01-01';
  const ledger = new LedgerService({ store: options.store, policy: options.policy, clock: () => new Date(`${today}T10:00:00+08:00`) });
  const importer = new BatchImporter(ledger, options.store, { snapshotCacheSize: options.snapshotCacheSize ?? DEFAULT_SNAPSHOT_CACHE });
  const recordedBy = options.recordedBy ?? { subject: 'synthetic-year', role: 'clerk' };
  const year = new SyntheticYear(options.policy, options);
  let importMs = 0;
  let events = 0;
  let commands = 0;
  let batches = 0;
  for (const day of year.days()) {
    today = day.date;
    for (let from = 0; from < day.commands.length; from += batchSize) {
      const batch: LedgerCommand[] = day.commands.slice(from, from + batchSize);
      const before = performance.now();
      const outcome = await importer.importBatch(batch, recordedBy);
      const ms = performance.now() - before;
      importMs += ms;
      if (outcome.refused.length > 0) {
        const first = outcome.refused[0];
        throw new Error(
          `the ledger refused ${outcome.refused.length} synthetic command(s) on ${day.date}; first: ${first.command.kind} — ${first.error.message}`,
        );
      }
      // One event per command in this generator; replays (a re-run into the same store) append nothing.
      const appended = outcome.created;
      events += appended;
      commands += batch.length;
      batches += 1;
      options.onBatch?.({ commands: batch.length, events: appended, ms });
      options.onProgress?.({ commands, events, date: day.date });
    }
  }
  return { summary: year.summary, events, batches, importMs, totalMs: performance.now() - started };
}
