/**
 * THE REFERENCE one-stop settlement, in decimal.js: the rules of settlement.ts written the plain way,
 * every amount a Decimal and each payment rounded once with `roundFen`. The ledger and the auditor
 * call `settleClaim` (settlement.ts), which computes the same thing in integer fen
 * (settlement-fen.ts); this implementation is kept as the definition the fen one is proven against
 * (settlement-fen.property.spec.ts over random claims, test/bench/settlement-fen-year.spec.ts and
 * `npm run compare-settlement` over every claim of a generated year), and as the fallback for
 * inputs outside the fen path's exact range.
 */
import type Decimal from 'decimal.js';
import { isCareType, isOutpatientCare, type HardshipCode } from './codes';
import { type BusinessDate, assertBusinessDate } from './dates';
import { ZERO, clampNonNegative, isFenPrecise, maxOf, minOf, roundFen, toDecimal } from './decimal';
import type { CriticalIllnessSchedule, Policy } from './parameters';
import type { AssistanceGroupName } from './codes';
import type { Settlement, SettlementInput, YearAccumulations } from './settlement';

export function settleClaimReference(policy: Policy, input: SettlementInput): Settlement {
  const { on, careType, hardship, entitledToBasic } = input;
  assertBusinessDate(on, 'on');
  if (!isCareType(careType)) throw new RangeError(`unknown care type: ${JSON.stringify(careType)}`);
  const totalCost = fenAmount(input.totalCost, 'totalCost');
  const compliantCost = fenAmount(input.compliantCost, 'compliantCost');
  if (compliantCost.greaterThan(totalCost)) {
    throw new RangeError(`compliantCost ${compliantCost.toFixed(2)} exceeds totalCost ${totalCost.toFixed(2)}`);
  }
  const before = checkedAccumulations(input.accumulations);

  const reported = input.reported ?? {};

  // 1. Basic insurance.
  const computedBasic = basicInsurance(policy, input, compliantCost, before);
  const basic = reported.basicFundPayment ? { ...computedBasic, payment: fenAmount(reported.basicFundPayment, 'basicFundPayment') } : computedBasic;

  // 2. Critical-illness insurance on the year's cumulative personal burden within scope.
  const inCriticalIllnessScope = entitledToBasic && policy.criticalIllnessCareTypes(on).includes(careType);
  const burdenWithinScope = clampNonNegative(compliantCost.minus(basic.payment));
  const cumulativeAfter = inCriticalIllnessScope ? before.personalBurdenInScope.plus(burdenWithinScope) : before.personalBurdenInScope;
  const criticalIllness = reported.criticalIllnessPayment
    ? fenAmount(reported.criticalIllnessPayment, 'criticalIllnessPayment')
    : inCriticalIllnessScope
      ? criticalIllnessTierPaymentReference(policy, hardship, before.personalBurdenInScope, cumulativeAfter, before.criticalIllnessPaid, on)
      : ZERO;

  // 3. Medical assistance on what insurance left of the compliant cost.
  const outpatientCompliantAfter = isOutpatientCare(careType) ? before.outpatientCompliant.plus(compliantCost) : before.outpatientCompliant;
  const assistanceBase = compliantCost.minus(basic.payment).minus(criticalIllness);
  const computedAssistance = medicalAssistance(policy, input, assistanceBase, outpatientCompliantAfter, before.assistancePaid);
  const assistance = reported.assistancePayment
    ? { ...computedAssistance, payment: fenAmount(reported.assistancePayment, 'assistancePayment') }
    : computedAssistance;

  // 4. The patient pays the rest.
  const personal = totalCost.minus(basic.payment).minus(criticalIllness).minus(assistance.payment);
  if (personal.isNegative()) {
    throw new RangeError(`the reported payments exceed totalCost ${totalCost.toFixed(2)}`);
  }

  return {
    basicFundPayment: basic.payment,
    criticalIllnessPayment: criticalIllness,
    assistancePayment: assistance.payment,
    personalPayment: personal,
    accumulations: {
      basicFundPaid: before.basicFundPaid.plus(basic.payment),
      personalBurdenInScope: cumulativeAfter,
      criticalIllnessPaid: before.criticalIllnessPaid.plus(criticalIllness),
      assistancePaid: before.assistancePaid.plus(assistance.payment),
      outpatientCompliant: outpatientCompliantAfter,
    },
    basis: {
      deductible: basic.deductible,
      deductibleWaived: basic.deductibleWaived,
      basicRatio: basic.ratio,
      criticalIllnessSchedule: inCriticalIllnessScope ? policy.criticalIllnessSchedule(hardship, on).schedule : null,
      assistanceGroup: assistance.group,
      assistanceRatio: assistance.ratio,
    },
  };
}

interface BasicInsuranceResult {
  payment: Decimal;
  deductible: Decimal;
  deductibleWaived: boolean;
  ratio: Decimal;
}

function basicInsurance(policy: Policy, input: SettlementInput, compliantCost: Decimal, before: YearAccumulations): BasicInsuranceResult {
  const { on, careType, institutionLevel, designated, hardship, entitledToBasic } = input;
  if (!entitledToBasic) return { payment: ZERO, deductible: ZERO, deductibleWaived: false, ratio: ZERO };

  // The waiver and the +2 points are about 住院 (inpatient) costs only (linkage-2018 §二(二)1).
  const inpatient = careType === 'inpatient';
  const deductibleWaived = inpatient && policy.deductibleWaived(hardship, on);
  const deductible = deductibleWaived ? ZERO : policy.basicDeductible(careType, institutionLevel, on);
  let ratio = policy.basicRatio(careType, institutionLevel, on);
  if (inpatient) ratio = ratio.plus(policy.inpatientRatioIncrease(hardship, on));
  if (!designated) ratio = ratio.minus(policy.nonDesignatedRatioReduction(on));
  ratio = clampRatio(ratio);

  const eligible = clampNonNegative(compliantCost.minus(deductible));
  const capRemaining = clampNonNegative(policy.basicAnnualCap(on).minus(before.basicFundPaid));
  return { payment: roundFen(minOf(eligible.times(ratio), capRemaining)), deductible, deductibleWaived, ratio };
}

/**
 * The cumulative amount a schedule pays on a year's cumulative personal burden, before the cap
 * and unrounded: each tier pays its ratio on the part above the previous bound (the deductible
 * for the first tier) up to its own bound, inclusive.
 */
export function cumulativeTierAmountReference(schedule: CriticalIllnessSchedule, cumulative: Decimal): Decimal {
  const burden = toDecimal(cumulative);
  let lowerBound = schedule.deductible;
  let amount = ZERO;
  for (const tier of schedule.tiers) {
    if (!burden.greaterThan(lowerBound)) break;
    const upperBound = tier.upTo === null ? burden : minOf(burden, tier.upTo);
    if (upperBound.greaterThan(lowerBound)) amount = amount.plus(upperBound.minus(lowerBound).times(tier.ratio));
    if (tier.upTo === null) break;
    lowerBound = maxOf(lowerBound, tier.upTo);
  }
  return amount;
}

/**
 * What critical-illness insurance pays on one visit (按次结算): the schedule's amount on the new
 * cumulative burden, capped by the annual cap, minus what the year already paid — never negative
 * and never more than this visit added to the cumulative burden. Rounded with `roundFen`.
 * Exported so the auditor can recompute a recorded payment.
 */
export function criticalIllnessTierPaymentReference(
  policy: Policy,
  hardship: readonly HardshipCode[],
  cumulativeBefore: Decimal,
  cumulativeAfter: Decimal,
  paidBefore: Decimal,
  on: BusinessDate,
): Decimal {
  const before = nonNegative(cumulativeBefore, 'cumulativeBefore');
  const after = nonNegative(cumulativeAfter, 'cumulativeAfter');
  const paid = nonNegative(paidBefore, 'paidBefore');
  if (after.lessThan(before)) throw new RangeError(`cumulativeAfter ${after.toString()} is below cumulativeBefore ${before.toString()}`);
  const schedule = policy.criticalIllnessSchedule(hardship, on);
  const dueThisYear = minOf(cumulativeTierAmountReference(schedule, after), schedule.annualCap);
  return roundFen(clampNonNegative(minOf(dueThisYear.minus(paid), after.minus(before))));
}

interface AssistanceResult {
  payment: Decimal;
  group: AssistanceGroupName | null;
  ratio: Decimal;
}

function medicalAssistance(
  policy: Policy,
  input: SettlementInput,
  base: Decimal,
  outpatientCompliantAfter: Decimal,
  assistancePaidBefore: Decimal,
): AssistanceResult {
  const { on, careType, hardship, entitledToBasic } = input;
  // Only the one-stop groups are assisted here; illness-poverty targets apply afterwards (lookback.ts).
  const { group, ratio: groupRatio, annualCap } = policy.oneStopAssistanceGroup(hardship, entitledToBasic, on);
  if (group === null) return { payment: ZERO, group, ratio: ZERO };
  if (group === 'uninsured' && (input.uninsuredAssistanceYearsUsed ?? 0) >= policy.uninsuredAssistanceMaxYears(on)) {
    return { payment: ZERO, group, ratio: ZERO };
  }

  // Outpatient assistance shares the inpatient ratio and cap only once the year's compliant
  // outpatient cost reaches the critical-illness deductible (linkage-2018 §二(二)2). The uninsured
  // rule has no critical-illness deductible to reach and applies to every visit.
  let ratio = groupRatio;
  if (entitledToBasic && isOutpatientCare(careType)) {
    const threshold = policy.criticalIllnessSchedule(hardship, on).deductible;
    if (outpatientCompliantAfter.lessThan(threshold)) ratio = minOf(groupRatio, policy.outpatientAssistanceBelowThresholdRatio(on));
  }
  const capRemaining = clampNonNegative(annualCap.minus(assistancePaidBefore));
  const payment = roundFen(minOf(clampNonNegative(base).times(ratio), capRemaining, clampNonNegative(base)));
  return { payment, group, ratio };
}

function clampRatio(ratio: Decimal): Decimal {
  return minOf(clampNonNegative(ratio), toDecimal(1));
}

function nonNegative(value: Decimal, what: string): Decimal {
  const amount = toDecimal(value);
  if (amount.isNegative()) throw new RangeError(`${what} must not be negative, got ${amount.toString()}`);
  return amount;
}

function fenAmount(value: Decimal, what: string): Decimal {
  const amount = nonNegative(value, what);
  if (!isFenPrecise(amount)) throw new RangeError(`${what} must be whole fen (at most two decimals), got ${amount.toString()}`);
  return amount;
}

function checkedAccumulations(accumulations: YearAccumulations): YearAccumulations {
  return {
    basicFundPaid: nonNegative(accumulations.basicFundPaid, 'accumulations.basicFundPaid'),
    personalBurdenInScope: nonNegative(accumulations.personalBurdenInScope, 'accumulations.personalBurdenInScope'),
    criticalIllnessPaid: nonNegative(accumulations.criticalIllnessPaid, 'accumulations.criticalIllnessPaid'),
    assistancePaid: nonNegative(accumulations.assistancePaid, 'accumulations.assistancePaid'),
    outpatientCompliant: nonNegative(accumulations.outpatientCompliant, 'accumulations.outpatientCompliant'),
  };
}
