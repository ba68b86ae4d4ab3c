import { toDecimal, ZERO } from '@ledger/policy';
import type { Folded } from '../fold/audit-fold';
import { basicPaymentFenFor, basicPaymentFor } from '../fold/basic-payment';
import { moneyOf } from '../fold/fen';
import { defineRule, type RuleContext } from '../rule';

/**
 * basic-payment — a basic fund payment reported by the settlement platform (recorded as given,
 * `paymentsSource: recorded`) that differs from what the policy pays: (compliant cost − the
 * deductible by care type and level, waived for the groups of linkage-2018 §二(二)1) × the ratio by
 * care type and level (+2 points inpatient for 享受低保的残疾人, §二(二)1), within what the
 * annual basic cap leaves — recomputed with the auditor's own arithmetic (fold/basic-payment.ts)
 * and the parameters in force on the admission date. The finding states the policy's figure.
 *
 * Left to other rules, so one fault is one finding: claims of a resident the auditor does not
 * find entitled on the admission date (benefit-outside-coverage, dual-scheme-benefit judge any
 * basic payment there), and an inpatient payment that is exactly the figure with the waiver
 * wrongly applied or withheld (deductible-waiver). Computed claims are the ledger's own policy.
 */
export const basicPayment = defineRule({
  id: 'basic-payment',
  title: {
    zh: '上报的基本医保基金支付额与政策不符（起付标准及减免、按医院等级的支付比例、低保残疾人提高2个百分点、年度限额）',
    en: 'Reported basic fund payment differs from the policy (deductible and its waiver, ratio by level, +2 points for dibao-disabled, annual cap)',
  },
  basis: 'linkage-2018 §二(二)1 (免除住院起付标准; 享受低保的残疾人住院支付比例提高2%); policy basic.* (deductibles, ratios and the annual cap; assumptions where the texts give none)',
  onEvent: inspectBasicPayment,
});

function inspectBasicPayment(folded: Folded, context: RuleContext): void {
  if (folded.type !== 'ClaimSettled' || !folded.entitledByFacts) return;
  const { claim, resident, totalsBefore } = folded;
  if (claim.paymentsSource !== 'recorded') return;
  const { policy } = context;
  const on = claim.admittedAt;
  const hardship = resident.hardshipFor(claim.year);
  const inpatient = claim.careType === 'inpatient';
  const waived = inpatient && policy.deductibleWaived(hardship, on);
  // In whole fen first: nearly every claim matches, and then there is nothing to say.
  const recordedFen = claim.fen.basicFundPayment;
  if (!Number.isNaN(recordedFen)) {
    const dueFen = basicPaymentFenFor(policy, claim, hardship, waived, totalsBefore.basicFundPaid);
    if (dueFen !== null && recordedFen === dueFen) return;
    if (dueFen !== null && inpatient && recordedFen === basicPaymentFenFor(policy, claim, hardship, !waived, totalsBefore.basicFundPaid)) return;
  }
  const due = basicPaymentFor(policy, claim, hardship, waived, totalsBefore.basicFundPaid);
  const recorded = claim.basicFundPayment;
  if (recorded.equals(due)) return;
  if (inpatient && recorded.equals(basicPaymentFor(policy, claim, hardship, !waived, totalsBefore.basicFundPaid))) return;

  const level = claim.institution.level;
  const deductible = waived ? ZERO : policy.basicDeductible(claim.careType, level, on);
  const increase = inpatient ? policy.inpatientRatioIncrease(hardship, on) : ZERO;
  const reduction = claim.institution.designated ? ZERO : policy.nonDesignatedRatioReduction(on);
  const ratio = policy.basicRatio(claim.careType, level, on).plus(increase).minus(reduction);
  const percent = (value: typeof ratio) => `${toDecimal(value).times(100).toString()}%`;
  const capLeft = policy.basicAnnualCap(on).minus(moneyOf(totalsBefore.basicFundPaid));
  const termsZh = [
    waived ? '免除起付标准（linkage-2018 §二(二)1）' : `起付标准 ${deductible.toFixed(2)} 元`,
    `支付比例 ${percent(ratio)}${increase.isZero() ? '' : `（含低保残疾人提高 ${percent(increase)}，linkage-2018 §二(二)1）`}${reduction.isZero() ? '' : `（非定点降低 ${percent(reduction)}）`}`,
    `年度最高支付限额 ${policy.basicAnnualCap(on).toFixed(2)} 元尚余 ${(capLeft.isNegative() ? ZERO : capLeft).toFixed(2)} 元`,
  ];
  const terms = [
    waived ? 'deductible waived (linkage-2018 §二(二)1)' : `deductible ${deductible.toFixed(2)}`,
    `ratio ${percent(ratio)}${increase.isZero() ? '' : ` (incl. +${percent(increase)} for dibao-disabled, linkage-2018 §二(二)1)`}${reduction.isZero() ? '' : ` (less ${percent(reduction)} non-designated)`}`,
    `${(capLeft.isNegative() ? ZERO : capLeft).toFixed(2)} left of the ${policy.basicAnnualCap(on).toFixed(2)} annual cap`,
  ];
  context.raise({
    fundId: claim.fundId,
    residentId: claim.residentId,
    claimId: claim.claimId,
    message: {
      zh:
        `${claim.careType} 报销 ${claim.claimId}（${on} 入院，${level} 级医院，合规费用 ${claim.compliantCost.toFixed(2)} 元）上报基本医保基金支付 ${recorded.toFixed(2)} 元；` +
        `按政策应付 ${due.toFixed(2)} 元：${termsZh.join('，')}（政策参数 basic.*）。`,
      en:
        `${claim.careType} claim ${claim.claimId} (admitted ${on}, level ${level}, compliant ${claim.compliantCost.toFixed(2)}) reported a basic fund payment of ${recorded.toFixed(2)}; ` +
        `the policy pays ${due.toFixed(2)}: ${terms.join(', ')} (policy basic.*).`,
    },
    evidence: [claim.position, resident.latestEnrollment(claim.year)?.position],
    withdrawnByReversalOf: `claim:${claim.claimId}`,
  });
}
