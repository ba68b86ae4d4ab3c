import { type Category, benefitStart, loadPolicy, newbornYears } from './index';

const policy = loadPolicy();

describe('newborn = aged 1 year or less (opinions-2017 §五(一))', () => {
  it.each([
    ['2024-03-10', '2024-03-10', true],
    ['2024-03-10', '2025-03-09', true],
    ['2024-03-10', '2025-03-10', true], // the first birthday itself: still 1周岁及以内
    ['2024-03-10', '2025-03-11', false],
    ['2024-03-10', '2024-03-09', false], // not born yet
    ['2024-02-29', '2025-02-28', true], // born on a leap day: the anniversary is the last day of February
    ['2024-02-29', '2025-03-01', false],
  ])('born %s, on %s → %s', (birthDate, on, expected) => {
    expect(policy.isNewborn(birthDate, on)).toBe(expected);
  });
});

describe('newbornYears (opinions-2017 §五(二))', () => {
  it.each([
    {
      name: 'a parent insured, registered in the birth year: the birth year, exempt',
      input: { birthDate: '2024-05-10', registeredAt: '2024-06-01', anyParentInsured: true },
      years: [{ year: 2024, contributionExempt: true }],
    },
    {
      name: 'neither parent insured: the birth year, paid',
      input: { birthDate: '2024-05-10', registeredAt: '2024-06-01', anyParentInsured: false },
      years: [{ year: 2024, contributionExempt: false }],
    },
    {
      name: 'a parent insured, across the year boundary: the birth year exempt and the next year paid',
      input: { birthDate: '2024-12-01', registeredAt: '2025-01-15', anyParentInsured: true },
      years: [
        { year: 2024, contributionExempt: true },
        { year: 2025, contributionExempt: false },
      ],
    },
    {
      name: 'neither parent insured, across the year boundary: both years paid',
      input: { birthDate: '2024-12-01', registeredAt: '2025-01-15', anyParentInsured: false },
      years: [
        { year: 2024, contributionExempt: false },
        { year: 2025, contributionExempt: false },
      ],
    },
    {
      name: 'registered on the first birthday in the next year',
      input: { birthDate: '2024-07-01', registeredAt: '2025-07-01', anyParentInsured: true },
      years: [
        { year: 2024, contributionExempt: true },
        { year: 2025, contributionExempt: false },
      ],
    },
  ])('$name', ({ input, years }) => {
    expect(newbornYears(policy, input)).toEqual(years);
  });

  it('refuses a child who is no longer a newborn, or a registration before birth', () => {
    expect(() => newbornYears(policy, { birthDate: '2024-07-01', registeredAt: '2025-07-02', anyParentInsured: true })).toThrow(/no longer a newborn/);
    expect(() => newbornYears(policy, { birthDate: '2024-07-01', registeredAt: '2024-06-30', anyParentInsured: true })).toThrow(/before the birth/);
  });
});

describe('benefitStart for newborns (opinions-2017 §五(三))', () => {
  const newborn = (overrides: Partial<Parameters<typeof benefitStart>[1]>) =>
    benefitStart(policy, {
      category: 'newborn',
      year: 2024,
      birthDate: '2024-01-01',
      registeredAt: '2024-01-01',
      contributionExempt: true,
      paidAt: null,
      ...overrides,
    });

  it.each([
    // exempt registration: the registration date counts
    ['registered on the birth day', { registeredAt: '2024-01-01' }, '2024-01-01'],
    ['registered on day 90 (2024-03-31 − 2024-01-01 = 90)', { registeredAt: '2024-03-31' }, '2024-01-01'],
    ['registered on day 91 → the month after registration', { registeredAt: '2024-04-01' }, '2024-05-01'],
    ['registered on day 120 → the month after registration', { registeredAt: '2024-04-30' }, '2024-05-01'],
    // paid (neither parent insured): the payment date counts
    ['paid on day 90', { contributionExempt: false, registeredAt: '2024-01-05', paidAt: '2024-03-31' }, '2024-01-01'],
    ['paid on day 91', { contributionExempt: false, registeredAt: '2024-01-05', paidAt: '2024-04-01' }, '2024-05-01'],
    ['registered early but paid late', { contributionExempt: false, registeredAt: '2024-01-05', paidAt: '2024-06-15' }, '2024-07-01'],
    ['not paid yet', { contributionExempt: false, registeredAt: '2024-01-05', paidAt: null }, null],
  ] as const)('%s', (_name, overrides, expected) => {
    expect(newborn(overrides)).toBe(expected);
  });

  describe('born 2024-12-01, enrolled across the year boundary', () => {
    const acrossBoundary = { birthDate: '2024-12-01', registeredAt: '2025-01-10' };
    it.each([
      ['birth year, exempt, registered on day 40', { year: 2024, contributionExempt: true, paidAt: null }, '2024-12-01'],
      ['next year, paid on day 40: from 1 January, not before', { year: 2025, contributionExempt: false, paidAt: '2025-01-10' }, '2025-01-01'],
      ['next year, paid on day 90 (2025-03-01)', { year: 2025, contributionExempt: false, paidAt: '2025-03-01' }, '2025-01-01'],
      ['next year, paid on day 91 (2025-03-02)', { year: 2025, contributionExempt: false, paidAt: '2025-03-02' }, '2025-04-01'],
      ['next year, not paid yet', { year: 2025, contributionExempt: false, paidAt: null }, null],
      ['birth year paid too (no insured parent), paid on day 40', { year: 2024, contributionExempt: false, paidAt: '2025-01-10' }, '2024-12-01'],
    ] as const)('%s', (_name, overrides, expected) => {
      expect(newborn({ ...acrossBoundary, ...overrides })).toBe(expected);
    });
  });

  it('registered late in December: benefits of the birth year only start in the new year', () => {
    expect(newborn({ birthDate: '2024-09-15', registeredAt: '2024-12-20' })).toBe('2025-01-01');
  });

  it('refuses a year other than the birth year or the next', () => {
    expect(() => newborn({ year: 2026, birthDate: '2024-12-01', registeredAt: '2025-01-10' })).toThrow(RangeError);
  });
});

describe('benefitStart for everyone else (assumption in the parameters: from 1 January when paid before the year, else on payment)', () => {
  const waitingDays = policy.ordinaryBenefitWaitingDays('2025-01-01');
  it('has no waiting days by assumption', () => expect(waitingDays).toBe(0));

  it.each([
    ['adult', 'paid in the collection period before the year', '2024-11-20', false, '2025-01-01'],
    ['adult', 'paid on 31 December', '2024-12-31', false, '2025-01-01'],
    ['adult', 'paid on 1 January', '2025-01-01', false, '2025-01-01'],
    ['minor', 'paid during the year', '2025-03-05', false, '2025-03-05'],
    ['university-student', 'paid during the year', '2025-09-10', false, '2025-09-10'],
    ['student', 'not paid', null, false, null],
    ['adult', 'exempt (contribution paid for by others), registered during the year', null, true, '2025-02-01'],
  ] as const)('%s, %s (paid %s, exempt %s) → %s', (category, _name, paidAt, exempt, expected) => {
    expect(
      benefitStart(policy, {
        category: category as Category,
        year: 2025,
        birthDate: '1990-06-01',
        registeredAt: '2025-02-01',
        contributionExempt: exempt,
        paidAt,
      }),
    ).toBe(expected);
  });
});
