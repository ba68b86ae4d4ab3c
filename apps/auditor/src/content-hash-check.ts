import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { type Auditor, storedContentMatchesHash } from '@ledger/audit';
import type { EventStorePort, Position, StoredEvent } from '@ledger/event-store';

/**
 * Recomputing every event's content hash is the largest single cost of an audit. On the embedded
 * store the CLI has it done by a worker thread reading the same SQLite file (read-only) while the
 * main thread replays: the worker reports the events whose content does not match, and each of
 * those is judged again on the main thread with integrity.ts's own eventHash before it becomes a
 * finding. The worker only uses Node's crypto and better-sqlite3, so its source is inline (it runs
 * the same under the compiled CLI and under the tests).
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
}

/** Suspects the worker ships back at most; past that, the main thread checks everything itself. */
const MAX_SUSPECTS = 10_000;

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const Database = require(workerData.betterSqlite3);
// canonicalJson of integrity.ts: object keys sorted by UTF-16 code units, undefined members left out.
function canonical(value) {
  if (value === null || typeof value !== 'object') { const text = JSON.stringify(value); return text === undefined ? 'null' : text; }
  if (Array.isArray(value)) return '[' + value.map(canonical).join(',') + ']';
  const keys = Object.keys(value).sort();
  const parts = [];
  for (const key of keys) if (value[key] !== undefined) parts.push(JSON.stringify(key) + ':' + canonical(value[key]));
  return '{' + parts.join(',') + '}';
}
const db = new Database(workerData.file, { readonly: true, fileMustExist: true });
const page = db.prepare('SELECT position, event_id, stream, revision, type, data, metadata FROM events WHERE position > ? AND position <= ? ORDER BY position LIMIT ?');
parentPort.postMessage({ ready: true });
const through = BigInt(workerData.through);
let after = 0n;
let checked = 0;
let overflow = false;
const mismatches = [];
for (;;) {
  const rows = page.all(after, through, workerData.pageSize);
  if (rows.length === 0) break;
  for (const row of rows) {
    checked += 1;
    let matches = false;
    try {
      const metadata = JSON.parse(row.metadata);
      if (typeof metadata.previousHash !== 'string' || typeof metadata.hash !== 'string') matches = true;
      else {
        const lines = [metadata.previousHash, row.stream, String(row.revision), row.event_id, row.type, String(metadata.schemaVersion),
          String(metadata.businessKey), String(metadata.occurredAt), canonical(JSON.parse(row.data))];
        // Hash version 2 also covers the provenance (event-hash.ts hashedContentOf); other versions are suspects, judged on the main thread.
        if (metadata.hashVersion === 2) lines.push(canonical({ recordedAt: metadata.recordedAt, recordedBy: metadata.recordedBy, requestDigest: metadata.requestDigest }));
        const text = metadata.hashVersion === undefined || metadata.hashVersion === 2 ? lines.join('\\n') : null;
        matches = text !== null && createHash('sha256').update(text).digest('hex') === metadata.hash;
      }
    } catch (error) {
      matches = false;
    }
    if (!matches) {
      if (mismatches.length < workerData.maxSuspects) {
        mismatches.push({ position: String(row.position), eventId: row.event_id, stream: row.stream, revision: row.revision, type: row.type, data: row.data, metadata: row.metadata });
      } else overflow = true;
    }
  }
  after = BigInt(rows[rows.length - 1].position);
}
db.close();
parentPort.postMessage({ done: true, checked, mismatches, overflow });
`;

export interface ContentHashCheck {
  /** Resolves once the worker has the file open; rejects when it could not start. */
  ready: Promise<void>;
  done: Promise<WorkerDone>;
  stop(): Promise<void>;
}

export function parallelHashCheckAvailable(): boolean {
  return availableParallelism() > 1;
}

/** Starts checking the content hashes of the events at positions 1…through in the SQLite file. */
// Pages small enough to die in the worker's young generation (see replay.ts's page size).
export function startContentHashCheck(file: string, through: Position, pageSize = 2_000): ContentHashCheck {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { file, through: through.toString(), pageSize, maxSuspects: MAX_SUSPECTS, betterSqlite3: require.resolve('better-sqlite3') },
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

/** The main-thread fallback: reads the events again and checks every content hash. */
export async function checkContentHashesInline(store: EventStorePort, auditor: Auditor, through: Position): Promise<void> {
  for await (const stored of store.readAll()) {
    if (stored.position > through) break;
    if (!storedContentMatchesHash(stored)) auditor.recordContentMismatch(stored);
  }
}
