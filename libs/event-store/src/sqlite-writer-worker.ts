import { parentPort, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { SqliteEventStore } from './sqlite-event-store';
import { EarlierAppendFailedError } from './ordered-appender';
import { packAppendResults, unpackStreamAppends } from './packed-appends';
import { serializeAppendError, type WriterReply, type WriterRequest, writerData } from './sqlite-writer-protocol';

/**
 * The writer thread's side (SqliteWriterThread): its own connection to the store file, appending
 * each request in the order received, one transaction each (appendEncoded: the same checks,
 * digest and answers as appendMany on the caller's thread).
 */
const { file } = writerData(workerData);
const store = new SqliteEventStore({ file });
/** Requests that did not land: a request made after one of them is refused unwritten. */
const failed = new Set<number>();
const port = parentPort!;

port.on('message', (request: WriterRequest) => {
  if (request.kind === 'close') {
    void store.close().then(() => port.postMessage({ kind: 'closed' } satisfies WriterReply));
    return;
  }
  const started = performance.now();
  const buffers = { bytes: request.appends.bytes, lengths: request.appends.lengths };
  const transfer: ArrayBuffer[] = [buffers.bytes, buffers.lengths.buffer as ArrayBuffer];
  let reply: WriterReply;
  try {
    if (request.after !== null && failed.has(request.after)) throw new EarlierAppendFailedError();
    const results = packAppendResults(store.appendEncoded(unpackStreamAppends(request.appends), request.condition));
    reply = { kind: 'appended', id: request.id, results, ms: performance.now() - started, buffers };
    transfer.push(results.revisions.buffer as ArrayBuffer, results.positions.buffer as ArrayBuffer);
  } catch (error) {
    failed.add(request.id);
    reply = { kind: 'failed', id: request.id, error: serializeAppendError(error), ms: performance.now() - started, buffers };
  }
  port.postMessage(reply, transfer);
});
