import 'reflect-metadata';
import { join } from 'node:path';
import { Command } from 'commander';
import { Presets, SingleBar } from 'cli-progress';
import { openEventStore } from '@ledger/event-store';
import { loadPolicy } from '@ledger/policy';
import { DEFAULT_BATCH_SIZE, DEFAULT_SNAPSHOT_CACHE, importSyntheticYear } from './import-year';
import { fenText } from './year';

/**
 * `npm run generate -- --residents N --seed S`: a synthetic Wuhan insurance year written into the
 * store in DATA_DIR (or EventStoreDB) through the ledger's own write path. Deterministic in
 * (residents, seed, year): the same arguments give the same business facts (event ids and hashes
 * are new each run).
 */
function positiveInt(value: string): number {
  const n = Number(value.replace(/_/g, ''));
  if (!Number.isInteger(n) || n < 1) throw new Error(`expected a positive integer, got ${value}`);
  return n;
}

async function main(): Promise<void> {
  const program = new Command('generate')
    .description('generate a synthetic insurance year into the store in DATA_DIR')
    .option('--residents <n>', 'residents across the six funds', positiveInt, 1_000_000)
    .option('--seed <n>', 'PRNG seed', positiveInt, 2025)
    .option('--year <n>', 'insurance year', positiveInt, 2025)
    .option('--claims-per-resident <x>', 'average claims per resident', Number, 4.3)
    .option('--batch-size <n>', 'commands per transaction', positiveInt, DEFAULT_BATCH_SIZE)
    .option('--snapshot-cache <n>', 'resident states kept between batches', (v) => Number(v), DEFAULT_SNAPSHOT_CACHE)
    .parse();
  const options = program.opts<{ residents: number; seed: number; year: number; claimsPerResident: number; batchSize: number; snapshotCache: number }>();
  const dataDir = process.env.DATA_DIR ?? join(process.cwd(), 'data');
  const store = await openEventStore({ dataDir, eventStoreConnectionString: process.env.EVENTSTORE_CONNECTION_STRING || undefined });
  const policy = loadPolicy(process.env.POLICY_FILE || undefined);
  const expected = Math.round(options.residents * (2 + options.claimsPerResident));
  const bar = process.stderr.isTTY
    ? new SingleBar(
        { format: 'generate |{bar}| {percentage}% {value}/{total} events | {date} | {rate} ev/s | eta {eta_formatted}', hideCursor: true, etaBuffer: 50 },
        Presets.shades_classic,
      )
    : undefined;
  bar?.start(expected, 0, { date: '', rate: 0 });
  const started = Date.now();
  try {
    const result = await importSyntheticYear({
      ...options,
      snapshotCacheSize: options.snapshotCache,
      store,
      policy,
      onProgress: ({ events, date }) => bar?.update(Math.min(events, expected), { date, rate: Math.round(events / ((Date.now() - started) / 1000 || 1)) }),
    });
    bar?.update(result.events);
    bar?.stop();
    const { summary } = result;
    const out = {
      dataDir,
      residents: summary.residents,
      seed: options.seed,
      year: options.year,
      events: result.events,
      batches: result.batches,
      seconds: Number((result.totalMs / 1000).toFixed(1)),
      eventsPerSecond: Math.round(result.events / (result.totalMs / 1000)),
      eventsByType: summary.eventsByType,
      claims: { recorded: summary.recordedClaims, computedOneStop: summary.computedClaims },
      funds: Object.fromEntries(
        Object.entries(summary.funds).map(([fundId, sums]) => [
          fundId,
          {
            contributions: fenText(sums.contributions),
            subsidies: Object.fromEntries(Object.entries(sums.subsidies).map(([level, fen]) => [level, fenText(fen)])),
            claims: Object.fromEntries(Object.entries(sums.claims).map(([careType, fen]) => [careType, fenText(fen)])),
          },
        ]),
      ),
    };
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  } finally {
    bar?.stop();
    await store.close();
  }
}

main().catch((error: Error) => {
  process.stderr.write(`generate: ${error.message}\n`);
  process.exit(1);
});
