import { GENESIS_HASH, UnknownEventError, upcast, type DomainEvent } from '@ledger/domain';
import type { Position, StoredEvent } from '@ledger/event-store';
import { type Bilingual, joinProblems, type RaisedFinding } from '../rule';
import { hashedContentOf, hashMatches, isKnownHashVersion } from '../fold/event-hash';
import { isCalendarDate, malformedFields } from '../fold/event-shapes';
import { FirstSeenIndex } from './first-seen';
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

interface EventProblems {
  stored: Pick<StoredEvent, 'eventId' | 'type' | 'stream' | 'revision' | 'position' | 'data'>;
  problems: Bilingual[];
  evidence: Array<Position | undefined>;
}

const CONTENT_CHANGED: Bilingual = { zh: '其内容与哈希不符：写入后被改动过', en: 'its content does not match its hash: it was changed after it was written' };

export class StreamIntegrityCheck {
  /** Events with problems, by position: one finding each, built when asked for. */
  private readonly troubled = new Map<Position, EventProblems>();

  constructor(private readonly verifyContentHashes = true) {}

  private lastPosition: Position | null = null;
  private readonly tips = new StreamTips();
  // An entry per event of the history: kept compact (see first-seen.ts).
  private readonly eventIds = new FirstSeenIndex();
  private readonly businessKeys = new FirstSeenIndex();

  /** Checks one stored event (problems are kept for findings()) and decodes it. */
  check(stored: StoredEvent): IntegrityOutcome {
    // Most events have no problem: nothing is allocated for one until it is found.
    const problem = (text: Bilingual, ...positions: Array<Position | undefined>) => this.addProblem(stored, text, positions);
    const metadata = (stored.metadata ?? {}) as Record<string, unknown>;

    if (this.lastPosition !== null && stored.position <= this.lastPosition) {
      problem(
        { zh: `其位置 ${stored.position} 不在前一事件位置 ${this.lastPosition} 之后`, en: `its position ${stored.position} does not follow the previous event's ${this.lastPosition}` },
        this.lastPosition,
      );
    }
    this.lastPosition = stored.position;

    const tip = this.tips.find(stored.stream);
    const expectedRevision = tip === undefined ? 0 : this.tips.revisionOf(tip) + 1;
    if (stored.revision !== expectedRevision) {
      problem(
        stored.revision > expectedRevision
          ? {
              zh: `流 ${stored.stream} 的版本 ${stored.revision} 紧接在版本 ${expectedRevision - 1} 之后：缺少 ${stored.revision - expectedRevision} 个事件`,
              en: `revision ${stored.revision} of stream ${stored.stream} follows revision ${expectedRevision - 1}: ${stored.revision - expectedRevision} event(s) missing`,
            }
          : {
              zh: `流 ${stored.stream} 的版本 ${stored.revision} 出现在版本 ${expectedRevision - 1} 之后：顺序错乱或重复`,
              en: `revision ${stored.revision} of stream ${stored.stream} comes after revision ${expectedRevision - 1}: reordered or duplicated`,
            },
        this.tips.positionOf(tip),
      );
    }

    const firstWithId = this.eventIds.firstOrAdd(stored.eventId, stored.position);
    if (firstWithId !== undefined) {
      problem({ zh: `事件编号 ${stored.eventId} 已在位置 ${firstWithId} 使用过`, en: `event id ${stored.eventId} was already used at position ${firstWithId}` }, firstWithId);
    }

    const businessKey = metadata.businessKey;
    if (typeof businessKey === 'string' && businessKey.length > 0) {
      const firstWithKey = this.businessKeys.firstOrAdd(businessKey, stored.position);
      if (firstWithKey !== undefined) {
        problem({ zh: `业务键 ${businessKey} 已在位置 ${firstWithKey} 记录过`, en: `business key ${businessKey} was already recorded at position ${firstWithKey}` }, firstWithKey);
      }
    } else {
      problem({ zh: '缺少业务键', en: 'it carries no business key' });
    }

    if (!isCalendarDate(metadata.occurredAt)) problem({ zh: '缺少业务日期（metadata.occurredAt）', en: 'it carries no business date (metadata.occurredAt)' });

    const previousHash = metadata.previousHash;
    const hash = metadata.hash;
    if (typeof previousHash !== 'string' || typeof hash !== 'string') {
      problem({ zh: '缺少哈希链（metadata.previousHash / metadata.hash）', en: 'it carries no hash chain (metadata.previousHash / metadata.hash)' });
    } else {
      if (tip === undefined ? previousHash !== GENESIS_HASH : !this.tips.hashIs(tip, previousHash)) {
        const tipPosition = this.tips.positionOf(tip);
        problem(
          tip !== undefined
            ? {
                zh: `哈希链断裂：其 previousHash 与本流位置 ${tipPosition} 的前一事件的哈希不符`,
                en: `the hash chain is broken: its previousHash does not match the hash of the stream's previous event at position ${tipPosition}`,
              }
            : {
                zh: `哈希链断裂：流 ${stored.stream} 的第一个事件不是从创始哈希开始`,
                en: `the hash chain is broken: the first event of stream ${stored.stream} does not start from the genesis hash`,
              },
          tipPosition,
        );
      }
      if (!isKnownHashVersion(metadata.hashVersion)) {
        const version = JSON.stringify(metadata.hashVersion);
        problem({ zh: `其哈希版本 ${version} 不为本检查程序所知，无法核对内容`, en: `its hash version ${version} is not one this auditor knows, so its content cannot be checked` });
      }
      // Only built when checked here: with a parallel verifier it would be garbage for every event.
      else if (this.verifyContentHashes && !hashMatches(previousHash, hashedContentOf(stored)!, hash)) problem(CONTENT_CHANGED);
    }
    const tipHash = typeof hash === 'string' ? hash : '';
    if (tip !== undefined) this.tips.update(tip, Math.max(stored.revision, this.tips.revisionOf(tip)), tipHash, stored.position);
    else this.tips.add(stored.stream, stored.revision, tipHash, stored.position);

    let decoded: DecodedEvent | null = null;
    try {
      const data = upcast(stored.type, metadata.schemaVersion as number, stored.data);
      const type = stored.type as DomainEvent['type'];
      const bad = malformedFields(type, data);
      if (bad.length) problem({ zh: `其 ${type} 数据格式错误（${bad.join(', ')}），无法重放`, en: `its ${type} data is malformed (${bad.join(', ')}), so it cannot be replayed` });
      else decoded = { type, data, businessKey: String(businessKey), occurredAt: String(metadata.occurredAt), position: stored.position, eventId: stored.eventId, stream: stored.stream } as DecodedEvent;
    } catch (error) {
      if (!(error instanceof UnknownEventError)) throw error;
      const what = `${stored.type} v${String(metadata.schemaVersion)}`;
      problem({ zh: `其类型 ${what} 不是已知事件（无升级器），无法重放`, en: `its type ${what} is not a known event (no upcaster), so it cannot be replayed` });
    }

    return { event: decoded };
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
