import { businessDatesOf } from './commands';
import type { DomainEvent } from './events';
import { CommandRefused } from './errors';
import { FUND_IDS } from './funds';
import { money, ZERO } from './money';
import {
  ClosedPeriods,
  ClosingBooks,
  datesRecordedBy,
  decideBankConfirmation,
  decidePeriodClose,
  evolvePeriods,
  NO_CLOSED_PERIODS,
  refuseClosedPeriod,
} from './periods';
import { refusal } from './testing/fixtures';

/** given(closes) → when(command) → then(events | refusal), with no store or framework. */
const given = (...events: DomainEvent[]): ClosedPeriods => events.reduce(evolvePeriods, NO_CLOSED_PERIODS);

function books(huangpi = { opening: '100.00', income: '50.00', outflow: '30.00', closing: '120.00' }): ClosingBooks {
  const funds = {} as ClosingBooks['funds'];
  for (const fundId of FUND_IDS) funds[fundId] = { opening: ZERO, income: ZERO, outflow: ZERO, closing: ZERO };
  funds.huangpi = { opening: money(huangpi.opening), income: money(huangpi.income), outflow: money(huangpi.outflow), closing: money(huangpi.closing) };
  return { funds, throughPosition: '41', eventsCounted: 41, digest: 'd'.repeat(64) };
}

const closeOf = (year: number, closedAt: string) => decidePeriodClose({ kind: 'ClosePeriod', year, closedAt }, NO_CLOSED_PERIODS, books())[0];

describe('closing a period', () => {
  it('records each fund’s closing figures and the history they came from', () => {
    expect(decidePeriodClose({ kind: 'ClosePeriod', year: 2024, closedAt: '2025-01-20' }, NO_CLOSED_PERIODS, books())).toEqual([
      {
        type: 'PeriodClosed',
        businessKey: 'period-close:2024',
        occurredAt: '2025-01-20',
        data: {
          year: 2024,
          closedAt: '2025-01-20',
          funds: FUND_IDS.map((fundId) =>
            fundId === 'huangpi'
              ? { fundId, openingBalance: '100.00', income: '50.00', outflow: '30.00', closingBalance: '120.00' }
              : { fundId, openingBalance: '0.00', income: '0.00', outflow: '0.00', closingBalance: '0.00' },
          ),
          throughPosition: '41',
          eventsCounted: 41,
          digest: 'd'.repeat(64),
        },
      },
    ]);
  });

  it('refuses a close before the year has ended', () => {
    const refused = refusal(() => decidePeriodClose({ kind: 'ClosePeriod', year: 2024, closedAt: '2024-12-31' }, NO_CLOSED_PERIODS, books()));
    expect(refused.kind).toBe('rule');
    expect(refused.problems[0].field).toBe('closedAt');
  });

  it('refuses to close a closed year again (409)', () => {
    const refused = refusal(() => decidePeriodClose({ kind: 'ClosePeriod', year: 2024, closedAt: '2025-02-01' }, given(closeOf(2024, '2025-01-20')), books()));
    expect(refused.kind).toBe('conflict');
    expect(refused.message).toContain('2025-01-20');
  });

  it('closes years in order: a year before the latest closed one is already sealed', () => {
    const refused = refusal(() => decidePeriodClose({ kind: 'ClosePeriod', year: 2023, closedAt: '2025-02-01' }, given(closeOf(2024, '2025-01-20')), books()));
    expect(refused.kind).toBe('rule');
    expect(refused.message).toContain('sealed by the close of 2024');
  });

  it('closes the next year after an earlier one', () => {
    const [event] = decidePeriodClose({ kind: 'ClosePeriod', year: 2025, closedAt: '2026-01-10' }, given(closeOf(2024, '2025-01-20')), books());
    expect(event.businessKey).toBe('period-close:2025');
  });
});

describe('the period gate', () => {
  const closed = given(closeOf(2024, '2025-01-20'));

  it('lets everything through while no year is closed', () => {
    expect(() => refuseClosedPeriod([{ field: 'paidAt', date: '2024-06-01' }], NO_CLOSED_PERIODS)).not.toThrow();
  });

  it('refuses a date in the closed year with 422 naming the year and the field', () => {
    const refused = refusal(() => refuseClosedPeriod([{ field: 'paidAt', date: '2024-12-31' }], closed));
    expect(refused.kind).toBe('rule');
    expect(refused.message).toContain('2024');
    expect(refused.message).toContain('2025-01-20');
    expect(refused.problems).toEqual([{ field: 'paidAt', reason: refused.message }]);
  });

  it('refuses a date in an earlier year, sealed by the later close', () => {
    const refused = refusal(() => refuseClosedPeriod([{ field: 'enrolledAt', date: '2023-10-01' }], closed));
    expect(refused.message).toContain('2023');
    expect(refused.message).toContain('sealed by the close of 2024');
  });

  it('lets a correction dated in the open period through', () => {
    expect(() => refuseClosedPeriod([{ field: 'reversedAt', date: '2025-01-01' }], closed)).not.toThrow();
  });

  it('dates each command by the day its fact is recorded on', () => {
    expect(businessDatesOf({ kind: 'ReverseClaim', reversalId: 'V', claimId: 'C', reversedAt: '2025-02-01', reason: 'r' })).toEqual([
      { field: 'reversedAt', date: '2025-02-01' },
    ]);
    expect(
      businessDatesOf({
        kind: 'SettleClaim', claimId: 'C', residentId: 'R', careType: 'inpatient', institution: { id: 'I', level: 2, designated: true, district: 'huangpi' },
        admittedAt: '2024-12-28', dischargedAt: '2025-01-03', totalCost: money('1'), compliantCost: money('1'), settlement: 'direct', filedAt: '2025-01-03',
      }),
    ).toEqual([{ field: 'dischargedAt', date: '2025-01-03' }]);
  });

  it('checks decided events too, by their business date', () => {
    const [event] = decideBankConfirmation({ kind: 'ConfirmBankBalance', confirmationId: 'B', fundId: 'huangpi', date: '2024-12-31', balance: money('1.00') }, ZERO);
    expect(() => refuseClosedPeriod(datesRecordedBy([event]), closed)).toThrow(CommandRefused);
  });
});

describe('confirming a bank balance', () => {
  it('records the bank’s balance, the ledger’s, and the difference', () => {
    expect(
      decideBankConfirmation({ kind: 'ConfirmBankBalance', confirmationId: 'BANK-1', fundId: 'huangpi', date: '2025-06-30', balance: money('1000.5') }, money('990.00')),
    ).toEqual([
      {
        type: 'BankBalanceConfirmed',
        businessKey: 'bank-confirmation:BANK-1',
        occurredAt: '2025-06-30',
        data: { confirmationId: 'BANK-1', fundId: 'huangpi', date: '2025-06-30', bankBalance: '1000.50', ledgerBalance: '990.00', difference: '10.50' },
      },
    ]);
  });
});
