import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import type { LedgerCommand, RecordedBy } from '@ledger/domain';
import { CommandOutcome, LedgerService } from '@ledger/application';
import { ProjectionRunner } from '@ledger/projections';

/** Records one business fact; answers once the read models include it. */
export class RecordFactCommand {
  constructor(
    readonly command: LedgerCommand,
    readonly recordedBy: RecordedBy,
  ) {}
}

@CommandHandler(RecordFactCommand)
export class RecordFactHandler implements ICommandHandler<RecordFactCommand, CommandOutcome> {
  constructor(
    private readonly ledger: LedgerService,
    private readonly projections: ProjectionRunner,
  ) {}

  async execute({ command, recordedBy }: RecordFactCommand): Promise<CommandOutcome> {
    const outcome = await this.ledger.execute(command, recordedBy);
    await this.projections.waitFor(outcome.position);
    return outcome;
  }
}
