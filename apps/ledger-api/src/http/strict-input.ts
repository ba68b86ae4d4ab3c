import {
  ArgumentMetadata,
  ExecutionContext,
  Injectable,
  PipeTransform,
  UnsupportedMediaTypeException,
  ValidationPipe,
} from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import type { FastifyRequest as Request } from 'fastify';
// The media-type matcher Express's `request.is` used, so what counts as JSON stays the same.
import { is as isMediaType } from 'type-is';
import { CommandRefused, FieldProblem, invalid } from '@ledger/domain';
import { IDENTIFIER_REASON, inputShapeProblems, isIdentifier } from '@ledger/application';


/**
 * The edge's defences against hostile input, beyond the DTOs' field rules: each refusal is a 4xx
 * with a JSON reason, decided before anything reaches the command bus.
 */

function refusedInput(problems: FieldProblem[]): CommandRefused {
  return new CommandRefused('validation', problems.map((problem) => `${problem.field}: ${problem.reason}`).join('; '), problems);
}

/**
 * The global ValidationPipe, plus: a body must be a JSON object (an array would be validated as
 * an array of DTOs), and bodies and query strings must not hold reserved keys (`__proto__`,
 * `constructor`: class-transformer and Nest drop them silently, so they would pass as if absent)
 * or nest deeper than any input does (Nest's and class-transformer's recursion would overflow the
 * stack: a 500).
 */
export class StrictValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && (value === null || typeof value !== 'object' || Array.isArray(value))) {
      throw invalid('body', 'must be a JSON object');
    }
    if (metadata.type === 'body' || metadata.type === 'query') {
      const problems = inputShapeProblems(value);
      if (problems.length) throw refusedInput(problems);
    }
    return super.transform(value, metadata);
  }
}

/** `@Param('residentId', IdentifierPipe)`: ids in the path follow the same rule as ids in bodies (400, not a lookup). */
@Injectable()
export class IdentifierPipe implements PipeTransform<unknown, string> {
  transform(value: unknown, metadata: ArgumentMetadata): string {
    if (!isIdentifier(value)) throw invalid(metadata.data ?? 'id', IDENTIFIER_REASON);
    return value;
  }
}

/**
 * After authentication and the role check (so 401/403 come first), before the pipes: a route that
 * takes no query string refuses one (400) instead of ignoring it — `?asOf=` silently ignored would
 * answer a question that was not asked — and a route that takes a JSON body refuses a body of
 * another media type (415) instead of validating it as an empty object.
 *
 * Called by the guard rather than run as a global interceptor: any global interceptor makes Nest
 * wrap every request in an rxjs pipeline and an AsyncResource, a tenth of a balance request's CPU.
 */
export function assertRequestShape(context: ExecutionContext): void {
  const request = context.switchToHttp().getRequest<Request>();
  const declared = declaredParameters(context);
  const query = request.query;
  if (query) {
    const queryKeys = Object.keys(query);
    if (queryKeys.length > 0 && !declared.has(RouteParamtypes.QUERY)) {
      throw refusedInput(queryKeys.slice(0, 20).map((key) => ({ field: key, reason: 'is not a query parameter of this endpoint' })));
    }
  }
  // application/json only: the body parser reads nothing else, so anything else would arrive as {}.
  if (declared.has(RouteParamtypes.BODY) && carriesBody(request) && !isMediaType(String(request.headers['content-type'] ?? ''), ['application/json'])) {
    throw new UnsupportedMediaTypeException({
      message: `send the body as JSON with Content-Type: application/json (got ${JSON.stringify(String(request.headers['content-type'] ?? 'none').slice(0, 100))})`,
    });
  }
}

/** Route metadata is fixed once the app is built: read it once per handler. */
const declaredByHandler = new WeakMap<object, ReadonlySet<RouteParamtypes>>();

/** The kinds of parameter (@Body, @Query, @Param…) the route handler declares. */
function declaredParameters(context: ExecutionContext): ReadonlySet<RouteParamtypes> {
  const handler = context.getHandler();
  let declared = declaredByHandler.get(handler);
  if (!declared) {
    const args: Record<string, unknown> = Reflect.getMetadata(ROUTE_ARGS_METADATA, context.getClass(), handler.name) ?? {};
    declared = new Set(Object.keys(args).map((key) => Number(key.split(':')[0]) as RouteParamtypes));
    declaredByHandler.set(handler, declared);
  }
  return declared;
}

function carriesBody(request: Request): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}
