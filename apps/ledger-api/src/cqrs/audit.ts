import { Inject, type OnApplicationShutdown } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import type { LogBaseline } from '@ledger/audit';
import type { Policy } from '@ledger/policy';
import { ProjectionRunner } from '@ledger/projections';
import type { LedgerConfig } from '../config';
import { HeavyWorkGate } from '../http/busy';
import { LEDGER_CONFIG, POLICY } from '../tokens';
import { type AuditAnswer, encodeLedgerRows } from './audit-run';
import { AuditThread } from './audit-thread';

/** The console's route that signs in (if need be) and shows the stored event at the position that follows. */
export const CONSOLE_EVENT_ROUTE = '/console#/event/';

/** POST /v1/audits: the supervision inspection as of a date, reconciled with the live read model. */
export class RunAuditQuery {
  constructor(
    readonly asOf: string,
    /** An earlier report's log digest at its last position (integrity/log-baseline.ts), or null. */
    readonly baseline: LogBaseline | null = null,
    /** Also render the HTML report. */
    readonly html = false,
    /** Where the HTML report's evidence positions link to (consoleEventLinkBase). */
    readonly eventLinkBase = CONSOLE_EVENT_ROUTE,
  ) {}
}

/**
 * Replays the store with the auditor and reconciles with the read model, on a thread of its own
 * (audit-run.ts): an audit replayed on the API's thread, even in slices, held every other request
 * up by hundreds of milliseconds at a time and built and serialised megabytes of report in one go
 * (issue 13). Here the API's thread only catches the read model up, takes a copy of it with its
 * checkpoint at one instant (nothing awaits in between), and hands both over: the worker replays
 * the store through that checkpoint, so the two cover the same events whatever is written
 * meanwhile, and answers the report serialised.
 */
@QueryHandler(RunAuditQuery)
export class RunAuditHandler implements IQueryHandler<RunAuditQuery, AuditAnswer>, OnApplicationShutdown {
  /**
   * One audit at a time: several at once would only share the same CPU while multiplying the wait
   * of everyone else. The others are answered 503 with Retry-After.
   */
  private readonly gate = new HeavyWorkGate('audit');
  private readonly thread: AuditThread;

  constructor(
    @Inject(POLICY) policy: Policy,
    private readonly projections: ProjectionRunner,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
  ) {
    this.thread = new AuditThread({ policyFile: config.policyFile, policyDigest: policy.digest });
  }

  execute(query: RunAuditQuery): Promise<AuditAnswer> {
    return this.gate.run(() => this.audit(query));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.thread.stop();
  }

  private async audit({ asOf, baseline, html, eventLinkBase }: RunAuditQuery): Promise<AuditAnswer> {
    await this.projections.catchUp();
    const checkpoint = this.projections.position;
    const rows = this.projections.ledger.rows();
    return this.thread.run({
      dataDir: this.config.dataDir,
      eventStoreConnectionString: this.config.eventStoreConnectionString,
      asOf,
      baseline,
      checkpoint,
      liveRows: await encodeLedgerRows(rows),
      html,
      eventLinkBase,
    });
  }
}
