import {
  ArgumentsHost,
  BadRequestException,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
  ValidationError,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CommandRefused, FieldProblem, RefusalKind } from '@ledger/domain';
import { ContentionError, validationProblems } from '@ledger/application';
import { PolicyNotInForceError } from '@ledger/policy';
import { BODY_LIMIT_BYTES } from '../limits';
import { ProblemDetails, problemOf, sendProblem } from './problem';
import { ServiceBusy } from './busy';

const STATUS_OF: Record<RefusalKind, number> = {
  validation: HttpStatus.BAD_REQUEST,
  forbidden: HttpStatus.FORBIDDEN,
  'not-found': HttpStatus.NOT_FOUND,
  conflict: HttpStatus.CONFLICT,
  rule: HttpStatus.UNPROCESSABLE_ENTITY,
};

export function validationException(errors: ValidationError[]): BadRequestException {
  const problems = validationProblems(errors);
  return new BadRequestException({ message: problems.map((problem) => `${problem.field}: ${problem.reason}`).join('; '), problems });
}

/**
 * Every refusal answers one shape (problem.ts): a status, its title, a detail a person can act on
 * and, for a 400, the fields at fault. Whatever raised it — a decider, a guard, a pipe, Nest's
 * router (unknown route) or Fastify and the body parser before any route ran.
 */
@Catch()
export class LedgerExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('ledger-api');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const response = http.getResponse<FastifyReply>();
    const problem = this.problemFor(exception, () => http.getRequest<FastifyRequest>());
    if (problem.status === HttpStatus.UNAUTHORIZED) void response.header('www-authenticate', 'Bearer');
    if (exception instanceof ServiceBusy) void response.header('retry-after', String(exception.retryAfterSeconds));
    sendProblem(response, problem);
  }

  private problemFor(exception: unknown, request: () => FastifyRequest): ProblemDetails {
    if (exception instanceof CommandRefused) return problemOf(STATUS_OF[exception.kind], exception.message, exception.problems);
    if (exception instanceof ContentionError) return problemOf(HttpStatus.SERVICE_UNAVAILABLE, exception.message);
    if (isClientHttpError(exception)) {
      // Raised by Fastify and the JSON body parser before any route runs (body over the limit,
      // unsupported charset or encoding, malformed JSON, a malformed URL): Nest passes them on
      // unmapped, which would make them 500s. They are the client's, with a status of their own.
      const status = exception.status;
      // Over the limit as sent (Fastify's check) or once inflated (the JSON parser's): one reason.
      // Only the first has a size to name; a compressed body's Content-Length is not its size.
      const sentTooLarge = exception.code === 'FST_ERR_CTP_BODY_TOO_LARGE';
      const size = sentTooLarge ? request().headers['content-length'] : undefined;
      const detail =
        sentTooLarge || exception.type === 'entity.too.large'
          ? `request body too large: ${size === undefined ? `more than ${BODY_LIMIT_BYTES}` : size} bytes; the limit is ${BODY_LIMIT_BYTES} bytes`
          : exception.message;
      return problemOf(status, detail);
    }
    if (exception instanceof SyntaxError) {
      // JSON.parse's own refusal of a malformed body: the body is the field at fault.
      return problemOf(HttpStatus.BAD_REQUEST, `the body is not valid JSON: ${exception.message}`, [{ field: 'body', reason: `is not valid JSON: ${exception.message}` }]);
    }
    if (exception instanceof PolicyNotInForceError) {
      // A question about a date before the policy it needs took effect (fund figures as of 2016,
      // whose months-of-payment thresholds start in 2017): the input's, answered 422 on its field.
      // Commands never get here: they are refused in the application layer (withinPolicy).
      const reason = `no policy is in force on ${exception.on}: ${exception.parameterPath} takes effect ${exception.firstEffectiveDate}`;
      return problemOf(HttpStatus.UNPROCESSABLE_ENTITY, reason, [{ field: fieldHolding(request(), exception.on), reason }]);
    }
    if (exception instanceof HttpException) return problemOfHttpException(exception);
    this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    return problemOf(HttpStatus.INTERNAL_SERVER_ERROR, 'internal error; nothing was recorded unless a later read shows it');
  }
}

/** The query or body field that carried the date a refusal is about (`asOf`, `from`…). */
function fieldHolding(request: FastifyRequest, date: string): string {
  // The date itself, or else the latest date sent on or before it (a statement's `from`, when the
  // policy was asked about the end of its first month).
  let best: { field: string; value: string } | undefined;
  for (const source of [request.query, request.body]) {
    if (source === null || typeof source !== 'object') continue;
    const fields = source as Record<string, unknown>;
    for (const field of Object.keys(fields)) {
      const value = fields[field];
      if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}/.test(value)) continue;
      if (value.startsWith(date)) return field;
      if (value.slice(0, 10) <= date && (!best || value > best.value)) best = { field, value };
    }
  }
  return best?.field ?? 'asOf';
}

/** Nest's own exceptions (the router's 404, the guard's 401/403, 415): their message and any fields. */
function problemOfHttpException(exception: HttpException): ProblemDetails {
  const status = exception.getStatus();
  const body = exception.getResponse();
  if (typeof body === 'string') return problemOf(status, body);
  const { message, problems } = body as { message?: unknown; problems?: FieldProblem[] };
  const detail = Array.isArray(message) ? message.join('; ') : typeof message === 'string' ? message : exception.message;
  return problemOf(status, detail, Array.isArray(problems) ? problems : []);
}

/**
 * A client error raised before any route runs, not a Nest HttpException: Fastify's own (a `FST_`
 * code and a 4xx `statusCode`) or the JSON parser's (`http-errors` shaped: `status`, `expose`).
 */
function isClientHttpError(error: unknown): error is Error & { status: number; code?: string; type?: string } {
  if (!(error instanceof Error) || error instanceof HttpException) return false;
  const candidate = error as Error & { status?: unknown; statusCode?: unknown; expose?: unknown; code?: unknown };
  const fastifyError = typeof candidate.code === 'string' && candidate.code.startsWith('FST_');
  const status = fastifyError ? candidate.statusCode : candidate.expose === true ? candidate.status : undefined;
  if (typeof status !== 'number' || status < 400 || status >= 500) return false;
  candidate.status = status;
  return true;
}
