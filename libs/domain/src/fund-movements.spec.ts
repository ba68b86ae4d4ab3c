import { emptyBookFigures, addToBookFigures, STANDARD_LINES, totalIncomeOf, totalOutflowOf, type IncomeAccount, type OutflowAccount } from './chart-of-accounts';
import type { RecordFundMovement, RecordFundTransfer } from './commands';
import { decideClaim, decideClaimReversal, decideEnrollment, decideContribution, decideInsurerDecision, decideInsurerPayment } from './decide';
import type { DomainEvent } from './events';
import { decideFundMovement, decideFundTransfer, routeFundCommand } from './fund-movements';
import { formatMoney, money, ZERO } from './money';
import { postingsOf, type Posting } from './postings';
import { evolveResident, foldResident, fundsTouchedBy, initialResidentState } from './resident';
import { context, refusal } from './testing/fixtures';
import { decimalOfFen } from '@ledger/policy';

/** given(events) → when(decide) → then(events and postings), for the fund's own books. */
const FUND_STREAM_STATE = initialResidentState('fund-huangpi');

const movement = (overrides: Partial<RecordFundMovement> = {}): RecordFundMovement => ({
  kind: 'RecordFundMovement',
  movementId: 'FM-1',
  fundId: 'huangpi',
  movement: 'interest',
  amount: money('1234.56'),
  occurredAt: '2025-03-21',
  reference: 'BANK-2025-Q1',
  ...overrides,
});

const transfer = (overrides: Partial<RecordFundTransfer> = {}): RecordFundTransfer => ({
  kind: 'RecordFundTransfer',
  transferId: 'FT-1',
  transfer: 'remittance-up',
  fromFundId: 'huangpi',
  toFundId: 'municipal',
  amount: money('500000.00'),
  occurredAt: '2025-06-30',
  ...overrides,
});

const plain = (postings: Posting[]) => postings.map((p) => ({ ...p, amount: formatMoney(p.amount) }));

/** Every posting balances within its fund: per fund, debits equal credits. */
function balancedPerFund(postings: Posting[]): boolean {
  const net = new Map<string, ReturnType<typeof money>>();
  for (const p of postings) {
    net.set(`${p.fundId} ${p.debit}`, (net.get(`${p.fundId} ${p.debit}`) ?? ZERO).plus(p.amount));
    net.set(`${p.fundId} ${p.credit}`, (net.get(`${p.fundId} ${p.credit}`) ?? ZERO).minus(p.amount));
  }
  const byFund = new Map<string, ReturnType<typeof money>>();
  for (const [key, amount] of net) byFund.set(key.split(' ')[0], (byFund.get(key.split(' ')[0]) ?? ZERO).plus(amount));
  return [...byFund.values()].every((amount) => amount.isZero());
}

/** A Huangpi resident, paid up for 2025, with one inpatient claim the basic fund paid. */
function residentWithClaim(): DomainEvent[] {
  const residentId = 'R-1';
  let state = initialResidentState(residentId);
  const history: DomainEvent[] = [];
  const apply = (events: DomainEvent[]) => {
    history.push(...events);
    state = events.reduce(evolveResident, state);
  };
  apply(
    decideEnrollment(
      {
        kind: 'EnrollResident', enrollmentId: 'E-1', residentId, year: 2025, birthDate: '1980-01-01', category: 'adult',
        hukou: { local: true, district: 'huangpi' }, residenceDistrict: 'huangpi', hardship: [], parents: [], enrolledAt: '2024-10-01',
      },
      state,
      context,
    ),
  );
  const due = decimalOfFen(state.years.get(2025)!.contributionDueFen);
  apply(decideContribution({ kind: 'RecordContribution', receiptNo: 'RC-1', residentId, year: 2025, amount: due, paidAt: '2024-11-01', collector: 'self' }, state, context));
  apply(
    decideClaim(
      {
        kind: 'SettleClaim', claimId: 'C-1', residentId, careType: 'inpatient',
        institution: { id: 'HOSP', level: 2, designated: true, district: 'huangpi' },
        admittedAt: '2025-04-01', dischargedAt: '2025-04-10', totalCost: money('20000.00'), compliantCost: money('18000.00'),
        settlement: 'direct', filedAt: '2025-04-10',
      },
      state,
      context,
    ),
  );
  return history;
}

describe('interest income (利息收入)', () => {
  it('when recorded → InterestReceived, bank debited against income:interest of the fund', () => {
    const events = decideFundMovement(movement(), FUND_STREAM_STATE);
    expect(events).toEqual([
      {
        type: 'InterestReceived',
        businessKey: 'fund-movement:FM-1',
        occurredAt: '2025-03-21',
        data: { movementId: 'FM-1', fundId: 'huangpi', amount: '1234.56', occurredAt: '2025-03-21', reference: 'BANK-2025-Q1' },
      },
    ]);
    expect(plain(postingsOf(events[0]))).toEqual([{ fundId: 'huangpi', date: '2025-03-21', debit: 'bank', credit: 'income:interest', amount: '1234.56' }]);
  });

  it('refuses a year or a claim, which interest does not have', () => {
    expect(refusal(() => decideFundMovement(movement({ year: 2025 }), FUND_STREAM_STATE)).problems[0].field).toBe('year');
    expect(refusal(() => decideFundMovement(movement({ claimId: 'C-1' }), FUND_STREAM_STATE)).problems[0].field).toBe('claimId');
  });
});

describe('critical-illness premium (大病保险资金)', () => {
  it('when paid for an insurance year → CriticalIllnessPremiumPaid, outflow of the basic fund', () => {
    const events = decideFundMovement(movement({ movement: 'critical-illness-premium', year: 2025, amount: money('3600000.00') }), FUND_STREAM_STATE);
    expect(events).toEqual([
      {
        type: 'CriticalIllnessPremiumPaid',
        businessKey: 'fund-movement:FM-1',
        occurredAt: '2025-03-21',
        data: { movementId: 'FM-1', fundId: 'huangpi', amount: '3600000.00', occurredAt: '2025-03-21', reference: 'BANK-2025-Q1', year: 2025 },
      },
    ]);
    expect(plain(postingsOf(events[0]))).toEqual([
      { fundId: 'huangpi', date: '2025-03-21', debit: 'outflow:critical-illness-premium', credit: 'bank', amount: '3600000.00' },
    ]);
  });

  it('needs the insurance year it covers (400 naming year)', () => {
    const refused = refusal(() => decideFundMovement(movement({ movement: 'critical-illness-premium' }), FUND_STREAM_STATE));
    expect(refused.kind).toBe('validation');
    expect(refused.problems[0].field).toBe('year');
  });

  it("given a premium paid, the insurer's payment on a claim is never the fund's outflow as well", () => {
    const history = residentWithClaim();
    let state = foldResident('R-1', history);
    const decision = decideInsurerDecision({ kind: 'RecordInsurerDecision', claimId: 'C-1', receivedAt: '2025-04-11', decidedAt: '2025-04-20', covered: true }, state);
    state = decision.reduce(evolveResident, state);
    const payment = decideInsurerPayment({ kind: 'RecordInsurerPayment', claimId: 'C-1', paidAt: '2025-04-25', amount: money('900.00') }, state);
    expect(postingsOf(payment[0])).toEqual([]);
    expect(postingsOf(decision[0])).toEqual([]);
  });
});

describe('recoveries (追回资金, 条例 art. 45)', () => {
  it('without a claim → RecoveryReceived on the fund stream, bank debited against income:recoveries', () => {
    const command = movement({ movement: 'recovery', amount: money('800.00'), reason: 'audit finding 2025-07' });
    expect(routeFundCommand(command)).toEqual({ stream: 'fund-huangpi' });
    const events = decideFundMovement(command, FUND_STREAM_STATE);
    expect(events[0]).toEqual({
      type: 'RecoveryReceived',
      businessKey: 'fund-movement:FM-1',
      occurredAt: '2025-03-21',
      data: {
        movementId: 'FM-1', fundId: 'huangpi', amount: '800.00', occurredAt: '2025-03-21', reference: 'BANK-2025-Q1',
        claimId: null, residentId: null, reason: 'audit finding 2025-07',
      },
    });
    expect(plain(postingsOf(events[0]))).toEqual([{ fundId: 'huangpi', date: '2025-03-21', debit: 'bank', credit: 'income:recoveries', amount: '800.00' }]);
  });

  it('naming a claim, is decided on the claim holder stream and names its resident', () => {
    const command = movement({ movement: 'recovery', claimId: 'C-1', amount: money('100.00'), occurredAt: '2025-05-01' });
    expect(routeFundCommand(command)).toEqual({ streamHolding: 'claim:C-1', missing: 'claim C-1 is not recorded' });
    const state = foldResident('R-1', residentWithClaim());
    const [event] = decideFundMovement(command, state);
    expect(event.type).toBe('RecoveryReceived');
    expect(event.data).toMatchObject({ claimId: 'C-1', residentId: 'R-1', fundId: 'huangpi', amount: '100.00' });
    expect(evolveResident(state, event).claims.get('C-1')!.recoveredFen).toBe(10_000);
  });

  it('refuses a recovery credited to another fund than the one that paid the claim (422 naming fundId)', () => {
    const state = foldResident('R-1', residentWithClaim());
    const refused = refusal(() => decideFundMovement(movement({ movement: 'recovery', fundId: 'caidian', claimId: 'C-1', amount: money('1.00'), occurredAt: '2025-05-01' }), state));
    expect(refused.kind).toBe('rule');
    expect(refused.problems[0].field).toBe('fundId');
    expect(refused.message).toContain('huangpi');
  });

  it('refuses to recover more than the basic fund paid, counting earlier recoveries', () => {
    let state = foldResident('R-1', residentWithClaim());
    const paid = decimalOfFen(state.claims.get('C-1')!.basicFundPaymentFen);
    const first = decideFundMovement(movement({ movement: 'recovery', claimId: 'C-1', amount: paid.minus(1), occurredAt: '2025-05-01' }), state);
    state = first.reduce(evolveResident, state);
    const refused = refusal(() => decideFundMovement(movement({ movementId: 'FM-2', movement: 'recovery', claimId: 'C-1', amount: money('1.01'), occurredAt: '2025-05-02' }), state));
    expect(refused.kind).toBe('rule');
    expect(refused.problems[0].field).toBe('amount');
    expect(decideFundMovement(movement({ movementId: 'FM-2', movement: 'recovery', claimId: 'C-1', amount: money('1.00'), occurredAt: '2025-05-02' }), state)).toHaveLength(1);
  });

  it('refuses a recovery dated before the payment, and then a reversal of a partly recovered claim', () => {
    let state = foldResident('R-1', residentWithClaim());
    expect(refusal(() => decideFundMovement(movement({ movement: 'recovery', claimId: 'C-1', amount: money('1.00'), occurredAt: '2025-04-09' }), state)).problems[0].field).toBe('occurredAt');
    state = decideFundMovement(movement({ movement: 'recovery', claimId: 'C-1', amount: money('1.00'), occurredAt: '2025-05-01' }), state).reduce(evolveResident, state);
    const refused = refusal(() => decideClaimReversal({ kind: 'ReverseClaim', reversalId: 'REV-1', claimId: 'C-1', reversedAt: '2025-06-01', reason: 'x' }, state));
    expect(refused.kind).toBe('rule');
  });
});

describe('other income and other expenditure (其他收入 / 其他支出)', () => {
  it('other income with its reason → OtherIncomeReceived, credited to income:other', () => {
    const [event] = decideFundMovement(movement({ movement: 'other-income', amount: money('50.00'), reason: 'bank fee refund' }), FUND_STREAM_STATE);
    expect(event).toMatchObject({ type: 'OtherIncomeReceived', data: { reason: 'bank fee refund', amount: '50.00' } });
    expect(plain(postingsOf(event))).toEqual([{ fundId: 'huangpi', date: '2025-03-21', debit: 'bank', credit: 'income:other', amount: '50.00' }]);
  });

  it('other expenditure with its reason → OtherExpenditurePaid, debited to outflow:other', () => {
    const [event] = decideFundMovement(movement({ movement: 'other-expense', amount: money('20.00'), reason: 'court-ordered refund' }), FUND_STREAM_STATE);
    expect(event).toMatchObject({ type: 'OtherExpenditurePaid', data: { reason: 'court-ordered refund' } });
    expect(plain(postingsOf(event))).toEqual([{ fundId: 'huangpi', date: '2025-03-21', debit: 'outflow:other', credit: 'bank', amount: '20.00' }]);
  });

  it.each(['other-income', 'other-expense'] as const)('%s without a reason is refused naming reason', (kind) => {
    const refused = refusal(() => decideFundMovement(movement({ movement: kind, reason: '  ' }), FUND_STREAM_STATE));
    expect(refused.kind).toBe('validation');
    expect(refused.problems[0].field).toBe('reason');
  });
});

describe('transfers between funds (上解上级 / 补助下级 / 调剂)', () => {
  it('one FundTransferred event, posted to both books, each balanced within its own fund', () => {
    const events = decideFundTransfer(transfer({ reference: 'WHCZ-2025-118' }));
    expect(events).toEqual([
      {
        type: 'FundTransferred',
        businessKey: 'fund-transfer:FT-1',
        occurredAt: '2025-06-30',
        data: {
          transferId: 'FT-1', kind: 'remittance-up', fromFundId: 'huangpi', toFundId: 'municipal', amount: '500000.00',
          occurredAt: '2025-06-30', reference: 'WHCZ-2025-118',
        },
      },
    ]);
    const postings = postingsOf(events[0]);
    expect(plain(postings)).toEqual([
      { fundId: 'huangpi', date: '2025-06-30', debit: 'outflow:transfers', credit: 'bank', amount: '500000.00' },
      { fundId: 'municipal', date: '2025-06-30', debit: 'bank', credit: 'income:transfers', amount: '500000.00' },
    ]);
    expect(balancedPerFund(postings)).toBe(true);
    expect(routeFundCommand(transfer())).toEqual({ stream: 'fund-huangpi' });
  });

  it('touches both funds, so a one-fund token cannot record it', () => {
    expect([...fundsTouchedBy(decideFundTransfer(transfer()), FUND_STREAM_STATE)].sort()).toEqual(['huangpi', 'municipal']);
  });

  it('refuses a transfer from a fund to itself (400 naming toFundId)', () => {
    const refused = refusal(() => decideFundTransfer(transfer({ toFundId: 'huangpi' })));
    expect(refused.kind).toBe('validation');
    expect(refused.problems[0].field).toBe('toFundId');
  });
});

describe('chart of accounts', () => {
  it('every posting of every new fact balances within its fund', () => {
    const facts = [
      ...decideFundMovement(movement(), FUND_STREAM_STATE),
      ...decideFundMovement(movement({ movement: 'critical-illness-premium', year: 2025 }), FUND_STREAM_STATE),
      ...decideFundMovement(movement({ movement: 'recovery' }), FUND_STREAM_STATE),
      ...decideFundMovement(movement({ movement: 'other-income', reason: 'r' }), FUND_STREAM_STATE),
      ...decideFundMovement(movement({ movement: 'other-expense', reason: 'r' }), FUND_STREAM_STATE),
      ...decideFundTransfer(transfer()),
    ];
    for (const fact of facts) expect(balancedPerFund(postingsOf(fact))).toBe(true);
  });

  it('sums categories, keeps hardship aid an "of which" line, and gives the surplus', () => {
    const figures = emptyBookFigures();
    const add = (account: IncomeAccount | OutflowAccount, amount: string) => addToBookFigures(figures, account, money(amount));
    add('income:contributions', '380.00');
    add('income:subsidies:central', '600.00');
    add('income:hardship-aid:district', '380.00');
    add('income:interest', '10.00');
    add('income:transfers', '5.00');
    add('income:recoveries', '3.00');
    add('income:other', '2.00');
    add('outflow:claims:inpatient', '700.00');
    add('outflow:critical-illness-premium', '100.00');
    add('outflow:transfers', '50.00');
    add('outflow:other', '1.00');
    expect(formatMoney(totalIncomeOf(figures))).toBe('1380.00');
    expect(formatMoney(totalOutflowOf(figures))).toBe('851.00');
    const line = (code: string) => formatMoney(STANDARD_LINES.find((l) => l.code === code)!.amount(figures));
    expect(line('income.subsidies')).toBe('980.00');
    expect(line('income.hardshipContributionAid.district')).toBe('380.00');
    expect(line('income.otherTotal')).toBe('5.00');
    expect(line('surplus')).toBe('529.00');
  });

  it('posts hardship contribution aid to its own account, per-capita subsidies to theirs', () => {
    const grant = (purpose: 'per-capita' | 'hardship-contribution'): DomainEvent => ({
      type: 'SubsidyGranted',
      businessKey: `subsidy:${purpose}`,
      occurredAt: '2025-01-10',
      data: {
        subsidyId: purpose, level: 'district', purpose, year: 2025, amount: '100.00', grantedAt: '2025-01-10', fundId: 'huangpi',
        residentId: purpose === 'per-capita' ? null : 'R-1', attributedFundId: null, benefitStart: null,
      },
    });
    expect(postingsOf(grant('per-capita'))[0].credit).toBe('income:subsidies:district');
    expect(postingsOf(grant('hardship-contribution'))[0].credit).toBe('income:hardship-aid:district');
  });
});
