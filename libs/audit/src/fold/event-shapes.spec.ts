import { malformedFields } from './event-shapes';

/** The compiled per-type check (the sound event's path) and the field-by-field one must name the same fields. */
describe('malformedFields', () => {
  const claim = {
    claimId: 'CLM-2025-00000001',
    residentId: 'WH2004011000057218',
    fundId: 'caidian',
    careType: 'outpatient',
    institution: { id: 'caidian-L2-7', level: 2, designated: true, district: 'caidian' },
    admittedAt: '2025-01-01',
    dischargedAt: '2025-01-01',
    totalCost: '158.03',
    compliantCost: '135.29',
    settlement: 'direct',
    filedAt: '2025-01-01',
    basicFundPayment: '54.12',
    criticalIllnessPayment: '0.00',
    assistancePayment: '0.00',
  };
  const enrolled = {
    enrollmentId: 'ENR-2025-1',
    residentId: 'WH1987082000000258',
    year: 2025,
    birthDate: '1987-08-20',
    category: 'adult',
    hukou: { local: false },
    residenceDistrict: 'huangpi',
    hardship: [],
    parents: [],
    enrolledAt: '2024-09-01',
    fundId: 'huangpi',
    contributionExempt: false,
    contributionDue: '380.00',
    benefitStart: null,
  };
  const wrong: unknown[] = [undefined, null, '', 'x', 0, 2.5, true, [], {}, '2025-02-30', '1.234'];

  it('finds nothing in a sound event', () => {
    expect(malformedFields('ClaimSettled', claim)).toEqual([]);
    expect(malformedFields('ResidentEnrolled', enrolled)).toEqual([]);
    expect(malformedFields('ResidentEnrolled', { ...enrolled, benefitStart: '2025-01-01' })).toEqual([]);
  });

  it.each([
    ['ClaimSettled', claim],
    ['ResidentEnrolled', enrolled],
  ] as const)('names exactly the field of %s that does not fit, whatever the wrong value', (type, sound) => {
    for (const field of Object.keys(sound)) {
      for (const value of wrong) {
        const found = malformedFields(type, { ...sound, [field]: value });
        // A value that happens to fit the field's kind is sound; anything else names that field (or its parts) alone.
        expect(found.every((name) => name === field || name.startsWith(`${field}.`))).toBe(true);
      }
      expect(malformedFields(type, { ...sound, [field]: Symbol('never') })).toEqual([field]);
    }
  });

  it('names every field that does not fit, in the shape\'s order', () => {
    expect(malformedFields('ClaimSettled', { ...claim, totalCost: 1, claimId: '', settlement: 'cash' })).toEqual(['claimId', 'totalCost', 'settlement']);
    expect(malformedFields('ClaimSettled', { ...claim, institution: { id: 'x', level: 9, designated: 'yes' } })).toEqual(['institution.level', 'institution.designated']);
    expect(malformedFields('ResidentEnrolled', { ...enrolled, hukou: {} })).toEqual(['hukou.local']);
    expect(malformedFields('ClaimSettled', null)).toEqual(['data']);
  });
});
