import { EarlierAppendFailedError } from './ordered-appender';
import {
  type AppendCondition,
  BusinessKeyTakenError,
  EventIdConflictError,
  HeadMovedError,
  type StoredEvent,
  WrongExpectedRevisionError,
} from './port';
import type { PackBuffers, PackedAppends, PackedResults } from './packed-appends';

/**
 * The messages between SqliteWriterThread and its worker (sqlite-writer-worker.ts). An append's
 * buffers are transferred to the worker and back with its answer (`buffers`), for the next one.
 */
export type WriterRequest =
  | { kind: 'append'; id: number; after: number | null; appends: PackedAppends; condition: AppendCondition | undefined }
  | { kind: 'close' };

export type WriterReply =
  | { kind: 'appended'; id: number; results: PackedResults; ms: number; buffers: PackBuffers }
  | { kind: 'failed'; id: number; error: SerializedAppendError; ms: number; buffers: PackBuffers }
  | { kind: 'closed' };

export interface WriterData {
  file: string;
}

/** The worker's data, whether it was started from the build or from the sources (which wrap it). */
export function writerData(data: unknown): WriterData {
  const wrapped = data as { sources?: unknown; data?: WriterData };
  return (wrapped && typeof wrapped === 'object' && 'sources' in wrapped ? wrapped.data : data) as WriterData;
}

/** An error of the port crossing the thread as data, so the caller gets the same class back. */
export type SerializedAppendError =
  | { name: 'WrongExpectedRevisionError'; stream: string; expected: WrongExpectedRevisionError['expected']; actual: WrongExpectedRevisionError['actual'] }
  | { name: 'HeadMovedError'; expectedHead: bigint | null; actualHead: bigint | null }
  | { name: 'BusinessKeyTakenError'; businessKey: string; existing: StoredEvent }
  | { name: 'EventIdConflictError'; eventId: string }
  | { name: 'EarlierAppendFailedError' }
  | { name: 'Error'; message: string; code?: string; stack?: string };

export function serializeAppendError(error: unknown): SerializedAppendError {
  if (error instanceof HeadMovedError) return { name: 'HeadMovedError', expectedHead: error.expectedHead, actualHead: error.actualHead };
  if (error instanceof WrongExpectedRevisionError) return { name: 'WrongExpectedRevisionError', stream: error.stream, expected: error.expected, actual: error.actual };
  if (error instanceof BusinessKeyTakenError) return { name: 'BusinessKeyTakenError', businessKey: error.businessKey, existing: error.existing };
  if (error instanceof EventIdConflictError) return { name: 'EventIdConflictError', eventId: error.eventId };
  if (error instanceof EarlierAppendFailedError) return { name: 'EarlierAppendFailedError' };
  const { message, stack, code } = error as { message?: string; stack?: string; code?: unknown };
  return { name: 'Error', message: String(message ?? error), stack, ...(typeof code === 'string' ? { code } : {}) };
}

export function deserializeAppendError(error: SerializedAppendError): Error {
  switch (error.name) {
    case 'HeadMovedError':
      return new HeadMovedError(error.expectedHead, error.actualHead);
    case 'WrongExpectedRevisionError':
      return new WrongExpectedRevisionError(error.stream, error.expected, error.actual);
    case 'BusinessKeyTakenError':
      return new BusinessKeyTakenError(error.businessKey, error.existing);
    case 'EventIdConflictError':
      return new EventIdConflictError(error.eventId);
    case 'EarlierAppendFailedError':
      return new EarlierAppendFailedError();
    default: {
      const out = new Error(`writer thread: ${error.message}`) as Error & { code?: string };
      if (error.code !== undefined) out.code = error.code;
      if (error.stack) out.stack = `${out.message}\n    (in the writer thread) ${error.stack}`;
      return out;
    }
  }
}
