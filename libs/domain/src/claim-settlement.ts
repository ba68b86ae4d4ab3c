import { emptyAccumulations, type HardshipCode, type Policy, type Settlement, type SettlementInput, settleClaim } from '@ledger/policy';
import type { SettleClaim } from './commands';

/** What the policy settles on that the claim itself states; the resident's circumstances come from the history. */
export type ClaimTerms = Pick<SettlementInput, 'on' | 'careType' | 'institutionLevel' | 'designated' | 'totalCost' | 'compliantCost'>;

/** A claim's own terms, read the one way the decider, the scenario generator and the tests read them. */
export function claimTerms(command: SettleClaim): ClaimTerms {
  return {
    on: command.admittedAt,
    careType: command.careType,
    institutionLevel: command.institution.level,
    designated: command.institution.designated,
    totalCost: command.totalCost,
    compliantCost: command.compliantCost,
  };
}

/**
 * The settlement the policy gives a claim of a resident entitled all year with no earlier claims:
 * what a settlement platform reports when it is right.
 */
export function settleFirstClaim(policy: Policy, command: SettleClaim, hardship: HardshipCode[] = []): Settlement {
  return settleClaim(policy, { ...claimTerms(command), hardship, entitledToBasic: true, accumulations: emptyAccumulations() });
}
