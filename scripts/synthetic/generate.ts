import 'reflect-metadata';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { Presets, SingleBar } from 'cli-progress';
import { resolveDataDir } from '@ledger/access';
import { EMBEDDED_EVENTS_FILE, openEventStore, SqliteEventStore, SqliteWriterThread } from '@ledger/event-store';
import { loadPolicy } from '@ledger/policy';
import { DEFAULT_BATCH_SIZE, DEFAULT_SNAPSHOT_CACHE, DEFAULT_TRANSACTION_SIZE, importSyntheticYear } from './import-year';
import { fenText } from './year';

/**
 * `npm run generate -- --residents N --seed S`: a synthetic Wuhan insurance year written into the
 * store in DATA_DIR (or EventStoreDB) through the ledger's own write path. Deterministic in
 * (residents, seed, year): the same arguments give the same business facts (event ids and hashes
 * are new each run).
 */
function positiveInt(value: string): number {
  const n = Number(value.replace(/_/g, ''));
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`expected a positive integer, got ${value}`);
  return n;
}

const HELP = `
The store is the one in DATA_DIR (default: data, from the repository root), or EventStoreDB when
EVENTSTORE_CONNECTION_STRING is set. A folder that already holds a store (events.sqlite or
projections.sqlite) is refused before anything is written, unless --force is given: then that
store and its read model are deleted first (the token key, .jwt-secret, stays).

Exit codes: 0 generated (a JSON summary on stdout); 1 failed while generating; 2 not started (bad
option, or a store already there without --force).

Examples:
  npm run generate -- --residents 20000                       # a small year into ./data
  DATA_DIR=/tmp/year npm run generate -- --residents 1000000 --seed 2025
  npm run generate -- --residents 20000 --force               # replace the store in ./data`;

/** The files that make a folder "hold a store": the log and the read model the API keeps beside it. */
const STORE_FILES = [EMBEDDED_EVENTS_FILE, 'projections.sqlite'];

/** Refuses (with what is there) unless the folder holds no store, or --force removed it. */
function clearDataDir(dataDir: string, force: boolean): string | null {
  const present = STORE_FILES.filter((file) => existsSync(join(dataDir, file)));
  if (present.length === 0) return null;
  if (!force) {
    return `${dataDir} already holds a store (${present.join(', ')}); generating into it would mix two histories. Give an empty DATA_DIR, or --force to delete that store first`;
  }
  for (const file of STORE_FILES) for (const suffix of ['', '-wal', '-shm']) rmSync(join(dataDir, `${file}${suffix}`), { force: true });
  process.stderr.write(`generate: --force: deleted the store in ${dataDir}\n`);
  return null;
}

/** `npm run generate`, in-process; resolves to its exit code. */
export async function runSyntheticGenerateCli(argv: readonly string[]): Promise<number> {
  const program = new Command('generate')
    .description('generate a synthetic insurance year into the store in DATA_DIR')
    .option('--residents <n>', 'residents across the six funds', positiveInt, 1_000_000)
    .option('--seed <n>', 'PRNG seed', positiveInt, 2025)
    .option('--year <n>', 'insurance year', positiveInt, 2025)
    .option('--claims-per-resident <x>', 'average claims per resident', Number, 4.3)
    .option('--batch-size <n>', 'commands per batch (within a day; its events are stored grouped by stream)', positiveInt, DEFAULT_BATCH_SIZE)
    .option('--transaction-size <n>', 'commands per store transaction, whole batches at a time (positions do not depend on it)', positiveInt, DEFAULT_TRANSACTION_SIZE)
    .option('--snapshot-cache <n>', 'resident states kept between batches', (v) => Number(v), DEFAULT_SNAPSHOT_CACHE)
    .option('--no-writer-thread', 'append on the main thread (default for the embedded store: a writer thread commits while the next transaction is decided)')
    .option('--force', 'delete a store already in DATA_DIR first', false)
    .addHelpText('after', HELP)
    .exitOverride();
  try {
    program.parse([...argv], { from: 'user' });
  } catch (error) {
    return error instanceof CommanderError && error.exitCode === 0 ? 0 : 2;
  }
  const options = program.opts<{ residents: number; seed: number; year: number; claimsPerResident: number; batchSize: number; transactionSize: number; snapshotCache: number; writerThread: boolean; force: boolean }>();
  const dataDir = resolveDataDir();
  if (!process.env.EVENTSTORE_CONNECTION_STRING) {
    const refusal = clearDataDir(dataDir, options.force);
    if (refusal) {
      process.stderr.write(`generate: ${refusal}\n`);
      return 2;
    }
  }
  // The parameters first: a bad file must not leave behind an empty store the next run refuses.
  const policy = loadPolicy(process.env.POLICY_FILE || undefined);
  const store = await openEventStore({ dataDir, eventStoreConnectionString: process.env.EVENTSTORE_CONNECTION_STRING || undefined });
  // Opened after the store, which has created the file and its tables.
  const writer = store instanceof SqliteEventStore && options.writerThread ? new SqliteWriterThread(join(dataDir, EMBEDDED_EVENTS_FILE)) : undefined;
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
      writer,
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
    return 0;
  } finally {
    bar?.stop();
    await writer?.close();
    await store.close();
  }
}

if (require.main === module) {
  runSyntheticGenerateCli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: Error) => {
      process.stderr.write(`generate: ${error.message}\n`);
      process.exit(1);
    },
  );
}
