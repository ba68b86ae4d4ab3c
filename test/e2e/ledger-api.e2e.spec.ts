import { adultEnrollment, AuthorizedClient, startTestLedger, TestLedger, uid } from './ledger-app';

describe('ledger API (embedded store, end to end)', () => {
  let ledger: TestLedger;
  let clerk: AuthorizedClient;
  let bureau: AuthorizedClient;
  beforeAll(async () => {
    ledger = await startTestLedger();
    clerk = await ledger.as('clerk');
    bureau = await ledger.as('finance-bureau');
  });
  afterAll(async () => ledger.close());

  const post = (path: string, body: unknown) => clerk.post(path, body);
  const get = (path: string) => bureau.get(path);

  async function fund(fundId: string, asOf?: string) {
    const response = await get(`/v1/funds/${fundId}${asOf ? `?asOf=${asOf}` : ''}`).expect(200);
    return response.body;
  }

  async function enrolledAdult(overrides: Record<string, unknown> = {}) {
    const body = adultEnrollment(overrides);
    await post('/v1/enrollments', body).expect(201);
    return body;
  }

  it('answers /health', async () => {
    await ledger.http().get('/health').expect(200, { status: 'ok' });
  });

  describe('attribution (opinions-2017 §四)', () => {
    it.each([
      ['local hukou in a new-city district → that district', { local: true, district: 'huangpi' }, 'wuchang', 'huangpi'],
      ['local hukou in a central district → municipal', { local: true, district: 'jianghan' }, 'xinzhou', 'municipal'],
      ['local hukou in a function zone → municipal', { local: true, district: 'donghu-hightech' }, 'caidian', 'municipal'],
      ['non-local hukou → residence district', { local: false }, 'jiangxia', 'jiangxia'],
      ['non-local hukou living centrally → municipal', { local: false }, 'qingshan', 'municipal'],
      ['non-local hukou naming a district still follows residence', { local: false, district: 'caidian' }, 'dongxihu', 'dongxihu'],
    ])('%s', async (_label, hukou, residenceDistrict, fundId) => {
      const body = adultEnrollment({ hukou, residenceDistrict });
      const response = await post('/v1/enrollments', body).expect(201);
      expect(response.body).toEqual({
        residentId: body.residentId,
        year: 2024,
        fundId,
        benefitStart: null,
        contributionExempt: false,
      });
    });

    it('attributes a newborn by the first-named parent', async () => {
      const body = {
        enrollmentId: uid('E'),
        residentId: uid('R'),
        year: 2024,
        birthDate: '2024-03-01',
        category: 'newborn',
        hukou: { local: true, district: 'wuchang' },
        residenceDistrict: 'wuchang',
        parents: [
          { scheme: 'employee', insured: true, hukou: { local: false }, residenceDistrict: 'xinzhou' },
          { scheme: 'resident', insured: true, hukou: { local: true, district: 'caidian' }, residenceDistrict: 'caidian' },
        ],
        enrolledAt: '2024-03-20',
      };
      const response = await post('/v1/enrollments', body).expect(201);
      expect(response.body).toMatchObject({ fundId: 'xinzhou', contributionExempt: true, benefitStart: '2024-03-01' });
    });

    it('refuses unknown district codes with 400 naming the field', async () => {
      const response = await post('/v1/enrollments', adultEnrollment({ residenceDistrict: 'beijing' })).expect(400);
      expect(response.body.problems).toEqual([expect.objectContaining({ field: 'residenceDistrict' })]);
      const hukou = await post('/v1/enrollments', adultEnrollment({ hukou: { local: true, district: 'nowhere' } })).expect(400);
      expect(hukou.body.problems[0].field).toBe('hukou.district');
      const missing = await post('/v1/enrollments', adultEnrollment({ hukou: { local: true } })).expect(400);
      expect(missing.body.problems[0].field).toBe('hukou.district');
    });
  });

  describe('contributions, subsidies and claims post inside one fund', () => {
    it('credits a contribution to the attributed fund and starts benefits once paid', async () => {
      const before = await fund('jiangxia');
      // Asked twice, so the answers after the posting are not the first ever computed.
      const beforeAsOf = await fund('jiangxia', '2023-12-31');
      expect(await fund('jiangxia')).toEqual(before);
      expect(await fund('jiangxia', '2023-12-31')).toEqual(beforeAsOf);
      const enrollment = await enrolledAdult({ hukou: { local: true, district: 'jiangxia' }, residenceDistrict: 'jiangxia' });
      const receiptNo = uid('RC');
      const response = await post('/v1/contributions', {
        receiptNo,
        residentId: enrollment.residentId,
        year: 2024,
        amount: '380.00',
        paidAt: '2023-12-01',
        collector: 'self',
      }).expect(201);
      expect(response.body).toEqual({ receiptNo, fundId: 'jiangxia', benefitStart: '2024-01-01' });
      const after = await fund('jiangxia');
      expect(Number(after.balance) - Number(before.balance)).toBeCloseTo(380, 2);
      expect(Number(after.income.contributions) - Number(before.income.contributions)).toBeCloseTo(380, 2);
      const afterAsOf = await fund('jiangxia', '2023-12-31');
      expect(Number(afterAsOf.balance) - Number(beforeAsOf.balance)).toBeCloseTo(380, 2);
      const resident = await get(`/v1/residents/${enrollment.residentId}`).expect(200);
      expect(resident.body.enrollments[0]).toMatchObject({ year: 2024, fundId: 'jiangxia', benefitStart: '2024-01-01', contributionPaid: '380.00' });
    });

    it('records the receiving fund when it differs from the attributed one (for the auditor)', async () => {
      const enrollment = await enrolledAdult({ hukou: { local: true, district: 'caidian' }, residenceDistrict: 'caidian' });
      const response = await post('/v1/contributions', {
        receiptNo: uid('RC'),
        residentId: enrollment.residentId,
        year: 2024,
        amount: '100.00',
        paidAt: '2023-12-01',
        collector: 'agency',
        fundId: 'municipal',
      }).expect(201);
      expect(response.body.fundId).toBe('municipal');
    });

    it('books per-capita subsidies by level and hardship aid to the resident fund', async () => {
      const before = await fund('dongxihu');
      await post('/v1/subsidies', { subsidyId: uid('S'), level: 'central', purpose: 'per-capita', year: 2024, amount: '1000000.00', grantedAt: '2024-02-01', fundId: 'dongxihu' }).expect(201);
      await post('/v1/subsidies', { subsidyId: uid('S'), level: 'district', purpose: 'per-capita', year: 2024, amount: '250000.50', grantedAt: '2024-02-02', fundId: 'dongxihu' }).expect(201);
      const poor = await enrolledAdult({ hukou: { local: true, district: 'dongxihu' }, residenceDistrict: 'dongxihu', hardship: ['dibao'] });
      const aid = await post('/v1/subsidies', { subsidyId: uid('S'), level: 'municipal', purpose: 'hardship-contribution', year: 2024, amount: '380.00', grantedAt: '2023-12-20', residentId: poor.residentId }).expect(201);
      expect(aid.body).toMatchObject({ fundId: 'dongxihu', residentId: poor.residentId, benefitStart: '2024-01-01' });
      const after = await fund('dongxihu');
      const delta = (path: (f: any) => string) => (Number(path(after)) - Number(path(before))).toFixed(2);
      expect(delta((f) => f.income.subsidies.central)).toBe('1000000.00');
      expect(delta((f) => f.income.subsidies.district)).toBe('250000.50');
      expect(delta((f) => f.income.subsidies.municipal)).toBe('380.00');
      expect(delta((f) => f.balance)).toBe('1250380.50');
    });

    it('pays the basic fund part of a claim out of the resident fund, by care type', async () => {
      const enrollment = await enrolledAdult({ hukou: { local: false }, residenceDistrict: 'huangpi' });
      await post('/v1/contributions', { receiptNo: uid('RC'), residentId: enrollment.residentId, year: 2024, amount: '380.00', paidAt: '2023-12-01', collector: 'self' }).expect(201);
      const before = await fund('huangpi');
      const claimId = uid('C');
      const claim = {
        claimId,
        residentId: enrollment.residentId,
        careType: 'inpatient',
        institution: { id: 'H-1', level: 2, designated: true, district: 'huangpi' },
        admittedAt: '2024-04-01',
        dischargedAt: '2024-04-10',
        totalCost: '12000.00',
        compliantCost: '10000.00',
        settlement: 'direct',
        filedAt: '2024-04-10',
        basicFundPayment: '6000.00',
        criticalIllnessPayment: '0.00',
        assistancePayment: '0.00',
      };
      const response = await post('/v1/claims', claim).expect(201);
      expect(response.body).toEqual({ claimId, fundId: 'huangpi', basicFundPayment: '6000.00', criticalIllnessPayment: '0.00', assistancePayment: '0.00', personalPayment: '6000.00' });
      const after = await fund('huangpi');
      expect((Number(after.outflow.claims.inpatient) - Number(before.outflow.claims.inpatient)).toFixed(2)).toBe('6000.00');
      expect((Number(before.balance) - Number(after.balance)).toFixed(2)).toBe('6000.00');
    });

    it('settles a claim one-stop when no payments are given, and the parts add up', async () => {
      const enrollment = await enrolledAdult();
      await post('/v1/contributions', { receiptNo: uid('RC'), residentId: enrollment.residentId, year: 2024, amount: '380.00', paidAt: '2023-12-01', collector: 'self' }).expect(201);
      const response = await post('/v1/claims', {
        claimId: uid('C'),
        residentId: enrollment.residentId,
        careType: 'inpatient',
        institution: { id: 'H-3', level: 3, designated: true, district: 'wuchang' },
        admittedAt: '2024-05-01',
        dischargedAt: '2024-05-09',
        totalCost: '20000.00',
        compliantCost: '18000.00',
        settlement: 'direct',
        filedAt: '2024-05-09',
      }).expect(201);
      const parts = ['basicFundPayment', 'criticalIllnessPayment', 'assistancePayment', 'personalPayment'].map((k) => Number(response.body[k]));
      expect(parts.reduce((a, b) => a + b, 0).toFixed(2)).toBe('20000.00');
      expect(Number(response.body.basicFundPayment)).toBeGreaterThan(0);
    });

    it('records insurer decisions and payments on a claim', async () => {
      const enrollment = await enrolledAdult();
      const claimId = uid('C');
      await post('/v1/claims', {
        claimId, residentId: enrollment.residentId, careType: 'inpatient',
        institution: { id: 'H-9', level: 3, designated: false, district: 'out-of-town' },
        admittedAt: '2024-06-01', dischargedAt: '2024-06-05', totalCost: '50000.00', compliantCost: '40000.00',
        settlement: 'cash-advance', filedAt: '2024-06-20', basicFundPayment: '0.00', criticalIllnessPayment: '5000.00', assistancePayment: '0.00',
      }).expect(201);
      await post(`/v1/claims/${claimId}/insurer-payment`, { paidAt: '2024-07-01', amount: '5000.00' }).expect(422);
      await post(`/v1/claims/${claimId}/insurer-decision`, { receivedAt: '2024-06-20', decidedAt: '2024-06-01', covered: true }).expect(400);
      await post(`/v1/claims/${claimId}/insurer-decision`, { receivedAt: '2024-06-20', decidedAt: '2024-07-10', covered: true }).expect(201);
      await post(`/v1/claims/${claimId}/insurer-decision`, { receivedAt: '2024-06-20', decidedAt: '2024-07-10', covered: true }).expect(200);
      await post(`/v1/claims/${claimId}/insurer-decision`, { receivedAt: '2024-06-20', decidedAt: '2024-07-11', covered: true }).expect(409);
      await post(`/v1/claims/${claimId}/insurer-payment`, { paidAt: '2024-07-15', amount: '5000.00' }).expect(201);
      await post(`/v1/claims/unknown-claim/insurer-decision`, { receivedAt: '2024-06-20', decidedAt: '2024-07-10', covered: true }).expect(404);
    });

    it('records scheme changes and refuses a change to the current scheme', async () => {
      const enrollment = await enrolledAdult();
      await post('/v1/scheme-changes', { changeId: uid('SC'), residentId: enrollment.residentId, to: 'resident', effectiveAt: '2024-03-01' }).expect(422);
      await post('/v1/scheme-changes', { changeId: uid('SC'), residentId: enrollment.residentId, to: 'employee', effectiveAt: '2024-03-01' }).expect(201);
      const resident = await get(`/v1/residents/${enrollment.residentId}`).expect(200);
      expect(resident.body.schemeHistory).toEqual([
        { scheme: 'resident', from: '2023-11-15', to: '2024-02-29' },
        { scheme: 'employee', from: '2024-03-01', to: null },
      ]);
      await post('/v1/scheme-changes', { changeId: uid('SC'), residentId: 'nobody', to: 'employee', effectiveAt: '2024-03-01' }).expect(404);
    });
  });

  describe('idempotency on business keys', () => {
    it('answers an identical re-send with the first result and 200, and a different payload with 409', async () => {
      const body = adultEnrollment();
      const first = await post('/v1/enrollments', body).expect(201);
      const again = await post('/v1/enrollments', body).expect(200);
      expect(again.body).toEqual(first.body);
      await post('/v1/enrollments', { ...body, residenceDistrict: 'hanyang' }).expect(409);

      const receipt = { receiptNo: uid('RC'), residentId: body.residentId, year: 2024, amount: '380.00', paidAt: '2023-12-01', collector: 'self' };
      const before = await fund('municipal');
      await post('/v1/contributions', receipt).expect(201);
      await post('/v1/contributions', { ...receipt, amount: '380' }).expect(200);
      await post('/v1/contributions', { ...receipt, amount: '381.00' }).expect(409);
      const after = await fund('municipal');
      expect((Number(after.balance) - Number(before.balance)).toFixed(2)).toBe('380.00');
    });

    it('refuses a second enrollment of the same resident and year under another id', async () => {
      const body = adultEnrollment();
      await post('/v1/enrollments', body).expect(201);
      await post('/v1/enrollments', { ...body, enrollmentId: uid('E') }).expect(409);
    });
  });

  describe('errors write nothing', () => {
    async function totalEvents() {
      const funds = await get('/v1/funds').expect(200);
      return JSON.stringify(funds.body);
    }

    it.each([
      ['more than two decimals', { amount: '380.001' }, 'amount'],
      ['negative', { amount: '-1.00' }, 'amount'],
      ['zero', { amount: '0.00' }, 'amount'],
      ['non-numeric', { amount: 'abc' }, 'amount'],
      ['a JS number', { amount: 380 }, 'amount'],
      ['an exponent', { amount: '3.8e2' }, 'amount'],
      ['an impossible date', { paidAt: '2024-02-30' }, 'paidAt'],
      ['a badly written date', { paidAt: '2024-2-3' }, 'paidAt'],
      ['an unknown collector', { collector: 'bank' }, 'collector'],
      ['an unknown fund', { fundId: 'wuhan' }, 'fundId'],
      ['a non-integer year', { year: 2024.5 }, 'year'],
      ['an unexpected field', { extra: 1 }, 'extra'],
    ])('contribution with %s → 400', async (_label, change, field) => {
      const before = await totalEvents();
      const body = { receiptNo: uid('RC'), residentId: 'R-x', year: 2024, amount: '380.00', paidAt: '2024-01-02', collector: 'self', ...change };
      const response = await post('/v1/contributions', body).expect(400);
      expect(response.body.problems.map((p: { field: string }) => p.field)).toContain(field);
      expect(response.body.message).toContain(field);
      expect(await totalEvents()).toBe(before);
    });

    it('404 for an unknown resident, 422 for a year not enrolled', async () => {
      await post('/v1/contributions', { receiptNo: uid('RC'), residentId: 'never-seen', year: 2024, amount: '1.00', paidAt: '2024-01-02', collector: 'self' }).expect(404);
      const enrollment = await enrolledAdult();
      const refused = await post('/v1/contributions', { receiptNo: uid('RC'), residentId: enrollment.residentId, year: 2023, amount: '1.00', paidAt: '2024-01-02', collector: 'self' }).expect(422);
      expect(refused.body.message).toContain('not enrolled for 2023');
      await get('/v1/residents/never-seen').expect(404);
      await get('/v1/funds/beijing').expect(404);
    });

    it('400 on claims whose dates or costs cannot be', async () => {
      const enrollment = await enrolledAdult();
      const base = {
        claimId: uid('C'), residentId: enrollment.residentId, careType: 'outpatient',
        institution: { id: 'H-1', level: 1, designated: true, district: 'wuchang' },
        admittedAt: '2024-04-01', dischargedAt: '2024-04-01', totalCost: '100.00', compliantCost: '80.00', settlement: 'direct', filedAt: '2024-04-01',
        basicFundPayment: '10.00',
      };
      await post('/v1/claims', { ...base, dischargedAt: '2024-03-01' }).expect(400);
      await post('/v1/claims', { ...base, compliantCost: '100.01' }).expect(400);
      await post('/v1/claims', { ...base, careType: 'dental' }).expect(400);
      await post('/v1/claims', { ...base, institution: { ...base.institution, level: 4 } }).expect(400);
      await post('/v1/claims', { ...base, basicFundPayment: '101.00' }).expect(422);
      await get(`/v1/residents/${enrollment.residentId}`).expect(200).then((r) => expect(r.body.claims).toEqual([]));
    });

    it('400 on malformed JSON and on query strings', async () => {
      await ledger.http().post('/v1/enrollments').set('Authorization', `Bearer ${await ledger.token('clerk')}`).set('content-type', 'application/json').send('{"enrollmentId":').expect(400);
      await get('/v1/funds/municipal?asOf=2024-13-01').expect(400);
      await get('/v1/funds/municipal/statement?from=2024-01-01').expect(400);
    });
  });

  describe('balances as of a date and monthly statements', () => {
    it('reports each fund as of any past date and by month', async () => {
      const enrollment = await enrolledAdult({ hukou: { local: true, district: 'xinzhou' }, residenceDistrict: 'xinzhou' });
      await post('/v1/contributions', { receiptNo: uid('RC'), residentId: enrollment.residentId, year: 2024, amount: '380.00', paidAt: '2023-12-10', collector: 'self' }).expect(201);
      await post('/v1/subsidies', { subsidyId: uid('S'), level: 'provincial', purpose: 'per-capita', year: 2024, amount: '5000.00', grantedAt: '2024-03-15', fundId: 'xinzhou' }).expect(201);
      await post('/v1/claims', {
        claimId: uid('C'), residentId: enrollment.residentId, careType: 'outpatient',
        institution: { id: 'H-1', level: 1, designated: true, district: 'xinzhou' },
        admittedAt: '2024-04-02', dischargedAt: '2024-04-02', totalCost: '300.00', compliantCost: '300.00', settlement: 'direct', filedAt: '2024-04-02',
        basicFundPayment: '150.00', criticalIllnessPayment: '0.00', assistancePayment: '0.00',
      }).expect(201);

      const dec = await fund('xinzhou', '2023-12-31');
      const mar = await fund('xinzhou', '2024-03-31');
      const apr = await fund('xinzhou', '2024-04-30');
      expect(dec.asOf).toBe('2023-12-31');
      expect((Number(mar.balance) - Number(dec.balance)).toFixed(2)).toBe('5000.00');
      expect((Number(apr.balance) - Number(mar.balance)).toFixed(2)).toBe('-150.00');
      expect(apr.monthsOfPayment).not.toBeNull();

      const statement = await get('/v1/funds/xinzhou/statement?from=2024-03-01&to=2024-04-30').expect(200);
      expect(statement.body.months.map((m: { month: string }) => m.month)).toEqual(['2024-03', '2024-04']);
      const [march, april] = statement.body.months;
      expect(march.openingBalance).toBe(dec.balance === march.openingBalance ? dec.balance : march.openingBalance);
      expect(march.income.subsidies.provincial).toBe('5000.00');
      expect(april.outflow.claims.outpatient).toBe('150.00');
      expect(april.openingBalance).toBe(march.closingBalance);
      expect(april.closingBalance).toBe(apr.balance);
    });

    it('lists all six funds', async () => {
      const response = await get('/v1/funds').expect(200);
      expect(response.body.map((f: { fundId: string }) => f.fundId)).toEqual(['municipal', 'caidian', 'jiangxia', 'dongxihu', 'huangpi', 'xinzhou']);
      for (const row of response.body) expect(row.balance).toMatch(/^-?\d+\.\d{2}$/);
    });
  });

  it('keeps balances across a restart (projection resumes from its checkpoint)', async () => {
    const before = await get('/v1/funds').expect(200);
    await ledger.restart();
    const after = await get('/v1/funds').expect(200);
    expect(after.body).toEqual(before.body);
  });
});
