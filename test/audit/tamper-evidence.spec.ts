import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { LedgerService } from '@ledger/application';
import { SqliteEventStore } from '@ledger/event-store';
import { runAuditCli } from '../../apps/auditor/src/cli';
import { CLERK, claim, contribution, enrollment, FIXED_CLOCK, fundSubsidy, policy } from './support';

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
  const ledger = new LedgerService({ store, policy, clock: FIXED_CLOCK });
  const run = (command: Parameters<LedgerService['execute']>[0]) => ledger.execute(command, CLERK);
  await run(fundSubsidy('caidian'));
  const resident = enrollment({ hukou: { local: true, district: 'caidian' }, residenceDistrict: 'caidian' });
  await run(resident);
  await run(contribution(resident.residentId, '380.00'));
  await run(claim(resident.residentId, { admittedAt: '2024-05-01', dischargedAt: '2024-05-01', filedAt: '2024-05-01' }));
  await store.close();
}

/** What the attack run did: delete the last event and drop the digest record, straight in the file. */
function removeLastEventAndDigest(dataDir: string): void {
  const db = new Database(join(dataDir, 'events.sqlite'));
  db.prepare('DELETE FROM events WHERE position = (SELECT max(position) FROM events)').run();
  db.exec('DROP TABLE log_digest_head; DROP TABLE log_digest_checkpoints;');
  db.close();
}

async function auditJson(dataDir: string, outDir: string, extra: string[] = []) {
  const { err, streams } = quietIo();
  const code = await runAuditCli(['--as-of', '2024-12-31', '--out', outDir, '--data-dir', dataDir, ...extra], streams);
  if (code !== 0) throw new Error(`audit exited ${code}: ${err.join('')}`);
  return JSON.parse(readFileSync(join(outDir, 'inspection-2024-12-31.json'), 'utf8'));
}

describe('the audit reads the store read-only', () => {
  let dataDir: string;
  let outDir: string;
  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'tamper-data-'));
    outDir = mkdtempSync(join(tmpdir(), 'tamper-out-'));
    await writeHistory(dataDir);
  });
  afterEach(() => {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(outDir, { recursive: true, force: true });
  });

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
