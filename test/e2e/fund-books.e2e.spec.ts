import { AuthorizedClient, startTestLedger, storedEventCount, TestLedger, uid } from './ledger-app';

/** The fund's own books over HTTP: POST /v1/fund-movements and /v1/fund-transfers, and the figures they move. */
describe('fund books (embedded store, end to end)', () => {
  let ledger: TestLedger;
  let clerk: AuthorizedClient;
  let bureau: AuthorizedClient;
  beforeAll(async () => {
    ledger = await startTestLedger();
    clerk = await ledger.as('clerk');
    bureau = await ledger.as('finance-bureau');
  });
  afterAll(async () => ledger.close());

  const interest = (overrides: Record<string, unknown> = {}) => ({
    movementId: uid('INT'), fundId: 'xinzhou', kind: 'interest', amount: '1200.50', occurredAt: '2025-03-21', reference: 'ICBC-2025-03', ...overrides,
  });

  async function figures(fundId: string, query = '') {
    return (await bureau.get(`/v1/funds/${fundId}${query}`).expect(200)).body;
  }

  describe('POST /v1/fund-movements', () => {
    it('records interest (201), answers an identical re-send with 200, and a different body under the key with 409', async () => {
      const body = interest();
      const created = await clerk.post('/v1/fund-movements', body).expect(201);
      expect(created.body).toMatchObject({ movementId: body.movementId, fundId: 'xinzhou', kind: 'interest', amount: '1200.50' });
      const before = await storedEventCount(ledger);
      const again = await clerk.post('/v1/fund-movements', body).expect(200);
      expect(again.body).toEqual(created.body);
      await clerk.post('/v1/fund-movements', { ...body, amount: '1200.51' }).expect(409);
      expect(await storedEventCount(ledger)).toBe(before);
      const fund = await figures('xinzhou');
      expect(fund.income.interest).toBe('1200.50');
      expect(fund.balance).toBe('1200.50');
    });

    it('records each kind in its category of the fund figures', async () => {
      const fundId = 'dongxihu';
      await clerk.post('/v1/fund-movements', interest({ fundId, amount: '100.00' })).expect(201);
      await clerk.post('/v1/fund-movements', { movementId: uid('PREM'), fundId, kind: 'critical-illness-premium', amount: '60.00', occurredAt: '2025-01-15', year: 2025 }).expect(201);
      await clerk.post('/v1/fund-movements', { movementId: uid('REC'), fundId, kind: 'recovery', amount: '7.00', occurredAt: '2025-02-01', reason: 'inspection 2025-01' }).expect(201);
      await clerk.post('/v1/fund-movements', { movementId: uid('OI'), fundId, kind: 'other-income', amount: '3.00', occurredAt: '2025-02-02', reason: 'bank fee refund' }).expect(201);
      await clerk.post('/v1/fund-movements', { movementId: uid('OE'), fundId, kind: 'other-expense', amount: '1.00', occurredAt: '2025-02-03', reason: 'court-ordered refund' }).expect(201);
      const fund = await figures(fundId);
      expect(fund.income).toMatchObject({ interest: '100.00', recoveries: '7.00', other: '3.00', transfersIn: '0.00', total: '110.00' });
      expect(fund.outflow).toMatchObject({ criticalIllnessPremium: '60.00', other: '1.00', transfersOut: '0.00', total: '61.00' });
      expect(fund.balance).toBe('49.00');
      const early = await figures(fundId, '?asOf=2025-01-31');
      expect(early.balance).toBe('-60.00'); // only the January premium by then
    });

    it('400 names the field: a premium without its year, other income without a reason, an unknown kind', async () => {
      const before = await storedEventCount(ledger);
      const premium = await clerk.post('/v1/fund-movements', { movementId: uid('P'), fundId: 'caidian', kind: 'critical-illness-premium', amount: '1.00', occurredAt: '2025-01-01' }).expect(400);
      expect(JSON.stringify(premium.body)).toContain('year');
      const other = await clerk.post('/v1/fund-movements', { movementId: uid('O'), fundId: 'caidian', kind: 'other-income', amount: '1.00', occurredAt: '2025-01-01' }).expect(400);
      expect(JSON.stringify(other.body)).toContain('reason');
      const kind = await clerk.post('/v1/fund-movements', { movementId: uid('K'), fundId: 'caidian', kind: 'gift', amount: '1.00', occurredAt: '2025-01-01' }).expect(400);
      expect(JSON.stringify(kind.body)).toContain('kind');
      expect(await storedEventCount(ledger)).toBe(before);
    });

    it("lets a district manager record for its own fund only (403 for another's, nothing written)", async () => {
      const manager = await ledger.as('district-manager', 'huangpi');
      await manager.post('/v1/fund-movements', interest({ fundId: 'huangpi' })).expect(201);
      const before = await storedEventCount(ledger);
      await manager.post('/v1/fund-movements', interest({ fundId: 'caidian' })).expect(403);
      expect(await storedEventCount(ledger)).toBe(before);
      await (await ledger.as('finance-bureau')).post('/v1/fund-movements', interest()).expect(403);
    });

    it('credits a recovery naming a claim back to the fund that paid; another fund is 422, an unknown claim 404', async () => {
      const residentId = uid('R');
      await clerk.post('/v1/enrollments', {
        enrollmentId: uid('E'), residentId, year: 2025, birthDate: '1980-05-01', category: 'adult',
        hukou: { local: true, district: 'jiangxia' }, residenceDistrict: 'jiangxia', enrolledAt: '2024-11-15',
      }).expect(201);
      const resident = await clerk.get(`/v1/residents/${residentId}`).expect(200);
      const due = resident.body.enrollments[0].contributionDue;
      await clerk.post('/v1/contributions', { receiptNo: uid('RC'), residentId, year: 2025, amount: due, paidAt: '2024-11-20', collector: 'self' }).expect(201);
      const claimId = uid('CL');
      const claim = await clerk.post('/v1/claims', {
        claimId, residentId, careType: 'inpatient', institution: { id: 'JX-1', level: 2, designated: true, district: 'jiangxia' },
        admittedAt: '2025-03-01', dischargedAt: '2025-03-09', totalCost: '12000.00', compliantCost: '10000.00', settlement: 'direct', filedAt: '2025-03-09',
      }).expect(201);
      expect(Number(claim.body.basicFundPayment)).toBeGreaterThan(100);
      const before = await storedEventCount(ledger);
      const wrong = await clerk.post('/v1/fund-movements', { movementId: uid('REC'), fundId: 'municipal', kind: 'recovery', amount: '100.00', occurredAt: '2025-05-01', claimId }).expect(422);
      expect(wrong.body.message ?? wrong.body.detail).toContain('jiangxia');
      await clerk.post('/v1/fund-movements', { movementId: uid('REC'), fundId: 'jiangxia', kind: 'recovery', amount: '100.00', occurredAt: '2025-05-01', claimId: uid('NOCLAIM') }).expect(404);
      expect(await storedEventCount(ledger)).toBe(before);
      const ok = await clerk.post('/v1/fund-movements', { movementId: uid('REC'), fundId: 'jiangxia', kind: 'recovery', amount: '100.00', occurredAt: '2025-05-01', claimId }).expect(201);
      expect(ok.body).toMatchObject({ kind: 'recovery', claimId, residentId, fundId: 'jiangxia' });
      const manager = await ledger.as('district-manager', 'huangpi');
      await manager.post('/v1/fund-movements', { movementId: uid('REC'), fundId: 'jiangxia', kind: 'recovery', amount: '1.00', occurredAt: '2025-05-01', claimId }).expect(403);
    });
  });

  describe('POST /v1/fund-transfers', () => {
    const transfer = (overrides: Record<string, unknown> = {}) => ({
      transferId: uid('FT'), fromFundId: 'caidian', toFundId: 'municipal', kind: 'remittance-up', amount: '250.00', occurredAt: '2025-06-30', reference: 'WHCZ-118', ...overrides,
    });

    it('posts one transfer to both books (201), 200 on re-send, 409 on another body', async () => {
      const [caidian, municipal] = [await figures('caidian'), await figures('municipal')];
      const body = transfer();
      const created = await clerk.post('/v1/fund-transfers', body).expect(201);
      expect(created.body).toMatchObject({ transferId: body.transferId, fromFundId: 'caidian', toFundId: 'municipal', kind: 'remittance-up', amount: '250.00' });
      await clerk.post('/v1/fund-transfers', body).expect(200);
      await clerk.post('/v1/fund-transfers', { ...body, kind: 'adjustment' }).expect(409);
      const [caidianAfter, municipalAfter] = [await figures('caidian'), await figures('municipal')];
      expect(Number(caidianAfter.outflow.transfersOut) - Number(caidian.outflow.transfersOut)).toBeCloseTo(250);
      expect(Number(municipalAfter.income.transfersIn) - Number(municipal.income.transfersIn)).toBeCloseTo(250);
      expect(Number(caidianAfter.balance) - Number(caidian.balance)).toBeCloseTo(-250);
      expect(Number(municipalAfter.balance) - Number(municipal.balance)).toBeCloseTo(250);
    });

    it('refuses a district manager (a transfer touches two funds) with 403, and a transfer to the same fund with 400', async () => {
      const before = await storedEventCount(ledger);
      const manager = await ledger.as('district-manager', 'caidian');
      await manager.post('/v1/fund-transfers', transfer()).expect(403);
      const same = await clerk.post('/v1/fund-transfers', transfer({ toFundId: 'caidian' })).expect(400);
      expect(JSON.stringify(same.body)).toContain('toFundId');
      await clerk.post('/v1/fund-transfers', transfer({ kind: 'gift' })).expect(400);
      expect(await storedEventCount(ledger)).toBe(before);
    });
  });
});
