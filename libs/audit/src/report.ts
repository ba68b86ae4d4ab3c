import { FUND_IDS, type FundId } from '@ledger/domain';
import { type Position, positionToJson } from '@ledger/event-store';
import type { Finding } from './findings';
import { RULE_IDS, type RuleId } from './rules';

/**
 * The inspection report (API.md "Inspection report"). Every field is derived from the history and
 * the cut-off only — no clock, no host — and serialised with a fixed key order, so the same history
 * and cut-off always give the same bytes.
 */
export type PositionJson = number | string;

export interface FindingJson {
  rule: RuleId;
  fundId: FundId | null;
  residentId?: string;
  claimId?: string;
  /** English: what a person can act on (unchanged since findings became bilingual). */
  message: string;
  /** The same in Chinese (the HTML report's default language). */
  messageZh: string;
  evidence: PositionJson[];
}

export interface MonthEndJson {
  month: string;
  /** Balance at the end of the month (or at the cut-off date within the last month). */
  balance: string;
  /** Months of outflow the balance can pay (2 decimals); null when the trailing months paid nothing out. */
  monthsOfPayment: string | null;
}

export interface FundReportJson {
  fundId: FundId;
  income: string;
  outflow: string;
  balance: string;
  /** Findings charged to this fund. */
  findings: number;
  monthEndBalances: MonthEndJson[];
}

export interface NotEvaluatedJson {
  rule: RuleId;
  reason: string;
  count: number;
}

export interface SummaryJson {
  findings: number;
  byRule: Record<RuleId, number>;
  byFund: Record<FundId, number>;
  /** Findings that concern no fund (stream integrity). */
  withoutFund: number;
  /** Checks that could not be made (e.g. a parameter not in force on an event's date), counted. */
  notEvaluated: NotEvaluatedJson[];
}

export interface InspectionReport {
  /** The business-date cut-off (events whose business date is on or before it), or null for none. */
  asOf: string | null;
  /** The position cut-off asked for, or null (through the last event stored). */
  cutOffPosition: PositionJson | null;
  /** The last position the audit read (integrity is checked over every event read). */
  lastPositionRead: PositionJson | null;
  eventsRead: number;
  eventsReplayed: number;
  /** See digest.ts. */
  digest: string;
  policyVersion: string;
  policyDigest: string;
  /** How the replay was reconciled with the live read model (or why it was not). */
  reconciliation: string;
  projectionCheckpoint: PositionJson | null;
  /** How the log was compared with the running digest its store keeps (or why it was not). */
  logDigest: string;
  /**
   * The running log digest (event-store log-digest.ts) recomputed from the events read, from the
   * first through lastPositionRead; null when nothing was read. Keep the report elsewhere: a later
   * audit given it as --baseline checks the history through that position still has it.
   */
  logDigestAtLastPosition: string | null;
  /** How the history was compared with a baseline report (integrity/log-baseline.ts); null without one. */
  baseline: string | null;
  /**
   * Only when the audit sealed its state (--seal): the state file's sha256, its position (this
   * report's lastPositionRead) and log digest there, which a later --resume is checked against.
   */
  sealedState?: { position: PositionJson; logDigest: string; sha256: string };
  /**
   * Only when the audit resumed from a sealed state (--resume): the position the replay started
   * after, and the state's sha256. The one field in which it differs from a full replay's report.
   */
  resumedFrom?: { position: PositionJson; sealedStateSha256: string };
  funds: FundReportJson[];
  summary: SummaryJson;
  findings: FindingJson[];
}

export function positionJson(position: Position | null | undefined): PositionJson | null {
  return position === null || position === undefined ? null : positionToJson(position);
}

export function findingToJson(finding: Finding): FindingJson {
  const json: FindingJson = { rule: finding.rule, fundId: finding.fundId } as FindingJson;
  if (finding.residentId !== undefined) json.residentId = finding.residentId;
  if (finding.claimId !== undefined) json.claimId = finding.claimId;
  json.message = finding.message;
  json.messageZh = finding.messageZh;
  json.evidence = finding.evidence.map(positionToJson);
  return json;
}

/** Rebuilds every object in the documented key order and writes two-space JSON with a final newline. */
export function serializeReport(report: InspectionReport): string {
  const ordered = {
    asOf: report.asOf,
    cutOffPosition: report.cutOffPosition,
    lastPositionRead: report.lastPositionRead,
    eventsRead: report.eventsRead,
    eventsReplayed: report.eventsReplayed,
    digest: report.digest,
    policyVersion: report.policyVersion,
    policyDigest: report.policyDigest,
    reconciliation: report.reconciliation,
    projectionCheckpoint: report.projectionCheckpoint,
    logDigest: report.logDigest,
    logDigestAtLastPosition: report.logDigestAtLastPosition,
    baseline: report.baseline,
    ...(report.sealedState ? { sealedState: { position: report.sealedState.position, logDigest: report.sealedState.logDigest, sha256: report.sealedState.sha256 } } : {}),
    ...(report.resumedFrom ? { resumedFrom: { position: report.resumedFrom.position, sealedStateSha256: report.resumedFrom.sealedStateSha256 } } : {}),
    funds: report.funds.map((fund) => ({
      fundId: fund.fundId,
      income: fund.income,
      outflow: fund.outflow,
      balance: fund.balance,
      findings: fund.findings,
      monthEndBalances: fund.monthEndBalances.map((m) => ({ month: m.month, balance: m.balance, monthsOfPayment: m.monthsOfPayment })),
    })),
    summary: {
      findings: report.summary.findings,
      byRule: Object.fromEntries(RULE_IDS.map((rule) => [rule, report.summary.byRule[rule] ?? 0])),
      byFund: Object.fromEntries(FUND_IDS.map((fundId) => [fundId, report.summary.byFund[fundId] ?? 0])),
      withoutFund: report.summary.withoutFund,
      notEvaluated: report.summary.notEvaluated.map((n) => ({ rule: n.rule, reason: n.reason, count: n.count })),
    },
    findings: report.findings.map((f) => {
      const json: Record<string, unknown> = { rule: f.rule, fundId: f.fundId };
      if (f.residentId !== undefined) json.residentId = f.residentId;
      if (f.claimId !== undefined) json.claimId = f.claimId;
      json.message = f.message;
      json.messageZh = f.messageZh;
      json.evidence = [...f.evidence];
      return json;
    }),
  };
  return `${JSON.stringify(ordered, null, 2)}\n`;
}
