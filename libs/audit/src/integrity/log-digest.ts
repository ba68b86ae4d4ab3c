import { type LogDigest, LOG_DIGEST_GENESIS, type LogDigestPoint, logDigestStep, type Position, type StoredEvent } from '@ledger/event-store';
import { uniqueSortedPositions } from '../findings';
import type { Bilingual, RaisedFinding } from '../rule';

/**
 * The integrity check of the log as a whole (the stream-integrity rule raises what it finds): the running digest the store wrote with every append
 * (event-store log-digest.ts) recomputed from the events read. Each stream's hash chain already
 * catches an event edited or removed inside its stream; this catches what the chains cannot — the
 * last events of a stream, or a whole stream, removed — and an event inserted past the store.
 *
 * The store's record is read in one snapshot with its last position; events after that position
 * were appended after it was read and are not judged here. After a checkpoint that does not match,
 * the recorded digest is taken up again, so each damaged stretch of the log is named on its own.
 *
 * Recomputing the digest is a sha256 per event. The CLI has it done by its parallel verifier
 * (computeHere = false): this then only keeps its place in the record, and the verifier hands back
 * the digest it reached at each comparison (computedDigests() of an inspection that did compute
 * them) before findings() are asked for. Which stretches are named does not depend on where the
 * digests were computed.
 */
/**
 * The running digest reached at each place it is compared: per recorded checkpoint (by index; none
 * where the checkpoint's event is missing) and at the recorded head.
 */
export interface ComputedLogDigests {
  checkpoints: Array<string | undefined>;
  head: string | undefined;
}

type ComparedSlot = number | 'head';

/** A comparison with the record, judged once the digest reached there is known. */
interface Comparison {
  slot: ComparedSlot;
  point: LogDigestPoint;
  /** The last place compared before it, for the finding's wording. */
  since: Position | null;
}

export class LogDigestInspection {
  private running = LOG_DIGEST_GENESIS;
  private nextCheckpoint = 0;
  private lastMatched: Position | null = null;
  private lastSeen: Position | null = null;
  /**
   * The first event read that carries hash version 2. Hash version 2 and the running digest came
   * in together (hashVersion 2 on 2026-12-01 20:45, the digest 12 minutes later, before any
   * release): an event that carries it was written by a ledger that kept the digest as it appended.
   */
  private firstHashV2: Position | null = null;
  /** Findings and comparisons in the order met: a comparison becomes a finding only if it fails. */
  private readonly found: Array<RaisedFinding | Comparison> = [];
  private computed: ComputedLogDigests | null;

  constructor(
    private readonly record: LogDigest,
    private readonly computeHere = true,
  ) {
    this.computed = computeHere ? { checkpoints: [], head: undefined } : null;
  }

  /** Call for every event read, in position order. */
  observe(stored: Pick<StoredEvent, 'position' | 'eventId' | 'metadata'>): void {
    const record = this.record;
    if (record.headPosition === null || stored.position > record.headPosition) return;
    if (this.firstHashV2 === null && (stored.metadata as { hashVersion?: unknown } | null)?.hashVersion === 2) this.firstHashV2 = stored.position;
    const checkpoints = record.checkpoints;
    while (this.nextCheckpoint < checkpoints.length && checkpoints[this.nextCheckpoint].position < stored.position) {
      this.missingAt(checkpoints[this.nextCheckpoint], stored.position);
      this.nextCheckpoint += 1;
    }
    if (this.computeHere) this.running = logDigestStep(this.running, stored.position, stored.eventId, (stored.metadata as { hash?: unknown } | null)?.hash);
    this.lastSeen = stored.position;
    const checkpoint = checkpoints[this.nextCheckpoint];
    if (checkpoint && checkpoint.position === stored.position) {
      this.compareAt(checkpoint, this.nextCheckpoint);
      this.nextCheckpoint += 1;
    }
    const head = record.head;
    if (head === null) return;
    if (head.position === stored.position) this.compareAt(head, 'head');
    else if (stored.position > head.position) {
      this.found.push(
        logFinding(
          {
            zh: `位置 ${stored.position} 的事件 ${stored.eventId} 位于存储记录了运行摘要的最后一次追加（位置 ${head.position}）之后：它是绕过账本写入存储文件的。`,
            en: `event ${stored.eventId} at position ${stored.position} lies after the last append the store recorded a running digest for (position ${head.position}): it was written into the store file past the ledger.`,
          },
          [stored.position],
        ),
      );
    }
  }

  /** The first event read that carries hash version 2 (for a sealed state to carry on with). */
  get firstHashVersion2(): Position | null {
    return this.firstHashV2;
  }

  /**
   * Takes up the log where a sealed audit left it (auditor-seal.ts): as if every event through
   * `position` had been observed — one comparison per checkpoint of this record there, judged like
   * any other once the digests recomputed from the store (from its first event) are settled.
   * `firstHashV2`: what the sealed audit found. The resuming audit refuses unless each of those
   * comparisons matched (failedThrough), so nothing else of the sealed log's state is needed.
   */
  resumeAfter(position: Position, firstHashV2: Position | null): void {
    if (this.lastSeen !== null) throw new Error('resumeAfter must be called before the first event is observed');
    const record = this.record;
    this.firstHashV2 = firstHashV2;
    if (record.headPosition === null || record.headPosition < position) return;
    const checkpoints = record.checkpoints;
    while (this.nextCheckpoint < checkpoints.length && checkpoints[this.nextCheckpoint].position <= position) {
      this.compareAt(checkpoints[this.nextCheckpoint], this.nextCheckpoint);
      this.nextCheckpoint += 1;
    }
    if (record.head !== null && record.head.position === position) this.compareAt(record.head, 'head');
    this.lastSeen = position;
  }

  /** The places at or before `position` where the settled digests do not match the record. */
  failedThrough(position: Position): Position[] {
    const computed = this.computed;
    if (computed === null) throw new Error('the running digests computed elsewhere were not settled');
    const failed: Position[] = [];
    for (const entry of this.found) {
      if (!isComparison(entry) || entry.point.position > position) continue;
      const reached = entry.slot === 'head' ? computed.head : computed.checkpoints[entry.slot];
      if (reached !== entry.point.digest) failed.push(entry.point.position);
    }
    return failed;
  }

  /** The digests this inspection reached (it must have computed them itself). */
  computedDigests(): ComputedLogDigests {
    if (!this.computeHere || this.computed === null) throw new Error('this log digest inspection did not compute the digests itself');
    return this.computed;
  }

  /** The digests a verifier elsewhere reached, for an inspection that does not compute them. */
  settle(computed: ComputedLogDigests): void {
    if (this.computeHere) throw new Error('this log digest inspection computes its digests itself');
    this.computed = computed;
  }

  /** The findings, once every event read was observed (and, computed elsewhere, settled). */
  findings(): RaisedFinding[] {
    const record = this.record;
    const computed = this.computed;
    const out: RaisedFinding[] = [];
    for (const entry of this.found) {
      if (!isComparison(entry)) out.push(entry);
      else {
        if (computed === null) throw new Error('the running digests computed elsewhere were not settled before the findings were asked for');
        const reached = entry.slot === 'head' ? computed.head : computed.checkpoints[entry.slot];
        if (reached !== entry.point.digest) out.push(this.mismatchAt(entry));
      }
    }
    const head = record.head;
    if (head === null) {
      // A store older than the digest (no hash version 2 event) never had one: nothing was removed.
      if (record.headPosition !== null && this.firstHashV2 !== null) {
        out.push(
          logFinding(
            {
              zh: `存储中有截至位置 ${record.headPosition} 的事件，却没有它们的运行摘要，而这些事件带有哈希版本 2（自位置 ${this.firstHashV2} 起），是由保存运行摘要的账本写入的：摘要记录被删除了，无法排除流末尾的事件被删除。`,
              en: `the store holds events through position ${record.headPosition} but no running digest of them, though its events carry hash version 2 (from position ${this.firstHashV2}) and were written by a ledger that keeps one: its digest record was removed, so deletions at the end of streams cannot be ruled out.`,
            },
            [this.firstHashV2, record.headPosition],
          ),
        );
      }
      return out;
    }
    if (record.backfilledThrough !== null && this.firstHashV2 !== null && this.firstHashV2 <= record.backfilledThrough) {
      out.push(
        logFinding(
          {
            zh: `存储截至位置 ${record.backfilledThrough} 的运行摘要是在无摘要打开时按当时的文件重建的，但其中的事件带有哈希版本 2（自位置 ${this.firstHashV2} 起），是由追加时即保存摘要的账本写入的：摘要记录曾被删除，重建之前的删除和改动无法据此排除。`,
            en: `the store's running digest through position ${record.backfilledThrough} was rebuilt from the file as found when it was opened without one, yet events there carry hash version 2 (from position ${this.firstHashV2}), written by a ledger that kept the digest as it appended: the digest record had been removed, so deletions and edits before the rebuild cannot be ruled out by it.`,
          },
          [this.firstHashV2, record.backfilledThrough],
        ),
      );
    }
    if (record.headPosition === null || record.headPosition < head.position) {
      const last = record.headPosition === null ? 'it holds no events at all' : `its last event is at position ${record.headPosition}`;
      const lastZh = record.headPosition === null ? '存储中没有任何事件' : `其最后一个事件位于位置 ${record.headPosition}`;
      out.push(
        logFinding(
          {
            zh: `存储记录的追加截至位置 ${head.position}，但${lastZh}：日志末尾的事件被删除了；请从备份或以往检查的副本中恢复。`,
            en: `the store recorded appends through position ${head.position}, but ${last}: events were removed from the end of the log; restore them from a backup or an earlier inspection's copy.`,
          },
          [record.headPosition, this.lastMatched],
        ),
      );
    }
    return out;
  }

  /** How the digest was compared, for the report. */
  status(): string {
    const record = this.record;
    if (record.head === null) {
      return this.firstHashV2 === null && record.headPosition !== null
        ? 'not compared: the store keeps no running digest; its events predate it (none carries hash version 2)'
        : 'the store kept no running digest';
    }
    const backfilled = record.backfilledThrough === null ? '' : `; through position ${record.backfilledThrough} it was computed when the store file first got one, not as those events were appended`;
    const compared = record.checkpoints.filter((c) => this.lastSeen !== null && c.position <= this.lastSeen).length;
    const headCompared = this.lastSeen !== null && record.head.position <= this.lastSeen;
    return `compared with the store's running digest at ${compared} checkpoint(s)${headCompared ? ` and its head (position ${record.head.position})` : ''}${backfilled}`;
  }

  private compareAt(point: LogDigestPoint, slot: ComparedSlot): void {
    this.found.push({ slot, point, since: this.lastMatched });
    if (this.computeHere) {
      if (slot === 'head') this.computed!.head = this.running;
      else this.computed!.checkpoints[slot] = this.running;
    }
    // Take the recorded digest up again (the same when it matched), so a later stretch is judged on its own.
    this.running = point.digest;
    this.lastMatched = point.position;
  }

  private mismatchAt({ point, since }: Comparison): RaisedFinding {
    const from = since === null ? 'the first event' : `position ${since}`;
    const fromZh = since === null ? '第一个事件' : `位置 ${since}`;
    return logFinding(
      {
        zh: `从${fromZh}到位置 ${point.position} 的日志与存储追加时写下的运行摘要不符：该区段内的事件在存储文件中被删除、插入或调换了顺序。`,
        en: `the log from ${from} through position ${point.position} does not match the running digest the store wrote as it appended: events in that stretch were removed, inserted or reordered in the store file.`,
      },
      [since, point.position],
    );
  }

  private missingAt(point: LogDigestPoint, nextPosition: Position): void {
    this.found.push(
      logFinding(
        {
          zh: `位置 ${point.position} 没有事件，而存储在该处记录了运行摘要检查点（下一个事件位于 ${nextPosition}）：该处的事件已从存储文件中删除。`,
          en: `there is no event at position ${point.position}, where the store recorded a running-digest checkpoint (the next event is at ${nextPosition}): the event there was removed from the store file.`,
        },
        [this.lastMatched, nextPosition],
      ),
    );
    this.running = point.digest;
    this.lastMatched = point.position;
  }
}

function isComparison(entry: RaisedFinding | Comparison): entry is Comparison {
  return 'slot' in entry;
}

/** A finding about the log itself: no fund, resident or claim to name. */
function logFinding(message: Bilingual, evidence: Iterable<Position | null | undefined>): RaisedFinding {
  return { fundId: null, message, evidence: uniqueSortedPositions(evidence) };
}
