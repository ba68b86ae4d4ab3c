import { formatMoney, FUND_IDS, type FundId, isBusinessDate, ZERO } from '@ledger/domain';
import type { LogDigest, Position, StoredEvent } from '@ledger/event-store';
import { type Policy, PolicyNotInForceError, rememberingPolicy } from '@ledger/policy';
import { digestLine, ReplayDigest } from './digest';
import { compareFindings, type Finding, finding, type PendingFinding } from './findings';
import { AuditFold } from './fold/audit-fold';
import { SHARED_RECORD_CONSTANTS } from './fold/records';
import { isCalendarDate } from './fold/event-shapes';
import { balanceOfFigures, FundBooks, incomeOfFigures, outflowOfFigures } from './fold/fund-books';
import { type MonthEnd, monthEndSeries, monthsOfPaymentText, reportMonths } from './fold/fund-series';
import { LogDigestInspection, type ComputedLogDigests } from './integrity/log-digest';
import { baselineFindings, type ComputedLogChain, type LogBaseline, LogChain } from './integrity/log-baseline';
import type { HistoryProblems } from './integrity/history-check';
import { StreamIntegrityCheck } from './integrity/stream-check';
import type { LiveProjection } from './live-projection';
import { type InspectionReport, type NotEvaluatedJson, findingToJson, positionJson } from './report';
import type { AuditRule, RaisedFinding, ReportContext, RuleContext } from './rule';
import { AUDIT_RULES, RULE_IDS, type RuleId } from './rules';
import { booksPointRefusal, copyOf, NOT_SEALED, refuse, sealRegistry } from './auditor-seal';
import { ClassRegistry, deserializeGraph, SEALED_STATE_FORMAT, type SealedStateHeader, serializeGraph } from './sealed-state';
import Decimal from 'decimal.js';

export interface AuditorOptions {
  policy: Policy;
  /**
   * Business-date cut-off (YYYY-MM-DD): the events whose business date (metadata.occurredAt) is on
   * or before it — "up to the end of that date" — are replayed. null/omitted: no date cut-off.
   */
  asOf?: string | null;
  /** Position cut-off: events after it are not read at all. null/omitted: through the last event. */
  throughPosition?: Position | null;
  /**
   * The checkpoint of the live projection that report() will be given, when it is known before the
   * replay (the CLI reads it from the read model's file first). Lets the auditor also keep its books
   * at that point, so a read model that is behind the store is still compared event for event.
   */
  projectionCheckpoint?: Position | null;
  /**
   * 'verify' (default): recompute every event's content hash here. 'elsewhere': the caller has them
   * checked in parallel and reports mismatches with recordContentMismatch() before report().
   */
  contentHashes?: 'verify' | 'elsewhere';
  /**
   * 'verify' (default): recompute the store's running log digest here. 'elsewhere': the caller
   * has it recomputed in parallel and hands the digests reached over with settleLogDigests()
   * before report().
   */
  logDigest?: 'verify' | 'elsewhere';
  /**
   * An earlier report's log digest at its last position (integrity/log-baseline.ts): the history
   * through that position must still have it, or stream-integrity names the rewrite. With
   * logDigest 'elsewhere', the caller settles the chain with settleLogChain().
   */
  baseline?: LogBaseline | null;
  /**
   * 'verify' (default): the history checks of integrity/history-check.ts (positions, revisions,
   * duplicate event ids and business keys, the hash chain's links, hash versions) run here.
   * 'elsewhere': the caller runs them in parallel (the CLI's worker thread) and hands what they
   * found over with recordHistoryProblems() before report(). Not with sealable: a sealed state
   * carries those checks' state.
   */
  historyChecks?: 'verify' | 'elsewhere';
  /**
   * Keep the state in plain data so that seal() can write it (auditor-seal.ts): the running
   * digests then use a plain-data sha256, about 1 µs more per event. Omitted: not sealable.
   */
  sealable?: boolean;
}

/** Where a sealed state keeps what the log's inspection needs to be taken up again (Auditor.resume). */
const SEALED_LOG = '\u0000log';

/** A rule with a per-event hook, and the context it is handed (built once). */
type EventHook = { rule: AuditRule<RuleId>; onEvent: NonNullable<AuditRule['onEvent']>; context: RuleContext };

/**
 * The supervision auditor (SPEC.md "Inspections the auditor must produce"): replays stored events in
 * position order with its own fold and reports findings with the positions that prove them.
 *
 * Cut-off: every event up to the position cut-off is read and checked for integrity (hash chain,
 * revisions, duplicates, known types); of those, the events whose business date is on or before
 * `asOf` are replayed — folded, judged, counted in `eventsReplayed` and added to `digest`.
 * Pure: no I/O, no clock; feed it with replay(), then ask for report().
 */
export class Auditor {
  private readonly policy: Policy;
  private readonly asOf: string | null;
  private readonly throughPosition: Position | null;
  private readonly projectionCheckpoint: Position | null | undefined;
  private readonly integrity: StreamIntegrityCheck;
  private readonly fold: AuditFold;
  private readonly digest: ReplayDigest;
  private readonly findings: PendingFinding[] = [];
  private readonly withdrawn = new Set<string>();
  private readonly notEvaluated = new Map<string, NotEvaluatedJson>();
  private eventHooks: readonly EventHook[];
  /** Each rule's own memory for this audit (RuleContext.state). */
  private readonly ruleStates = new Map<RuleId, unknown>();
  private logDigest: LogDigestInspection | null = null;
  private readonly logDigestHere: boolean;
  private readonly chain: LogChain;
  private readonly baseline: LogBaseline | null;
  private eventsRead = 0;
  private lastPositionRead: Position | null = null;
  /** The first event read whose business date is after the cut-off (a state is sealable only without one). */
  private firstLaterEvent: Position | null = null;
  /** Set on an audit resumed from a sealed state (auditor-seal.ts): the sealed position it replays after. */
  private resumedAfter: Position | null = null;

  constructor(options: AuditorOptions) {
    if (options.asOf !== undefined && options.asOf !== null && !isBusinessDate(options.asOf)) {
      throw new RangeError(`asOf must be a YYYY-MM-DD calendar date, got ${JSON.stringify(options.asOf)}`);
    }
    this.policy = rememberingPolicy(options.policy);
    this.asOf = options.asOf ?? null;
    this.throughPosition = options.throughPosition ?? null;
    this.projectionCheckpoint = options.projectionCheckpoint;
    this.fold = new AuditFold(this.policy, options.projectionCheckpoint, options.sealable === true);
    this.digest = new ReplayDigest(options.sealable === true);
    this.integrity = new StreamIntegrityCheck(options.contentHashes !== 'elsewhere');
    if (options.historyChecks === 'elsewhere') {
      if (options.sealable === true) throw new Error('a sealable audit keeps its history checks\' state: it runs them itself (historyChecks: verify)');
      // The content hash is checked where the chain is: both elsewhere, or both here.
      if (options.contentHashes !== 'elsewhere') throw new Error('history checks elsewhere need the content hashes checked elsewhere too (contentHashes: elsewhere)');
      this.integrity.historyChecks = 'elsewhere';
    }
    this.logDigestHere = options.logDigest !== 'elsewhere';
    this.baseline = options.baseline ?? null;
    this.chain = new LogChain(this.baseline?.position ?? null, this.logDigestHere);
    this.eventHooks = this.hooks();
  }

  /**
   * The auditor's state as a sealed-state file's header and payload (sealed-state.ts), for a later
   * audit to resume from (Auditor.resume). Call after the replay, with the log digests settled.
   * Refused (SealedStateRefused, naming why) unless the state is one a later audit can continue
   * exactly: sealable (options.sealable), every event read replayed — none dated after the
   * cut-off — and a log that checks out (no log-digest or baseline finding).
   */
  seal(): { header: SealedStateHeader; payload: Buffer } {
    if (!this.digest.sealable) refuse('this audit was not made sealable (AuditorOptions.sealable)');
    if (this.lastPositionRead === null) refuse('the audit read no event: there is nothing to seal');
    if (this.firstLaterEvent !== null) {
      refuse(
        `the event at position ${this.firstLaterEvent} is dated after the cut-off ${this.asOf}: a sealed state must hold every event it read, so seal the history before it (--position ${this.firstLaterEvent - 1n})`,
      );
    }
    const chain = this.chain.computed();
    const logProblems = [...(this.logDigest?.findings() ?? []), ...(this.baseline ? baselineFindings(this.baseline, chain) : [])];
    if (logProblems.length > 0) refuse(`the log does not check out (${logProblems[0].message.en}): a state is sealed only over a history whose log digest matches`);
    const state: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(this)) if (!NOT_SEALED.has(key)) state[key] = value;
    state[SEALED_LOG] = { hadLogDigest: this.logDigest !== null, firstHashV2: this.logDigest?.firstHashVersion2 ?? null };
    const { registry, externals } = this.sealing();
    const header: SealedStateHeader = {
      format: SEALED_STATE_FORMAT,
      position: this.lastPositionRead.toString(),
      logDigest: chain.through,
      asOf: this.asOf,
      policyVersion: this.policy.version,
      policyDigest: this.policy.digest,
      eventsRead: this.eventsRead,
    };
    return { header, payload: serializeGraph(state, registry, externals) };
  }

  /**
   * An auditor that carries on from a sealed state (seal()) and is fed only the events after its
   * position (replayStore's `after`); its report is the one a replay from the first event gives.
   * `options.baseline` must be the sealing audit's report (its last position and log digest are
   * the state's), `options.logDigest` 'elsewhere': the log digests are recomputed from the
   * store's first event by the caller (the parallel verifier, or checkHashesInline) and settled,
   * then verifyResumedHistory() refuses a store rewritten through the sealed position. `record`:
   * the store's running-digest record, read before the replay. Refuses (SealedStateRefused)
   * a state that does not fit these options.
   */
  static resume(options: AuditorOptions, sealed: { header: SealedStateHeader; payload: Buffer }, record: LogDigest | null): Auditor {
    const { header } = sealed;
    const position = BigInt(header.position);
    if (options.logDigest !== 'elsewhere') throw new Error('a resumed audit has its log digests recomputed from the first event elsewhere (logDigest: elsewhere)');
    const baseline = options.baseline;
    if (!baseline) refuse('a resumed audit needs the sealing audit\'s report as its baseline');
    if (baseline.position !== position || baseline.logDigest !== header.logDigest) {
      refuse(
        `the sealed state is of position ${position} with log digest ${header.logDigest}, but the baseline report read through position ${baseline.position} with log digest ${baseline.logDigest}: they are not of the same audit`,
      );
    }
    if (header.policyDigest !== options.policy.digest) {
      refuse(`the sealed state was folded under policy ${header.policyVersion} (digest ${header.policyDigest}), this audit runs ${options.policy.version} (digest ${options.policy.digest}): run a full replay`);
    }
    const asOf = options.asOf ?? null;
    if (header.asOf !== null && asOf !== null && asOf < header.asOf) refuse(`--as-of ${asOf} is before the sealed audit's cut-off ${header.asOf}`);
    if (header.asOf !== null && asOf === null) {
      // No cut-off now: fine, every event the seal read was replayed.
    } else if (header.asOf === null && asOf !== null) refuse(`the sealed audit had no business-date cut-off; this one has ${asOf}`);
    if (options.throughPosition !== undefined && options.throughPosition !== null && options.throughPosition < position) {
      refuse(`--position ${options.throughPosition} is before the sealed position ${position}`);
    }
    const booksRefusal = booksPointRefusal(options.projectionCheckpoint, position);
    if (booksRefusal) refuse(booksRefusal);

    const auditor = new Auditor({ ...options, sealable: true });
    const { registry, externals, named } = auditor.sealing();
    const state = deserializeGraph(sealed.payload, registry, named) as Record<string, unknown>;
    const log = state[SEALED_LOG] as { hadLogDigest: boolean; firstHashV2: Position | null } | undefined;
    if (!log) refuse('the sealed state carries no log state');
    const self = auditor as unknown as Record<string, unknown>;
    for (const [key, value] of Object.entries(state)) {
      if (key === SEALED_LOG) continue;
      if (!(key in self) || NOT_SEALED.has(key)) refuse(`the sealed state holds a field ${key} this auditor does not have`);
      self[key] = value;
    }
    if (auditor.lastPositionRead !== position) refuse(`the sealed state's header says position ${position}, its payload ${auditor.lastPositionRead}`);
    // What the resuming audit's options say, not the sealing one's.
    (auditor.integrity as unknown as { verifyContentHashes: boolean }).verifyContentHashes = options.contentHashes !== 'elsewhere';
    const checkpoint = options.projectionCheckpoint;
    const booksThere =
      checkpoint === undefined ? null : checkpoint === null ? new FundBooks() : copyOf(auditor.fold.books, registry, externals, named);
    auditor.fold.keepBooksAt(checkpoint, booksThere);
    if (log.hadLogDigest !== (record !== null)) {
      refuse(log.hadLogDigest ? 'the store kept a running digest of its log when the state was sealed and keeps none now' : 'the store kept no running digest of its log when the state was sealed');
    }
    if (record !== null) {
      if (record.headPosition === null || record.headPosition < position || record.head === null || record.head.position < position) {
        refuse(`the store's log now ends (or its digest record stops) before the sealed position ${position}: events were removed`);
      }
      auditor.logDigest = new LogDigestInspection(record, false);
      auditor.logDigest.resumeAfter(position, log.firstHashV2);
    }
    auditor.eventHooks = auditor.hooks();
    auditor.resumedAfter = position;
    return auditor;
  }

  /** The sealed position this audit resumed after; null for a replay from the first event. */
  get resumedAfterPosition(): Position | null {
    return this.resumedAfter;
  }

  /**
   * For a resumed audit, once the log digests are settled: refuses (SealedStateRefused) unless the
   * store's history through the sealed position still has the log digest the sealed audit saw,
   * and the store's digest record there still matches it.
   */
  verifyResumedHistory(): void {
    const position = this.resumedAfter;
    if (position === null) return;
    const chain = this.chain.computed();
    if (chain.atBaseline !== this.baseline!.logDigest) {
      refuse(
        `the store's history through the sealed position ${position} no longer has the log digest the sealed audit's report states (${this.baseline!.logDigest}; recomputed now: ${chain.atBaseline}): events at or before it were changed, removed, inserted or reordered since, or the state is another store's. Run a full replay to see where.`,
      );
    }
    const failed = this.logDigest?.failedThrough(position) ?? [];
    if (failed.length > 0) {
      refuse(`the store's running-digest record no longer matches its events at position ${failed.join(', ')}, at or before the sealed position ${position}: run a full replay to see where`);
    }
  }

  /** How this auditor's state is sealed and restored: its classes and what stays outside. */
  private sealing(): { registry: ClassRegistry; externals: Map<object, string>; named: Map<string, object> } {
    const raw = Object.getPrototypeOf(this.policy) as object;
    const named = new Map<string, object>([
      ['policy', this.policy],
      ['policy (unremembered)', raw],
      ['Decimal (policy)', (ZERO as unknown as { constructor: object }).constructor],
      ['Decimal', Decimal],
      // Shared by every nil amount: restored as the same object, so later nil amounts share it too.
      ['ZERO', ZERO],
      ...SHARED_RECORD_CONSTANTS,
    ]);
    const externals = new Map<object, string>([...named].map(([name, value]) => [value, name]));
    const registry = sealRegistry(this, new Set(externals.keys()));
    return { registry, externals, named };
  }

  /** The rules' per-event hooks, with contexts on this auditor's fold (built again when a resume replaces it). */
  private hooks(): EventHook[] {
    return AUDIT_RULES.flatMap((rule: AuditRule<RuleId>) =>
      rule.onEvent ? [{ rule, onEvent: rule.onEvent, context: this.contextFor(rule, this.findings, this.notEvaluated) }] : [],
    );
  }

  /** The position cut-off, if any: a reader can stop once it passes it. */
  get cutOffPosition(): Position | null {
    return this.throughPosition;
  }

  /**
   * The running digest the store recorded (EventStorePort.logDigest), to compare the log with as
   * it is replayed; given before the first event. Without one the report says the store keeps none.
   */
  expectLogDigest(record: LogDigest): void {
    if (this.eventsRead > 0) throw new Error('expectLogDigest must be called before the first event is replayed');
    this.logDigest = new LogDigestInspection(record, this.logDigestHere);
  }

  /** The position the baseline was taken at, for a parallel verifier to stop its chain at; null without one. */
  get baselinePosition(): Position | null {
    return this.baseline?.position ?? null;
  }

  /** The log chain a parallel verifier computed over the events read (see AuditorOptions.logDigest). */
  settleLogChain(computed: ComputedLogChain): void {
    this.chain.settle(computed);
  }

  /** The running digests a parallel verifier reached (see AuditorOptions.logDigest); nothing to do when the store keeps none. */
  settleLogDigests(computed: ComputedLogDigests): void {
    this.logDigest?.settle(computed);
  }

  /**
   * Replays one stored event (call in position order). Returns false, ignoring the event, when it
   * lies after the position cut-off.
   */
  replay(stored: StoredEvent): boolean {
    if (this.throughPosition !== null && stored.position > this.throughPosition) return false;
    this.eventsRead += 1;
    this.lastPositionRead = stored.position;
    const outcome = this.integrity.check(stored);
    this.logDigest?.observe(stored);
    const metadata = stored.metadata as { occurredAt?: unknown; hash?: unknown } | null;
    // The same line goes into the closes' digest and the replay digest.
    const line = digestLine(stored.eventId, metadata?.hash);
    // Every event read, replayed or not: a close's digest covers the whole history before it.
    this.fold.closes.read(stored, line);
    this.chain.observe(stored);

    const occurredAt = metadata?.occurredAt;
    // An event with no readable business date cannot be placed after the cut-off: it is replayed.
    const included = this.asOf === null || !isCalendarDate(occurredAt) || occurredAt <= this.asOf;
    if (!included) {
      this.firstLaterEvent ??= stored.position;
      return true;
    }
    this.digest.addLine(line);
    if (!outcome.event) return true;

    const folded = this.fold.apply(outcome.event);
    if (folded.type === 'ClaimReversed') this.withdrawn.add(`claim:${folded.data.claimId}`);
    if (folded.type === 'ContributionReversed') this.withdrawn.add(`receipt:${folded.data.receiptNo}`);
    for (const hook of this.eventHooks) {
      try {
        hook.onEvent(folded, hook.context);
      } catch (error) {
        countNotEvaluated(this.notEvaluated, hook.rule.id, error);
      }
    }
    return true;
  }

  /**
   * An event (read by this auditor) whose content a parallel verifier found not to match its hash:
   * see AuditorOptions.contentHashes. Events after the last one read are not this audit's.
   */
  recordContentMismatch(stored: Pick<StoredEvent, 'eventId' | 'type' | 'stream' | 'revision' | 'position' | 'data'>): void {
    if (this.lastPositionRead === null || stored.position > this.lastPositionRead) return;
    // Through a sealed position the content was judged by the audit that sealed it.
    if (this.resumedAfter !== null && stored.position <= this.resumedAfter) return;
    this.integrity.addContentMismatch(stored);
  }

  /**
   * What a parallel run of the history checks found (see AuditorOptions.historyChecks), event by
   * event. Events after the last one read are not this audit's.
   */
  recordHistoryProblems(stored: Pick<StoredEvent, 'eventId' | 'type' | 'stream' | 'revision' | 'position' | 'data'>, found: HistoryProblems): void {
    if (this.lastPositionRead === null || stored.position > this.lastPositionRead) return;
    this.integrity.addHistoryProblems(stored, found.problems, found.placeCount, found.evidence);
  }

  /** Whether the history checks are left to the caller (AuditorOptions.historyChecks). */
  get historyChecksElsewhere(): boolean {
    return this.integrity.historyChecks === 'elsewhere';
  }

  /**
   * The report as of the cut-off. `live`: the live read model to reconcile with, held still while
   * this runs (it is read synchronously); omitted, reconciliation is skipped and the report says so.
   */
  report(live?: LiveProjection | null): InspectionReport {
    // A resumed audit reports only on a history verified through its sealed position.
    this.verifyResumedHistory();
    // Report-time checks count what they could not judge here, so report() can be asked again.
    const notEvaluated = new Map([...this.notEvaluated].map(([key, entry]) => [key, { ...entry }]));
    const months = reportMonths(this.fold.books, this.asOf);
    const series = new Map<FundId, MonthEnd[]>(FUND_IDS.map((fundId) => [fundId, monthEndSeries(this.fold.books, fundId, months, this.asOf)]));
    const reconciliation = this.reconcile(live);
    // Read here, not in a hook: a log digest left unsettled is the caller's error, not a check not made.
    const chain = this.chain.computed();
    const history = {
      streams: this.integrity.findings(),
      log: [...(this.logDigest?.findings() ?? []), ...(this.baseline ? baselineFindings(this.baseline, chain) : [])],
    };

    const pending: PendingFinding[] = [...this.findings];
    for (const rule of AUDIT_RULES as readonly AuditRule<RuleId>[]) {
      if (!rule.atEnd) continue;
      // What a hook raised counts only if it ran through.
      const raised: PendingFinding[] = [];
      const context: ReportContext = {
        ...this.contextFor(rule, raised, notEvaluated),
        months,
        monthEnds: series,
        reconciliation: reconciliation.books ? { books: reconciliation.books, live: live! } : null,
        history,
      };
      try {
        rule.atEnd(context);
        pending.push(...raised);
      } catch (error) {
        countNotEvaluated(notEvaluated, rule.id, error);
      }
    }
    const findings: Finding[] = pending
      .filter((f) => !(f.withdrawnByReversalOf && this.withdrawn.has(f.withdrawnByReversalOf)))
      .map(({ withdrawnByReversalOf: _withdrawn, ...rest }) => rest);
    findings.sort(compareFindings);

    const byRule = Object.fromEntries(RULE_IDS.map((rule) => [rule, 0])) as Record<RuleId, number>;
    const byFund = Object.fromEntries(FUND_IDS.map((fundId) => [fundId, 0])) as Record<FundId, number>;
    let withoutFund = 0;
    for (const f of findings) {
      byRule[f.rule] += 1;
      if (f.fundId === null) withoutFund += 1;
      else byFund[f.fundId] += 1;
    }

    return {
      asOf: this.asOf,
      cutOffPosition: positionJson(this.throughPosition),
      lastPositionRead: positionJson(this.lastPositionRead),
      eventsRead: this.eventsRead,
      eventsReplayed: this.digest.events,
      digest: this.digest.value,
      policyVersion: this.policy.version,
      policyDigest: this.policy.digest,
      reconciliation: reconciliation.status,
      projectionCheckpoint: live ? positionJson(live.checkpoint) : null,
      logDigest: this.logDigest ? this.logDigest.status() : 'not compared: the store keeps no running digest of its log',
      logDigestAtLastPosition: this.lastPositionRead === null ? null : chain.through,
      baseline: this.baseline ? baselineStatus(this.baseline, chain) : null,
      funds: FUND_IDS.map((fundId) => {
        const figures = this.fold.books.figuresThrough(fundId, this.asOf);
        return {
          fundId,
          income: formatMoney(incomeOfFigures(figures)),
          outflow: formatMoney(outflowOfFigures(figures)),
          balance: formatMoney(balanceOfFigures(figures)),
          findings: byFund[fundId],
          monthEndBalances: series.get(fundId)!.map((m) => ({
            month: m.month,
            balance: formatMoney(m.balance),
            monthsOfPayment: m.monthsOfPayment === null ? null : monthsOfPaymentText(m.monthsOfPayment),
          })),
        };
      }),
      summary: {
        findings: findings.length,
        byRule,
        byFund,
        withoutFund,
        notEvaluated: [...notEvaluated.values()].sort((a, b) =>
          a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : a.reason < b.reason ? -1 : a.reason > b.reason ? 1 : 0,
        ),
      },
      findings: findings.map(findingToJson),
    };
  }

  /** The context a rule's hooks are handed: its findings are stamped with its id. */
  private contextFor(rule: AuditRule<RuleId>, into: PendingFinding[], notEvaluated: Map<string, NotEvaluatedJson>): RuleContext {
    const id = rule.id;
    return {
      policy: this.policy,
      asOf: this.asOf,
      fold: this.fold,
      raise: (raised: RaisedFinding) => {
        const stamped: PendingFinding = finding(id, raised.fundId, raised, raised.message, raised.evidence);
        if (raised.withdrawnByReversalOf !== undefined) stamped.withdrawnByReversalOf = raised.withdrawnByReversalOf;
        into.push(stamped);
      },
      couldNotJudge: (error: unknown) => countNotEvaluated(notEvaluated, id, error),
      state: <T>(create: () => T): T => {
        if (!this.ruleStates.has(id)) this.ruleStates.set(id, create());
        return this.ruleStates.get(id) as T;
      },
    };
  }

  /** Which books can be compared with the live model, event for event, or why none can. */
  private reconcile(live: LiveProjection | null | undefined): { status: string; books: FundBooks | null } {
    if (!live) return { status: 'no live projection found', books: null };
    const checkpoint = live.checkpoint;
    const last = this.lastPositionRead;
    let books: FundBooks;
    let status: string;
    if (checkpoint === last) {
      books = this.fold.books;
      status = `compared with the live projection at position ${checkpoint ?? 'none (empty)'}`;
    } else if (this.fold.booksAtCheckpoint && this.projectionCheckpoint === checkpoint && last !== null && (checkpoint === null || checkpoint < last)) {
      books = this.fold.booksAtCheckpoint;
      status = `compared with the live projection at position ${checkpoint ?? 'none (empty)'}, which is behind the history read (through position ${last}): events after its checkpoint are not in the comparison`;
    } else if (checkpoint !== null && (last === null || checkpoint > last)) {
      return {
        status: `not compared: the live projection (position ${checkpoint}) includes events after the last position audited (${last ?? 'none'})`,
        books: null,
      };
    } else {
      return {
        status: `not compared: the live projection is at position ${checkpoint ?? 'none'} but the audit read through ${last ?? 'none'} and did not keep its books at that point`,
        books: null,
      };
    }
    return { status, books };
  }
}

function baselineStatus(baseline: LogBaseline, chain: ComputedLogChain): string {
  const name = `the baseline report${baseline.asOf === null ? '' : ` as of ${baseline.asOf}`} (through position ${baseline.position}, log digest ${baseline.logDigest})`;
  return chain.atBaseline === baseline.logDigest ? `the history through position ${baseline.position} is unchanged since ${name}` : `the history through position ${baseline.position} differs from ${name}: see stream-integrity`;
}

/** Counts a check that could not be made, by rule and reason (e.g. a parameter not in force yet). */
function countNotEvaluated(counts: Map<string, NotEvaluatedJson>, rule: RuleId, error: unknown): void {
  const reason =
    error instanceof PolicyNotInForceError
      ? `policy parameter "${error.parameterPath}" not in force on the event's date (first in force ${error.firstEffectiveDate})`
      : error instanceof Error
        ? `${error.name}: ${error.message}`
        : String(error);
  const key = `${rule}\n${reason}`;
  const entry = counts.get(key);
  if (entry) entry.count += 1;
  else counts.set(key, { rule, reason, count: 1 });
}
