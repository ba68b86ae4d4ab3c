import ExcelJS from 'exceljs';
import { AuthorizedClient, startTestLedger, storedEventCount, TestLedger, uid } from './ledger-app';

/** Collects a binary answer (XLSX) as a Buffer. */
function binary(response: NodeJS.ReadableStream & { setEncoding: (e: string) => void }, done: (error: Error | null, body: Buffer) => void) {
  const chunks: Buffer[] = [];
  response.on('data', (chunk: Buffer) => chunks.push(Buffer.from(chunk)));
  response.on('end', () => done(null, Buffer.concat(chunks)));
}

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

  describe('two times: asOf and knownAt', () => {
    it('answers figures and statements as the ledger knew them at an instant, after later facts', async () => {
      const fundId = 'jiangxia';
      await clerk.post('/v1/fund-movements', interest({ fundId, amount: '10.00', occurredAt: '2025-01-31' })).expect(201);
      await new Promise((resolve) => setTimeout(resolve, 20));
      const reported = new Date().toISOString();
      await new Promise((resolve) => setTimeout(resolve, 20));
      // A late fact dated in the same month, recorded after the report was made.
      await clerk.post('/v1/fund-movements', interest({ fundId, amount: '5.00', occurredAt: '2025-01-15' })).expect(201);

      const now = await figures(fundId, '?asOf=2025-01-31');
      const then = await figures(fundId, `?asOf=2025-01-31&knownAt=${encodeURIComponent(reported)}`);
      expect(Number(now.income.interest) - Number(then.income.interest)).toBeCloseTo(5);
      expect(then.knownAt).toBe(reported);
      // The same instant written with another offset is the same question.
      const shanghai = new Date(Date.parse(reported) + 8 * 3600_000).toISOString().replace('Z', '+08:00');
      expect((await figures(fundId, `?asOf=2025-01-31&knownAt=${encodeURIComponent(shanghai)}`)).balance).toBe(then.balance);
      const list = await bureau.get(`/v1/funds?asOf=2025-01-31&knownAt=${encodeURIComponent(reported)}`).expect(200);
      expect(list.body.find((row: { fundId: string }) => row.fundId === fundId).balance).toBe(then.balance);

      const statementThen = await bureau.get(`/v1/funds/${fundId}/statement?from=2025-01-01&to=2025-01-31&knownAt=${encodeURIComponent(reported)}`).expect(200);
      expect(statementThen.body.closingBalance).toBe(then.balance);
      expect(statementThen.body.knownAt).toBe(reported);
      const statementNow = await bureau.get(`/v1/funds/${fundId}/statement?from=2025-01-01&to=2025-01-31`).expect(200);
      expect(statementNow.body.closingBalance).toBe(now.balance);
    });

    it('refuses a knownAt that is not an instant with a zone (400 naming knownAt)', async () => {
      for (const bad of ['2025-01-31', '2025-01-31T10:00:00', 'yesterday']) {
        const refused = await bureau.get(`/v1/funds/xinzhou?knownAt=${bad}`).expect(400);
        expect(JSON.stringify(refused.body)).toContain('knownAt');
      }
    });
  });

  describe('GET /v1/funds/:fundId/statement', () => {
    const fundId = 'huangpi';
    beforeAll(async () => {
      await clerk.post('/v1/fund-movements', interest({ fundId, amount: '30.00', occurredAt: '2024-12-20' })).expect(201);
      await clerk.post('/v1/fund-movements', { movementId: uid('PREM'), fundId, kind: 'critical-illness-premium', amount: '12.00', occurredAt: '2025-01-10', year: 2025 }).expect(201);
      await clerk.post('/v1/fund-movements', interest({ fundId, amount: '3.00', occurredAt: '2025-02-20' })).expect(201);
    });

    it('gives the standard categories per month, opening and closing balances and months of payment (JSON)', async () => {
      const { body } = await bureau.get(`/v1/funds/${fundId}/statement?from=2025-01-01&to=2025-02-28`).expect(200);
      expect(body).toMatchObject({ fundId, fundName: '黄陂区', from: '2025-01-01', to: '2025-02-28', knownAt: null });
      expect(body.months.map((m: { month: string }) => m.month)).toEqual(['2025-01', '2025-02']);
      const [january, february] = body.months;
      expect(january.openingBalance).toBe(body.openingBalance);
      expect(january.outflow.criticalIllnessPremium).toBe('12.00');
      expect(february.income.interest).toBe('3.00');
      expect(february.openingBalance).toBe(january.closingBalance);
      expect(february.closingBalance).toBe(body.closingBalance);
      expect(Number(body.closingBalance) - Number(body.openingBalance)).toBeCloseTo(-9);
      const line = (code: string) => body.lines.find((l: { code: string }) => l.code === code);
      expect(line('income.interest')).toMatchObject({ zh: '利息收入', months: ['0.00', '3.00'], total: '3.00' });
      expect(line('outflow.criticalIllnessPremium')).toMatchObject({ zh: '大病保险支出', total: '12.00' });
      expect(line('surplus').total).toBe('-9.00');
      expect(line('closingBalance').total).toBe(body.closingBalance);
      expect(body.thresholds).toMatchObject({ shortage: '3', warning: '6', excess: '15' });
      expect(january.monthsOfPayment).not.toBeUndefined();
      expect(['shortage', 'warning', 'normal', 'excess', null]).toContain(january.monthsOfPaymentStatus);
    });

    it('as CSV: UTF-8 with a BOM, a header row, the Chinese category names', async () => {
      const response = await bureau.get(`/v1/funds/${fundId}/statement?from=2025-01-01&to=2025-02-28&format=csv`).expect(200);
      expect(response.headers['content-type']).toMatch(/^text\/csv; charset=utf-8/);
      expect(response.headers['content-disposition']).toContain(`statement-${fundId}-2025-01-01-2025-02-28.csv`);
      const text: string = response.text;
      expect(text.charCodeAt(0)).toBe(0xfeff);
      const lines = text.slice(1).split('\r\n');
      expect(lines[0]).toBe('code,项目,item,2025-01,2025-02,合计 total');
      expect(lines).toContain('income.interest,　利息收入,Interest,0.00,3.00,3.00');
      expect(text).toContain('大病保险支出');
      expect(text).toContain('期末滚存结余');
    });

    it('as XLSX: a workbook with the same lines as numbers', async () => {
      const response = await bureau.get(`/v1/funds/${fundId}/statement?from=2025-01-01&to=2025-02-28&format=xlsx`).buffer(true).parse(binary as never).expect(200);
      expect(response.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(response.body as Buffer);
      const sheet = workbook.getWorksheet('基金收支表')!;
      const rows: unknown[][] = [];
      sheet.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
      expect(rows.find((row) => row[0] === 'code')).toEqual(['code', '项目', 'item', '2025-01', '2025-02', '合计 total']);
      expect(rows.find((row) => row[0] === 'income.interest')).toEqual(['income.interest', '　利息收入', 'Interest', 0, 3, 3]);
      expect(rows.find((row) => row[0] === 'outflow.criticalIllnessPremium')!.slice(3)).toEqual([12, 0, 12]);
    });

    it('refuses an unknown format (400 naming format) and another fund for a manager (403)', async () => {
      const refused = await bureau.get(`/v1/funds/${fundId}/statement?from=2025-01-01&to=2025-02-28&format=pdf`).expect(400);
      expect(JSON.stringify(refused.body)).toContain('format');
      const manager = await ledger.as('district-manager', 'caidian');
      await manager.get(`/v1/funds/${fundId}/statement?from=2025-01-01&to=2025-02-28&format=csv`).expect(403);
    });
  });
});
