import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { LedgerService } from '@ledger/application';
import { SqliteEventStore } from '@ledger/event-store';
import { runAuditCli } from '../../apps/auditor/src/cli';
import { CLERK, FIXED_CLOCK, fundSubsidy, policy, recordSmallHistory } from './support';

/** Issue 13 item 5: the audit judges the store file as found, never writes to it, and a tamperer cannot hide behind it. */

function quietIo() {
  const err: string[] = [];
  return { err, streams: { stdout: { write: () => true }, stderr: { write: (text: string) => err.push(text), isTTY: false }, env: {} as NodeJS.ProcessEnv } };
}

/**
 * The store file's bytes and modification time, and what its write-ahead log holds. A read-only
 * connection to a WAL-mode file may leave an empty -wal (and a -shm index) behind, which it cannot
 * remove; neither holds or changes any data.
 */
function fingerprint(dataDir: string) {
  const file = join(dataDir, 'events.sqlite');
  return {
    sha256: createHash('sha256').update(readFileSync(file)).digest('hex'),
    mtimeMs: statSync(file).mtimeMs,
    walBytes: existsSync(`${file}-wal`) ? statSync(`${file}-wal`).size : 0,
  };
}

async function writeHistory(dataDir: string): Promise<void> {
  const store = new SqliteEventStore({ file: join(dataDir, 'events.sqlite') });
  await recordSmallHistory(store);
  await store.close();
}

/** What the attack run did: delete the last event and drop the digest record, straight in the file. */
function removeLastEventAndDigest(dataDir: string): void {
  const db = new Database(join(dataDir, 'events.sqlite'));
  db.prepare('DELETE FROM events WHERE position = (SELECT max(position) FROM events)').run();
  db.exec('DROP TABLE log_digest_head; DROP TABLE log_digest_checkpoints;');
  db.close();
}

/**
 * A writer with the file who covers its tracks: the last event removed (no stream chain sees that)
 * and the store's digest record recomputed over what is left, as if appended that way.
 */
async function rewriteWithoutLastEvent(dataDir: string): Promise<void> {
  removeLastEventAndDigest(dataDir);
  const reopened = new SqliteEventStore({ file: join(dataDir, 'events.sqlite') });
  reopened.database.prepare('UPDATE log_digest_head SET backfilled_through = NULL').run();
  await reopened.close();
}

async function auditJson(dataDir: string, outDir: string, extra: string[] = []) {
  const { err, streams } = quietIo();
  const code = await runAuditCli(['--as-of', '2024-12-31', '--out', outDir, '--data-dir', dataDir, ...extra], streams);
  if (code !== 0) throw new Error(`audit exited ${code}: ${err.join('')}`);
  return JSON.parse(readFileSync(join(outDir, 'inspection-2024-12-31.json'), 'utf8'));
}

let dataDir: string;
let outDir: string;

/** Each test of the calling describe gets its own store file with the small history, and an empty output directory. */
function withFreshHistory(): void {
  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'tamper-data-'));
    outDir = mkdtempSync(join(tmpdir(), 'tamper-out-'));
    await writeHistory(dataDir);
  });
  afterEach(() => {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(outDir, { recursive: true, force: true });
  });
}

describe('the audit reads the store read-only', () => {
  withFreshHistory();

  it('leaves the file byte for byte as it was, with the same modification time', async () => {
    const before = fingerprint(dataDir);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const report = await auditJson(dataDir, outDir);
    expect(report.findings).toEqual([]);
    expect(fingerprint(dataDir)).toEqual(before);
  });

  it('finds the last event deleted with the digest record dropped, and the store stays tampered for the next audit', async () => {
    removeLastEventAndDigest(dataDir);
    const before = fingerprint(dataDir);
    for (const run of ['first', 'second']) {
      const report = await auditJson(dataDir, join(outDir, run));
      const integrity = report.findings.filter((f: { rule: string }) => f.rule === 'stream-integrity');
      expect(integrity).toHaveLength(1);
      expect(integrity[0].message).toContain('no running digest');
    }
    expect(fingerprint(dataDir)).toEqual(before);
    const db = new Database(join(dataDir, 'events.sqlite'), { readonly: true });
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name LIKE 'log_digest%'").get()).toEqual({ n: 0 });
    db.close();
  });

  it('refuses to write through a store opened read-only', async () => {
    const store = new SqliteEventStore({ file: join(dataDir, 'events.sqlite'), readOnly: true });
    await expect(store.append('s', [], 'any')).rejects.toThrow('read-only');
    await store.close();
  });

  it('does not create a store that is not there', () => {
    expect(() => new SqliteEventStore({ file: join(dataDir, 'absent', 'events.sqlite'), readOnly: true })).toThrow();
    expect(existsSync(join(dataDir, 'absent'))).toBe(false);
  });
});

describe('a baseline report held elsewhere', () => {
  withFreshHistory();

  it("states the log digest at its last position: the store's own record of it, for an untouched history", async () => {
    const report = await auditJson(dataDir, outDir);
    const store = new SqliteEventStore({ file: join(dataDir, 'events.sqlite'), readOnly: true });
    const record = await store.logDigest();
    await store.close();
    expect(report).toMatchObject({ lastPositionRead: 4, logDigestAtLastPosition: record.head?.digest, baseline: null });
  });

  it('catches a rewrite that recomputed the digest record, which the store alone no longer shows', async () => {
    const earlier = await auditJson(dataDir, join(outDir, 'earlier'));
    await rewriteWithoutLastEvent(dataDir);
    // Without the baseline, nothing to see: the rewrite is consistent with itself.
    expect((await auditJson(dataDir, join(outDir, 'plain'))).findings).toEqual([]);
    const checked = await auditJson(dataDir, join(outDir, 'checked'), ['--baseline', join(outDir, 'earlier', 'inspection-2024-12-31.json')]);
    expect(checked.findings).toEqual([
      expect.objectContaining({ rule: 'stream-integrity', fundId: null, evidence: [earlier.lastPositionRead] }),
    ]);
    expect(checked.findings[0].message).toContain(`no longer has the log digest the baseline report as of 2024-12-31, which read through position 4 states (${earlier.logDigestAtLastPosition}`);
    expect(checked.baseline).toContain('differs from the baseline report as of 2024-12-31');
  });

  it('finds nothing when the history the baseline saw is unchanged and more was appended since, and the report says so', async () => {
    await auditJson(dataDir, join(outDir, 'earlier'));
    const store = new SqliteEventStore({ file: join(dataDir, 'events.sqlite') });
    await new LedgerService({ store, policy, clock: FIXED_CLOCK }).execute(fundSubsidy('xinzhou'), CLERK);
    await store.close();
    const checked = await auditJson(dataDir, join(outDir, 'later'), ['--baseline', join(outDir, 'earlier', 'inspection-2024-12-31.json')]);
    expect(checked.findings).toEqual([]);
    expect(checked.lastPositionRead).toBe(5);
    expect(checked.baseline).toMatch(/^the history through position 4 is unchanged since the baseline report as of 2024-12-31/);
  });

  it('is refused, exit 2, when it is not a report with a log digest, or the audit would stop before its position', async () => {
    await auditJson(dataDir, join(outDir, 'earlier'));
    const earlier = join(outDir, 'earlier', 'inspection-2024-12-31.json');
    const old = join(outDir, 'old.json');
    const json = JSON.parse(readFileSync(earlier, 'utf8'));
    delete json.logDigestAtLastPosition;
    writeFileSync(old, JSON.stringify(json));
    for (const [argv, message] of [
      [['--baseline', old], /states no logDigestAtLastPosition/],
      [['--baseline', join(outDir, 'absent.json')], /cannot read it as JSON/],
      [['--baseline', earlier, '--position', '3'], /stops before the baseline's last position 4/],
    ] as const) {
      const { err, streams } = quietIo();
      expect(await runAuditCli(['--as-of', '2024-12-31', '--out', join(outDir, 'x'), '--data-dir', dataDir, ...argv], streams)).toBe(2);
      expect(err.join('')).toMatch(message);
    }
  });

  it('names a digest record that the ledger rebuilt over hash-version-2 events after it was dropped', async () => {
    removeLastEventAndDigest(dataDir);
    // The ledger (not the audit) opening the file computes a digest again, and says it did.
    await new SqliteEventStore({ file: join(dataDir, 'events.sqlite') }).close();
    const report = await auditJson(dataDir, outDir);
    expect(report.findings.map((f: { rule: string; message: string }) => `${f.rule}: ${f.message}`)).toEqual([
      expect.stringContaining('stream-integrity: the store\'s running digest through position 3 was rebuilt from the file as found'),
    ]);
  });
});

