/**
 * Settlement rules from linkage-2018 §二(二)-(三). Figures of the texts (4800, 65/75/85%, 500000,
 * 80%/70000, 70%/40000, 60%/30000, 30%/10000, +2 points) are written here as numbers; figures
 * the texts do not give (ordinary deductibles and ratios, caps) are read from the parameters.
 */
import type Decimal from 'decimal.js';
import {
  HARDSHIP_CODES,
  type HardshipCode,
  type SettlementInput,
  type YearAccumulations,
  criticalIllnessTierPayment,
  emptyAccumulations,
  loadPolicy,
  roundFen,
  settleClaim,
  toDecimal,
} from './index';

const policy = loadPolicy();
const ON = '2024-05-01';
const d = (value: string | number) => toDecimal(value);
const yuan = (value: Decimal) => value.toFixed(2);

function claim(overrides: Partial<SettlementInput> = {}): SettlementInput {
  return {
    on: ON,
    careType: 'inpatient',
    institutionLevel: 3,
    designated: true,
    totalCost: d('10000.00'),
    compliantCost: d('10000.00'),
    hardship: [],
    entitledToBasic: true,
    accumulations: emptyAccumulations(),
    ...overrides,
  };
}

/** Accumulations where the year's basic fund cap is used up, so the whole compliant cost is personal burden. */
function basicCapReached(extra: Partial<YearAccumulations> = {}): YearAccumulations {
  return { ...emptyAccumulations(), basicFundPaid: policy.basicAnnualCap(ON), ...extra };
}

function expectPartsAddUp(settlement: ReturnType<typeof settleClaim>, total: Decimal): void {
  const parts = [settlement.basicFundPayment, settlement.criticalIllnessPayment, settlement.assistancePayment, settlement.personalPayment];
  for (const part of parts) {
    expect(part.isNegative()).toBe(false);
    expect(part.decimalPlaces()).toBeLessThanOrEqual(2);
  }
  expect(yuan(parts.reduce((sum, part) => sum.plus(part)))).toBe(yuan(total));
}

describe('roundFen: the one rounding rule (half up to the fen)', () => {
  it.each([
    ['0.005', '0.01'],
    ['0.0049', '0.00'],
    ['0.0065', '0.01'],
    ['2.345', '2.35'],
    ['2.3449999', '2.34'],
    ['100.00', '100.00'],
  ])('%s → %s', (value, rounded) => {
    expect(yuan(roundFen(d(value)))).toBe(rounded);
  });
});

describe('registered-poor critical-illness tiers (linkage-2018 §二(二)1)', () => {
  const registeredPoor: HardshipCode[] = ['registered-poor'];
  it.each([
    // [cumulative before, cumulative after, already paid this year, payment]
    ['0.00', '4800.00', '0.00', '0.00'], // at the deductible: nothing
    ['0.00', '4800.01', '0.00', '0.01'], // 0.01 × 65% = 0.0065 → 0.01
    ['4800.00', '4800.01', '0.00', '0.01'],
    ['0.00', '30000.00', '0.00', '16380.00'], // 25200 × 65%
    ['30000.00', '30000.01', '16380.00', '0.01'], // 0.01 × 75% = 0.0075 → 0.01
    ['0.00', '100000.00', '0.00', '68880.00'], // 16380 + 70000 × 75%
    ['20000.00', '120000.00', '9880.00', '76000.00'], // crosses 30000 and 100000 in one claim: 85880 − 9880
    ['0.00', '120000.00', '0.00', '85880.00'], // 16380 + 52500 + 20000 × 85%
    ['600000.00', '700000.00', '493880.00', '6120.00'], // reaches the 500000 cap
    ['700000.00', '800000.00', '500000.00', '0.00'], // cap reached: nothing more this year
    ['0.00', '10000000.00', '0.00', '500000.00'],
    ['50000.00', '50001.00', '0.00', '1.00'], // never more than the visit added to the burden
  ])('cumulative %s → %s, paid %s → %s', (before, after, paid, payment) => {
    expect(yuan(criticalIllnessTierPayment(policy, registeredPoor, d(before), d(after), d(paid), ON))).toBe(payment);
  });

  it('settles per visit, cumulatively, so visit payments add up to the tier amount of the year total', () => {
    let paid = d(0);
    let cumulative = d(0);
    for (const step of ['3000.00', '1800.00', '0.01', '25199.99', '70000.00', '0.33', '12345.67']) {
      const after = cumulative.plus(step);
      paid = paid.plus(criticalIllnessTierPayment(policy, registeredPoor, cumulative, after, paid, ON));
      cumulative = after;
    }
    // cumulative 112346.00: 16380 + 52500 + 12346 × 85% = 79374.10
    expect(yuan(cumulative)).toBe('112346.00');
    expect(yuan(paid)).toBe('79374.10');
  });

  it('uses the ordinary schedule for everyone else and for registered-poor before 2018-08-25', () => {
    const ordinary = policy.ordinaryCriticalIllness(ON);
    expect(yuan(criticalIllnessTierPayment(policy, ['dibao'], d(0), d('4800.01'), d(0), ON))).toBe('0.00');
    expect(yuan(criticalIllnessTierPayment(policy, ['registered-poor'], d(0), d('4800.01'), d(0), '2018-08-24'))).toBe('0.00');
    expect(yuan(criticalIllnessTierPayment(policy, ['registered-poor'], d(0), d('4800.01'), d(0), '2018-08-25'))).toBe('0.01');
    const justAbove = ordinary.deductible.plus('100.00');
    expect(yuan(criticalIllnessTierPayment(policy, [], d(0), justAbove, d(0), ON))).toBe(yuan(roundFen(d(100).times(ordinary.tiers[0].ratio))));
  });

  it('rejects a cumulative burden that goes down', () => {
    expect(() => criticalIllnessTierPayment(policy, registeredPoor, d(100), d(99), d(0), ON)).toThrow(RangeError);
  });
});

describe('settleClaim: insurance first, assistance after (linkage-2018 §二(三)1)', () => {
  it('a registered-poor inpatient claim, step by step', () => {
    const input = claim({ hardship: ['registered-poor'], totalCost: d('52000.00'), compliantCost: d('50000.00') });
    const deductible = policy.basicDeductible('inpatient', 3, ON); // registered-poor are not in the waiver list
    const basic = roundFen(d('50000.00').minus(deductible).times(policy.basicRatio('inpatient', 3, ON)));
    const burden = d('50000.00').minus(basic);
    expect(burden.greaterThan(4800) && burden.lessThanOrEqualTo(30000)).toBe(true);
    const critical = roundFen(burden.minus(4800).times('0.65'));
    const assistance = roundFen(d('50000.00').minus(basic).minus(critical).times('0.80'));
    const personal = d('52000.00').minus(basic).minus(critical).minus(assistance);

    const settlement = settleClaim(policy, input);
    expect(yuan(settlement.basicFundPayment)).toBe(yuan(basic));
    expect(yuan(settlement.criticalIllnessPayment)).toBe(yuan(critical));
    expect(yuan(settlement.assistancePayment)).toBe(yuan(assistance));
    expect(yuan(settlement.personalPayment)).toBe(yuan(personal));
    expectPartsAddUp(settlement, d('52000.00'));
    expect(settlement.basis).toMatchObject({ deductibleWaived: false, criticalIllnessSchedule: 'registered-poor', assistanceGroup: 'key' });
    expect(yuan(settlement.accumulations.personalBurdenInScope)).toBe(yuan(burden));
    expect(yuan(settlement.accumulations.criticalIllnessPaid)).toBe(yuan(critical));
    expect(yuan(settlement.accumulations.assistancePaid)).toBe(yuan(assistance));
    expect(yuan(settlement.accumulations.basicFundPaid)).toBe(yuan(basic));
  });

  it('the cumulative burden 4800.00 pays no critical illness; 4800.01 pays 0.01', () => {
    const first = settleClaim(policy, claim({ hardship: ['registered-poor'], compliantCost: d('4800.00'), totalCost: d('4800.00'), accumulations: basicCapReached() }));
    expect(yuan(first.basicFundPayment)).toBe('0.00');
    expect(yuan(first.accumulations.personalBurdenInScope)).toBe('4800.00');
    expect(yuan(first.criticalIllnessPayment)).toBe('0.00');
    const second = settleClaim(policy, claim({ hardship: ['registered-poor'], compliantCost: d('0.01'), totalCost: d('0.01'), accumulations: first.accumulations }));
    expect(yuan(second.criticalIllnessPayment)).toBe('0.01');
    expect(yuan(second.assistancePayment)).toBe('0.00'); // nothing left of the compliant cost
    expect(yuan(second.personalPayment)).toBe('0.00');
  });

  it('crosses 30000 and 100000 inside one claim', () => {
    const settlement = settleClaim(
      policy,
      claim({
        hardship: ['registered-poor'],
        compliantCost: d('100000.00'),
        totalCost: d('100000.00'),
        accumulations: basicCapReached({ personalBurdenInScope: d('20000.00'), criticalIllnessPaid: d('9880.00') }),
      }),
    );
    expect(yuan(settlement.criticalIllnessPayment)).toBe('76000.00');
    expect(yuan(settlement.accumulations.personalBurdenInScope)).toBe('120000.00');
    expect(yuan(settlement.accumulations.criticalIllnessPaid)).toBe('85880.00');
    // key target: 80% of what insurance left (24000), within 70000
    expect(yuan(settlement.assistancePayment)).toBe('19200.00');
    expect(yuan(settlement.personalPayment)).toBe('4800.00');
  });

  it('over a year of large claims, stops at the 500000 critical-illness cap and the 70000 key assistance cap; a new year starts afresh', () => {
    const input = claim({ hardship: ['registered-poor'], compliantCost: d('100000.00'), totalCost: d('105000.00') });
    let accumulations = emptyAccumulations();
    const critical: string[] = [];
    const assistance: string[] = [];
    for (let visit = 0; visit < 10; visit++) {
      const before = accumulations;
      const settlement = settleClaim(policy, { ...input, accumulations });
      expectPartsAddUp(settlement, d('105000.00'));
      // the auditor's recomputation gives the same payment
      expect(yuan(settlement.criticalIllnessPayment)).toBe(
        yuan(criticalIllnessTierPayment(policy, ['registered-poor'], before.personalBurdenInScope, settlement.accumulations.personalBurdenInScope, before.criticalIllnessPaid, ON)),
      );
      critical.push(yuan(settlement.criticalIllnessPayment));
      assistance.push(yuan(settlement.assistancePayment));
      accumulations = settlement.accumulations;
      expect(accumulations.criticalIllnessPaid.lessThanOrEqualTo(500000)).toBe(true);
      expect(accumulations.assistancePaid.lessThanOrEqualTo(70000)).toBe(true);
      expect(accumulations.basicFundPaid.lessThanOrEqualTo(policy.basicAnnualCap(ON))).toBe(true);
    }
    expect(yuan(accumulations.criticalIllnessPaid)).toBe('500000.00');
    expect(yuan(accumulations.assistancePaid)).toBe('70000.00');
    expect(critical[critical.length - 1]).toBe('0.00');
    expect(assistance[assistance.length - 1]).toBe('0.00');

    // Same claim on 2 January next year with fresh accumulations: paid again.
    const nextYear = settleClaim(policy, { ...input, on: '2025-01-02', accumulations: emptyAccumulations() });
    const firstThisYear = settleClaim(policy, { ...input, accumulations: emptyAccumulations() });
    expect(yuan(nextYear.criticalIllnessPayment)).toBe(yuan(firstThisYear.criticalIllnessPayment));
    expect(nextYear.criticalIllnessPayment.greaterThan(0)).toBe(true);
    expect(nextYear.assistancePayment.greaterThan(0)).toBe(true);
  });

  describe('assistance caps across claims in a year (linkage-2018 §二(二)2)', () => {
    it.each([
      [['low-income'], '0.70', '40000.00'],
      [['low-income-elderly'], '0.70', '40000.00'],
      [['illness-poverty', 'low-income'], '0.70', '40000.00'],
      [['dibao'], '0.80', '70000.00'],
    ] as const)('%j: %s of what insurance left, at most %s a year', (hardship, ratio, cap) => {
      const input = claim({ hardship: [...hardship], compliantCost: d('30000.00'), totalCost: d('31000.00') });
      let accumulations = emptyAccumulations();
      for (let visit = 0; visit < 30; visit++) {
        const settlement = settleClaim(policy, { ...input, accumulations });
        expectPartsAddUp(settlement, d('31000.00'));
        const leftByInsurance = d('30000.00').minus(settlement.basicFundPayment).minus(settlement.criticalIllnessPayment);
        const byRatio = leftByInsurance.times(ratio);
        const capLeft = d(cap).minus(accumulations.assistancePaid);
        expect(yuan(settlement.assistancePayment)).toBe(yuan(roundFen(byRatio.lessThan(capLeft) ? byRatio : capLeft)));
        accumulations = settlement.accumulations;
      }
      expect(yuan(accumulations.assistancePaid)).toBe(cap);
    });

    it('illness-poverty targets get no assistance at settlement: they are assisted on application (linkage-2018 §二(二)2-3)', () => {
      const input = claim({ hardship: ['illness-poverty'], compliantCost: d('30000.00'), totalCost: d('31000.00') });
      const settlement = settleClaim(policy, input);
      expect(yuan(settlement.assistancePayment)).toBe('0.00');
      expect(settlement.basis.assistanceGroup).toBeNull();
      expect(yuan(settlement.personalPayment)).toBe(yuan(d('31000.00').minus(settlement.basicFundPayment).minus(settlement.criticalIllnessPayment)));
      // Not entitled to basic benefits, the uninsured rule is one-stop for them as for everyone.
      const uninsured = settleClaim(policy, { ...input, entitledToBasic: false });
      expect([uninsured.basis.assistanceGroup, yuan(uninsured.assistancePayment)]).toEqual(['uninsured', '9000.00']);
    });

    it('uninsured / not entitled: no insurance, 30% of the personal burden, 10000 a year', () => {
      const input = claim({ hardship: ['dibao'], entitledToBasic: false, compliantCost: d('20000.00'), totalCost: d('21000.00') });
      const first = settleClaim(policy, input);
      expect([first.basicFundPayment, first.criticalIllnessPayment, first.assistancePayment, first.personalPayment].map(yuan)).toEqual(['0.00', '0.00', '6000.00', '15000.00']);
      expect(first.basis.assistanceGroup).toBe('uninsured');
      const second = settleClaim(policy, { ...input, accumulations: first.accumulations });
      expect(yuan(second.assistancePayment)).toBe('4000.00');
      const third = settleClaim(policy, { ...input, accumulations: second.accumulations });
      expect(yuan(third.assistancePayment)).toBe('0.00');
      expect(yuan(third.personalPayment)).toBe('21000.00');
    });

    it('uninsured without any hardship group: no assistance either', () => {
      const settlement = settleClaim(policy, claim({ entitledToBasic: false }));
      expect(yuan(settlement.personalPayment)).toBe('10000.00');
    });

    it('before 2018-08 key targets got 70% within 50000; from 2018-08-01 80% within 70000', () => {
      const base = { hardship: ['dibao'] as HardshipCode[], compliantCost: d('20000.00'), totalCost: d('20000.00') };
      const july = settleClaim(policy, claim({ ...base, on: '2018-07-31', accumulations: { ...basicCapReached(), assistancePaid: d('49000.00') } }));
      expect(yuan(july.assistancePayment)).toBe('1000.00');
      expect(july.basis.assistanceRatio.toFixed(2)).toBe('0.70');
      const august = settleClaim(policy, claim({ ...base, on: '2018-08-01', accumulations: { ...basicCapReached(), assistancePaid: d('49000.00') } }));
      expect(august.basis.assistanceRatio.toFixed(2)).toBe('0.80');
      // 80% of what insurance left, well within the 21000 left under the new 70000 cap
      expect(yuan(august.assistancePayment)).toBe(yuan(roundFen(d('20000.00').minus(august.criticalIllnessPayment).times('0.80'))));
      expect(august.assistancePayment.greaterThan('1000.00')).toBe(true);
    });
  });

  describe('inpatient deductible waiver (linkage-2018 §二(二)1)', () => {
    const waivedGroups: HardshipCode[] = ['extreme-poverty', 'orphan', 'dibao', 'special-care', 'disabled-incapable', 'dibao-disabled'];
    it.each(HARDSHIP_CODES.map((code) => [code, waivedGroups.includes(code)] as const))('%s → waived %s', (code, waived) => {
      const settlement = settleClaim(policy, claim({ institutionLevel: 2, hardship: [code] }));
      const deductible = waived ? d(0) : policy.basicDeductible('inpatient', 2, ON);
      const ratio = policy.basicRatio('inpatient', 2, ON).plus(code === 'dibao-disabled' ? '0.02' : '0');
      expect(settlement.basis.deductibleWaived).toBe(waived);
      expect(yuan(settlement.basicFundPayment)).toBe(yuan(roundFen(d('10000.00').minus(deductible).times(ratio))));
    });

    it('is not waived for residents without a hardship group', () => {
      const settlement = settleClaim(policy, claim({ institutionLevel: 1 }));
      expect(settlement.basis.deductibleWaived).toBe(false);
      expect(yuan(settlement.basis.deductible)).toBe(yuan(policy.basicDeductible('inpatient', 1, ON)));
    });

    it('waives only the inpatient deductible', () => {
      for (const careType of ['outpatient', 'chronic-outpatient'] as const) {
        expect(settleClaim(policy, claim({ careType, hardship: ['dibao'] })).basis.deductibleWaived).toBe(false);
      }
    });

    it('was not waived before the linkage scheme (assumption)', () => {
      expect(settleClaim(policy, claim({ on: '2018-08-24', hardship: ['dibao'] })).basis.deductibleWaived).toBe(false);
    });
  });

  describe('dibao-disabled: inpatient ratio +2 points (linkage-2018 §二(二)1)', () => {
    it.each([1, 2, 3] as const)('level %d', (level) => {
      const plain = settleClaim(policy, claim({ institutionLevel: level, hardship: ['dibao'] }));
      const disabled = settleClaim(policy, claim({ institutionLevel: level, hardship: ['dibao-disabled'] }));
      expect(disabled.basis.basicRatio.minus(plain.basis.basicRatio).toFixed(2)).toBe('0.02');
      // both waived, so the difference in payment is 2% of the whole compliant cost
      expect(yuan(disabled.basicFundPayment.minus(plain.basicFundPayment))).toBe('200.00');
    });

    it('not for outpatient care', () => {
      const plain = settleClaim(policy, claim({ careType: 'outpatient', institutionLevel: 1 }));
      const disabled = settleClaim(policy, claim({ careType: 'outpatient', institutionLevel: 1, hardship: ['dibao-disabled'] }));
      expect(yuan(disabled.basicFundPayment)).toBe(yuan(plain.basicFundPayment));
    });
  });

  describe('outpatient assistance joins the inpatient pool once the year’s compliant outpatient cost reaches the critical-illness deductible (linkage-2018 §二(二)2)', () => {
    const belowRatio = policy.outpatientAssistanceBelowThresholdRatio(ON);
    const outpatient = (compliant: string, accumulations: YearAccumulations) =>
      settleClaim(policy, claim({ careType: 'outpatient', institutionLevel: 1, hardship: ['registered-poor'], compliantCost: d(compliant), totalCost: d(compliant), accumulations }));

    it('registered-poor: 4799.99 is below 4800, a visit that reaches 4800 is assisted at 80%', () => {
      const below = outpatient('4799.99', emptyAccumulations());
      const base = d('4799.99').minus(below.basicFundPayment).minus(below.criticalIllnessPayment);
      expect(yuan(below.assistancePayment)).toBe(yuan(roundFen(base.times(belowRatio))));
      expect(yuan(below.accumulations.outpatientCompliant)).toBe('4799.99');
      expect(yuan(below.criticalIllnessPayment)).toBe('0.00'); // ordinary outpatient care is outside the CI scope (assumption)

      const reaching = outpatient('1000.00', below.accumulations);
      expect(yuan(reaching.accumulations.outpatientCompliant)).toBe('5799.99');
      expect(yuan(reaching.assistancePayment)).toBe(yuan(roundFen(d('1000.00').minus(reaching.basicFundPayment).times('0.80'))));
      expectPartsAddUp(reaching, d('1000.00'));
    });

    it('the uninsured rule applies to every visit', () => {
      const settlement = settleClaim(policy, claim({ careType: 'outpatient', hardship: ['dibao'], entitledToBasic: false, compliantCost: d('100.00'), totalCost: d('100.00') }));
      expect(yuan(settlement.assistancePayment)).toBe('30.00');
    });
  });

  it('non-designated (approved cash-advance) care: the ratio reduction of the parameters', () => {
    const settlement = settleClaim(policy, claim({ designated: false }));
    expect(yuan(settlement.basis.basicRatio)).toBe(yuan(policy.basicRatio('inpatient', 3, ON).minus(policy.nonDesignatedRatioReduction(ON))));
  });

  it('the non-compliant part of the cost is always the patient’s', () => {
    const settlement = settleClaim(policy, claim({ hardship: ['dibao'], totalCost: d('12345.67'), compliantCost: d('10000.00') }));
    expect(settlement.personalPayment.greaterThanOrEqualTo('2345.67')).toBe(true);
    expectPartsAddUp(settlement, d('12345.67'));
  });

  it.each([
    ['compliant above total', { compliantCost: d('2.00'), totalCost: d('1.00') }, /exceeds totalCost/],
    ['a fraction of a fen', { compliantCost: d('1.005'), totalCost: d('2.00') }, /whole fen/],
    ['a negative cost', { compliantCost: d('-1.00'), totalCost: d('2.00') }, /must not be negative/],
    ['an impossible date', { on: '2024-02-30' }, /YYYY-MM-DD/],
    ['an unknown hardship code', { hardship: ['vip' as HardshipCode] }, /unknown hardship code/],
  ])('rejects %s', (_name, overrides, message) => {
    expect(() => settleClaim(policy, claim(overrides))).toThrow(message);
  });
});
