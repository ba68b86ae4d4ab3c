import 'reflect-metadata';
import { openEventStore } from '@ledger/event-store';
import { loadPolicy } from '@ledger/policy';
import { importSyntheticYear } from '../synthetic/import-year';

/**
 * Appends synthetic years to an existing store, as incremental-audit.ts would have written them
 * (same seed, same number of residents a year — new ids each year, see incremental-audit.ts): a longer history for that bench without importing its
 * first years again.   node dist/scripts/bench/append-years.js DATA_DIR RESIDENTS FIRST_YEAR LAST_YEAR
 */
async function main(): Promise<void> {
  const [dataDir, residentsText, firstText, lastText] = process.argv.slice(2);
  const policy = loadPolicy();
  const store = await openEventStore({ dataDir });
  for (let year = Number(firstText); year <= Number(lastText); year += 1) {
    const result = await importSyntheticYear({ store, policy, residents: Number(residentsText), seed: 2025, year });
    process.stderr.write(`year ${year}: ${result.events} events in ${(result.totalMs / 1000).toFixed(1)} s\n`);
  }
  await store.close();
}

void main().catch((error) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exitCode = 1;
});
