import { CURRENT_HASH_VERSION, GENESIS_HASH, UnknownEventError, upcast, type DomainEvent } from '@ledger/domain';
import type { Position, StoredEvent } from '@ledger/event-store';
import { type Bilingual, joinProblems, type RaisedFinding } from '../rule';
import { hashedContentOf, hashMatches } from '../fold/event-hash';
import { isCalendarDate, malformedFields } from '../fold/event-shapes';
import { FirstSeenIndex } from './first-seen';
import { checkChain, checkPlace, type HistoryConstants, type HistoryState, recordTip } from './history-check';
import { StreamTips } from './stream-tips';

/**
 * The integrity checks of every event read (the stream-integrity rule raises what they find;
 * inspections/stream-integrity.ts). SPEC.md: facts are "appended once, never updated or deleted; corrections are
 * new events"; integrity.ts: each event's hash covers its place, identity and content and the hash
 * of the event before it in its stream.
 *
 * Over every event read up to the cut-off (whatever its business date), in position order:
 * - positions strictly increasing;
 * - each stream's revisions 0, 1, 2… with no gap and no step back;
 * - event ids and business keys unique;
 * - a known event type and schema version (upcasters.ts), and data of the shape the type promises;
 * - the chain: metadata.previousHash equals the stored hash of the stream's previous event
 *   (GENESIS_HASH for revision 0), and eventHash(previousHash, content) equals metadata.hash.
 * An edited event breaks its own hash; a deleted or moved one breaks the next link. All problems
 * of one event make one finding (fundId null: the history itself is at fault, not a fund).
 *
 * The content hash is the costly part; a caller that has it checked elsewhere (the CLI's parallel
 * verifier) turns it off here and reports the events whose content does not match with
 * addContentMismatch(), before asking for the findings.
 */
export type DecodedEvent = DomainEvent & { position: Position; eventId: string; stream: string };

/** The decoded event when the auditor can fold it, null when it cannot be read at all. */
export type IntegrityOutcome = { event: DecodedEvent | null };

export interface EventProblems {
  stored: Pick<StoredEvent, 'eventId' | 'type' | 'stream' | 'revision' | 'position' | 'data'>;
  problems: Bilingual[];
  evidence: Array<Position | undefined>;
}

const NO_BUSINESS_DATE: Bilingual = { zh: '缺少业务日期（metadata.occurredAt）', en: 'it carries no business date (metadata.occurredAt)' };
/** The domain's genesis hash and hash version, for history-check.ts (a worker thread gets them as data). */
export const HISTORY_CONSTANTS: HistoryConstants = { genesisHash: GENESIS_HASH, currentHashVersion: CURRENT_HASH_VERSION };

const CONTENT_CHANGED: Bilingual = { zh: '其内容与哈希不符：写入后被改动过', en: 'its content does not match its hash: it was changed after it was written' };

export class StreamIntegrityCheck implements HistoryState {
  /** Events with problems, by position: one finding each, built when asked for. */
  private readonly troubled = new Map<Position, EventProblems>();

  constructor(private readonly verifyContentHashes = true) {}

  // The history checks' state (history-check.ts), unused when they run elsewhere.
  lastPosition: Position | null = null;
  readonly tips = new StreamTips();
  readonly eventIds = new FirstSeenIndex();
  readonly businessKeys = new FirstSeenIndex();
  /**
   * 'elsewhere': the history checks of history-check.ts (positions, revisions, duplicate ids and
   * keys, the chain, hash versions) run in the caller's worker thread, which hands their problems
   * over with addHistoryProblems() before the findings are asked for; only the business date and
   * the decoding are checked here.
   */
  historyChecks: 'here' | 'elsewhere' = 'here';

  /** Checks one stored event (problems are kept for findings()) and decodes it. */
  check(stored: StoredEvent): IntegrityOutcome {
    // Most events have no problem: nothing is allocated for one until it is found.
    const problem = (text: Bilingual, ...positions: Array<Position | undefined>) => this.addProblem(stored, text, positions);
    const metadata = (stored.metadata ?? {}) as Record<string, unknown>;

    const here = this.historyChecks !== 'elsewhere';
    const tip = here ? checkPlace(this, stored, metadata, problem) : undefined;
    if (!isCalendarDate(metadata.occurredAt)) problem(NO_BUSINESS_DATE);
    if (here) {
      // Only built when checked here: with a parallel verifier it would be garbage for every event.
      if (checkChain(this, stored, tip, metadata, HISTORY_CONSTANTS, problem) && this.verifyContentHashes) {
        if (!hashMatches(metadata.previousHash as string, hashedContentOf(stored)!, metadata.hash as string)) problem(CONTENT_CHANGED);
      }
      recordTip(this, stored, tip, metadata);
    }

    let decoded: DecodedEvent | null = null;
    try {
      const data = upcast(stored.type, metadata.schemaVersion as number, stored.data);
      const type = stored.type as DomainEvent['type'];
      const bad = malformedFields(type, data);
      if (bad.length) problem({ zh: `其 ${type} 数据格式错误（${bad.join(', ')}），无法重放`, en: `its ${type} data is malformed (${bad.join(', ')}), so it cannot be replayed` });
      else decoded = { type, data, businessKey: String(metadata.businessKey), occurredAt: String(metadata.occurredAt), position: stored.position, eventId: stored.eventId, stream: stored.stream } as DecodedEvent;
    } catch (error) {
      if (!(error instanceof UnknownEventError)) throw error;
      const what = `${stored.type} v${String(metadata.schemaVersion)}`;
      problem({ zh: `其类型 ${what} 不是已知事件（无升级器），无法重放`, en: `its type ${what} is not a known event (no upcaster), so it cannot be replayed` });
    }

    return { event: decoded };
  }

  /**
   * The problems the history checks found elsewhere for one event, in their order (checkPlace's,
   * then checkChain's; `placeCount` of them are checkPlace's). They take the places they have
   * when the checks run here: before the business date's problem for checkPlace's, after it for
   * checkChain's, and before the decoding's and a content mismatch's.
   */
  addHistoryProblems(stored: EventProblems['stored'], problems: readonly Bilingual[], placeCount: number, positions: ReadonlyArray<Position | undefined>): void {
    let entry = this.troubled.get(stored.position);
    if (!entry) this.troubled.set(stored.position, (entry = { stored, problems: [], evidence: [stored.position] }));
    const rest = entry.problems;
    const date = rest[0] === NO_BUSINESS_DATE ? rest.slice(0, 1) : [];
    entry.problems = [...problems.slice(0, placeCount), ...date, ...problems.slice(placeCount), ...rest.slice(date.length)];
    entry.evidence.push(...positions);
  }

  private addProblem(stored: EventProblems['stored'], text: Bilingual, positions: Array<Position | undefined>): void {
    let entry = this.troubled.get(stored.position);
    if (!entry) this.troubled.set(stored.position, (entry = { stored, problems: [], evidence: [stored.position] }));
    entry.problems.push(text);
    entry.evidence.push(...positions);
  }

  /** An event whose content another verifier found not to match its hash (see the class comment). */
  addContentMismatch(stored: EventProblems['stored']): void {
    this.addProblem(stored, CONTENT_CHANGED, []);
  }

  /** One finding per event with problems, in position order (fundId null: the history itself is at fault). */
  findings(): RaisedFinding[] {
    return [...this.troubled.values()].map(({ stored, problems, evidence }) => {
      const all = joinProblems(problems);
      const where = { zh: `流 ${stored.stream}，版本 ${stored.revision}，位置 ${stored.position}`, en: `stream ${stored.stream}, revision ${stored.revision}, position ${stored.position}` };
      return {
        fundId: null,
        residentId: residentOfStream(stored.stream),
        claimId: claimIdOf(stored.data),
        message: {
          zh: `事件 ${stored.eventId}（${stored.type}，${where.zh}）：${all.zh}。`,
          en: `event ${stored.eventId} (${stored.type}, ${where.en}): ${all.en}.`,
        },
        evidence,
      };
    });
  }

}

function residentOfStream(stream: string): string | null {
  return stream.startsWith('resident-') ? stream.slice('resident-'.length) : null;
}

function claimIdOf(data: unknown): string | null {
  if (data && typeof data === 'object' && typeof (data as { claimId?: unknown }).claimId === 'string') return (data as { claimId: string }).claimId;
  return null;
}
