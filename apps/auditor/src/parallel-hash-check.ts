import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { type Auditor, type ComputedLogChain, type ComputedLogDigests, LogChain, LogDigestInspection, storedContentMatchesHash } from '@ledger/audit';
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

interface WorkerDone {
  done: true;
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
const { createHash } = require('node:crypto');
const Database = require(workerData.betterSqlite3);
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
  const after = metadata.hashVersion === 2 ? '\\n' + canonical({ recordedAt: metadata.recordedAt, recordedBy: metadata.recordedBy, requestDigest: metadata.requestDigest }) : '';
  // The ledger stores data in canonical form (integrity.ts canonicalCopy), so the stored text is
  // tried as it is first; only when that differs is it parsed and put in canonical form.
  if (createHash('sha256').update(before).update(row.data).update(after).digest('hex') === metadata.hash) return true;
  return createHash('sha256').update(before + canonical(JSON.parse(row.data)) + after).digest('hex') === metadata.hash;
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
  chain = createHash('sha256').update(chain + '\\n' + position + '\\n' + eventId + '\\n' + (typeof hash === 'string' ? hash : '')).digest('hex');
  if (baselinePosition !== null && position <= baselinePosition) chainAtBaseline = chain;
}
// Call after observeChain for the same event.
function observeDigest(position, eventId, hash) {
  if (digestThrough === null || position > digestThrough) return;
  while (nextCheckpoint < checkpoints.length && checkpoints[nextCheckpoint].position < position) running = checkpoints[nextCheckpoint++].digest;
  running = running === chainBefore ? chain : createHash('sha256').update(running + '\\n' + position + '\\n' + eventId + '\\n' + (typeof hash === 'string' ? hash : '')).digest('hex');
  if (nextCheckpoint < checkpoints.length && checkpoints[nextCheckpoint].position === position) {
    reached.checkpoints[nextCheckpoint] = running;
    running = checkpoints[nextCheckpoint++].digest;
  }
  if (head !== null && head.position === position) { reached.head = running; running = head.digest; }
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
    let matches = false;
    try {
      metadata = JSON.parse(row.metadata);
      matches = sealed || contentMatches(row, metadata);
    } catch (error) {
      matches = false;
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
parentPort.postMessage({ done: true, checked, mismatches, overflow, logDigests, logChain, digestUnreadable });
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
): ParallelHashCheck {
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

/**
 * The main-thread fallback: reads the events again, checks every content hash (when asked) and
 * recomputes the running log digest (when given the record the auditor was given).
 */
export async function checkHashesInline(
  store: EventStorePort,
  auditor: Auditor,
  through: Position,
  what: { contentHashes: boolean; logDigest: LogDigest | null; logChain?: boolean },
): Promise<void> {
  const digest = what.logDigest === null ? null : new LogDigestInspection(what.logDigest);
  // The chain too, unless the worker already computed it.
  const chain = what.logChain ?? true ? new LogChain(auditor.baselinePosition) : null;
  for await (const stored of store.readAll()) {
    if (stored.position > through) break;
    const sealed = auditor.resumedAfterPosition !== null && stored.position <= auditor.resumedAfterPosition;
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
    await checkHashesInline(store, auditor, through, { contentHashes: true, logDigest, logChain: true });
    return;
  }
  await check.stop();
  if (!result.overflow) recordSuspects(auditor, result.mismatches);
  if (result.logDigests) auditor.settleLogDigests(result.logDigests);
  if (result.logChain) auditor.settleLogChain(result.logChain);
  const digestInline = logDigest !== null && result.logDigests === null;
  const chainInline = result.logChain === null;
  if (result.overflow || digestInline || chainInline) {
    await checkHashesInline(store, auditor, through, { contentHashes: result.overflow, logDigest: digestInline ? logDigest : null, logChain: chainInline });
  }
}
