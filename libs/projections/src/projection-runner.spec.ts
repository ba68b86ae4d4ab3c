import { decodeEvent, LedgerService } from '@ledger/application';
import { money } from '@ledger/domain';
import { SqliteEventStore } from '@ledger/event-store';
import { loadPolicy } from '@ledger/policy';
import { ProjectionRunner } from './projection-runner';

describe('ProjectionRunner', () => {
  it('passes over an event it cannot decode and keeps every later balance', async () => {
    const store = new SqliteEventStore({ file: ':memory:', pollIntervalMs: 10 });
    const ledger = new LedgerService({ store, policy: loadPolicy() });
    const clerk = { subject: 't', role: 'clerk' };
    await store.append('mystery', [{ eventId: '00000000-0000-4000-8000-000000000001', type: 'SomethingFromTheFuture', data: {}, metadata: { schemaVersion: 9 } }], 'no_stream');
    await ledger.execute({ kind: 'GrantSubsidy', subsidyId: 'S1', level: 'central', purpose: 'per-capita', year: 2024, amount: money('100.00'), grantedAt: '2024-01-02', fundId: 'caidian' }, clerk);
    const runner = new ProjectionRunner({ store, file: ':memory:', decode: decodeEvent });
    await runner.start();
    await runner.catchUp();
    expect(runner.ledger.current('caidian').balance.toFixed(2)).toBe('100.00');
    expect(runner.undecodable).toEqual([expect.objectContaining({ position: 1n })]);
    await runner.stop();
    await store.close();
  });
});
