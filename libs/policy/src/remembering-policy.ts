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
  'oneStopAssistanceGroup',
  'oneStopAssistanceGroups',
  'outpatientAssistanceBelowThresholdRatio',
  'uninsuredAssistanceMaxYears',
  'assistanceGroupNamed',
  'illnessPovertyLookbackMonths',
] as const satisfies ReadonlyArray<keyof Policy>;

/** A hardship list is one answer's key by its codes; every other argument by its value. */
function keyPart(arg: unknown): unknown {
  return Array.isArray(arg) ? arg.join('+') : arg;
}

/**
 * A Policy that answers like `policy` (it is one, by prototype) and remembers its answers, in a
 * tree of Maps keyed argument by argument (no key text is built per question: the ledger and the
 * auditor ask several per claim).
 */
export function rememberingPolicy(policy: Policy): Policy {
  const remembering = Object.create(policy) as Policy;
  for (const name of REMEMBERED) {
    const ask = (policy[name] as (...args: unknown[]) => unknown).bind(remembering);
    const byArity = new Map<number, Map<unknown, unknown>>();
    Object.defineProperty(remembering, name, {
      value: (...args: unknown[]) => {
        let node = byArity.get(args.length);
        if (!node) byArity.set(args.length, (node = new Map()));
        const last = args.length - 1;
        for (let i = 0; i < last; i += 1) {
          const part = keyPart(args[i]);
          let next = node.get(part) as Map<unknown, unknown> | undefined;
          if (!next) node.set(part, (next = new Map()));
          node = next;
        }
        const part = last < 0 ? undefined : keyPart(args[last]);
        if (node.has(part)) return node.get(part);
        const answer = ask(...args);
        node.set(part, answer);
        return answer;
      },
    });
  }
  return remembering;
}
