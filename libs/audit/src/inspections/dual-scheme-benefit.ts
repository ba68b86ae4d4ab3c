import { formatMoney, money, ZERO } from '@ledger/domain';
import { finding, type PendingFinding } from '../findings';
import type { AuditFold } from '../fold/audit-fold';

/**
 * dual-scheme-benefit — opinions-2017 §七: "参保人员不得同时享受职工医保待遇和居民医保待遇". A claim that
 * paid from the resident basic fund for care admitted on a day the person was in the employee
 * scheme (by the effective dates of the SchemeChanged events in the audited history, whenever they
 * were recorded) is a finding.
 */
export const DUAL_SCHEME_BENEFIT = 'dual-scheme-benefit' as const;

export function inspectDualScheme(fold: AuditFold): PendingFinding[] {
  const findings: PendingFinding[] = [];
  for (const resident of fold.residents.values()) {
    if (resident.schemes.length === 0) continue;
    for (const index of fold.claims.of(resident)) {
      if (fold.claims.isReversed(index) || !fold.claims.paidFromBasicFund(index)) continue;
      const claim = fold.claims.record(index);
      const { scheme, change } = resident.schemeOn(claim.admittedAt);
      if (scheme !== 'employee') continue;
      findings.push({
        ...finding(
          DUAL_SCHEME_BENEFIT,
          claim.fundId,
          { residentId: claim.residentId, claimId: claim.claimId },
          `claim ${claim.claimId} paid ${formatMoney(money(claim.basicFundPayment))} from the resident basic fund for care admitted ${claim.admittedAt}, while resident ${claim.residentId} was in the employee scheme (since ${change?.effectiveAt}); a person cannot receive both (opinions-2017 §七).`,
          [claim.position, change?.position],
        ),
        withdrawnByReversalOf: `claim:${claim.claimId}`,
      });
    }
  }
  return findings;
}
