import { rmSync, mkdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore, SqliteWriterThread } from '@ledger/event-store';
import { loadPolicy } from '@ledger/policy';
import { importSyntheticYear } from '../synthetic/import-year';
import { SyntheticYear } from '../synthetic/year';
import { threadCpuUs } from './support/thread-cpu';

/**
 * The import's CPU per event, end to end (decide + encode + hand-off + append, full durability),
 * pipelined as `npm run generate` and the bench run it (import-cpu.ts awaits each transaction),
 * into a fresh store file (writer thread unless --no-writer-thread):
 *
 *   node dist/scripts/bench/import-year-cpu.js RESIDENTS DIR [--no-writer-thread] [SEED]
 *
 * The synthetic year's own generation is run alone first and its main-thread CPU taken off the
 * import's main-thread figure. Thread CPU is read from /proc (Linux), so it is the main thread's
 * alone, not the writer's; the process figure is both.
 */
async function main(): Promise<void> {
  const residents = Number(process.argv[2] ?? 20000);
  const dir = process.argv[3] ?? '/tmp/import-cpu';
  const writerThread = !process.argv.includes('--no-writer-thread');
  const seed = Number(process.argv.slice(4).find((a) => /^\d+$/.test(a)) ?? 2025);
  const policy = loadPolicy();

  const genBefore = threadCpuUs() / 1000;
  let generated = 0;
  for (const day of new SyntheticYear(policy, { residents, seed }).days()) generated += day.commands.length;
  const generationCpuMs = threadCpuUs() / 1000 - genBefore;

  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'events.sqlite');
  const store = new SqliteEventStore({ file });
  const writer = writerThread ? new SqliteWriterThread(file) : undefined;
  const load = loadavg()[0];
  const mainBefore = threadCpuUs() / 1000;
  const processBefore = process.cpuUsage();
  const result = await importSyntheticYear({ residents, seed, store, policy, writer });
  await writer?.close();
  const mainMs = threadCpuUs() / 1000 - mainBefore;
  const proc = process.cpuUsage(processBefore);
  await store.close();
  const events = result.events;
  const us = (ms: number) => +((ms * 1000) / events).toFixed(1);
  process.stdout.write(
    `${JSON.stringify({
      residents,
      events,
      commands: generated,
      writerThread,
      importEventsPerSecond: Math.round(events / (result.importMs / 1000)),
      importMs: Math.round(result.importMs),
      totalMs: Math.round(result.totalMs),
      generationMsInside: Math.round(result.generationMs),
      mainCpuUsPerEvent: us(mainMs),
      mainCpuLessGenerationUsPerEvent: us(mainMs - generationCpuMs),
      generationCpuUsPerEvent: us(generationCpuMs),
      processCpuUsPerEvent: us((proc.user + proc.system) / 1000),
      writerAppendMs: writer ? Math.round(writer.appendMs) : null,
      load: [load, loadavg()[0]].map((l) => +l.toFixed(2)),
    })}\n`,
  );
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
