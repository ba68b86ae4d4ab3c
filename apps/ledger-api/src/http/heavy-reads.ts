import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { LedgerExceptionFilter } from './errors';
import { ServiceBusy } from './busy';
import { hostOf } from './early-auth';

/**
 * Reads whose cost grows with the data rather than the request — a resident with a long history,
 * a statement of many months, an audit — are run a few at a time. Node serves every request on one
 * thread: twenty such reads at once each got a turn between every other request's, so /health
 * waited behind all of them (4–6 s; issue 13). Here they queue for a slot before their handler runs
 * (waiting costs nothing), each runs in short slices, and the cheap requests — /health, balances,
 * writes — pass by the queue. A queue past its bound is answered 503 with Retry-After at once.
 */
export interface HeavyReadLimits {
  /** Heavy reads running at once. */
  concurrent: number;
  /** Heavy reads waiting at most; beyond, 503. */
  queued: number;
}

export const DEFAULT_HEAVY_READ_LIMITS: HeavyReadLimits = { concurrent: 1, queued: 256 };

/**
 * GET /v1/residents/:id and GET /v1/funds/:id/statement…. Audits are not queued: one runs at a
 * time and the others are refused at once (cqrs/audit.ts), since one can take minutes.
 */
export function isHeavyRead(method: string, url: string): boolean {
  const path = url.split('?')[0];
  return method === 'GET' && (/^\/v1\/residents\/[^/]+\/?$/.test(path) || /^\/v1\/funds\/[^/]+\/statement(\/|\.|$)/.test(path));
}

export class SlotQueue {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly limits: HeavyReadLimits) {}

  /** Resolves when a slot is free (call the returned release once); refuses when the queue is full. */
  async acquire(): Promise<() => void> {
    if (this.running >= this.limits.concurrent) {
      if (this.waiting.length >= this.limits.queued) {
        throw new ServiceBusy(`${this.waiting.length} long reads are already waiting; retry shortly`, 1);
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else this.running += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      // The slot passes straight to the next waiter: `running` stays as it is.
      if (next) next();
      else this.running -= 1;
    };
  }
}

const RELEASE = Symbol('heavy-read-release');

export function queueHeavyReads(instance: FastifyInstance, limits: HeavyReadLimits = DEFAULT_HEAVY_READ_LIMITS): void {
  const slots = new SlotQueue(limits);
  const filter = new LedgerExceptionFilter();
  const release = (request: FastifyRequest) => (request as unknown as { [RELEASE]?: () => void })[RELEASE]?.();
  // preHandler: after authentication (the guard runs in the handler, but the early check refused
  // anonymous bodies) and after the body is parsed, so a queued request holds no unread socket data.
  instance.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    if (!isHeavyRead(request.method, request.url)) return;
    try {
      (request as unknown as { [RELEASE]?: () => void })[RELEASE] = await slots.acquire();
    } catch (error) {
      filter.catch(error, hostOf(request, reply));
      return reply;
    }
  });
  instance.addHook('onResponse', async (request) => release(request));
  instance.addHook('onRequestAbort', async (request) => release(request));
}
