import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { loadPolicy, type Policy } from '@ledger/policy';
import { moduleWorkerData } from '../workers/module-worker';
import { type AuditJob, runAuditJob } from './audit-run';

/**
 * The API's audit thread (see audit.ts): runs one AuditJob per message and answers with its
 * serialised report, or with the error that stopped it. The policy is the API's own: the same
 * file, checked by its digest.
 */
export interface AuditWorkerData {
  policyFile?: string;
  policyDigest: string;
}

export type AuditWorkerReply = { id: number; json: Uint8Array; html: Uint8Array | null } | { id: number; error: { name: string; message: string } };

/**
 * An audit is background work that may take minutes; the API's own thread answers everyone else.
 * On two cores the kernel otherwise shares them evenly between this thread, the API's and the
 * clients', and /health waits a scheduler slice behind the audit. Linux keeps nice values per
 * thread, so pid 0 lowers this thread only (and the threads it starts); elsewhere it may lower the
 * whole process or be refused, which changes speed, never results.
 */
const AUDIT_THREAD_NICE = 10;
try {
  setPriority(0, AUDIT_THREAD_NICE);
} catch {
  // Not allowed here: the audit runs at the API's priority, as before.
}

const { policyFile, policyDigest } = moduleWorkerData<AuditWorkerData>(workerData);
let policy: Policy | null = null;

function thePolicy(): Policy {
  policy ??= loadPolicy(policyFile);
  if (policy.digest !== policyDigest) {
    throw new Error(`the policy parameters file changed since the API started (digest ${policy.digest}, the API's ${policyDigest}); restart the API`);
  }
  return policy;
}

parentPort!.on('message', (message: { id: number; job: AuditJob }) => {
  void (async () => {
    let reply: AuditWorkerReply;
    try {
      reply = { id: message.id, ...(await runAuditJob(message.job, thePolicy())) };
    } catch (error) {
      const { name, message: text } = error instanceof Error ? error : new Error(String(error));
      reply = { id: message.id, error: { name, message: text } };
    }
    // The report's bytes are handed over, not copied.
    const bytes = 'json' in reply ? [reply.json, reply.html].flatMap((part) => (part ? [part.buffer as ArrayBuffer] : [])) : [];
    parentPort!.postMessage(reply, bytes);
  })();
});
