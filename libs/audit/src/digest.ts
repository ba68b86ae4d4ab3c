import * as crypto from 'node:crypto';
import { createHash } from 'node:crypto';
import { ResumableSha256 } from './resumable-sha256';

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
  private readonly hash: RunningSha256;
  private count = 0;
  readonly sealable: boolean;

  /** sealable: kept in plain data, so an audit can seal it and a later one carry on (sealed-state.ts). */
  constructor(sealable = false) {
    this.hash = runningSha256(sealable);
    this.sealable = sealable;
  }

  add(eventId: string, hash: unknown): void {
    this.addLine(digestLine(eventId, hash));
  }

  /** add() of the line digestLine() made (the closes' running digest reads the same line). */
  addLine(line: string): void {
    this.hash.update(line);
    this.count += 1;
  }

  /** The digest of the events added so far (more may be added after reading it). */
  get value(): string {
    return this.hash.hex();
  }

  get events(): number {
    return this.count;
  }
}

/** One event's line in the replay digest and in the closes' digest of the history: eventId, "\n", hash, "\n". */
export function digestLine(eventId: string, hash: unknown): string {
  return `${eventId}\n${typeof hash === 'string' ? hash : ''}\n`;
}

/** A sha256 over text added piece by piece, readable at any point. */
export interface RunningSha256 {
  update(text: string): unknown;
  hex(): string;
}

/**
 * node:crypto's (fastest: ~0.2 µs a line) unless the state must be sealable, then the plain-data
 * one (~1.2 µs a line; an audit's two running digests cost it about 1.5 s a million events).
 */
export function runningSha256(sealable: boolean): RunningSha256 {
  if (sealable) return new ResumableSha256();
  const hash = createHash('sha256');
  return { update: (text: string) => hash.update(text), hex: () => hash.copy().digest('hex') };
}

/**
 * sha256 (hex) of a text in one call: crypto.hash where Node has it (20.12+), which spares the Hash
 * object createHash makes — at one call per claim or event that object cost as much as the hashing.
 */
export const sha256HexOf: (text: string) => string =
  typeof (crypto as { hash?: unknown }).hash === 'function'
    ? (text) => (crypto as unknown as { hash(algorithm: string, data: string): string }).hash('sha256', text)
    : (text) => createHash('sha256').update(text).digest('hex');
