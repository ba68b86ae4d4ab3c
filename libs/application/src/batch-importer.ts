import {
  businessKeyOf,
  CommandRefused,
  conflict,
  type FundCommandRoute,
  LedgerCommand,
  RecordedBy,
} from '@ledger/domain';
import {
  AppendCondition,
  AppendTicket,
  BusinessKeyTakenError,
  EarlierAppendFailedError,
  EventStorePort,
  OrderedAppender,
  PortAppender,
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
  eventId: string;
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
  /**
   * Where the batches' appends go; default the store's own appendMany (PortAppender). With the
   * embedded store's writer thread (SqliteWriterThread), a batch commits on the second core while
   * the caller's next importBatch decides.
   */
  writer?: OrderedAppender;
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

/**
 * A batch between its decision and its outcome: what the next batch decides on top of while this
 * one's transaction commits (its streams' states and the business keys it appends).
 */
class BatchInFlight {
  ticket: AppendTicket | null = null;
  snapshots = new Map<string, StreamSnapshot>();
  pendingKeys = new Map<string, PendingKey>();
  settled = false;
  /** This batch threw (not a fallback to one command at a time): the ones queued behind it must not write either. */
  fatal = false;
  /** Resolves when the next batch may start deciding: this one is submitted and the one before it settled, or this one settled. */
  readonly ready: Promise<void>;
  /** Resolves when this batch's outcome is known. */
  readonly done: Promise<void>;
  markReady!: () => void;
  private markDone!: () => void;

  constructor() {
    this.ready = new Promise((resolve) => (this.markReady = resolve));
    this.done = new Promise((resolve) => (this.markDone = resolve));
  }

  settle(): void {
    this.settled = true;
    this.markReady();
    this.markDone();
  }
}

/**
 * What an optimistic batch decided: the appends in store order, the states they leave, and the
 * business keys they take.
 */
interface DecidedBatch {
  outcome: BatchOutcome;
  appendList: StreamAppend[];
  snapshots: Map<string, StreamSnapshot>;
  pendingKeys: Map<string, PendingKey>;
  condition: AppendCondition;
}

export class BatchImporter {
  private readonly cache = new Map<string, StreamSnapshot>();
  private readonly cacheSize: number;
  private readonly writer: OrderedAppender;
  /** The batch submitted last (it may still be committing). */
  private last: BatchInFlight | null = null;

  constructor(
    private readonly ledger: LedgerService,
    private readonly store: EventStorePort,
    options: BatchImporterOptions = {},
  ) {
    this.cacheSize = Math.max(0, options.snapshotCacheSize ?? DEFAULT_SNAPSHOT_CACHE_SIZE);
    this.writer = options.writer ?? new PortAppender(store);
  }

  /**
   * Decides the batch and appends it; resolves once its transaction has committed (or the batch
   * has been imported command by command). A caller may call again before that: the next batch
   * is decided while this one commits (on top of its states; it lands only if this one does), and
   * at most one batch is ever uncommitted while another is decided.
   */
  async importBatch(commands: readonly LedgerCommand[], recordedBy: RecordedBy, options: ImportBatchOptions = {}): Promise<BatchOutcome> {
    const previous = this.last;
    const batch = new BatchInFlight();
    this.last = batch;
    try {
      return await this.importAfter(previous, batch, commands, recordedBy, options);
    } finally {
      batch.settle();
    }
  }

  private async importAfter(
    previous: BatchInFlight | null,
    batch: BatchInFlight,
    commands: readonly LedgerCommand[],
    recordedBy: RecordedBy,
    options: ImportBatchOptions,
  ): Promise<BatchOutcome> {
    await previous?.ready;
    // Still committing: this batch decides on top of its states and lands only if it does.
    const base = previous !== null && !previous.settled ? previous : null;
    try {
      const decided = await this.decide(commands, recordedBy, options, base);
      const { outcome, appendList } = decided;
      if (appendList.length === 0) {
        // Nothing to write, but what was replayed may be keys the previous batch is still writing.
        await previous?.done;
        if (base?.ticket?.failed || base?.fatal) throw new EarlierAppendFailedError();
        return outcome;
      }
      batch.snapshots = decided.snapshots;
      batch.pendingKeys = decided.pendingKeys;
      batch.ticket = this.writer.submit(appendList, decided.condition, base?.ticket ?? null);
      // The next batch may start deciding once this one is submitted, but never on top of two uncommitted ones.
      await previous?.done;
      batch.markReady();
      const results = await batch.ticket.done;
      outcome.position = results.reduce<Position | null>((max, r) => (max === null || r.position > max ? r.position : max), null);
      this.remember(decided.snapshots);
      return outcome;
    } catch (error) {
      // Whatever the previous batch ends in (committed, imported one by one, failed) comes first.
      await previous?.done;
      this.cache.clear();
      const fallBack =
        error instanceof WrongExpectedRevisionError ||
        error instanceof BusinessKeyTakenError ||
        (error instanceof EarlierAppendFailedError && !previous?.fatal);
      if (!fallBack) {
        batch.fatal = true;
        throw error;
      }
      // Another writer moved a stream under us (or the batch this one was decided on did not
      // land): one command at a time, each with its own retry, so the batch still lands
      // whole-command by whole-command.
      return this.importOneByOne(commands, recordedBy, options);
    }
  }

  private async decide(commands: readonly LedgerCommand[], recordedBy: RecordedBy, options: ImportBatchOptions, base: BatchInFlight | null): Promise<DecidedBatch> {
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
    // Once per command for the look-ups below and the decision loop.
    const routes = commands.map(streamRouteOf);
    const holders = await this.findHolders(routes, businessKeys);
    const streamHeldBy = (key: string) => pendingKeys.get(key)?.stream ?? base?.pendingKeys.get(key)?.stream ?? holders.get(key)?.stream;
    const newStreams = await this.findNewStreams(routes, holders, base);

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
        // Taken by the batch still committing: answered as its stored holder will answer (LedgerService.replay).
        const inFlight = base?.pendingKeys.get(businessKey);
        if (inFlight) {
          if (inFlight.digest !== requestDigest) throw conflict(`${businessKey} was already recorded with a different payload (event ${inFlight.eventId})`);
          outcome.replayed += 1;
          continue;
        }
        const holder = holders.get(businessKey);
        if (holder) {
          this.ledger.replay(decodeEvent(holder), requestDigest);
          outcome.replayed += 1;
          continue;
        }
        const route = routes[index];
        // A follow-up's holder is known from the batch's look-up; only a missing one goes to the ledger (to be refused).
        const stream = 'stream' in route ? route.stream : (streamHeldBy(route.streamHolding) ?? (await this.ledger.streamOf(command, streamHeldBy)));
        let snapshot = snapshots.get(stream) ?? base?.snapshots.get(stream);
        const cached = snapshot === undefined ? this.cache.get(stream) : undefined;
        snapshot ??= cached ?? (newStreams.has(stream) ? this.ledger.emptySnapshot(stream) : await this.ledger.loadSnapshot(stream));
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
        for (const event of prepared.toAppend) if (event.businessKey) pendingKeys.set(event.businessKey, { digest: requestDigest, stream, eventId: event.eventId });
        outcome.created += 1;
      } catch (error) {
        if (!(error instanceof CommandRefused)) throw error;
        outcome.refused.push({ index, command, error });
      }
    }
    return { outcome, appendList, snapshots, pendingKeys, condition: periodsCondition(periods) };
  }

  /**
   * Every business key the batch asks the store about, in one look-up: each command's own key (a
   * re-sent command is answered from its holder) and the keys whose holder's stream a command
   * writes to (a claim's insurer decision goes where the claim is). The store does not change
   * while the batch is decided — its append comes last — so this answers as a look-up per
   * command would; a writer that slips in meanwhile fails the append, as before.
   */
  private findHolders(routes: readonly FundCommandRoute[], businessKeys: readonly string[]): Promise<Map<string, StoredEvent>> {
    const keys = new Set(businessKeys);
    for (const route of routes) if ('streamHolding' in route) keys.add(route.streamHolding);
    return this.store.findByBusinessKeys([...keys]);
  }

  /**
   * The streams the batch writes that the store has never seen, from one question for all the
   * streams the importer holds no state of (neither kept nor in the batch still committing): each
   * starts from the empty state instead of a read of nothing. Like findHolders, the answer holds
   * while the batch is decided; a stream created meanwhile fails the append's 'no_stream'.
   */
  private async findNewStreams(routes: readonly FundCommandRoute[], holders: Map<string, StoredEvent>, base: BatchInFlight | null): Promise<Set<string>> {
    const unknown = new Set<string>();
    for (const route of routes) {
      const stream = 'stream' in route ? route.stream : holders.get(route.streamHolding)?.stream;
      if (stream !== undefined && !this.cache.has(stream) && !base?.snapshots.has(stream)) unknown.add(stream);
    }
    if (unknown.size === 0) return unknown;
    for (const stream of (await this.store.streamRevisions([...unknown])).keys()) unknown.delete(stream);
    return unknown;
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
