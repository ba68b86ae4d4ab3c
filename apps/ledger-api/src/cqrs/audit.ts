import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { Auditor, type InspectionReport, replayStore } from '@ledger/audit';
import type { EventStorePort, Position } from '@ledger/event-store';
import type { Policy } from '@ledger/policy';
import { ProjectionRunner } from '@ledger/projections';
import { EVENT_STORE, POLICY } from '../tokens';

/** POST /v1/audits: the supervision inspection as of a date, reconciled with the live read model. */
export class RunAuditQuery {
  constructor(readonly asOf: string) {}
}

/** Rounds of "catch the read model up, replay to its checkpoint" before giving up on a still point. */
const MAX_CATCH_UP_ROUNDS = 5;

/**
 * Replays the app's event store with the auditor and reconciles with the in-memory read model.
 * The two must cover the same events: the auditor replays up to the read model's checkpoint, and
 * the comparison itself runs synchronously, so no event can reach the read model in between. If
 * writes keep the read model moving, the replay follows it a few rounds; after that the report
 * says it could not compare rather than report a difference that is only timing.
 */
@QueryHandler(RunAuditQuery)
export class RunAuditHandler implements IQueryHandler<RunAuditQuery, InspectionReport> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStorePort,
    @Inject(POLICY) private readonly policy: Policy,
    private readonly projections: ProjectionRunner,
  ) {}

  async execute({ asOf }: RunAuditQuery): Promise<InspectionReport> {
    const auditor = new Auditor({ policy: this.policy, asOf });
    let replayedThrough: Position | null = null;
    for (let round = 0; round < MAX_CATCH_UP_ROUNDS; round += 1) {
      await this.projections.catchUp();
      const target = this.projections.position;
      if (target !== null && (replayedThrough === null || target > replayedThrough)) {
        replayedThrough = (await replayStore(this.store, auditor, { after: replayedThrough, through: target })) ?? replayedThrough;
      }
      // From here to report() nothing awaits: the read model holds still while it is compared.
      if (this.projections.position === replayedThrough) {
        return auditor.report({ ledger: this.projections.ledger, checkpoint: replayedThrough });
      }
    }
    return auditor.report({ ledger: this.projections.ledger, checkpoint: this.projections.position });
  }
}
