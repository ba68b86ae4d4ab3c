import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { AppendTicket, type OrderedAppender } from './ordered-appender';
import type { AppendCondition, AppendResult, StreamAppend } from './port';
import { type PackBuffers, packStreamAppends, unpackAppendResults } from './packed-appends';
import { deserializeAppendError, type WriterData, type WriterReply, type WriterRequest } from './sqlite-writer-protocol';

/**
 * The embedded store's appends on a thread of their own (the machine's second core): a worker
 * with its own connection to the same file commits one transaction while the caller decides and
 * encodes the next. The caller hands over the columns' texts as UTF-8 in one transferred buffer,
 * their lengths in another (PackedAppends), not objects.
 *
 * Durability is the store's: each submission is one transaction committed with synchronous=FULL
 * before its ticket resolves, in the order submitted, so a crash loses only submissions whose
 * tickets had not resolved, whole. Another process (or the caller's own connection) may write the
 * file meanwhile: the worker's transactions take the write lock and check expected revisions as
 * any append does.
 */
export class SqliteWriterThread implements OrderedAppender {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, { resolve: (results: AppendResult[]) => void; reject: (error: Error) => void }>();
  private readonly ids = new WeakMap<AppendTicket, number>();
  private nextId = 1;
  /** Buffers the worker handed back, for the next submissions to write into (at most two are out). */
  private readonly spare: PackBuffers[] = [];
  private exited: Error | null = null;
  private closing: Promise<void> | null = null;
  /** Milliseconds the worker spent in its append transactions (commit included). */
  appendMs = 0;

  constructor(file: string) {
    this.worker = startWriterWorker({ file });
    this.worker.on('message', (reply: WriterReply) => this.onReply(reply));
    this.worker.on('error', (error) => this.failAll(error));
    this.worker.on('exit', (code) => this.failAll(new Error(`the store's writer thread exited (code ${code})`)));
  }

  submit(appends: StreamAppend[], condition: AppendCondition | undefined, after: AppendTicket | null): AppendTicket {
    const id = this.nextId++;
    const done = new Promise<AppendResult[]>((resolvePromise, reject) => {
      if (this.exited || this.closing) return reject(this.exited ?? new Error('the store\'s writer thread is closed'));
      this.waiting.set(id, { resolve: resolvePromise, reject });
      const packed = packStreamAppends(appends, this.spare.pop());
      const request: WriterRequest = { kind: 'append', id, after: after === null ? null : (this.ids.get(after) ?? null), appends: packed, condition };
      this.worker.postMessage(request, [packed.bytes, packed.lengths.buffer as ArrayBuffer]);
    });
    const ticket = new AppendTicket(done);
    this.ids.set(ticket, id);
    return ticket;
  }

  private onReply(reply: WriterReply): void {
    if (reply.kind === 'closed') return;
    this.appendMs += reply.ms;
    if (this.spare.length < MAX_SPARE_BUFFERS) this.spare.push(reply.buffers);
    const waiting = this.waiting.get(reply.id);
    this.waiting.delete(reply.id);
    if (reply.kind === 'appended') waiting?.resolve(unpackAppendResults(reply.results));
    else waiting?.reject(deserializeAppendError(reply.error));
  }

  private failAll(error: Error): void {
    this.exited ??= error;
    for (const { reject } of this.waiting.values()) reject(error);
    this.waiting.clear();
  }

  /** Waits for every submission to settle, then closes the worker's connection and the thread. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.exited) return;
      const closed = new Promise<void>((resolveClosed) => {
        this.worker.on('message', (reply: WriterReply) => reply.kind === 'closed' && resolveClosed());
        this.worker.once('exit', () => resolveClosed());
      });
      this.worker.postMessage({ kind: 'close' } satisfies WriterRequest);
      await closed;
      await this.worker.terminate();
    })();
    return this.closing;
  }
}

/** Submissions overlap by one (OneBatchInFlight): two sets of buffers cover them. */
const MAX_SPARE_BUFFERS = 2;

/**
 * Compiled, the worker is its own .js file; run from the TypeScript sources (jest, the crash
 * tests' children) it first installs the tests' in-memory compilation, as
 * apps/ledger-api/src/workers/module-worker.ts does for the API's workers.
 */
function startWriterWorker(data: WriterData): Worker {
  const entry = resolve(__dirname, 'sqlite-writer-worker');
  if (!__filename.endsWith('.ts')) return new Worker(`${entry}.js`, { workerData: data });
  const register = resolve(__dirname, '..', '..', '..', 'test', 'e2e', 'support', 'register-ts.js');
  return new Worker(FROM_SOURCES, { eval: true, workerData: { sources: { register, entry: `${entry}.ts` }, data } });
}

const FROM_SOURCES = `
const { workerData } = require('node:worker_threads');
require(workerData.sources.register);
require(workerData.sources.entry);
`;
