import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeEvents } from '@ledger/application';
import { Auditor, type AuditorOptions, type InspectionReport, replayStore } from '@ledger/audit';
import { GENESIS_HASH, eventHash, type DomainEvent } from '@ledger/domain';
import type { SqliteEventStore } from '@ledger/event-store';
import { collectHashCheck, startParallelHashCheck } from '../../apps/auditor/src/parallel-hash-check';
import { audit as auditInline, CLERK, claim, contribution, expectNoFindings, expectOnly, findingsOf, fundSubsidy, newHistory, paidUpAdult, policy, type TestHistory } from './support';

/**
 * Every case audited twice: with every check on this thread, and as the CLI does it, with the
 * history checks, content hashes and log digest in the worker thread (history-check.ts loaded
 * there); the two reports must be the same, finding for finding and word for word.
 */
async function audit(store: SqliteEventStore, options: Partial<AuditorOptions> = {}): Promise<InspectionReport> {
  const inline = await auditInline(store, options);
  const dir = mkdtempSync(join(tmpdir(), 'audit-history-worker-'));
  try {
    const file = join(dir, 'events.sqlite');
    await store.database.backup(file);
    const head = (await store.headPosition()) ?? 0n;
    const record = await store.logDigest();
    const check = startParallelHashCheck(file, head, record, 2, null, null, true);
    await check.ready;
    const parallel = new Auditor({ policy, asOf: '2025-12-31', ...options, contentHashes: 'elsewhere', logDigest: 'elsewhere', historyChecks: 'elsewhere' });
    await replayStore(store, parallel, { logDigest: record });
    await collectHashCheck(check, store, parallel, head, record);
    expect(parallel.report()).toEqual(inline);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return inline;
}

let history: TestHistory;
let residentId: string;
beforeEach(async () => {
  history = newHistory();
  await history.run(fundSubsidy('municipal'));
  residentId = (await paidUpAdult(history)).residentId;
  await history.run(claim(residentId));
  await history.run(claim(residentId, { admittedAt: '2024-04-01', dischargedAt: '2024-04-01', filedAt: '2024-04-01' }));
});
afterEach(() => history.close());

const db = () => history.store.database;

describe('stream-integrity', () => {
  it('finds nothing in a history written by the ledger', async () => {
    const report = await audit(history.store);
    expectNoFindings(report);
    expect(report.eventsRead).toBe(5);
  });

  it('flags an event edited in place (its content no longer matches its hash)', async () => {
    const row = db().prepare('SELECT position, data FROM events WHERE position = 4').get() as { position: number; data: string };
    const data = JSON.parse(row.data);
    data.institution.id = 'H-EDITED';
    db().prepare('UPDATE events SET data = ? WHERE position = 4').run(JSON.stringify(data));
    const report = await audit(history.store);
    expectOnly(report, 'stream-integrity', 1);
    expect(report.findings[0]).toMatchObject({ fundId: null, residentId, evidence: [4] });
    expect(report.findings[0].message).toContain('changed after it was written');
  });

  it.each([
    ['who recorded it', (m: Record<string, unknown>) => (m.recordedBy = { subject: 'someone-else', role: 'clerk' })],
    ['when it was recorded', (m: Record<string, unknown>) => (m.recordedAt = '2020-01-01T00:00:00.000Z')],
    ['the request it came from', (m: Record<string, unknown>) => (m.requestDigest = '0'.repeat(64))],
    ['its hash version, removed to pass as an older event', (m: Record<string, unknown>) => delete m.hashVersion],
  ])('flags an event whose metadata was edited in place: %s', async (_what, edit) => {
    const row = db().prepare('SELECT metadata FROM events WHERE position = 4').get() as { metadata: string };
    const metadata = JSON.parse(row.metadata) as Record<string, unknown>;
    expect(metadata.hashVersion).toBe(2);
    edit(metadata);
    db().prepare('UPDATE events SET metadata = ? WHERE position = 4').run(JSON.stringify(metadata));
    const report = await audit(history.store);
    expectOnly(report, 'stream-integrity', 1);
    expect(report.findings[0]).toMatchObject({ fundId: null, residentId, evidence: [4] });
    expect(report.findings[0].message).toContain('changed after it was written');
  });

  it('names a hash version it does not know instead of calling the content changed', async () => {
    const row = db().prepare('SELECT metadata FROM events WHERE position = 4').get() as { metadata: string };
    db().prepare('UPDATE events SET metadata = ? WHERE position = 4').run(JSON.stringify({ ...JSON.parse(row.metadata), hashVersion: 9 }));
    const report = await audit(history.store);
    expectOnly(report, 'stream-integrity', 1);
    expect(report.findings[0].message).toContain('hash version 9 is not one this auditor knows');
  });

  it('flags an event deleted from a stream (revision gap and broken chain at the next one, and the log digest)', async () => {
    db().prepare('DELETE FROM events WHERE position = 4').run();
    const report = await audit(history.store);
    expectOnly(report, 'stream-integrity', 2);
    const chain = report.findings.find((f) => f.message.includes('event(s) missing'))!;
    expect(chain.evidence).toEqual([3, 5]);
    expect(chain.message).toContain('hash chain is broken');
    const log = report.findings.find((f) => f.message.includes('running digest'))!;
    expect(log.message).toContain('from the first event through position 5');
    expect(log.evidence).toEqual([5]);
  });

  it('flags the last event of the log deleted, which no stream chain can see', async () => {
    db().prepare('DELETE FROM events WHERE position = 5').run();
    const report = await audit(history.store);
    expectOnly(report, 'stream-integrity', 1);
    expect(report.findings[0].message).toContain('recorded appends through position 5, but its last event is at position 4');
    expect(report.findings[0].evidence).toEqual([4]);
  });

  it('flags a whole stream deleted (the fund subsidy stream)', async () => {
    db().prepare("DELETE FROM events WHERE stream = 'fund-municipal'").run();
    const report = await audit(history.store);
    const integrity = findingsOf(report, 'stream-integrity');
    expect(integrity).toHaveLength(1);
    expect(integrity[0].message).toContain('from the first event through position 5 does not match the running digest');
  });

  it('flags an event written into the store file past the ledger, correctly chained to its stream', async () => {
    const last = db().prepare('SELECT * FROM events WHERE position = 5').get() as { stream: string; revision: number; metadata: string };
    const previous = JSON.parse(last.metadata) as Record<string, unknown>;
    const eventId = 'f0e3c7a2-0000-4000-8000-0000000000ff';
    const data = { note: 'inserted' };
    const metadata = { ...previous, businessKey: 'note:1', hashVersion: undefined, previousHash: previous.hash };
    const content = { stream: last.stream, revision: last.revision + 1, eventId, type: 'ClaimNoted', schemaVersion: 1, businessKey: 'note:1', occurredAt: String(previous.occurredAt), data };
    const row = { ...metadata, hash: eventHash(String(previous.hash), content) };
    db()
      .prepare('INSERT INTO events (event_id, stream, revision, type, data, metadata, business_key) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(eventId, last.stream, last.revision + 1, 'ClaimNoted', JSON.stringify(data), JSON.stringify(row), 'note:1');
    const report = await audit(history.store);
    const log = findingsOf(report, 'stream-integrity').find((f) => f.message.includes('running digest'));
    expect(log?.message).toContain('lies after the last append the store recorded a running digest for (position 5)');
    expect(log?.evidence).toEqual([6]);
  });

  it('states in the report how the log digest was compared', async () => {
    const report = await audit(history.store);
    expect(report.logDigest).toBe("compared with the store's running digest at 0 checkpoint(s) and its head (position 5)");
  });

  it('flags an event of an unknown type and keeps replaying the rest', async () => {
    // Written by a tool that knows a type the ledger does not, in a stream of its own, correctly hashed.
    const stream = `notes-${residentId}`;
    const content = { stream, revision: 0, eventId: 'f0e3c7a2-0000-4000-8000-000000000001', type: 'ResidentNicknamed', schemaVersion: 1, businessKey: 'nickname:1', occurredAt: '2024-05-01', data: { nickname: 'x' } };
    const metadata = { schemaVersion: 1, businessKey: 'nickname:1', occurredAt: '2024-05-01', recordedAt: '2025-01-15T08:00:00.000Z', recordedBy: CLERK, requestDigest: 'x', previousHash: GENESIS_HASH, hash: eventHash(GENESIS_HASH, content) };
    await history.store.append(stream, [{ eventId: content.eventId, type: content.type, data: content.data, metadata, businessKey: 'nickname:1' }], 'no_stream');
    await history.run(claim(residentId, { admittedAt: '2024-06-01', dischargedAt: '2024-06-01', filedAt: '2024-06-01' }));
    const report = await audit(history.store);
    expectOnly(report, 'stream-integrity', 1);
    expect(report.findings[0]).toMatchObject({ evidence: [6] });
    expect(report.findings[0].message).toContain('ResidentNicknamed v1 is not a known event');
    expect(report.eventsReplayed).toBe(7);
    expect(report.funds[0].outflow).toBe('480.00');
  });

  it('flags a business key used twice (the second copy carries it only in its metadata)', async () => {
    const copy: DomainEvent = { type: 'ContributionPaid', businessKey: 'contribution:RC-DUP', occurredAt: '2024-02-01', data: { receiptNo: 'RC-DUP', residentId, year: 2024, amount: '1.00', paidAt: '2024-02-01', collector: 'self', fundId: 'municipal', attributedFundId: 'municipal', benefitStart: null } };
    const first = encodeEvents([copy], { stream: 'resident-dup-a', revision: -1, previousHash: GENESIS_HASH, recordedAt: 'x', recordedBy: CLERK, requestDigest: 'x' });
    const second = encodeEvents([copy], { stream: 'resident-dup-b', revision: -1, previousHash: GENESIS_HASH, recordedAt: 'x', recordedBy: CLERK, requestDigest: 'x' });
    await history.store.append('resident-dup-a', first, 'no_stream');
    await history.store.append('resident-dup-b', second.map(({ businessKey: _key, ...event }) => event), 'no_stream');
    const report = await audit(history.store);
    const integrity = report.findings.filter((f) => f.rule === 'stream-integrity');
    expect(integrity).toHaveLength(1);
    expect(integrity[0].message).toContain('business key contribution:RC-DUP was already recorded at position 6');
    expect(integrity[0].evidence).toEqual([6, 7]);
  });

  it('lists every problem of one event in one order, wherever the checks ran', async () => {
    // A copy of an earlier event under its own id, without a business date, in the wrong place of its stream.
    const row = db().prepare('SELECT * FROM events WHERE position = 4').get() as { stream: string; type: string; data: string; metadata: string };
    const metadata = JSON.parse(row.metadata) as Record<string, unknown>;
    delete metadata.occurredAt;
    db()
      .prepare('INSERT INTO events (event_id, stream, revision, type, data, metadata, business_key) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run('f0e3c7a2-0000-4000-8000-0000000000aa', row.stream, 7, row.type, row.data, JSON.stringify(metadata), null);
    const report = await audit(history.store);
    const found = findingsOf(report, 'stream-integrity').find((f) => f.message.includes('event(s) missing'))!;
    expect(found.message).toMatch(/event\(s\) missing.*business key .* was already recorded.*no business date.*hash chain is broken/);
  });

  it('checks integrity over every event read, also those after the business-date cut-off', async () => {
    await history.run(fundSubsidy('municipal', '10.00', '2024-09-01'));
    db().prepare("UPDATE events SET data = replace(data, '\"10.00\"', '\"1000.00\"') WHERE position = 6").run();
    const report = await audit(history.store, { asOf: '2024-06-30' });
    expectOnly(report, 'stream-integrity', 1);
    expect(report.eventsRead).toBe(6);
    expect(report.eventsReplayed).toBe(5);
  });
});
