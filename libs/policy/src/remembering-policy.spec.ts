import { ASSISTANCE_GROUPS, CARE_TYPES, HARDSHIP_CODES, type HardshipCode, INSTITUTION_LEVELS } from './codes';
import { addDays } from './dates';
import { loadPolicy } from './parameters';
import { rememberingPolicy } from './remembering-policy';

/** What a call gives: its answer, or the error it throws (class and message). */
function outcome(ask: () => unknown): unknown {
  try {
    return { answer: ask() };
  } catch (error) {
    return { threw: (error as Error).name, message: (error as Error).message };
  }
}

describe('rememberingPolicy', () => {
  const policy = loadPolicy();

  it('answers every remembered question as the policy does, on every day around every effective date', () => {
    // A fresh one per sweep: its answers are remembered by parameter period, so the days asked
    // after the first of a period are answered from memory and must still be the policy's.
    const remembering = rememberingPolicy(policy);
    const days = new Set<string>();
    for (const start of policy.effectiveDates()) for (let offset = -40; offset <= 40; offset += 1) days.add(addDays(start, offset));
    for (let day = '2019-01-01'; day <= '2031-12-31'; day = addDays(day, 7)) days.add(day);
    const hardships: HardshipCode[][] = [[], ...HARDSHIP_CODES.map((code) => [code]), [...HARDSHIP_CODES]];
    const questions: Array<[string, (p: typeof policy, on: string) => unknown]> = [
      ['newbornMaxAgeYears', (p, on) => p.newbornMaxAgeYears(on)],
      ['cashAdvanceWindowDays', (p, on) => [p.cashAdvanceWindowDays(true, on), p.cashAdvanceWindowDays(false, on)]],
      ['insurerDecisionDays', (p, on) => p.insurerDecisionDays(on)],
      ['monthsOfPaymentShortage', (p, on) => p.monthsOfPaymentShortage(on)],
      ['basic', (p, on) => CARE_TYPES.flatMap((c) => INSTITUTION_LEVELS.map((l) => [p.basicDeductible(c, l, on), p.basicRatio(c, l, on)]))],
      ['basicAnnualCap', (p, on) => [p.basicAnnualCap(on), p.nonDesignatedRatioReduction(on), p.criticalIllnessCareTypes(on)]],
      ['hardship', (p, on) => hardships.map((h) => [p.expandHardship(h, on), p.deductibleWaived(h, on), p.inpatientRatioIncrease(h, on), p.criticalIllnessSchedule(h, on)])],
      ['assistance', (p, on) => hardships.map((h) => [true, false].map((e) => [p.assistanceGroup(h, e, on), p.oneStopAssistanceGroup(h, e, on)]))],
      ['groups', (p, on) => [p.oneStopAssistanceGroups(on), ...ASSISTANCE_GROUPS.map((g) => p.assistanceGroupNamed(g, on))]],
      ['isNewborn', (p, on) => [p.isNewborn('2024-03-01', on), p.isNewborn(on, '2025-01-01')]],
      ['others', (p, on) => [p.outpatientAssistanceBelowThresholdRatio(on), p.uninsuredAssistanceMaxYears(on), p.illnessPovertyLookbackMonths(on)]],
    ];
    const mismatches: string[] = [];
    for (const day of [...days].sort()) {
      for (const [name, ask] of questions) {
        const expected = JSON.stringify(outcome(() => ask(policy, day)));
        const got = JSON.stringify(outcome(() => ask(remembering, day)));
        if (got !== expected) mismatches.push(`${name} on ${day}: ${got} instead of ${expected}`);
      }
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
    expect(days.size).toBeGreaterThan(600);
  });

  it('still refuses a date that is not a business date, even after a valid one was answered', () => {
    const remembering = rememberingPolicy(policy);
    expect(remembering.basicAnnualCap('2025-03-01')).toEqual(policy.basicAnnualCap('2025-03-01'));
    for (const bad of ['2025-02-30', '2025-3-01', '', 'x']) {
      expect(() => remembering.basicAnnualCap(bad)).toThrow(RangeError);
      expect(outcome(() => remembering.expandHardship(['dibao'], bad))).toEqual(outcome(() => policy.expandHardship(['dibao'], bad)));
      expect(outcome(() => remembering.expandHardship([], bad))).toEqual(outcome(() => policy.expandHardship([], bad)));
    }
  });
});
