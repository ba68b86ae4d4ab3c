/**
 * One-stop settlement (一站式即时结算) of one claim: how its total cost splits between the resident
 * basic fund, critical-illness insurance (大病保险), medical assistance (医疗救助) and the patient.
 *
 * ORDER — "保险在先、救助在后" (linkage-2018 §二(三)1):
 *   1. Basic insurance: compliant cost above the deductible (起付标准, per claim; the inpatient one
 *      waived for the groups of linkage-2018 §二(二)1) × the ratio for the care type and hospital
 *      level (+2 points inpatient for dibao-disabled, §二(二)1), within the annual basic cap.
 *      Not entitled to basic benefits → 0.
 *   2. Critical-illness insurance on the year's cumulative personal burden within scope
 *      (compliant cost − basic fund payment, accumulated, §二(三)1): the tier amount of the new
 *      cumulative minus what the year already paid, within the annual cap ("累计计算、分段报销、
 *      按次结算", §二(二)1). Registered-poor use their tiers, everyone else the ordinary ones.
 *   3. Medical assistance on compliant cost − basic − critical illness at the group's ratio, within
 *      the group's annual cap (§二(二)2, §二(三)1), for the one-stop groups only (§二(二)3:
 *      illness-poverty targets are assisted on application, see lookback.ts); not entitled to basic benefits → the uninsured
 *      rule (30%, cap 10000). Outpatient assistance joins the inpatient ratio and cap once the
 *      year's compliant outpatient cost reaches the critical-illness deductible (§二(二)2).
 *   4. Personal payment = total cost − the three above.
 *
 * ROUNDING — the one rule: each of basic, critical-illness and assistance payment is rounded once
 * to the fen, half up (`roundFen`, ROUND_HALF_UP to 0.01). The personal payment is the remainder,
 * so the four parts always add up to the total cost exactly: no fen is created or lost.
 * Every bound a payment is clipped to (remaining caps, what is left of the cost) is itself a
 * whole number of fen, so rounding never pushes a payment past its bound.
 *
 * Non-designated care (approved cash-advance care) is settled like designated care except for the
 * `basic.non-designated-ratio-reduction` parameter (0 by assumption: the texts settle approved
 * care under the city's rules, opinions-2017 §九(三), §十(四)).
 */
import type Decimal from 'decimal.js';
import { type AssistanceGroupName, type CareType, type HardshipCode, type InstitutionLevel, isCareType, isOutpatientCare } from './codes';
import { type BusinessDate, assertBusinessDate } from './dates';
import { ZERO, clampNonNegative, isFenPrecise, maxOf, minOf, roundFen, toDecimal } from './decimal';
import type { CriticalIllnessSchedule, CriticalIllnessScheduleName, Policy } from './parameters';

/** What one insurance year has accumulated for a person so far; start each year with `emptyAccumulations()`. */
export interface YearAccumulations {
  basicFundPaid: Decimal;
  /** Σ (compliant − basic fund payment) over the claims whose care type is in the critical-illness scope. */
  personalBurdenInScope: Decimal;
  criticalIllnessPaid: Decimal;
  assistancePaid: Decimal;
  /** Σ compliant cost of outpatient and chronic-outpatient claims (the outpatient assistance threshold). */
  outpatientCompliant: Decimal;
}

export function emptyAccumulations(): YearAccumulations {
  return { basicFundPaid: ZERO, personalBurdenInScope: ZERO, criticalIllnessPaid: ZERO, assistancePaid: ZERO, outpatientCompliant: ZERO };
}

export interface SettlementInput {
  /** The business date the claim is settled under (the policy in force on it applies). */
  on: BusinessDate;
  careType: CareType;
  institutionLevel: InstitutionLevel;
  designated: boolean;
  totalCost: Decimal;
  /** The part of the total within the policy scope (合规医疗费用); ≤ totalCost. */
  compliantCost: Decimal;
  hardship: HardshipCode[];
  entitledToBasic: boolean;
  accumulations: YearAccumulations;
  /**
   * Parts the settlement platform already paid and reported: each is taken as given instead of
   * computed, and the later steps build on it, so the omitted parts follow the policy in order.
   */
  reported?: ReportedPayments;
  /**
   * Earlier natural years in which the person already had assistance as uninsured / not entitled:
   * that assistance is given in principle for one natural year only (linkage-2018 §二(二)2).
   */
  uninsuredAssistanceYearsUsed?: number;
}

export interface ReportedPayments {
  basicFundPayment?: Decimal;
  criticalIllnessPayment?: Decimal;
  assistancePayment?: Decimal;
}

/** Which parameters the settlement applied, so a reader can retrace it. */
export interface SettlementBasis {
  deductible: Decimal;
  deductibleWaived: boolean;
  basicRatio: Decimal;
  criticalIllnessSchedule: CriticalIllnessScheduleName | null;
  assistanceGroup: AssistanceGroupName | null;
  assistanceRatio: Decimal;
}

export interface Settlement {
  basicFundPayment: Decimal;
  criticalIllnessPayment: Decimal;
  assistancePayment: Decimal;
  personalPayment: Decimal;
  /** The year's accumulations after this claim: pass them to the next claim of the same year. */
  accumulations: YearAccumulations;
  basis: SettlementBasis;
}

export function settleClaim(policy: Policy, input: SettlementInput): Settlement {
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
      ? criticalIllnessTierPayment(policy, hardship, before.personalBurdenInScope, cumulativeAfter, before.criticalIllnessPaid, on)
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
export function cumulativeTierAmount(schedule: CriticalIllnessSchedule, cumulative: Decimal): Decimal {
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
export function criticalIllnessTierPayment(
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
  const dueThisYear = minOf(cumulativeTierAmount(schedule, after), schedule.annualCap);
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
