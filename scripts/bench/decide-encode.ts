import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import { BatchImporter, LedgerService } from '@ledger/application';
import type { LedgerCommand } from '@ledger/domain';
import type { AppendResult, EventStorePort, StoredEvent, StreamAppend } from '@ledger/event-store';
import { loadPolicy } from '@ledger/policy';
import { SyntheticYear } from '../synthetic/year';

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
  let events = 0;
  // As import-year.ts gathers them (1,000-command batches of one day, up to 10,000 commands a
  // transaction), but each awaited before the next is generated, so the CPU timed is the import's.
  let pending: { commands: LedgerCommand[]; recordedAt: string[]; segment: number[] } = { commands: [], recordedAt: [], segment: [] };
  const commit = async () => {
    const transaction = pending;
    if (transaction.commands.length === 0) return;
    pending = { commands: [], recordedAt: [], segment: [] };
    const before = process.cpuUsage();
    const outcome = await importer.importBatch(transaction.commands, recordedBy, {
      recordedAtOf: (index) => transaction.recordedAt[index],
      segmentOf: (index) => transaction.segment[index],
    });
    const used = process.cpuUsage(before);
    cpuUs += used.user + used.system;
    if (outcome.refused.length > 0) throw new Error(`refused: ${outcome.refused[0].error.message}`);
    events += outcome.created;
  };
  let segment = 0;
  for (const day of new SyntheticYear(policy, { residents, seed }).days()) {
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
