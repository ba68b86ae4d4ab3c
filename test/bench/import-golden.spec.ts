import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@ledger/event-store';
import { loadPolicy } from '@ledger/policy';
import { runAuditCli } from '../../apps/auditor/src/cli';
import { importSyntheticYear } from '../../scripts/synthetic/import-year';

/**
 * The import path's golden store: a seeded synthetic year imported with seeded event ids must give
 * the very events (ids, streams, revisions, data, metadata, hashes), the same log digest and the
 * same audit report as when these digests were recorded. Every speed-up of decide, encode, the
 * state the importer keeps, the store's write path or the audit must leave them as they are; a
 * change that moves one of them changed what the ledger records or reports, not only how fast.
 *
 * The digests are over what the port returns (not the table's bytes), so a new store layout that
 * gives back the same events passes too. Recorded on main at the commit that added this test.
 */
const GOLDEN = {
  events: 12_722,
  rows: '9489afe66befc1f94ee870050f404cbca926a30d2668c769690102d26de1d267',
  logDigest: '12722:47229affb8bb270c29d6d9738fce5da798234ce045858cec3d36ed2f7e49413a:1',
  report: 'a8b80ee3672f108e38d998223343b6843678ddf4caa615e74df56b0c209fcc45',
};

const quiet = { stdout: { write: () => true }, stderr: { write: () => true, isTTY: false }, env: {} };

/** Event ids 1, 2, 3… shaped as UUIDs: the only input of an import that is not already seeded. */
function countingIds(): () => string {
  let next = 0;
  return () => {
    next += 1;
    return `00000000-0000-7000-8000-${next.toString(16).padStart(12, '0')}`;
  };
}

async function importGoldenYear(dataDir: string, transactionSize: number): Promise<SqliteEventStore> {
  const store = new SqliteEventStore({ file: join(dataDir, 'events.sqlite') });
  await importSyntheticYear({ residents: 2_000, seed: 18, store, policy: loadPolicy(), batchSize: 40, transactionSize, newEventId: countingIds() });
  return store;
}

async function digestsOf(store: SqliteEventStore): Promise<{ events: number; rows: string; logDigest: string }> {
  const rows = createHash('sha256');
  let events = 0;
  for await (const event of store.readAll()) {
    events += 1;
    rows.update(JSON.stringify([String(event.position), event.eventId, event.stream, event.revision, event.type, event.data, event.metadata]));
    rows.update('\n');
  }
  const log = await store.logDigest();
  return { events, rows: rows.digest('hex'), logDigest: `${log.head?.position}:${log.head?.digest}:${log.checkpoints.length}` };
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
    const digests = await digestsOf(store);
    await store.close();
    const out = join(dataDir, 'reports');
    expect(await runAuditCli(['--as-of', '2025-12-31', '--out', out, '--data-dir', dataDir, '--lang', 'zh'], quiet)).toBe(0);
    const report = createHash('sha256').update(readFileSync(join(out, 'inspection-2025-12-31.json'))).digest('hex');
    expect({ ...digests, report }).toEqual(GOLDEN);
  }, 120_000);

  it('stores the same events whatever the transaction size', async () => {
    const one = await importGoldenYear(dir(), 40);
    const large = await importGoldenYear(dir(), 10_000);
    expect(await digestsOf(one)).toEqual(await digestsOf(large));
    await one.close();
    await large.close();
  }, 120_000);
});
