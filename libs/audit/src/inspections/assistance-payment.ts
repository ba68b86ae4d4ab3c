import { type Money, money, yearOf, ZERO } from '@ledger/domain';
import { addMonths, criticalIllnessTierPayment, describeExclusion, isOutpatientCare, lookbackShare, roundFen } from '@ledger/policy';
import type { Folded } from '../fold/audit-fold';
import { moneyOf } from '../fold/fen';
import { basicPaymentFor } from '../fold/basic-payment';
import { type Bilingual, defineRule, joinProblems, type RuleContext } from '../rule';

/**
 * assistance-payment — linkage-2018 §二(二)2 and §二(三)1.
 *
 * For every claim that paid medical assistance (医疗救助):
 * - group: the most favourable one-stop assistance group of the resident's hardship codes (policy
 *   medical-assistance.one-stop-groups; someone not entitled to basic benefits falls under the
 *   uninsured rule, 30% / cap 10000). No one-stop group → no assistance is due at settlement:
 *   illness-poverty targets are assisted only on application (§二(二)2-3).
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
 * - look-back grants (illness-poverty, §二(二)2): see inspectLookbackGrant.
 * Underpayment is not judged here: the texts cap assistance, they do not set a floor the audit checks.
 */
export const assistancePayment = defineRule({
  id: 'assistance-payment',
  title: { zh: '医疗救助超过救助比例或年度限额，或先于保险支付', en: 'Medical assistance over the ratio or the annual cap, or paid before insurance' },
  basis: 'linkage-2018 §二(二)2 (ratios and caps), §二(三)1 (保险在先、救助在后)',
  onEvent: inspectAssistance,
});

function inspectAssistance(folded: Folded, context: RuleContext): void {
  if (folded.type === 'LookbackAssistanceGranted') return inspectLookbackGrant(folded, context);
  if (folded.type !== 'ClaimSettled') return;
  const { claim, resident } = folded;
  const paidFen = claim.fen.assistancePayment;
  if (!Number.isNaN(paidFen) && paidFen <= 0) return;
  const paid = claim.assistancePayment;
  if (!paid.greaterThan(ZERO)) return;
  const before = folded.totalsBefore;
  const totalsBefore = {
    basicFundPaid: before.basicFundPaid,
    personalBurdenInScope: moneyOf(before.personalBurdenInScope),
    criticalIllnessPaid: moneyOf(before.criticalIllnessPaid),
    assistancePaid: moneyOf(before.assistancePaid),
    outpatientCompliant: moneyOf(before.outpatientCompliant),
  };
  const { policy } = context;
  const on = claim.admittedAt;
  const hardship = resident.hardshipFor(claim.year);
  // Only the one-stop groups are assisted at settlement; illness-poverty targets on application (policy lookback.ts).
  const group = policy.oneStopAssistanceGroup(hardship, folded.entitled, on);
  const subject = { residentId: claim.residentId, claimId: claim.claimId };
  const evidence: Array<bigint | undefined> = [claim.position, resident.latestEnrollment(claim.year)?.position];
  const raise = (message: Bilingual) => context.raise({ fundId: claim.fundId, ...subject, message, evidence, withdrawnByReversalOf: `claim:${claim.claimId}` });
  const what: Bilingual = {
    zh: `报销 ${claim.claimId}（${on} 入院，合规费用 ${claim.compliantCost.toFixed(2)} 元）`,
    en: `claim ${claim.claimId} (admitted ${on}, compliant ${claim.compliantCost.toFixed(2)})`,
  };

  if (group.group === null) {
    const onApplication = policy.assistanceGroup(hardship, folded.entitled, on).group;
    const why: Bilingual = onApplication
      ? { zh: `属于 ${onApplication} 类救助对象，只能依申请救助，不在结算时救助（linkage-2018 §二(二)2-3）`, en: `belongs to the ${onApplication} group, which is assisted only on application, not at settlement (linkage-2018 §二(二)2-3)` }
      : { zh: '不属于任何救助对象（linkage-2018 §二(二)2）', en: `belongs to no assistance group (linkage-2018 §二(二)2)` };
    raise({
      zh: `${what.zh}在结算时支付医疗救助 ${paid.toFixed(2)} 元，但参保人 ${claim.residentId} ${why.zh}（困难类别：${hardship.join('、') || '无'}）。`,
      en: `${what.en} paid ${paid.toFixed(2)} of medical assistance at settlement, but resident ${claim.residentId} ${why.en} (hardship: ${hardship.join(', ') || 'none'}).`,
    });
    return;
  }
  // Its one channel is used: a look-back application must not count it again.
  resident.rememberOneStopAssistance(folded.record);

  const problems: Bilingual[] = [];
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
    problems.push({
      zh: `支付 ${paid.toFixed(2)} 元，超过 ${group.group} 类救助对象按救助基数 ${base.toFixed(2)} 元（合规费用 − 基本医保 − 大病保险）× ${ratio.times(100).toString()}% 计算的 ${allowed.toFixed(2)} 元`,
      en: `paid ${paid.toFixed(2)}, more than ${ratio.times(100).toString()}% of the base ${base.toFixed(2)} (compliant − basic − critical illness) = ${allowed.toFixed(2)} for the ${group.group} group`,
    });
  }
  const yearTotal = totalsBefore.assistancePaid.plus(paid);
  if (yearTotal.greaterThan(group.annualCap)) {
    problems.push({
      zh: `使 ${claim.year} 年度医疗救助累计达 ${yearTotal.toFixed(2)} 元，超过 ${group.group} 类救助对象的年度限额 ${group.annualCap.toFixed(2)} 元`,
      en: `brings the ${claim.year} assistance to ${yearTotal.toFixed(2)}, over the ${group.group} group's annual cap of ${group.annualCap.toFixed(2)}`,
    });
  }

  if (group.group === 'uninsured') {
    const earlier = [...resident.uninsuredAssistanceYears].filter(([year]) => year !== claim.year);
    const maxYears = policy.uninsuredAssistanceMaxYears(on);
    if (earlier.length >= maxYears) {
      const years = earlier.map(([year]) => year);
      problems.push({
        zh: `${claim.year} 年按未参保人员救助，但已于 ${years.join('、')} 年救助过；该规定只救助 ${maxYears} 个自然年`,
        en: `was paid under the uninsured rule in ${claim.year} although it was already paid in ${years.join(', ')}; the rule assists ${maxYears} natural year(s)`,
      });
      evidence.push(...earlier.map(([, first]) => first.position));
    }
    if (!resident.uninsuredAssistanceYears.has(claim.year)) resident.rememberUninsuredAssistance(claim.year, folded.record);
  }

  if (folded.entitledByFacts) {
    if (claim.basicFundPayment.isZero()) {
      const waived = claim.careType === 'inpatient' && policy.deductibleWaived(hardship, on);
      const basicDue = basicPaymentFor(policy, claim, hardship, waived, totalsBefore.basicFundPaid);
      if (basicDue.greaterThan(ZERO)) {
        problems.push({
          zh: `在应由基本医保支付（参保人 ${on} 享受待遇）而基本医保未支付（应付 ${basicDue.toFixed(2)} 元）时即支付`,
          en: `was paid while the basic fund, which applied (the resident was entitled on ${on}), paid nothing instead of ${basicDue.toFixed(2)}`,
        });
      }
    }
    if (claim.criticalIllnessPayment.isZero() && folded.inCriticalIllnessScope) {
      const burden = claim.compliantCost.minus(claim.basicFundPayment);
      const before = totalsBefore.personalBurdenInScope;
      const due = criticalIllnessTierPayment(policy, hardship, before, before.plus(burden.isNegative() ? ZERO : burden), totalsBefore.criticalIllnessPaid, on);
      if (due.greaterThan(ZERO)) {
        problems.push({
          zh: `在应由大病保险支付而大病保险未支付（应付 ${due.toFixed(2)} 元）时即支付`,
          en: `was paid while critical-illness insurance, which applied, paid nothing instead of ${due.toFixed(2)}`,
        });
      }
    }
  }
  if (problems.length === 0) return;
  const all = joinProblems(problems);
  raise({
    zh: `${what.zh}：医疗救助${all.zh}（linkage-2018 §二(二)2，§二(三)1 保险在先、救助在后）。`,
    en: `${what.en}: medical assistance ${all.en} (linkage-2018 §二(二)2, §二(三)1 保险在先、救助在后).`,
  });
}

/**
 * A look-back grant (申报前12个月内自付合规医疗费用直接给予救助, linkage-2018 §二(二)2), judged from the
 * auditor's own records as they stood when it was granted, by the policy library's one look-back
 * rule (lookbackShare):
 * - the resident is an illness-poverty target in the enrollment of the year applied in;
 * - per named claim: the resident's, not reversed, admitted in the policy's look-back months up to
 *   the application day, not counted by an earlier grant and not assisted one-stop at settlement
 *   (one channel per claim); its share is the ratio × (compliant − basic − critical illness) less
 *   any assistance already on it — named claims that are not countable add nothing and are listed;
 * - amount ≤ the sum of the shares, rounded to the fen;
 * - the natural year's assistance with the grant ≤ the illness-poverty annual cap.
 */
function inspectLookbackGrant(folded: Extract<Folded, { type: 'LookbackAssistanceGranted' }>, context: RuleContext): void {
  const { data, resident, earlierGrants, assistancePaidBefore } = folded;
  const { policy } = context;
  const on = data.appliedAt;
  const year = yearOf(on);
  const enrollment = resident.latestEnrollment(year);
  const evidence: Array<bigint | undefined> = [folded.position, enrollment?.position];
  const raise = (message: Bilingual) => context.raise({ fundId: data.fundId, residentId: resident.residentId, message, evidence });
  const paid = money(data.amount);
  const what: Bilingual = {
    zh: `申请 ${data.applicationId}（${on} 申请）的回溯医疗救助支付 ${paid.toFixed(2)} 元`,
    en: `look-back assistance of application ${data.applicationId} (applied ${on}) paid ${paid.toFixed(2)}`,
  };

  if (!enrollment?.hardship.includes('illness-poverty')) {
    raise({
      zh: `${what.zh}，但参保人 ${resident.residentId} 在 ${year} 年度参保登记中不是因病致贫对象（困难类别：${enrollment?.hardship.join('、') || '无'}；linkage-2018 §二(二)2）。`,
      en: `${what.en}, but resident ${resident.residentId} is not an illness-poverty target in the ${year} enrollment (hardship: ${enrollment?.hardship.join(', ') || 'none'}; linkage-2018 §二(二)2).`,
    });
    return;
  }

  const group = policy.assistanceGroupNamed('illness-poverty', on);
  const window = { from: addMonths(on, -policy.illnessPovertyLookbackMonths(on)), through: on };
  const spent = new Map<string, bigint>();
  for (const grant of earlierGrants) for (const claimId of grant.claimIds) spent.set(claimId, grant.position);
  let base: Money = ZERO;
  let shares: Money = ZERO;
  let withAssistance = false;
  const notCountable: Bilingual[] = [];
  for (const claimId of new Set(data.claimIds)) {
    const claim = folded.namedClaims.get(claimId);
    if (!claim) {
      notCountable.push({ zh: `${claimId}（不是该参保人的报销）`, en: `${claimId} (not a claim of the resident)` });
      continue;
    }
    evidence.push(claim.position);
    const share = lookbackShare(
      {
        claimId,
        admittedAt: claim.admittedAt,
        reversed: claim.reversed,
        compliantCost: money(claim.compliantCost),
        basicFundPayment: money(claim.basicFundPayment),
        criticalIllnessPayment: money(claim.criticalIllnessPayment),
        assistancePayment: money(claim.assistancePayment),
        assistedOneStop: resident.assistedOneStop.has(claimId),
      },
      group.ratio,
      window,
      new Set(spent.keys()),
    );
    if (share.excluded) {
      notCountable.push({ zh: `${claimId}（${EXCLUSION_ZH[share.excluded](window)}）`, en: `${claimId} (${describeExclusion(share.excluded, window)})` });
      if (share.excluded === 'counted-before') evidence.push(spent.get(claimId));
      continue;
    }
    if (money(claim.assistancePayment).greaterThan(ZERO)) withAssistance = true;
    base = base.plus(share.base);
    shares = shares.plus(share.share);
  }

  const problems: Bilingual[] = [];
  const allowed = roundFen(shares);
  if (paid.greaterThan(allowed)) {
    const excluded = notCountable.length ? `; not countable: ${notCountable.map((n) => n.en).join(', ')}` : '';
    const excludedZh = notCountable.length ? `；不计入：${notCountable.map((n) => n.zh).join('、')}` : '';
    const less = withAssistance ? ', less the assistance already on the claims,' : '';
    const lessZh = withAssistance ? '（扣除报销上已有的救助）' : '';
    const percent = group.ratio.times(100).toString();
    problems.push({
      zh: `超过按 ${window.from} 至 ${on} 入院的报销重算的自付合规费用 ${base.toFixed(2)} 元 × ${percent}%${lessZh} = ${allowed.toFixed(2)} 元${excludedZh}`,
      en: `more than ${percent}% of the self-paid compliant base ${base.toFixed(2)} recomputed from the claims admitted ${window.from} to ${on}${less} = ${allowed.toFixed(2)}${excluded}`,
    });
  }
  const yearTotal = assistancePaidBefore.plus(paid);
  if (yearTotal.greaterThan(group.annualCap)) {
    problems.push({
      zh: `使 ${year} 年度医疗救助累计达 ${yearTotal.toFixed(2)} 元，超过因病致贫对象的年度限额 ${group.annualCap.toFixed(2)} 元`,
      en: `brings the ${year} assistance to ${yearTotal.toFixed(2)}, over the illness-poverty annual cap of ${group.annualCap.toFixed(2)}`,
    });
  }
  if (problems.length === 0) return;
  const all = joinProblems(problems);
  raise({ zh: `${what.zh}：${all.zh}（linkage-2018 §二(二)2）。`, en: `${what.en}: ${all.en} (linkage-2018 §二(二)2).` });
}

/** describeExclusion (policy lookback.ts) in Chinese. */
const EXCLUSION_ZH: Record<NonNullable<ReturnType<typeof lookbackShare>['excluded']>, (window: { from: string; through: string }) => string> = {
  reversed: () => '已冲正',
  'outside-window': (window) => `入院日期不在 ${window.from} 至 ${window.through} 之内`,
  'counted-before': () => '已被此前的申请计入',
  'assisted-one-stop': () => '已在结算时“一站式”救助',
  'nothing-left': () => '按比例已无自付部分可救助',
};
