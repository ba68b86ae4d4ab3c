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
 *
 * IMPLEMENTATION — money is decimal.js at this boundary (inputs and answers are Decimals), and the
 * arithmetic inside is integer fen (settlement-fen.ts, proven exact against the decimal.js
 * reference in settlement-reference.ts). Any input the fen path does not take — a refusal (bad
 * date, negative or sub-fen amounts, reported parts over the total, a parameter not in force) or
 * an amount outside its exact range — is settled by the reference, so errors and answers are the
 * reference's in every case.
 */
import type Decimal from 'decimal.js';
import { type AssistanceGroupName, type CareType, type HardshipCode, type InstitutionLevel, isCareType } from './codes';
import { type BusinessDate, assertBusinessDate } from './dates';
import { PolicyDecimal, ZERO } from './decimal';
import type { CriticalIllnessSchedule, CriticalIllnessScheduleName, Policy } from './parameters';
import { criticalIllnessTierPaymentFen, type FenAccumulations, type FenSettlement, type FenSettlementInput, RATIO_SCALE, settleClaimFen } from './settlement-fen';
import { criticalIllnessTierPaymentReference, cumulativeTierAmountReference, settleClaimReference } from './settlement-reference';

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
  let fenInput;
  let settled: FenSettlement;
  try {
    fenInput = fenTermsOf(input);
    settled = settleClaimFen(policy, fenInput);
  } catch {
    // Out of the fen path's range, or a refusal: the reference answers or throws its own error.
    return settleClaimReference(policy, input);
  }
  const before = input.accumulations;
  const after = settled.accumulations;
  const prior = fenInput.accumulations;
  return {
    basicFundPayment: decimalOfFen(settled.basicFundPayment),
    criticalIllnessPayment: decimalOfFen(settled.criticalIllnessPayment),
    assistancePayment: decimalOfFen(settled.assistancePayment),
    personalPayment: decimalOfFen(settled.personalPayment),
    accumulations: {
      basicFundPaid: after.basicFundPaid === prior.basicFundPaid ? before.basicFundPaid : decimalOfFen(after.basicFundPaid),
      personalBurdenInScope: after.personalBurdenInScope === prior.personalBurdenInScope ? before.personalBurdenInScope : decimalOfFen(after.personalBurdenInScope),
      criticalIllnessPaid: after.criticalIllnessPaid === prior.criticalIllnessPaid ? before.criticalIllnessPaid : decimalOfFen(after.criticalIllnessPaid),
      assistancePaid: after.assistancePaid === prior.assistancePaid ? before.assistancePaid : decimalOfFen(after.assistancePaid),
      outpatientCompliant: after.outpatientCompliant === prior.outpatientCompliant ? before.outpatientCompliant : decimalOfFen(after.outpatientCompliant),
    },
    basis: basisOf(settled),
  };
}

/** settleClaim's input with the year's accumulations already in whole fen (how the ledger's resident state holds them). */
export interface SettlementInputFen extends Omit<SettlementInput, 'accumulations'> {
  accumulations: FenAccumulations;
}

/** settleClaim's answer in whole fen. */
export interface SettlementInFen {
  basicFundPayment: number;
  criticalIllnessPayment: number;
  assistancePayment: number;
  personalPayment: number;
  accumulations: FenAccumulations;
  basis: SettlementBasis;
}

/**
 * settleClaim for a caller that holds the year's sums in fen: the same settlement (the fen path, or
 * the decimal.js reference wherever settleClaim would take it), without a Decimal per amount on
 * the way in and out. A reference answer that is not whole fen within 2^53 throws a RangeError.
 */
export function settleClaimInFen(policy: Policy, input: SettlementInputFen): SettlementInFen {
  let settled: FenSettlement;
  try {
    settled = settleClaimFen(policy, fenTermsWith(input, input.accumulations));
  } catch {
    const reference = settleClaimReference(policy, { ...input, accumulations: decimalAccumulationsOf(input.accumulations) });
    return {
      basicFundPayment: fenOfAmount(reference.basicFundPayment),
      criticalIllnessPayment: fenOfAmount(reference.criticalIllnessPayment),
      assistancePayment: fenOfAmount(reference.assistancePayment),
      personalPayment: fenOfAmount(reference.personalPayment),
      accumulations: fenAccumulationsOf(reference.accumulations),
      basis: reference.basis,
    };
  }
  return {
    basicFundPayment: settled.basicFundPayment,
    criticalIllnessPayment: settled.criticalIllnessPayment,
    assistancePayment: settled.assistancePayment,
    personalPayment: settled.personalPayment,
    accumulations: settled.accumulations,
    basis: basisOf(settled),
  };
}

function basisOf(settled: FenSettlement): SettlementBasis {
  return {
    deductible: settled.deductible,
    deductibleWaived: settled.deductibleWaived,
    basicRatio: decimalOfScaledRatio(settled.basicRatioScaled),
    criticalIllnessSchedule: settled.criticalIllnessScheduleName,
    assistanceGroup: settled.assistanceGroup,
    assistanceRatio: settled.assistanceRatio,
  };
}

/**
 * The cumulative amount a schedule pays on a year's cumulative personal burden, before the cap
 * and unrounded: each tier pays its ratio on the part above the previous bound (the deductible
 * for the first tier) up to its own bound, inclusive.
 */
export const cumulativeTierAmount: (schedule: CriticalIllnessSchedule, cumulative: Decimal) => Decimal = cumulativeTierAmountReference;

/**
 * What critical-illness insurance pays on one visit (按次结算): the schedule's amount on the new
 * cumulative burden, capped by the annual cap, minus what the year already paid — never negative
 * and never more than this visit added to the cumulative burden. Rounded once to the fen, half up.
 * Exported so the auditor can recompute a recorded payment. In fen inside, as settleClaim.
 */
export function criticalIllnessTierPayment(
  policy: Policy,
  hardship: readonly HardshipCode[],
  cumulativeBefore: Decimal,
  cumulativeAfter: Decimal,
  paidBefore: Decimal,
  on: BusinessDate,
): Decimal {
  let fen: number;
  try {
    const before = fenOfAmount(cumulativeBefore);
    const after = fenOfAmount(cumulativeAfter);
    if (after < before) throw new RangeError('cumulativeAfter below cumulativeBefore');
    fen = criticalIllnessTierPaymentFen(policy, hardship, before, after, fenOfAmount(paidBefore), on);
  } catch {
    return criticalIllnessTierPaymentReference(policy, hardship, cumulativeBefore, cumulativeAfter, paidBefore, on);
  }
  return decimalOfFen(fen);
}

/** Claims come in date order: the last date found valid is not parsed again. */
let lastValidDate: unknown = null;

/** The claim's terms in fen; throws (any error) where the reference would refuse or the fen path cannot be exact. */
function fenTermsOf(input: SettlementInput): FenSettlementInput {
  return fenTermsWith(input, fenAccumulationsOf(input.accumulations));
}

/** A year's accumulations in whole fen (fenOfAmount: throws where an amount is not whole fen). */
export function fenAccumulationsOf(a: YearAccumulations): FenAccumulations {
  return {
    basicFundPaid: fenOfAmount(a.basicFundPaid),
    personalBurdenInScope: fenOfAmount(a.personalBurdenInScope),
    criticalIllnessPaid: fenOfAmount(a.criticalIllnessPaid),
    assistancePaid: fenOfAmount(a.assistancePaid),
    outpatientCompliant: fenOfAmount(a.outpatientCompliant),
  };
}

/** A year's accumulations held in fen, as Decimals of yuan. */
export function decimalAccumulationsOf(a: FenAccumulations): YearAccumulations {
  return {
    basicFundPaid: decimalOfFen(a.basicFundPaid),
    personalBurdenInScope: decimalOfFen(a.personalBurdenInScope),
    criticalIllnessPaid: decimalOfFen(a.criticalIllnessPaid),
    assistancePaid: decimalOfFen(a.assistancePaid),
    outpatientCompliant: decimalOfFen(a.outpatientCompliant),
  };
}

function isFen(amount: number): boolean {
  return Number.isSafeInteger(amount) && amount >= 0;
}

/** The claim's own terms in fen, with the year's accumulations already in fen. */
function fenTermsWith(input: Omit<SettlementInput, 'accumulations'>, accumulations: FenAccumulations): FenSettlementInput {
  const { on, careType } = input;
  if (on !== lastValidDate) {
    assertBusinessDate(on, 'on');
    lastValidDate = on;
  }
  if (!isCareType(careType)) throw new RangeError('care type');
  const totalCost = fenOfAmount(input.totalCost);
  const compliantCost = fenOfAmount(input.compliantCost);
  if (compliantCost > totalCost) throw new RangeError('compliantCost exceeds totalCost');
  const a = accumulations;
  if (!(isFen(a.basicFundPaid) && isFen(a.personalBurdenInScope) && isFen(a.criticalIllnessPaid) && isFen(a.assistancePaid) && isFen(a.outpatientCompliant))) {
    throw new RangeError('accumulations not in whole non-negative fen');
  }
  const reported = input.reported;
  return {
    on,
    careType,
    institutionLevel: input.institutionLevel,
    designated: input.designated,
    totalCost,
    compliantCost,
    hardship: input.hardship,
    entitledToBasic: input.entitledToBasic,
    accumulations,
    reportedBasic: reported?.basicFundPayment ? fenOfAmount(reported.basicFundPayment) : undefined,
    reportedCriticalIllness: reported?.criticalIllnessPayment ? fenOfAmount(reported.criticalIllnessPayment) : undefined,
    reportedAssistance: reported?.assistancePayment ? fenOfAmount(reported.assistancePayment) : undefined,
    uninsuredAssistanceYearsUsed: input.uninsuredAssistanceYearsUsed,
  };
}

/**
 * Conversions between Decimal yuan and whole fen at the settlement's boundary, on decimal.js's
 * documented internal form (a Decimal is { s: sign, e: exponent of its first digit, d: digits in
 * base-10^7 words aligned on the decimal point, no trailing zero word }): converting through
 * `times(100).toNumber()` and a text parse cost more than the whole settlement in fen.
 * settlement-fen.property.spec.ts checks both against decimal.js's own arithmetic and parsing.
 */
const WORD = 1e7;
const POW10 = Array.from({ length: 23 }, (_, n) => 10 ** n);

/** A non-negative amount of whole fen as an integer; throws for anything else (negative, sub-fen, not a PolicyDecimal, ≥ 2^53 fen). */
export function fenOfAmount(amount: Decimal): number {
  const internal = amount as unknown as { s: number; e: number; d: number[] | null };
  const words = internal.d;
  if (!(amount instanceof PolicyDecimal) || words === null || internal.s < 0) throw new RangeError('not a non-negative PolicyDecimal');
  const first = words[0];
  let digits = 1;
  while (digits < 7 && first >= POW10[digits]) digits += 1;
  // Exponent, counted in fen, of the last digit of word i: top − 7i.
  const top = internal.e - digits + 3;
  let fen = 0;
  for (let i = 0; i < words.length; i += 1) {
    const exponent = top - 7 * i;
    const word = words[i];
    if (exponent >= 0) {
      if (exponent > 22) throw new RangeError('beyond the exact range');
      fen += word * POW10[exponent];
    } else {
      if (exponent < -7 || word % POW10[-exponent] !== 0) throw new RangeError('finer than a fen');
      fen += word / POW10[-exponent];
    }
  }
  if (!Number.isSafeInteger(fen)) throw new RangeError('beyond the exact range');
  return fen;
}

const DECIMAL_TAG = '[object Decimal]';

/**
 * Whole fen as a Decimal of yuan, built in decimal.js's form and handed to its constructor (which
 * copies it). Every word is made a small integer (`| 0`): a word held as a float would turn the
 * array, and through V8's allocation-site feedback later arrays decimal.js makes, into double
 * arrays — equal values, but slower, and a state serialised with node:v8 then differed byte for
 * byte with the process's history.
 */
export function decimalOfFen(fen: number): Decimal {
  if (fen === 0) return ZERO;
  if (!Number.isSafeInteger(fen)) throw new RangeError(`not whole fen: ${fen}`);
  const negative = fen < 0;
  const abs = negative ? -fen : fen;
  const cents = abs % 100;
  let yuan = (abs - cents) / 100;
  const words: number[] = [];
  let e: number;
  if (yuan === 0) {
    e = cents >= 10 ? -1 : -2;
  } else {
    let digits = 0;
    for (let rest = yuan; rest >= 1; rest = Math.floor(rest / 10)) digits += 1;
    e = digits - 1;
    for (; yuan > 0; yuan = Math.floor(yuan / WORD)) words.unshift((yuan % WORD) | 0);
    // No trailing zero word (decimal.js strips trailing zero digits before it splits into words).
    if (cents === 0) while (words[words.length - 1] === 0) words.pop();
  }
  if (cents !== 0) words.push((cents * 1e5) | 0);
  return new PolicyDecimal({ toStringTag: DECIMAL_TAG, s: negative ? -1 : 1, e, d: words } as unknown as Decimal);
}

const ratioDecimals = new Map<number, Decimal>();

function decimalOfScaledRatio(scaled: number): Decimal {
  if (scaled === 0) return ZERO;
  let ratio = ratioDecimals.get(scaled);
  if (!ratio) ratioDecimals.set(scaled, (ratio = new PolicyDecimal(String(scaled)).dividedBy(RATIO_SCALE))); // from text: see decimalOfFen
  return ratio;
}
