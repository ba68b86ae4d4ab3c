import type { Policy } from '@ledger/policy';
import type { PendingFinding } from '../findings';

/** What an inspection may use while the history is replayed: the policy, and a place to put findings. */
export interface InspectionContext {
  readonly policy: Policy;
  raise(finding: PendingFinding): void;
}
