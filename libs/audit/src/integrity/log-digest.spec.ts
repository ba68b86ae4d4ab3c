import { LOG_DIGEST_GENESIS, type LogDigest, type LogDigestPoint, logDigestStep } from '@ledger/event-store';
import { LogDigestInspection } from './log-digest';

/** Ten events at positions 1…10 and the digest a store would have recorded for them, with a checkpoint every `every` positions. */
function recorded(every: number): { events: Array<{ position: bigint; eventId: string; metadata: { hash: string } }>; record: LogDigest } {
  const events = Array.from({ length: 10 }, (_, i) => ({ position: BigInt(i + 1), eventId: `e-${i + 1}`, metadata: { hash: `h-${i + 1}` } }));
  let digest = LOG_DIGEST_GENESIS;
  const checkpoints: LogDigestPoint[] = [];
  for (const event of events) {
    digest = logDigestStep(digest, event.position, event.eventId, event.metadata.hash);
    if (event.position % BigInt(every) === 0n) checkpoints.push({ position: event.position, digest });
  }
  return { events, record: { headPosition: 10n, head: { position: 10n, digest }, checkpoints, backfilledThrough: null } };
}

function judge(record: LogDigest, events: ReadonlyArray<{ position: bigint; eventId: string; metadata: { hash: string } }>) {
  const inspection = new LogDigestInspection(record);
  for (const event of events) inspection.observe(event);
  return inspection.findings();
}

describe('log digest (stream-integrity over the whole log)', () => {
  it('finds nothing when the log is as the store recorded it', () => {
    const { events, record } = recorded(3);
    expect(judge(record, events)).toEqual([]);
  });

  it('names the stretch between two checkpoints where an event was removed, and judges later stretches on their own', () => {
    const { events, record } = recorded(3);
    const findings = judge(record, events.filter((e) => e.position !== 5n));
    expect(findings).toHaveLength(1);
    expect(findings[0].message.en).toContain('from position 3 through position 6 does not match');
    expect(findings[0].evidence).toEqual([3n, 6n]);
  });

  it('names a checkpoint whose own event is gone', () => {
    const { events, record } = recorded(3);
    const findings = judge(record, events.filter((e) => e.position !== 6n));
    expect(findings.map((f) => f.message.en)).toEqual([expect.stringContaining('there is no event at position 6')]);
    expect(findings[0].evidence).toEqual([3n, 7n]);
  });

  it('names an event whose content hash was swapped for another (reordered or replaced)', () => {
    const { events, record } = recorded(5);
    const swapped = events.map((e) => (e.position === 2n ? { ...e, metadata: { hash: 'h-other' } } : e));
    const findings = judge(record, swapped);
    expect(findings).toHaveLength(1);
    expect(findings[0].message.en).toContain('from the first event through position 5');
  });

  it('does not judge events appended after the digest was read', () => {
    const { events, record } = recorded(3);
    const later = { position: 11n, eventId: 'e-11', metadata: { hash: 'h-11' } };
    expect(judge(record, [...events, later])).toEqual([]);
  });

  it('flags a store whose events carry hash version 2 but that has no digest record', () => {
    const { events } = recorded(3);
    const v2 = events.map((e) => ({ ...e, metadata: { ...e.metadata, hashVersion: 2 } }));
    const findings = judge({ headPosition: 10n, head: null, checkpoints: [], backfilledThrough: null }, v2);
    expect(findings.map((f) => f.message.en)).toEqual([expect.stringContaining('no running digest of them, though its events carry hash version 2 (from position 1)')]);
  });

  it('finds nothing missing in a store older than the digest (no hash version 2 event), and says it kept none', () => {
    const { events } = recorded(3);
    const inspection = new LogDigestInspection({ headPosition: 10n, head: null, checkpoints: [], backfilledThrough: null });
    for (const event of events) inspection.observe(event);
    expect(inspection.findings()).toEqual([]);
    expect(inspection.status()).toContain('its events predate it');
  });

  it('flags a digest rebuilt over events that carry hash version 2 (the record was dropped and the ledger reopened the file)', () => {
    const { events, record } = recorded(3);
    const v2 = events.map((e) => (e.position >= 4n ? { ...e, metadata: { ...e.metadata, hashVersion: 2 } } : e));
    const findings = judge({ ...record, backfilledThrough: 10n }, v2);
    expect(findings.map((f) => f.message.en)).toEqual([expect.stringContaining('rebuilt from the file as found')]);
    expect(findings[0].evidence).toEqual([4n, 10n]);
    // A legacy store backfilled once, then written on by the new ledger past the backfill: nothing to say.
    expect(judge({ ...record, backfilledThrough: 3n }, v2)).toEqual([]);
  });
});
