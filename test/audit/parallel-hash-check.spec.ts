import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Auditor, LogDigestInspection, replayStore } from '@ledger/audit';
import { LedgerService } from '@ledger/application';
import { canonicalJson } from '@ledger/domain';
import { LOG_DIGEST_GENESIS, type LogDigest, type LogDigestPoint, logDigestStep, SqliteEventStore, type StoredEvent } from '@ledger/event-store';
import { checkHashesInline, collectHashCheck, recordSuspects, startParallelHashCheck } from '../../apps/auditor/src/parallel-hash-check';
import { CLERK, claim, FIXED_CLOCK, fundSubsidy, paidUpAdult, policy, type TestHistory } from './support';

describe('content hashes and the log digest checked in a worker thread (the CLI on the embedded store)', () => {
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
    const record = await store.logDigest();
    const check = startParallelHashCheck(join(dir, 'events.sqlite'), 12n, record, 4);
    await check.ready;
    const parallel = new Auditor({ policy, asOf: '2024-12-31', contentHashes: 'elsewhere', logDigest: 'elsewhere' });
    await replayStore(store, parallel, { logDigest: record });
    const result = await check.done;
    await check.stop();
    expect(result.checked).toBe(12);
    expect(result.mismatches.map((row) => row.position)).toEqual(['5', '9']);
    recordSuspects(parallel, result.mismatches);
    parallel.settleLogDigests(result.logDigests!);
    parallel.settleLogChain(result.logChain!);

    const inline = new Auditor({ policy, asOf: '2024-12-31' });
    await replayStore(store, inline);
    expect(parallel.report()).toEqual(inline.report());
    expect(inline.report().findings.map((f) => `${f.rule}@${f.evidence.join(',')}`).sort()).toEqual(['stream-integrity@5', 'stream-integrity@9']);
  });

  it('hashes the stored text as it is, since the ledger stores data in canonical form', async () => {
    const rows = store.database.prepare('SELECT position, data FROM events WHERE position NOT IN (5, 9)').all() as Array<{ position: number; data: string }>;
    for (const row of rows) expect(row.data).toBe(canonicalJson(JSON.parse(row.data)));
  });

  it('still finds a stored text in another key order to match, and an edited one not to', async () => {
    const copy = join(dir, 'reordered.sqlite');
    await store.database.backup(copy);
    const copied = new Database(copy);
    const reversed = (value: unknown): unknown =>
      value === null || typeof value !== 'object' || Array.isArray(value)
        ? value
        : Object.fromEntries(Object.entries(value).reverse().map(([key, inner]) => [key, reversed(inner)]));
    const row = copied.prepare('SELECT data FROM events WHERE position = 7').get() as { data: string };
    const reordered = JSON.stringify(reversed(JSON.parse(row.data)));
    expect(reordered).not.toBe(row.data);
    copied.prepare('UPDATE events SET data = ? WHERE position = 7').run(reordered);
    copied.close();
    const check = startParallelHashCheck(copy, 12n, null, 4);
    const result = await check.done;
    await check.stop();
    expect(result.mismatches.map((suspect) => suspect.position)).toEqual(['5', '9']);
  });

  it('falls back to the main thread with the same result', async () => {
    const record = await store.logDigest();
    const fallback = new Auditor({ policy, asOf: '2024-12-31', contentHashes: 'elsewhere', logDigest: 'elsewhere' });
    await replayStore(store, fallback, { logDigest: record });
    await checkHashesInline(store, fallback, 12n, { contentHashes: true, logDigest: record });
    const inline = new Auditor({ policy, asOf: '2024-12-31' });
    await replayStore(store, inline);
    expect(fallback.report()).toEqual(inline.report());
    expect(fallback.report().summary.byRule['stream-integrity']).toBe(2);
  });

  it('reaches the same running digests as the main thread, through missing, damaged and matching checkpoints', async () => {
    const events: StoredEvent[] = [];
    for await (const event of store.readAll()) events.push(event);
    // The record a store would have kept with a checkpoint every 3 events and one at 8, then
    // damaged: the digest at 6 replaced; and, in a copy of the file, the event at 8 removed.
    let digest = LOG_DIGEST_GENESIS;
    const checkpoints: LogDigestPoint[] = [];
    for (const event of events) {
      digest = logDigestStep(digest, event.position, event.eventId, (event.metadata as { hash?: unknown }).hash);
      if (event.position % 3n === 0n || event.position === 8n) checkpoints.push({ position: event.position, digest: event.position === 6n ? 'f'.repeat(64) : digest });
    }
    const damaged: LogDigest = { headPosition: 12n, head: { position: 12n, digest }, checkpoints, backfilledThrough: null };
    const copy = join(dir, 'copy.sqlite');
    await store.database.backup(copy);
    const copied = new Database(copy);
    copied.prepare('DELETE FROM events WHERE position = 8').run();
    copied.close();
    const remaining = events.filter((event) => event.position !== 8n);

    const here = new LogDigestInspection(damaged);
    for (const event of remaining) here.observe(event);
    const check = startParallelHashCheck(copy, 12n, damaged, 4);
    const result = await check.done;
    await check.stop();
    expect(result.logDigests).toEqual(here.computedDigests());

    const elsewhere = new LogDigestInspection(damaged, false);
    for (const event of remaining) elsewhere.observe(event);
    elsewhere.settle(result.logDigests!);
    expect(elsewhere.findings()).toEqual(here.findings());
    // 3→6 and 6→8 do not match the damaged digest at 6; the checkpoint at 8 has no event; 9 and 12 match again.
    expect(here.findings().map((f) => f.evidence)).toEqual([[3n, 6n], [6n, 9n]]);
    expect(here.findings()[1].message.en).toContain('there is no event at position 8');
  });

  it('collects the worker\'s verdicts into the same report as the inline checks', async () => {
    const record = await store.logDigest();
    const check = startParallelHashCheck(join(dir, 'events.sqlite'), 12n, record);
    const parallel = new Auditor({ policy, asOf: '2024-12-31', contentHashes: 'elsewhere', logDigest: 'elsewhere' });
    await replayStore(store, parallel, { logDigest: record });
    await collectHashCheck(check, store, parallel, 12n, record);
    const inline = new Auditor({ policy, asOf: '2024-12-31' });
    await replayStore(store, inline);
    expect(parallel.report()).toEqual(inline.report());
  });

  it('asks for the digests computed elsewhere before it judges them', async () => {
    const record = await store.logDigest();
    const unsettled = new Auditor({ policy, asOf: '2024-12-31', logDigest: 'elsewhere' });
    await replayStore(store, unsettled, { logDigest: record });
    expect(() => unsettled.report()).toThrow(/not settled/);
  });

  it('rejects "ready" when the file cannot be opened', async () => {
    const check = startParallelHashCheck(join(dir, 'missing.sqlite'), 5n, null);
    // (The worker's error comes from another realm than jest's Error: compare the outcome, not the class.)
    await expect(check.ready.then(() => 'ready', () => 'failed')).resolves.toBe('failed');
    await check.stop();
  });
});
