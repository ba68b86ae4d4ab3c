import { join } from 'node:path';
import { SignJWT } from 'jose';
import { issueToken, resolveSigningKey, Role, TOKEN_AUDIENCE, TOKEN_ISSUER } from '@ledger/access';
import { SqliteEventStore } from '@ledger/event-store';
import { adultEnrollment, startTestLedger, storedEventCount, TEST_JWT_SECRET, TestLedger, uid } from './ledger-app';

describe('access control (bearer JWT, roles, fund scope)', () => {
  let ledger: TestLedger;
  beforeAll(async () => {
    ledger = await startTestLedger();
  });
  afterAll(async () => ledger.close());

  const enrollment = (district: string) => adultEnrollment({ hukou: { local: true, district }, residenceDistrict: district });

  it('401 without a token, with a malformed one, a forged one and an expired one — and writes nothing', async () => {
    const before = await storedEventCount(ledger);
    const body = enrollment('wuchang');
    await ledger.http().post('/v1/enrollments').send(body).expect(401);
    await ledger.http().post('/v1/enrollments').set('Authorization', 'Bearer nonsense').send(body).expect(401);
    await ledger.http().post('/v1/enrollments').set('Authorization', 'Basic dXNlcjpwYXNz').send(body).expect(401);
    const forged = await issueToken(new TextEncoder().encode('another-key-that-is-long-enough-0123456789'), { subject: 'x', role: 'clerk' });
    await ledger.http().post('/v1/enrollments').set('Authorization', `Bearer ${forged}`).send(body).expect(401);
    const expired = await new SignJWT({ role: 'clerk' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('x')
      .setIssuer(TOKEN_ISSUER)
      .setAudience(TOKEN_AUDIENCE)
      .setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 3600)
      .sign(resolveSigningKey({ secret: TEST_JWT_SECRET, dataDir: ledger.dataDir }));
    const response = await ledger.http().get('/v1/funds').set('Authorization', `Bearer ${expired}`).expect(401);
    expect(response.body.message).toContain('expired');
    const none = await new SignJWT({ role: 'clerk' }).setProtectedHeader({ alg: 'HS512' }).setSubject('x').setIssuer(TOKEN_ISSUER).setAudience(TOKEN_AUDIENCE).sign(new TextEncoder().encode(TEST_JWT_SECRET + TEST_JWT_SECRET));
    await ledger.http().get('/v1/funds').set('Authorization', `Bearer ${none}`).expect(401);
    await ledger.http().get('/health').expect(200);
    expect(await storedEventCount(ledger)).toBe(before);
  });

  it('401 for a token with no expiry or issued in the future, saying why', async () => {
    const key = resolveSigningKey({ secret: TEST_JWT_SECRET, dataDir: ledger.dataDir });
    const now = Math.floor(Date.now() / 1000);
    const base = () => new SignJWT({ role: 'finance-bureau' }).setProtectedHeader({ alg: 'HS256' }).setSubject('x').setIssuer(TOKEN_ISSUER).setAudience(TOKEN_AUDIENCE);
    const forever = await base().setIssuedAt(now - 10).sign(key);
    const refused = await ledger.http().get('/v1/funds').set('Authorization', `Bearer ${forever}`).expect(401);
    expect(refused.body.detail).toContain('no expiry');
    const future = await base().setIssuedAt(now + 3600).setExpirationTime(now + 7200).sign(key);
    const early = await ledger.http().get('/v1/funds').set('Authorization', `Bearer ${future}`).expect(401);
    expect(early.body.detail).toContain('issued in the future');
    const fine = await base().setIssuedAt(now).setExpirationTime(now + 600).sign(key);
    await ledger.http().get('/v1/funds').set('Authorization', `Bearer ${fine}`).expect(200);
  });

  it.each<[Role, string, string, number]>([
    ['clerk', 'POST', '/v1/enrollments', 201],
    ['finance-bureau', 'POST', '/v1/enrollments', 403],
    ['auditor', 'POST', '/v1/enrollments', 403],
    ['clerk', 'GET', '/v1/funds', 403],
    ['finance-bureau', 'GET', '/v1/funds', 200],
    ['auditor', 'GET', '/v1/funds/municipal', 200],
    ['finance-bureau', 'GET', '/v1/funds/municipal/statement?from=2024-01-01&to=2024-02-01', 200],
  ])('%s %s %s → %i', async (role, method, path, status) => {
    const before = await storedEventCount(ledger);
    const client = await ledger.as(role);
    const response = method === 'POST' ? await client.post(path, enrollment('wuchang')) : await client.get(path);
    expect(response.status).toBe(status);
    if (status === 403) expect(await storedEventCount(ledger)).toBe(before);
  });

  it('keeps a district manager to its own fund, for reads and for records', async () => {
    const manager = await ledger.as('district-manager', 'huangpi');
    const list = await manager.get('/v1/funds').expect(200);
    expect(list.body.map((row: { fundId: string }) => row.fundId)).toEqual(['huangpi']);
    await manager.get('/v1/funds/huangpi').expect(200);
    await manager.get('/v1/funds/caidian').expect(403);
    await manager.get('/v1/funds/caidian/statement?from=2024-01-01&to=2024-02-01').expect(403);

    const own = enrollment('huangpi');
    await manager.post('/v1/enrollments', own).expect(201);
    await manager.get(`/v1/residents/${own.residentId}`).expect(200);

    const before = await storedEventCount(ledger);
    const other = enrollment('caidian');
    const refused = await manager.post('/v1/enrollments', other).expect(403);
    expect(refused.body.message).toContain('huangpi');
    await manager.post('/v1/contributions', { receiptNo: uid('RC'), residentId: own.residentId, year: 2024, amount: '380.00', paidAt: '2023-12-01', collector: 'self', fundId: 'caidian' }).expect(403);
    expect(await storedEventCount(ledger)).toBe(before);

    const clerk = await ledger.as('clerk');
    await clerk.post('/v1/enrollments', other).expect(201);
    await manager.get(`/v1/residents/${other.residentId}`).expect(403);
  });

  it("answers a district manager 403, not the business refusal, for another fund's resident", async () => {
    const clerk = await ledger.as('clerk');
    const manager = await ledger.as('district-manager', 'huangpi');
    const other = enrollment('caidian');
    await clerk.post('/v1/enrollments', other).expect(201);
    const before = await storedEventCount(ledger);
    // A clerk would be told 422 (no hardship group; not paid up): facts a Huangpi manager must not learn.
    const aid = { subsidyId: uid('HA'), level: 'district', purpose: 'hardship-contribution', year: 2024, amount: '100.00', grantedAt: '2024-01-10', residentId: other.residentId };
    await clerk.post('/v1/subsidies', { ...aid, subsidyId: uid('HA') }).expect(422);
    const refused = await manager.post('/v1/subsidies', aid).expect(403);
    expect(refused.body.message).toContain('caidian');
    expect(refused.body.message).not.toContain('hardship');
    const claim = {
      claimId: uid('CL'),
      residentId: other.residentId,
      careType: 'inpatient',
      institution: { id: 'H-1', level: 2, designated: true, district: 'caidian' },
      admittedAt: '2024-03-01',
      dischargedAt: '2024-03-05',
      totalCost: '1000.00',
      compliantCost: '800.00',
      settlement: 'direct',
      filedAt: '2024-03-05',
    };
    await manager.post('/v1/claims', claim).expect(403);
    const { claimId: _claimId, ...quote } = claim;
    await manager.post('/v1/settlements/quote', quote).expect(403);
    expect(await storedEventCount(ledger)).toBe(before);
  });

  it('records who recorded each event', async () => {
    const clerk = await ledger.as('clerk');
    const body = enrollment('jiangxia');
    await clerk.post('/v1/enrollments', body).expect(201);
    const store = new SqliteEventStore({ file: join(ledger.dataDir, 'events.sqlite') });
    const [event] = await store.readStream(`resident-${body.residentId}`);
    await store.close();
    expect(event.metadata.recordedBy).toEqual({ subject: 'test-clerk', role: 'clerk' });
  });

  it('refuses to issue a district-manager token without a fund', async () => {
    await expect(ledger.token('district-manager')).rejects.toThrow('names its fund');
  });
});
