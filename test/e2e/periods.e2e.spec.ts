import { join } from 'node:path';
import { PeriodService } from '@ledger/application';
import { SqliteEventStore, StoredEvent } from '@ledger/event-store';
import { adultEnrollment, AuthorizedClient, startTestLedger, storedEventCount, TestLedger, uid } from './ledger-app';

/**
 * Period close and bank confirmations over HTTP: success, idempotent replay, 409, 403, and the
 * period gate (422 naming the closed year) on every command, with nothing written.
 */
describe('period close and bank confirmations (end to end)', () => {
  let ledger: TestLedger;
  let clerk: AuthorizedClient;
  let bureau: AuthorizedClient;
  const residentId = uid('R');
  const claimId = uid('CLM');
  const receiptNo = uid('TAX');

  beforeAll(async () => {
    ledger = await startTestLedger();
    clerk = await ledger.as('clerk');
    bureau = await ledger.as('finance-bureau');
    await clerk.post('/v1/enrollments', adultEnrollment({ residentId, hukou: { local: true, district: 'huangpi' } })).expect(201);
    await clerk.post('/v1/contributions', { receiptNo, residentId, year: 2024, amount: '380.00', paidAt: '2023-12-01', collector: 'self' }).expect(201);
    await clerk
      .post('/v1/subsidies', { subsidyId: uid('SUB'), level: 'central', purpose: 'per-capita', year: 2024, amount: '50000.00', grantedAt: '2024-03-01', fundId: 'huangpi' })
      .expect(201);
    await clerk
      .post('/v1/claims', {
        claimId, residentId, careType: 'inpatient',
        institution: { id: 'HP-1', level: 2, designated: true, district: 'huangpi' },
        admittedAt: '2024-05-02', dischargedAt: '2024-05-10', totalCost: '12000.00', compliantCost: '10000.00',
        settlement: 'direct', filedAt: '2024-05-10',
      })
      .expect(201);
  });
  afterAll(async () => ledger.close());

  async function balance(fundId: string, asOf: string): Promise<string> {
    return (await bureau.get(`/v1/funds/${fundId}?asOf=${asOf}`).expect(200)).body.balance;
  }

  async function storedEvents(): Promise<StoredEvent[]> {
    const store = new SqliteEventStore({ file: join(ledger.dataDir, 'events.sqlite') });
    const events: StoredEvent[] = [];
    for await (const event of store.readAll()) events.push(event);
    await store.close();
    return events;
  }

  describe('bank confirmations', () => {
    it('records the bank balance beside the ledger balance and the difference', async () => {
      const ledgerBalance = await balance('huangpi', '2024-06-30');
      const body = { confirmationId: uid('BANK'), fundId: 'huangpi', date: '2024-06-30', balance: '50000.00' };
      const created = await bureau.post('/v1/bank-confirmations', body).expect(201);
      const difference = (Number(body.balance) - Number(ledgerBalance)).toFixed(2);
      expect(created.body).toEqual({ confirmationId: body.confirmationId, fundId: 'huangpi', date: '2024-06-30', ledgerBalance, bankBalance: '50000.00', difference });
      // The API takes it from the fund ledger; a replay of every stored posting gives the same.
      const store = new SqliteEventStore({ file: join(ledger.dataDir, 'events.sqlite') });
      expect((await new PeriodService({ store }).balanceAsOf('huangpi', '2024-06-30')).toFixed(2)).toBe(created.body.ledgerBalance);
      await store.close();
      const again = await bureau.post('/v1/bank-confirmations', body).expect(200);
      expect(again.body).toEqual(created.body);
      await bureau.post('/v1/bank-confirmations', { ...body, balance: '1.00' }).expect(409);
    });

    it('lists a fund’s confirmations by date to whoever reads the fund, and to a district manager its own fund’s only', async () => {
      const later = { confirmationId: uid('BANK'), fundId: 'huangpi', date: '2024-09-30', balance: '49000.00' };
      const earlier = { confirmationId: uid('BANK'), fundId: 'huangpi', date: '2024-03-31', balance: '100.00' };
      await bureau.post('/v1/bank-confirmations', later).expect(201);
      await bureau.post('/v1/bank-confirmations', earlier).expect(201);
      const listed = (await bureau.get('/v1/funds/huangpi/bank-confirmations').expect(200)).body as Array<Record<string, unknown>>;
      const dates = listed.map((row) => row.date);
      expect(dates).toEqual([...dates].sort());
      const row = listed.find((r) => r.confirmationId === later.confirmationId)!;
      expect(row).toEqual(expect.objectContaining({ fundId: 'huangpi', date: '2024-09-30', bankBalance: '49000.00', recordedBy: expect.any(String), recordedAt: expect.any(String), position: expect.any(Number) }));
      expect(listed.map((r) => r.confirmationId)).toEqual(expect.arrayContaining([earlier.confirmationId, later.confirmationId]));

      await (await ledger.as('district-manager', 'huangpi')).get('/v1/funds/huangpi/bank-confirmations').expect(200);
      await (await ledger.as('district-manager', 'xinzhou')).get('/v1/funds/huangpi/bank-confirmations').expect(403);
      expect((await bureau.get('/v1/funds/xinzhou/bank-confirmations').expect(200)).body).toEqual([]);
      await bureau.get('/v1/funds/wuchang/bank-confirmations').expect(404);
    });

    it('is the finance bureau’s alone, and refuses a malformed body', async () => {
      const before = await storedEventCount(ledger);
      const body = { confirmationId: uid('BANK'), fundId: 'huangpi', date: '2024-06-30', balance: '1.00' };
      await clerk.post('/v1/bank-confirmations', body).expect(403);
      await (await ledger.as('district-manager', 'huangpi')).post('/v1/bank-confirmations', body).expect(403);
      await (await ledger.as('auditor')).post('/v1/bank-confirmations', body).expect(403);
      const bad = await bureau.post('/v1/bank-confirmations', { ...body, fundId: 'wuchang' }).expect(400);
      expect(JSON.stringify(bad.body)).toContain('fundId');
      expect(await storedEventCount(ledger)).toBe(before);
    });
  });

  describe('closing 2024', () => {
    let closed: { year: number; closedAt: string; funds: Array<{ fundId: string; closingBalance: string }>; digest: string };

    it('is refused to everyone but the finance bureau, and before the year has ended', async () => {
      const before = await storedEventCount(ledger);
      await clerk.post('/v1/periods/2024/close', { closedAt: '2025-01-20' }).expect(403);
      await (await ledger.as('auditor')).post('/v1/periods/2024/close', { closedAt: '2025-01-20' }).expect(403);
      await (await ledger.as('district-manager', 'huangpi')).post('/v1/periods/2024/close', { closedAt: '2025-01-20' }).expect(403);
      const early = await bureau.post('/v1/periods/2024/close', { closedAt: '2024-12-31' }).expect(422);
      expect(JSON.stringify(early.body)).toContain('2025-01-01');
      await bureau.post('/v1/periods/24/close', { closedAt: '2025-01-20' }).expect(400);
      await bureau.post('/v1/periods/2024/close', { closedAt: '2025-02-30' }).expect(400);
      expect(await storedEventCount(ledger)).toBe(before);
    });

    it('seals the year with each fund’s closing figures and a digest of the history', async () => {
      const expected = await balance('huangpi', '2024-12-31');
      const response = await bureau.post('/v1/periods/2024/close', { closedAt: '2025-01-20' }).expect(201);
      closed = response.body;
      expect(closed.year).toBe(2024);
      expect(closed.closedAt).toBe('2025-01-20');
      expect(closed.digest).toMatch(/^[0-9a-f]{64}$/);
      expect(closed.funds.map((f) => f.fundId)).toEqual(['municipal', 'caidian', 'jiangxia', 'dongxihu', 'huangpi', 'xinzhou']);
      expect(closed.funds.find((f) => f.fundId === 'huangpi')!.closingBalance).toBe(expected);
      expect(closed.funds.find((f) => f.fundId === 'municipal')!.closingBalance).toBe('0.00');
    });

    it('answers the same close again with 200, and another closedAt with 409', async () => {
      const again = await bureau.post('/v1/periods/2024/close', { closedAt: '2025-01-20' }).expect(200);
      expect(again.body).toEqual(closed);
      const other = await bureau.post('/v1/periods/2024/close', { closedAt: '2025-01-21' }).expect(409);
      expect(JSON.stringify(other.body)).toContain('2024');
    });

    it('lists the closed years', async () => {
      const list = await bureau.get('/v1/periods').expect(200);
      expect(list.body).toEqual([expect.objectContaining({ year: 2024, closedAt: '2025-01-20', digest: closed.digest })]);
      await clerk.get('/v1/periods').expect(403);
      const manager = await (await ledger.as('district-manager', 'huangpi')).get('/v1/periods').expect(200);
      expect(manager.body[0].funds.map((f: { fundId: string }) => f.fundId)).toEqual(['huangpi']);
    });

    it('refuses every command dated in the closed year with 422 naming it, writing nothing', async () => {
      const before = await storedEventCount(ledger);
      const attempts: Array<[string, unknown]> = [
        ['/v1/enrollments', adultEnrollment({ year: 2025, enrolledAt: '2024-11-01', hukou: { local: true, district: 'huangpi' } })],
        ['/v1/contributions', { receiptNo: uid('TAX'), residentId, year: 2024, amount: '1.00', paidAt: '2024-12-30', collector: 'self' }],
        ['/v1/subsidies', { subsidyId: uid('SUB'), level: 'district', purpose: 'per-capita', year: 2024, amount: '10.00', grantedAt: '2024-12-31', fundId: 'huangpi' }],
        ['/v1/scheme-changes', { changeId: uid('SC'), residentId, to: 'employee', effectiveAt: '2024-12-01' }],
        [
          '/v1/claims',
          {
            claimId: uid('CLM'), residentId, careType: 'outpatient', institution: { id: 'HP-1', level: 2, designated: true, district: 'huangpi' },
            admittedAt: '2024-12-20', dischargedAt: '2024-12-20', totalCost: '100.00', compliantCost: '100.00', settlement: 'direct', filedAt: '2024-12-20',
          },
        ],
        [`/v1/claims/${claimId}/insurer-decision`, { receivedAt: '2024-05-11', decidedAt: '2024-06-01', covered: true }],
        [`/v1/claims/${claimId}/reversal`, { reversalId: uid('REV'), reversedAt: '2024-12-31', reason: 'duplicate' }],
        [`/v1/contributions/${receiptNo}/reversal`, { reversalId: uid('REV'), reversedAt: '2024-06-01', reason: 'refund' }],
        ['/v1/assistance-applications', { applicationId: uid('AA'), residentId, appliedAt: '2024-12-01' }],
        ['/v1/fund-movements', { movementId: uid('FM'), fundId: 'huangpi', kind: 'interest', amount: '12.30', occurredAt: '2024-12-21' }],
        ['/v1/fund-movements', { movementId: uid('FM'), fundId: 'huangpi', kind: 'recovery', amount: '10.00', occurredAt: '2024-12-30', claimId }],
        ['/v1/fund-transfers', { transferId: uid('FT'), fromFundId: 'huangpi', toFundId: 'municipal', kind: 'remittance-up', amount: '5.00', occurredAt: '2024-12-31' }],
      ];
      for (const [path, body] of attempts) {
        const response = await clerk.post(path, body);
        expect({ path, status: response.status }).toEqual({ path, status: 422 });
        expect(JSON.stringify(response.body)).toContain('2024');
      }
      const bank = await bureau.post('/v1/bank-confirmations', { confirmationId: uid('BANK'), fundId: 'huangpi', date: '2024-12-31', balance: '1.00' }).expect(422);
      expect(JSON.stringify(bank.body)).toContain('2024');
      expect(await storedEventCount(ledger)).toBe(before);
    });

    it('takes a correction of a 2024 claim dated in 2025, and 2024’s figures do not change', async () => {
      const closing = await balance('huangpi', '2024-12-31');
      const reversal = await clerk.post(`/v1/claims/${claimId}/reversal`, { reversalId: uid('REV'), reversedAt: '2025-02-01', reason: 'improper payment' }).expect(201);
      expect(reversal.body.claimId).toBe(claimId);
      expect(await balance('huangpi', '2024-12-31')).toBe(closing);
      await clerk.post('/v1/fund-movements', { movementId: uid('FM'), fundId: 'huangpi', kind: 'interest', amount: '12.30', occurredAt: '2025-01-21' }).expect(201);
      expect(await balance('huangpi', '2024-12-31')).toBe(closing);
      const paidBack = Number(reversal.body.basicFundPayment);
      expect(Number(await balance('huangpi', '2025-02-01'))).toBeCloseTo(Number(closing) + 12.3 + paidBack, 2);
    });

    it('closes years in order: an earlier year is sealed by a later close', async () => {
      const sealed = await bureau.post('/v1/periods/2023/close', { closedAt: '2025-03-01' }).expect(422);
      expect(JSON.stringify(sealed.body)).toContain('2024');
      const old = await clerk.post('/v1/contributions', { receiptNo: uid('TAX'), residentId, year: 2024, amount: '1.00', paidAt: '2023-12-02', collector: 'self' }).expect(422);
      expect(JSON.stringify(old.body)).toContain('2023');
    });
  });

  it('lets no fact dated in a year slip in while the year is being closed', async () => {
    const others = Array.from({ length: 3 }, () => adultEnrollment({ year: 2025, enrolledAt: '2025-01-10', hukou: { local: true, district: 'xinzhou' } }));
    for (const body of others) await clerk.post('/v1/enrollments', body).expect(201);
    const writes = others.flatMap((body) =>
      Array.from({ length: 8 }, (_, i) =>
        clerk.post('/v1/subsidies', { subsidyId: uid('SUB'), level: 'district', purpose: 'per-capita', year: 2025, amount: '1.00', grantedAt: `2025-0${1 + (i % 9)}-15`, fundId: 'xinzhou' }),
      ),
    );
    const close = bureau.post('/v1/periods/2025/close', { closedAt: '2026-01-05' });
    const [closing, ...written] = await Promise.all([close, ...writes]);
    expect(closing.status).toBe(201);
    for (const response of written) expect([201, 422]).toContain(response.status);
    const events = await storedEvents();
    const closeEvent = events.find((event) => event.type === 'PeriodClosed' && (event.data as { year: number }).year === 2025)!;
    const late = events.filter((event) => event.position > closeEvent.position && String((event.metadata as { occurredAt: string }).occurredAt) <= '2025-12-31');
    expect(late).toEqual([]);
    const xinzhou = (closing.body.funds as Array<{ fundId: string; closingBalance: string }>).find((f) => f.fundId === 'xinzhou')!;
    expect(xinzhou.closingBalance).toBe(await balance('xinzhou', '2025-12-31'));
  });
});
