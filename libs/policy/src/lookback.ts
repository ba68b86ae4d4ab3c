/**
 * Look-back medical assistance for illness-poverty targets (因病致贫, linkage-2018 §二(二)2):
 * "对其申报前12个月内自付合规医疗费用直接给予救助", at the group's ratio within its annual cap.
 *
 * THE ONE RULE of the two assistance channels, used by the ledger (decide), the quote, the batch
 * import, the synthetic year and the auditor alike:
 * - one-stop settlement assists only the groups of medical-assistance.one-stop-groups
 *   (`Policy.oneStopAssistanceGroup`, used by settleClaim); illness-poverty targets get nothing there;
 * - an application assists the window's self-paid compliant costs: per claim, the base is
 *   compliant − basic − critical illness (never below 0);
 * - a claim is assisted once, in one channel: a claim that got one-stop assistance under a
 *   one-stop group, or that an earlier application counted, is not counted again;
 * - the total assistance on a claim never exceeds the ratio × its base: a claim that carries
 *   assistance anyway (reported by the platform outside the one-stop groups) adds only what the
 *   ratio leaves of its base;
 * - the grant is the sum of the claims' shares, rounded once to the fen (half up), within what the
 *   natural year of the application leaves of the annual cap.
 */
import type Decimal from 'decimal.js';
import type { AssistanceGroupName } from './codes';
import { type BusinessDate, addMonths, assertBusinessDate } from './dates';
import { ZERO, clampNonNegative, minOf, roundFen } from './decimal';
import type { Policy } from './parameters';

/** A claim as the look-back application sees it. */
export interface LookbackClaim {
  claimId: string;
  admittedAt: BusinessDate;
  reversed: boolean;
  compliantCost: Decimal;
  basicFundPayment: Decimal;
  criticalIllnessPayment: Decimal;
  assistancePayment: Decimal;
  /** Assisted at settlement under a one-stop group (see `assistedOneStop`): its one channel is used. */
  assistedOneStop: boolean;
}

/** Why a claim adds nothing to an application. */
export type LookbackExclusion = 'reversed' | 'outside-window' | 'counted-before' | 'assisted-one-stop' | 'nothing-left';

export interface LookbackShare {
  claimId: string;
  /** compliant − basic − critical illness, never below 0. */
  base: Decimal;
  /** ratio × base − assistance already on the claim, never below 0; unrounded. */
  share: Decimal;
  excluded: LookbackExclusion | null;
}

export interface LookbackInput {
  appliedAt: BusinessDate;
  claims: Iterable<LookbackClaim>;
  /** Claims an earlier application already counted. */
  countedBefore: ReadonlySet<string>;
  /** Assistance of the application's natural year so far (one-stop and earlier grants). */
  assistancePaidInYear: Decimal;
}

export interface LookbackAssessment {
  months: number;
  window: { from: BusinessDate; through: BusinessDate };
  ratio: Decimal;
  annualCap: Decimal;
  /** Every claim considered, in the order given. */
  shares: LookbackShare[];
  /** The claims that add something, in the order given. */
  counted: string[];
  /** Σ base of the counted claims. */
  base: Decimal;
  /** Σ share of the counted claims, rounded to the fen. */
  due: Decimal;
  capLeft: Decimal;
  /** min(due, capLeft). */
  amount: Decimal;
}

/** Throws PolicyNotInForceError when the look-back rule is not in force on the application date. */
export function assessLookback(policy: Policy, input: LookbackInput): LookbackAssessment {
  const { appliedAt } = input;
  assertBusinessDate(appliedAt, 'appliedAt');
  const months = policy.illnessPovertyLookbackMonths(appliedAt);
  const { ratio, annualCap } = policy.assistanceGroupNamed('illness-poverty', appliedAt);
  const window = { from: addMonths(appliedAt, -months), through: appliedAt };
  const shares: LookbackShare[] = [];
  for (const claim of input.claims) shares.push(lookbackShare(claim, ratio, window, input.countedBefore));
  const counted = shares.filter((share) => share.excluded === null);
  const base = counted.reduce((sum, share) => sum.plus(share.base), ZERO);
  const due = roundFen(counted.reduce((sum, share) => sum.plus(share.share), ZERO));
  const capLeft = clampNonNegative(annualCap.minus(input.assistancePaidInYear));
  return {
    months,
    window,
    ratio,
    annualCap,
    shares,
    counted: counted.map((share) => share.claimId),
    base,
    due,
    capLeft,
    amount: minOf(due, capLeft),
  };
}

/** What one claim adds to an application at `ratio`, or why it adds nothing. */
export function lookbackShare(
  claim: LookbackClaim,
  ratio: Decimal,
  window: { from: BusinessDate; through: BusinessDate },
  countedBefore: ReadonlySet<string>,
): LookbackShare {
  const base = clampNonNegative(claim.compliantCost.minus(claim.basicFundPayment).minus(claim.criticalIllnessPayment));
  const share = clampNonNegative(base.times(ratio).minus(claim.assistancePayment));
  const result = (excluded: LookbackExclusion | null): LookbackShare => ({ claimId: claim.claimId, base, share: excluded ? ZERO : share, excluded });
  if (claim.reversed) return result('reversed');
  if (claim.admittedAt < window.from || claim.admittedAt > window.through) return result('outside-window');
  if (countedBefore.has(claim.claimId)) return result('counted-before');
  if (claim.assistedOneStop) return result('assisted-one-stop');
  return result(share.isZero() ? 'nothing-left' : null);
}

/** The claim got assistance at settlement under a one-stop group: its one channel is used. */
export function assistedOneStop(
  policy: Policy,
  claim: { admittedAt: BusinessDate; assistancePayment: Decimal; assistanceGroup: AssistanceGroupName | null },
): boolean {
  if (claim.assistanceGroup === null || !claim.assistancePayment.greaterThan(ZERO)) return false;
  return policy.oneStopAssistanceGroups(claim.admittedAt).includes(claim.assistanceGroup);
}

/** Words for a reason a claim added nothing, for refusals and findings. */
export function describeExclusion(excluded: LookbackExclusion, window: { from: BusinessDate; through: BusinessDate }): string {
  switch (excluded) {
    case 'reversed':
      return 'reversed';
    case 'outside-window':
      return `admitted outside ${window.from} to ${window.through}`;
    case 'counted-before':
      return 'already counted by an earlier application';
    case 'assisted-one-stop':
      return 'already assisted one-stop at settlement';
    case 'nothing-left':
      return 'nothing self-paid left within the ratio';
  }
}
