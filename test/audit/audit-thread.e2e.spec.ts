import { Auditor, replayStore } from '@ledger/audit';
import { openEventStore } from '@ledger/event-store';
import type { Policy } from '@ledger/policy';
import { ProjectionRunner } from '@ledger/projections';
import { renderInspectionHtml } from '../../apps/auditor/src/html-report';
import { POLICY } from '../../apps/ledger-api/src/tokens';
import { adultEnrollment, startTestLedger, type AuthorizedClient, type TestLedger } from '../e2e/ledger-app';
import { writeAuditHistory } from './api-history';

/**
 * POST /v1/audits runs on a worker thread (apps/ledger-api/src/cqrs/audit.ts, issue 13 item 6).
 * What it answers must be what the audit on the API's own thread answered: the auditor replaying
 * the read-only store through the read model's checkpoint, reconciled with the live read model,
 * serialised by Fastify (JSON.stringify) or rendered as the HTML report.
 */
describe('the API audit on its own thread', () => {
  let ledger: TestLedger;
  let clerk: AuthorizedClient;
  let auditor: AuthorizedClient;

  beforeAll(async () => {
    ledger = await startTestLedger();
    clerk = await ledger.as('clerk');
    auditor = await ledger.as('auditor');
    await writeAuditHistory(clerk);
  });

  afterAll(async () => {
    await ledger.close();
  });

  /** The audit as the API ran it on its own thread before: the same library calls, the live model itself. */
  async function inProcessReport(asOf: string) {
    const projections = ledger.app.get(ProjectionRunner);
    await projections.catchUp();
    const store = await openEventStore({ dataDir: ledger.dataDir, readOnly: true });
    try {
      const audit = new Auditor({ policy: ledger.app.get<Policy>(POLICY), asOf, baseline: null });
      await replayStore(store, audit, { through: projections.position });
      return audit.report({ ledger: projections.ledger, checkpoint: projections.position });
    } finally {
      await store.close();
    }
  }

  it('answers the bytes the in-process audit serialised, as JSON and as the HTML report', async () => {
    const expected = await inProcessReport('2024-12-31');
    expect(expected.summary.findings).toBeGreaterThan(0);
    const json = await auditor.post('/v1/audits', { asOf: '2024-12-31' }).expect(200);
    expect(json.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(json.text).toBe(JSON.stringify(expected));
    const html = await ledger
      .http()
      .post('/v1/audits')
      .set('Authorization', `Bearer ${await ledger.token('auditor')}`)
      .set('Accept', 'text/html')
      .send({ asOf: '2024-12-31' })
      .expect(200);
    expect(html.headers['content-type']).toBe('text/html; charset=utf-8');
    // Absolute links to the console's event route: the report is downloaded and opened from a file.
    const host = html.request.url.replace(/\/v1\/audits$/, '');
    expect(html.text).toBe(renderInspectionHtml(expected, { eventLinkBase: `${host}/console#/event/` }));
    expect(html.text).toContain(`href="${host}/console#/event/`);
  });

  it('reconciles with the read model as it was at the replay\'s last position while writes go on', async () => {
    const audit = auditor.post('/v1/audits', { asOf: '2024-12-31' });
    const writes = Array.from({ length: 5 }, () => clerk.post('/v1/enrollments', adultEnrollment()).expect(201));
    const [report] = await Promise.all([audit.expect(200), ...writes]);
    expect(report.body.projectionCheckpoint).toBe(report.body.lastPositionRead);
    expect(report.body.reconciliation).toBe(`compared with the live projection at position ${report.body.lastPositionRead}`);
    expect(report.body.findings.filter((f: { rule: string }) => f.rule === 'ledger-reconciliation')).toEqual([]);
  });
});
