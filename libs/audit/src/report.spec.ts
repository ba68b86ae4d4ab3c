import { compareFindings, finding } from './findings';
import { type InspectionReport, serializeReport } from './report';
import { RULE_IDS } from './rules';

describe('findings order', () => {
  it('sorts by rule, fund (none first), resident, claim, first evidence position, message', () => {
    const findings = [
      finding('stream-integrity', null, {}, { en: 'b', zh: 'b' }, [9n]),
      finding('fund-attribution', 'municipal', { residentId: 'R2' }, { en: 'x', zh: 'x' }, [3n]),
      finding('fund-attribution', 'caidian', { residentId: 'R9' }, { en: 'x', zh: 'x' }, [8n]),
      finding('fund-attribution', 'municipal', { residentId: 'R1' }, { en: 'x', zh: 'x' }, [5n]),
      finding('stream-integrity', null, {}, { en: 'a', zh: 'a' }, [9n]),
      finding('stream-integrity', null, {}, { en: 'z', zh: 'z' }, [2n]),
      finding('fund-attribution', null, { residentId: 'R0' }, { en: 'x', zh: 'x' }, [1n]),
    ].sort(compareFindings);
    expect(findings.map((f) => `${f.rule}/${f.fundId}/${f.residentId ?? ''}/${f.evidence[0]}/${f.message}`)).toEqual([
      'fund-attribution/null/R0/1/x',
      'fund-attribution/caidian/R9/8/x',
      'fund-attribution/municipal/R1/5/x',
      'fund-attribution/municipal/R2/3/x',
      'stream-integrity/null//2/z',
      'stream-integrity/null//9/a',
      'stream-integrity/null//9/b',
    ]);
  });

  it('keeps evidence unique and ascending', () => {
    expect(finding('fund-deficit', 'caidian', {}, { en: 'm', zh: 'm' }, [5n, 2n, 5n, undefined, null, 3n]).evidence).toEqual([2n, 3n, 5n]);
  });
});

describe('serializeReport', () => {
  it('writes the documented key order whatever order the object was built in', () => {
    const report = {
      findings: [{ evidence: [2], messageZh: '消息', message: 'm', claimId: 'C1', fundId: 'caidian', rule: 'cash-advance-late', residentId: 'R1' }],
      summary: { notEvaluated: [], withoutFund: 0, byFund: {}, byRule: {}, findings: 1 },
      funds: [],
      projectionCheckpoint: null,
      reconciliation: 'no live projection found',
      policyDigest: 'd',
      policyVersion: 'v',
      digest: 'x',
      eventsReplayed: 2,
      eventsRead: 2,
      lastPositionRead: 2,
      cutOffPosition: null,
      asOf: '2024-12-31',
    } as unknown as InspectionReport;
    const json = serializeReport(report);
    const parsed = JSON.parse(json);
    expect(Object.keys(parsed)).toEqual([
      'asOf', 'cutOffPosition', 'lastPositionRead', 'eventsRead', 'eventsReplayed', 'digest', 'policyVersion', 'policyDigest',
      'reconciliation', 'projectionCheckpoint', 'funds', 'summary', 'findings',
    ]);
    expect(Object.keys(parsed.findings[0])).toEqual(['rule', 'fundId', 'residentId', 'claimId', 'message', 'messageZh', 'evidence']);
    expect(Object.keys(parsed.summary.byRule)).toEqual([...RULE_IDS]);
    expect(json.endsWith('}\n')).toBe(true);
  });
});
