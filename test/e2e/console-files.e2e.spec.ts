import { startTestLedger, TestLedger } from './ledger-app';

/** The console's files come from the ledger itself (no CDN, no token); its data from the API. */
describe('GET /console and its files', () => {
  let ledger: TestLedger;
  beforeAll(async () => {
    ledger = await startTestLedger();
  });
  afterAll(() => ledger.close());

  it('serves the page, its scripts and ECharts from node_modules, with no token', async () => {
    const page = await ledger.http().get('/console').expect(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    const assets = page.text.match(/\/console\/[a-z0-9./-]+\.(js|css)/g) ?? [];
    expect(assets).toEqual(expect.arrayContaining(['/console/vendor/echarts.min.js', '/console/app.js', '/console/console.css']));
    for (const asset of assets) {
      const response = await ledger.http().get(asset).expect(200);
      expect(response.headers['content-type']).toMatch(asset.endsWith('.js') ? /^text\/javascript/ : /^text\/css/);
    }
    expect(page.text).not.toMatch(/https?:\/\//);
    expect((await ledger.http().get('/console/').expect(302)).headers.location).toBe('/console');
  });

  it('gives the months-of-payment levels in force and the rules, and nothing outside its folder', async () => {
    const config = (await ledger.http().get('/console/config.json').expect(200)).body as { monthsOfPayment: Record<string, string>; rules: Record<string, unknown> };
    expect(Number(config.monthsOfPayment.shortage)).toBeLessThan(Number(config.monthsOfPayment.warning));
    expect(Number(config.monthsOfPayment.warning)).toBeLessThan(Number(config.monthsOfPayment.excess));
    expect(Object.keys(config.rules)).toContain('fund-deficit');
    for (const path of ['/console/..%2Fsrc%2Fmain.ts', '/console/nope.js', '/console/.env']) {
      const response = await ledger.http().get(path).expect(404);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
  });

  it('answers POST /v1/audits with the HTML report when asked for HTML', async () => {
    const auditor = await ledger.as('auditor');
    const html = await auditor.post('/v1/audits', { asOf: '2025-12-31' }).set('Accept', 'text/html').expect(200);
    expect(html.headers['content-type']).toMatch(/^text\/html/);
    expect(html.headers['content-disposition']).toContain('inspection-2025-12-31.html');
    expect(html.text).toMatch(/^<!doctype html>/i);
    const json = await auditor.post('/v1/audits', { asOf: '2025-12-31' }).expect(200);
    expect(json.body.asOf).toBe('2025-12-31');
  });
});
