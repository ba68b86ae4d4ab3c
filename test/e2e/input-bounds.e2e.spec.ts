import { adultEnrollment, AuthorizedClient, startTestLedger, storedEventCount, TestLedger, uid } from './ledger-app';

/**
 * Issue 13 items 2, 3 and 4: inputs the ledger cannot serve are 4xx naming the field (never a 500),
 * an institution's district is one of the listed codes, and a reversal is never dated before the
 * fact it reverses.
 */
describe('inputs at the edges of time and of the code lists', () => {
  let ledger: TestLedger;
  let clerk: AuthorizedClient;
  let bureau: AuthorizedClient;
  const resident = adultEnrollment({ year: 2017, enrolledAt: '2016-11-01', hukou: { local: true, district: 'huangpi' }, residenceDistrict: 'huangpi' });
  const receiptNo = uid('RC');
  const claim = {
    claimId: uid('C'), residentId: resident.residentId, careType: 'inpatient', institution: { id: 'HP-1', level: 2, designated: true, district: 'huangpi' },
    admittedAt: '2017-03-01', dischargedAt: '2017-03-05', totalCost: '9000.00', compliantCost: '8000.00', settlement: 'direct', filedAt: '2017-03-05',
  };

  beforeAll(async () => {
    ledger = await startTestLedger();
    clerk = await ledger.as('clerk');
    bureau = await ledger.as('finance-bureau');
    await clerk.post('/v1/enrollments', resident).expect(201);
    await clerk.post('/v1/contributions', { receiptNo, residentId: resident.residentId, year: 2017, amount: '180.00', paidAt: '2016-12-01', collector: 'self' }).expect(201);
    await clerk.post('/v1/claims', claim).expect(201);
  });
  afterAll(async () => ledger.close());

  const fieldsOf = (body: { problems?: Array<{ field: string }> }) => (body.problems ?? []).map((problem) => problem.field);

  it('answers a claim or quote admitted before any policy parameter is in force 422 naming admittedAt, writing nothing', async () => {
    const before = await storedEventCount(ledger);
    const early = { ...claim, claimId: uid('C'), admittedAt: '2016-12-31', dischargedAt: '2017-01-02', filedAt: '2017-01-02' };
    const refused = await clerk.post('/v1/claims', early).expect(422);
    expect(fieldsOf(refused.body)).toEqual(['admittedAt']);
    const { claimId: _id, ...quote } = early;
    expect(fieldsOf((await clerk.post('/v1/settlements/quote', quote).expect(422)).body)).toEqual(['admittedAt']);
    const enrollment = await clerk.post('/v1/enrollments', adultEnrollment({ year: 2016, enrolledAt: '2015-11-01' })).expect(422);
    expect(fieldsOf(enrollment.body)).toEqual(['year']);
    expect(await storedEventCount(ledger)).toBe(before);
  });

  it('answers asOf 9999-12-31 on a fund, the fund list, a statement and an audit 400 naming the field (no 500)', async () => {
    expect(fieldsOf((await bureau.get('/v1/funds/huangpi?asOf=9999-12-31').expect(400)).body)).toEqual(['asOf']);
    expect(fieldsOf((await bureau.get('/v1/funds?asOf=9999-12-31').expect(400)).body)).toEqual(['asOf']);
    for (const format of ['json', 'csv', 'xlsx']) {
      const statement = await bureau.get(`/v1/funds/huangpi/statement?from=9999-01-01&to=9999-12-31&format=${format}`).expect(400);
      expect(fieldsOf(statement.body).sort()).toEqual(['from', 'to']);
    }
    const auditor = await ledger.as('auditor');
    expect(fieldsOf((await auditor.post('/v1/audits', { asOf: '9999-12-31' }).expect(400)).body)).toEqual(['asOf']);
    // The last servable day still answers.
    await bureau.get('/v1/funds/huangpi?asOf=2100-12-31').expect(200);
    await bureau.get('/v1/funds/huangpi/statement?from=2100-01-01&to=2100-12-31').expect(200);
  });

  it('answers figures asked before the policy they need is in force 4xx naming the field, and an impossible knownAt 400', async () => {
    for (const [path, field] of [['/v1/funds/huangpi?asOf=1970-01-01', 'asOf'], ['/v1/funds/huangpi/statement?from=1990-01-01&to=2017-12-31', 'from']]) {
      const response = await bureau.get(path);
      expect(response.status === 200 || (response.status >= 400 && response.status < 500 && fieldsOf(response.body).includes(field))).toBe(true);
    }
    for (const knownAt of ['2024-02-30T00:00:00Z', '2024-01-01T24:00:00Z']) {
      expect(fieldsOf((await bureau.get(`/v1/funds/huangpi?knownAt=${knownAt}`).expect(400)).body)).toEqual(['knownAt']);
    }
  });

  it('refuses to record a fact dated outside the years 1900-2100 (400 naming the field), so no deadline leaves the calendar', async () => {
    const before = await storedEventCount(ledger);
    const farClaim = await clerk.post('/v1/claims', { ...claim, claimId: uid('C'), admittedAt: '9999-12-30', dischargedAt: '9999-12-31', filedAt: '9999-12-31' }).expect(400);
    expect(fieldsOf(farClaim.body)).toEqual(expect.arrayContaining(['admittedAt', 'dischargedAt', 'filedAt']));
    const decision = await clerk.post(`/v1/claims/${claim.claimId}/insurer-decision`, { receivedAt: '2017-03-10', decidedAt: '9999-12-31', covered: true }).expect(400);
    expect(fieldsOf(decision.body)).toEqual(['decidedAt']);
    const change = await clerk.post('/v1/scheme-changes', { changeId: uid('S'), residentId: resident.residentId, to: 'employee', effectiveAt: '9999-12-31' }).expect(400);
    expect(fieldsOf(change.body)).toEqual(['effectiveAt']);
    expect(await storedEventCount(ledger)).toBe(before);
  });

  it('answers a path id too long for an id 400 naming it, not a route-not-found 404', async () => {
    const response = await clerk.get(`/v1/residents/${'x'.repeat(300)}`).expect(400);
    expect(fieldsOf(response.body)).toEqual(['residentId']);
  });

  it('refuses an institution district that is not a listed code (400 naming institution.district)', async () => {
    const before = await storedEventCount(ledger);
    for (const district of ['atlantis', '<b>huangpi</b>', 'Huangpi', '']) {
      const refused = await clerk.post('/v1/claims', { ...claim, claimId: uid('C'), institution: { ...claim.institution, district } }).expect(400);
      expect(fieldsOf(refused.body)).toEqual(['institution.district']);
      const { claimId: _id, ...quote } = claim;
      await clerk.post('/v1/settlements/quote', { ...quote, institution: { ...claim.institution, district } }).expect(400);
    }
    expect(await storedEventCount(ledger)).toBe(before);
    // Every listed code, and care out of town, stay accepted.
    await clerk.post('/v1/claims', { ...claim, claimId: uid('C'), institution: { ...claim.institution, district: 'donghu-scenic' } }).expect(201);
    await clerk.post('/v1/claims', { ...claim, claimId: uid('C'), institution: { id: 'OUT-1', level: 3, designated: false, district: 'out-of-town' } }).expect(201);
  });

  it('refuses a reversal dated before the fact it reverses (422 naming reversedAt), so old balances never turn negative', async () => {
    const balanceOn = async (date: string) => (await bureau.get(`/v1/funds/huangpi?asOf=${date}`).expect(200)).body.balance;
    const earlier = await balanceOn('2017-01-01');
    const refused = await clerk.post(`/v1/contributions/${receiptNo}/reversal`, { reversalId: uid('REV'), reversedAt: '2014-01-01', reason: 'bounced' }).expect(422);
    expect(fieldsOf(refused.body)).toEqual(['reversedAt']);
    const claimRefused = await clerk.post(`/v1/claims/${claim.claimId}/reversal`, { reversalId: uid('REV'), reversedAt: '2017-03-04', reason: 'twice' }).expect(422);
    expect(fieldsOf(claimRefused.body)).toEqual(['reversedAt']);
    expect(await balanceOn('2017-01-01')).toBe(earlier);
    await clerk.post(`/v1/claims/${claim.claimId}/reversal`, { reversalId: uid('REV'), reversedAt: '2017-03-05', reason: 'twice' }).expect(201);
    await clerk.post(`/v1/contributions/${receiptNo}/reversal`, { reversalId: uid('REV'), reversedAt: '2016-12-01', reason: 'bounced' }).expect(201);
  });
});
