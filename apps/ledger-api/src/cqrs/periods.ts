import { CommandHandler, ICommandHandler, IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import type { ClosePeriod, ConfirmBankBalance, FundId, LedgerEvent, RecordedBy } from '@ledger/domain';
import { CommandOutcome, PeriodService } from '@ledger/application';
import { ProjectionRunner } from '@ledger/projections';
import { resultOf } from '../http/results';

export class ClosePeriodCommand {
  constructor(
    readonly command: ClosePeriod,
    readonly recordedBy: RecordedBy,
  ) {}
}

export class ConfirmBankBalanceCommand {
  constructor(
    readonly command: ConfirmBankBalance,
    readonly recordedBy: RecordedBy,
  ) {}
}

export class ListPeriodsQuery {}

/** A recorded close or confirmation as its command answered, with when it was recorded and where it is. */
function asRecorded(event: LedgerEvent): Record<string, unknown> {
  return { ...resultOf(event), recordedAt: event.metadata.recordedAt, position: Number(event.position) };
}

export class ListBankConfirmationsQuery {
  constructor(readonly fundId: FundId) {}
}

/** Closes a year; answers once the read models include the close (read-your-writes). */
@CommandHandler(ClosePeriodCommand)
export class ClosePeriodHandler implements ICommandHandler<ClosePeriodCommand, CommandOutcome> {
  constructor(
    private readonly periods: PeriodService,
    private readonly projections: ProjectionRunner,
  ) {}

  async execute({ command, recordedBy }: ClosePeriodCommand): Promise<CommandOutcome> {
    const outcome = await this.periods.close(command, recordedBy);
    await this.projections.waitFor(outcome.position);
    return outcome;
  }
}

@CommandHandler(ConfirmBankBalanceCommand)
export class ConfirmBankBalanceHandler implements ICommandHandler<ConfirmBankBalanceCommand, CommandOutcome> {
  constructor(
    private readonly periods: PeriodService,
    private readonly projections: ProjectionRunner,
  ) {}

  async execute({ command, recordedBy }: ConfirmBankBalanceCommand): Promise<CommandOutcome> {
    const outcome = await this.periods.confirmBankBalance(command, recordedBy);
    await this.projections.waitFor(outcome.position);
    return outcome;
  }
}

/** The closed years, oldest first, each as its close answered. */
@QueryHandler(ListPeriodsQuery)
export class ListPeriodsHandler implements IQueryHandler<ListPeriodsQuery> {
  constructor(private readonly periods: PeriodService) {}

  async execute(): Promise<Array<Record<string, unknown>>> {
    return (await this.periods.closedPeriods()).map(asRecorded);
  }
}

/** A fund's bank confirmations, each as its POST answered, with when and by whom it was recorded. */
@QueryHandler(ListBankConfirmationsQuery)
export class ListBankConfirmationsHandler implements IQueryHandler<ListBankConfirmationsQuery> {
  constructor(private readonly periods: PeriodService) {}

  async execute({ fundId }: ListBankConfirmationsQuery): Promise<Array<Record<string, unknown>>> {
    return (await this.periods.bankConfirmations(fundId)).map((event) => ({ ...asRecorded(event), recordedBy: event.metadata.recordedBy.subject }));
  }
}

export const PERIOD_HANDLERS = [ClosePeriodHandler, ConfirmBankBalanceHandler, ListPeriodsHandler, ListBankConfirmationsHandler];
