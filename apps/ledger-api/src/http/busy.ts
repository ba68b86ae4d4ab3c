import { HttpException, HttpStatus } from '@nestjs/common';

/**
 * 503 with Retry-After: the server is doing as much of this kind of heavy work as it lets itself
 * do at once, so that other clients keep being answered. Answered as problem+json like every error.
 */
export class ServiceBusy extends HttpException {
  constructor(
    detail: string,
    readonly retryAfterSeconds: number,
  ) {
    super({ message: detail }, HttpStatus.SERVICE_UNAVAILABLE);
  }
}

/**
 * Lets at most `limit` runs of one kind of heavy work proceed at once; the rest are refused at
 * once (ServiceBusy) rather than queued, so a burst cannot pile work up behind itself. Retry-After
 * is how long the last run took (at least a second).
 */
export class HeavyWorkGate {
  private running = 0;
  private lastRunMs = 1_000;

  constructor(
    private readonly what: string,
    private readonly limit = 1,
  ) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) {
      const seconds = Math.max(1, Math.ceil(this.lastRunMs / 1_000));
      throw new ServiceBusy(`${this.limit} ${this.what} already running, which is as many as run at once; retry in ${seconds} s`, seconds);
    }
    this.running += 1;
    const started = performance.now();
    try {
      return await work();
    } finally {
      this.running -= 1;
      this.lastRunMs = performance.now() - started;
    }
  }
}
