import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@ledger/event-store';
import { runAuditCli } from '../../apps/auditor/src/cli';

describe('npm run audit without --as-of or --out', () => {
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'audit-defaults-'));
    await new SqliteEventStore({ file: join(dir, 'data', 'events.sqlite') }).close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('audits up to today in Asia/Shanghai, into ./reports', async () => {
    const err: string[] = [];
    const streams = { stdout: { write: () => true }, stderr: { write: (t: string) => err.push(t) }, env: {}, cwd: dir };
    // 17:30 UTC on New Year's Eve is already 2026-01-01 in Wuhan.
    const code = await runAuditCli(['--data-dir', 'data'], { ...streams, now: () => new Date('2025-12-31T17:30:00Z') });
    expect(err.join('')).toBe('');
    expect(code).toBe(0);
    expect(existsSync(join(dir, 'reports', 'inspection-2026-01-01.json'))).toBe(true);
    expect(existsSync(join(dir, 'reports', 'inspection-2026-01-01.html'))).toBe(true);
  });

  it('shows examples and exit codes on --help', async () => {
    const out: string[] = [];
    expect(await runAuditCli(['--help'], { stdout: { write: (t: string) => out.push(t) }, stderr: { write: () => true } })).toBe(0);
    expect(out.join('')).toContain('Examples:');
    expect(out.join('')).toContain('up to today (Asia/Shanghai)');
  });
});
