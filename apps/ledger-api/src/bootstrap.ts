import { STATUS_CODES } from 'node:http';
import { parse as parseQueryString } from 'node:querystring';
import type { Duplex } from 'node:stream';
import { gunzipSync, inflateSync } from 'node:zlib';
import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { LedgerConfig } from './config';
import { connectionsCheckingIntervalOf, DEFAULT_HTTP_LIMITS, HttpLimits } from './http-limits';
import { BODY_LIMIT_BYTES } from './limits';
import { authenticateBeforeBody } from './http/early-auth';
import { queueHeavyReads } from './http/heavy-reads';
import { serialiseFrozenRepliesOnce } from './http/frozen-json';
import { LedgerExceptionFilter, validationException } from './http/errors';
import { StrictValidationPipe } from './http/strict-input';
import { PROBLEM_CONTENT_TYPE, problemOf, sendProblem } from './http/problem';
import { LedgerModule } from './ledger.module';
import { registerWebRoutes } from './web/web-routes';
import { SIGNING_KEY } from './tokens';


export type LedgerApp = NestFastifyApplication;

export function configureApp(app: LedgerApp): INestApplication {
  app.useGlobalFilters(new LedgerExceptionFilter());
  app.useGlobalPipes(
    new StrictValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      forbidUnknownValues: true,
      exceptionFactory: validationException,
    }),
  );
  app.enableShutdownHooks();
  return app;
}

/** A client error shaped like those of `http-errors` (what Express's body parser raised), so the filter maps it to its status. */
function clientError(status: number, message: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { status, statusCode: status, expose: true, ...extra });
}

/**
 * JSON bodies parsed as Express's body parser (body-parser 1.20, strict) did, so refusals read the
 * same: gzip and deflate bodies are inflated, other encodings are 415; the charset must be a UTF
 * one (415); an empty body is `{}`; the top level must be an object or an array; keys such as
 * `__proto__` are kept (Fastify's own parser would refuse them unnamed) so that validation refuses
 * them by name. Syntax errors are SyntaxErrors, which Nest answers 400 as it did for Express.
 */
function parseJsonBody(request: FastifyRequest, raw: Buffer, done: (error: Error | null, body?: unknown) => void): void {
  const encoding = String(request.headers['content-encoding'] ?? 'identity').toLowerCase();
  let bytes = raw;
  try {
    if (encoding === 'gzip') bytes = gunzipSync(raw, { maxOutputLength: BODY_LIMIT_BYTES + 1 });
    else if (encoding === 'deflate') bytes = inflateSync(raw, { maxOutputLength: BODY_LIMIT_BYTES + 1 });
    else if (encoding !== 'identity') return done(clientError(415, `unsupported content encoding "${encoding}"`, { type: 'encoding.unsupported' }));
  } catch (error) {
    const tooLarge = (error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE';
    return done(tooLarge ? clientError(413, 'request entity too large', { type: 'entity.too.large' }) : clientError(400, (error as Error).message, { type: 'encoding.failed' }));
  }
  if (bytes.length > BODY_LIMIT_BYTES) return done(clientError(413, 'request entity too large', { type: 'entity.too.large' }));
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(String(request.headers['content-type'] ?? ''))?.[1]?.toLowerCase() ?? 'utf-8';
  if (!charset.startsWith('utf-')) return done(clientError(415, `unsupported charset "${charset.toUpperCase()}"`, { type: 'charset.unsupported' }));
  let text: string;
  try {
    text = new TextDecoder(charset).decode(bytes);
  } catch {
    return done(clientError(415, 'specified encoding unsupported', { type: 'encoding.unsupported' }));
  }
  if (text.length === 0) return done(null, {});
  const first = /^[\x20\x09\x0a\x0d]*([^\x20\x09\x0a\x0d])/.exec(text)?.[1];
  if (first !== '{' && first !== '[') return done(strictSyntaxError(text, first ?? ''));
  try {
    done(null, JSON.parse(text));
  } catch (error) {
    done(error as Error);
  }
}

/** body-parser's message for a top-level primitive: JSON.parse's own for the first character. */
function strictSyntaxError(text: string, char: string): SyntaxError {
  const index = text.indexOf(char);
  const partial = index === -1 ? '' : text.substring(0, index) + '#'.repeat(text.length - index);
  try {
    JSON.parse(partial);
    return new SyntaxError('strict violation');
  } catch (error) {
    return new SyntaxError((error as Error).message.replace(/#+/g, (placeholder) => text.substring(index, index + placeholder.length)));
  }
}

/** A path that does not decode: answered as Express (through Nest) did, naming the segment. */
function badUrl(request: FastifyRequest, reply: FastifyReply): void {
  const segment = request.url.split('?')[0].split('/').find((part) => {
    try {
      decodeURIComponent(part);
      return false;
    } catch {
      return true;
    }
  });
  sendProblem(reply, problemOf(400, `Failed to decode param '${segment ?? request.url}'`, [], 'path'));
}

/**
 * Errors Node's HTTP parser raises before Fastify sees a request (a client past its deadline, headers
 * over the limit, bytes that are not HTTP): Fastify would answer them in its own JSON shape. They
 * are answered in the API's one shape on the raw socket, which is then closed.
 */
function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, detail] =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'the request was not received in time; send it again, faster']
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'the request headers are too large']
        : [400, 'the request is not well-formed HTTP'];
  const body = JSON.stringify(problemOf(status, detail, [], 'request'));
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  }
  socket.destroy(error);
}

/** Node's default limit on a request's headers, the request line included: no path parameter is longer. */
const MAX_PATH_PARAM_LENGTH = 16 * 1024;

/** Routes as registered (method lower-case, as Express's router reports them), for tests that cover every endpoint. */
const routesOf = new WeakMap<object, Array<{ method: string; path: string }>>();
export function servedRoutes(app: LedgerApp): Array<{ method: string; path: string }> {
  return routesOf.get(app.getHttpAdapter().getInstance()) ?? [];
}

/**
 * Fastify configured like the Express app was: query strings parsed flat (node:querystring), so
 * `a[b]=` builds no nested objects and keys like `__proto__` reach validation and are refused;
 * JSON bodies up to the limit parsed as above; other media types are left unread and answered 415
 * by the guard (after 401/403), not by Fastify before authentication.
 */
function fastifyAdapter(limits: HttpLimits): FastifyAdapter {
  const adapter = new FastifyAdapter({
    querystringParser: (text) => parseQueryString(text),
    bodyLimit: BODY_LIMIT_BYTES,
    // Client deadlines (http-limits.ts): Fastify's default requestTimeout of 0 let a slow body hold its socket for ever.
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    http: { headersTimeout: limits.headersTimeoutMs, connectionsCheckingInterval: connectionsCheckingIntervalOf(limits) },
    // A path id longer than Fastify's default 100 characters matched no route (404 "Cannot GET"):
    // let it reach IdentifierPipe, which names the parameter (400). Node's header limit bounds it.
    maxParamLength: MAX_PATH_PARAM_LENGTH,
    clientErrorHandler: answerClientError,
    frameworkErrors: (error: Error & { code?: string }, request: FastifyRequest, reply: FastifyReply) => {
      if (error.code === 'FST_ERR_BAD_URL') return badUrl(request, reply);
      // The router's own refusals (a malformed URL or constraint): the client's, in the one shape.
      const status = (error as { statusCode?: number }).statusCode;
      sendProblem(reply, problemOf(typeof status === 'number' && status >= 400 && status < 500 ? status : 400, error.message, [], 'path'));
    },
  });
  const instance = adapter.getInstance() as unknown as FastifyInstance;
  serialiseFrozenRepliesOnce(instance);
  const routes: Array<{ method: string; path: string }> = [];
  routesOf.set(instance, routes);
  instance.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      if (method === 'HEAD' && route.path !== undefined && routes.some((known) => known.path === route.path && known.method === 'get')) continue;
      routes.push({ method: method.toLowerCase(), path: route.path ?? route.url });
    }
  });
  instance.removeAllContentTypeParsers();
  instance.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: BODY_LIMIT_BYTES }, (request, body, done) =>
    parseJsonBody(request, body as Buffer, done),
  );
  instance.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
  return adapter;
}

export async function createLedgerApp(config: LedgerConfig, options: { logger?: false } = {}): Promise<LedgerApp> {
  const app = await NestFactory.create<NestFastifyApplication>(LedgerModule.forRoot(config), fastifyAdapter(config.httpLimits ?? DEFAULT_HTTP_LIMITS), {
    bodyParser: false,
    // Start-up errors (a malformed policy file, an unreadable store) reach the caller, which
    // prints them plainly, instead of Nest exiting the process from inside.
    abortOnError: false,
    logger: options.logger ?? ['error', 'warn'],
  });
  configureApp(app);
  registerWebRoutes(app);
  authenticateBeforeBody(app.getHttpAdapter().getInstance() as unknown as FastifyInstance, app.get<Uint8Array>(SIGNING_KEY));
  queueHeavyReads(app.getHttpAdapter().getInstance() as unknown as FastifyInstance);
  return app;
}
