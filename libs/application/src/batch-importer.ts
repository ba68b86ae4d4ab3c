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
  StoredEvent,
  StreamAppend,
  WrongExpectedRevisionError,
} from '@ledger/event-store';
import { decodeEvent } from './event-codec';
import { commandDigest, expectedRevisionOf, LedgerService, loadPeriods, periodsCondition, StreamSnapshot, streamRouteOf } from './ledger-service';

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
export interface BatchImporterOptions {
  /**
   * Streams whose folded state is kept between batches (least recently used first out), so a
   * resident met again in a later batch is not read and folded again. 0 turns the cache off.
   * Safe with other writers: every append carries the cached revision as its expected revision, so
   * a stream changed meanwhile fails the batch, which then runs command by command on fresh reads;
   * and a command refused on a cached state is decided again on a fresh read before it is refused.
   */
  snapshotCacheSize?: number;
}

export const DEFAULT_SNAPSHOT_CACHE_SIZE = 10_000;

/**
 * Lets one store transaction carry what would otherwise be several batches (several business days
 * of an import): a transaction's commit costs about as much whatever its size.
 */
export interface ImportBatchOptions {
  /** When each command is recorded (ISO instant), by its index in the batch; omitted, the ledger's clock. */
  recordedAtOf?: (index: number) => string;
  /**
   * The segment each command belongs to, by index (non-decreasing). Events are stored grouped by
   * stream within a segment and segment after segment, so a batch made of the segments that would
   * otherwise be separate batches stores every event at the same position as those batches would.
   * Omitted, the whole batch is one segment.
   */
  segmentOf?: (index: number) => number;
}

export class BatchImporter {
  private readonly cache = new Map<string, StreamSnapshot>();
  private readonly cacheSize: number;

  constructor(
    private readonly ledger: LedgerService,
    private readonly store: EventStorePort,
    options: BatchImporterOptions = {},
  ) {
    this.cacheSize = Math.max(0, options.snapshotCacheSize ?? DEFAULT_SNAPSHOT_CACHE_SIZE);
  }

  async importBatch(commands: readonly LedgerCommand[], recordedBy: RecordedBy, options: ImportBatchOptions = {}): Promise<BatchOutcome> {
    try {
      return await this.importOptimistically(commands, recordedBy, options);
    } catch (error) {
      this.cache.clear();
      // Another writer moved a stream under us: fall back to one command at a time, each with
      // its own retry, so the batch still lands whole-command by whole-command.
      if (error instanceof WrongExpectedRevisionError || error instanceof BusinessKeyTakenError) return this.importOneByOne(commands, recordedBy, options);
      throw error;
    }
  }

  private async importOptimistically(commands: readonly LedgerCommand[], recordedBy: RecordedBy, options: ImportBatchOptions): Promise<BatchOutcome> {
    const snapshots = new Map<string, StreamSnapshot>();
    // In store order: one append per stream and segment (a stream met again in a later segment gets another).
    const appendList: StreamAppend[] = [];
    let appends = new Map<string, StreamAppend>();
    let segment = options.segmentOf?.(0);
    const pendingKeys = new Map<string, PendingKey>();
    const outcome: BatchOutcome = { created: 0, replayed: 0, refused: [], position: null };
    // Read once per batch; the batch's append is conditioned on it, like an API command's.
    const periods = await loadPeriods(this.store);
    const businessKeys = commands.map(businessKeyOf);
    const holders = await this.findHolders(commands, businessKeys);
    const streamHeldBy = (key: string) => pendingKeys.get(key)?.stream ?? holders.get(key)?.stream;

    for (const [index, command] of commands.entries()) {
      const commandSegment = options.segmentOf?.(index);
      if (commandSegment !== segment) {
        segment = commandSegment;
        appends = new Map();
      }
      const businessKey = businessKeys[index];
      const requestDigest = commandDigest(command);
      try {
        const pending = pendingKeys.get(businessKey);
        if (pending) {
          if (pending.digest !== requestDigest) throw conflict(`${businessKey} appears twice in the batch with different payloads`);
          outcome.replayed += 1;
          continue;
        }
        const holder = holders.get(businessKey);
        if (holder) {
          this.ledger.replay(decodeEvent(holder), requestDigest);
          outcome.replayed += 1;
          continue;
        }
        const stream = await this.ledger.streamOf(command, streamHeldBy);
        let snapshot = snapshots.get(stream);
        const cached = snapshot === undefined ? this.cache.get(stream) : undefined;
        snapshot ??= cached ?? (await this.ledger.loadSnapshot(stream));
        const request = { recordedBy, requestDigest, fundScope: null, periods: periods.state, recordedAt: options.recordedAtOf?.(index) };
        let prepared;
        try {
          prepared = this.ledger.prepare(command, snapshot, request);
        } catch (error) {
          if (!(cached && error instanceof CommandRefused)) throw error;
          // Refused on a state kept from an earlier batch: decide again on what the store holds now.
          this.cache.delete(stream);
          snapshot = await this.ledger.loadSnapshot(stream);
          prepared = this.ledger.prepare(command, snapshot, request);
        }
        snapshots.set(stream, prepared.after);
        let append = appends.get(stream);
        if (!append) {
          appends.set(stream, (append = { stream, events: [], expectedRevision: expectedRevisionOf(snapshot) }));
          appendList.push(append);
        }
        append.events.push(...prepared.toAppend);
        for (const event of prepared.toAppend) if (event.businessKey) pendingKeys.set(event.businessKey, { digest: requestDigest, stream });
        outcome.created += 1;
      } catch (error) {
        if (!(error instanceof CommandRefused)) throw error;
        outcome.refused.push({ index, command, error });
      }
    }
    if (appendList.length > 0) {
      const results = await this.store.appendMany(appendList, periodsCondition(periods));
      outcome.position = results.reduce<Position | null>((max, r) => (max === null || r.position > max ? r.position : max), null);
      this.remember(snapshots);
    }
    return outcome;
  }

  /**
   * Every business key the batch asks the store about, in one look-up: each command's own key (a
   * re-sent command is answered from its holder) and the keys whose holder's stream a command
   * writes to (a claim's insurer decision goes where the claim is). The store does not change
   * while the batch is decided — its append comes last — so this answers as a look-up per
   * command would; a writer that slips in meanwhile fails the append, as before.
   */
  private findHolders(commands: readonly LedgerCommand[], businessKeys: readonly string[]): Promise<Map<string, StoredEvent>> {
    const keys = new Set(businessKeys);
    for (const command of commands) {
      const route = streamRouteOf(command);
      if ('streamHolding' in route) keys.add(route.streamHolding);
    }
    return this.store.findByBusinessKeys([...keys]);
  }

  /** Keeps the states the batch left behind (now stored) for later batches, most recent last. */
  private remember(snapshots: Map<string, StreamSnapshot>): void {
    if (this.cacheSize === 0) return;
    for (const [stream, snapshot] of snapshots) {
      this.cache.delete(stream);
      this.cache.set(stream, snapshot);
    }
    for (const stream of this.cache.keys()) {
      if (this.cache.size <= this.cacheSize) break;
      this.cache.delete(stream);
    }
  }

  private async importOneByOne(commands: readonly LedgerCommand[], recordedBy: RecordedBy, options: ImportBatchOptions): Promise<BatchOutcome> {
    const outcome: BatchOutcome = { created: 0, replayed: 0, refused: [], position: null };
    for (const [index, command] of commands.entries()) {
      try {
        const result = await this.ledger.execute(command, recordedBy, null, options.recordedAtOf?.(index));
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
