/**
 * Why a command was refused. The HTTP edge maps each kind to its status code
 * (validation 400, forbidden 403, not-found 404, conflict 409, rule 422); nothing is written in any case.
 */
export type RefusalKind = 'validation' | 'forbidden' | 'not-found' | 'conflict' | 'rule';

export interface FieldProblem {
  field: string;
  reason: string;
}

export class CommandRefused extends Error {
  constructor(
    readonly kind: RefusalKind,
    message: string,
    readonly problems: FieldProblem[] = [],
  ) {
    super(message);
    this.name = 'CommandRefused';
  }
}

export const invalid = (field: string, reason: string) =>
  new CommandRefused('validation', `${field}: ${reason}`, [{ field, reason }]);
export const forbidden = (message: string) => new CommandRefused('forbidden', message);
export const notFound = (message: string) => new CommandRefused('not-found', message);
export const conflict = (message: string) => new CommandRefused('conflict', message);
export const ruleBroken = (message: string, field?: string) =>
  new CommandRefused('rule', message, field ? [{ field, reason: message }] : []);
