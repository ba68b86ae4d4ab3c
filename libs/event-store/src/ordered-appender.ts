import type { AppendCondition, AppendResult, EventStorePort, StreamAppend } from './port';

/**
 * An appendMany that was submitted but may not have landed yet. `done` settles once it is known;
 * `failed` is set when it did not land (refused, or an earlier one it depended on did not land).
 */
export class AppendTicket {
  failed = false;
  settled = false;
  readonly done: Promise<AppendResult[]>;

  constructor(done: Promise<AppendResult[]>) {
    this.done = done.then(
      (results) => {
        this.settled = true;
        return results;
      },
      (error: unknown) => {
        this.failed = true;
        this.settled = true;
        throw error;
      },
    );
    // Whoever submitted it awaits `done`; a rejection nobody has awaited yet is not unhandled.
    this.done.catch(() => undefined);
  }
}

/**
 * Appends that may be submitted before the ones before them have landed, so an importer decides
 * its next transaction while the last one commits. They land in the order submitted, and one
 * submitted `after` a ticket lands only if that one did: a transaction decided on top of another's
 * states never lands without it (EarlierAppendFailedError), even on streams the two do not share.
 */
export interface OrderedAppender {
  submit(appends: StreamAppend[], condition: AppendCondition | undefined, after: AppendTicket | null): AppendTicket;
  /** Time spent appending so far (ms), where the appender measures it apart from waiting. */
  readonly appendMs?: number;
  close(): Promise<void>;
}

/** An append refused unwritten because the one it was decided on top of did not land. */
export class EarlierAppendFailedError extends Error {
  constructor() {
    super('an earlier append this one was decided on top of did not land');
    this.name = 'EarlierAppendFailedError';
  }
}

/**
 * Any store through its port: each submission waits for the one before it, then appendMany.
 * With the embedded store the append itself runs on the calling thread; with EventStoreDB the
 * round trips overlap whatever the caller does meanwhile.
 */
export class PortAppender implements OrderedAppender {
  private last: Promise<unknown> = Promise.resolve();

  constructor(private readonly store: EventStorePort) {}

  submit(appends: StreamAppend[], condition: AppendCondition | undefined, after: AppendTicket | null): AppendTicket {
    const previous = this.last;
    const ticket = new AppendTicket(
      previous.then(
        () => this.appendAfter(appends, condition, after),
        () => this.appendAfter(appends, condition, after),
      ),
    );
    this.last = ticket.done.catch(() => undefined);
    return ticket;
  }

  private async appendAfter(appends: StreamAppend[], condition: AppendCondition | undefined, after: AppendTicket | null): Promise<AppendResult[]> {
    // Every earlier submission has settled here (they run in order), `after` among them.
    if (after?.failed) throw new EarlierAppendFailedError();
    return this.store.appendMany(appends, condition);
  }

  async close(): Promise<void> {
    await this.last;
  }
}
