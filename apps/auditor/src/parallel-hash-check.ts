import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import {
  type Auditor,
  checkHistory,
  type ComputedLogChain,
  type ComputedLogDigests,
  HISTORY_CHECK_FILE,
  HISTORY_CONSTANTS,
  type HistoryProblems,
  LogChain,
  LogDigestInspection,
  newHistoryState,
  storedContentMatchesHash,
} from '@ledger/audit';
import type { EventStorePort, LogDigest, Position, StoredEvent } from '@ledger/event-store';

/**
 * Recomputing every event's content hash is the largest single cost of an audit, and the store's
 * running log digest is another sha256 per event. On the embedded store the CLI has both done by a
 * worker thread reading the same SQLite file (read-only) while the main thread replays:
 * - content: the worker reports the events whose content does not match, and each of those is
 *   judged again on the main thread with integrity.ts's own eventHash before it becomes a finding;
 * - log digest: the worker walks the store's recorded checkpoints as LogDigestInspection does
 *   (log-digest.ts of @ledger/audit: digest steps of event-store's log-digest.ts, the recorded
 *   digest taken up again after each comparison) and hands back the digest it reached at each;
 *   the main thread's inspection judges them.
 * The worker only uses Node's crypto and better-sqlite3, so its source is inline (it runs the same
 * under the compiled CLI and under the tests, which compare it with the main-thread code).
 *
 * Anything unexpected — no second core, a worker that fails, too many suspects to ship back —
 * and the hashes are checked on the main thread instead: slower, never different.
 */
export interface ContentMismatchRow {
  position: string;
  eventId: string;
  stream: string;
  revision: number;
  type: string;
  data: string;
  metadata: string;
}

/** An event the worker's history checks found problems with (integrity/history-check.ts). */
interface HistoryFoundRow {
  position: bigint;
  eventId: string;
  stream: string;
  revision: number;
  type: string;
  data: string;
  found: HistoryProblems;
}

interface WorkerDone {
  done: true;
  /** Null when the worker was not asked to run the history checks. */
  history: { found: HistoryFoundRow[]; overflow: boolean; unreadable: boolean } | null;
  checked: number;
  mismatches: ContentMismatchRow[];
  overflow: boolean;
  /** Null when no digest record was given. */
  logDigests: ComputedLogDigests | null;
  /** The running log digest over every event read, from the first (log-baseline.ts); null when a metadata was unreadable. */
  logChain: ComputedLogChain | null;
}

/** Suspects the worker ships back at most; past that, the main thread checks everything itself. */
const MAX_SUSPECTS = 10_000;

/** The store's digest record as the worker gets it: positions as decimal text. */
interface WorkerLogDigest {
  headPosition: string | null;
  head: { position: string; digest: string } | null;
  checkpoints: Array<{ position: string; digest: string }>;
}

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const crypto = require('node:crypto');
const Database = require(workerData.betterSqlite3);
// One call per digest: building a Hash object per event cost the worker as much as the hashing.
const sha256 = typeof crypto.hash === 'function' ? (text) => crypto.hash('sha256', text) : (text) => crypto.createHash('sha256').update(text).digest('hex');
// canonicalJson of integrity.ts: object keys sorted by UTF-16 code units, undefined members left out.
function canonical(value) {
  if (value === null || typeof value !== 'object') { const text = JSON.stringify(value); return text === undefined ? 'null' : text; }
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i += 1) { if (i > 0) out += ','; if (i in value) out += canonical(value[i]); }
    return out + ']';
  }
  const keys = Object.keys(value).sort();
  let out = '{';
  let first = true;
  for (const key of keys) {
    const inner = value[key];
    if (inner === undefined) continue;
    if (!first) out += ',';
    first = false;
    out += JSON.stringify(key) + ':' + canonical(inner);
  }
  return out + '}';
}
function contentMatches(row, metadata) {
  if (typeof metadata.previousHash !== 'string' || typeof metadata.hash !== 'string') return true;
  // Hash version 2 also covers the provenance (event-hash.ts hashedContentOf); other versions are suspects, judged on the main thread.
  if (metadata.hashVersion !== undefined && metadata.hashVersion !== 2) return false;
  const before = metadata.previousHash + '\\n' + row.stream + '\\n' + row.revision + '\\n' + row.event_id + '\\n' + row.type + '\\n' + metadata.schemaVersion
    + '\\n' + metadata.businessKey + '\\n' + metadata.occurredAt + '\\n';
  const after = metadata.hashVersion === 2 ? '\\n' + provenanceText(metadata) : '';
  // The ledger stores data in canonical form (integrity.ts canonicalCopy), so the stored text is
  // tried as it is first; only when that differs is it parsed and put in canonical form.
  if (sha256(before + row.data + after) === metadata.hash) return true;
  return sha256(before + canonical(JSON.parse(row.data)) + after) === metadata.hash;
}
// canonical() of the provenance, written out for the form every ledger write has (recordedBy a
// { role, subject } pair of texts); any other form goes through canonical(). Only a match is ever
// trusted here, so a text built wrongly could make a suspect for the main thread, never hide one.
function provenanceText(metadata) {
  const by = metadata.recordedBy;
  if (typeof metadata.recordedAt === 'string' && typeof metadata.requestDigest === 'string' && by !== null && typeof by === 'object'
    && !Array.isArray(by) && typeof by.role === 'string' && typeof by.subject === 'string' && Object.keys(by).length === 2) {
    return '{"recordedAt":' + JSON.stringify(metadata.recordedAt) + ',"recordedBy":{"role":' + JSON.stringify(by.role) + ',"subject":' + JSON.stringify(by.subject)
      + '},"requestDigest":' + JSON.stringify(metadata.requestDigest) + '}';
  }
  return canonical({ recordedAt: metadata.recordedAt, recordedBy: metadata.recordedBy, requestDigest: metadata.requestDigest });
}
// The running log digest (event-store log-digest.ts logDigestStep), walked as LogDigestInspection walks it.
const record = workerData.logDigest;
const checkpoints = record ? record.checkpoints.map((c) => ({ position: BigInt(c.position), digest: c.digest })) : [];
const head = record && record.head ? { position: BigInt(record.head.position), digest: record.head.digest } : null;
const digestThrough = record && record.headPosition !== null ? BigInt(record.headPosition) : null;
const reached = { checkpoints: new Array(checkpoints.length).fill(null), head: null };
let running = '0'.repeat(64);
let nextCheckpoint = 0;
// The chain over every event read from the first, never taken up from the record (log-baseline.ts LogChain).
const baselinePosition = workerData.baselinePosition === null ? null : BigInt(workerData.baselinePosition);
let chain = '0'.repeat(64);
let chainAtBaseline = baselinePosition === null ? null : chain;
// The chain's value before the last event observed: while the record's digest agrees with the
// chain (an untouched store, from the first event on) the digest's step is the chain's step, the
// same sha256 of the same text, so it is taken from the chain instead of computed a second time.
let chainBefore = chain;
function observeChain(position, eventId, hash) {
  chainBefore = chain;
  chain = sha256(chain + '\\n' + position + '\\n' + eventId + '\\n' + (typeof hash === 'string' ? hash : ''));
  if (baselinePosition !== null && position <= baselinePosition) chainAtBaseline = chain;
}
// Call after observeChain for the same event.
function observeDigest(position, eventId, hash) {
  if (digestThrough === null || position > digestThrough) return;
  while (nextCheckpoint < checkpoints.length && checkpoints[nextCheckpoint].position < position) running = checkpoints[nextCheckpoint++].digest;
  running = running === chainBefore ? chain : sha256(running + '\\n' + position + '\\n' + eventId + '\\n' + (typeof hash === 'string' ? hash : ''));
  if (nextCheckpoint < checkpoints.length && checkpoints[nextCheckpoint].position === position) {
    reached.checkpoints[nextCheckpoint] = running;
    running = checkpoints[nextCheckpoint++].digest;
  }
  if (head !== null && head.position === position) { reached.head = running; running = head.digest; }
}
// The history checks (positions, revisions, duplicate ids and keys, chain links): the auditor's own
// module, loaded from its file — compiled, or TypeScript under the tests.
function loadHistoryModule(file) {
  if (file.endsWith('.ts') && !require.extensions['.ts']) {
    const ts = require(workerData.typescript);
    const { readFileSync } = require('node:fs');
    const compilerOptions = { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 };
    require.extensions['.ts'] = (module, filename) => module._compile(ts.transpileModule(readFileSync(filename, 'utf8'), { compilerOptions, fileName: filename }).outputText, filename);
  }
  return require(file);
}
const historyModule = workerData.history ? loadHistoryModule(workerData.history.file) : null;
const historyState = historyModule ? historyModule.newHistoryState() : null;
const history = historyModule ? { found: [], overflow: false, unreadable: false } : null;
function checkHistoryOf(row, metadata) {
  const found = historyModule.checkHistory(historyState, { position: row.position, eventId: row.event_id, stream: row.stream, revision: Number(row.revision) }, metadata ?? {}, workerData.history.constants);
  if (found === null) return;
  if (history.found.length < workerData.maxSuspects) {
    history.found.push({ position: row.position, eventId: row.event_id, stream: row.stream, revision: Number(row.revision), type: row.type, data: row.data, found });
  } else history.overflow = true;
}
const db = new Database(workerData.file, { readonly: true, fileMustExist: true });
const page = db.prepare('SELECT position, event_id, stream, revision, type, data, metadata FROM events WHERE position > ? AND position <= ? ORDER BY position LIMIT ?');
page.safeIntegers(true);
// Through a sealed position (a resumed audit) only the log digests are recomputed: the content was judged by the audit that sealed it.
const logOnly = db.prepare('SELECT position, event_id, metadata FROM events WHERE position > ? AND position <= ? ORDER BY position LIMIT ?');
logOnly.safeIntegers(true);
const contentAfter = workerData.contentAfter === null ? 0n : BigInt(workerData.contentAfter);
parentPort.postMessage({ ready: true });
const through = BigInt(workerData.through);
let after = 0n;
let checked = 0;
let overflow = false;
let digestUnreadable = false;
const mismatches = [];
for (;;) {
  const sealed = after < contentAfter;
  const rows = sealed ? logOnly.all(after, contentAfter < through ? contentAfter : through, workerData.pageSize) : page.all(after, through, workerData.pageSize);
  if (rows.length === 0) {
    if (sealed && contentAfter < through) { after = contentAfter; continue; }
    break;
  }
  for (const row of rows) {
    if (!sealed) checked += 1;
    let metadata = null;
    let parsed = false;
    let matches = false;
    try {
      metadata = JSON.parse(row.metadata);
      parsed = true;
      matches = sealed || contentMatches(row, metadata);
    } catch (error) {
      matches = false;
    }
    if (history !== null && !sealed) {
      if (parsed) checkHistoryOf(row, metadata);
      else history.unreadable = true;
    }
    // Metadata the main thread's replay could not read either: that audit stops, or the main thread recomputes.
    if (metadata === null || typeof metadata !== 'object') digestUnreadable = true;
    else {
      observeChain(row.position, row.event_id, metadata.hash);
      observeDigest(row.position, row.event_id, metadata.hash);
    }
    if (!matches) {
      if (mismatches.length < workerData.maxSuspects) {
        mismatches.push({ position: String(row.position), eventId: row.event_id, stream: row.stream, revision: Number(row.revision), type: row.type, data: row.data, metadata: row.metadata });
      } else overflow = true;
    }
  }
  after = rows[rows.length - 1].position;
}
db.close();
const logDigests = record && !digestUnreadable
  ? { checkpoints: reached.checkpoints.map((d) => (d === null ? undefined : d)), head: reached.head === null ? undefined : reached.head }
  : null;
const logChain = digestUnreadable ? null : { through: chain, atBaseline: chainAtBaseline };
parentPort.postMessage({ done: true, checked, mismatches, overflow, logDigests, logChain, digestUnreadable, history });
`;

export interface ParallelHashCheck {
  /** Resolves once the worker has the file open; rejects when it could not start. */
  ready: Promise<void>;
  done: Promise<WorkerDone>;
  stop(): Promise<void>;
}

export function parallelHashCheckAvailable(): boolean {
  return availableParallelism() > 1;
}

function workerLogDigest(record: LogDigest | null): WorkerLogDigest | null {
  if (record === null) return null;
  return {
    headPosition: record.headPosition === null ? null : record.headPosition.toString(),
    head: record.head === null ? null : { position: record.head.position.toString(), digest: record.head.digest },
    checkpoints: record.checkpoints.map((c) => ({ position: c.position.toString(), digest: c.digest })),
  };
}

/**
 * Starts checking the content hashes of the events at positions 1…through in the SQLite file and,
 * given the store's digest record (read before the replay, as the auditor gets it), recomputing
 * the running log digest over them.
 */
// Pages small enough to die in the worker's young generation (see replay.ts's page size).
export function startParallelHashCheck(
  file: string,
  through: Position,
  logDigest: LogDigest | null,
  pageSize = 2_000,
  baselinePosition: Position | null = null,
  /** A resumed audit's sealed position: content hashes only after it (the log digests from the first event still). */
  contentAfter: Position | null = null,
  /** Also run the history checks (an auditor with historyChecks 'elsewhere'); never with contentAfter. */
  historyChecks = false,
): ParallelHashCheck {
  if (historyChecks && contentAfter !== null) throw new Error('a resumed audit runs its history checks itself');
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      file,
      through: through.toString(),
      pageSize,
      maxSuspects: MAX_SUSPECTS,
      logDigest: workerLogDigest(logDigest),
      baselinePosition: baselinePosition === null ? null : baselinePosition.toString(),
      contentAfter: contentAfter === null ? null : contentAfter.toString(),
      betterSqlite3: require.resolve('better-sqlite3'),
      history: historyChecks ? { file: HISTORY_CHECK_FILE, constants: HISTORY_CONSTANTS } : null,
      // Only under the tests, where the auditor's modules are TypeScript.
      typescript: historyChecks && HISTORY_CHECK_FILE.endsWith('.ts') ? require.resolve('typescript') : null,
    },
  });
  let settleReady: { resolve: () => void; reject: (error: Error) => void };
  let settleDone: { resolve: (result: WorkerDone) => void; reject: (error: Error) => void };
  const ready = new Promise<void>((resolve, reject) => (settleReady = { resolve, reject }));
  const done = new Promise<WorkerDone>((resolve, reject) => (settleDone = { resolve, reject }));
  worker.on('message', (message: { ready?: true } | WorkerDone) => {
    if ('ready' in message) settleReady.resolve();
    else if ('done' in message) settleDone.resolve(message);
  });
  worker.on('error', (error) => {
    settleReady.reject(error);
    settleDone.reject(error);
  });
  worker.on('exit', (code) => {
    const error = new Error(`the hash-check worker stopped (exit code ${code}) before it finished`);
    settleReady.reject(error);
    settleDone.reject(error);
  });
  // Whoever does not wait for one of them must not see an unhandled rejection.
  ready.catch(() => undefined);
  done.catch(() => undefined);
  return { ready, done, stop: async () => void (await worker.terminate()) };
}

function storedOf(row: ContentMismatchRow): StoredEvent {
  return {
    eventId: row.eventId,
    type: row.type,
    stream: row.stream,
    revision: row.revision,
    position: BigInt(row.position),
    data: JSON.parse(row.data),
    metadata: JSON.parse(row.metadata),
  };
}

/** Judges the worker's suspects with integrity.ts's eventHash and records the ones that really differ. */
export function recordSuspects(auditor: Auditor, suspects: readonly ContentMismatchRow[]): void {
  for (const row of suspects) {
    let stored: StoredEvent;
    try {
      stored = storedOf(row);
    } catch {
      continue; // unreadable JSON: the main replay already reported the event as malformed
    }
    if (!storedContentMatchesHash(stored)) auditor.recordContentMismatch(stored);
  }
}

/** The worker's history findings handed to the auditor. */
export function recordHistoryFound(auditor: Auditor, rows: readonly HistoryFoundRow[]): void {
  for (const row of rows) {
    let data: unknown = null;
    try {
      data = JSON.parse(row.data);
    } catch {
      // unreadable JSON: the main replay could not read the event either
    }
    auditor.recordHistoryProblems({ eventId: row.eventId, type: row.type, stream: row.stream, revision: row.revision, position: row.position, data }, row.found);
  }
}

/**
 * The main-thread fallback: reads the events again, checks every content hash (when asked),
 * recomputes the running log digest (when given the record the auditor was given) and runs the
 * history checks (when asked).
 */
export async function checkHashesInline(
  store: EventStorePort,
  auditor: Auditor,
  through: Position,
  what: { contentHashes: boolean; logDigest: LogDigest | null; logChain?: boolean; history?: boolean },
): Promise<void> {
  const digest = what.logDigest === null ? null : new LogDigestInspection(what.logDigest);
  // The chain too, unless the worker already computed it.
  const chain = what.logChain ?? true ? new LogChain(auditor.baselinePosition) : null;
  const history = what.history ? newHistoryState() : null;
  for await (const stored of store.readAll()) {
    if (stored.position > through) break;
    const sealed = auditor.resumedAfterPosition !== null && stored.position <= auditor.resumedAfterPosition;
    if (history !== null) {
      const found = checkHistory(history, stored, (stored.metadata ?? {}) as Record<string, unknown>, HISTORY_CONSTANTS);
      if (found !== null) auditor.recordHistoryProblems(stored, found);
    }
    if (what.contentHashes && !sealed && !storedContentMatchesHash(stored)) auditor.recordContentMismatch(stored);
    digest?.observe(stored);
    chain?.observe(stored);
  }
  if (digest) auditor.settleLogDigests(digest.computedDigests());
  if (chain) auditor.settleLogChain(chain.computed());
}

/**
 * The worker's verdicts, or — for what it failed at or had too much to say about — the main
 * thread's own check. `logDigest`: the record the auditor was given (null: the store keeps none).
 */
export async function collectHashCheck(
  check: ParallelHashCheck,
  store: EventStorePort,
  auditor: Auditor,
  through: Position,
  logDigest: LogDigest | null,
): Promise<void> {
  let result: WorkerDone;
  try {
    result = await check.done;
  } catch {
    await check.stop();
    await checkHashesInline(store, auditor, through, { contentHashes: true, logDigest, logChain: true, history: auditor.historyChecksElsewhere });
    return;
  }
  await check.stop();
  const historyInline = auditor.historyChecksElsewhere && (result.history === null || result.history.overflow || result.history.unreadable);
  if (auditor.historyChecksElsewhere && !historyInline) recordHistoryFound(auditor, result.history!.found);
  if (!result.overflow) recordSuspects(auditor, result.mismatches);
  if (result.logDigests) auditor.settleLogDigests(result.logDigests);
  if (result.logChain) auditor.settleLogChain(result.logChain);
  const digestInline = logDigest !== null && result.logDigests === null;
  const chainInline = result.logChain === null;
  if (result.overflow || digestInline || chainInline || historyInline) {
    await checkHashesInline(store, auditor, through, { contentHashes: result.overflow, logDigest: digestInline ? logDigest : null, logChain: chainInline, history: historyInline });
  }
}
