import { createHash, type Hash } from 'node:crypto';
import {
  bankConfirmationKey,
  bankStream,
  ClosePeriod,
  ClosingBooks,
  ConfirmBankBalance,
  conflict,
  DomainEvent,
  decideBankConfirmation,
  decidePeriodClose,
  emptyClosingBooks,
  FundId,
  FUND_IDS,
  isFundId,
  LedgerEvent,
  Money,
  periodCloseKey,
  PERIODS_STREAM,
  postingsOf,
  RecordedBy,
  refuseClosedPeriod,
  ZERO,
} from '@ledger/domain';
import {
  AppendCondition,
  BusinessKeyTakenError,
  EventStorePort,
  Position,
  StoredEvent,
  WrongExpectedRevisionError,
} from '@ledger/event-store';
import { decodeEvent, encodeEvents, lastHashOf } from './event-codec';
import { CommandOutcome, commandDigest, ContentionError, loadPeriods, periodsCondition } from './ledger-service';

/**
 * The finance bureau's two commands on the books as a whole: closing a year, and recording the
 * balance a fund's bank confirmed. Both are decided from figures of the whole history, so they
 * run here rather than through the resident-stream dispatch of LedgerService; they keep its
 * contract (business-key idempotency, 409 on another payload, nothing written on refusal) and
 * the period gate.
 */
export interface PeriodServiceOptions {
  store: EventStorePort;
  clock?: () => Date;
  maxAttempts?: number;
  /**
   * Where a bank confirmation's ledger balance comes from: a read model caught up with the
   * store's head (the API's fund ledger). Omitted, every posting of the whole history is read
   * again (`balanceAsOf`), which at a year of a million residents takes minutes per confirmation.
   */
  ledgerBalanceAsOf?: (fundId: FundId, date: string) => Promise<Money>;
}

export class PeriodService {
  private readonly store: EventStorePort;
  private readonly clock: () => Date;
  private readonly maxAttempts: number;
  private readonly ledgerBalanceAsOf: (fundId: FundId, date: string) => Promise<Money>;

  constructor(options: PeriodServiceOptions) {
    this.store = options.store;
    this.clock = options.clock ?? (() => new Date());
    this.maxAttempts = options.maxAttempts ?? 20;
    this.ledgerBalanceAsOf = options.ledgerBalanceAsOf ?? ((fundId, date) => this.balanceAsOf(fundId, date));
  }

  /** The closes recorded, oldest year first. */
  async closedPeriods(): Promise<LedgerEvent[]> {
    const events = (await this.store.readStream(PERIODS_STREAM)).map(decodeEvent);
    return events.filter((event) => event.type === 'PeriodClosed').sort((a, b) => (a.data as { year: number }).year - (b.data as { year: number }).year);
  }

  /**
   * The bank balances confirmed for a fund, by confirmed date (then as recorded): one stream per
   * fund, so a district manager's list never reads another fund's.
   */
  async bankConfirmations(fundId: FundId): Promise<LedgerEvent[]> {
    const events = (await this.store.readStream(bankStream(fundId))).map(decodeEvent);
    return events
      .filter((event) => event.type === 'BankBalanceConfirmed')
      .sort((a, b) => (a.occurredAt < b.occurredAt ? -1 : a.occurredAt > b.occurredAt ? 1 : Number(a.position - b.position)));
  }

  /**
   * Closes a year: its figures and digest are computed over the whole history through the head
   * read at the start, and the close is appended on the condition that the head has not moved. If
   * it has, only the events after it are folded in and the append is tried again.
   */
  async close(command: ClosePeriod, recordedBy: RecordedBy): Promise<CommandOutcome> {
    const requestDigest = commandDigest(command);
    const fold = new ClosingBooksFold(command.year);
    for (let attempt = 1; attempt <= this.maxAttempts; attempt += 1) {
      const held = await this.heldBy(periodCloseKey(command.year), requestDigest);
      if (held) return held;
      const periods = await loadPeriods(this.store);
      // The refusals first (cheap), before the whole history is read.
      decidePeriodClose(command, periods.state, emptyClosingBooks());
      const head = await this.store.headPosition();
      await fold.advance(this.store, head);
      const events = decidePeriodClose(command, periods.state, fold.books());
      const outcome = await this.tryAppend(PERIODS_STREAM, events, periods.revision, { ...periodsCondition(periods), headPosition: head }, recordedBy, requestDigest);
      if (outcome) return outcome;
    }
    throw new ContentionError(PERIODS_STREAM, this.maxAttempts);
  }

  async confirmBankBalance(command: ConfirmBankBalance, recordedBy: RecordedBy): Promise<CommandOutcome> {
    const requestDigest = commandDigest(command);
    const stream = bankStream(command.fundId);
    for (let attempt = 1; attempt <= this.maxAttempts; attempt += 1) {
      const held = await this.heldBy(bankConfirmationKey(command.confirmationId), requestDigest);
      if (held) return held;
      const periods = await loadPeriods(this.store);
      refuseClosedPeriod([{ field: 'date', date: command.date }], periods.state);
      const ledgerBalance = await this.ledgerBalanceAsOf(command.fundId, command.date);
      const events = decideBankConfirmation(command, ledgerBalance);
      const revision = (await this.store.readStream(stream)).length - 1;
      const outcome = await this.tryAppend(stream, events, revision, periodsCondition(periods), recordedBy, requestDigest);
      if (outcome) return outcome;
    }
    throw new ContentionError(stream, this.maxAttempts);
  }

  /** The fund's balance of every posting dated on or before `date`, over the whole history. */
  async balanceAsOf(fundId: FundId, date: string): Promise<Money> {
    let balance = ZERO;
    for await (const stored of this.store.readAll()) {
      for (const posting of postingsOf(decodeEvent(stored))) {
        if (posting.fundId !== fundId || posting.date > date) continue;
        if (posting.debit === 'bank') balance = balance.plus(posting.amount);
        if (posting.credit === 'bank') balance = balance.minus(posting.amount);
      }
    }
    return balance;
  }

  /** The first result for a business key already held (200), a 409 for another payload, or null. */
  private async heldBy(businessKey: string, requestDigest: string): Promise<CommandOutcome | null> {
    const holder = await this.store.findByBusinessKey(businessKey);
    if (!holder) return null;
    const event = decodeEvent(holder);
    if (event.metadata.requestDigest !== requestDigest) {
      throw conflictOf(event);
    }
    return { status: 'replayed', event, position: event.position };
  }

  /** Appends, or answers null when a race was lost and the caller should decide again. */
  private async tryAppend(
    stream: string,
    events: DomainEvent[],
    revision: number,
    condition: AppendCondition,
    recordedBy: RecordedBy,
    requestDigest: string,
  ): Promise<CommandOutcome | null> {
    const existing = revision < 0 ? [] : (await this.store.readStream(stream)).map(decodeEvent);
    if (existing.length - 1 !== revision) return null;
    const toAppend = encodeEvents(events, {
      stream,
      revision,
      previousHash: lastHashOf(existing),
      recordedAt: this.clock().toISOString(),
      recordedBy,
      requestDigest,
    });
    try {
      const result = await this.store.append(stream, toAppend, revision < 0 ? 'no_stream' : revision, condition);
      const event = decodeEvent({ ...toAppend[0], stream, revision: revision + 1, position: result.position });
      return { status: 'created', event, position: result.position };
    } catch (error) {
      if (error instanceof WrongExpectedRevisionError || error instanceof BusinessKeyTakenError) return null;
      throw error;
    }
  }
}

function conflictOf(event: LedgerEvent): Error {
  return conflict(`${event.businessKey} was already recorded with a different payload (event ${event.eventId})`);
}

/**
 * A year's closing figures per fund and the digest of the history they came from, folded event by
 * event in position order so that a close that lost a race folds in only what was appended since.
 * Income and outflow are classified by the non-bank account of each posting (`income:…` /
 * `outflow:…`), so new categories count without changes here.
 */
export class ClosingBooksFold {
  private readonly start: string;
  private readonly end: string;
  private readonly funds = new Map<FundId, { opening: Money; income: Money; outflow: Money; closing: Money }>();
  private readonly hash: Hash = createHash('sha256');
  private count = 0;
  private through: Position | null = null;

  constructor(year: number) {
    this.start = `${year}-01-01`;
    this.end = `${year}-12-31`;
    for (const fundId of FUND_IDS) this.funds.set(fundId, { opening: ZERO, income: ZERO, outflow: ZERO, closing: ZERO });
  }

  /** Folds every event after the last one folded, through `head`. */
  async advance(store: EventStorePort, head: Position | null): Promise<void> {
    if (head === null || (this.through !== null && this.through >= head)) return;
    for await (const stored of store.readAll({ after: this.through })) {
      if (stored.position > head) break;
      this.add(stored);
    }
  }

  add(stored: StoredEvent): void {
    this.hash.update(`${stored.eventId}\n${hashOf(stored)}\n`);
    this.count += 1;
    this.through = stored.position;
    for (const posting of postingsOf(decodeEvent(stored))) {
      if (posting.date > this.end || !isFundId(posting.fundId)) continue;
      const figures = this.funds.get(posting.fundId)!;
      const inYear = posting.date >= this.start;
      for (const [account, sign] of [
        [posting.debit, 1],
        [posting.credit, -1],
      ] as const) {
        const amount = sign > 0 ? posting.amount : posting.amount.negated();
        if (account === 'bank') {
          figures.closing = figures.closing.plus(amount);
          if (!inYear) figures.opening = figures.opening.plus(amount);
        } else if (inYear && account.startsWith('income')) figures.income = figures.income.minus(amount);
        else if (inYear && account.startsWith('outflow')) figures.outflow = figures.outflow.plus(amount);
      }
    }
  }

  books(): ClosingBooks {
    const funds = {} as ClosingBooks['funds'];
    for (const [fundId, f] of this.funds) funds[fundId] = { ...f };
    return { funds, throughPosition: this.through === null ? null : this.through.toString(), eventsCounted: this.count, digest: this.hash.copy().digest('hex') };
  }
}

function hashOf(stored: StoredEvent): string {
  const hash = (stored.metadata as { hash?: unknown } | null)?.hash;
  return typeof hash === 'string' ? hash : '';
}
