import type { BatchImporter, BatchOutcome } from '@ledger/application';
import type { LedgerCommand, RecordedBy } from '@ledger/domain';
import type { Policy } from '@ledger/policy';
import { SyntheticYear } from '../../synthetic/year';

export interface FeedYearOptions {
  residents: number;
  seed: number;
  recordedBy: RecordedBy;
  /** Wraps each importBatch, e.g. to take the CPU it used; the default just runs it. */
  measure?: (importTransaction: () => Promise<BatchOutcome>) => Promise<BatchOutcome>;
}

/**
 * A synthetic year fed to an importer as import-year.ts gathers it (1,000-command batches of one
 * day, up to 10,000 commands a transaction), but each transaction awaited before the next is
 * generated, so that a measure around importBatch counts the import's CPU and not the generator's.
 * Returns the events created; a refusal throws (a clean year has none).
 */
export async function feedYearTransactionByTransaction(importer: BatchImporter, policy: Policy, options: FeedYearOptions): Promise<number> {
  const measure = options.measure ?? ((importTransaction) => importTransaction());
  let events = 0;
  let pending: { commands: LedgerCommand[]; recordedAt: string[]; segment: number[] } = { commands: [], recordedAt: [], segment: [] };
  const commit = async () => {
    const transaction = pending;
    if (transaction.commands.length === 0) return;
    pending = { commands: [], recordedAt: [], segment: [] };
    const outcome = await measure(() =>
      importer.importBatch(transaction.commands, options.recordedBy, {
        recordedAtOf: (index) => transaction.recordedAt[index],
        segmentOf: (index) => transaction.segment[index],
      }),
    );
    if (outcome.refused.length > 0) throw new Error(`refused: ${outcome.refused[0].error.message}`);
    events += outcome.created;
  };
  let segment = 0;
  for (const day of new SyntheticYear(policy, { residents: options.residents, seed: options.seed }).days()) {
    const recordedAt = new Date(`${day.date}T10:00:00+08:00`).toISOString();
    for (let from = 0; from < day.commands.length; from += 1000) {
      const batch = day.commands.slice(from, from + 1000);
      if (pending.commands.length + batch.length > 10_000) await commit();
      segment += 1;
      for (const command of batch) {
        pending.commands.push(command);
        pending.recordedAt.push(recordedAt);
        pending.segment.push(segment);
      }
    }
  }
  await commit();
  return events;
}
