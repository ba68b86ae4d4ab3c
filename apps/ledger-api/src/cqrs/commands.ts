import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import type { FundId, LedgerCommand, RecordedBy } from '@ledger/domain';
import { CommandOutcome, LedgerService } from '@ledger/application';
import { ProjectionRunner } from '@ledger/projections';

/** Records one business fact; answers once the read models include it. */
export class RecordFactCommand {
  constructor(
    readonly command: LedgerCommand,
    readonly recordedBy: RecordedBy,
    /** A district manager's own fund; null for roles that record for every fund. */
    readonly fundScope: FundId | null = null,
  ) {}
}

@CommandHandler(RecordFactCommand)
export class RecordFactHandler implements ICommandHandler<RecordFactCommand, CommandOutcome> {
  constructor(
    private readonly ledger: LedgerService,
    private readonly projections: ProjectionRunner,
  ) {}

  async execute({ command, recordedBy, fundScope }: RecordFactCommand): Promise<CommandOutcome> {
    const outcome = await this.ledger.execute(command, recordedBy, fundScope);
    await this.projections.waitFor(outcome.position);
    return outcome;
  }
}
