import Decimal from 'decimal.js';
import {
  businessDatesOf,
  businessKeyOf,
  CommandRefused,
  canonicalJsonReplacing,
  ClosedPeriods,
  datesRecordedBy,
  evolvePeriods,
  NO_CLOSED_PERIODS,
  PERIODS_STREAM,
  refuseClosedPeriod,
  ClaimQuote,
  quoteClaim,
  SettleClaim,
  conflict,
  decideAssistanceApplication,
  decideClaim,
  decideClaimReversal,
  decideContribution,
  decideContributionReversal,
  decideEnrollment,
  decideFundMovement,
  decideFundTransfer,
  decideInsurerDecision,
  decideInsurerPayment,
  decideSchemeChange,
  decideSubsidy,
  DecisionContext,
  DomainEvent,
  evolveResident,
  formatFen,
  formatMoney,
  FundId,
  GENESIS_HASH,
  fundsAddressedBy,
  fundsWrittenBy,
  refuseOutsideFund,
  withinPolicy,
  fundStream,
  initialResidentState,
  LedgerCommand,
  LedgerEvent,
  notFound,
  RecordedBy,
  residentStream,
  ResidentState,
  routeFundCommand,
  type FundCommandRoute,
  sha256Hex,
} from '@ledger/domain';
import {
  AppendCondition,
  BusinessKeyTakenError,
  EventStorePort,
  EventToAppend,
  ExpectedRevision,
  Position,
  WrongExpectedRevisionError,
} from '@ledger/event-store';
import { fenOfAmount, type Policy, rememberingPolicy } from '@ledger/policy';
import { decodeEvent, encodeEvents } from './event-codec';
import { StreamSnapshots } from './stream-snapshots';

export interface CommandOutcome {
  /** 'created' when this call appended the events; 'replayed' for an identical re-send. */
  status: 'created' | 'replayed';
  /** The event that holds the command's business key. */
  event: LedgerEvent;
  /** Where the store put it: read models are up to date for the caller once they reach it. */
  position: Position;
}

export interface StreamSnapshot {
  stream: string;
  state: ResidentState;
  /** Revision of the stream's last event; -1 for a stream not yet written. */
  revision: number;
  lastHash: string;
}

export interface RequestContext {
  recordedBy: RecordedBy;
  requestDigest: string;
  /** A district manager's fund; null for roles that act for every fund. */
  fundScope: FundId | null;
  /** The closed periods as read before deciding: the append is conditioned on them (periodsCondition). */
  periods: ClosedPeriods;
  /** When the events are recorded (ISO instant); omitted, the service's clock now. An import of past days gives each command its day. */
  recordedAt?: string;
}

/** The periods stream folded, with the revision an append is conditioned on. */
export interface PeriodsSnapshot {
  state: ClosedPeriods;
  revision: number;
}

/** The condition that keeps a fact out of a year closed after its writer read the periods stream. */
export function periodsCondition(periods: PeriodsSnapshot): AppendCondition {
  return { streams: [{ stream: PERIODS_STREAM, expectedRevision: periods.revision < 0 ? 'no_stream' : periods.revision }] };
}

export async function loadPeriods(store: EventStorePort): Promise<PeriodsSnapshot> {
  const events = (await store.readStream(PERIODS_STREAM)).map(decodeEvent);
  return { state: events.reduce(evolvePeriods, NO_CLOSED_PERIODS), revision: events.length - 1 };
}

export interface PreparedAppend {
  toAppend: EventToAppend[];
  after: StreamSnapshot;
}

export function expectedRevisionOf(snapshot: StreamSnapshot): ExpectedRevision {
  return snapshot.revision < 0 ? 'no_stream' : snapshot.revision;
}

export interface LedgerServiceOptions {
  store: EventStorePort;
  policy: Policy;
  clock?: () => Date;
  /** Where new event ids come from (default: UUID v7); tests seed it to reproduce a store byte for byte. */
  newEventId?: () => string;
  /** Optimistic-concurrency retries before giving up on a contended stream. */
  maxAttempts?: number;
  /** Upper bound of the random pause before a retry after a lost race (full jitter, doubling per attempt). */
  maxBackoffMs?: number;
  /** Events the in-memory stream snapshots may cover (stream-snapshots.ts); 0 keeps none. */
  snapshotEventBudget?: number;
}

/** Events read from the store at a time when a stream is folded. */
const FOLD_PAGE = 500;
/** The longest a fold runs before it lets other requests in (a resident read is not worth anyone's wait). */
const FOLD_SLICE_MS = 4;

/**
 * Full-jitter exponential backoff: a writer that lost a race waits a random time below a ceiling
 * that doubles with each attempt, so many writers of one stream stop colliding in lock-step (with
 * immediate retries, the same writers keep re-reading the same revision and most of them lose again).
 */
function backoff(attempt: number, maxBackoffMs: number): Promise<void> {
  const ceiling = Math.min(maxBackoffMs, 2 ** attempt);
  return new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling));
}

export class ContentionError extends Error {
  constructor(stream: string, attempts: number) {
    super(`stream ${stream} stayed contended after ${attempts} attempts; retry the request`);
    this.name = 'ContentionError';
  }
}

/**
 * The digest that tells an identical re-send (same key, same payload) from a conflicting one.
 * "380", "380.0" and "380.00" are the same amount, so they are the same request: money is hashed
 * as its two-decimal text, written in the same pass as the rest (no converted copy of the command).
 */
export function commandDigest(command: object): string {
  return sha256Hex(canonicalJsonReplacing(command, moneyAsText));
}

function moneyAsText(value: object): string | undefined {
  if (!Decimal.isDecimal(value)) return undefined;
  let text: string;
  try {
    // Whole fen, read off the Decimal's digits: what toFixed(2) writes, without its arithmetic.
    text = formatFen(fenOfAmount(value as Decimal));
  } catch {
    text = formatMoney(value as Decimal);
  }
  // A money text has nothing JSON would escape.
  return `"${text}"`;
}

/**
 * Runs a command: load the stream, decide, append with the expected revision. A lost race
 * re-reads and decides again; a business key already held answers with the first result or 409.
 */
export class LedgerService {
  private readonly store: EventStorePort;
  private readonly context: DecisionContext;
  private readonly clock: () => Date;
  private readonly newEventId: (() => string) | undefined;
  private readonly maxAttempts: number;
  private readonly maxBackoffMs: number;
  private readonly snapshots: StreamSnapshots;
  /**
   * The closed periods as last read. Kept between commands: a close recorded since (by this
   * process or another) fails the append's periods condition, which drops this and reads again, so
   * a stale copy can never let a fact into a closed year — it only costs one retry.
   */
  private periods: PeriodsSnapshot | null = null;
  /** Folds under way, so concurrent readers of one stream share one fold. */
  private readonly folding = new Map<string, Promise<StreamSnapshot>>();

  constructor(options: LedgerServiceOptions) {
    this.store = options.store;
    // Remembered answers: every claim asks the same dated parameters again (settlement, coverage).
    this.context = { policy: rememberingPolicy(options.policy) };
    this.clock = options.clock ?? (() => new Date());
    this.newEventId = options.newEventId;
    this.maxAttempts = options.maxAttempts ?? 50;
    this.maxBackoffMs = options.maxBackoffMs ?? 100;
    this.snapshots = new StreamSnapshots(options.snapshotEventBudget);
  }

  get policy(): Policy {
    return this.context.policy;
  }

  /**
   * @param fundScope a district manager's fund: the command is refused (403, nothing written)
   * when what it decides would touch any other fund.
   */
  async execute(command: LedgerCommand, recordedBy: RecordedBy, fundScope: FundId | null = null, recordedAt?: string): Promise<CommandOutcome> {
    const businessKey = businessKeyOf(command);
    const requestDigest = commandDigest(command);
    let stream = '';
    for (let attempt = 1; attempt <= this.maxAttempts; attempt += 1) {
      const holder = await this.store.findByBusinessKey(businessKey);
      if (holder) {
        const first = decodeEvent(holder);
        if (fundScope) refuseOutsideFund(fundScope, fundsWrittenBy([first], (await this.loadSnapshot(holder.stream)).state));
        return this.replay(first, requestDigest);
      }
      stream = await this.streamOf(command);
      const kept = this.periods;
      const periods = await this.closedPeriods();
      const snapshot = await this.loadSnapshot(stream);
      let prepared: PreparedAppend;
      try {
        prepared = this.prepare(command, snapshot, { recordedBy, requestDigest, fundScope, periods: periods.state, recordedAt });
      } catch (error) {
        // Refused on the kept closes: a year closed since may be the reason to give instead.
        if (kept && error instanceof CommandRefused && error.kind !== 'forbidden') await this.refuseIfClosedSince(command);
        throw error;
      }
      try {
        // A period closed since the read above fails the append: the next attempt is refused by the gate.
        const result = await this.store.append(stream, prepared.toAppend, expectedRevisionOf(snapshot), periodsCondition(periods));
        this.snapshots.set(prepared.after);
        const keyed = prepared.toAppend.findIndex((event) => event.businessKey === businessKey);
        const event = decodeEvent({
          ...prepared.toAppend[keyed],
          stream,
          revision: snapshot.revision + 1 + keyed,
          position: result.position,
        });
        return { status: 'created', event, position: result.position };
      } catch (error) {
        if (error instanceof BusinessKeyTakenError) {
          // Another fact holds a key this command would also store (a newborn's derived
          // `enrollment:<id>:<year>` named by another enrollment): retrying can never succeed.
          if (error.businessKey !== businessKey && error.existing.metadata.requestDigest !== requestDigest) {
            throw conflict(`${error.businessKey} is already held by another fact (event ${error.existing.eventId})`);
          }
          // The same command won a race, or its own key was taken meanwhile: the next attempt
          // answers it (replay or 409), no need to wait.
          continue;
        }
        if (error instanceof WrongExpectedRevisionError) {
          if (error.stream === PERIODS_STREAM) this.periods = null;
          await backoff(attempt, this.maxBackoffMs);
          continue;
        }
        throw error;
      }
    }
    throw new ContentionError(stream, this.maxAttempts);
  }

  private async closedPeriods(): Promise<PeriodsSnapshot> {
    this.periods ??= await loadPeriods(this.store);
    return this.periods;
  }

  /** The period gate on what the store holds now, so a refusal is the same whether the closes were kept or read. */
  private async refuseIfClosedSince(command: LedgerCommand): Promise<void> {
    const fresh = await loadPeriods(this.store);
    if (fresh.revision === this.periods?.revision) return;
    this.periods = fresh;
    refuseClosedPeriod(businessDatesOf(command), fresh.state);
  }

  /**
   * A stream folded to what decide() needs, with the revision and hash to append after: the kept
   * snapshot (stream-snapshots.ts) brought up to date with the events after it, or the whole stream
   * folded in time slices. Concurrent callers for one stream share one fold.
   */
  async loadSnapshot(stream: string): Promise<StreamSnapshot> {
    const under = this.folding.get(stream);
    if (under) return under;
    const fold = this.foldFromKept(stream).finally(() => this.folding.delete(stream));
    this.folding.set(stream, fold);
    return fold;
  }

  /** A stream not yet written, as loadSnapshot folds it: for a caller that knows it is new (an import batch asked the store). */
  emptySnapshot(stream: string): StreamSnapshot {
    return { stream, state: initialResidentState(residentIdOf(stream)), revision: -1, lastHash: GENESIS_HASH };
  }

  private async foldFromKept(stream: string): Promise<StreamSnapshot> {
    const kept = this.snapshots.get(stream) ?? this.emptySnapshot(stream);
    let { state, revision, lastHash } = kept;
    let sliceStart = performance.now();
    for (;;) {
      const page = await this.store.readStream(stream, { fromRevision: revision + 1, maxCount: FOLD_PAGE });
      for (const stored of page) {
        const event = decodeEvent(stored);
        state = evolveResident(state, event);
        revision = event.revision;
        lastHash = event.metadata.hash;
        if (performance.now() - sliceStart > FOLD_SLICE_MS) {
          await new Promise((resolve) => setImmediate(resolve));
          sliceStart = performance.now();
        }
      }
      if (page.length < FOLD_PAGE) break;
    }
    const snapshot = { stream, state, revision, lastHash };
    this.snapshots.set(snapshot);
    return snapshot;
  }

  /**
   * decide + encode against a snapshot, without touching the store: the events to append and the
   * snapshot as it will be once they are. Refusals are thrown as CommandRefused.
   */
  prepare(command: LedgerCommand, snapshot: StreamSnapshot, request: RequestContext): PreparedAppend {
    if (request.fundScope) refuseOutsideFund(request.fundScope, fundsAddressedBy(command, snapshot.state));
    // The period gate, for every command: on the dates it names, then on what it decided (nothing
    // to gather while no period is closed).
    const anyClosed = request.periods.closedThrough !== null;
    if (anyClosed) refuseClosedPeriod(businessDatesOf(command), request.periods);
    const decided = withinPolicy(command, () => this.decide(command, snapshot.state));
    if (request.fundScope) refuseOutsideFund(request.fundScope, fundsWrittenBy(decided, snapshot.state));
    if (anyClosed) refuseClosedPeriod(datesRecordedBy(decided), request.periods);
    const toAppend = encodeEvents(decided, {
      stream: snapshot.stream,
      revision: snapshot.revision,
      previousHash: snapshot.lastHash,
      recordedAt: request.recordedAt ?? this.clock().toISOString(),
      recordedBy: request.recordedBy,
      requestDigest: request.requestDigest,
      newEventId: this.newEventId,
    });
    return {
      toAppend,
      after: {
        stream: snapshot.stream,
        state: decided.reduce(evolveResident, snapshot.state),
        revision: snapshot.revision + toAppend.length,
        lastHash: (toAppend[toAppend.length - 1]?.metadata.hash as string | undefined) ?? snapshot.lastHash,
      },
    };
  }

  replay(event: LedgerEvent, requestDigest: string): CommandOutcome {
    if (event.metadata.requestDigest !== requestDigest) {
      throw conflict(`${event.businessKey} was already recorded with a different payload (event ${event.eventId})`);
    }
    return { status: 'replayed', event, position: event.position };
  }

  /**
   * The stream a command writes to. `pendingStreamOf` lets a batch resolve business keys it has
   * decided but not yet appended (a claim and its insurer decision in one import batch).
   */
  async streamOf(command: LedgerCommand, pendingStreamOf?: (businessKey: string) => string | undefined): Promise<string> {
    const route = streamRouteOf(command);
    return 'stream' in route ? route.stream : this.streamHolding(route.streamHolding, route.missing, pendingStreamOf);
  }

  private async streamHolding(
    businessKey: string,
    missing: string,
    pendingStreamOf?: (businessKey: string) => string | undefined,
  ): Promise<string> {
    const pending = pendingStreamOf?.(businessKey);
    if (pending) return pending;
    const holder = await this.store.findByBusinessKey(businessKey);
    if (!holder) throw notFound(missing);
    return holder.stream;
  }

  private decide(command: LedgerCommand, state: ResidentState): DomainEvent[] {
    switch (command.kind) {
      case 'EnrollResident':
        return decideEnrollment(command, state, this.context);
      case 'RecordContribution':
        return decideContribution(command, state, this.context);
      case 'GrantSubsidy':
        return decideSubsidy(command, command.residentId && command.purpose !== 'per-capita' ? state : null, this.context);
      case 'ChangeScheme':
        return decideSchemeChange(command, state);
      case 'SettleClaim':
        return decideClaim(command, state, this.context);
      case 'RecordInsurerDecision':
        return decideInsurerDecision(command, state);
      case 'RecordInsurerPayment':
        return decideInsurerPayment(command, state);
      case 'ReverseContribution':
        return decideContributionReversal(command, state);
      case 'ReverseClaim':
        return decideClaimReversal(command, state);
      case 'ApplyForAssistance':
        return decideAssistanceApplication(command, state, this.context);
      case 'RecordFundMovement':
        return decideFundMovement(command, state);
      case 'RecordFundTransfer':
        return decideFundTransfer(command);
    }
  }

  /** How a claim would be settled now, from the resident's history; writes nothing. */
  async quote(command: SettleClaim, fundScope: FundId | null = null): Promise<ClaimQuote> {
    const snapshot = await this.loadSnapshot(residentStream(command.residentId));
    if (fundScope) refuseOutsideFund(fundScope, fundsAddressedBy(command, snapshot.state));
    const quote = withinPolicy(command, () => quoteClaim(command, snapshot.state, this.context));
    if (fundScope) refuseOutsideFund(fundScope, [quote.fundId]);
    return quote;
  }

  /** The resident's history folded (from the kept snapshot on), or null when the ledger has never seen the resident. */
  async residentState(residentId: string): Promise<{ state: ResidentState } | null> {
    const { state, revision } = await this.loadSnapshot(residentStream(residentId));
    return revision < 0 ? null : { state };
  }
}

/**
 * The stream a command writes to, or the business key whose holder's stream it is (a claim's
 * follow-ups go where the claim is): an import batch looks all those keys up at once.
 */
export function streamRouteOf(command: LedgerCommand): FundCommandRoute {
  switch (command.kind) {
    case 'GrantSubsidy':
      // Validation of the missing fund/resident happens in decide; any stable stream name will do.
      if (command.purpose === 'per-capita' || !command.residentId) return { stream: fundStream(command.fundId ?? 'municipal') };
      return { stream: residentStream(command.residentId) };
    case 'RecordInsurerDecision':
    case 'RecordInsurerPayment':
    case 'ReverseClaim':
      return { streamHolding: `claim:${command.claimId}`, missing: `claim ${command.claimId} is not recorded` };
    case 'ReverseContribution':
      return { streamHolding: `contribution:${command.receiptNo}`, missing: `contribution ${command.receiptNo} is not recorded` };
    case 'RecordFundMovement':
    case 'RecordFundTransfer':
      return routeFundCommand(command);
    default:
      return { stream: residentStream(command.residentId) };
  }
}

function residentIdOf(stream: string): string {
  return stream.startsWith('resident-') ? stream.slice('resident-'.length) : stream;
}
