/**
 * One-stop settlement in integer fen: the rules of settlement.ts (order, bounds, the one rounding
 * rule) computed on whole numbers instead of decimal.js, because the ledger settles every claim it
 * records and the auditor re-settles every claim it reads — millions a year, where decimal.js costs
 * ~13 µs a claim and this ~2 µs.
 *
 * WHY IT IS EXACT (and where it stops being so):
 * - Amounts are whole fen (a yuan amount with at most two decimals is exactly an integer number of
 *   fen). Ratios are held as integers over RATIO_SCALE (10^6): a ratio with at most six decimals
 *   (the parameters have two) is exactly such an integer; any other ratio is not taken here.
 * - Every product is fen × scaled ratio, an integer in units of 10^-8 yuan, and sums, differences,
 *   min and max of such integers are exact as long as each stays a safe integer (< 2^53): each
 *   product and each sum is checked (`safe`), and no intermediate in this file is anything but an
 *   integer.
 * - The reference (settlement-reference.ts) computes with 40 significant digits, so its products of
 *   amounts below 10^15 and ratios of a few digits are exact too; both then round the same exact
 *   value once, half up (ROUND_HALF_UP, `roundHalfUp` below on a non-negative integer quotient).
 * - Anything outside that (a ratio finer than 10^-6, an amount or a product ≥ 2^53 units) throws
 *   `OUT_OF_RANGE`, and the caller settles that claim with the decimal.js reference instead — the
 *   answer is then still the reference's by construction.
 * Proven against the reference on random claims with edge values (settlement-fen.property.spec.ts)
 * and on every claim of a generated year (test/bench/settlement-fen-year.spec.ts; at 100,000
 * residents with `npm run compare-settlement`).
 */
import type Decimal from 'decimal.js';
import { type AssistanceGroupName, type CareType, type HardshipCode, type InstitutionLevel, isOutpatientCare } from './codes';
import type { BusinessDate } from './dates';
import { ZERO } from './decimal';
import type { CriticalIllnessSchedule, Policy } from './parameters';

/** Ratios are integers over this (a ratio of at most six decimals is exact). */
export const RATIO_SCALE = 1_000_000;
const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** Thrown (never escapes the policy library's callers that use `settleClaim`) when an input is outside the exact range. */
export const OUT_OF_RANGE = new RangeError('outside the exact range of integer-fen settlement');

/** YearAccumulations in whole fen. */
export interface FenAccumulations {
  basicFundPaid: number;
  personalBurdenInScope: number;
  criticalIllnessPaid: number;
  assistancePaid: number;
  outpatientCompliant: number;
}

export function emptyFenAccumulations(): FenAccumulations {
  return { basicFundPaid: 0, personalBurdenInScope: 0, criticalIllnessPaid: 0, assistancePaid: 0, outpatientCompliant: 0 };
}

export interface FenSettlementInput {
  on: BusinessDate;
  careType: CareType;
  institutionLevel: InstitutionLevel;
  designated: boolean;
  /** Whole fen, ≥ 0. */
  totalCost: number;
  compliantCost: number;
  hardship: readonly HardshipCode[];
  entitledToBasic: boolean;
  accumulations: FenAccumulations;
  /** Reported parts in whole fen (undefined: computed). */
  reportedBasic?: number;
  reportedCriticalIllness?: number;
  reportedAssistance?: number;
  uninsuredAssistanceYearsUsed?: number;
}

export interface FenSettlement {
  basicFundPayment: number;
  criticalIllnessPayment: number;
  assistancePayment: number;
  personalPayment: number;
  accumulations: FenAccumulations;
  /** The parameters applied, as the policy gave them (ratios scaled by RATIO_SCALE, clamped). */
  deductible: Decimal;
  deductibleWaived: boolean;
  basicRatioScaled: number;
  criticalIllnessScheduleName: CriticalIllnessSchedule['schedule'] | null;
  assistanceGroup: AssistanceGroupName | null;
  assistanceRatio: Decimal;
}

/**
 * Settles one claim in fen. The caller has validated the terms (date, care type, whole
 * non-negative fen, compliant ≤ total); throws OUT_OF_RANGE when exactness cannot be guaranteed,
 * and the reference's RangeError when the reported payments exceed the total cost.
 */
export function settleClaimFen(policy: Policy, input: FenSettlementInput): FenSettlement {
  const { on, careType, hardship, entitledToBasic, compliantCost, totalCost } = input;
  const before = input.accumulations;

  // 1. Basic insurance (computed even when reported: the reference asks the same parameters).
  const basic = basicInsuranceFen(policy, input, before.basicFundPaid);
  const basicPaid = input.reportedBasic ?? basic.payment;

  // 2. Critical-illness insurance on the year's cumulative personal burden within scope.
  const inScope = entitledToBasic && policy.criticalIllnessCareTypes(on).includes(careType);
  const burden = Math.max(0, compliantCost - basicPaid);
  const cumulativeAfter = inScope ? safe(before.personalBurdenInScope + burden) : before.personalBurdenInScope;
  const criticalIllness =
    input.reportedCriticalIllness ??
    (inScope ? criticalIllnessTierPaymentFen(policy, hardship, before.personalBurdenInScope, cumulativeAfter, before.criticalIllnessPaid, on) : 0);

  // 3. Medical assistance on what insurance left of the compliant cost.
  const outpatientAfter = isOutpatientCare(careType) ? safe(before.outpatientCompliant + compliantCost) : before.outpatientCompliant;
  const assistance = medicalAssistanceFen(policy, input, compliantCost - basicPaid - criticalIllness, outpatientAfter, before.assistancePaid);
  const assistancePaid = input.reportedAssistance ?? assistance.payment;

  // 4. The patient pays the rest.
  const personal = totalCost - basicPaid - criticalIllness - assistancePaid;
  if (personal < 0) throw new RangeError(`the reported payments exceed totalCost ${fenToText(totalCost)}`);

  return {
    basicFundPayment: basicPaid,
    criticalIllnessPayment: criticalIllness,
    assistancePayment: assistancePaid,
    personalPayment: personal,
    accumulations: {
      basicFundPaid: safe(before.basicFundPaid + basicPaid),
      personalBurdenInScope: cumulativeAfter,
      criticalIllnessPaid: safe(before.criticalIllnessPaid + criticalIllness),
      assistancePaid: safe(before.assistancePaid + assistancePaid),
      outpatientCompliant: outpatientAfter,
    },
    deductible: basic.deductible,
    deductibleWaived: basic.deductibleWaived,
    basicRatioScaled: basic.ratio,
    criticalIllnessScheduleName: inScope ? policy.criticalIllnessSchedule(hardship, on).schedule : null,
    assistanceGroup: assistance.group,
    assistanceRatio: assistance.ratio,
  };
}

/** What a basic payment depends on, as the auditor and the settlement both state it. */
export interface BasicTermsFen {
  on: BusinessDate;
  careType: CareType;
  institutionLevel: InstitutionLevel;
  designated: boolean;
  /** Whole fen. */
  compliantCost: number;
}

interface BasicFen {
  payment: number;
  deductible: Decimal;
  deductibleWaived: boolean;
  ratio: number;
}

function basicInsuranceFen(policy: Policy, input: FenSettlementInput, basicPaidBefore: number): BasicFen {
  if (!input.entitledToBasic) return { payment: 0, deductible: ZERO, deductibleWaived: false, ratio: 0 };
  // The waiver and the +2 points are about 住院 (inpatient) costs only (linkage-2018 §二(二)1).
  const deductibleWaived = input.careType === 'inpatient' && policy.deductibleWaived(input.hardship, input.on);
  return basicPaymentFen(policy, input, input.hardship, deductibleWaived, basicPaidBefore);
}

/**
 * The basic fund payment: (compliant − deductible, never below 0) × ratio (+ the inpatient
 * increase, − the non-designated reduction, clamped to [0, 1]), within what the annual cap leaves,
 * rounded once to the fen half up. `deductibleWaived` is given, so the auditor can ask both ways.
 */
export function basicPaymentFen(
  policy: Policy,
  terms: BasicTermsFen,
  hardship: readonly HardshipCode[],
  deductibleWaived: boolean,
  basicPaidBefore: number,
): BasicFen {
  const { on, careType, institutionLevel } = terms;
  const inpatient = careType === 'inpatient';
  const deductible = deductibleWaived ? ZERO : policy.basicDeductible(careType, institutionLevel, on);
  let ratio = scaledRatio(policy.basicRatio(careType, institutionLevel, on));
  if (inpatient) ratio += scaledRatio(policy.inpatientRatioIncrease(hardship, on));
  if (!terms.designated) ratio -= scaledRatio(policy.nonDesignatedRatioReduction(on));
  ratio = Math.min(Math.max(ratio, 0), RATIO_SCALE);

  const eligible = Math.max(0, terms.compliantCost - fenOf(deductible));
  const capRemaining = Math.max(0, fenOf(policy.basicAnnualCap(on)) - basicPaidBefore);
  const payment = roundHalfUp(Math.min(safe(eligible * ratio), safe(capRemaining * RATIO_SCALE)));
  return { payment, deductible, deductibleWaived, ratio };
}

/** A critical-illness schedule in fen and scaled ratios. */
interface FenSchedule {
  deductible: number;
  tiers: ReadonlyArray<{ upTo: number | null; ratio: number }>;
  annualCap: number;
}

const fenSchedules = new WeakMap<CriticalIllnessSchedule, FenSchedule>();

function fenSchedule(schedule: CriticalIllnessSchedule): FenSchedule {
  let fen = fenSchedules.get(schedule);
  if (!fen) {
    fen = {
      deductible: fenOf(schedule.deductible),
      tiers: schedule.tiers.map((tier) => ({ upTo: tier.upTo === null ? null : fenOf(tier.upTo), ratio: scaledRatio(tier.ratio) })),
      annualCap: fenOf(schedule.annualCap),
    };
    fenSchedules.set(schedule, fen);
  }
  return fen;
}

/** cumulativeTierAmount in units of fen / RATIO_SCALE (exact, unrounded). */
function cumulativeTierAmountScaled(schedule: FenSchedule, burden: number): number {
  let lowerBound = schedule.deductible;
  let amount = 0;
  for (const tier of schedule.tiers) {
    if (!(burden > lowerBound)) break;
    const upperBound = tier.upTo === null ? burden : Math.min(burden, tier.upTo);
    if (upperBound > lowerBound) amount = safe(amount + safe((upperBound - lowerBound) * tier.ratio));
    if (tier.upTo === null) break;
    lowerBound = Math.max(lowerBound, tier.upTo);
  }
  return amount;
}

/**
 * criticalIllnessTierPayment in fen: the schedule's amount on the new cumulative burden, capped by
 * the annual cap, minus what the year already paid, never negative and never more than this visit
 * added; rounded once, half up. Arguments are whole fen, validated by the caller (≥ 0, after ≥ before).
 */
export function criticalIllnessTierPaymentFen(
  policy: Policy,
  hardship: readonly HardshipCode[],
  cumulativeBefore: number,
  cumulativeAfter: number,
  paidBefore: number,
  on: BusinessDate,
): number {
  const schedule = fenSchedule(policy.criticalIllnessSchedule(hardship, on));
  const dueThisYear = Math.min(cumulativeTierAmountScaled(schedule, cumulativeAfter), safe(schedule.annualCap * RATIO_SCALE));
  const owed = Math.min(dueThisYear - safe(paidBefore * RATIO_SCALE), safe((cumulativeAfter - cumulativeBefore) * RATIO_SCALE));
  return roundHalfUp(Math.max(0, owed));
}

interface AssistanceFen {
  payment: number;
  group: AssistanceGroupName | null;
  ratio: Decimal;
}

function medicalAssistanceFen(policy: Policy, input: FenSettlementInput, base: number, outpatientAfter: number, assistancePaidBefore: number): AssistanceFen {
  const { on, careType, hardship, entitledToBasic } = input;
  // Only the one-stop groups are assisted here; illness-poverty targets apply afterwards (lookback.ts).
  const { group, ratio: groupRatio, annualCap } = policy.oneStopAssistanceGroup(hardship, entitledToBasic, on);
  if (group === null) return { payment: 0, group, ratio: ZERO };
  if (group === 'uninsured' && (input.uninsuredAssistanceYearsUsed ?? 0) >= policy.uninsuredAssistanceMaxYears(on)) {
    return { payment: 0, group, ratio: ZERO };
  }
  // Outpatient assistance shares the inpatient ratio and cap only once the year's compliant
  // outpatient cost reaches the critical-illness deductible (linkage-2018 §二(二)2).
  let ratio = groupRatio;
  if (entitledToBasic && isOutpatientCare(careType)) {
    const threshold = fenOf(policy.criticalIllnessSchedule(hardship, on).deductible);
    if (outpatientAfter < threshold) {
      const below = policy.outpatientAssistanceBelowThresholdRatio(on);
      // minOf(groupRatio, below): the first of equals is kept, as the reference does.
      if (scaledRatio(below) < scaledRatio(groupRatio)) ratio = below;
    }
  }
  const capRemaining = Math.max(0, fenOf(annualCap) - assistancePaidBefore);
  const clamped = Math.max(0, base);
  const payment = roundHalfUp(Math.min(safe(clamped * scaledRatio(ratio)), safe(capRemaining * RATIO_SCALE), safe(clamped * RATIO_SCALE)));
  return { payment, group, ratio };
}

/** A non-negative integer in units of fen / RATIO_SCALE, to whole fen, half up (ROUND_HALF_UP). */
export function roundHalfUp(scaled: number): number {
  let fen = Math.floor(scaled / RATIO_SCALE);
  let rest = scaled - fen * RATIO_SCALE;
  // The float quotient may be one off next to an integer; the remainder says which way.
  if (rest < 0) {
    fen -= 1;
    rest += RATIO_SCALE;
  } else if (rest >= RATIO_SCALE) {
    fen += 1;
    rest -= RATIO_SCALE;
  }
  return rest * 2 >= RATIO_SCALE ? fen + 1 : fen;
}

/** The value itself when it is a safe integer; OUT_OF_RANGE otherwise (a product or sum that may have lost a digit). */
function safe(value: number): number {
  if (value > MAX_SAFE || value < -MAX_SAFE) throw OUT_OF_RANGE;
  return value;
}

const fenOfDecimal = new WeakMap<Decimal, number>();
const scaledOfDecimal = new WeakMap<Decimal, number>();

/**
 * A policy amount (Decimal yuan) as whole fen; OUT_OF_RANGE when it is not exactly one. Remembered
 * per Decimal: a remembering policy hands back the same few objects millions of times.
 */
export function fenOf(amount: Decimal): number {
  let fen = fenOfDecimal.get(amount);
  if (fen === undefined) {
    if (amount.decimalPlaces() > 2) throw OUT_OF_RANGE;
    fen = amount.times(100).toNumber();
    if (!Number.isSafeInteger(fen)) throw OUT_OF_RANGE;
    fenOfDecimal.set(amount, fen);
  }
  return fen;
}

/** A ratio (Decimal) as an integer over RATIO_SCALE; OUT_OF_RANGE when it has more than six decimals. */
export function scaledRatio(ratio: Decimal): number {
  let scaled = scaledOfDecimal.get(ratio);
  if (scaled === undefined) {
    if (ratio.decimalPlaces() > 6) throw OUT_OF_RANGE;
    scaled = ratio.times(RATIO_SCALE).toNumber();
    if (!Number.isSafeInteger(scaled)) throw OUT_OF_RANGE;
    scaledOfDecimal.set(ratio, scaled);
  }
  return scaled;
}

/** Whole fen as the canonical two-decimal yuan text ("-0.05", "12.30"). */
export function fenToText(fen: number): string {
  const negative = fen < 0;
  const abs = negative ? -fen : fen;
  const cents = abs % 100;
  return `${negative ? '-' : ''}${(abs - cents) / 100}.${cents < 10 ? '0' : ''}${cents}`;
}
