import type { BusinessDate, FundBookFigures, FundId, Money } from '@ledger/domain';
import type { Position } from '@ledger/event-store';

/**
 * The live read model the auditor reconciles with: the projections' FundLedger satisfies this
 * structurally (the audit library does not import the projection code it checks). Used
 * synchronously in report(), so a caller can hold the model still while it is compared.
 */
export interface LiveFundFigures extends FundBookFigures {
  balance: Money;
  /** Σ debits − Σ credits over every account; zero when the books balance. */
  imbalance: Money;
}

export interface LiveMonthRow {
  month: string;
  opening: Money;
  figures: LiveFundFigures;
  closing: Money;
}

export interface LiveFundLedger {
  asOf(fundId: FundId, asOf: BusinessDate): LiveFundFigures;
  current(fundId: FundId): LiveFundFigures;
  statement(fundId: FundId, from: BusinessDate, to: BusinessDate): LiveMonthRow[];
}

export interface LiveProjection {
  ledger: LiveFundLedger;
  /** Position of the last event the read model includes; null when it includes none. */
  checkpoint: Position | null;
}
