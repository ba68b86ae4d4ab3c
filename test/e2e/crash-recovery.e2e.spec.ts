import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeEvent } from '@ledger/application';
import { FUND_IDS, formatMoney } from '@ledger/domain';
import { SqliteEventStore } from '@ledger/event-store';
import { FundLedger, incomeOf, outflowOf, ProjectionRunner } from '@ledger/projections';
import { killWhen, spawnTs } from './support/child';
import { generateFacts, GeneratedFacts, toNdjson } from './support/facts';
import { eventsFile, integrityProblems, RawEvent, readRawEvents, streamContents, streamsOf } from './support/store-checks';

/**
 * Issue 5 §4: crash safety with real processes killed by SIGKILL (no shutdown hook, no flush).
 *
 * The children run the repository's TypeScript from source through test/e2e/support/register-ts.js
 * (@swc/core, the transform jest uses), not a `tsc` build: see that file for why.
 *
 * A. `scripts/import.ts` (each batch one SQLite transaction) killed twice mid-way: the log holds
 *    whole batches only — every command's events entirely or not at all, streams contiguous and
 *    hash-chained, no business key twice — and re-running the import completes it into exactly
 *    the state of a clean import into a fresh directory.
 * B. Projection catch-up killed mid-way: the saved read model is exactly the model at its saved
 *    checkpoint; on restart it resumes from there and converges to a clean rebuild's balances.
 */
const BATCH_SIZE = 50;
const RESIDENTS = 5_300; // ≈ 20,000 import lines

describe('crash safety with SIGKILLed processes (issue 5 §4)', () => {
  let work: string;
  let facts: GeneratedFacts;
  let file: string;
  let crashDir: string;
  let cleanDir: string;
  let cleanImport: ReturnType<typeof spawnTs>;

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'ledger-crash-'));
    facts = generateFacts({ residents: RESIDENTS, seed: 20_240_601, prefix: 'CR' });
    file = join(work, 'facts.ndjson');
    writeFileSync(file, toNdjson(facts.lines));
    crashDir = join(work, 'crashed');
    cleanDir = join(work, 'clean');
    // The reference: the same file imported once, without interruption, alongside the crashes.
    cleanImport = spawnTs('scripts/import.ts', ['--file', file, '--batch-size', String(BATCH_SIZE)], { DATA_DIR: cleanDir });
  });
  afterAll(() => {
    cleanImport?.process.kill('SIGKILL');
    rmSync(work, { recursive: true, force: true });
  });

  /** A read-only connection of the test's own, polling a file another process writes. */
  function poller<T>(file: string, query: string, read: (row: unknown) => T, none: T) {
    let db: Database.Database | undefined;
    return {
      read: (): T => {
        if (!db) {
          if (!existsSync(file)) return none;
          db = new Database(file, { readonly: true });
        }
        try {
          return read(db.prepare(query).get());
        } catch {
          return none; // the table is not created yet
        }
      },
      // Closed after each kill and opened again on the next read: while a connection stays open,
      // a transaction the killed process had committed to the WAL (fsynced) but not yet indexed in
      // the shared memory is not seen; the next first connection recovers it from the WAL.
      close: () => {
        db?.close();
        db = undefined;
      },
    };
  }

  /**
   * The log after a crash: whole batches only. Returns how many lines of the file it holds.
   * Since every line is valid, batch k holds lines [k·B, (k+1)·B), and a batch is one transaction,
   * the stored business keys must be exactly those of the first m lines with m a multiple of B.
   */
  function assertWholeBatches(events: RawEvent[]): number {
    expect(integrityProblems(events)).toEqual([]);
    const stored = new Set(events.map((event) => event.businessKey));
    let lines = 0;
    while (lines < facts.lines.length && stored.has(facts.keysOfLine[lines][0])) lines += 1;
    const expectedKeys = facts.keysOfLine.slice(0, lines).flat();
    // Every command of those lines entirely (a newborn's two enrollment events together)…
    expect(expectedKeys.filter((key) => !stored.has(key))).toEqual([]);
    // …and nothing of any later line.
    expect(stored.size).toBe(expectedKeys.length);
    expect(events).toHaveLength(expectedKeys.length);
    expect(lines === facts.lines.length || lines % BATCH_SIZE === 0).toBe(true);
    // Each stream is a prefix of its expected sequence, in file order.
    for (const [stream, list] of streamsOf(events)) {
      const expected = facts.keysOfStream.get(stream)!;
      expect({ stream, keys: list.map((event) => event.businessKey) }).toEqual({ stream, keys: expected.slice(0, list.length) });
    }
    return lines;
  }

  async function fundFigures(dataDir: string) {
    const store = new SqliteEventStore({ file: eventsFile(dataDir) });
    const runner = new ProjectionRunner({ store, file: ':memory:', decode: decodeEvent });
    await runner.start();
    const figures = FUND_IDS.map((fundId) => {
      const f = runner.ledger.current(fundId);
      return { fundId, balance: formatMoney(f.balance), income: formatMoney(incomeOf(f)), outflow: formatMoney(outflowOf(f)), imbalance: formatMoney(f.imbalance) };
    });
    await runner.stop();
    await store.close();
    return figures;
  }

  it('A: an import killed mid-way leaves whole batches only, and resuming it equals a clean import', async () => {
    const importArgs = ['--file', file, '--batch-size', String(BATCH_SIZE)];
    const total = facts.keysOfLine.flat().length;
    const events = poller(eventsFile(crashDir), 'SELECT count(*) AS n FROM events', (row) => (row as { n: number }).n, 0);
    const count = events.read;

    const first = spawnTs('scripts/import.ts', importArgs, { DATA_DIR: crashDir });
    await killWhen(first, () => count() >= 3_000, 'first import');
    events.close();
    const afterFirst = assertWholeBatches(await readRawEvents(crashDir));
    expect(afterFirst).toBeGreaterThan(0);
    expect(afterFirst).toBeLessThan(facts.lines.length);

    const second = spawnTs('scripts/import.ts', importArgs, { DATA_DIR: crashDir });
    const resumedFrom = count();
    await killWhen(second, () => count() >= resumedFrom + 6_000, 'second import');
    events.close();
    const afterSecond = assertWholeBatches(await readRawEvents(crashDir));
    expect(afterSecond).toBeGreaterThan(afterFirst);
    expect(afterSecond).toBeLessThan(facts.lines.length);

    process.stdout.write(`crash A: ${facts.lines.length} lines; killed after ${afterFirst}, then after ${afterSecond} lines\n`);
    // Re-running the same file finishes the job: what is stored is recognised, the rest recorded.
    const third = spawnTs('scripts/import.ts', importArgs, { DATA_DIR: crashDir });
    expect(await third.exited).toEqual({ code: 0, signal: null });
    expect(JSON.parse(third.stdout())).toEqual({ lines: facts.lines.length, created: facts.lines.length - afterSecond, replayed: afterSecond, rejected: 0 });

    expect(await cleanImport.exited).toEqual({ code: 0, signal: null });
    expect(JSON.parse(cleanImport.stdout())).toEqual({ lines: facts.lines.length, created: facts.lines.length, replayed: 0, rejected: 0 });

    const crashed = await readRawEvents(crashDir);
    const clean = await readRawEvents(cleanDir);
    expect(assertWholeBatches(crashed)).toBe(facts.lines.length);
    expect(crashed).toHaveLength(total);
    expect(clean).toHaveLength(total);
    expect(integrityProblems(clean)).toEqual([]);
    // Same facts in every stream, in the same order, with the same decided content.
    expect(streamContents(crashed)).toEqual(streamContents(clean));
    const figures = await fundFigures(crashDir);
    expect(figures).toEqual(await fundFigures(cleanDir));
    for (const fund of figures) expect(fund.imbalance).toBe('0.00');
  }, 180_000); // three real imports and a clean one beside them: minutes on a loaded 2-core machine

  it('B: projection catch-up killed mid-way resumes from its checkpoint and converges to a clean rebuild', async () => {
    await cleanImport.exited;
    const projections = join(cleanDir, 'projections.sqlite');
    const events = await readRawEvents(cleanDir);
    const head = events[events.length - 1].position;

    const checkpoint = poller(projections, "SELECT position FROM checkpoint WHERE name = 'fund-ledger'", (row) => (row ? Number((row as { position: string }).position) : 0), 0);
    const catchUp = spawnTs('test/e2e/support/projection-child.ts', [cleanDir, '10']);
    await killWhen(catchUp, () => checkpoint.read() >= 1_000, 'projection catch-up');
    checkpoint.close();

    // Mid-way: the saved checkpoint is neither the start nor the head…
    const saved = new Database(projections, { readonly: true });
    const killedAt = Number((saved.prepare('SELECT position FROM checkpoint').get() as { position: string }).position);
    const rows = saved.prepare('SELECT fund_id, date, account, debit, credit FROM fund_day_account ORDER BY fund_id, date, account').all();
    saved.close();
    process.stdout.write(`crash B: catch-up killed with the checkpoint at ${killedAt} of ${head}\n`);
    expect(killedAt).toBeGreaterThanOrEqual(1_000);
    expect(killedAt).toBeLessThan(head);
    // …and the saved model is exactly the events up to it, nothing more, nothing less.
    const upToCheckpoint = new FundLedger();
    const store = new SqliteEventStore({ file: eventsFile(cleanDir) });
    for await (const stored of store.readAll()) {
      if (stored.position > BigInt(killedAt)) break;
      upToCheckpoint.apply(decodeEvent(stored));
    }
    await store.close();
    const asRows = (ledger: FundLedger) =>
      ledger
        .takeDirty()
        .map((row) => ({ fund_id: row.fundId, date: row.date, account: row.account, debit: row.totals.debit.toFixed(2), credit: row.totals.credit.toFixed(2) }))
        .sort((a, b) => `${a.fund_id}|${a.date}|${a.account}`.localeCompare(`${b.fund_id}|${b.date}|${b.account}`));
    expect(rows).toEqual(asRows(upToCheckpoint));

    // Restart: it resumes after the saved checkpoint, not from scratch, and runs to the head.
    const restart = spawnTs('test/e2e/support/projection-child.ts', [cleanDir, '10']);
    expect(await restart.exited).toEqual({ code: 0, signal: null });
    expect(restart.stderr()).toContain(`resuming after ${killedAt}`);
    const resumed = JSON.parse(restart.stdout()) as { position: string; balances: Record<string, string> };
    expect(resumed.position).toBe(String(head));

    // A clean rebuild: a fresh runner, an empty projections file, the same store.
    const rebuildDir = join(work, 'rebuild');
    const rebuildStore = new SqliteEventStore({ file: eventsFile(cleanDir) });
    const rebuild = new ProjectionRunner({ store: rebuildStore, file: join(rebuildDir, 'projections.sqlite'), decode: decodeEvent });
    await rebuild.start();
    const rebuilt = Object.fromEntries(FUND_IDS.map((fundId) => [fundId, formatMoney(rebuild.ledger.current(fundId).balance)]));
    await rebuild.stop();
    await rebuildStore.close();
    expect(resumed.balances).toEqual(rebuilt);
    expect(Object.values(rebuilt).some((balance) => balance !== '0.00')).toBe(true);
    // The persisted read models are identical row for row.
    const table = (path: string) => {
      const connection = new Database(path, { readonly: true });
      const all = connection.prepare('SELECT fund_id, date, account, debit, credit FROM fund_day_account ORDER BY fund_id, date, account').all();
      const position = connection.prepare('SELECT position FROM checkpoint').get();
      connection.close();
      return { all, position };
    };
    expect(table(projections)).toEqual(table(join(rebuildDir, 'projections.sqlite')));
  }, 120_000); // likewise: a timeout here says "busy machine", not "wrong"
});
