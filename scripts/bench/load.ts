import http from 'node:http';
import { performance } from 'node:perf_hooks';

/**
 * The load process of the query benchmark: a few keep-alive connections to the ledger API on a
 * loopback address, each sending GETs back to back (closed loop), bounded by a request count and a
 * time limit, whichever comes first. Prints one JSON line: latency percentiles in milliseconds.
 *
 *   node dist/scripts/bench/load.js '{"url":"http://127.0.0.1:PORT","token":"…","paths":["/v1/funds/huangpi"],…}'
 */
export interface LoadSpec {
  url: string;
  token: string;
  /** Request paths, used round-robin. */
  paths: string[];
  concurrency: number;
  maxRequests: number;
  maxSeconds: number;
  /** Requests sent before measuring (not counted). */
  warmup: number;
}

export interface LoadResult {
  requests: number;
  errors: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  firstError?: string;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const target = new URL(spec.url);
  if (!['127.0.0.1', 'localhost', '[::1]', '::1'].includes(target.hostname)) throw new Error(`load is sent to loopback addresses only, not ${target.hostname}`);
  const agent = new http.Agent({ keepAlive: true, maxSockets: spec.concurrency });
  let next = 0;
  let errors = 0;
  let firstError: string | undefined;

  const get = (path: string) =>
    new Promise<number>((resolve, reject) => {
      const req = http.request(
        { host: target.hostname, port: target.port, path, method: 'GET', agent, headers: { authorization: `Bearer ${spec.token}` } },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (body += chunk));
          res.on('end', () => (res.statusCode === 200 ? resolve(body.length) : reject(new Error(`${res.statusCode} ${path}: ${body.slice(0, 200)}`))));
        },
      );
      req.on('error', reject);
      req.end();
    });

  // Warm-up: JIT, connections, caches.
  for (let i = 0; i < spec.warmup; i += 1) await get(spec.paths[i % spec.paths.length]).catch(() => undefined);

  const latencies = new Float64Array(spec.maxRequests);
  let count = 0;
  const started = performance.now();
  const deadline = started + spec.maxSeconds * 1000;
  const worker = async () => {
    while (next < spec.maxRequests && performance.now() < deadline) {
      const path = spec.paths[next % spec.paths.length];
      next += 1;
      const t0 = performance.now();
      try {
        await get(path);
        latencies[count] = performance.now() - t0;
        count += 1;
      } catch (error) {
        errors += 1;
        firstError ??= (error as Error).message;
      }
    }
  };
  await Promise.all(Array.from({ length: spec.concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  const sorted = latencies.slice(0, count).sort();
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return {
    requests: count,
    errors,
    seconds: round(seconds),
    perSecond: Math.round(count / seconds),
    p50: round(percentile(sorted, 50)),
    p90: round(percentile(sorted, 90)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted.length ? sorted[sorted.length - 1] : Number.NaN),
    ...(firstError ? { firstError } : {}),
  };
}

if (require.main === module) {
  runLoad(JSON.parse(process.argv[2]) as LoadSpec)
    .then((result) => process.stdout.write(`${JSON.stringify(result)}\n`))
    .catch((error: Error) => {
      process.stderr.write(`load: ${error.message}\n`);
      process.exit(1);
    });
}
