import { formatMoney, money, ZERO } from '@ledger/domain';
import { coverageOn, coveredOn } from '../fold/coverage';
import { type Bilingual, defineRule, type ReportContext } from '../rule';

/**
 * benefit-outside-coverage — opinions-2017 §三 (居民 … 按时足额缴纳居民医保费) and §五(三) (when
 * benefits start): the basic fund pays only for care that began on or after the benefit start of
 * an enrollment for the claim's insurance year (the year of admission).
 *
 * Judged at the end of the replay, with every fact of the audited history (a contribution recorded
 * late but paid before admission does cover the claim), for each claim that paid from the basic
 * fund and was not reversed:
 * - not enrolled: no enrollment for the year;
 * - not paid up: contributions + hardship aid − reversals never reached the contribution due
 *   (an exempt newborn year counts as paid);
 * - before the benefit start: admitted before the start the auditor computes (fold/coverage.ts).
 */
export const benefitOutsideCoverage = defineRule({
  id: 'benefit-outside-coverage',
  title: { zh: '未参保、未足额缴费或待遇享受期前由基本医保基金支付', en: 'Basic fund paid for a resident not enrolled, not paid up, or before the benefit start' },
  basis: 'opinions-2017 §三 (按时足额缴纳), §五(三) (benefit start); ordinary benefit start per policy parameter benefit-start.ordinary-waiting-days',
  atEnd: inspectBenefitCoverage,
});

function inspectBenefitCoverage({ fold, policy, raise, couldNotJudge }: ReportContext): void {
  for (const resident of fold.residents.values()) {
    for (const index of fold.claims.of(resident)) {
      if (fold.claims.isReversed(index) || !fold.claims.paidFromBasicFund(index)) continue;
      const year = fold.claims.yearOf(index);
      const admittedAt = fold.claims.admittedAtOf(index);
      try {
        if (coveredOn(policy, resident, year, admittedAt)) continue;
      } catch (error) {
        couldNotJudge(error);
        continue;
      }
      // The coverage's details and the record (id text, amounts as text) only for a finding: this loop runs over every claim of the history.
      const coverage = coverageOn(policy, resident, year, admittedAt);
      const claim = fold.claims.record(index);
      const amount = formatMoney(money(claim.basicFundPayment));
      const paid: Bilingual = {
        zh: `报销 ${claim.claimId} 为 ${claim.admittedAt} 入院的医疗费用由基本医保基金支付 ${amount} 元`,
        en: `claim ${claim.claimId} paid ${amount} from the basic fund for care admitted ${claim.admittedAt}`,
      };
      let why: Bilingual;
      const evidence = [claim.position, ...coverage.enrollments.map((e) => e.position)];
      if (coverage.gap === 'not-enrolled') {
        why = { zh: `参保人 ${claim.residentId} 未参加 ${claim.year} 年度居民医保（opinions-2017 §三）`, en: `resident ${claim.residentId} is not enrolled for ${claim.year} (opinions-2017 §三)` };
      } else if (coverage.gap === 'not-paid-up') {
        const latest = coverage.enrollments[coverage.enrollments.length - 1];
        const paidSoFar = coverage.starts[coverage.starts.length - 1].paid;
        const due = formatMoney(money(latest.contributionDue));
        why = {
          zh: `参保人 ${claim.residentId} 的 ${claim.year} 年度个人缴费未足额：应缴 ${due} 元，已缴 ${paidSoFar.toFixed(2)} 元（参保登记 ${latest.enrollmentId}；opinions-2017 §三）`,
          en: `resident ${claim.residentId}'s ${claim.year} contribution is not paid up: ${paidSoFar.toFixed(2)} paid of ${due} due (enrollment ${latest.enrollmentId}; opinions-2017 §三)`,
        };
        evidence.push(...resident.paymentsOf(claim.year).map((p) => p.position));
      } else {
        const completing = coverage.starts.find((s) => s.start === coverage.benefitStart);
        const paidUpOn = completing?.paidUpOn ?? '?';
        why = {
          zh: `参保人 ${claim.residentId} 的 ${claim.year} 年度待遇自 ${coverage.benefitStart} 起享受（${paidUpOn} 缴足），晚于入院日期（opinions-2017 §五(三)；待遇享受起始参数）`,
          en: `resident ${claim.residentId}'s ${claim.year} benefits start on ${coverage.benefitStart} (paid up on ${paidUpOn}), after the admission (opinions-2017 §五(三); benefit-start parameters)`,
        };
        if (completing?.completedBy) evidence.push(completing.completedBy.position);
      }
      raise({
        fundId: claim.fundId,
        residentId: claim.residentId,
        claimId: claim.claimId,
        message: { zh: `${paid.zh}，但${why.zh}。`, en: `${paid.en}, but ${why.en}.` },
        evidence,
        withdrawnByReversalOf: `claim:${claim.claimId}`,
      });
    }
  }
}
