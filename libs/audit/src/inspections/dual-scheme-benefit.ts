import { formatMoney, money } from '@ledger/domain';
import { defineRule, type ReportContext } from '../rule';

/**
 * dual-scheme-benefit — opinions-2017 §七: "参保人员不得同时享受职工医保待遇和居民医保待遇". A claim that
 * paid from the resident basic fund for care admitted on a day the person was in the employee
 * scheme (by the effective dates of the SchemeChanged events in the audited history, whenever they
 * were recorded) is a finding.
 */
export const dualSchemeBenefit = defineRule({
  id: 'dual-scheme-benefit',
  title: { zh: '参保人转入职工医保期间仍由居民医保基金支付', en: 'Resident basic fund paid while the person was in the employee scheme' },
  basis: 'opinions-2017 §七 (不得同时享受职工医保待遇和居民医保待遇)',
  atEnd: inspectDualScheme,
});

function inspectDualScheme({ fold, raise }: ReportContext): void {
  for (const resident of fold.residents.values()) {
    if (resident.schemes.length === 0) continue;
    for (const index of fold.claims.of(resident)) {
      if (fold.claims.isReversed(index) || !fold.claims.paidFromBasicFund(index)) continue;
      const claim = fold.claims.record(index);
      const { scheme, change } = resident.schemeOn(claim.admittedAt);
      if (scheme !== 'employee') continue;
      raise({
        fundId: claim.fundId,
        residentId: claim.residentId,
        claimId: claim.claimId,
        message: {
          zh: `报销 ${claim.claimId} 为 ${claim.admittedAt} 入院的医疗费用由居民医保基金支付 ${formatMoney(money(claim.basicFundPayment))} 元，而参保人 ${claim.residentId} 当时（自 ${change?.effectiveAt} 起）参加职工医保；不得同时享受两种待遇（opinions-2017 §七）。`,
          en: `claim ${claim.claimId} paid ${formatMoney(money(claim.basicFundPayment))} from the resident basic fund for care admitted ${claim.admittedAt}, while resident ${claim.residentId} was in the employee scheme (since ${change?.effectiveAt}); a person cannot receive both (opinions-2017 §七).`,
        },
        evidence: [claim.position, change?.position],
        withdrawnByReversalOf: `claim:${claim.claimId}`,
      });
    }
  }
}
