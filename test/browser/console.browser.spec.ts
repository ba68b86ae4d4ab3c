import { pathToFileURL } from 'node:url';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { servedRoutes } from '../../apps/ledger-api/src/bootstrap';
import { adultEnrollment, startTestLedger, TestLedger, uid } from '../e2e/ledger-app';
import { drawnPixels, launchChromium, openPage, SCREENSHOTS } from './support/chromium';

/**
 * The web console in Debian's Chromium: each role signs in with a pasted token, sees the figures
 * the API gives it and nothing the API would refuse; charts are drawn, a statement downloads, and
 * no page or console error happens on the way. Screenshots are left in SCREENSHOTS.
 */
jest.setTimeout(90_000);

const AS_OF = '2025-12-31';
const FUNDS = ['municipal', 'caidian', 'jiangxia', 'dongxihu', 'huangpi', 'xinzhou'];

describe('the console in Chromium', () => {
  let ledger: TestLedger;
  let browser: Browser;
  let base: string;
  let residentId: string;
  /** An instant before anything was recorded: "as known at" it, every fund is empty. */
  let beforeSeed: string;

  /** Two funds with money in them; Caidian pays out more than it took in, so the audit has a finding. */
  async function seed(): Promise<void> {
    const clerk = await ledger.as('clerk');
    for (const [district, claims] of [['huangpi', 1], ['caidian', 2]] as const) {
      const enrollment = adultEnrollment({ year: 2025, hukou: { local: true, district }, residenceDistrict: district, enrolledAt: '2024-11-15' });
      await clerk.post('/v1/enrollments', enrollment).expect(201);
      await clerk.post('/v1/contributions', { receiptNo: uid('RC'), residentId: enrollment.residentId, year: 2025, amount: '380.00', paidAt: '2024-11-20', collector: 'self' }).expect(201);
      for (let n = 0; n < claims; n += 1) {
        await clerk
          .post('/v1/claims', {
            claimId: uid('CLM'), residentId: enrollment.residentId, careType: 'inpatient',
            institution: { id: 'HOSP-1', level: 2, designated: true, district },
            admittedAt: `2025-0${4 + n}-02`, dischargedAt: `2025-0${4 + n}-11`, totalCost: '18000.00', compliantCost: '15000.00', settlement: 'direct', filedAt: `2025-0${4 + n}-11`,
          })
          .expect(201);
      }
      if (district === 'caidian') residentId = enrollment.residentId;
    }
    await clerk.post('/v1/subsidies', { subsidyId: uid('SUB'), level: 'central', purpose: 'per-capita', year: 2025, amount: '120000.00', grantedAt: '2025-03-01', fundId: 'huangpi' }).expect(201);
    await (await ledger.as('finance-bureau')).post('/v1/periods/2024/close', { closedAt: '2025-01-20' }).expect(201);
    await (await ledger.as('finance-bureau')).post('/v1/bank-confirmations', { confirmationId: uid('BANK'), fundId: 'huangpi', date: '2025-03-31', balance: '1.00' }).expect(201);
  }

  beforeAll(async () => {
    ledger = await startTestLedger();
    await ledger.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(ledger.app.getHttpServer().address() as { port: number }).port}`;
    beforeSeed = new Date(Date.now() - 1000).toISOString();
    await seed();
    browser = await launchChromium();
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await ledger?.close();
  });

  async function signIn(page: Page, role: Parameters<TestLedger['token']>[0], fundId?: string): Promise<void> {
    await page.goto(`${base}/console`);
    await page.fill('#token', await ledger.token(role, fundId));
    await page.click('#sign-in-form button[type=submit]');
    await page.waitForSelector('#view:not([hidden])');
  }
  const shot = (page: Page, name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
  const cellTexts = (page: Page, selector: string) => page.$$eval(selector, (cells) => cells.map((cell) => cell.textContent ?? ''));
  const money = (text: string) => text.replace(/,/g, '');
  const go = (page: Page, hash: string) => page.evaluate(`location.hash = ${JSON.stringify(hash)}`);

  it('the finance bureau is told how to get a token, sees the six funds with the API figures and charts, and a fund month by month with downloads', async () => {
    const { page, problems } = await openPage(browser);
    // Signing in: Chinese by default, English on the switch, the way to a token on the page.
    await page.goto(`${base}/console`);
    expect(await page.textContent('#sign-in h1')).toBe('登录');
    expect(await page.textContent('#sign-in .hint pre')).toContain('npm run token -- --role finance-bureau');
    await shot(page, '01-sign-in-zh');
    await page.click('#lang');
    expect(await page.textContent('#sign-in h1')).toBe('Sign in');
    await page.fill('#token', 'not-a-token');
    await page.click('#sign-in-form button[type=submit]');
    expect(await page.textContent('#sign-in-error')).toContain('not a token');
    await page.click('#lang');
    await page.fill('#token', await ledger.token('finance-bureau'));
    await page.click('#sign-in-form button[type=submit]');
    await page.waitForSelector('#view:not([hidden])');
    expect(await page.evaluate('sessionStorage.length')).toBe(1);
    expect(await page.evaluate("localStorage.getItem('ledger.console.token')")).toBeNull();
    await go(page, `#/funds?asOf=${AS_OF}`);
    await page.waitForSelector('#funds-table tbody tr[data-fund]');
    const bureau = await ledger.as('finance-bureau');
    const api = (await bureau.get(`/v1/funds?asOf=${AS_OF}`).expect(200)).body as Array<{ fundId: string; balance: string }>;
    expect(await page.$$eval('#funds-table tr[data-fund]', (rows) => rows.map((row) => row.getAttribute('data-fund')))).toEqual(FUNDS);
    const shown = await cellTexts(page, '#funds-table tr[data-fund] td[data-field=balance]');
    expect(shown.map(money)).toEqual(api.map((row) => row.balance));
    expect(await page.textContent('#funds-table')).toContain('蔡甸');
    await page.waitForSelector('#funds-trend canvas');
    expect(await drawnPixels(page, '#funds-trend')).toBeGreaterThan(1000);
    expect(await drawnPixels(page, '#funds-months')).toBeGreaterThan(1000);
    await shot(page, '02-bureau-funds');

    await page.click('#funds-table tr[data-fund=huangpi] a');
    await page.waitForSelector('#statement-table');
    const fund = (await bureau.get(`/v1/funds/huangpi?asOf=${AS_OF}`).expect(200)).body as { income: { total: string }; outflow: { total: string } };
    expect(money(await page.textContent('#fund-income tr[data-category="income.total"] td.num') ?? '')).toBe(fund.income.total);
    expect(money(await page.textContent('#fund-outflow tr[data-category="outflow.total"] td.num') ?? '')).toBe(fund.outflow.total);
    for (const chart of ['#chart-income', '#chart-outflow', '#chart-balance', '#chart-months']) expect(await drawnPixels(page, chart)).toBeGreaterThan(500);
    expect(await page.$$eval('#statement-table tbody tr', (rows) => rows.length)).toBe(12);
    expect(await (await page.waitForSelector('#fund-periods tr[data-year="2024"]')).textContent()).toContain('2025-01-20');
    const confirmed = (await bureau.get('/v1/funds/huangpi/bank-confirmations').expect(200)).body as Array<{ difference: string }>;
    expect(money((await (await page.waitForSelector('#fund-bank tr.differs td[data-field=difference]')).textContent()) ?? '')).toBe(confirmed[0].difference);
    await shot(page, '03-bureau-fund-huangpi');

    // As known before anything was recorded: the API's empty figures, not today's.
    await go(page, `#/fund/huangpi?asOf=${AS_OF}&knownAt=${encodeURIComponent(beforeSeed)}`);
    await page.waitForSelector('#fund-balance');
    const known = (await bureau.get(`/v1/funds/huangpi?asOf=${AS_OF}&knownAt=${encodeURIComponent(beforeSeed)}`).expect(200)).body as { balance: string };
    expect(money((await page.textContent('#fund-balance .card-value')) ?? '')).toBe(known.balance);
    expect(known.balance).toBe('0.00');
    await page.waitForSelector('#statement-table');
    await go(page, `#/fund/huangpi?asOf=${AS_OF}&from=2025-01-01&to=${AS_OF}`);
    await page.waitForFunction(`document.querySelector('#fund-balance .card-value')?.textContent !== '0.00'`);
    await page.waitForSelector('#statement-table');

    const csvOffered = await bureau.get(`/v1/funds/huangpi/statement?from=2025-01-01&to=${AS_OF}&format=csv`).then((response) => response.status === 200);
    if (csvOffered) {
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('button[data-format=csv]')]);
      const text = readFileSync((await download.path())!, 'utf8');
      expect(text).toMatch(/2025-0?4/);
      const [xlsx] = await Promise.all([page.waitForEvent('download'), page.click('button[data-format=xlsx]')]);
      expect(readFileSync((await xlsx.path())!).subarray(0, 2).toString()).toBe('PK');
    } else {
      problems.length = 0;
      await page.click('button[data-format=csv]');
      await page.waitForFunction("!['', '加载中…'].includes(document.querySelector('#download-note').textContent)");
      expect(await page.textContent('#download-note')).toContain('暂不提供');
      // The refused request itself is logged by Chromium; nothing else may be.
      expect(problems.filter((problem) => !problem.includes('status of 400'))).toEqual([]);
      problems.length = 0;
    }
    expect(await page.isHidden('#nav a[data-view=audits]')).toBe(true);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it("a district manager sees only the own fund, and cannot reach another's", async () => {
    const { page, problems } = await openPage(browser);
    await signIn(page, 'district-manager', 'huangpi');
    await go(page, `#/funds?asOf=${AS_OF}`);
    await page.waitForSelector('#funds-table tbody tr[data-fund]');
    expect(await page.$$eval('#funds-table tr[data-fund]', (rows) => rows.map((row) => row.getAttribute('data-fund')))).toEqual(['huangpi']);
    expect(await page.textContent('#whoami')).toContain('黄陂');
    await go(page, '#/fund/caidian');
    await page.waitForSelector('#statement-table');
    expect(await page.$$eval('#fund-select option', (options) => options.map((option) => option.getAttribute('value')))).toEqual(['huangpi']);
    expect(await page.textContent('#view h1')).toBe('黄陂');
    expect(await page.isHidden('#nav a[data-view=audits]')).toBe(true);
    await shot(page, '04-manager-huangpi');
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('a clerk looks a resident up: enrollment, benefit start, the one-stop split of each claim, year-to-date', async () => {
    const { page, problems } = await openPage(browser, 'en');
    await signIn(page, 'clerk');
    expect(await page.isHidden('#nav a[data-view=funds]')).toBe(true);
    await page.click('#lang');
    await page.fill('#resident-id', residentId);
    await page.click('#resident-find');
    await page.waitForSelector('#resident-claims');
    const view = (await (await ledger.as('clerk')).get(`/v1/residents/${residentId}`).expect(200)).body as { claims: Array<{ claimId: string; basicFundPayment: string }>; enrollments: Array<{ benefitStart: string }> };
    expect(await page.textContent('#resident-enrollments [data-field=benefit-start]')).toBe(view.enrollments[0].benefitStart);
    const claimRow = await page.textContent(`#resident-claims tr[data-claim="${view.claims[0].claimId}"]`);
    expect(money(claimRow ?? '')).toContain(view.claims[0].basicFundPayment);
    expect(await page.textContent('#resident-claims')).toContain('Inpatient');
    await shot(page, '05-clerk-resident-en');
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('an auditor runs an inspection: findings by rule with their basis, evidence that opens the event', async () => {
    const { page, problems } = await openPage(browser);
    await signIn(page, 'auditor');
    await page.click('#nav a[data-view=audits]');
    await page.fill('#audit-as-of', AS_OF);
    await page.click('#audit-run');
    await page.waitForSelector('#audit-findings-count');
    const report = (await (await ledger.as('auditor')).post('/v1/audits', { asOf: AS_OF }).expect(200)).body as { findings: Array<{ rule: string; evidence: Array<number | string> }> };
    expect(await page.textContent('#audit-findings-count')).toBe(String(report.findings.length));
    expect(report.findings.some((finding) => finding.rule === 'fund-deficit')).toBe(true);
    const rules = await page.$$eval('details.rule', (groups) => groups.map((group) => group.getAttribute('data-rule')));
    expect(new Set(rules)).toEqual(new Set(report.findings.map((finding) => finding.rule)));
    expect(await page.textContent('details.rule[data-rule=fund-deficit] .basis')).toBeTruthy();
    await shot(page, '06-auditor-findings');
    const [html] = await Promise.all([page.waitForEvent('download'), page.click('#audit-html')]);
    expect(html.suggestedFilename()).toBe(`inspection-${AS_OF}.html`);
    expect(readFileSync((await html.path())!, 'utf8')).toMatch(/<html[\s\S]*fund-deficit/);
    const eventsServed = servedRoutes(ledger.app).some((route) => route.method === 'get' && route.path === '/v1/events/:position');
    if (eventsServed) {
      const position = report.findings.find((finding) => finding.rule === 'fund-deficit')!.evidence[0];
      await page.click(`details.rule[data-rule=fund-deficit] a.evidence[data-position="${position}"]`);
      await page.waitForSelector('#event-type');
      expect(await page.textContent('#event-title')).toContain(String(position));
      expect(await page.textContent('#event-type')).toMatch(/[A-Za-z]/);
      await shot(page, '07-auditor-event');

      // The downloaded report opened from its file: an evidence link leads to the console, which asks for a token and then shows that event.
      const file = await page.context().newPage();
      const saved = join(SCREENSHOTS, html.suggestedFilename());
      await html.saveAs(saved);
      await file.goto(pathToFileURL(saved).href);
      const link = (await file.waitForSelector(`a[href$="#/event/${position}"]`, { state: 'attached' }))!;
      expect(await link.getAttribute('href')).toBe(`${base}/console#/event/${position}`);
      // Followed as a click would (the finding may sit in a folded section of the page).
      await file.goto((await link.getAttribute('href'))!);
      await file.waitForSelector('#sign-in:not([hidden])');
      await file.fill('#token', await ledger.token('auditor'));
      await file.click('#sign-in-form button[type=submit]');
      await file.waitForSelector('#event-type');
      expect(await file.textContent('#event-title')).toContain(String(position));
      await shot(file, '08-report-evidence-link');
      await file.close();
    }
    expect(problems).toEqual([]);
    await page.context().close();
  });
});
