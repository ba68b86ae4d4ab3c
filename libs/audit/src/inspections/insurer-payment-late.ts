import { daysBetween } from '@ledger/policy';
import type { Folded } from '../fold/audit-fold';
import { defineRule, type RuleContext } from '../rule';

/**
 * insurer-payment-late — linkage-2018 §二(四)1: "对属于保险责任的，在10日内赔付到位". Window:
 * insurer.payment-days (in force on the decision date). Day 10 is on time; one more is late.
 * A payment with no recorded decision, or on a decision of "not covered", is late by definition:
 * there is no decision it could be timely against.
 */
export const insurerPaymentLate = defineRule({
  id: 'insurer-payment-late',
  title: { zh: '大病保险承办机构未在规定时限内赔付到位', en: 'Insurer paid a covered claim later than the payment window after its decision' },
  basis: 'linkage-2018 §二(四)1 (属于保险责任的, 在规定日内赔付到位); policy insurer.payment-days',
  onEvent: inspectInsurerPayment,
});

function inspectInsurerPayment(folded: Folded, context: RuleContext): void {
  if (folded.type !== 'InsurerPaymentRecorded') return;
  const e = folded.data;
  const decision = folded.claim?.decision ?? null;
  const subject = { fundId: folded.claim?.fundId ?? null, residentId: e.residentId, claimId: e.claimId };
  if (!decision || !decision.covered) {
    const why = decision ? `the insurer decided on ${decision.decidedAt} that it is not covered` : 'no insurer decision is recorded for it';
    context.raise({
      ...subject,
      message: `the insurer paid ${e.amount} on claim ${e.claimId} on ${e.paidAt}, but ${why}; a payment follows a covering decision (linkage-2018 §二(四)1).`,
      evidence: [folded.position, decision?.position, folded.claim?.position],
    });
    return;
  }
  const window = context.policy.insurerPaymentDays(decision.decidedAt);
  const days = daysBetween(decision.decidedAt, e.paidAt);
  if (days <= window) return;
  context.raise({
    ...subject,
    message: `the insurer paid ${e.amount} on claim ${e.claimId} on ${e.paidAt}, ${days} days after deciding it was covered on ${decision.decidedAt}; the limit is ${window} days (linkage-2018 §二(四)1).`,
    evidence: [folded.position, decision.position],
  });
}
