import { LOG_DIGEST_GENESIS, logDigestStep, type Position, type StoredEvent } from '@ledger/event-store';
import type { RaisedFinding } from '../rule';

/**
 * The third layer of tamper evidence: an earlier report held somewhere the store's writer cannot
 * reach. The per-event hash chain and the store's running digest (log-digest.ts) are both written
 * into the store file; a writer with the file who edits an event and recomputes every hash after it
 * and the digest record leaves nothing those two can see. What it cannot recompute is a digest
 * already copied elsewhere: every report states the running log digest of the history it read,
 * through its last position (`logDigestAtLastPosition`), recomputed from the events as read — never
 * taken from the store's record. An audit given that report as its baseline
 * (`npm run audit -- --baseline EARLIER.json`) recomputes the digest through the baseline's
 * position and names any difference: the history the earlier audit saw was changed since.
 */
export interface LogBaseline {
  /** The earlier report's cut-off date, to name it. */
  asOf: string | null;
  /** The earlier report's lastPositionRead. */
  position: Position;
  /** The earlier report's logDigestAtLastPosition. */
  logDigest: string;
}

/** The chain's value through the last event read and through the baseline's position. */
export interface ComputedLogChain {
  through: string;
  atBaseline: string | null;
}

/**
 * The running log digest (event-store log-digest.ts) recomputed from the first event read, over
 * every event read, whatever the store's record says. Computed here, or by the CLI's parallel
 * verifier (computeHere = false), which hands its values over with settle().
 */
export class LogChain {
  private running = LOG_DIGEST_GENESIS;
  private atBaseline: string | null;
  private settled: ComputedLogChain | null = null;

  constructor(
    private readonly baselinePosition: Position | null,
    private readonly computeHere = true,
  ) {
    this.atBaseline = baselinePosition === null ? null : LOG_DIGEST_GENESIS;
  }

  /** Call for every event read, in position order. */
  observe(stored: Pick<StoredEvent, 'position' | 'eventId' | 'metadata'>): void {
    if (!this.computeHere) return;
    this.running = logDigestStep(this.running, stored.position, stored.eventId, (stored.metadata as { hash?: unknown } | null)?.hash);
    if (this.baselinePosition !== null && stored.position <= this.baselinePosition) this.atBaseline = this.running;
  }

  settle(computed: ComputedLogChain): void {
    if (this.computeHere) throw new Error('this log chain is computed here');
    this.settled = computed;
  }

  computed(): ComputedLogChain {
    if (this.computeHere) return { through: this.running, atBaseline: this.atBaseline };
    if (this.settled === null) throw new Error('the log chain computed elsewhere was not settled before the report was asked for');
    return this.settled;
  }
}

/** The stream-integrity finding when the history through the baseline's position is no longer what that report saw. */
export function baselineFindings(baseline: LogBaseline, computed: ComputedLogChain): RaisedFinding[] {
  if (computed.atBaseline === baseline.logDigest) return [];
  const name = `the baseline report${baseline.asOf === null ? '' : ` as of ${baseline.asOf}`}, which read through position ${baseline.position}`;
  const nameZh = `基准报告${baseline.asOf === null ? '' : `（截至 ${baseline.asOf}）`}读取至位置 ${baseline.position}`;
  return [
    {
      fundId: null,
      message: {
        zh: `截至位置 ${baseline.position} 的历史已不再具有${nameZh}时载明的日志摘要（${baseline.logDigest}；现重算为 ${computed.atBaseline}）：该位置及之前的事件在那次检查之后被改动、删除、插入或调换了顺序——即使各哈希链和存储自身的摘要记录一致，也是被一并改写了。请从与基准一致的副本恢复历史。`,
        en: `the history through position ${baseline.position} no longer has the log digest ${name} states (${baseline.logDigest}; recomputed now: ${computed.atBaseline}): events at or before that position were changed, removed, inserted or reordered after that audit — even where every hash chain and the store's own digest record agree, they were rewritten with it. Restore the history from a copy that matches the baseline.`,
      },
      evidence: [baseline.position],
    },
  ];
}

/** Reads a baseline from an earlier report's JSON; the error names what is missing. */
export function baselineFromReport(report: unknown): LogBaseline {
  const json = report as { asOf?: unknown; lastPositionRead?: unknown; logDigestAtLastPosition?: unknown } | null;
  if (json === null || typeof json !== 'object') throw new Error('the baseline is not an inspection report (a JSON object)');
  const position = json.lastPositionRead;
  if (typeof position !== 'number' && typeof position !== 'string') {
    throw new Error('the baseline report has no lastPositionRead (an audit of an empty store cannot be a baseline)');
  }
  if (!/^\d+$/.test(String(position))) throw new Error(`the baseline report's lastPositionRead is not a store position: ${JSON.stringify(position)}`);
  if (typeof json.logDigestAtLastPosition !== 'string' || !/^[0-9a-f]{64}$/.test(json.logDigestAtLastPosition)) {
    throw new Error('the baseline report states no logDigestAtLastPosition (written before reports carried one): run an audit now and keep its report as the baseline');
  }
  const asOf = typeof json.asOf === 'string' ? json.asOf : null;
  return { asOf, position: BigInt(String(position)), logDigest: json.logDigestAtLastPosition };
}
