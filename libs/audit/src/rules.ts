/**
 * The inspections the auditor produces (SPEC.md "Inspections the auditor must produce"). The ids
 * are stable: reports, tests and the bureaus' follow-up refer to them.
 *
 * Each entry says which text the rule enforces, so a finding can name the rule it breaks.
 */
export const RULE_IDS = [
  'ledger-reconciliation',
  'fund-attribution',
  'benefit-outside-coverage',
  'dual-scheme-benefit',
  'duplicate-student-benefit',
  'newborn-exemption',
  'cash-advance-late',
  'deductible-waiver',
  'critical-illness-payment',
  'assistance-payment',
  'insurer-decision-late',
  'insurer-payment-late',
  'fund-deficit',
  'stream-integrity',
] as const;

export type RuleId = (typeof RULE_IDS)[number];

export interface RuleDescription {
  id: RuleId;
  title: string;
  /** The section of the seed texts (or of SPEC.md) the rule comes from. */
  basis: string;
}

export const RULES: Readonly<Record<RuleId, RuleDescription>> = {
  'ledger-reconciliation': {
    id: 'ledger-reconciliation',
    title: 'Recomputed balances differ from the live read model, or its entries do not balance',
    basis: 'SPEC.md (auditors replay independently of the live read models); opinions-2017 §二 (each fund answers for its balance)',
  },
  'fund-attribution': {
    id: 'fund-attribution',
    title: "Contribution or subsidy credited to a fund other than the resident's attributed fund",
    basis: 'opinions-2017 §四 (基金归属: hukou district, else residence district; a newborn follows a parent)',
  },
  'benefit-outside-coverage': {
    id: 'benefit-outside-coverage',
    title: 'Basic fund paid for a resident not enrolled, not paid up, or before the benefit start',
    basis: 'opinions-2017 §三 (按时足额缴纳), §五(三) (benefit start); ordinary benefit start per policy parameter benefit-start.ordinary-waiting-days',
  },
  'dual-scheme-benefit': {
    id: 'dual-scheme-benefit',
    title: 'Resident basic fund paid while the person was in the employee scheme',
    basis: 'opinions-2017 §七 (不得同时享受职工医保待遇和居民医保待遇)',
  },
  'duplicate-student-benefit': {
    id: 'duplicate-student-benefit',
    title: 'University-student and ordinary-resident benefits in the same year',
    basis: 'opinions-2017 §八 (不再重复享受当年的普通居民医保待遇)',
  },
  'newborn-exemption': {
    id: 'newborn-exemption',
    title: 'Newborn birth-year exemption without an insured parent, or a wrong benefit start',
    basis: 'opinions-2017 §五(一)-(三)',
  },
  'cash-advance-late': {
    id: 'cash-advance-late',
    title: 'Cash-advance claim filed after the filing window',
    basis: 'opinions-2017 §十(四) (普通居民、大学生在治疗结束后的规定日内审核结算); policy cash-advance.filing-window-days',
  },
  'deductible-waiver': {
    id: 'deductible-waiver',
    title: 'Inpatient deductible waived for someone not entitled, or not waived for someone entitled',
    basis: 'linkage-2018 §二(二)1 (免除住院起付标准)',
  },
  'critical-illness-payment': {
    id: 'critical-illness-payment',
    title: 'Registered-poor critical-illness payment differs from the tiers, or exceeds the annual cap',
    basis: 'linkage-2018 §二(二)1 (建档立卡农村贫困人口大病保险: 累计计算、分段报销、按次结算, 年度最高支付限额), §二(三)1; policy critical-illness.registered-poor.*',
  },
  'assistance-payment': {
    id: 'assistance-payment',
    title: 'Medical assistance over the ratio or the annual cap, or paid before insurance',
    basis: 'linkage-2018 §二(二)2 (ratios and caps), §二(三)1 (保险在先、救助在后)',
  },
  'insurer-decision-late': {
    id: 'insurer-decision-late',
    title: 'Insurer decided a critical-illness claim later than the decision window',
    basis: 'linkage-2018 §二(四)1 (自收到赔付申请之日起规定日内作出理赔决定); policy insurer.decision-days',
  },
  'insurer-payment-late': {
    id: 'insurer-payment-late',
    title: 'Insurer paid a covered claim later than the payment window after its decision',
    basis: 'linkage-2018 §二(四)1 (属于保险责任的, 在规定日内赔付到位); policy insurer.payment-days',
  },
  'fund-deficit': {
    id: 'fund-deficit',
    title: 'Fund balance negative, or months of payment under the warning threshold',
    basis: 'opinions-2017 §二 (各区负责基金的收支平衡); policy parameter fund.months-of-payment-warning',
  },
  'stream-integrity': {
    id: 'stream-integrity',
    title: 'Gap, reorder, duplicate, unknown event or broken hash chain in the history',
    basis: 'SPEC.md (events appended once, never updated or deleted); integrity.ts hash chain',
  },
};

export function isRuleId(value: unknown): value is RuleId {
  return typeof value === 'string' && (RULE_IDS as readonly string[]).includes(value);
}
