import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import { BatchImporter, LedgerService } from '@ledger/application';
import type { AppendResult, EventStorePort, StoredEvent, StreamAppend } from '@ledger/event-store';
import { loadPolicy } from '@ledger/policy';
import { feedYearTransactionByTransaction } from './support/feed-year';

/**
 * The import's decide + encode path alone: a synthetic year fed through BatchImporter (prepare,
 * encode, command digest, the importer's own bookkeeping) into a store that keeps nothing but the
 * business keys a later command is routed by, so the figure excludes the append and the disk.
 *
 *   node --expose-gc dist/scripts/bench/decide-encode.js RESIDENTS [SEED]
 *
 * Prints CPU µs per event inside importBatch (each awaited before the next transaction is generated), GC time, and the heap the kept states take after
 * the import (every resident's state is kept: the cache is sized for all of them).
 */
class DiscardingStore implements Partial<EventStorePort> {
  private position = 0n;
  private readonly holders = new Map<string, StoredEvent>();

  async appendMany(appends: StreamAppend[]): Promise<AppendResult[]> {
    const results: AppendResult[] = [];
    for (const append of appends) {
      for (const event of append.events) {
        this.position += 1n;
        // Only the keys a follow-up command is routed by (a claim's, a receipt's).
        const key = event.businessKey;
        if (key && (key.startsWith('claim:') || key.startsWith('contribution:'))) {
          this.holders.set(key, { stream: append.stream } as StoredEvent);
        }
      }
      results.push({ position: this.position } as AppendResult);
    }
    return results;
  }

  async readStream(): Promise<StoredEvent[]> {
    return [];
  }

  async findByBusinessKeys(keys: readonly string[]): Promise<Map<string, StoredEvent>> {
    const found = new Map<string, StoredEvent>();
    for (const key of keys) {
      const holder = this.holders.get(key);
      if (holder) found.set(key, holder);
    }
    return found;
  }

  /** Keeps no stream: every stream is new (as readStream's empty answer says). */
  async streamRevisions(): Promise<Map<string, number>> {
    return new Map();
  }

  async findByBusinessKey(key: string): Promise<StoredEvent | undefined> {
    return this.holders.get(key);
  }
}

async function main(): Promise<void> {
  const residents = Number(process.argv[2] ?? 20000);
  const seed = Number(process.argv[3] ?? 1);
  let gcMs = 0;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gcMs += entry.duration;
  }).observe({ entryTypes: ['gc'] });
  const policy = loadPolicy();
  const store = new DiscardingStore() as unknown as EventStorePort;
  const ledger = new LedgerService({ store, policy, newEventId: seededIds() });
  // Every resident's state kept: the figure is decide + encode, not stream re-reads.
  const importer = new BatchImporter(ledger, store, { snapshotCacheSize: residents * 2 });
  const recordedBy = { subject: 'decide-encode-bench', role: 'clerk' as const };
  const started = process.cpuUsage();
  let cpuUs = 0;
  const events = await feedYearTransactionByTransaction(importer, policy, {
    residents,
    seed,
    recordedBy,
    measure: async (importTransaction) => {
      const before = process.cpuUsage();
      const outcome = await importTransaction();
      const used = process.cpuUsage(before);
      cpuUs += used.user + used.system;
      return outcome;
    },
  });
  const total = process.cpuUsage(started);
  await new Promise((resolve) => setTimeout(resolve, 200));
  (globalThis as { gc?: () => void }).gc?.();
  const heap = getHeapStatistics().used_heap_size;
  // What the kept states take: the heap with them less the heap without them.
  (importer as unknown as { cache: Map<string, unknown> }).cache.clear();
  (globalThis as { gc?: () => void }).gc?.();
  const statesBytes = heap - getHeapStatistics().used_heap_size;
  process.stdout.write(
    `${JSON.stringify({
      residents,
      events,
      cpuUsPerEvent: +(cpuUs / events).toFixed(2),
      totalCpuUsPerEvent: +((total.user + total.system) / events).toFixed(2),
      gcMs: Math.round(gcMs),
      heapAfterMB: +(heap / 2 ** 20).toFixed(1),
      statesMB: +(statesBytes / 2 ** 20).toFixed(1),
      statePerResidentB: Math.round(statesBytes / residents),
      load: (await import('node:os')).loadavg().map((l) => +l.toFixed(2)),
    })}\n`,
  );
}

/** Deterministic ids: a uuid's randomness is not what is measured. */
function seededIds(): () => string {
  let n = 0;
  return () => `00000000-0000-7000-8000-${(n++).toString(16).padStart(12, '0')}`;
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
