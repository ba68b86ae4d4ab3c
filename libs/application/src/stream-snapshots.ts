import type { StreamSnapshot } from './ledger-service';

/**
 * Folded resident streams kept in memory, so reading a resident — or deciding a command for one —
 * reads and folds only the events appended since it was last folded, not its whole history (a
 * resident with 2,456 events took 87–143 ms to fold on every read; issue 13).
 *
 * Why a cache of snapshots and not a persisted read model: streams are append-only and a snapshot
 * is the pure fold of a stream prefix, so a kept snapshot plus the events after its revision is
 * exactly the fold of the whole stream — however many other processes wrote meanwhile. Nothing
 * persisted can go stale when `evolveResident` changes in a new version, nothing needs migrating,
 * and no file can be edited to make the API show a state the events do not give. The cost moves
 * to the first read of a resident after a start, which LedgerService folds in time slices so
 * other requests keep being served.
 *
 * Bounded by the events the kept snapshots cover (their revisions), least recently used out first.
 */
export const DEFAULT_SNAPSHOT_EVENT_BUDGET = 250_000;

export class StreamSnapshots {
  private readonly kept = new Map<string, StreamSnapshot>();
  private events = 0;

  constructor(private readonly eventBudget: number = DEFAULT_SNAPSHOT_EVENT_BUDGET) {}

  get(stream: string): StreamSnapshot | undefined {
    const snapshot = this.kept.get(stream);
    if (snapshot) {
      // Most recently used last.
      this.kept.delete(stream);
      this.kept.set(stream, snapshot);
    }
    return snapshot;
  }

  /** Keeps the snapshot unless one of the same stream at a later revision is already kept. */
  set(snapshot: StreamSnapshot): void {
    if (snapshot.revision < 0 || this.eventBudget <= 0) return;
    const known = this.kept.get(snapshot.stream);
    if (known && known.revision > snapshot.revision) return;
    if (known) this.forget(snapshot.stream, known);
    this.kept.set(snapshot.stream, snapshot);
    this.events += snapshot.revision + 1;
    for (const [stream, oldest] of this.kept) {
      if (this.events <= this.eventBudget || stream === snapshot.stream) break;
      this.forget(stream, oldest);
    }
  }

  get size(): number {
    return this.kept.size;
  }

  private forget(stream: string, snapshot: StreamSnapshot): void {
    this.kept.delete(stream);
    this.events -= snapshot.revision + 1;
  }
}
