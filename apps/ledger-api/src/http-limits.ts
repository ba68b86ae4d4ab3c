/**
 * How long a client may take to send a request, and how long an idle connection is kept. A request
 * that dribbles its headers or body holds a socket and a parser for as long as the server lets it:
 * Fastify's default (requestTimeout 0) let 50 one-byte-every-10-s bodies stay open for minutes
 * (issue 13). Node's server enforces these: headers within `headersTimeoutMs`, the whole request
 * (headers and body) within `requestTimeoutMs` — answered 408 and closed — and a keep-alive
 * connection idle between requests is closed after `keepAliveTimeoutMs`. Once a request is
 * received, answering it may take as long as it takes (an audit): these bound only the client.
 */
export interface HttpLimits {
  requestTimeoutMs: number;
  headersTimeoutMs: number;
  keepAliveTimeoutMs: number;
}

export const DEFAULT_HTTP_LIMITS: HttpLimits = {
  // A 64 kB body at a slow mobile 20 kB/s takes ~3 s: ten times that is still generous.
  requestTimeoutMs: 30_000,
  headersTimeoutMs: 10_000,
  keepAliveTimeoutMs: 5_000,
};

/** HTTP_REQUEST_TIMEOUT_MS, HTTP_HEADERS_TIMEOUT_MS, HTTP_KEEP_ALIVE_TIMEOUT_MS (whole milliseconds ≥ 1). */
export function httpLimitsFromEnv(env: NodeJS.ProcessEnv): HttpLimits {
  const read = (name: string, fallback: number): number => {
    const text = env[name];
    if (text === undefined || text === '') return fallback;
    const value = Number(text);
    if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a whole number of milliseconds ≥ 1, got ${text}`);
    return value;
  };
  const requestTimeoutMs = read('HTTP_REQUEST_TIMEOUT_MS', DEFAULT_HTTP_LIMITS.requestTimeoutMs);
  return {
    requestTimeoutMs,
    // Node requires the headers timeout not to exceed the request timeout.
    headersTimeoutMs: Math.min(read('HTTP_HEADERS_TIMEOUT_MS', DEFAULT_HTTP_LIMITS.headersTimeoutMs), requestTimeoutMs),
    keepAliveTimeoutMs: read('HTTP_KEEP_ALIVE_TIMEOUT_MS', DEFAULT_HTTP_LIMITS.keepAliveTimeoutMs),
  };
}

/**
 * Node checks the header and request deadlines on a timer (30 s by default), so a deadline is met
 * up to that late. A quarter of the shortest deadline, at most a second, keeps them close.
 */
export function connectionsCheckingIntervalOf(limits: HttpLimits): number {
  return Math.max(10, Math.min(1_000, Math.floor(Math.min(limits.requestTimeoutMs, limits.headersTimeoutMs) / 4)));
}
