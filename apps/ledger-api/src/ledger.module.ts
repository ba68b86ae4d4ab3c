import { DynamicModule, Inject, Injectable, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { resolveSigningKey } from '@ledger/access';
import { join } from 'node:path';
import { decodeEvent, LedgerService, PeriodService } from '@ledger/application';
import { EventStorePort, openEventStore } from '@ledger/event-store';
import { loadPolicy, Policy } from '@ledger/policy';
import { ProjectionRunner } from '@ledger/projections';
import { LedgerConfig } from './config';
import { RecordFactHandler } from './cqrs/commands';
import { QUERY_HANDLERS } from './cqrs/queries';
import { RunAuditHandler } from './cqrs/audit';
import { PERIOD_HANDLERS } from './cqrs/periods';
import { PeriodsController } from './http/periods.controller';
import { AuditsController } from './http/audits.controller';
import { CommandsController } from './http/commands.controller';
import { QueriesController } from './http/queries.controller';
import { AuthGuard } from './http/auth.guard';
import { EventsController } from './http/events.controller';
import { EVENT_STORE, LEDGER_CONFIG, POLICY, SIGNING_KEY } from './tokens';

/** Starts the read models before the first request and stops everything in order on shutdown. */
@Injectable()
class LedgerLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(
    private readonly projections: ProjectionRunner,
    @Inject(EVENT_STORE) private readonly store: EventStorePort,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.projections.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.projections.stop();
    await this.store.close();
  }
}

@Module({})
export class LedgerModule {
  static forRoot(config: LedgerConfig): DynamicModule {
    return {
      module: LedgerModule,
      imports: [CqrsModule.forRoot()],
      controllers: [CommandsController, QueriesController, AuditsController, PeriodsController, EventsController],
      providers: [
        { provide: LEDGER_CONFIG, useValue: config },
        { provide: SIGNING_KEY, useFactory: () => resolveSigningKey(config.keySource) },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: EVENT_STORE, useFactory: () => openEventStore(config) },
        // Refuses to start on a malformed parameters file: the loader's error names the parameter.
        { provide: POLICY, useFactory: () => loadPolicy(config.policyFile) },
        {
          provide: LedgerService,
          useFactory: (store: EventStorePort, policy: Policy) => new LedgerService({ store, policy }),
          inject: [EVENT_STORE, POLICY],
        },
        {
          provide: PeriodService,
          // A confirmation's ledger balance from the fund ledger once it has every stored event, not a replay of the history.
          useFactory: (store: EventStorePort, projections: ProjectionRunner) =>
            new PeriodService({
              store,
              ledgerBalanceAsOf: async (fundId, date) => {
                await projections.catchUp();
                return projections.ledger.asOf(fundId, date).balance;
              },
            }),
          inject: [EVENT_STORE, ProjectionRunner],
        },
        {
          provide: ProjectionRunner,
          useFactory: (store: EventStorePort) =>
            new ProjectionRunner({ store, file: join(config.dataDir, 'projections.sqlite'), decode: decodeEvent }),
          inject: [EVENT_STORE],
        },
        LedgerLifecycle,
        RecordFactHandler,
        ...QUERY_HANDLERS,
        RunAuditHandler,
        ...PERIOD_HANDLERS,
      ],
      exports: [LedgerService, ProjectionRunner, EVENT_STORE, POLICY],
    };
  }
}
