import type { LedgerService } from '@ledger/application';
import { money } from '@ledger/domain';
import { loadPolicy } from '@ledger/policy';
import { FundLedger, ProjectionRunner } from '@ledger/projections';
import { GetFundHandler, GetFundQuery } from './queries';
import { RevisionCache } from './revision-cache';

function ledgerWith(...postings: Array<[string, string]>): FundLedger {
  const ledger = new FundLedger();
  for (const [date, amount] of postings) post(ledger, date, amount);
  return ledger;
}

/** A contribution of `amount` and an inpatient claim of 1.00 to huangpi, both on `date`. */
function post(ledger: FundLedger, date: string, amount: string): void {
  const add = (account: Parameters<FundLedger['load']>[2], debit: string, credit: string) =>
    ledger.load('huangpi', date, account, { debit: money(debit), credit: money(credit) });
  add('bank', amount, '0');
  add('income:contributions', '0', amount);
  add('outflow:claims:inpatient', '1.00', '0');
  add('bank', '0', '1.00');
}

function handlerOver(ledger: FundLedger): GetFundHandler {
  return new GetFundHandler({ ledger } as unknown as ProjectionRunner, { policy: loadPolicy() } as unknown as LedgerService);
}

describe('GetFundHandler answers', () => {
  afterEach(() => jest.useRealTimers());

  it('are served again while the fund is unchanged, and computed afresh after a new posting', async () => {
    const ledger = ledgerWith(['2025-01-10', '100.00']);
    const handler = handlerOver(ledger);
    const first = await handler.execute(new GetFundQuery('huangpi', undefined));
    expect(await handler.execute(new GetFundQuery('huangpi', undefined))).toBe(first);
    expect(first.balance).toBe('99.00');

    post(ledger, '2025-01-11', '50.00');
    const second = await handler.execute(new GetFundQuery('huangpi', undefined));
    expect(second.balance).toBe('148.00');
    expect(second).toEqual(await handlerOver(ledger).execute(new GetFundQuery('huangpi', undefined)));
  });

  it('keep as-of answers apart by date, and apart from the current answer', async () => {
    const ledger = ledgerWith(['2025-01-10', '100.00'], ['2025-02-10', '300.00']);
    const handler = handlerOver(ledger);
    const january = await handler.execute(new GetFundQuery('huangpi', '2025-01-31'));
    const february = await handler.execute(new GetFundQuery('huangpi', '2025-02-28'));
    const current = await handler.execute(new GetFundQuery('huangpi', undefined));
    expect([january.balance, february.balance, current.balance]).toEqual(['99.00', '398.00', '398.00']);
    expect([january.asOf, february.asOf, current.asOf]).toEqual(['2025-01-31', '2025-02-28', null]);
    expect(await handler.execute(new GetFundQuery('huangpi', '2025-01-31'))).toBe(january);
  });

  it("follow today's date: months of payment look back from the day asked on", async () => {
    const ledger = ledgerWith(['2025-01-10', '100.00']);
    const handler = handlerOver(ledger);
    jest.useFakeTimers({ now: Date.UTC(2025, 5, 1, 4) });
    const june = await handler.execute(new GetFundQuery('huangpi', undefined));
    // A year and more later the claim has left the trailing window: nothing paid out, no months.
    jest.setSystemTime(Date.UTC(2026, 5, 1, 4));
    const nextJune = await handler.execute(new GetFundQuery('huangpi', undefined));
    expect([june.monthsOfPayment, nextJune.monthsOfPayment]).toEqual(['1188.0', null]);
  });

  it('cannot be changed by whoever receives one', async () => {
    const handler = handlerOver(ledgerWith(['2025-01-10', '100.00']));
    const view = await handler.execute(new GetFundQuery('huangpi', '2025-01-31'));
    expect(() => {
      (view as { balance: string }).balance = '0.00';
    }).toThrow(TypeError);
    expect(() => {
      (view.income as { total: string }).total = '0.00';
    }).toThrow(TypeError);
  });
});

describe('RevisionCache', () => {
  it('forgets every answer about a fund when its revision moves, and only that fund', () => {
    const cache = new RevisionCache<string>();
    cache.set('huangpi', 1, 'k', 'a');
    cache.set('xinzhou', 7, 'k', 'b');
    expect(cache.get('huangpi', 1, 'k')).toBe('a');
    expect(cache.get('huangpi', 2, 'k')).toBeUndefined();
    cache.set('huangpi', 2, 'other', 'c');
    expect(cache.get('huangpi', 1, 'k')).toBeUndefined();
    expect(cache.get('xinzhou', 7, 'k')).toBe('b');
  });

  it('keeps at most its capacity of answers per fund', () => {
    const cache = new RevisionCache<number>(3);
    for (let i = 0; i < 5; i += 1) cache.set('huangpi', 1, `d${i}`, i);
    expect([0, 1, 2, 3, 4].map((i) => cache.get('huangpi', 1, `d${i}`))).toEqual([undefined, undefined, 2, 3, 4]);
  });
});
