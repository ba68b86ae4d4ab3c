import type { FundId } from '@ledger/domain';
import type { Position } from '@ledger/event-store';
import type { RuleId } from './rules';

/**
 * One finding: which rule, whose money, a message a person can act on, and the event positions
 * that prove it. Positions are kept as bigints inside and written as JSON numbers.
 */
export interface Finding {
  rule: RuleId;
  /** The fund the finding is about; null when no fund applies (e.g. a broken stream). */
  fundId: FundId | null;
  residentId?: string;
  claimId?: string;
  /** English (the report's `message`, as before findings were bilingual). */
  message: string;
  /** The same in Chinese. */
  messageZh: string;
  evidence: Position[];
}

/**
 * A finding raised while replaying that a later correction in the history may withdraw: a claim
 * reversed (ClaimReversed) or a contribution reversed (ContributionReversed) is no longer money
 * paid out or credited, so findings about it are dropped at report time.
 */
export interface PendingFinding extends Finding {
  /** `claim:<id>` or `receipt:<no>`: the fact whose reversal withdraws the finding. */
  withdrawnByReversalOf?: string;
}

export function finding(
  rule: RuleId,
  fundId: FundId | null,
  subject: { residentId?: string | null; claimId?: string | null },
  message: { en: string; zh: string },
  evidence: Iterable<Position | null | undefined>,
): Finding {
  const result: Finding = { rule, fundId, message: message.en, messageZh: message.zh, evidence: uniqueSortedPositions(evidence) };
  if (subject.residentId) result.residentId = subject.residentId;
  if (subject.claimId) result.claimId = subject.claimId;
  return result;
}

export function uniqueSortedPositions(positions: Iterable<Position | null | undefined>): Position[] {
  const unique = new Set<Position>();
  for (const position of positions) if (position !== null && position !== undefined) unique.add(position);
  return [...unique].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Plain code-unit order: locale-independent, so every host sorts the same way. */
function compareText(a: string | null | undefined, b: string | null | undefined): number {
  const left = a ?? '';
  const right = b ?? '';
  return left < right ? -1 : left > right ? 1 : 0;
}

/** rule, fundId (no fund first), residentId, claimId, first evidence position, message. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    compareText(a.rule, b.rule) ||
    compareText(a.fundId, b.fundId) ||
    compareText(a.residentId, b.residentId) ||
    compareText(a.claimId, b.claimId) ||
    comparePositions(a.evidence[0], b.evidence[0]) ||
    compareText(a.message, b.message)
  );
}

function comparePositions(a: Position | undefined, b: Position | undefined): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
