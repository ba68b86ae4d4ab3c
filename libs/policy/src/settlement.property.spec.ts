/**
 * Property-style checks over many seeded random claims: the parts of a settlement always add up
 * to the total cost to the fen, none is negative or finer than a fen, insurance never exceeds
 * the compliant cost, and no annual cap is ever exceeded while accumulations are threaded
 * through a person's year.
 */
import type Decimal from 'decimal.js';
import {
  CARE_TYPES,
  HARDSHIP_CODES,
  type HardshipCode,
  type InstitutionLevel,
  type YearAccumulations,
  criticalIllnessTierPayment,
  emptyAccumulations,
  loadPolicy,
  settleClaim,
  toDecimal,
} from './index';
import { mulberry32 } from '../../../scripts/synthetic/prng';

const policy = loadPolicy();

/** mulberry32 (the synthetic year's), so a failure replays identically. */
const seededRandom = mulberry32;

const DATES = ['2017-10-15', '2018-07-31', '2018-08-01', '2018-08-25', '2020-06-30', '2023-01-01', '2024-02-29', '2025-12-31'];

describe.each([20240501, 7, 123456789])('random claims, seed %d', (seed) => {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  /** A whole number of fen below `limit`. */
  const randomFenBelow = (limit: number): number => Math.floor(random() * limit);
  const yuanOfFen = (fen: number): Decimal => toDecimal(fen).dividedBy(100);
  const randomHardship = (): HardshipCode[] => {
    const count = pick([0, 0, 1, 1, 2]);
    return Array.from({ length: count }, () => pick(HARDSHIP_CODES));
  };

  it('keeps every invariant over 300 person-years of up to 15 claims', () => {
    for (let personYear = 0; personYear < 300; personYear++) {
      const on = pick(DATES);
      const hardship = randomHardship();
      const entitledToBasic = random() < 0.9;
      let accumulations: YearAccumulations = emptyAccumulations();
      const claims = 1 + Math.floor(random() * 15);
      for (let index = 0; index < claims; index++) {
        const careType = pick(CARE_TYPES);
        // skewed so that small, medium and very large claims all occur
        const totalFen = randomFenBelow(pick([100, 10_000, 1_000_000, 10_000_000, 100_000_000]));
        const compliantFen = random() < 0.3 ? totalFen : randomFenBelow(totalFen + 1);
        const totalCost = yuanOfFen(totalFen);
        const compliantCost = yuanOfFen(compliantFen);
        const before = accumulations;
        const settlement = settleClaim(policy, {
          on,
          careType,
          institutionLevel: pick([1, 2, 3] as InstitutionLevel[]),
          designated: random() < 0.8,
          totalCost,
          compliantCost,
          hardship,
          entitledToBasic,
          accumulations,
        });
        const { basicFundPayment: basic, criticalIllnessPayment: critical, assistancePayment: assistance, personalPayment: personal } = settlement;
        const context = JSON.stringify({ seed, personYear, index, on, careType, hardship, entitledToBasic, total: totalCost, compliant: compliantCost });

        for (const part of [basic, critical, assistance, personal]) {
          if (part.isNegative() || part.decimalPlaces() > 2) throw new Error(`bad part ${part.toString()} in ${context}`);
        }
        if (!basic.plus(critical).plus(assistance).plus(personal).equals(totalCost)) throw new Error(`parts do not add up in ${context}`);
        if (basic.plus(critical).plus(assistance).greaterThan(compliantCost)) throw new Error(`paid more than the compliant cost in ${context}`);
        if (!entitledToBasic && (!basic.isZero() || !critical.isZero())) throw new Error(`insurance paid a person not entitled in ${context}`);

        accumulations = settlement.accumulations;
        if (accumulations.basicFundPaid.greaterThan(policy.basicAnnualCap(on))) throw new Error(`basic cap exceeded in ${context}`);
        const schedule = policy.criticalIllnessSchedule(hardship, on);
        if (accumulations.criticalIllnessPaid.greaterThan(schedule.annualCap)) throw new Error(`critical-illness cap exceeded in ${context}`);
        const group = policy.assistanceGroup(hardship, entitledToBasic, on);
        if (accumulations.assistancePaid.greaterThan(group.annualCap)) throw new Error(`assistance cap exceeded in ${context}`);

        // The auditor's independent recomputation of the critical-illness payment agrees.
        if (!critical.isZero()) {
          const recomputed = criticalIllnessTierPayment(policy, hardship, before.personalBurdenInScope, accumulations.personalBurdenInScope, before.criticalIllnessPaid, on);
          if (!recomputed.equals(critical)) throw new Error(`critical-illness recomputation differs in ${context}`);
        }
      }
    }
  });
});
