import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Auditor, replayStore, serializeReport } from '@ledger/audit';
import { SqliteEventStore } from '@ledger/event-store';
import { runAuditCli } from '../../apps/auditor/src/cli';
import { renderInspectionHtml } from '../../apps/auditor/src/html-report';
import { generateScenario } from '../../scripts/scenario/scenario';
import { policy } from './support';

const quiet = { stdout: { write: () => true }, stderr: { write: () => true, isTTY: false }, env: {} };

describe('the same history and cut-off give the same bytes', () => {
  let dataDir: string;
  let asOf: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'audit-determinism-'));
    const store = new SqliteEventStore({ file: join(dataDir, 'events.sqlite') });
    const manifest = await generateScenario({
      store,
      policy,
      seed: 7,
      residents: 120,
      violations: { 'fund-attribution': 1, 'stream-integrity': 2, 'ledger-reconciliation': 1, 'insurer-payment-late': 1 },
      projectionFile: join(dataDir, 'projections.sqlite'),
    });
    asOf = manifest.asOf;
    await store.close();
  }, 60_000);

  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('two CLI runs write identical JSON and HTML', async () => {
    const first = join(dataDir, 'first');
    const second = join(dataDir, 'second');
    expect(await runAuditCli(['--as-of', asOf, '--out', first, '--data-dir', dataDir], quiet)).toBe(0);
    expect(await runAuditCli(['--as-of', asOf, '--out', second, '--data-dir', dataDir], quiet)).toBe(0);
    for (const extension of ['json', 'html']) {
      const a = readFileSync(join(first, `inspection-${asOf}.${extension}`));
      const b = readFileSync(join(second, `inspection-${asOf}.${extension}`));
      expect(a.equals(b)).toBe(true);
    }
    const report = JSON.parse(readFileSync(join(first, `inspection-${asOf}.json`), 'utf8'));
    expect(report.summary.findings).toBe(5);
  });

  it('an in-process replay serialises to the CLI bytes, whatever the page size', async () => {
    const store = new SqliteEventStore({ file: join(dataDir, 'events.sqlite') });
    const { readFundLedgerFile } = await import('@ledger/projections');
    const reports = [];
    for (const pageSize of [7, 100_000]) {
      const live = readFundLedgerFile(join(dataDir, 'projections.sqlite'))!;
      const auditor = new Auditor({ policy, asOf, projectionCheckpoint: live.checkpoint });
      await replayStore(store, auditor, { pageSize });
      reports.push(auditor.report(live));
    }
    await store.close();
    expect(serializeReport(reports[0])).toBe(serializeReport(reports[1]));
    expect(renderInspectionHtml(reports[0])).toBe(renderInspectionHtml(reports[1]));
    expect(serializeReport(reports[0])).toBe(readFileSync(join(dataDir, 'first', `inspection-${asOf}.json`), 'utf8'));
  });

  it('keys come in the documented order, money as two-decimal strings and positions as numbers', () => {
    const report = JSON.parse(readFileSync(join(dataDir, 'first', `inspection-${asOf}.json`), 'utf8'));
    expect(Object.keys(report).slice(0, 6)).toEqual(['asOf', 'cutOffPosition', 'lastPositionRead', 'eventsRead', 'eventsReplayed', 'digest']);
    expect(Object.keys(report.funds[0]).slice(0, 4)).toEqual(['fundId', 'income', 'outflow', 'balance']);
    for (const fund of report.funds) for (const field of ['income', 'outflow', 'balance']) expect(fund[field]).toMatch(/^-?\d+\.\d{2}$/);
    for (const finding of report.findings) {
      expect(Object.keys(finding)[0]).toBe('rule');
      expect(finding.evidence.every((p: unknown) => typeof p === 'number')).toBe(true);
    }
    expect(report.digest).toMatch(/^[0-9a-f]{64}$/);
  });
});
