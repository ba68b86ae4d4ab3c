import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Auditor, type FindingJson, type InspectionReport, replayStore, RULE_IDS, type RuleId } from '@ledger/audit';
import { SqliteEventStore } from '@ledger/event-store';
import { readFundLedgerFile } from '@ledger/projections';
import { generateScenario, type PlantedViolation, type ScenarioManifest } from '../../scripts/scenario/scenario';
import { policy } from './support';

/** One finding per planted violation, matched on rule, fund, resident and claim. */
function keyOf(item: Pick<FindingJson, 'rule' | 'fundId' | 'residentId' | 'claimId'> | PlantedViolation): string {
  return [item.rule, item.fundId ?? '-', item.residentId ?? '-', item.claimId ?? '-'].join(' | ');
}

describe('a generated scenario with planted violations', () => {
  let dir: string;
  let store: SqliteEventStore;
  let manifest: ScenarioManifest;
  let report: InspectionReport;
  const violations = Object.fromEntries(RULE_IDS.map((rule, index) => [rule, 1 + (index % 2)])) as Record<RuleId, number>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'audit-scenario-'));
    store = new SqliteEventStore({ file: join(dir, 'events.sqlite') });
    const projectionFile = join(dir, 'projections.sqlite');
    manifest = await generateScenario({ store, policy, seed: 20240917, residents: 300, violations, projectionFile });
    const live = readFundLedgerFile(projectionFile)!;
    const auditor = new Auditor({ policy, asOf: manifest.asOf, projectionCheckpoint: live.checkpoint });
    await replayStore(store, auditor);
    report = auditor.report(live);
  }, 180_000);

  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('plants what was asked for, for every rule', () => {
    for (const rule of RULE_IDS) expect(manifest.planted.filter((p) => p.rule === rule)).toHaveLength(violations[rule]);
  });

  it('finds exactly the planted violations and nothing else', () => {
    const found = report.findings.map(keyOf).sort();
    const planted = manifest.planted.map(keyOf).sort();
    const unexpected = report.findings.filter((f) => !planted.includes(keyOf(f))).map((f) => `${f.rule}: ${f.message}`);
    expect(unexpected).toEqual([]);
    expect(found).toEqual(planted);
  });

  it('gives every finding a message in Chinese and in English', () => {
    for (const finding of report.findings) {
      expect(finding.messageZh).toMatch(/[\u4e00-\u9fff]/);
      expect(finding.message).not.toBe(finding.messageZh);
    }
  });

  it('replays the whole history and reconciles with the read model it was built into', () => {
    expect(report.eventsReplayed).toBeGreaterThan(2000);
    expect(report.reconciliation).toContain('behind the history read');
    expect(new Set(report.funds.map((f) => f.fundId)).size).toBe(6);
  });
});
