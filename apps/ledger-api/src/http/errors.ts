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
import type { Response } from 'express';
import { CommandRefused, RefusalKind } from '@ledger/domain';
import { ContentionError, validationProblems } from '@ledger/application';

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
    const response = host.switchToHttp().getResponse<Response>();
    if (exception instanceof CommandRefused) {
      const status = STATUS_OF[exception.kind];
      response.status(status).json({ statusCode: status, error: HttpStatus[status], message: exception.message, problems: exception.problems });
      return;
    }
    if (exception instanceof ContentionError) {
      response.status(HttpStatus.SERVICE_UNAVAILABLE).json({ statusCode: 503, error: 'Service Unavailable', message: exception.message });
      return;
    }
    if (isClientHttpError(exception)) {
      // Raised by Express and its body parser before any route runs (body over the limit,
      // unsupported charset or encoding, aborted request): Nest passes them on unmapped, which
      // would make them 500s. They are the client's, with a status and a message of their own.
      const status = exception.status;
      const message =
        exception.type === 'entity.too.large'
          ? `request body too large: ${exception.length ?? 'more than'} bytes; the limit is ${exception.limit} bytes`
          : exception.message;
      response.status(status).json({ statusCode: status, error: HttpStatus[status] ?? 'Client Error', message });
      return;
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      response.status(status).json(typeof body === 'string' ? { statusCode: status, message: body } : body);
      return;
    }
    this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    response.status(HttpStatus.INTERNAL_SERVER_ERROR).json({ statusCode: 500, error: 'Internal Server Error', message: 'internal error; nothing was recorded unless a later read shows it' });
  }
}

/** An `http-errors` error with a 4xx status (what body-parser and Express raise), not a Nest HttpException. */
function isClientHttpError(error: unknown): error is Error & { status: number; expose: boolean; type?: string; limit?: number; length?: number } {
  if (!(error instanceof Error) || error instanceof HttpException) return false;
  const { status, expose } = error as Error & { status?: unknown; expose?: unknown };
  return typeof status === 'number' && status >= 400 && status < 500 && expose === true;
}
