import { ZERO } from '@ledger/domain';
import { criticalIllnessTierPayment } from '@ledger/policy';
import type { Folded } from '../fold/audit-fold';
import { moneyOf } from '../fold/fen';
import { type Bilingual, defineRule, joinProblems, type RuleContext } from '../rule';

/**
 * critical-illness-payment — linkage-2018 §二(二)1 for 建档立卡农村贫困人口: deductible 4800, "一个保险
 * 年度内，符合大病保险保障范围的个人负担金额累计计算、分段报销、按次结算" at 65% / 75% / 85%, at most
 * 500000 a year (policy critical-illness.registered-poor.*), and §二(三)1: the base is the personal
 * burden within scope (compliant cost − basic fund payment) accumulated over the insurance year.
 *
 * Per claim, in settlement order: the expected payment is the tier amount on the new cumulative
 * burden (capped) minus what the year already paid (the policy library's tier function on the
 * auditor's own accumulations); the recorded payment must equal it, and the year's payments must
 * stay within the annual cap. Care types outside critical-illness.care-types-in-scope, or care
 * while not entitled to basic benefits, add nothing and must be paid nothing.
 */
export const criticalIllnessPayment = defineRule({
  id: 'critical-illness-payment',
  title: { zh: '建档立卡贫困人口大病保险支付与分段比例不符或超过年度限额', en: 'Registered-poor critical-illness payment differs from the tiers, or exceeds the annual cap' },
  basis: 'linkage-2018 §二(二)1 (建档立卡农村贫困人口大病保险: 累计计算、分段报销、按次结算, 年度最高支付限额), §二(三)1; policy critical-illness.registered-poor.*',
  onEvent: inspectCriticalIllness,
});

function inspectCriticalIllness(folded: Folded, context: RuleContext): void {
  if (folded.type !== 'ClaimSettled') return;
  const { claim, resident } = folded;
  const totalsBefore = { personalBurdenInScope: moneyOf(folded.totalsBefore.personalBurdenInScope), criticalIllnessPaid: moneyOf(folded.totalsBefore.criticalIllnessPaid) };
  const { policy } = context;
  const on = claim.admittedAt;
  const hardship = resident.hardshipFor(claim.year);
  if (hardship.length === 0) return; // no hardship group, so not registered-poor
  const schedule = policy.criticalIllnessSchedule(hardship, on);
  if (schedule.schedule !== 'registered-poor') return;

  const recorded = claim.criticalIllnessPayment;
  const burden = claim.compliantCost.minus(claim.basicFundPayment);
  const before = totalsBefore.personalBurdenInScope;
  const after = folded.inCriticalIllnessScope ? before.plus(burden.isNegative() ? ZERO : burden) : before;
  const expected = folded.inCriticalIllnessScope
    ? criticalIllnessTierPayment(policy, hardship, before, after, totalsBefore.criticalIllnessPaid, on)
    : ZERO;
  const paidThisYear = totalsBefore.criticalIllnessPaid.plus(recorded);

  const problems: Bilingual[] = [];
  if (!recorded.equals(expected)) {
    problems.push(
      folded.inCriticalIllnessScope
        ? {
            zh: `支付 ${recorded.toFixed(2)} 元，而按建档立卡贫困人口分段比例，个人负担累计 ${before.toFixed(2)} → ${after.toFixed(2)} 元、本年已支付 ${totalsBefore.criticalIllnessPaid.toFixed(2)} 元（起付线 ${schedule.deductible.toFixed(2)} 元）时应付 ${expected.toFixed(2)} 元`,
            en: `paid ${recorded.toFixed(2)} but the registered-poor tiers give ${expected.toFixed(2)} on a cumulative personal burden of ${before.toFixed(2)} → ${after.toFixed(2)} with ${totalsBefore.criticalIllnessPaid.toFixed(2)} already paid this year (deductible ${schedule.deductible.toFixed(2)})`,
          }
        : {
            zh: `支付 ${recorded.toFixed(2)} 元，但该报销不属于大病保险范围（就医类型 ${claim.careType}${folded.entitled ? '' : '，且不享受基本医保待遇'}），不应支付`,
            en: `paid ${recorded.toFixed(2)} although the claim is outside critical-illness insurance (care type ${claim.careType}${folded.entitled ? '' : ', not entitled to basic benefits'}) and should pay nothing`,
          },
    );
  }
  if (paidThisYear.greaterThan(schedule.annualCap)) {
    problems.push({
      zh: `使 ${claim.year} 年大病保险支付累计达 ${paidThisYear.toFixed(2)} 元，超过年度最高支付限额 ${schedule.annualCap.toFixed(2)} 元`,
      en: `brings the ${claim.year} critical-illness payments to ${paidThisYear.toFixed(2)}, over the annual cap of ${schedule.annualCap.toFixed(2)}`,
    });
  }
  if (problems.length === 0) return;
  const what = joinProblems(problems);
  context.raise({
    fundId: claim.fundId,
    residentId: claim.residentId,
    claimId: claim.claimId,
    message: {
      zh: `建档立卡贫困人口 ${claim.residentId} 的报销 ${claim.claimId}（${on} 入院）：大病保险${what.zh}（linkage-2018 §二(二)1）。`,
      en: `registered-poor resident ${claim.residentId}'s claim ${claim.claimId} (admitted ${on}): critical-illness insurance ${what.en} (linkage-2018 §二(二)1).`,
    },
    evidence: [claim.position, resident.latestEnrollment(claim.year)?.position],
    withdrawnByReversalOf: `claim:${claim.claimId}`,
  });
}
