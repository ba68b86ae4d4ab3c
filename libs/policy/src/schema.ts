import { ASSISTANCE_GROUPS, CARE_TYPES, CATEGORIES, HARDSHIP_CODES, INSTITUTION_LEVELS, SUBSIDY_LEVELS } from './codes';

/**
 * The shape of every parameter the library reads. The loader rejects a file that lacks one of
 * the required parameters, carries one not listed here, or holds a value of the wrong kind.
 *
 * - money:      yuan, ≥ 0, at most two fraction digits
 * - ratio:      a fraction in [0, 1]
 * - decimal:    a non-negative decimal (e.g. months of outflow)
 * - days:       a whole number of days, ≥ 0
 * - count:      a whole number ≥ 1 (years, months)
 * - hardship-codes / care-types / assistance-groups: a list of known codes, no duplicates
 * - tiers:      ascending `up-to` bounds (money, only the last may be null = unbounded) with ratios
 */
export type ParameterKind = 'money' | 'ratio' | 'decimal' | 'days' | 'count' | 'hardship-codes' | 'care-types' | 'assistance-groups' | 'tiers';

export interface ParameterSpec {
  path: string;
  kind: ParameterKind;
  optional?: boolean;
}

export const PARAMETER_PATHS = {
  contribution: (category: string) => `contribution.individual.${category}`,
  perCapitaSubsidy: (level: string) => `subsidy.per-capita.${level}`,
  newbornMaxAgeYears: 'newborn.max-age-years',
  newbornWindowDays: 'newborn.registration-window-days',
  ordinaryWaitingDays: 'benefit-start.ordinary-waiting-days',
  cashAdvanceOrdinary: 'cash-advance.filing-window-days.ordinary',
  cashAdvanceUniversity: 'cash-advance.filing-window-days.university-student',
  basicDeductible: (careType: string, level: number) => `basic.${careType}.deductible.level-${level}`,
  basicRatio: (careType: string, level: number) => `basic.${careType}.ratio.level-${level}`,
  basicAnnualCap: 'basic.annual-cap',
  nonDesignatedRatioReduction: 'basic.non-designated-ratio-reduction',
  deductibleWaivedGroups: 'basic.inpatient.deductible-waived-groups',
  ratioIncreaseGroups: 'basic.inpatient.ratio-increase.groups',
  ratioIncreasePoints: 'basic.inpatient.ratio-increase.points',
  hardshipImplies: (code: string) => `hardship.implies.${code}`,
  criticalIllnessCareTypes: 'critical-illness.care-types-in-scope',
  criticalIllnessPremiumPerCapita: 'critical-illness.premium-per-capita',
  criticalIllness: (schedule: 'ordinary' | 'registered-poor', part: 'deductible' | 'tiers' | 'annual-cap') =>
    `critical-illness.${schedule}.${part}`,
  assistance: (group: string, part: 'members' | 'ratio' | 'annual-cap') => `medical-assistance.${group}.${part}`,
  illnessPovertyLookbackMonths: 'medical-assistance.illness-poverty.lookback-months',
  oneStopAssistanceGroups: 'medical-assistance.one-stop-groups',
  uninsuredMaxNaturalYears: 'medical-assistance.uninsured.max-natural-years',
  outpatientBelowThresholdRatio: 'medical-assistance.outpatient-below-threshold-ratio',
  insurerDecisionDays: 'insurer.decision-days',
  insurerPaymentDays: 'insurer.payment-days',
  splitAdmissionDays: 'supervision.split-admission.readmission-days',
  monthsOfPaymentWarning: 'fund.months-of-payment-warning',
  monthsOfPaymentShortage: 'fund.months-of-payment-shortage',
  monthsOfPaymentExcess: 'fund.months-of-payment-excess',
} as const;

const P = PARAMETER_PATHS;

export const PARAMETER_SPECS: readonly ParameterSpec[] = [
  ...CATEGORIES.map((category): ParameterSpec => ({ path: P.contribution(category), kind: 'money' })),
  ...SUBSIDY_LEVELS.map((level): ParameterSpec => ({ path: P.perCapitaSubsidy(level), kind: 'money' })),
  { path: P.newbornMaxAgeYears, kind: 'count' },
  { path: P.newbornWindowDays, kind: 'days' },
  { path: P.ordinaryWaitingDays, kind: 'days' },
  { path: P.cashAdvanceOrdinary, kind: 'days' },
  { path: P.cashAdvanceUniversity, kind: 'days' },
  ...CARE_TYPES.flatMap((careType) =>
    INSTITUTION_LEVELS.flatMap((level): ParameterSpec[] => [
      { path: P.basicDeductible(careType, level), kind: 'money' },
      { path: P.basicRatio(careType, level), kind: 'ratio' },
    ]),
  ),
  { path: P.basicAnnualCap, kind: 'money' },
  { path: P.nonDesignatedRatioReduction, kind: 'ratio' },
  { path: P.deductibleWaivedGroups, kind: 'hardship-codes' },
  { path: P.ratioIncreaseGroups, kind: 'hardship-codes' },
  { path: P.ratioIncreasePoints, kind: 'ratio' },
  ...HARDSHIP_CODES.map((code): ParameterSpec => ({ path: P.hardshipImplies(code), kind: 'hardship-codes', optional: true })),
  { path: P.criticalIllnessCareTypes, kind: 'care-types' },
  { path: P.criticalIllnessPremiumPerCapita, kind: 'money' },
  ...(['ordinary', 'registered-poor'] as const).flatMap((schedule): ParameterSpec[] => [
    { path: P.criticalIllness(schedule, 'deductible'), kind: 'money' },
    { path: P.criticalIllness(schedule, 'tiers'), kind: 'tiers' },
    { path: P.criticalIllness(schedule, 'annual-cap'), kind: 'money' },
  ]),
  ...ASSISTANCE_GROUPS.flatMap((group): ParameterSpec[] => [
    { path: P.assistance(group, 'members'), kind: 'hardship-codes' },
    { path: P.assistance(group, 'ratio'), kind: 'ratio' },
    { path: P.assistance(group, 'annual-cap'), kind: 'money' },
  ]),
  { path: P.illnessPovertyLookbackMonths, kind: 'count' },
  { path: P.oneStopAssistanceGroups, kind: 'assistance-groups' },
  { path: P.uninsuredMaxNaturalYears, kind: 'count' },
  { path: P.outpatientBelowThresholdRatio, kind: 'ratio' },
  { path: P.insurerDecisionDays, kind: 'days' },
  { path: P.insurerPaymentDays, kind: 'days' },
  { path: P.splitAdmissionDays, kind: 'days' },
  { path: P.monthsOfPaymentWarning, kind: 'decimal' },
  { path: P.monthsOfPaymentShortage, kind: 'decimal' },
  { path: P.monthsOfPaymentExcess, kind: 'decimal' },
];
