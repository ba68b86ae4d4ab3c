import { STATUS_CODES } from 'node:http';
import type { FastifyReply } from 'fastify';
import type { FieldProblem } from '@ledger/domain';

/** RFC 9457 problem details: the one shape every error of the API answers with (API.md). */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

export interface ProblemDetails {
  /** `about:blank`: the status and its title say what kind of problem it is. */
  type: 'about:blank';
  /** The HTTP reason phrase of the status ("Bad Request", "Unprocessable Entity"…), never a code. */
  title: string;
  status: number;
  /** What went wrong, for a person to act on. */
  detail: string;
  /** The same text as `detail`: kept for clients written against the first error shape. */
  message: string;
  /** For 400: every field at fault (the body itself is the field `body`). */
  problems?: FieldProblem[];
}

/**
 * Builds a problem. A 400 always names at least one field: a refusal with none (malformed JSON, an
 * undecodable body or path) is about the request as a whole, named `fallbackField`.
 */
export function problemOf(status: number, detail: string, problems: readonly FieldProblem[] = [], fallbackField = 'body'): ProblemDetails {
  const text = detail.length > 0 ? detail : (STATUS_CODES[status] ?? 'Error');
  const problem: ProblemDetails = { type: 'about:blank', title: STATUS_CODES[status] ?? 'Error', status, detail: text, message: text };
  if (problems.length > 0) problem.problems = problems.map(({ field, reason }) => ({ field, reason }));
  else if (status === 400) problem.problems = [{ field: fallbackField, reason: text }];
  return problem;
}

export function sendProblem(reply: FastifyReply, problem: ProblemDetails): void {
  void reply.status(problem.status).header('content-type', PROBLEM_CONTENT_TYPE).send(problem);
}
