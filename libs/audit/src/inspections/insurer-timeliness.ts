import { daysBetween } from '@ledger/policy';
import { finding } from '../findings';
import type { Folded } from '../fold/audit-fold';
import type { InspectionContext } from './context';

/**
 * insurer-decision-late / insurer-payment-late — linkage-2018 §二(四)1: for critical-illness claims
 * not settled one-stop, the insurer "自收到赔付申请之日起30日内作出理赔决定，对属于保险责任的，在10日内
 * 赔付到位". Windows: insurer.decision-days (in force on the receipt date) and
 * insurer.payment-days (in force on the decision date). Day 30 / day 10 is on time; one more is late.
 * A payment with no recorded decision, or on a decision of "not covered", is late by definition:
 * there is no decision it could be timely against.
 */
export const INSURER_DECISION_LATE = 'insurer-decision-late' as const;
export const INSURER_PAYMENT_LATE = 'insurer-payment-late' as const;

export function inspectInsurerDecision(folded: Folded, context: InspectionContext): void {
  if (folded.type !== 'InsurerDecisionRecorded') return;
  const e = folded.data;
  const window = context.policy.insurerDecisionDays(e.receivedAt);
  const days = daysBetween(e.receivedAt, e.decidedAt);
  if (days <= window) return;
  context.raise(
    finding(
      INSURER_DECISION_LATE,
      folded.claim?.fundId ?? null,
      { residentId: e.residentId, claimId: e.claimId },
      `the insurer decided critical-illness claim ${e.claimId} on ${e.decidedAt}, ${days} days after receiving it on ${e.receivedAt}; the limit is ${window} days (linkage-2018 §二(四)1).`,
      [folded.position, folded.claim?.position],
    ),
  );
}

export function inspectInsurerPayment(folded: Folded, context: InspectionContext): void {
  if (folded.type !== 'InsurerPaymentRecorded') return;
  const e = folded.data;
  const decision = folded.claim?.decision ?? null;
  const subject = { residentId: e.residentId, claimId: e.claimId };
  const fundId = folded.claim?.fundId ?? null;
  if (!decision || !decision.covered) {
    const why = decision ? `the insurer decided on ${decision.decidedAt} that it is not covered` : 'no insurer decision is recorded for it';
    context.raise(
      finding(
        INSURER_PAYMENT_LATE,
        fundId,
        subject,
        `the insurer paid ${e.amount} on claim ${e.claimId} on ${e.paidAt}, but ${why}; a payment follows a covering decision (linkage-2018 §二(四)1).`,
        [folded.position, decision?.position, folded.claim?.position],
      ),
    );
    return;
  }
  const window = context.policy.insurerPaymentDays(decision.decidedAt);
  const days = daysBetween(decision.decidedAt, e.paidAt);
  if (days <= window) return;
  context.raise(
    finding(
      INSURER_PAYMENT_LATE,
      fundId,
      subject,
      `the insurer paid ${e.amount} on claim ${e.claimId} on ${e.paidAt}, ${days} days after deciding it was covered on ${decision.decidedAt}; the limit is ${window} days (linkage-2018 §二(四)1).`,
      [folded.position, decision.position],
    ),
  );
}
