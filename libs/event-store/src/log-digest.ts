import { createHash } from 'node:crypto';
import type { Position } from './port';

/**
 * Tamper evidence of the log as a whole. Each event's hash chains it to the previous event of its
 * stream, which catches an edit or a deletion inside a stream — but not the loss of a stream's
 * last events, nor of a whole stream. The running digest chains every event to the one before it
 * in the store, whatever its stream:
 *
 *   digest(0) = LOG_DIGEST_GENESIS
 *   digest(n) = sha256_hex( digest(n−1) + "\n" + position + "\n" + eventId + "\n" + hash )
 *
 * (hash: the event's metadata.hash, "" when it has none). The store that keeps it (the embedded
 * one) writes it in the same transaction as the events: its head, and a checkpoint at every
 * LOG_DIGEST_CHECKPOINT_EVERY-th event, so an auditor that recomputes it can tell where the log
 * stopped matching.
 */
export const LOG_DIGEST_GENESIS = '0'.repeat(64);

/** Checkpoints kept per this many events: ~630 for a year of 6.3 M events, a few kB to compare. */
export const LOG_DIGEST_CHECKPOINT_EVERY = 10_000;

export function logDigestStep(previous: string, position: Position | number, eventId: string, eventHash: unknown): string {
  return createHash('sha256')
    .update(`${previous}\n${position}\n${eventId}\n${typeof eventHash === 'string' ? eventHash : ''}`)
    .digest('hex');
}

export interface LogDigestPoint {
  /** The position of the event the digest runs through. */
  position: Position;
  digest: string;
}

/** What a store recorded of its running digest, read in one snapshot with its last position. */
export interface LogDigest {
  /** The position of the store's last event, in the same snapshot. */
  headPosition: Position | null;
  /** The digest through the last event appended; null when nothing was ever appended with it. */
  head: LogDigestPoint | null;
  /** Every LOG_DIGEST_CHECKPOINT_EVERY-th event's digest, in position order. */
  checkpoints: LogDigestPoint[];
  /**
   * Set when the store began keeping the digest over events it already held (a store file older
   * than the digest): through this position the digest was computed from the file as found, not
   * as the events were appended.
   */
  backfilledThrough: Position | null;
}
