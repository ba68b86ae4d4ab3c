import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { Auditor, type InspectionReport, type LogBaseline, replayStore } from '@ledger/audit';
import { type EventStorePort, openEventStore, type Position } from '@ledger/event-store';
import type { Policy } from '@ledger/policy';
import { ProjectionRunner } from '@ledger/projections';
import type { LedgerConfig } from '../config';
import { HeavyWorkGate } from '../http/busy';
import { EVENT_STORE, LEDGER_CONFIG, POLICY } from '../tokens';

/** POST /v1/audits: the supervision inspection as of a date, reconciled with the live read model. */
export class RunAuditQuery {
  constructor(
    readonly asOf: string,
    /** An earlier report's log digest at its last position (integrity/log-baseline.ts), or null. */
    readonly baseline: LogBaseline | null = null,
  ) {}
}

/** Rounds of "catch the read model up, replay to its checkpoint" before giving up on a still point. */
const MAX_CATCH_UP_ROUNDS = 5;
/**
 * Events replayed between two turns of the event loop: the replay yields after each page, so a
 * small page keeps other requests' wait short (a few ms) while an audit runs in the API.
 */
const API_REPLAY_PAGE = 32;

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
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
  ) {}

  /**
   * One audit at a time: an audit replays the whole history on this thread (in slices, so other
   * requests are answered between them), and several at once would only share the same CPU while
   * multiplying the wait of everyone else. The others are answered 503 with Retry-After.
   */
  private readonly gate = new HeavyWorkGate('audit');

  execute(query: RunAuditQuery): Promise<InspectionReport> {
    return this.gate.run(() => this.withReadOnlyStore((store) => this.audit(store, query)));
  }

  /**
   * The embedded store is audited through a read-only connection of its own, like the CLI's: the
   * audit cannot write to what it judges. (EventStoreDB is only read through its client anyway.)
   */
  private async withReadOnlyStore<T>(audit: (store: EventStorePort) => Promise<T>): Promise<T> {
    if (this.config.eventStoreConnectionString) return audit(this.store);
    const store = await openEventStore({ dataDir: this.config.dataDir, readOnly: true });
    try {
      return await audit(store);
    } finally {
      await store.close();
    }
  }

  private async audit(store: EventStorePort, { asOf, baseline }: RunAuditQuery): Promise<InspectionReport> {
    const auditor = new Auditor({ policy: this.policy, asOf, baseline });
    let replayedThrough: Position | null = null;
    for (let round = 0; round < MAX_CATCH_UP_ROUNDS; round += 1) {
      await this.projections.catchUp();
      const target = this.projections.position;
      if (target !== null && (replayedThrough === null || target > replayedThrough)) {
        replayedThrough = (await replayStore(store, auditor, { after: replayedThrough, through: target, pageSize: API_REPLAY_PAGE })) ?? replayedThrough;
      }
      // From here to report() nothing awaits: the read model holds still while it is compared.
      if (this.projections.position === replayedThrough) {
        return auditor.report({ ledger: this.projections.ledger, checkpoint: replayedThrough });
      }
    }
    return auditor.report({ ledger: this.projections.ledger, checkpoint: this.projections.position });
  }
}
