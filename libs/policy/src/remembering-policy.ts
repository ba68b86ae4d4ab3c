import type { Policy } from './parameters';

/**
 * The policy as the auditor and the ledger ask it: the same answers, remembered. An audit or an
 * import asks the same few questions (a window on a date, a ratio for a level on a date…)
 * hundreds of thousands of times, and each answer is a lookup in dated values behind a date check. Answers are immutable values
 * (Decimals, frozen-in-use lists), so sharing them is safe; a question the policy cannot answer
 * (a parameter not in force yet) is asked again, and throws again, every time.
 */
const REMEMBERED = [
  'newbornMaxAgeYears',
  'newbornWindowDays',
  'ordinaryBenefitWaitingDays',
  'isNewborn',
  'cashAdvanceWindowDays',
  'insurerDecisionDays',
  'insurerPaymentDays',
  'splitAdmissionDays',
  'monthsOfPaymentWarning',
  'criticalIllnessPremiumPerCapita',
  'monthsOfPaymentShortage',
  'monthsOfPaymentExcess',
  'expandHardship',
  'deductibleWaived',
  'inpatientRatioIncrease',
  'basicDeductible',
  'basicRatio',
  'basicAnnualCap',
  'nonDesignatedRatioReduction',
  'criticalIllnessCareTypes',
  'criticalIllnessSchedule',
  'assistanceGroup',
  'outpatientAssistanceBelowThresholdRatio',
  'uninsuredAssistanceMaxYears',
  'assistanceGroupNamed',
  'illnessPovertyLookbackMonths',
] as const satisfies ReadonlyArray<keyof Policy>;

function keyOf(args: readonly unknown[]): string {
  return args.map((arg) => (Array.isArray(arg) ? arg.join('+') : String(arg))).join('|');
}

/** A Policy that answers like `policy` (it is one, by prototype) and remembers its answers. */
export function rememberingPolicy(policy: Policy): Policy {
  const remembering = Object.create(policy) as Policy;
  for (const name of REMEMBERED) {
    const ask = (policy[name] as (...args: unknown[]) => unknown).bind(remembering);
    const answers = new Map<string, unknown>();
    Object.defineProperty(remembering, name, {
      value: (...args: unknown[]) => {
        const key = keyOf(args);
        if (answers.has(key)) return answers.get(key);
        const answer = ask(...args);
        answers.set(key, answer);
        return answer;
      },
    });
  }
  return remembering;
}
