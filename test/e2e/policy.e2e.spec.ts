import { loadPolicy } from '@ledger/policy';
import { AuthorizedClient, startTestLedger, TestLedger, uid } from './ledger-app';

/**
 * The policy through the API, written from the texts: opinions-2017 §五 (newborns), §七 (scheme
 * changes), §八 (university students); linkage-2018 §二(二)1 (hardship waivers, registered-poor
 * critical illness) and §二(三)1 (insurance first, assistance after).
 */
describe('policy through the ledger API', () => {
  let ledger: TestLedger;
  let clerk: AuthorizedClient;
  const policy = loadPolicy();
  beforeAll(async () => {
    ledger = await startTestLedger();
    clerk = await ledger.as('clerk');
  });
  afterAll(async () => ledger.close());

  const parent = (insured: boolean, district = 'jiangxia') => ({ scheme: 'resident', insured, hukou: { local: true, district }, residenceDistrict: district });

  async function newborn(birthDate: string, enrolledAt: string, insuredParent: boolean, year = Number(birthDate.slice(0, 4))) {
    const body = {
      enrollmentId: uid('E'),
      residentId: uid('NB'),
      year,
      birthDate,
      category: 'newborn',
      hukou: { local: true, district: 'jiangxia' },
      residenceDistrict: 'jiangxia',
      parents: [parent(insuredParent)],
      enrolledAt,
    };
    const response = await clerk.post('/v1/enrollments', body).expect(201);
    return { body, response: response.body };
  }

  describe('newborns (opinions-2017 §五)', () => {
    it.each([
      ['registered on day 90 → from the birth date', '2024-03-01', '2024-05-30', '2024-03-01'],
      ['registered on day 91 → from the first day of the next month', '2024-03-01', '2024-05-31', '2024-06-01'],
    ])('exempt (insured parent), %s', async (_label, birthDate, enrolledAt, benefitStart) => {
      const { response } = await newborn(birthDate, enrolledAt, true);
      expect(response).toMatchObject({ contributionExempt: true, benefitStart });
    });

    it.each([
      ['paid on day 90 → from the birth date', '2024-03-01', '2024-05-30', '2024-03-01'],
      ['paid on day 91 → from the first day of the month after payment', '2024-03-01', '2024-05-31', '2024-06-01'],
    ])('no insured parent, %s', async (_label, birthDate, paidAt, benefitStart) => {
      const { body, response } = await newborn(birthDate, '2024-03-10', false);
      expect(response).toMatchObject({ contributionExempt: false, benefitStart: null });
      const due = policy.contributionStandard(2024, 'newborn').toFixed(2);
      const paid = await clerk.post('/v1/contributions', { receiptNo: uid('RC'), residentId: body.residentId, year: 2024, amount: due, paidAt, collector: 'self' }).expect(201);
      expect(paid.body.benefitStart).toBe(benefitStart);
    });

    it('registers the birth year (exempt) and the next year (to pay) across the year boundary', async () => {
      const { body, response } = await newborn('2024-12-15', '2025-01-20', true, 2024);
      expect(response).toMatchObject({ year: 2024, contributionExempt: true, benefitStart: '2024-12-15' });
      const view = await clerk.get(`/v1/residents/${body.residentId}`).expect(200);
      expect(view.body.enrollments.map((e: { year: number; contributionExempt: boolean; benefitStart: string | null }) => [e.year, e.contributionExempt, e.benefitStart])).toEqual([
        [2024, true, '2024-12-15'],
        [2025, false, null],
      ]);
      const due = policy.contributionStandard(2025, 'newborn').toFixed(2);
      const paid = await clerk.post('/v1/contributions', { receiptNo: uid('RC'), residentId: body.residentId, year: 2025, amount: due, paidAt: '2025-01-20', collector: 'self' }).expect(201);
      expect(paid.body.benefitStart).toBe('2025-01-01');
    });

    it('makes a newborn with no insured parent pay for the birth year too', async () => {
      const { response } = await newborn('2024-12-15', '2025-01-20', false, 2024);
      expect(response).toMatchObject({ contributionExempt: false, benefitStart: null });
      await clerk.post('/v1/contributions', { receiptNo: uid('RC'), residentId: response.residentId, year: 2024, amount: '1.00', paidAt: '2025-01-20', collector: 'self' }).expect(201);
    });

    it('refuses to call a child older than one year a newborn', async () => {
      const body = { enrollmentId: uid('E'), residentId: uid('NB'), year: 2024, birthDate: '2022-12-01', category: 'newborn', hukou: { local: false }, residenceDistrict: 'wuchang', parents: [parent(true)], enrolledAt: '2024-01-10' };
      const response = await clerk.post('/v1/enrollments', body).expect(422);
      expect(response.body.message).toContain('1 year');
    });
  });

  async function insuredAdult(hardship: string[] = [], extra: Record<string, unknown> = {}) {
    const body = {
      enrollmentId: uid('E'), residentId: uid('R'), year: 2024, birthDate: '1970-01-01', category: 'adult',
      hukou: { local: true, district: 'caidian' }, residenceDistrict: 'caidian', hardship, enrolledAt: '2023-10-01', ...extra,
    };
    await clerk.post('/v1/enrollments', body).expect(201);
    const due = policy.contributionStandard(2024, body.category as 'adult').toFixed(2);
    await clerk.post('/v1/contributions', { receiptNo: uid('RC'), residentId: body.residentId, year: 2024, amount: due, paidAt: '2023-11-01', collector: 'self' }).expect(201);
    return body.residentId;
  }

  const inpatient = (residentId: string, compliantCost: string, admittedAt = '2024-03-01') => ({
    residentId, careType: 'inpatient', institution: { id: 'H-3', level: 3, designated: true, district: 'caidian' },
    admittedAt, dischargedAt: admittedAt, totalCost: compliantCost, compliantCost, settlement: 'direct', filedAt: admittedAt,
  });

  describe('quotes and one-stop settlement (linkage-2018 §二)', () => {
    it('quotes the split a claim would get and records nothing', async () => {
      const residentId = await insuredAdult();
      const quote = await clerk.post('/v1/settlements/quote', inpatient(residentId, '20000.00')).expect(200);
      expect(quote.body.basis.deductibleWaived).toBe(false);
      const view = await clerk.get(`/v1/residents/${residentId}`).expect(200);
      expect(view.body.claims).toEqual([]);
      const body = { claimId: uid('C'), ...inpatient(residentId, '20000.00') };
      // The very body that will be filed quotes the same: its claim id is taken and not recorded.
      const sameBody = await clerk.post('/v1/settlements/quote', body).expect(200);
      expect(sameBody.body).toEqual(quote.body);
      await clerk.post('/v1/settlements/quote', { ...body, claimId: 'not an id!' }).expect(400);
      const claim = await clerk.post('/v1/claims', body).expect(201);
      for (const part of ['basicFundPayment', 'criticalIllnessPayment', 'assistancePayment', 'personalPayment']) expect(claim.body[part]).toBe(quote.body[part]);
    });

    it.each(['extreme-poverty', 'orphan', 'dibao', 'special-care', 'disabled-incapable'])('waives the inpatient deductible for %s', async (group) => {
      const residentId = await insuredAdult([group]);
      const quote = await clerk.post('/v1/settlements/quote', inpatient(residentId, '5000.00')).expect(200);
      expect(quote.body.basis).toMatchObject({ deductibleWaived: true, deductible: '0.00' });
    });

    it('pays registered-poor critical illness in tiers on the year cumulative burden, claim by claim', async () => {
      const residentId = await insuredAdult(['registered-poor']);
      // Recorded basic payments fix the burden: compliant − basic is exactly the burden within scope.
      const claim = async (compliant: string, basic: string, day: string) =>
        (await clerk.post('/v1/claims', { claimId: uid('C'), ...inpatient(residentId, compliant, day), basicFundPayment: basic }).expect(201)).body;
      const first = await claim('14800.00', '10000.00', '2024-02-01'); // burden 4,800.00: at the deductible, nothing yet
      expect(first.criticalIllnessPayment).toBe('0.00');
      const second = await claim('10000.01', '10000.00', '2024-03-01'); // burden 4,800.01 → 0.01 × 65%
      expect(second.criticalIllnessPayment).toBe('0.01');
      const third = await claim('125199.99', '0.00', '2024-04-01'); // cumulative 130,000.00: crosses 30,000 and 100,000
      const expectedTotal = 25200 * 0.65 + 70000 * 0.75 + 30000 * 0.85;
      expect((Number(second.criticalIllnessPayment) + Number(third.criticalIllnessPayment)).toFixed(2)).toBe(expectedTotal.toFixed(2));
      const view = await clerk.get(`/v1/residents/${residentId}`).expect(200);
      expect(view.body.yearToDate[0]).toMatchObject({ year: 2024, personalBurdenInScope: '130000.00', criticalIllnessPaid: expectedTotal.toFixed(2) });
    });
  });

  describe('scheme changes (opinions-2017 §七)', () => {
    it('closes resident coverage the day before employee coverage opens, and pays no resident benefit after', async () => {
      const residentId = await insuredAdult();
      await clerk.post('/v1/scheme-changes', { changeId: uid('SC'), residentId, to: 'employee', effectiveAt: '2024-07-01' }).expect(201);
      const before = await clerk.post('/v1/settlements/quote', inpatient(residentId, '9000.00', '2024-06-30')).expect(200);
      expect(Number(before.body.basicFundPayment)).toBeGreaterThan(0);
      // In the employee scheme on the admission day: insured elsewhere, refused (never "uninsured").
      const after = await clerk.post('/v1/settlements/quote', inpatient(residentId, '9000.00', '2024-07-01')).expect(422);
      expect(after.body.message ?? after.body.detail).toMatch(/employee scheme on 2024-07-01 \(scheme change SC-\S+, effective 2024-07-01\)/);
      await clerk.post('/v1/claims', { claimId: uid('C'), ...inpatient(residentId, '9000.00', '2024-07-01') }).expect(422);
      await clerk.post('/v1/scheme-changes', { changeId: uid('SC'), residentId, to: 'resident', effectiveAt: '2024-10-01' }).expect(201);
      const view = await clerk.get(`/v1/residents/${residentId}`).expect(200);
      expect(view.body.schemeHistory).toEqual([
        { scheme: 'resident', from: '2023-10-01', to: '2024-06-30' },
        { scheme: 'employee', from: '2024-07-01', to: '2024-09-30' },
        { scheme: 'resident', from: '2024-10-01', to: null },
      ]);
      const back = await clerk.post('/v1/settlements/quote', inpatient(residentId, '9000.00', '2024-10-01')).expect(200);
      expect(back.body.basicFundPayment).toBe(before.body.basicFundPayment);
    });
  });

  describe('assistance channels (linkage-2018 §二(二)2-3)', () => {
    it('quotes and settles an illness-poverty claim with no assistance, and assists it once on application', async () => {
      const residentId = await insuredAdult(['illness-poverty']);
      const body = { claimId: uid('C'), ...inpatient(residentId, '20000.00') };
      const quote = await clerk.post('/v1/settlements/quote', body).expect(200);
      expect(quote.body).toMatchObject({ assistancePayment: '0.00', basis: { assistanceGroup: null } });
      const settled = (await clerk.post('/v1/claims', body).expect(201)).body;
      expect(settled.assistancePayment).toBe('0.00');
      const base = Number(body.compliantCost) - Number(settled.basicFundPayment) - Number(settled.criticalIllnessPayment);
      const granted = await clerk.post('/v1/assistance-applications', { applicationId: uid('AA'), residentId, appliedAt: '2024-06-30' }).expect(201);
      expect(granted.body).toMatchObject({ base: base.toFixed(2), ratio: '0.6', amount: (base * 0.6).toFixed(2), claims: [body.claimId] });
      await clerk.post('/v1/assistance-applications', { applicationId: uid('AA'), residentId, appliedAt: '2024-07-01' }).expect(422);
    });
  });

  describe('contributions in full (opinions-2017 §三)', () => {
    it('accepts the payment that completes the standard and refuses one a fen over, stating what is still due', async () => {
      const residentId = uid('R');
      await clerk
        .post('/v1/enrollments', { enrollmentId: uid('E'), residentId, year: 2024, birthDate: '1970-01-01', category: 'adult', hukou: { local: true, district: 'caidian' }, residenceDistrict: 'caidian', hardship: ['low-income'], enrolledAt: '2023-10-01' })
        .expect(201);
      await clerk.post('/v1/subsidies', { subsidyId: uid('HA'), level: 'district', purpose: 'hardship-contribution', year: 2024, amount: '100.00', grantedAt: '2023-10-05', residentId }).expect(201);
      const due = policy.contributionStandard(2024, 'adult').minus(100);
      const over = await clerk.post('/v1/contributions', { receiptNo: uid('RC'), residentId, year: 2024, amount: due.plus('0.01').toFixed(2), paidAt: '2023-11-01', collector: 'self' }).expect(422);
      expect(over.body.message ?? over.body.detail).toContain(`${due.toFixed(2)} is still due`);
      const exact = await clerk.post('/v1/contributions', { receiptNo: uid('RC'), residentId, year: 2024, amount: due.toFixed(2), paidAt: '2023-11-01', collector: 'self' }).expect(201);
      expect(exact.body.benefitStart).toBe('2024-01-01');
    });
  });

  it('flags university students for the year (opinions-2017 §八)', async () => {
    const residentId = await insuredAdult([], { category: 'university-student', birthDate: '2005-09-01' });
    const view = await clerk.get(`/v1/residents/${residentId}`).expect(200);
    expect(view.body.enrollments[0]).toMatchObject({ category: 'university-student', universityStudent: true });
  });
});
