import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Auditor, replayStore } from '@ledger/audit';
import { LedgerService } from '@ledger/application';
import { SqliteEventStore } from '@ledger/event-store';
import { checkContentHashesInline, recordSuspects, startContentHashCheck } from '../../apps/auditor/src/content-hash-check';
import { CLERK, claim, FIXED_CLOCK, fundSubsidy, paidUpAdult, policy, type TestHistory } from './support';

describe('content hashes checked in a worker thread (the CLI on the embedded store)', () => {
  let dir: string;
  let store: SqliteEventStore;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'audit-hash-check-'));
    store = new SqliteEventStore({ file: join(dir, 'events.sqlite') });
    const ledger = new LedgerService({ store, policy, clock: FIXED_CLOCK });
    const history = { store, ledger, run: async (command: Parameters<LedgerService['execute']>[0]) => void (await ledger.execute(command, CLERK)) } as unknown as TestHistory;
    await history.run(fundSubsidy('municipal'));
    const resident = await paidUpAdult(history);
    for (let day = 1; day <= 9; day += 1) await history.run(claim(resident.residentId, { admittedAt: `2024-03-0${day}`, dischargedAt: `2024-03-0${day}`, filedAt: `2024-03-0${day}` }));
    // Edit two claims in place: their content no longer matches their hash.
    store.database.prepare("UPDATE events SET data = replace(data, 'H-1', 'H-9') WHERE position IN (5, 9)").run();
  });

  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('finds the edited events, and the report is the same as with the hashes checked inline', async () => {
    const check = startContentHashCheck(join(dir, 'events.sqlite'), 12n, 4);
    await check.ready;
    const parallel = new Auditor({ policy, asOf: '2024-12-31', contentHashes: 'elsewhere' });
    await replayStore(store, parallel);
    const result = await check.done;
    await check.stop();
    expect(result.checked).toBe(12);
    expect(result.mismatches.map((row) => row.position)).toEqual(['5', '9']);
    recordSuspects(parallel, result.mismatches);

    const inline = new Auditor({ policy, asOf: '2024-12-31' });
    await replayStore(store, inline);
    expect(parallel.report()).toEqual(inline.report());
    expect(inline.report().findings.map((f) => `${f.rule}@${f.evidence.join(',')}`).sort()).toEqual(['stream-integrity@5', 'stream-integrity@9']);
  });

  it('falls back to the main thread with the same result', async () => {
    const fallback = new Auditor({ policy, asOf: '2024-12-31', contentHashes: 'elsewhere' });
    await replayStore(store, fallback);
    await checkContentHashesInline(store, fallback, 12n);
    expect(fallback.report().summary.byRule['stream-integrity']).toBe(2);
  });

  it('rejects "ready" when the file cannot be opened', async () => {
    const check = startContentHashCheck(join(dir, 'missing.sqlite'), 5n);
    // (The worker's error comes from another realm than jest's Error: compare the outcome, not the class.)
    await expect(check.ready.then(() => 'ready', () => 'failed')).resolves.toBe('failed');
    await check.stop();
  });
});
