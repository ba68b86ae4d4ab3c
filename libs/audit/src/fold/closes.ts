import type { BankBalanceConfirmedV1, BusinessDate } from '@ledger/domain';
import type { Position, StoredEvent } from '@ledger/event-store';
import { digestLine, type RunningSha256, runningSha256 } from '../digest';

/**
 * The history as a close states it (libs/domain periods.ts): every event read through a position,
 * how many, and sha256 over eventId + "\n" + metadata.hash + "\n" of each, in position order.
 */
export interface HistoryPoint {
  position: Position | null;
  count: number;
  digest: string;
}

/**
 * What the auditor's fold keeps of the books' closes and bank confirmations: the running digest of
 * every event read (replayed or not: a close covers the whole history before it), the point it had
 * reached before each close, the latest close replayed, and the confirmations to judge at the end.
 */
export class ClosesFold {
  private readonly hash: RunningSha256;
  private count = 0;
  private lastPosition: Position | null = null;
  /** The history just before the last PeriodClosed read. */
  private beforeClose: HistoryPoint | null = null;
  /** The latest close replayed so far: it seals its year and every year before it. */
  latest: { year: number; closedAt: BusinessDate; position: Position } | null = null;
  readonly bankConfirmations: Array<{ data: BankBalanceConfirmedV1; position: Position }> = [];

  /** sealable: the running digest kept in plain data (see digest.ts runningSha256). */
  constructor(sealable = false) {
    this.hash = runningSha256(sealable);
  }

  /** Every event read, in position order, before it is replayed (or not). `line`: its digestLine, when the caller has made it. */
  read(stored: StoredEvent, line = digestLine(stored.eventId, (stored.metadata as { hash?: unknown } | null)?.hash)): void {
    if (stored.type === 'PeriodClosed') {
      this.beforeClose = { position: this.lastPosition, count: this.count, digest: this.hash.hex() };
    }
    this.hash.update(line);
    this.count += 1;
    this.lastPosition = stored.position;
  }

  /** The history before the close being replayed. */
  historyBeforeClose(): HistoryPoint | null {
    return this.beforeClose;
  }

  closed(year: number, closedAt: BusinessDate, position: Position): void {
    if (!this.latest || year >= this.latest.year) this.latest = { year, closedAt, position };
  }
}
