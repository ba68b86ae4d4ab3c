import 'reflect-metadata';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

/**
 * One replay measurement in a process of its own, so its peak memory is its own:
 *
 *   node dist/scripts/bench/replay.js audit|projection DATA_DIR [AS_OF] [OUT_DIR]
 *
 * (The read floor these are compared with is limits.ts's: the best of several page sizes.)
 * - audit: the supervision auditor end to end, exactly as `npm run audit` runs it (apps/auditor).
 * - projection: the fund-ledger read model rebuilt from an empty file (DATA_DIR/projections.sqlite).
 *
 * Prints one JSON line: { mode, events, ms, peakRssMiB, ... }. Peak RSS is the kernel's
 * (getrusage ru_maxrss), not a sample.
 */
export interface ReplayResult {
  mode: string;
  events: number;
  ms: number;
  peakRssMiB: number;
  note?: string;
}

function peakRssMiB(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

async function audit(dataDir: string, asOf: string, outDir: string): Promise<ReplayResult> {
  // Loaded at run time: the auditor lives in apps/auditor and libs/audit.
  const { runAuditCli } = require('../../apps/auditor/src/cli') as {
    runAuditCli: (argv: string[], io?: { stdout?: { write(text: string): unknown }; stderr?: { write(text: string): unknown; isTTY?: boolean } }) => Promise<number>;
  };
  let output = '';
  const started = performance.now();
  const code = await runAuditCli(['--as-of', asOf, '--out', outDir, '--data-dir', dataDir], {
    stdout: { write: (text: string) => (output += text) },
    stderr: { write: (text: string) => (output += text), isTTY: false },
  });
  const ms = performance.now() - started;
  if (code !== 0) throw new Error(`the auditor exited with ${code}: ${output.trim()}`);
  const replayed = /(\d+) events replayed/.exec(output);
  return { mode: 'audit', events: replayed ? Number(replayed[1]) : Number.NaN, ms, peakRssMiB: peakRssMiB(), note: output.trim() };
}

async function projection(dataDir: string): Promise<ReplayResult> {
  const { SqliteEventStore } = await import('@ledger/event-store');
  const { ProjectionRunner } = await import('@ledger/projections');
  const { decodeEvent } = await import('@ledger/application');
  const file = join(dataDir, 'projections.sqlite');
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
  const store = new SqliteEventStore({ file: join(dataDir, 'events.sqlite') });
  const events = Number((await store.headPosition()) ?? 0n);
  const started = performance.now();
  const runner = new ProjectionRunner({ store, file, decode: decodeEvent });
  await runner.start();
  await runner.stop();
  const ms = performance.now() - started;
  await store.close();
  return { mode: 'projection', events, ms, peakRssMiB: peakRssMiB() };
}

async function main(): Promise<void> {
  const [mode, dataDir, asOf, outDir] = process.argv.slice(2);
  let result: ReplayResult;
  if (mode === 'audit') result = await audit(dataDir, asOf, outDir ?? join(dataDir, 'reports'));
  else if (mode === 'projection') result = await projection(dataDir);
  else throw new Error(`unknown mode ${mode}`);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error: Error) => {
  process.stderr.write(`replay: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
