import { addDays, daysBetween } from '@ledger/policy';
import type { Folded } from '../fold/audit-fold';
import { defineRule, type ReportContext, type RuleContext } from '../rule';

/**
 * insurer-payment-late — linkage-2018 §二(四)1: "对属于保险责任的，在10日内赔付到位". Window:
 * insurer.payment-days (in force on the decision date). Day 10 is on time; one more is late.
 * A payment with no recorded decision, or on a decision of "not covered", is late by definition:
 * there is no decision it could be timely against. A covered decision with no payment at all is
 * late once its window has passed by the cut-off date (atEnd).
 */
export const insurerPaymentLate = defineRule({
  id: 'insurer-payment-late',
  title: { zh: '大病保险承办机构未在规定时限内赔付到位', en: 'Insurer paid a covered claim later than the payment window after its decision' },
  basis: 'linkage-2018 §二(四)1 (属于保险责任的, 在规定日内赔付到位); policy insurer.payment-days',
  onEvent: inspectInsurerPayment,
  atEnd: inspectUnpaidDecisions,
});

function inspectInsurerPayment(folded: Folded, context: RuleContext): void {
  if (folded.type !== 'InsurerPaymentRecorded') return;
  const e = folded.data;
  const decision = folded.claim?.decision ?? null;
  const subject = { fundId: folded.claim?.fundId ?? null, residentId: e.residentId, claimId: e.claimId };
  if (!decision || !decision.covered) {
    const why = decision ? `the insurer decided on ${decision.decidedAt} that it is not covered` : 'no insurer decision is recorded for it';
    const whyZh = decision ? `承办机构已于 ${decision.decidedAt} 认定不属于保险责任` : '没有记录承办机构的理赔决定';
    context.raise({
      ...subject,
      message: {
        zh: `大病保险承办机构于 ${e.paidAt} 对报销 ${e.claimId} 赔付 ${e.amount} 元，但${whyZh}；赔付应以属于保险责任的理赔决定为前提（linkage-2018 §二(四)1）。`,
        en: `the insurer paid ${e.amount} on claim ${e.claimId} on ${e.paidAt}, but ${why}; a payment follows a covering decision (linkage-2018 §二(四)1).`,
      },
      evidence: [folded.position, decision?.position, folded.claim?.position],
    });
    return;
  }
  const window = context.policy.insurerPaymentDays(decision.decidedAt);
  const days = daysBetween(decision.decidedAt, e.paidAt);
  if (days <= window) return;
  context.raise({
    ...subject,
    message: {
      zh: `大病保险承办机构于 ${e.paidAt} 对报销 ${e.claimId} 赔付 ${e.amount} 元，距 ${decision.decidedAt} 认定属于保险责任已 ${days} 日，超过 ${window} 日的时限（linkage-2018 §二(四)1）。`,
      en: `the insurer paid ${e.amount} on claim ${e.claimId} on ${e.paidAt}, ${days} days after deciding it was covered on ${decision.decidedAt}; the limit is ${window} days (linkage-2018 §二(四)1).`,
    },
    evidence: [folded.position, decision.position],
  });
}

/**
 * No payment at all: a covered decision on a claim that is not reversed, with no payment replayed,
 * whose window (insurer.payment-days after the decision, the last day included) ended before the
 * cut-off date. A position-only cut-off has no date to judge by, so nothing is raised then.
 */
function inspectUnpaidDecisions(context: ReportContext): void {
  const { asOf, policy } = context;
  if (asOf === null) return;
  const claims = context.fold.claims;
  for (const [index, decision] of claims.decided()) {
    if (!decision.covered || claims.isInsurerPaid(index) || claims.isReversed(index)) continue;
    const window = policy.insurerPaymentDays(decision.decidedAt);
    const lastDay = addDays(decision.decidedAt, window);
    if (asOf <= lastDay) continue;
    const claim = claims.record(index);
    context.raise({
      fundId: claim.fundId,
      residentId: claim.residentId,
      claimId: claim.claimId,
      message: {
        zh: `大病保险承办机构于 ${decision.decidedAt} 认定报销 ${claim.claimId} 属于保险责任，但截至 ${asOf} 没有赔付记录；${window} 日的赔付时限已于 ${lastDay} 届满（linkage-2018 §二(四)1）。`,
        en:
          `the insurer decided on ${decision.decidedAt} that critical-illness claim ${claim.claimId} is covered, but no payment is recorded by ${asOf}; ` +
          `the ${window}-day window ended on ${lastDay} (linkage-2018 §二(四)1).`,
      },
      evidence: [decision.position, claim.position],
    });
  }
}
