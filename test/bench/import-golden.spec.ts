import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@ledger/event-store';
import { loadPolicy } from '@ledger/policy';
import { runAuditCli } from '../../apps/auditor/src/cli';
import { importSyntheticYear } from '../../scripts/synthetic/import-year';
import { countingIds, GOLDEN_REPORT, GOLDEN_STORE, GOLDEN_YEAR, storeDigests } from './support/golden-year';

/**
 * The import path's golden store: a seeded synthetic year imported with seeded event ids must give
 * the very events (ids, streams, revisions, data, metadata, hashes), the same log digest and the
 * same audit report as when these digests were recorded. Every speed-up of decide, encode, the
 * state the importer keeps, the store's write path or the audit must leave them as they are; a
 * change that moves one of them changed what the ledger records or reports, not only how fast.
 *
 * The digests are over what the port returns (not the table's bytes), so a new store layout that
 * gives back the same events passes too (support/golden-year.ts holds the recorded digests).
 */
const quiet = { stdout: { write: () => true }, stderr: { write: () => true, isTTY: false }, env: {} };

async function importGoldenYear(dataDir: string, transactionSize: number): Promise<SqliteEventStore> {
  const store = new SqliteEventStore({ file: join(dataDir, 'events.sqlite') });
  await importSyntheticYear({ ...GOLDEN_YEAR, store, policy: loadPolicy(), transactionSize, newEventId: countingIds() });
  return store;
}

describe('the import path keeps its golden store', () => {
  const dirs: string[] = [];
  const dir = () => {
    const made = mkdtempSync(join(tmpdir(), 'import-golden-'));
    dirs.push(made);
    return made;
  };
  afterAll(() => {
    for (const made of dirs) rmSync(made, { recursive: true, force: true });
  });

  it('stores the same events and log digest, and audits to the same report, as when recorded', async () => {
    const dataDir = dir();
    const store = await importGoldenYear(dataDir, 10_000);
    const digests = await storeDigests(store);
    await store.close();
    const out = join(dataDir, 'reports');
    expect(await runAuditCli(['--as-of', '2025-12-31', '--out', out, '--data-dir', dataDir, '--lang', 'zh'], quiet)).toBe(0);
    const report = createHash('sha256').update(readFileSync(join(out, 'inspection-2025-12-31.json'))).digest('hex');
    expect({ ...digests, report }).toEqual({ ...GOLDEN_STORE, report: GOLDEN_REPORT });
  }, 120_000);

  it('stores the same events whatever the transaction size', async () => {
    const one = await importGoldenYear(dir(), 40);
    const large = await importGoldenYear(dir(), 10_000);
    expect(await storeDigests(one)).toEqual(await storeDigests(large));
    await one.close();
    await large.close();
  }, 120_000);
});
