import { daysBetween } from '@ledger/policy';
import type { Folded } from '../fold/audit-fold';
import { defineRule, type RuleContext } from '../rule';

/**
 * cash-advance-late — opinions-2017 §十(四): cash-advance (现金垫付) costs of non-designated or
 * out-of-town care are settled when filed "普通居民在治疗结束30日内、大学生在治疗结束90日内".
 * Windows come from cash-advance.filing-window-days.{ordinary,university-student}, in force on the
 * discharge date. A resident counts as a university student when an enrollment of the claim's
 * insurance year (year of admission) is in that category. Every cash-advance claim settled in the
 * ledger is judged, whatever it paid: settling it is what the window governs.
 */
export const cashAdvanceLate = defineRule({
  id: 'cash-advance-late',
  title: { zh: '现金垫付超过申报期限结算', en: 'Cash-advance claim filed after the filing window' },
  basis: 'opinions-2017 §十(四) (普通居民、大学生在治疗结束后的规定日内审核结算); policy cash-advance.filing-window-days',
  onEvent: inspectCashAdvance,
});

function inspectCashAdvance(folded: Folded, context: RuleContext): void {
  if (folded.type !== 'ClaimSettled' || folded.claim.settlement !== 'cash-advance') return;
  const { claim, resident } = folded;
  const universityStudent = resident.enrollmentsOf(claim.year).some((enrollment) => enrollment.category === 'university-student');
  const window = context.policy.cashAdvanceWindowDays(universityStudent, claim.dischargedAt);
  const days = daysBetween(claim.dischargedAt, claim.filedAt);
  if (days <= window) return;
  const who = universityStudent ? 'a university student' : 'an ordinary resident';
  context.raise({
    fundId: claim.fundId,
    residentId: claim.residentId,
    claimId: claim.claimId,
    message: {
      zh: `${universityStudent ? '大学生' : '普通居民'}的现金垫付报销 ${claim.claimId} 于 ${claim.filedAt} 申报，距 ${claim.dischargedAt} 治疗结束已 ${days} 日，超过 ${window} 日的申报期限（opinions-2017 §十(四)）；基本医保基金已支付 ${claim.basicFundPayment.toFixed(2)} 元。`,
      en: `cash-advance claim ${claim.claimId} of ${who} was filed on ${claim.filedAt}, ${days} days after discharge on ${claim.dischargedAt}; the window is ${window} days (opinions-2017 §十(四)). It paid ${claim.basicFundPayment.toFixed(2)} from the basic fund.`,
    },
    evidence: [claim.position],
    withdrawnByReversalOf: `claim:${claim.claimId}`,
  });
}
