import { type Account, type BusinessDate, formatMoney, type FundId, money, type Money, ZERO } from '@ledger/domain';
import { FundLedger, type FundFigures, incomeToJson, outflowToJson } from './fund-ledger';

/**
 * The fund ledger answers date queries from running sums; this checks every answer against a
 * plain sum over the postings (the way it used to be computed), with postings arriving out of
 * date order and queries in between.
 */
const ACCOUNTS: Array<[Account, Account]> = [
  ['bank', 'income:contributions'],
  ['bank', 'income:subsidies:central'],
  ['bank', 'income:subsidies:district'],
  ['outflow:claims:inpatient', 'bank'],
  ['outflow:claims:outpatient', 'bank'],
  ['income:contributions', 'bank'],
];

interface Posting {
  fundId: FundId;
  date: BusinessDate;
  debit: Account;
  credit: Account;
  amount: Money;
}

function reference(postings: Posting[], fundId: FundId, include: (date: BusinessDate) => boolean) {
  const ledger = new FundLedger();
  for (const p of postings) {
    if (p.fundId !== fundId || !include(p.date)) continue;
    ledger.load(p.fundId, p.date, p.debit, { debit: p.amount, credit: ZERO });
    ledger.load(p.fundId, p.date, p.credit, { debit: ZERO, credit: p.amount });
  }
  return ledger.current(fundId);
}

const json = (f: FundFigures) => ({ balance: formatMoney(f.balance), income: incomeToJson(f), outflow: outflowToJson(f), imbalance: formatMoney(f.imbalance) });

describe('FundLedger date queries', () => {
  it('match plain sums over the postings, as postings keep arriving in any date order', () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const day = (n: number) => new Date(Date.UTC(2024, 0, 1 + n)).toISOString().slice(0, 10);
    const ledger = new FundLedger();
    const postings: Posting[] = [];
    for (let round = 0; round < 12; round += 1) {
      for (let i = 0; i < 60; i += 1) {
        const [debit, credit] = ACCOUNTS[Math.floor(random() * ACCOUNTS.length)];
        const posting: Posting = {
          fundId: random() < 0.8 ? 'huangpi' : 'municipal',
          // Mostly recent days, sometimes far back (a correction dated in the past).
          date: day(random() < 0.8 ? round * 60 + Math.floor(random() * 60) : Math.floor(random() * 700)),
          debit,
          credit,
          amount: money(`${Math.floor(random() * 100000)}.${String(Math.floor(random() * 100)).padStart(2, '0')}`),
        };
        postings.push(posting);
        ledger.load(posting.fundId, posting.date, debit, { debit: posting.amount, credit: ZERO });
        ledger.load(posting.fundId, posting.date, credit, { debit: ZERO, credit: posting.amount });
      }
      for (const fundId of ['huangpi', 'municipal', 'xinzhou'] as FundId[]) {
        for (const asOf of [day(round * 55), day(round * 60 + 30), '2023-12-31', '2030-01-01']) {
          expect(json(ledger.asOf(fundId, asOf))).toEqual(json(reference(postings, fundId, (d) => d <= asOf)));
          const windowStart = `${Number(asOf.slice(0, 4)) - 1}${asOf.slice(4)}`;
          const window = reference(postings, fundId, (d) => d > windowStart && d <= asOf);
          const outflow = Object.values(window.claims).reduce((a, b) => a.plus(b), ZERO);
          const expected = outflow.isZero() ? null : reference(postings, fundId, (d) => d <= asOf).balance.div(outflow.div(12)).toFixed(6);
          const months = ledger.monthsOfPayment(fundId, asOf);
          expect(months === null ? null : months.toFixed(6)).toBe(expected);
        }
        const from = day(round * 17 + 3);
        const to = day(round * 17 + 200);
        const rows = ledger.statement(fundId, from, to);
        let opening = reference(postings, fundId, (d) => d < from).balance;
        for (const row of rows) {
          const figures = reference(postings, fundId, (d) => d >= from && d <= to && d.slice(0, 7) === row.month);
          expect([row.month, formatMoney(row.opening), json(row.figures)]).toEqual([row.month, formatMoney(opening), json(figures)]);
          opening = opening.plus(figures.balance);
          expect(formatMoney(row.closing)).toBe(formatMoney(opening));
        }
      }
    }
  });

  it('averages the outflow over the 12 whole calendar months at a month end, as the auditor does, leap day included', () => {
    const ledger = new FundLedger();
    const post = (date: string, amount: string) => {
      ledger.load('huangpi', date, 'outflow:claims:inpatient', { debit: money(amount), credit: ZERO });
      ledger.load('huangpi', date, 'bank', { debit: ZERO, credit: money(amount) });
      ledger.load('huangpi', date, 'bank', { debit: money('100000.00'), credit: ZERO });
      ledger.load('huangpi', date, 'income:contributions', { debit: ZERO, credit: money('100000.00') });
    };
    post('2024-02-29', '1200.00'); // a day before the window of 2025-02-28: Mar 2024 … Feb 2025
    post('2024-03-01', '2400.00');
    post('2025-02-28', '1200.00');
    // balance 3 × 100,000 − 4,800 = 295,200; outflow in the window 3,600 → 300 a month.
    expect(ledger.monthsOfPayment('huangpi', '2025-02-28')!.toFixed(2)).toBe('984.00');
    // Mid-month, the window runs from the same day a year before (exclusive): 2024-02-29 is in it.
    // balance 2 × 100,000 − 3,600 = 196,400; outflow 3,600 → 300 a month.
    expect(ledger.monthsOfPayment('huangpi', '2025-02-27')!.toFixed(2)).toBe('654.67');
  });

  it("moves a fund's revision with each change to it, and no other fund's", () => {
    const ledger = new FundLedger();
    const start = [ledger.revision('huangpi'), ledger.revision('xinzhou')];
    ledger.load('huangpi', '2025-01-02', 'bank', { debit: money('1.00'), credit: ZERO });
    expect(ledger.revision('huangpi')).not.toBe(start[0]);
    expect(ledger.revision('xinzhou')).toBe(start[1]);
    const after = ledger.revision('huangpi');
    ledger.load('huangpi', '2023-06-30', 'income:contributions', { debit: ZERO, credit: money('1.00') });
    expect(ledger.revision('huangpi')).not.toBe(after);
  });
  it('answers a span with no posting, and a century of mostly empty months, the same as sums over the postings', () => {
    const ledger = new FundLedger();
    ledger.load('huangpi', '2024-03-05', 'bank', { debit: money('100.00'), credit: ZERO });
    ledger.load('huangpi', '2024-03-05', 'income:contributions', { debit: ZERO, credit: money('100.00') });
    const empty = ledger.between('huangpi', '2030-01-31', '2031-12-31');
    expect(json(empty)).toEqual(json(reference([], 'huangpi', () => true)));
    // Shared between such spans: nobody may change it.
    expect(() => ((empty as { balance: Money }).balance = money('1'))).toThrow(TypeError);
    const rows = ledger.statement('huangpi', '2001-01-01', '2100-12-31');
    expect(rows).toHaveLength(1200);
    expect(rows.filter((row) => !row.figures.balance.isZero()).map((row) => row.month)).toEqual(['2024-03']);
    expect(rows.map((row) => formatMoney(row.closing)).filter((closing, index, all) => index === 0 || closing !== all[index - 1])).toEqual(['0.00', '100.00']);
  });
});
