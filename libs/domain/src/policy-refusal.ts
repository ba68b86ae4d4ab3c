import { PolicyNotInForceError } from '@ledger/policy';
import type { LedgerCommand } from './commands';
import { CommandRefused, ruleBroken } from './errors';

/**
 * A fact dated before the policy parameters it needs took effect (a claim admitted 2016-12-31, an
 * enrollment for 2016) cannot be decided: that is a refusal of the input (422, naming the field the
 * date came from), not a server fault.
 */
export function refusedOutsidePolicy(command: LedgerCommand, error: PolicyNotInForceError): CommandRefused {
  return ruleBroken(
    `no policy is in force on ${error.on} to decide this by: ${error.parameterPath} takes effect ${error.firstEffectiveDate}`,
    fieldDated(command, error.on),
  );
}

/** The command's field holding the date the policy was asked about: that date itself, or the year it falls in. */
function fieldDated(command: LedgerCommand, on: string): string {
  const fields = command as unknown as Record<string, unknown>;
  const exact = Object.keys(fields).find((key) => fields[key] === on);
  if (exact) return exact;
  if (typeof fields.year === 'number' && on.startsWith(`${fields.year}-`)) return 'year';
  return Object.keys(fields).find((key) => key.endsWith('At') && typeof fields[key] === 'string') ?? 'body';
}

/** decide (or quote) with policy gaps answered as refusals. */
export function withinPolicy<T>(command: LedgerCommand, decide: () => T): T {
  try {
    return decide();
  } catch (error) {
    if (error instanceof PolicyNotInForceError) throw refusedOutsidePolicy(command, error);
    throw error;
  }
}
