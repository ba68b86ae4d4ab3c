/**
 * How an import hands the importer its next batch before the last one has committed (the
 * importer decides it while the writer commits the other) yet keeps at most one batch
 * unacknowledged: `submit` tracks the new batch and returns once the one before it has settled,
 * rethrowing that one's failure — after the new one has settled too, so neither failure is left
 * unhandled. `settled` waits for the last batch; `abandon` waits for it without rethrowing, for
 * clean-up paths that already carry an error.
 */
export class OneBatchInFlight {
  private last: Promise<unknown> | null = null;

  async submit(batch: Promise<unknown>): Promise<void> {
    // Awaited by the next submit or by settled(); until then its failure is not an unhandled one.
    batch.catch(() => undefined);
    const previous = this.last;
    this.last = batch;
    try {
      await previous;
    } catch (error) {
      await batch.catch(() => undefined);
      throw error;
    }
  }

  async settled(): Promise<void> {
    await this.last;
  }

  async abandon(): Promise<void> {
    await this.last?.catch(() => undefined);
  }
}
