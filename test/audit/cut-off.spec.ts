import { Auditor, ReplayDigest, replayStore } from '@ledger/audit';
import { createHash } from 'node:crypto';
import { audit, claim, contribution, enrollment, fundSubsidy, newHistory, policy, type TestHistory } from './support';

let history: TestHistory;
let residentId: string;
beforeEach(async () => {
  history = newHistory();
  await history.run(fundSubsidy('municipal', '1000.00', '2024-01-02')); // position 1, 2024-01-02
  const resident = enrollment();
  residentId = resident.residentId;
  await history.run(resident); // 2, 2023-11-15
  await history.run(contribution(residentId, '380.00', '2023-12-01')); // 3, 2023-12-01
  await history.run(claim(residentId, { admittedAt: '2024-03-01', dischargedAt: '2024-03-01', filedAt: '2024-03-01' })); // 4, 2024-03-01
  await history.run(claim(residentId, { admittedAt: '2024-06-30', dischargedAt: '2024-06-30', filedAt: '2024-06-30' })); // 5, 2024-06-30
  await history.run(claim(residentId, { admittedAt: '2024-07-01', dischargedAt: '2024-07-01', filedAt: '2024-07-01' })); // 6, 2024-07-01
});
afterEach(() => history.close());

describe('cut-off', () => {
  it('replays the events whose business date is on or before --as-of (up to the end of that day)', async () => {
    const report = await audit(history.store, { asOf: '2024-06-30' });
    expect(report).toMatchObject({ asOf: '2024-06-30', eventsRead: 6, eventsReplayed: 5, lastPositionRead: 6 });
    expect(report.funds[0]).toMatchObject({ income: '1380.00', outflow: '320.00', balance: '1060.00' });
    const dayBefore = await audit(history.store, { asOf: '2024-06-29' });
    expect(dayBefore.eventsReplayed).toBe(4);
    expect(dayBefore.funds[0].outflow).toBe('160.00');
  });

  it('also stops at a position', async () => {
    const report = await audit(history.store, { asOf: '2025-12-31', throughPosition: 3n });
    expect(report).toMatchObject({ cutOffPosition: 3, lastPositionRead: 3, eventsRead: 3, eventsReplayed: 3 });
    expect(report.funds[0]).toMatchObject({ balance: '1380.00' });
  });

  it('digests the replayed events in order, as documented in digest.ts', async () => {
    const digest = new ReplayDigest();
    for await (const stored of history.store.readAll({ maxCount: 5 })) digest.add(stored.eventId, stored.metadata.hash);
    const report = await audit(history.store, { asOf: '2024-06-30' });
    expect(report.digest).toBe(digest.value);
    expect(new ReplayDigest().value).toBe(createHash('sha256').update('').digest('hex'));
    const lines = [];
    for await (const stored of history.store.readAll({ maxCount: 5 })) lines.push(`${stored.eventId}\n${stored.metadata.hash}\n`);
    expect(report.digest).toBe(createHash('sha256').update(lines.join('')).digest('hex'));
    const later = await audit(history.store, { asOf: '2024-07-01' });
    expect(later.digest).not.toBe(report.digest);
  });

  it('lets a reader stop at the cut-off position', async () => {
    const auditor = new Auditor({ policy, throughPosition: 2n });
    const last = await replayStore(history.store, auditor);
    expect(last).toBe(2n);
    expect(auditor.report().asOf).toBeNull();
  });

  it('refuses an impossible date', () => {
    expect(() => new Auditor({ policy, asOf: '2024-02-30' })).toThrow(/asOf must be a YYYY-MM-DD calendar date/);
  });
});
