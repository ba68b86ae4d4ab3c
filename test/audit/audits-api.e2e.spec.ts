import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runAuditCli } from '../../apps/auditor/src/cli';
import { startTestLedger, type AuthorizedClient, type TestLedger } from '../e2e/ledger-app';
import { writeAuditHistory } from './api-history';

describe('POST /v1/audits (end to end)', () => {
  let ledger: TestLedger;
  let clerk: AuthorizedClient;
  let auditor: AuthorizedClient;
  let closed = false;
  let misdirected: { residentId: string };

  beforeAll(async () => {
    ledger = await startTestLedger();
    clerk = await ledger.as('clerk');
    auditor = await ledger.as('auditor');
    ({ misdirected } = await writeAuditHistory(clerk));
  });

  afterAll(async () => {
    if (!closed) await ledger.close();
  });

  it('answers 200 with the inspection report, reconciled with the live read model', async () => {
    const response = await auditor.post('/v1/audits', { asOf: '2024-12-31' }).expect(200);
    const report = response.body;
    expect(Object.keys(report)).toEqual(expect.arrayContaining(['asOf', 'eventsReplayed', 'digest', 'funds', 'findings']));
    expect(report).toMatchObject({ asOf: '2024-12-31', eventsReplayed: 6, reconciliation: 'compared with the live projection at position 6' });
    expect(report.funds).toHaveLength(6);
    expect(report.funds.find((f: { fundId: string }) => f.fundId === 'municipal')).toMatchObject({ income: '500760.00', outflow: '160.00', balance: '500600.00', findings: 1 });
    expect(report.findings).toEqual([
      expect.objectContaining({ rule: 'fund-attribution', fundId: 'municipal', residentId: misdirected.residentId, evidence: [5, 6] }),
    ]);
  });

  it('is deterministic and cut off by the date', async () => {
    const first = await auditor.post('/v1/audits', { asOf: '2024-12-31' }).expect(200);
    const second = await auditor.post('/v1/audits', { asOf: '2024-12-31' }).expect(200);
    expect(JSON.stringify(second.body)).toBe(JSON.stringify(first.body));
    const before = await auditor.post('/v1/audits', { asOf: '2023-11-30' }).expect(200);
    expect(before.body).toMatchObject({ eventsRead: 6, eventsReplayed: 2, findings: [] });
  });

  it('validates the body and the role', async () => {
    await auditor.post('/v1/audits', { asOf: '2024-13-01' }).expect(400);
    await auditor.post('/v1/audits', {}).expect(400);
    await clerk.post('/v1/audits', { asOf: '2024-12-31' }).expect(403);
    await ledger.http().post('/v1/audits').send({ asOf: '2024-12-31' }).expect(401);
  });

  it('checks the history against a baseline given in the body (the earlier report\'s last position and log digest)', async () => {
    const earlier = (await auditor.post('/v1/audits', { asOf: '2024-12-31' }).expect(200)).body;
    expect(earlier.logDigestAtLastPosition).toMatch(/^[0-9a-f]{64}$/);
    const baseline = { asOf: earlier.asOf, lastPositionRead: earlier.lastPositionRead, logDigestAtLastPosition: earlier.logDigestAtLastPosition };
    const same = (await auditor.post('/v1/audits', { asOf: '2024-12-31', baseline }).expect(200)).body;
    expect(same.baseline).toMatch(/^the history through position 6 is unchanged since the baseline report as of 2024-12-31/);
    expect(same.findings).toEqual(earlier.findings);
    const other = (await auditor.post('/v1/audits', { asOf: '2024-12-31', baseline: { ...baseline, logDigestAtLastPosition: '0'.repeat(64) } }).expect(200)).body;
    expect(other.findings.filter((f: { rule: string }) => f.rule === 'stream-integrity')).toEqual([
      expect.objectContaining({ evidence: [6], message: expect.stringContaining('no longer has the log digest the baseline report as of 2024-12-31') }),
    ]);
    const refused = await auditor.post('/v1/audits', { asOf: '2024-12-31', baseline: { lastPositionRead: 6, logDigestAtLastPosition: 'nope' } }).expect(400);
    expect(JSON.stringify(refused.body.problems)).toContain('logDigestAtLastPosition');
  });

  it('returns the same JSON as the CLI on the same data', async () => {
    const response = await auditor.post('/v1/audits', { asOf: '2024-12-31' }).expect(200);
    await ledger.app.close();
    closed = true;
    const out = join(ledger.dataDir, 'reports');
    const quiet = { stdout: { write: () => true }, stderr: { write: () => true, isTTY: false }, env: {} };
    expect(await runAuditCli(['--as-of', '2024-12-31', '--out', out, '--data-dir', ledger.dataDir], quiet)).toBe(0);
    const fromCli = JSON.parse(readFileSync(join(out, 'inspection-2024-12-31.json'), 'utf8'));
    expect(fromCli).toEqual(response.body);
    rmSync(ledger.dataDir, { recursive: true, force: true });
  });
});
