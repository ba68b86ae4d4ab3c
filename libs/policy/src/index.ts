/**
 * @ledger/policy — the pure policy library: versioned parameters (one YAML file) and the rules
 * of the texts in seeds/ (opinions-2017, linkage-2018). No framework, no I/O beyond reading the
 * parameters file. Money and ratios are decimal.js values; dates are YYYY-MM-DD business dates.
 */
export type { Decimal } from 'decimal.js';
export {
  ASSISTANCE_GROUPS,
  type AssistanceGroupName,
  CARE_TYPES,
  CATEGORIES,
  type CareType,
  type Category,
  HARDSHIP_CODES,
  type HardshipCode,
  INSTITUTION_LEVELS,
  type InstitutionLevel,
  SUBSIDY_LEVELS,
  type SubsidyLevel,
  isCareType,
  isCategory,
  isHardshipCode,
  isAssistanceGroupName,
  isOutpatientCare,
} from './codes';
export {
  type BusinessDate,
  addDays,
  addMonths,
  addYears,
  daysBetween,
  firstDayOfNextMonth,
  firstDayOfYear,
  isValidBusinessDate,
  yearOf,
} from './dates';
export { PolicyDecimal, ZERO, isFenPrecise, roundFen, toDecimal } from './decimal';
export {
  type AssistanceGroup,
  BUNDLED_PARAMETERS_FILE,
  type CriticalIllnessSchedule,
  type CriticalIllnessScheduleName,
  type ParameterHistoryEntry,
  type ParameterValueJson,
  Policy,
  PolicyFileError,
  PolicyNotInForceError,
  type Tier,
  loadPolicy,
  parsePolicy,
  resolveBundledParametersPath,
} from './parameters';
export { rememberingPolicy } from './remembering-policy';
export { type BenefitStartInput, type NewbornEnrollmentInput, type NewbornYear, benefitStart, newbornYears } from './enrollment';
export {
  type ReportedPayments,
  type Settlement,
  type SettlementBasis,
  type SettlementInput,
  type SettlementInputFen,
  type SettlementInFen,
  type YearAccumulations,
  criticalIllnessTierPayment,
  cumulativeTierAmount,
  emptyAccumulations,
  decimalOfFen,
  fenOfAmount,
  settleClaim,
  settleClaimInFen,
} from './settlement';
export {
  type BasicTermsFen,
  type FenAccumulations,
  type FenSettlement,
  type FenSettlementInput,
  RATIO_SCALE,
  basicPaymentFen,
  criticalIllnessTierPaymentFen,
  emptyFenAccumulations,
  fenToText,
  settleClaimFen,
} from './settlement-fen';
export { criticalIllnessTierPaymentReference, settleClaimReference } from './settlement-reference';
export {
  type LookbackAssessment,
  type LookbackClaim,
  type LookbackExclusion,
  type LookbackInput,
  type LookbackShare,
  assessLookback,
  assistedOneStop,
  describeExclusion,
  lookbackShare,
} from './lookback';
