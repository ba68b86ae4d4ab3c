import { ZERO } from '@ledger/domain';
import { criticalIllnessTierPayment, isOutpatientCare, roundFen } from '@ledger/policy';
import { finding } from '../findings';
import type { Folded } from '../fold/audit-fold';
import { basicPaymentFor } from '../fold/basic-payment';
import type { InspectionContext } from './context';

/**
 * assistance-payment — linkage-2018 §二(二)2 and §二(三)1.
 *
 * For every claim that paid medical assistance (医疗救助):
 * - group: the most favourable assistance group of the resident's hardship codes (policy
 *   medical-assistance.*; someone not entitled to basic benefits falls under the uninsured rule,
 *   30% / cap 10000). No group → no assistance is due at all.
 * - ratio: assistance ≤ (compliant − basic − critical illness) × ratio, rounded to the fen. For
 *   outpatient care the inpatient ratio applies only once the year's compliant outpatient cost
 *   reaches the critical-illness deductible (门诊救助与住院救助打通使用); below it
 *   medical-assistance.outpatient-below-threshold-ratio applies.
 * - cap: the year's assistance ≤ the group's annual cap (outpatient and inpatient together).
 * - insurance first (保险在先、救助在后): assistance paid while basic insurance that applied — the
 *   resident entitled by the auditor's reckoning and the recomputed basic payment above zero — was
 *   not paid (basic payment 0.00), or while critical-illness insurance that applied (expected tier
 *   payment above zero) was not paid, is a finding: the assistance stood in for insurance.
 * - uninsured rule: "原则上只救助一个自然年" — assistance under the uninsured rule in more natural
 *   years than medical-assistance.uninsured.max-natural-years is a finding (the ledger applies the
 *   same limit when it settles one-stop).
 * Underpayment is not judged here: the texts cap assistance, they do not set a floor the audit checks.
 */
export const ASSISTANCE_PAYMENT = 'assistance-payment' as const;

export function inspectAssistance(folded: Folded, context: InspectionContext): void {
  if (folded.type !== 'ClaimSettled') return;
  const { claim, resident, totalsBefore } = folded;
  const paid = claim.assistancePayment;
  if (!paid.greaterThan(ZERO)) return;
  const { policy } = context;
  const on = claim.admittedAt;
  const hardship = resident.hardshipFor(claim.year);
  const group = policy.assistanceGroup(hardship, folded.entitled, on);
  const subject = { residentId: claim.residentId, claimId: claim.claimId };
  const evidence: Array<bigint | undefined> = [claim.position, resident.latestEnrollment(claim.year)?.position];
  const raise = (message: string) =>
    context.raise({ ...finding(ASSISTANCE_PAYMENT, claim.fundId, subject, message, evidence), withdrawnByReversalOf: `claim:${claim.claimId}` });
  const what = `claim ${claim.claimId} (admitted ${on}, compliant ${claim.compliantCost.toFixed(2)})`;

  if (group.group === null) {
    raise(`${what} paid ${paid.toFixed(2)} of medical assistance, but resident ${claim.residentId} belongs to no assistance group (hardship: ${hardship.join(', ') || 'none'}; linkage-2018 §二(二)2).`);
    return;
  }

  const problems: string[] = [];
  let ratio = group.ratio;
  if (folded.entitled && isOutpatientCare(claim.careType)) {
    const outpatientAfter = totalsBefore.outpatientCompliant.plus(claim.compliantCost);
    const threshold = policy.criticalIllnessSchedule(hardship, on).deductible;
    if (outpatientAfter.lessThan(threshold)) {
      const below = policy.outpatientAssistanceBelowThresholdRatio(on);
      if (below.lessThan(ratio)) ratio = below;
    }
  }
  const rawBase = claim.compliantCost.minus(claim.basicFundPayment).minus(claim.criticalIllnessPayment);
  const base = rawBase.isNegative() ? ZERO : rawBase;
  const allowed = roundFen(base.times(ratio));
  if (paid.greaterThan(allowed)) {
    problems.push(`paid ${paid.toFixed(2)}, more than ${ratio.times(100).toString()}% of the base ${base.toFixed(2)} (compliant − basic − critical illness) = ${allowed.toFixed(2)} for the ${group.group} group`);
  }
  const yearTotal = totalsBefore.assistancePaid.plus(paid);
  if (yearTotal.greaterThan(group.annualCap)) {
    problems.push(`brings the ${claim.year} assistance to ${yearTotal.toFixed(2)}, over the ${group.group} group's annual cap of ${group.annualCap.toFixed(2)}`);
  }

  if (group.group === 'uninsured') {
    const earlier = [...resident.uninsuredAssistanceYears].filter(([year]) => year !== claim.year);
    const maxYears = policy.uninsuredAssistanceMaxYears(on);
    if (earlier.length >= maxYears) {
      problems.push(
        `was paid under the uninsured rule in ${claim.year} although it was already paid in ${earlier.map(([year]) => year).join(', ')}; the rule assists ${maxYears} natural year(s)`,
      );
      evidence.push(...earlier.map(([, first]) => first.position));
    }
    if (!resident.uninsuredAssistanceYears.has(claim.year)) resident.rememberUninsuredAssistance(claim.year, folded.record);
  }

  if (folded.entitledByFacts) {
    if (claim.basicFundPayment.isZero()) {
      const waived = claim.careType === 'inpatient' && policy.deductibleWaived(hardship, on);
      const basicDue = basicPaymentFor(policy, claim, hardship, waived, totalsBefore.basicFundPaid);
      if (basicDue.greaterThan(ZERO)) {
        problems.push(`was paid while the basic fund, which applied (the resident was entitled on ${on}), paid nothing instead of ${basicDue.toFixed(2)}`);
      }
    }
    if (claim.criticalIllnessPayment.isZero() && folded.inCriticalIllnessScope) {
      const burden = claim.compliantCost.minus(claim.basicFundPayment);
      const before = totalsBefore.personalBurdenInScope;
      const due = criticalIllnessTierPayment(policy, hardship, before, before.plus(burden.isNegative() ? ZERO : burden), totalsBefore.criticalIllnessPaid, on);
      if (due.greaterThan(ZERO)) problems.push(`was paid while critical-illness insurance, which applied, paid nothing instead of ${due.toFixed(2)}`);
    }
  }
  if (problems.length === 0) return;
  raise(`${what}: medical assistance ${problems.join('; ')} (linkage-2018 §二(二)2, §二(三)1 保险在先、救助在后).`);
}
