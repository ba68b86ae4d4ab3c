import { connect, AddressInfo } from 'node:net';
import request from 'supertest';
import { adultEnrollment, startTestLedger, TestLedger } from './ledger-app';

/**
 * One error shape (API.md, issue 13 item 7): every error answers application/problem+json with
 * status, title (the reason phrase, never a code), detail, and for a 400 `problems: [{ field, reason }]`.
 */
describe('every error answers one problem+json shape', () => {
  let ledger: TestLedger;
  let clerk: string;
  beforeAll(async () => {
    ledger = await startTestLedger();
    clerk = `Bearer ${await ledger.token('clerk')}`;
  });
  afterAll(async () => ledger.close());

  function expectProblem(response: request.Response, status: number) {
    expect({ status: response.status, type: response.headers['content-type'] }).toEqual({ status, type: 'application/problem+json; charset=utf-8' });
    expect(response.body).toMatchObject({ status, title: expect.any(String), detail: expect.any(String) });
    expect(response.body.title).not.toMatch(/^[A-Z_]+$/);
    expect(response.body.detail.length).toBeGreaterThan(0);
    if (status === 400) {
      expect(response.body.problems.length).toBeGreaterThan(0);
      for (const problem of response.body.problems) expect(problem).toEqual({ field: expect.any(String), reason: expect.any(String) });
    }
    return response.body;
  }

  const post = (path: string) => ledger.http().post(path).set('Authorization', clerk);

  it('400: a field refused by validation, and a malformed JSON body (naming the body)', async () => {
    const invalid = expectProblem(await post('/v1/enrollments').send(adultEnrollment({ year: 'soon' })), 400);
    expect(invalid.title).toBe('Bad Request');
    expect(invalid.problems.map((p: { field: string }) => p.field)).toContain('year');
    const malformed = expectProblem(await post('/v1/enrollments').set('content-type', 'application/json').send('{"enrollmentId":'), 400);
    expect(malformed.title).toBe('Bad Request');
    expect(malformed.problems[0].field).toBe('body');
    const primitive = expectProblem(await post('/v1/enrollments').set('content-type', 'application/json').send('"text"'), 400);
    expect(primitive.problems[0].field).toBe('body');
    const query = expectProblem(await ledger.http().get('/v1/funds?asOf=2024-13-01').set('Authorization', `Bearer ${await ledger.token('finance-bureau')}`), 400);
    expect(query.problems[0].field).toBe('asOf');
    expectProblem(await ledger.http().get('/v1/residents/%E0%A4%A'), 400);
  });

  it('401, 403, 404 (unknown resident and unknown route), 409, 413, 415 and 422', async () => {
    expect(expectProblem(await ledger.http().get('/v1/funds'), 401).title).toBe('Unauthorized');
    expect(expectProblem(await ledger.http().get('/v1/funds').set('Authorization', clerk), 403).title).toBe('Forbidden');
    expect(expectProblem(await ledger.http().get('/v1/residents/NOBODY-1').set('Authorization', clerk), 404).title).toBe('Not Found');
    expect(expectProblem(await ledger.http().get('/v1/no-such-route').set('Authorization', clerk), 404).title).toBe('Not Found');
    expect(expectProblem(await ledger.http().get('/no-such-route'), 404).title).toBe('Not Found');
    const body = adultEnrollment();
    await post('/v1/enrollments').send(body).expect(201);
    expect(expectProblem(await post('/v1/enrollments').send({ ...body, birthDate: '1981-01-01' }), 409).title).toBe('Conflict');
    expect(expectProblem(await post('/v1/enrollments').set('content-type', 'application/json').send(JSON.stringify({ padding: 'x'.repeat(70 * 1024) })), 413).title).toBe('Payload Too Large');
    expect(expectProblem(await post('/v1/enrollments').set('content-type', 'text/plain').send('hello'), 415).title).toBe('Unsupported Media Type');
    const contribution = { receiptNo: `RC-${body.residentId}`, residentId: body.residentId, year: 2031, amount: '380.00', paidAt: '2024-01-02', collector: 'self' };
    expect(expectProblem(await post('/v1/contributions').send(contribution), 422).title).toBe('Unprocessable Entity');
  });

  it("answers errors of Node's HTTP parser (not HTTP, headers too large) in the same shape", async () => {
    const server = ledger.app.getHttpServer();
    if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const raw = (text: string) =>
      new Promise<string>((resolve) => {
        const socket = connect(port, '127.0.0.1');
        let received = '';
        socket.on('data', (chunk) => (received += chunk.toString()));
        socket.on('error', () => undefined);
        socket.on('close', () => resolve(received));
        socket.write(text);
      });
    for (const [text, status] of [
      ['NOT HTTP AT ALL\r\n\r\n', 400],
      [`GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 431],
    ] as const) {
      const answer = await raw(text);
      const [head, body] = answer.split('\r\n\r\n');
      expect(head).toMatch(new RegExp(`^HTTP/1\\.1 ${status} `));
      expect(head).toContain('Content-Type: application/problem+json');
      expect(JSON.parse(body)).toMatchObject({ status, title: expect.any(String), detail: expect.any(String) });
    }
  });

  it('keeps `message` as the detail, for clients of the first shape', async () => {
    const response = await ledger.http().get('/v1/funds').expect(401);
    expect(response.body.message).toBe(response.body.detail);
    expect(response.headers['www-authenticate']).toBe('Bearer');
  });
});
