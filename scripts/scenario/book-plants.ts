import { ClosingBooksFold, PeriodService } from '@ledger/application';
import {
  decideFundMovement,
  decidePeriodClose,
  FUND_IDS,
  fundStream,
  initialResidentState,
  money,
  NO_CLOSED_PERIODS,
  PERIODS_STREAM,
} from '@ledger/domain';
import { appendDecided } from './history';
import type { PlantContext, PlantedViolation } from './plants';

/**
 * The books' side of a scenario: an ordinary close of the first year and an ordinary bank
 * confirmation (neither may give a finding), and the planted closed-period and
 * bank-reconciliation violations. Facts the ledger refuses (a fact dated in a closed year, a close
 * with wrong figures) are appended directly, correctly hashed.
 */
const BUREAU = { subject: 'scenario-generator', role: 'finance-bureau' };

function periods(ctx: PlantContext): PeriodService {
  return new PeriodService({ store: ctx.store, clock: () => new Date(ctx.recordedAt) });
}

/** Closes the first year through the ledger, in January of the next: every later plant is dated after it. */
export async function closeFirstYear(ctx: PlantContext): Promise<void> {
  if (ctx.years.first >= ctx.years.last) return;
  await periods(ctx).close({ kind: 'ClosePeriod', year: ctx.years.first, closedAt: `${ctx.years.first + 1}-01-20` }, BUREAU);
}

/** Even n: interest dated in the closed first year, recorded after its close (before the deficits: it moves balances). */
export async function plantLateFact(ctx: PlantContext, n: number): Promise<PlantedViolation> {
  if (ctx.years.first >= ctx.years.last) throw new RangeError('closed-period violations need a scenario of at least two years');
  const fundId = FUND_IDS[(n / 2) % FUND_IDS.length];
  const movementId = `P-CP-${n + 1}`;
  const occurredAt = `${ctx.years.first}-12-15`;
  const events = decideFundMovement(
    { kind: 'RecordFundMovement', movementId, fundId, movement: 'interest', amount: money('1.00'), occurredAt, reference: 'late' },
    initialResidentState(fundStream(fundId)),
  );
  await appendDecided(ctx.store, fundStream(fundId), events, ctx.clerk, ctx.recordedAt);
  return { rule: 'closed-period', fundId, description: `interest ${movementId} dated ${occurredAt} recorded after ${ctx.years.first} was closed` };
}

/** Odd n: a close of the second year whose closing balance of one fund is 100.00 off the history (planted last: it seals that year). */
export async function plantWrongClose(ctx: PlantContext, n: number): Promise<PlantedViolation> {
  const year = ctx.years.first + (n + 1) / 2;
  if (year >= ctx.years.last) throw new RangeError(`a wrong close of ${year} would seal the scenario's last year; plant fewer closed-period violations`);
  const fundId = FUND_IDS[(n + 3) % FUND_IDS.length];
  const fold = new ClosingBooksFold(year);
  await fold.advance(ctx.store, await ctx.store.headPosition());
  const books = fold.books();
  books.funds[fundId] = { ...books.funds[fundId], closing: books.funds[fundId].closing.plus('100.00') };
  const [closed] = decidePeriodClose({ kind: 'ClosePeriod', year, closedAt: `${year + 1}-01-20` }, { ...NO_CLOSED_PERIODS, closedThrough: year - 1 }, books);
  await appendDecided(ctx.store, PERIODS_STREAM, [closed], BUREAU, ctx.recordedAt);
  return { rule: 'closed-period', fundId, description: `close of ${year} states ${fundId}'s closing balance 100.00 above the history` };
}

/** An ordinary confirmation that matches the books: no finding. */
export async function confirmMatchingBalance(ctx: PlantContext): Promise<void> {
  const service = periods(ctx);
  const date = `${ctx.years.last}-09-30`;
  const balance = await service.balanceAsOf('municipal', date);
  await service.confirmBankBalance({ kind: 'ConfirmBankBalance', confirmationId: `BANK-municipal-Q3${ctx.appendedSuffix ?? ''}`, fundId: 'municipal', date, balance }, BUREAU);
}

/** A bank balance 1.00 above the books on a month end of the last year. */
export async function plantBankDifference(ctx: PlantContext, n: number): Promise<PlantedViolation> {
  const service = periods(ctx);
  const fundId = FUND_IDS[(n + 2) % FUND_IDS.length];
  const date = [`${ctx.years.last}-10-31`, `${ctx.years.last}-11-30`, `${ctx.years.last}-12-31`][n % 3];
  const balance = (await service.balanceAsOf(fundId, date)).plus('1.00');
  await service.confirmBankBalance({ kind: 'ConfirmBankBalance', confirmationId: `P-BR-${n + 1}`, fundId, date, balance }, BUREAU);
  return { rule: 'bank-reconciliation', fundId, description: `bank confirmed ${fundId} 1.00 above the books on ${date}` };
}
