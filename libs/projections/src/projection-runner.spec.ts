import { decodeEvent, LedgerService } from '@ledger/application';
import { money } from '@ledger/domain';
import { SqliteEventStore } from '@ledger/event-store';
import { loadPolicy } from '@ledger/policy';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { normaliseInstant, ProjectionRunner } from './projection-runner';

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

  describe('knownAt', () => {
    const clerk = { subject: 't', role: 'clerk' };
    const interest = (movementId: string, amount: string) =>
      ({ kind: 'RecordFundMovement', movementId, fundId: 'caidian', movement: 'interest', amount: money(amount), occurredAt: '2025-01-21' }) as const;

    it('answers from the live model when nothing was recorded after the instant, and by a replay otherwise', async () => {
      const store = new SqliteEventStore({ file: ':memory:', pollIntervalMs: 10 });
      let now = new Date('2025-02-01T00:00:00.000Z');
      const ledger = new LedgerService({ store, policy: loadPolicy(), clock: () => now });
      await ledger.execute(interest('I-1', '10.00'), clerk);
      now = new Date('2025-03-01T00:00:00.000Z');
      await ledger.execute(interest('I-2', '5.00'), clerk);
      const runner = new ProjectionRunner({ store, file: ':memory:', decode: decodeEvent });
      await runner.start();
      await runner.catchUp();
      expect(await runner.ledgerKnownAt('2025-03-01T00:00:00.000Z')).toBe(runner.ledger);
      const february = await runner.ledgerKnownAt('2025-02-15T00:00:00.000Z');
      expect(february).not.toBe(runner.ledger);
      expect(february.current('caidian').interest.toFixed(2)).toBe('10.00');
      expect(await runner.ledgerKnownAt('2025-02-15T00:00:00.000Z')).toBe(february); // kept until the head moves
      expect((await runner.ledgerKnownAt('2025-01-01T00:00:00.000Z')).current('caidian').balance.toFixed(2)).toBe('0.00');
      await runner.stop();
      await store.close();
    });

    it('reads instants in any offset as the same moment, and refuses local times and bare dates', () => {
      expect(normaliseInstant('2025-07-01T00:00:00+08:00')).toBe('2025-06-30T16:00:00.000Z');
      expect(normaliseInstant('2025-06-30T16:00Z')).toBe('2025-06-30T16:00:00.000Z');
      expect(normaliseInstant('2025-07-01T00:00:00')).toBeNull();
      expect(normaliseInstant('2025-07-01')).toBeNull();
    });
  });

  it('rebuilds a saved read model of another shape from the history instead of mixing rows', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'projection-shape-'));
    const file = join(dir, 'projections.sqlite');
    const store = new SqliteEventStore({ file: ':memory:', pollIntervalMs: 10 });
    const ledger = new LedgerService({ store, policy: loadPolicy() });
    await ledger.execute({ kind: 'GrantSubsidy', subsidyId: 'S1', level: 'central', purpose: 'per-capita', year: 2024, amount: money('100.00'), grantedAt: '2024-01-02', fundId: 'caidian' }, { subject: 't', role: 'clerk' });
    const first = new ProjectionRunner({ store, file, decode: decodeEvent });
    await first.start();
    await first.stop();
    // An older version's file: a row of an account that no longer means the same, no shape.
    const db = new Database(file);
    db.prepare("INSERT INTO fund_day_account VALUES ('caidian', '2024-01-03', 'income:subsidies:district', '0', '7.00')").run();
    db.prepare('DELETE FROM read_model_shape').run();
    db.close();
    const second = new ProjectionRunner({ store, file, decode: decodeEvent });
    await second.start();
    expect(second.ledger.current('caidian').subsidies.district.toFixed(2)).toBe('0.00');
    expect(second.ledger.current('caidian').balance.toFixed(2)).toBe('100.00');
    await second.stop();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
});
