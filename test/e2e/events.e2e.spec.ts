import { startTestLedger, type TestLedger } from './ledger-app';

/** GET /v1/events/:position: the stored event an audit finding's evidence names. */
describe('GET /v1/events/:position', () => {
  let ledger: TestLedger;
  beforeAll(async () => {
    ledger = await startTestLedger();
    const clerk = await ledger.as('clerk');
    await clerk
      .post('/v1/subsidies', { subsidyId: 'FIN-EV-1', level: 'central', purpose: 'per-capita', year: 2025, amount: '1200.00', grantedAt: '2025-03-01', fundId: 'huangpi' })
      .expect(201);
  });
  afterAll(() => ledger.close());

  it('answers the auditor and the finance bureau with the stored event: type, stream, revision, date, who, data, hash', async () => {
    for (const role of ['auditor', 'finance-bureau'] as const) {
      const response = await (await ledger.as(role)).get('/v1/events/1').expect(200);
      expect(response.body).toMatchObject({
        position: 1,
        type: 'SubsidyGranted',
        stream: 'fund-huangpi',
        revision: 0,
        occurredAt: '2025-03-01',
        recordedBy: { role: 'clerk' },
        businessKey: expect.stringContaining('FIN-EV-1'),
        data: expect.objectContaining({ subsidyId: 'FIN-EV-1', amount: '1200.00' }),
      });
      expect(response.body.hash).toMatch(/^[0-9a-f]{64}$/);
      expect(typeof response.body.recordedAt).toBe('string');
    }
  });

  it('refuses other roles (403), names the field of a malformed position (400) and answers 404 where there is no event', async () => {
    await (await ledger.as('clerk')).get('/v1/events/1').expect(403);
    await (await ledger.as('district-manager', 'huangpi')).get('/v1/events/1').expect(403);
    const auditor = await ledger.as('auditor');
    for (const bad of ['abc', '-1', '1.5', '0x10']) {
      const response = await auditor.get(`/v1/events/${bad}`).expect(400);
      expect(JSON.stringify(response.body)).toContain('position');
    }
    await auditor.get('/v1/events/999999').expect(404);
    await auditor.get('/v1/events/0').expect(404);
  });
});
