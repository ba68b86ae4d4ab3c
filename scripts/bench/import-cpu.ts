import { mkdirSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { BatchImporter, LedgerService } from '@ledger/application';
import { SqliteEventStore, SqliteWriterThread } from '@ledger/event-store';
import { loadPolicy } from '@ledger/policy';
import { feedYearTransactionByTransaction } from './support/feed-year';
import { threadCpuUs } from './support/thread-cpu';

/**
 * The import's main thread alone, into a real store: a synthetic year fed through
 * BatchImporter.importBatch (decide, encode, reads of the store, hand-off to the writer thread),
 * each transaction awaited before the next is generated, so the CPU counted is the import's and
 * not the generator's. Unlike decide-encode.ts the store is the embedded one, so the stream reads
 * and business-key probes a real import makes are counted.
 *
 *   node dist/scripts/bench/import-cpu.js RESIDENTS DIR [SEED] [--no-writer-thread]
 *
 * Prints the main thread's CPU µs an event inside importBatch (utime + stime of the thread, from
 * /proc/thread-self/stat), the whole process's, and the load average. DIR is emptied first.
 */
async function main(): Promise<void> {
  const residents = Number(process.argv[2] ?? 20000);
  const dir = process.argv[3];
  if (!dir) throw new Error('usage: import-cpu RESIDENTS DIR [SEED] [--no-writer-thread]');
  const seed = Number(process.argv[4] ?? 2025);
  const writerThread = !process.argv.includes('--no-writer-thread');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'events.sqlite');
  const policy = loadPolicy();
  const store = new SqliteEventStore({ file });
  const writer = writerThread ? new SqliteWriterThread(file) : undefined;
  const ledger = new LedgerService({ store, policy });
  const importer = new BatchImporter(ledger, store, { snapshotCacheSize: 200_000, writer });
  const recordedBy = { subject: 'import-cpu-bench', role: 'clerk' as const };
  const load = [loadavg()[0]];
  const startedAt = performance.now();
  const started = process.cpuUsage();
  let mainUs = 0;
  let processUs = 0;
  const events = await feedYearTransactionByTransaction(importer, policy, {
    residents,
    seed,
    recordedBy,
    measure: async (importTransaction) => {
      const before = process.cpuUsage();
      const beforeMain = threadCpuUs();
      const outcome = await importTransaction();
      mainUs += threadCpuUs() - beforeMain;
      const used = process.cpuUsage(before);
      processUs += used.user + used.system;
      return outcome;
    },
  });
  const total = process.cpuUsage(started);
  const wallMs = performance.now() - startedAt;
  load.push(loadavg()[0]);
  await writer?.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  process.stdout.write(
    `${JSON.stringify({
      residents,
      events,
      writerThread,
      mainCpuUsPerEvent: +(mainUs / events).toFixed(2),
      processCpuUsPerEvent: +(processUs / events).toFixed(2),
      totalCpuUsPerEvent: +((total.user + total.system) / events).toFixed(2),
      wallS: +(wallMs / 1000).toFixed(1),
      load: load.map((l) => +l.toFixed(2)),
    })}\n`,
  );
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
