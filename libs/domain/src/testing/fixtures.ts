import { loadPolicy } from '@ledger/policy';
import type { DecisionContext } from '../decide';
import { CommandRefused } from '../errors';

/** The given/when/then fixtures the domain's specs share (test support only; not exported from the library). */

/** The policy in force, as the ledger hands it to every decider. */
export const context: DecisionContext = { policy: loadPolicy() };

/** The refusal a command meets, so a spec can assert on its code and field; fails the spec if nothing refuses. */
export function refusal(run: () => unknown): CommandRefused {
  try {
    run();
  } catch (error) {
    if (error instanceof CommandRefused) return error;
    throw error;
  }
  throw new Error('expected the command to be refused');
}
