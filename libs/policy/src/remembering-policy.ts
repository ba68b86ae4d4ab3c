import { isValidBusinessDate } from './dates';
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

/**
 * The remembered questions whose answer depends on their last argument, a date, only through the
 * parameters in force on it (every one but isNewborn, which compares it with a birth date, and
 * the premium, asked by year): they
 * are remembered by the date's parameter period instead of by the date, so a claim on a day not
 * asked before is answered from memory too (the import asks them with every claim's admission day).
 */
const BY_PARAMETER_PERIOD: ReadonlySet<string> = new Set(REMEMBERED.filter((name) => name !== 'isNewborn' && name !== 'criticalIllnessPremiumPerCapita'));

/** Dates read into their parameter period, remembered (a few thousand days at most). */
const MAX_PERIODS_REMEMBERED = 100_000;
/** The period before the first effective date: every question on it throws (not remembered). */
const BEFORE_ANY = Symbol('before any effective date');

/**
 * A date → the latest effective date on or before it (its parameter period), or the date itself
 * when it is not a valid business date (so the question is asked, and throws, as before).
 */
function parameterPeriods(policy: Policy): (date: unknown) => unknown {
  const starts = policy.effectiveDates();
  const known = new Map<unknown, unknown>();
  return (date) => {
    let period = known.get(date);
    if (period !== undefined) return period;
    if (typeof date !== 'string' || !isValidBusinessDate(date)) return date;
    let low = 0;
    let high = starts.length;
    // The first effective date after `date`; the one before it starts its period.
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (starts[middle] <= date) low = middle + 1;
      else high = middle;
    }
    period = low === 0 ? BEFORE_ANY : starts[low - 1];
    if (known.size < MAX_PERIODS_REMEMBERED) known.set(date, period);
    return period;
  };
}

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
  const periodOf = parameterPeriods(policy);
  for (const name of REMEMBERED) {
    const byPeriod = BY_PARAMETER_PERIOD.has(name);
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
        const part = last < 0 ? undefined : byPeriod ? periodOf(args[last]) : keyPart(args[last]);
        if (node.has(part)) return node.get(part);
        const answer = ask(...args);
        node.set(part, answer);
        return answer;
      },
    });
  }
  return remembering;
}
