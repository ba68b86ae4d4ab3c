import type { ArgumentsHost } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { InvalidTokenError, TokenVerifier } from '@ledger/access';
import { BEARER, unauthorized } from './auth.guard';
import { LedgerExceptionFilter } from './errors';

/**
 * Authentication before the body is read. Nest's guards run after Fastify has parsed the body, so
 * an anonymous client could make the server receive and parse up to the body limit, as slowly as
 * it liked, before being told 401. This Fastify `onRequest` hook runs before any byte of the body
 * is read: a request that carries a body (every endpoint that takes one needs a token) without a
 * valid bearer token is answered 401 at once, through the app's own exception filter (one error
 * shape), and the connection is closed rather than drained. The guard still checks the token and
 * the role as before; this only moves the refusal of anonymous bodies earlier.
 */
export function authenticateBeforeBody(instance: FastifyInstance, key: Uint8Array): void {
  const tokens = new TokenVerifier(key);
  const filter = new LedgerExceptionFilter();
  instance.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (!carriesBody(request) || request.is404) return;
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? BEARER.exec(header) : null;
    let refusal: Error | null = null;
    if (!match) refusal = unauthorized('send Authorization: Bearer <token> (npm run token -- --role ROLE)');
    else {
      try {
        await tokens.verify(match[1]);
      } catch (error) {
        if (!(error instanceof InvalidTokenError)) throw error;
        refusal = unauthorized(error.message);
      }
    }
    if (!refusal) return;
    // The unread body is not drained: the socket closes once the answer is sent.
    void reply.header('connection', 'close');
    filter.catch(refusal, hostOf(request, reply));
    return reply;
  });
}

function carriesBody(request: FastifyRequest): boolean {
  const headers = request.headers;
  return headers['transfer-encoding'] !== undefined || (headers['content-length'] !== undefined && headers['content-length'] !== '0');
}

/** The exception filter's view of a request outside Nest's pipeline. */
export function hostOf(request: FastifyRequest, reply: FastifyReply): ArgumentsHost {
  const http = { getRequest: () => request, getResponse: () => reply, getNext: () => undefined };
  return { switchToHttp: () => http, getType: () => 'http', getArgs: () => [request, reply], getArgByIndex: (i: number) => [request, reply][i] } as unknown as ArgumentsHost;
}
