import { daysBetween } from '@ledger/policy';
import type { Folded } from '../fold/audit-fold';
import { defineRule, type RuleContext } from '../rule';

/**
 * insurer-decision-late — linkage-2018 §二(四)1: for critical-illness claims not settled one-stop,
 * the insurer "自收到赔付申请之日起30日内作出理赔决定". Window: insurer.decision-days (in force on the
 * receipt date). Day 30 is on time; one more is late. (Its payment: insurer-payment-late.ts.)
 */
export const insurerDecisionLate = defineRule({
  id: 'insurer-decision-late',
  title: { zh: '大病保险承办机构未在规定时限内作出理赔决定', en: 'Insurer decided a critical-illness claim later than the decision window' },
  basis: 'linkage-2018 §二(四)1 (自收到赔付申请之日起规定日内作出理赔决定); policy insurer.decision-days',
  onEvent: inspectInsurerDecision,
});

function inspectInsurerDecision(folded: Folded, context: RuleContext): void {
  if (folded.type !== 'InsurerDecisionRecorded') return;
  const e = folded.data;
  const window = context.policy.insurerDecisionDays(e.receivedAt);
  const days = daysBetween(e.receivedAt, e.decidedAt);
  if (days <= window) return;
  context.raise({
    fundId: folded.claim?.fundId ?? null,
    residentId: e.residentId,
    claimId: e.claimId,
    message: {
      zh: `大病保险承办机构于 ${e.decidedAt} 对报销 ${e.claimId} 作出理赔决定，距 ${e.receivedAt} 收到申请已 ${days} 日，超过 ${window} 日的时限（linkage-2018 §二(四)1）。`,
      en: `the insurer decided critical-illness claim ${e.claimId} on ${e.decidedAt}, ${days} days after receiving it on ${e.receivedAt}; the limit is ${window} days (linkage-2018 §二(四)1).`,
    },
    evidence: [folded.position, folded.claim?.position],
  });
}
