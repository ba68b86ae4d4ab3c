import { createHash, type Hash } from 'node:crypto';

/**
 * The digest of the events an audit replayed, so two reports can tell whether they saw the same
 * history: sha256 (hex) over one line per replayed event, in position order,
 *
 *   digest = sha256_hex( Σ_i  eventId_i + "\n" + hash_i + "\n" )
 *
 * where hash_i is the event's stored metadata.hash — itself a chain over its stream, covering the
 * stream, revision, type, version, business key, business date and data — or "" when it has none.
 * One running hash rather than a hash per event: the same evidence at a fraction of the cost.
 * Store positions are left out on purpose: the same history copied to another store
 * (EventStoreDB) gives the same digest. No events: the sha256 of the empty string.
 */
export class ReplayDigest {
  private readonly hash: Hash = createHash('sha256');
  private count = 0;

  add(eventId: string, hash: unknown): void {
    this.hash.update(`${eventId}\n${typeof hash === 'string' ? hash : ''}\n`);
    this.count += 1;
  }

  /** The digest of the events added so far (more may be added after reading it). */
  get value(): string {
    return this.hash.copy().digest('hex');
  }

  get events(): number {
    return this.count;
  }
}
