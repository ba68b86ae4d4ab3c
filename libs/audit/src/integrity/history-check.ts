import type { Position } from '@ledger/event-store';
import type { Bilingual } from '../rule';
import { FirstSeenIndex } from './first-seen';
import { StreamTips, type TipIndex } from './stream-tips';

/**
 * The checks of an event's place in the history that need nothing but the stored row's columns and
 * metadata (stream-check.ts has the rest): positions strictly increasing, each stream's revisions
 * 0, 1, 2… with no gap or step back, event ids and business keys unique, the hash chain's link to
 * the stream's previous event, and a hash version this auditor knows.
 *
 * Kept apart, with no run-time import but first-seen.ts and stream-tips.ts (and theirs, which
 * must stay Node built-ins and relative paths), so that the CLI's hash-check worker thread loads
 * this very module (HISTORY_CHECK_FILE) and runs the checks on the second core while the main
 * thread folds: one implementation whichever thread runs it.
 */
export interface HistoryState {
  lastPosition: Position | null;
  readonly tips: StreamTips;
  // An entry per event of the history: kept compact (see first-seen.ts).
  readonly eventIds: FirstSeenIndex;
  readonly businessKeys: FirstSeenIndex;
}

/** The stored row's columns the checks read. */
export interface HistoryRow {
  position: Position;
  eventId: string;
  stream: string;
  revision: number;
}

/** What the checks need of the domain, handed in so this module stays loadable on its own. */
export interface HistoryConstants {
  genesisHash: string;
  currentHashVersion: number;
}

export type ReportProblem = (text: Bilingual, ...positions: Array<Position | undefined>) => void;

/** This module's own file (the compiled .js, or the .ts under the tests), for the worker thread to load. */
export const HISTORY_CHECK_FILE: string = __filename;

export function newHistoryState(): HistoryState {
  return { lastPosition: null, tips: new StreamTips(), eventIds: new FirstSeenIndex(), businessKeys: new FirstSeenIndex() };
}

/** Whether this auditor knows what a hash of this version (metadata.hashVersion) covers. */
export function knownHashVersion(version: unknown, constants: HistoryConstants): boolean {
  return version === undefined || version === constants.currentHashVersion;
}

/**
 * The first part, in the order a finding lists them: position, revision, event id, business key.
 * Returns the stream's tip before this event (for checkChain and recordTip).
 */
export function checkPlace(state: HistoryState, row: HistoryRow, metadata: Record<string, unknown>, problem: ReportProblem): TipIndex | undefined {
  if (state.lastPosition !== null && row.position <= state.lastPosition) {
    problem(
      { zh: `其位置 ${row.position} 不在前一事件位置 ${state.lastPosition} 之后`, en: `its position ${row.position} does not follow the previous event's ${state.lastPosition}` },
      state.lastPosition,
    );
  }
  state.lastPosition = row.position;

  const tips = state.tips;
  const tip = tips.find(row.stream);
  const expectedRevision = tip === undefined ? 0 : tips.revisionOf(tip) + 1;
  if (row.revision !== expectedRevision) {
    problem(
      row.revision > expectedRevision
        ? {
            zh: `流 ${row.stream} 的版本 ${row.revision} 紧接在版本 ${expectedRevision - 1} 之后：缺少 ${row.revision - expectedRevision} 个事件`,
            en: `revision ${row.revision} of stream ${row.stream} follows revision ${expectedRevision - 1}: ${row.revision - expectedRevision} event(s) missing`,
          }
        : {
            zh: `流 ${row.stream} 的版本 ${row.revision} 出现在版本 ${expectedRevision - 1} 之后：顺序错乱或重复`,
            en: `revision ${row.revision} of stream ${row.stream} comes after revision ${expectedRevision - 1}: reordered or duplicated`,
          },
      tips.positionOf(tip),
    );
  }

  const firstWithId = state.eventIds.firstOrAdd(row.eventId, row.position);
  if (firstWithId !== undefined) {
    problem({ zh: `事件编号 ${row.eventId} 已在位置 ${firstWithId} 使用过`, en: `event id ${row.eventId} was already used at position ${firstWithId}` }, firstWithId);
  }

  const businessKey = metadata.businessKey;
  if (typeof businessKey === 'string' && businessKey.length > 0) {
    const firstWithKey = state.businessKeys.firstOrAdd(businessKey, row.position);
    if (firstWithKey !== undefined) {
      problem({ zh: `业务键 ${businessKey} 已在位置 ${firstWithKey} 记录过`, en: `business key ${businessKey} was already recorded at position ${firstWithKey}` }, firstWithKey);
    }
  } else {
    problem({ zh: '缺少业务键', en: 'it carries no business key' });
  }
  return tip;
}

/**
 * The second part: the link to the stream's previous event and the hash version. Returns whether
 * the content hash can be checked (a chain of texts, of a known version): the caller checks it.
 */
export function checkChain(
  state: HistoryState,
  row: HistoryRow,
  tip: TipIndex | undefined,
  metadata: Record<string, unknown>,
  constants: HistoryConstants,
  problem: ReportProblem,
): boolean {
  const previousHash = metadata.previousHash;
  const hash = metadata.hash;
  if (typeof previousHash !== 'string' || typeof hash !== 'string') {
    problem({ zh: '缺少哈希链（metadata.previousHash / metadata.hash）', en: 'it carries no hash chain (metadata.previousHash / metadata.hash)' });
    return false;
  }
  const tips = state.tips;
  if (tip === undefined ? previousHash !== constants.genesisHash : !tips.hashIs(tip, previousHash)) {
    const tipPosition = tips.positionOf(tip);
    problem(
      tip !== undefined
        ? {
            zh: `哈希链断裂：其 previousHash 与本流位置 ${tipPosition} 的前一事件的哈希不符`,
            en: `the hash chain is broken: its previousHash does not match the hash of the stream's previous event at position ${tipPosition}`,
          }
        : {
            zh: `哈希链断裂：流 ${row.stream} 的第一个事件不是从创始哈希开始`,
            en: `the hash chain is broken: the first event of stream ${row.stream} does not start from the genesis hash`,
          },
      tipPosition,
    );
  }
  if (!knownHashVersion(metadata.hashVersion, constants)) {
    const version = JSON.stringify(metadata.hashVersion);
    problem({ zh: `其哈希版本 ${version} 不为本检查程序所知，无法核对内容`, en: `its hash version ${version} is not one this auditor knows, so its content cannot be checked` });
    return false;
  }
  return true;
}

/** The event becomes its stream's tip (after both parts). */
export function recordTip(state: HistoryState, row: HistoryRow, tip: TipIndex | undefined, metadata: Record<string, unknown>): void {
  const hash = metadata.hash;
  const tipHash = typeof hash === 'string' ? hash : '';
  const tips = state.tips;
  if (tip !== undefined) tips.update(tip, Math.max(row.revision, tips.revisionOf(tip)), tipHash, row.position);
  else tips.add(row.stream, row.revision, tipHash, row.position);
}

/** What the history checks found wrong with one event (null from checkHistory when nothing). */
export interface HistoryProblems {
  problems: Bilingual[];
  /** How many of `problems` are checkPlace's (the rest are checkChain's). */
  placeCount: number;
  evidence: Array<Position | undefined>;
}

/**
 * Both parts and the tip, for a caller with nothing to check in between (the worker thread, and
 * the main thread's fallback when the worker could not finish).
 */
export function checkHistory(state: HistoryState, row: HistoryRow, metadata: Record<string, unknown>, constants: HistoryConstants): HistoryProblems | null {
  let found: HistoryProblems | null = null;
  const problem: ReportProblem = (text, ...positions) => {
    found ??= { problems: [], placeCount: 0, evidence: [] };
    found.problems.push(text);
    found.evidence.push(...positions);
  };
  const tip = checkPlace(state, row, metadata, problem);
  const placeCount = found === null ? 0 : (found as HistoryProblems).problems.length;
  checkChain(state, row, tip, metadata, constants, problem);
  recordTip(state, row, tip, metadata);
  if (found !== null) (found as HistoryProblems).placeCount = placeCount;
  return found;
}
