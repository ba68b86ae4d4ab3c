import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { startModuleWorker } from '../workers/module-worker';
import type { AuditAnswer, AuditJob } from './audit-run';
import type { AuditWorkerData, AuditWorkerReply } from './audit-worker';

/**
 * The API's audit thread: a worker started at the first audit and kept for the next (starting one
 * costs more than most audits of a small store), stopped with the app. A worker that dies fails
 * the audits it held and is started afresh by the next one.
 */
export class AuditThread {
  private worker: Worker | null = null;
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (answer: AuditAnswer) => void; reject: (error: Error) => void }>();

  constructor(private readonly data: AuditWorkerData) {}

  run(job: AuditJob): Promise<AuditAnswer> {
    const worker = this.started();
    const id = (this.nextId += 1);
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, job });
    });
  }

  async stop(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (worker) await worker.terminate();
  }

  private started(): Worker {
    if (this.worker) return this.worker;
    const worker = startModuleWorker(join(__dirname, 'audit-worker'), this.data);
    // The HTTP server keeps the process alive while an audit is asked for; an idle thread must not.
    worker.unref();
    worker.on('message', (reply: AuditWorkerReply) => this.answer(reply));
    worker.on('error', (error) => this.fail(worker, error));
    worker.on('exit', (code) => this.fail(worker, new Error(`the audit thread stopped (exit code ${code}) before it answered`)));
    this.worker = worker;
    return worker;
  }

  private answer(reply: AuditWorkerReply): void {
    const waiting = this.pending.get(reply.id);
    if (!waiting) return;
    this.pending.delete(reply.id);
    if ('error' in reply) waiting.reject(Object.assign(new Error(reply.error.message), { name: reply.error.name }));
    else waiting.resolve({ json: reply.json, html: reply.html });
  }

  private fail(worker: Worker, error: Error): void {
    if (this.worker === worker) this.worker = null;
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
  }
}
