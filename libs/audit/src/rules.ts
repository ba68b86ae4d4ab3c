import { assistancePayment } from './inspections/assistance-payment';
import { benefitOutsideCoverage } from './inspections/benefit-outside-coverage';
import { cashAdvanceLate } from './inspections/cash-advance-late';
import { criticalIllnessPayment } from './inspections/critical-illness-payment';
import { deductibleWaiver } from './inspections/deductible-waiver';
import { duplicateSettlement } from './inspections/duplicate-settlement';
import { dualSchemeBenefit } from './inspections/dual-scheme-benefit';
import { duplicateStudentBenefit } from './inspections/duplicate-student-benefit';
import { fundAttribution } from './inspections/fund-attribution';
import { fundDeficit } from './inspections/fund-deficit';
import { insurerDecisionLate } from './inspections/insurer-decision-late';
import { insurerPaymentLate } from './inspections/insurer-payment-late';
import { ledgerReconciliation } from './inspections/ledger-reconciliation';
import { newbornExemption } from './inspections/newborn-exemption';
import { splitAdmission } from './inspections/split-admission';
import { streamIntegrity } from './inspections/stream-integrity';
import { closedPeriod } from './inspections/closed-period';
import { bankReconciliation } from './inspections/bank-reconciliation';
import { basicPayment } from './inspections/basic-payment';
import type { AuditRule } from './rule';

/**
 * THE rule registry: every inspection the auditor makes (SPEC.md "Inspections the auditor must
 * produce"), one module each in inspections/. The auditor, the report and the scenario generator
 * only iterate this list; the order is the report's (summary.byRule, the HTML's table) and the
 * order the hooks run in.
 *
 * To add a rule: write inspections/<id>.ts exporting `defineRule({ id, title: { zh, en }, basis,
 * onEvent?, atEnd? })` (rule.ts) and add it here, at the end (README "Adding an auditor rule").
 */
export const AUDIT_RULES = [
  ledgerReconciliation,
  fundAttribution,
  benefitOutsideCoverage,
  dualSchemeBenefit,
  duplicateStudentBenefit,
  newbornExemption,
  cashAdvanceLate,
  deductibleWaiver,
  criticalIllnessPayment,
  assistancePayment,
  insurerDecisionLate,
  insurerPaymentLate,
  fundDeficit,
  streamIntegrity,
  closedPeriod,
  bankReconciliation,
  basicPayment,
  splitAdmission,
  duplicateSettlement,
] as const;

export type RuleId = (typeof AUDIT_RULES)[number]['id'];

/** The rule ids, in registry order. */
export const RULE_IDS: readonly RuleId[] = AUDIT_RULES.map((rule) => rule.id);

export interface RuleDescription {
  id: RuleId;
  title: { zh: string; en: string };
  /** The section of the seed texts, the 条例 article (or SPEC.md) the rule comes from. */
  basis: string;
}

/** Each rule's description by id, for reports. */
export const RULES: Readonly<Record<RuleId, RuleDescription>> = Object.fromEntries(
  AUDIT_RULES.map((rule: AuditRule<RuleId>) => [rule.id, { id: rule.id, title: rule.title, basis: rule.basis }]),
) as Record<RuleId, RuleDescription>;

export function isRuleId(value: unknown): value is RuleId {
  return typeof value === 'string' && (RULE_IDS as readonly string[]).includes(value);
}
