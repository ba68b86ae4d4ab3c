import { adultEnrollment, AuthorizedClient, startTestLedger, storedEventCount, TestLedger, uid } from './ledger-app';

/**
 * Issue 13 item 1: a district manager may enroll only residents who are new or whose records are
 * all in the manager's fund, may never change what another fund's records say, and is answered 403
 * before any business rule could tell it something about them.
 */
describe("a district manager never writes into or reads another fund's records", () => {
  let ledger: TestLedger;
  let clerk: AuthorizedClient;
  let huangpi: AuthorizedClient;
  const resident = adultEnrollment({ year: 2024, birthDate: '1970-03-03', hukou: { local: true, district: 'xinzhou' }, residenceDistrict: 'xinzhou', hardship: ['dibao'] });
  const receiptNo = uid('RC');
  const claimId = uid('C');
  const claim = {
    claimId, residentId: resident.residentId, careType: 'inpatient', institution: { id: 'XZ-1', level: 2, designated: true, district: 'xinzhou' },
    admittedAt: '2024-03-01', dischargedAt: '2024-03-05', totalCost: '9000.00', compliantCost: '8000.00', settlement: 'direct', filedAt: '2024-03-05',
  };

  beforeAll(async () => {
    ledger = await startTestLedger();
    clerk = await ledger.as('clerk');
    huangpi = await ledger.as('district-manager', 'huangpi');
    await clerk.post('/v1/enrollments', resident).expect(201);
    await clerk.post('/v1/contributions', { receiptNo, residentId: resident.residentId, year: 2024, amount: '380.00', paidAt: '2023-12-01', collector: 'self' }).expect(201);
    await clerk.post('/v1/claims', claim).expect(201);
  });
  afterAll(async () => ledger.close());

  it("refuses the huangpi manager's enrollment of a xinzhou resident (next year, hukou huangpi): 403, nothing written, nothing changed", async () => {
    const before = await storedEventCount(ledger);
    const viewBefore = (await clerk.get(`/v1/residents/${resident.residentId}`).expect(200)).body;
    const takeover = { ...resident, enrollmentId: uid('E'), year: 2025, birthDate: '2001-01-01', hukou: { local: true, district: 'huangpi' }, residenceDistrict: 'huangpi', hardship: [], enrolledAt: '2024-10-01' };
    const refused = await huangpi.post('/v1/enrollments', takeover).expect(403);
    expect(refused.body.detail).toContain('xinzhou');
    expect(await storedEventCount(ledger)).toBe(before);
    expect((await clerk.get(`/v1/residents/${resident.residentId}`).expect(200)).body).toEqual(viewBefore);
    await huangpi.get(`/v1/residents/${resident.residentId}`).expect(403);
  });

  it('answers every write on the xinzhou resident 403 where a clerk would get a business refusal', async () => {
    const before = await storedEventCount(ledger);
    const attempts: Array<[string, Record<string, unknown>]> = [
      ['/v1/enrollments', { ...resident, enrollmentId: uid('E') }],
      ['/v1/contributions', { receiptNo: uid('RC'), residentId: resident.residentId, year: 2024, amount: '1.00', paidAt: '2024-01-02', collector: 'self' }],
      ['/v1/contributions', { receiptNo: uid('RC'), residentId: resident.residentId, year: 2026, amount: '1.00', paidAt: '2025-12-02', collector: 'self', fundId: 'huangpi' }],
      [`/v1/contributions/${receiptNo}/reversal`, { reversalId: uid('REV'), reversedAt: '2020-01-01', reason: 'bounced' }],
      ['/v1/claims', { ...claim, claimId: uid('C'), compliantCost: '9000.00', basicFundPayment: '9999.00' }],
      [`/v1/claims/${claimId}/reversal`, { reversalId: uid('REV'), reversedAt: '2020-01-01', reason: 'twice' }],
      [`/v1/claims/${claimId}/insurer-decision`, { receivedAt: '2024-03-10', decidedAt: '2024-03-01', covered: true }],
      [`/v1/claims/${claimId}/insurer-payment`, { paidAt: '2024-03-20', amount: '10.00' }],
      ['/v1/scheme-changes', { changeId: uid('S'), residentId: resident.residentId, to: 'resident', effectiveAt: '2024-06-01' }],
      ['/v1/assistance-applications', { applicationId: uid('AA'), residentId: resident.residentId, appliedAt: '2024-06-30' }],
      ['/v1/subsidies', { subsidyId: uid('HA'), level: 'district', purpose: 'hardship-contribution', year: 2024, amount: '1.00', grantedAt: '2024-01-10', residentId: resident.residentId }],
      ['/v1/subsidies', { subsidyId: uid('HA'), level: 'district', purpose: 'hardship-contribution', year: 2024, amount: '1.00', grantedAt: '2024-01-10', residentId: resident.residentId, fundId: 'huangpi' }],
      ['/v1/subsidies', { subsidyId: uid('PC'), level: 'central', purpose: 'per-capita', year: 2024, amount: '1.00', grantedAt: '2024-01-10', fundId: 'xinzhou' }],
      ['/v1/settlements/quote', { ...claim, claimId: undefined, admittedAt: '2016-12-31' }],
      ['/v1/settlements/quote', { ...claim, claimId: undefined }],
    ];
    for (const [path, body] of attempts) {
      const asManager = await huangpi.post(path, body);
      expect({ path, body, status: asManager.status, detail: asManager.body.detail }).toEqual({ path, body, status: 403, detail: expect.stringContaining('xinzhou') });
    }
    expect(await storedEventCount(ledger)).toBe(before);
    // What the 403s stood in for: a clerk is told the business reasons.
    const reversal = await clerk.post(`/v1/contributions/${receiptNo}/reversal`, { reversalId: uid('REV'), reversedAt: '2020-01-01', reason: 'bounced' });
    expect(reversal.status).toBe(422);
    const aid = await clerk.post('/v1/assistance-applications', { applicationId: uid('AA'), residentId: resident.residentId, appliedAt: '2024-06-30' });
    expect(aid.status).toBe(422);
  });

  it('lets the manager of the fund a resident moved to read and record that part only', async () => {
    const moved = adultEnrollment({ birthDate: '1960-01-01', hukou: { local: true, district: 'xinzhou' }, residenceDistrict: 'xinzhou' });
    await clerk.post('/v1/enrollments', moved).expect(201);
    await clerk.post('/v1/contributions', { receiptNo: uid('RC'), residentId: moved.residentId, year: 2024, amount: '380.00', paidAt: '2023-12-01', collector: 'self' }).expect(201);
    const xinzhouClaim = { ...claim, claimId: uid('C'), residentId: moved.residentId };
    await clerk.post('/v1/claims', xinzhouClaim).expect(201);
    await clerk.post('/v1/enrollments', { ...moved, enrollmentId: uid('E'), year: 2025, hukou: { local: true, district: 'huangpi' }, residenceDistrict: 'huangpi', enrolledAt: '2024-10-01' }).expect(201);

    const view = (await huangpi.get(`/v1/residents/${moved.residentId}`).expect(200)).body;
    expect(view.enrollments.map((e: { year: number; fundId: string }) => [e.year, e.fundId])).toEqual([[2025, 'huangpi']]);
    expect(view.claims).toEqual([]);
    expect(view.yearToDate.map((row: { year: number }) => row.year)).not.toContain(2024);
    const xinzhou = await ledger.as('district-manager', 'xinzhou');
    const theirs = (await xinzhou.get(`/v1/residents/${moved.residentId}`).expect(200)).body;
    expect(theirs.claims.map((c: { claimId: string }) => c.claimId)).toEqual([xinzhouClaim.claimId]);

    await huangpi.post('/v1/contributions', { receiptNo: uid('RC'), residentId: moved.residentId, year: 2025, amount: '380.00', paidAt: '2024-12-01', collector: 'self' }).expect(201);
    await huangpi.post(`/v1/claims/${xinzhouClaim.claimId}/reversal`, { reversalId: uid('REV'), reversedAt: '2025-01-10', reason: 'x' }).expect(403);
    await huangpi.post('/v1/enrollments', { ...moved, enrollmentId: uid('E'), year: 2026, hukou: { local: true, district: 'huangpi' }, residenceDistrict: 'huangpi', enrolledAt: '2025-10-01' }).expect(403);
    await huangpi.post('/v1/scheme-changes', { changeId: uid('S'), residentId: moved.residentId, to: 'employee', effectiveAt: '2025-06-01' }).expect(403);
  });
});
