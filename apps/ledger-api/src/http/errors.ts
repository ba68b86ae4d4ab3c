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
import { CommandRefused, RefusalKind } from '@ledger/domain';
import { ContentionError, validationProblems } from '@ledger/application';
import { BODY_LIMIT_BYTES } from '../limits';

const STATUS_OF: Record<RefusalKind, number> = {
  validation: HttpStatus.BAD_REQUEST,
  forbidden: HttpStatus.FORBIDDEN,
  'not-found': HttpStatus.NOT_FOUND,
  conflict: HttpStatus.CONFLICT,
  rule: HttpStatus.UNPROCESSABLE_ENTITY,
};

export function validationException(errors: ValidationError[]): BadRequestException {
  const problems = validationProblems(errors);
  return new BadRequestException({
    statusCode: HttpStatus.BAD_REQUEST,
    error: 'Bad Request',
    message: problems.map((problem) => `${problem.field}: ${problem.reason}`).join('; '),
    problems,
  });
}

/** Every refusal answers with a status, a message a person can act on, and the fields at fault. */
@Catch()
export class LedgerExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('ledger-api');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const response = http.getResponse<FastifyReply>();
    if (exception instanceof CommandRefused) {
      const status = STATUS_OF[exception.kind];
      void response.status(status).send({ statusCode: status, error: HttpStatus[status], message: exception.message, problems: exception.problems });
      return;
    }
    if (exception instanceof ContentionError) {
      void response.status(HttpStatus.SERVICE_UNAVAILABLE).send({ statusCode: 503, error: 'Service Unavailable', message: exception.message });
      return;
    }
    if (isClientHttpError(exception)) {
      // Raised by Fastify and the JSON body parser before any route runs (body over the limit,
      // unsupported charset or encoding, a malformed URL): Nest passes them on unmapped, which
      // would make them 500s. They are the client's, with a status and a message of their own.
      const status = exception.status;
      // Over the limit as sent (Fastify's check) or once inflated (the JSON parser's): one reason.
      // Only the first has a size to name; a compressed body's Content-Length is not its size.
      const sentTooLarge = exception.code === 'FST_ERR_CTP_BODY_TOO_LARGE';
      const size = sentTooLarge ? http.getRequest<FastifyRequest>().headers['content-length'] : undefined;
      const message =
        sentTooLarge || exception.type === 'entity.too.large'
          ? `request body too large: ${size === undefined ? `more than ${BODY_LIMIT_BYTES}` : size} bytes; the limit is ${BODY_LIMIT_BYTES} bytes`
          : exception.message;
      void response.status(status).send({ statusCode: status, error: HttpStatus[status] ?? 'Client Error', message });
      return;
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      void response.status(status).send(typeof body === 'string' ? { statusCode: status, message: body } : body);
      return;
    }
    this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    void response.status(HttpStatus.INTERNAL_SERVER_ERROR).send({ statusCode: 500, error: 'Internal Server Error', message: 'internal error; nothing was recorded unless a later read shows it' });
  }
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
