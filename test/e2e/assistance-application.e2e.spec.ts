import { loadPolicy } from '@ledger/policy';
import { AuthorizedClient, startTestLedger, storedEventCount, TestLedger, uid } from './ledger-app';

/**
 * POST /v1/assistance-applications over HTTP, from linkage-2018 §二(二)2: an illness-poverty target's
 * self-paid compliant costs of the 12 months before the application are assisted directly at 60%,
 * within the annual cap of 30000.00.
 */
describe('illness-poverty look-back assistance through the API', () => {
  let ledger: TestLedger;
  let clerk: AuthorizedClient;
  const policy = loadPolicy();
  beforeAll(async () => {
    ledger = await startTestLedger();
    clerk = await ledger.as('clerk');
  });
  afterAll(async () => ledger.close());

  /** Enrolled and paid up for 2024 and 2025 in Huangpi. */
  async function resident(hardship: string[] = ['illness-poverty'], by: AuthorizedClient = clerk): Promise<string> {
    const residentId = uid('R');
    for (const year of [2024, 2025]) {
      await by
        .post('/v1/enrollments', {
          enrollmentId: uid('E'), residentId, year, birthDate: '1970-01-01', category: 'adult',
          hukou: { local: true, district: 'huangpi' }, residenceDistrict: 'huangpi', hardship, enrolledAt: `${year - 1}-10-01`,
        })
        .expect(201);
      const due = policy.contributionStandard(year, 'adult').toFixed(2);
      await by.post('/v1/contributions', { receiptNo: uid('RC'), residentId, year, amount: due, paidAt: `${year - 1}-12-01`, collector: 'self' }).expect(201);
    }
    return residentId;
  }

  /** Recorded as reported: compliant 10000.00 − basic 6000.00 − critical illness 0.00 → 4000.00 self-paid, no one-stop assistance. */
  async function claim(residentId: string, admittedAt: string, by: AuthorizedClient = clerk): Promise<string> {
    const claimId = uid('C');
    await by
      .post('/v1/claims', {
        claimId, residentId, careType: 'inpatient', institution: { id: 'HP-1', level: 2, designated: true, district: 'huangpi' },
        admittedAt, dischargedAt: admittedAt, totalCost: '12000.00', compliantCost: '10000.00', settlement: 'direct', filedAt: admittedAt,
        basicFundPayment: '6000.00', criticalIllnessPayment: '0.00', assistancePayment: '0.00',
      })
      .expect(201);
    return claimId;
  }

  it('grants 60% of the 12 months before the application, once, without touching the fund balance', async () => {
    const residentId = await resident();
    const inWindow = await claim(residentId, '2024-03-15');
    await claim(residentId, '2024-03-14');
    const recent = await claim(residentId, '2025-02-01');
    const bureau = await ledger.as('finance-bureau');
    const fundBefore = (await bureau.get('/v1/funds/huangpi').expect(200)).body;

    const body = { applicationId: uid('AA'), residentId, appliedAt: '2025-03-15' };
    const created = await clerk.post('/v1/assistance-applications', body).expect(201);
    expect(created.body).toMatchObject({ applicationId: body.applicationId, residentId, fundId: 'huangpi', base: '8000.00', amount: '4800.00', claims: [inWindow, recent] });

    const again = await clerk.post('/v1/assistance-applications', body).expect(200);
    expect(again.body).toEqual(created.body);
    const conflicting = await clerk.post('/v1/assistance-applications', { ...body, appliedAt: '2025-03-16' }).expect(409);
    expect(conflicting.body.message).toContain(`assistance-application:${body.applicationId}`);

    const second = await clerk.post('/v1/assistance-applications', { applicationId: uid('AA'), residentId, appliedAt: '2025-04-01' }).expect(422);
    expect(second.body.message).toContain('no self-paid compliant costs in the 12 months before 2025-04-01');

    const view = (await bureau.get(`/v1/residents/${residentId}`).expect(200)).body;
    expect(view.yearToDate.find((row: { year: number }) => row.year === 2025).assistancePaid).toBe('4800.00');
    expect(view.assistanceGrants).toEqual([
      expect.objectContaining({ applicationId: body.applicationId, year: 2025, amount: '4800.00', claims: [inWindow, recent], window: { from: '2024-03-15', through: '2025-03-15' } }),
    ]);
    expect((await bureau.get('/v1/funds/huangpi').expect(200)).body).toEqual(fundBefore);
  });

  it('refuses a resident who is not an illness-poverty target, and a malformed body', async () => {
    const residentId = await resident(['dibao']);
    await claim(residentId, '2024-06-01');
    const refused = await clerk.post('/v1/assistance-applications', { applicationId: uid('AA'), residentId, appliedAt: '2025-03-15' }).expect(422);
    expect(refused.body.message).toContain('not an illness-poverty target');
    const malformed = await clerk.post('/v1/assistance-applications', { applicationId: uid('AA'), residentId, appliedAt: '2025-02-30', extra: 1 }).expect(400);
    expect(malformed.body.problems.map((p: { field: string }) => p.field).sort()).toEqual(['appliedAt', 'extra']);
    await clerk.post('/v1/assistance-applications', { applicationId: uid('AA'), residentId: uid('NOBODY'), appliedAt: '2025-03-15' }).expect(404);
  });

  it("lets a district manager apply for its own fund's residents only, writing nothing otherwise", async () => {
    const residentId = await resident();
    await claim(residentId, '2024-06-01');
    const caidian = await ledger.as('district-manager', 'caidian');
    const before = await storedEventCount(ledger);
    const refused = await caidian.post('/v1/assistance-applications', { applicationId: uid('AA'), residentId, appliedAt: '2025-03-15' }).expect(403);
    expect(refused.body.message).toContain('huangpi');
    expect(await storedEventCount(ledger)).toBe(before);
    // Not the business refusal either: a Caidian manager must not learn a Huangpi resident's groups.
    const other = await resident(['dibao']);
    const beforeOther = await storedEventCount(ledger);
    expect((await caidian.post('/v1/assistance-applications', { applicationId: uid('AA'), residentId: other, appliedAt: '2025-03-15' }).expect(403)).body.message).not.toContain('illness-poverty');
    expect(await storedEventCount(ledger)).toBe(beforeOther);

    const huangpi = await ledger.as('district-manager', 'huangpi');
    await huangpi.post('/v1/assistance-applications', { applicationId: uid('AA'), residentId, appliedAt: '2025-03-15' }).expect(201);
    for (const role of ['finance-bureau', 'auditor'] as const) {
      await (await ledger.as(role)).post('/v1/assistance-applications', { applicationId: uid('AA'), residentId, appliedAt: '2025-03-15' }).expect(403);
    }
  });
});
