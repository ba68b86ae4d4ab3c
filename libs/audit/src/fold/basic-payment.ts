import type { Money } from '@ledger/domain';
import { basicPaymentFen, type HardshipCode, type Policy, roundFen, toDecimal, ZERO } from '@ledger/policy';
import { type FenOrMoney, moneyOf } from './fen';
import type { ClaimFact } from './records';

/**
 * The basic fund payment of one claim as the texts and the parameters set it, recomputed by the
 * auditor: (compliant cost − deductible) × ratio, within what is left of the annual cap, rounded
 * once to the fen (the policy library's one rounding rule). Inpatient ratios gain the hardship
 * increase (linkage-2018 §二(二)1: 享受低保的残疾人 +2%); approved non-designated care loses the
 * parameterised reduction (opinions-2017 §九(三), §十(四)).
 *
 * `deductibleWaived` is a question, not a fact: the deductible-waiver inspection computes the
 * payment both ways and compares each with what was recorded.
 */
export function basicPaymentFor(
  policy: Policy,
  claim: Pick<ClaimFact, 'careType' | 'institution' | 'compliantCost' | 'admittedAt'>,
  hardship: readonly HardshipCode[],
  deductibleWaived: boolean,
  basicPaidBeforeInYear: FenOrMoney,
): Money {
  const paidBefore = moneyOf(basicPaidBeforeInYear);
  const on = claim.admittedAt;
  const level = claim.institution.level;
  const deductible = deductibleWaived ? ZERO : policy.basicDeductible(claim.careType, level, on);
  let ratio = policy.basicRatio(claim.careType, level, on);
  if (claim.careType === 'inpatient') ratio = ratio.plus(policy.inpatientRatioIncrease(hardship, on));
  if (!claim.institution.designated) ratio = ratio.minus(policy.nonDesignatedRatioReduction(on));
  ratio = clamp(ratio, ZERO, toDecimal(1));
  const eligible = nonNegative(claim.compliantCost.minus(deductible));
  const capLeft = nonNegative(policy.basicAnnualCap(on).minus(paidBefore));
  const uncapped = eligible.times(ratio);
  return roundFen(uncapped.lessThan(capLeft) ? uncapped : capLeft);
}

function nonNegative(amount: Money): Money {
  return amount.isNegative() ? ZERO : amount;
}

function clamp(value: Money, low: Money, high: Money): Money {
  return value.lessThan(low) ? low : value.greaterThan(high) ? high : value;
}

/**
 * basicPaymentFor in whole fen, by the policy library's integer-fen basic step (the same rule,
 * proven exact against decimal.js): null when the claim's compliant cost or the year's basic
 * payments are not exact fen, or anything else keeps the fen path from answering — the caller then
 * asks basicPaymentFor, which answers (or throws) as before.
 */
export function basicPaymentFenFor(
  policy: Policy,
  claim: Pick<ClaimFact, 'careType' | 'institution' | 'admittedAt' | 'fen'>,
  hardship: readonly HardshipCode[],
  deductibleWaived: boolean,
  basicPaidBeforeInYear: FenOrMoney,
): number | null {
  const compliantCost = claim.fen.compliantCost;
  if (typeof basicPaidBeforeInYear !== 'number' || Number.isNaN(compliantCost)) return null;
  try {
    const terms = { on: claim.admittedAt, careType: claim.careType, institutionLevel: claim.institution.level, designated: claim.institution.designated, compliantCost };
    return basicPaymentFen(policy, terms, hardship, deductibleWaived, basicPaidBeforeInYear).payment;
  } catch {
    return null;
  }
}
