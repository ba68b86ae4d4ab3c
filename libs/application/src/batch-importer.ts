import {
  businessKeyOf,
  CommandRefused,
  conflict,
  LedgerCommand,
  RecordedBy,
} from '@ledger/domain';
import {
  BusinessKeyTakenError,
  EventStorePort,
  Position,
  StreamAppend,
  WrongExpectedRevisionError,
} from '@ledger/event-store';
import { decodeEvent } from './event-codec';
import { commandDigest, expectedRevisionOf, LedgerService, StreamSnapshot } from './ledger-service';

export interface RefusedCommand {
  index: number;
  command: LedgerCommand;
  error: CommandRefused;
}

export interface BatchOutcome {
  created: number;
  replayed: number;
  refused: RefusedCommand[];
  /** Position of the last event appended by the batch; null when it appended nothing. */
  position: Position | null;
}

interface PendingKey {
  digest: string;
  stream: string;
}

/**
 * Imports many commands with the same decisions as the API (LedgerService.prepare) but one store
 * append for the whole batch: on the embedded store that is one transaction and one fsync, so a
 * crash leaves every command of the batch stored or none. Re-running an import is safe: commands
 * already stored are recognised by their business keys.
 */
export class BatchImporter {
  constructor(
    private readonly ledger: LedgerService,
    private readonly store: EventStorePort,
  ) {}

  async importBatch(commands: readonly LedgerCommand[], recordedBy: RecordedBy): Promise<BatchOutcome> {
    try {
      return await this.importOptimistically(commands, recordedBy);
    } catch (error) {
      // Another writer moved a stream under us: fall back to one command at a time, each with
      // its own retry, so the batch still lands whole-command by whole-command.
      if (error instanceof WrongExpectedRevisionError || error instanceof BusinessKeyTakenError) return this.importOneByOne(commands, recordedBy);
      throw error;
    }
  }

  private async importOptimistically(commands: readonly LedgerCommand[], recordedBy: RecordedBy): Promise<BatchOutcome> {
    const snapshots = new Map<string, StreamSnapshot>();
    const appends = new Map<string, StreamAppend>();
    const pendingKeys = new Map<string, PendingKey>();
    const outcome: BatchOutcome = { created: 0, replayed: 0, refused: [], position: null };

    for (const [index, command] of commands.entries()) {
      const businessKey = businessKeyOf(command);
      const requestDigest = commandDigest(command);
      try {
        const pending = pendingKeys.get(businessKey);
        if (pending) {
          if (pending.digest !== requestDigest) throw conflict(`${businessKey} appears twice in the batch with different payloads`);
          outcome.replayed += 1;
          continue;
        }
        const holder = await this.store.findByBusinessKey(businessKey);
        if (holder) {
          this.ledger.replay(decodeEvent(holder), requestDigest);
          outcome.replayed += 1;
          continue;
        }
        const stream = await this.ledger.streamOf(command, (key) => pendingKeys.get(key)?.stream);
        const snapshot = snapshots.get(stream) ?? (await this.ledger.loadSnapshot(stream));
        const prepared = this.ledger.prepare(command, snapshot, { recordedBy, requestDigest, fundScope: null });
        snapshots.set(stream, prepared.after);
        let append = appends.get(stream);
        if (!append) appends.set(stream, (append = { stream, events: [], expectedRevision: expectedRevisionOf(snapshot) }));
        append.events.push(...prepared.toAppend);
        for (const event of prepared.toAppend) if (event.businessKey) pendingKeys.set(event.businessKey, { digest: requestDigest, stream });
        outcome.created += 1;
      } catch (error) {
        if (!(error instanceof CommandRefused)) throw error;
        outcome.refused.push({ index, command, error });
      }
    }
    if (appends.size > 0) {
      const results = await this.store.appendMany([...appends.values()]);
      outcome.position = results.reduce<Position | null>((max, r) => (max === null || r.position > max ? r.position : max), null);
    }
    return outcome;
  }

  private async importOneByOne(commands: readonly LedgerCommand[], recordedBy: RecordedBy): Promise<BatchOutcome> {
    const outcome: BatchOutcome = { created: 0, replayed: 0, refused: [], position: null };
    for (const [index, command] of commands.entries()) {
      try {
        const result = await this.ledger.execute(command, recordedBy);
        if (result.status === 'created') outcome.created += 1;
        else outcome.replayed += 1;
        if (outcome.position === null || result.position > outcome.position) outcome.position = result.position;
      } catch (error) {
        if (!(error instanceof CommandRefused)) throw error;
        outcome.refused.push({ index, command, error });
      }
    }
    return outcome;
  }
}
