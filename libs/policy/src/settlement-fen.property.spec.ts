/**
 * The integer-fen settlement (settlement-fen.ts, behind settleClaim) against the decimal.js
 * reference (settlement-reference.ts) on seeded random claims, weighted towards the values where
 * rounding and clipping happen: a fen either side of deductibles, tier bounds and caps, half-fen
 * products, zero, the largest amounts the fen path takes and amounts beyond it. Every part, every
 * accumulation and the basis must be equal; refusals must be the same error.
 */
import type Decimal from 'decimal.js';
import { mulberry32 } from '../../../scripts/synthetic/prng';
import {
  CARE_TYPES,
  HARDSHIP_CODES,
  type HardshipCode,
  type InstitutionLevel,
  type Settlement,
  type SettlementInput,
  type YearAccumulations,
  emptyAccumulations,
  loadPolicy,
  PolicyDecimal,
  rememberingPolicy,
  settleClaim,
  settleClaimInFen,
  toDecimal,
} from './index';
import { criticalIllnessTierPayment, decimalAccumulationsOf, decimalOfFen, fenAccumulationsOf, fenOfAmount } from './settlement';
import { OUT_OF_RANGE, RATIO_SCALE, emptyFenAccumulations, fenToText, roundHalfUp, settleClaimFen } from './settlement-fen';
import { criticalIllnessTierPaymentReference, settleClaimReference } from './settlement-reference';

const plain = loadPolicy();
const remembering = rememberingPolicy(loadPolicy());
const DATES = ['2017-10-15', '2018-07-31', '2018-08-01', '2018-08-25', '2020-06-30', '2023-01-01', '2024-02-29', '2025-12-31'];

/** Everything a settlement says, as text, so a difference prints. */
function described(s: Settlement): Record<string, unknown> {
  const a = s.accumulations;
  return {
    parts: [s.basicFundPayment, s.criticalIllnessPayment, s.assistancePayment, s.personalPayment].map((d) => d.toFixed(2)),
    accumulations: [a.basicFundPaid, a.personalBurdenInScope, a.criticalIllnessPaid, a.assistancePaid, a.outpatientCompliant].map((d) => d.toString()),
    basis: { ...s.basis, deductible: s.basis.deductible.toString(), basicRatio: s.basis.basicRatio.toString(), assistanceRatio: s.basis.assistanceRatio.toString() },
  };
}

/** settleClaimInFen on the same claim, its answer back in Decimals. */
function settledInFen(policy: ReturnType<typeof loadPolicy>, input: SettlementInput): Settlement {
  const settled = settleClaimInFen(policy, { ...input, accumulations: fenAccumulationsOf(input.accumulations) });
  return {
    basicFundPayment: decimalOfFen(settled.basicFundPayment),
    criticalIllnessPayment: decimalOfFen(settled.criticalIllnessPayment),
    assistancePayment: decimalOfFen(settled.assistancePayment),
    personalPayment: decimalOfFen(settled.personalPayment),
    accumulations: decimalAccumulationsOf(settled.accumulations),
    basis: settled.basis,
  };
}

function outcome(settle: () => Settlement): Record<string, unknown> {
  try {
    return described(settle());
  } catch (error) {
    return { error: `${(error as Error).name}: ${(error as Error).message}` };
  }
}

describe('integer-fen settlement equals the decimal.js reference', () => {
  describe.each([20261202, 18, 4242])('random claims with edge values, seed %d', (seed) => {
    const random = mulberry32(seed);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
    const yuan = (fen: number): Decimal => toDecimal(fen).dividedBy(100);
    const fenOf = (d: Decimal): number => d.times(100).toNumber();

    /** A fen amount near one of `anchors` (±3 fen), or spread over magnitudes. */
    const amountNear = (anchors: number[]): number => {
      const draw = random();
      if (draw < 0.4 && anchors.length) return Math.max(0, pick(anchors) + Math.floor(random() * 7) - 3);
      if (draw < 0.45) return 0;
      if (draw < 0.48) return pick([1, 2, 3, 49, 50, 51, 99, 100, 101]);
      return Math.floor(random() * pick([100, 10_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000]));
    };

    it('over 2,500 person-years of threaded claims, plain and remembering policy', () => {
      let compared = 0;
      for (let personYear = 0; personYear < 2500; personYear++) {
        const policy = personYear % 2 === 0 ? plain : remembering;
        const on = pick(DATES);
        const hardship: HardshipCode[] = Array.from({ length: pick([0, 0, 1, 1, 2, 3]) }, () => pick(HARDSHIP_CODES));
        const entitledToBasic = random() < 0.85;
        let safeDate = true;
        let schedule;
        try {
          schedule = policy.criticalIllnessSchedule(hardship, on);
        } catch {
          safeDate = false;
        }
        const anchors: number[] = [];
        if (schedule) {
          anchors.push(fenOf(schedule.deductible), fenOf(schedule.annualCap));
          for (const tier of schedule.tiers) if (tier.upTo) anchors.push(fenOf(tier.upTo));
        }
        let accumulations: YearAccumulations = emptyAccumulations();
        if (random() < 0.3) {
          // a year already near its caps
          accumulations = {
            basicFundPaid: yuan(amountNear(safeDate ? [fenOf(policy.basicAnnualCap(on))] : [])),
            personalBurdenInScope: yuan(amountNear(anchors)),
            criticalIllnessPaid: yuan(amountNear(anchors)),
            assistancePaid: yuan(amountNear([1_000_000, 3_000_000, 4_000_000])),
            outpatientCompliant: yuan(amountNear(anchors)),
          };
        }
        const claims = 1 + Math.floor(random() * 12);
        for (let index = 0; index < claims; index++) {
          const careType = pick(CARE_TYPES);
          const level = pick([1, 2, 3] as InstitutionLevel[]);
          const deductibles = safeDate ? [fenOf(policy.basicDeductible(careType, level, on))] : [];
          const compliantFen = amountNear([...deductibles, ...anchors]);
          const totalFen = random() < 0.3 ? compliantFen : compliantFen + amountNear([0, 1]);
          const input: SettlementInput = {
            on,
            careType,
            institutionLevel: level,
            designated: random() < 0.8,
            totalCost: yuan(totalFen),
            compliantCost: yuan(compliantFen),
            hardship,
            entitledToBasic,
            accumulations,
            uninsuredAssistanceYearsUsed: pick([0, 0, 0, 1, 2]),
          };
          const reportDraw = random();
          if (reportDraw < 0.3) {
            const guess = (): Decimal => yuan(Math.floor(random() * (compliantFen + 2)));
            input.reported = {
              basicFundPayment: random() < 0.6 ? guess() : undefined,
              criticalIllnessPayment: random() < 0.4 ? guess() : undefined,
              assistancePayment: random() < 0.3 ? guess() : undefined,
            };
          }
          const fen = outcome(() => settleClaim(policy, input));
          const reference = outcome(() => settleClaimReference(policy, input));
          if (JSON.stringify(fen) !== JSON.stringify(reference)) {
            throw new Error(`differs on ${JSON.stringify({ seed, personYear, index, input })}:\nfen ${JSON.stringify(fen)}\nref ${JSON.stringify(reference)}`);
          }
          // The ledger's way in (its resident state holds the year's sums in fen): the same answer.
          const inFen = outcome(() => settledInFen(policy, input));
          if (!('error' in reference) && JSON.stringify(inFen) !== JSON.stringify(reference)) {
            throw new Error(`settleClaimInFen differs on ${JSON.stringify({ seed, personYear, index, input })}:\nfen ${JSON.stringify(inFen)}\nref ${JSON.stringify(reference)}`);
          }
          if ('error' in reference && !('error' in inFen)) throw new Error(`settleClaimInFen settled what the reference refuses: ${JSON.stringify(input)}`);
          compared += 1;
          if (!('error' in reference)) accumulations = settleClaimReference(policy, input).accumulations;
        }
      }
      expect(compared).toBeGreaterThan(12_000);
    });

    it('critical-illness tier payments on cumulative burdens around every bound', () => {
      for (let i = 0; i < 10_000; i++) {
        const on = pick(DATES);
        const hardship: HardshipCode[] = random() < 0.5 ? [] : [pick(HARDSHIP_CODES)];
        let anchors: number[] = [];
        try {
          const schedule = plain.criticalIllnessSchedule(hardship, on);
          anchors = [fenOf(schedule.deductible), fenOf(schedule.annualCap), ...schedule.tiers.filter((t) => t.upTo).map((t) => fenOf(t.upTo!))];
        } catch {
          // not in force: both must throw the same error
        }
        const before = amountNear(anchors);
        const after = before + amountNear([0, 1, ...anchors.map((a) => Math.max(0, a - before))]);
        const paid = amountNear(anchors);
        const args = [hardship, yuan(before), yuan(after), yuan(paid), on] as const;
        const fen = outcome(() => ({ x: criticalIllnessTierPayment(plain, ...args) }) as unknown as Settlement);
        const ref = outcome(() => ({ x: criticalIllnessTierPaymentReference(plain, ...args) }) as unknown as Settlement);
        expect(JSON.stringify(fen)).toBe(JSON.stringify(ref));
      }
    });
  });

  it('refusals are the reference errors, word for word', () => {
    const base: SettlementInput = {
      on: '2025-03-01', careType: 'inpatient', institutionLevel: 2, designated: true, totalCost: toDecimal('5000.00'),
      compliantCost: toDecimal('4000.00'), hardship: [], entitledToBasic: true, accumulations: emptyAccumulations(),
    };
    const cases: SettlementInput[] = [
      { ...base, on: '2025-02-30' },
      { ...base, on: '2016-01-01' },
      { ...base, careType: 'dental' as never },
      { ...base, totalCost: toDecimal('-1') },
      { ...base, compliantCost: toDecimal('1.005') },
      { ...base, compliantCost: toDecimal('6000') },
      { ...base, accumulations: { ...emptyAccumulations(), assistancePaid: toDecimal('-0.01') } },
      { ...base, reported: { basicFundPayment: toDecimal('4000.001') } },
      { ...base, reported: { basicFundPayment: toDecimal('4000'), criticalIllnessPayment: toDecimal('900'), assistancePayment: toDecimal('200') } },
    ];
    for (const input of cases) {
      const ref = outcome(() => settleClaimReference(plain, input));
      expect('error' in ref).toBe(true);
      expect(outcome(() => settleClaim(plain, input))).toEqual(ref);
    }
  });

  it('takes amounts beyond its exact range to the reference, with the same answer', () => {
    const input: SettlementInput = {
      on: '2025-03-01', careType: 'inpatient', institutionLevel: 3, designated: true, totalCost: toDecimal('123456789012345.67'),
      compliantCost: toDecimal('98765432109876.54'), hardship: ['dibao'], entitledToBasic: true, accumulations: emptyAccumulations(),
    };
    expect(() =>
      settleClaimFen(plain, { ...input, totalCost: 12345678901234567, compliantCost: 9876543210987654, accumulations: emptyFenAccumulations() }),
    ).toThrow(OUT_OF_RANGE);
    expect(described(settleClaim(plain, input))).toEqual(described(settleClaimReference(plain, input)));
    // Sub-fen accumulations are accepted by the reference: settled there too.
    const subFen = { ...input, totalCost: toDecimal('100.00'), compliantCost: toDecimal('100.00'), accumulations: { ...emptyAccumulations(), outpatientCompliant: toDecimal('0.001') } };
    expect(described(settleClaim(plain, subFen))).toEqual(described(settleClaimReference(plain, subFen)));
  });

  it('rounds half up on the exact quotient, next to every integer', () => {
    for (const fen of [0, 1, 99, 12345, 2 ** 33, Math.floor(Number.MAX_SAFE_INTEGER / RATIO_SCALE) - 1]) {
      for (const rest of [0, 1, RATIO_SCALE / 2 - 1, RATIO_SCALE / 2, RATIO_SCALE / 2 + 1, RATIO_SCALE - 1]) {
        const scaled = fen * RATIO_SCALE + rest;
        if (!Number.isSafeInteger(scaled)) continue;
        const expected = toDecimal(scaled).dividedBy(RATIO_SCALE).toDecimalPlaces(0, PolicyDecimal.ROUND_HALF_UP).toNumber();
        expect(`${scaled} → ${roundHalfUp(scaled)}`).toBe(`${scaled} → ${expected}`);
      }
    }
  });

  it('converts fen and Decimal yuan exactly as decimal.js parses and multiplies', () => {
    const random = mulberry32(53);
    const values = [1, 5, 9, 10, 45, 99, 100, 101, 105, 110, 1000, 99_999, 1e7, 1e7 + 1, 1e9, 1e9 + 5, 1e14 + 50, 2 ** 31, Number.MAX_SAFE_INTEGER];
    for (let i = 0; i < 3_000; i++) values.push(Math.floor(random() * 10 ** Math.floor(random() * 16)));
    const internal = (d: Decimal) => JSON.stringify(d as unknown as { s: number; e: number; d: number[] }, ['s', 'e', 'd']);
    for (const fen of values) {
      for (const signed of fen === 0 ? [0] : [fen, -fen]) {
        const parsed = new PolicyDecimal(fenToText(signed));
        const built = decimalOfFen(signed);
        expect(`${signed}: ${internal(built)} ${built.toFixed(2)}`).toBe(`${signed}: ${internal(parsed)} ${parsed.toFixed(2)}`);
        if (signed >= 0) {
          expect(fenOfAmount(parsed)).toBe(signed);
          // the same value reached by arithmetic (other word layouts are impossible, but the values differ in history)
          expect(fenOfAmount(parsed.plus(1).minus(1))).toBe(signed);
          expect(fenOfAmount(parsed.times(100).dividedBy(100))).toBe(signed);
        } else {
          expect(() => fenOfAmount(parsed)).toThrow();
        }
      }
    }
    for (const text of ['0.001', '1.005', '12345678.123', '1e-7', '0.000000001']) expect(() => fenOfAmount(new PolicyDecimal(text))).toThrow();
    expect(() => fenOfAmount(new PolicyDecimal('-0'))).toThrow();
    expect(() => fenOfAmount(new PolicyDecimal('90071992547409.92'))).toThrow();
    expect(fenOfAmount(new PolicyDecimal('1e10'))).toBe(1e12);
  });
});
