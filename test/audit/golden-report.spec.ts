import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Auditor, type InspectionReport, replayStore, serializeReport } from '@ledger/audit';
import { SqliteEventStore } from '@ledger/event-store';
import { readFundLedgerFile } from '@ledger/projections';
import { renderInspectionHtml } from '../../apps/auditor/src/html-report';
import { generateScenario, type ScenarioManifest } from '../../scripts/scenario/scenario';
import { policy } from './support';

/**
 * The report of one small generated year, byte for byte, against a committed copy
 * (fixtures/golden-report-*.json, and the HTML's sha256): a refactor of the auditor (the rule
 * registry, the fold) must not change a byte of what it reports for the same history and cut-off.
 *
 * Event ids are random in the ledger, so here they are counted instead: the history — and with it
 * the digest and the messages that name event ids — is the same on every run.
 *
 * The policy file's version and digest are masked: editing a parameter the scenario does not touch
 * changes nothing else. When a change is MEANT to change the report (a new rule, a new field, a
 * settlement correction), regenerate and review the diff:
 *
 *   UPDATE_GOLDEN=1 npx jest test/audit/golden-report
 */
jest.mock('../../libs/application/src/event-id', () => {
  let next = 0;
  return {
    uuidV7: () => {
      next += 1;
      return `00000000-0000-7000-8000-${next.toString(16).padStart(12, '0')}`;
    },
  };
});

const FIXTURES = join(__dirname, 'fixtures');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

function golden(name: string, actual: string): void {
  const file = join(FIXTURES, name);
  if (UPDATE || !existsSync(file)) writeFileSync(file, actual);
  // toBe on the whole text: any byte that differs fails, and jest shows where.
  expect(actual).toBe(readFileSync(file, 'utf8'));
}

const sha256 = (text: string) => `${createHash('sha256').update(text).digest('hex')}\n`;

describe('the report of a generated year is byte-identical to the committed one', () => {
  let dir: string;
  let store: SqliteEventStore;
  let manifest: ScenarioManifest;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'audit-golden-'));
    store = new SqliteEventStore({ file: join(dir, 'events.sqlite') });
    manifest = await generateScenario({
      store,
      policy,
      seed: 20250101,
      residents: 60,
      violations: {
        'ledger-reconciliation': 1,
        'fund-attribution': 2,
        'benefit-outside-coverage': 2,
        'dual-scheme-benefit': 1,
        'duplicate-student-benefit': 1,
        'newborn-exemption': 2,
        'cash-advance-late': 2,
        'deductible-waiver': 2,
        'critical-illness-payment': 1,
        'assistance-payment': 1,
        'insurer-decision-late': 1,
        'insurer-payment-late': 1,
        'fund-deficit': 1,
        'stream-integrity': 2,
      },
      projectionFile: join(dir, 'projections.sqlite'),
    });
  }, 120_000);

  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function reportAt(asOf: string): Promise<InspectionReport> {
    const live = readFundLedgerFile(join(dir, 'projections.sqlite'))!;
    const auditor = new Auditor({ policy, asOf, projectionCheckpoint: live.checkpoint });
    await replayStore(store, auditor);
    return { ...auditor.report(live), policyVersion: '(masked)', policyDigest: '(masked)' };
  }

  it('at the end of the scenario', async () => {
    const report = await reportAt(manifest.asOf);
    golden('golden-report-year-end.json', serializeReport(report));
    golden('golden-report-year-end.html.sha256', sha256(renderInspectionHtml(report)) + sha256(renderInspectionHtml(report, { lang: 'en' })));
  });

  it('at a mid-year cut-off', async () => {
    const report = await reportAt(`${manifest.years.last}-06-30`);
    golden('golden-report-mid-year.json', serializeReport(report));
    golden('golden-report-mid-year.html.sha256', sha256(renderInspectionHtml(report)) + sha256(renderInspectionHtml(report, { lang: 'en' })));
  });
});
