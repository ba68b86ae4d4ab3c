/** The vocabularies the policy speaks: categories, hardship groups, care types (spec, linkage-2018 §二). */

export type Category = 'adult' | 'minor' | 'student' | 'university-student' | 'newborn';
export const CATEGORIES: readonly Category[] = ['adult', 'minor', 'student', 'university-student', 'newborn'];

/**
 * Hardship groups (困难对象) as codes in input: 特困供养人员, 孤儿, 最低生活保障家庭成员,
 * 建档立卡农村贫困人口, 特困优抚对象, 丧失劳动能力的残疾人, 享受低保的残疾人, 低收入家庭中60周岁以上的老年人,
 * 低收入家庭中的未成年人, 因病致贫, 低收入困难对象.
 */
export type HardshipCode =
  | 'extreme-poverty'
  | 'orphan'
  | 'dibao'
  | 'registered-poor'
  | 'special-care'
  | 'disabled-incapable'
  | 'dibao-disabled'
  | 'low-income-elderly'
  | 'low-income-minor'
  | 'illness-poverty'
  | 'low-income';

export const HARDSHIP_CODES: readonly HardshipCode[] = [
  'extreme-poverty',
  'orphan',
  'dibao',
  'registered-poor',
  'special-care',
  'disabled-incapable',
  'dibao-disabled',
  'low-income-elderly',
  'low-income-minor',
  'illness-poverty',
  'low-income',
];

export type CareType = 'outpatient' | 'chronic-outpatient' | 'inpatient';
export const CARE_TYPES: readonly CareType[] = ['outpatient', 'chronic-outpatient', 'inpatient'];

export type InstitutionLevel = 1 | 2 | 3;
export const INSTITUTION_LEVELS: readonly InstitutionLevel[] = [1, 2, 3];

export type SubsidyLevel = 'central' | 'provincial' | 'municipal' | 'district';
export const SUBSIDY_LEVELS: readonly SubsidyLevel[] = ['central', 'provincial', 'municipal', 'district'];

/** Medical assistance groups (linkage-2018 §二(二)2), most favourable first in the text. */
export type AssistanceGroupName = 'key' | 'low-income' | 'illness-poverty' | 'uninsured';
export const ASSISTANCE_GROUPS: readonly AssistanceGroupName[] = ['key', 'low-income', 'illness-poverty', 'uninsured'];

export function isHardshipCode(value: unknown): value is HardshipCode {
  return typeof value === 'string' && (HARDSHIP_CODES as readonly string[]).includes(value);
}

export function isCareType(value: unknown): value is CareType {
  return typeof value === 'string' && (CARE_TYPES as readonly string[]).includes(value);
}

export function isCategory(value: unknown): value is Category {
  return typeof value === 'string' && (CATEGORIES as readonly string[]).includes(value);
}

/** Outpatient assistance follows its own threshold rule (linkage-2018 §二(二)2); 门诊重症 is outpatient care too. */
export function isOutpatientCare(careType: CareType): boolean {
  return careType !== 'inpatient';
}

export function isAssistanceGroupName(value: unknown): value is AssistanceGroupName {
  return typeof value === 'string' && (ASSISTANCE_GROUPS as readonly string[]).includes(value);
}
