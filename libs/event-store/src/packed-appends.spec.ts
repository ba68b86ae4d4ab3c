import { packAppendResults, packStreamAppends, unpackAppendResults, unpackStreamAppends } from './packed-appends';
import type { StreamAppend } from './port';
import { encodeStreamAppends } from './sqlite-event-store';

describe('packed appends (the writer thread hand-off)', () => {
  const appends: StreamAppend[] = [
    {
      stream: 'resident-R-1',
      expectedRevision: 'no_stream',
      events: [
        { eventId: 'e-1', type: 'ResidentEnrolled', data: { name: '张三', note: 'a\u0000b \ud83d\ude00' }, metadata: { hash: 'h1', occurredAt: '2025-01-01' }, businessKey: 'enrol:R-1' },
        { eventId: 'e-2', type: 'ContributionPaid', data: {}, dataJson: '{"amount":"380.00"}', metadata: { schemaVersion: 1 } },
      ],
    },
    { stream: 'fund-F', expectedRevision: 41, events: [{ eventId: 'e-3', type: 'T', data: null, metadata: { hash: 'h3' }, businessKey: '' }] },
    { stream: '', expectedRevision: 'any', events: [] },
    { stream: '流-x', expectedRevision: 'stream_exists', events: [{ eventId: 'e-4', type: 'T', data: [1, 'ü'], metadata: {} }] },
    { stream: 's0', expectedRevision: 0, events: [] },
  ];

  it('gives the writer exactly the texts encodeStreamAppends gives the store', () => {
    expect(unpackStreamAppends(packStreamAppends(appends))).toEqual(encodeStreamAppends(appends));
  });

  it('survives a postMessage with its buffers transferred, and packs again into them when handed back', () => {
    const packed = packStreamAppends(appends);
    const cloned = structuredClone(packed, { transfer: [packed.bytes, packed.lengths.buffer] });
    expect(packed.bytes.byteLength).toBe(0);
    expect(unpackStreamAppends(cloned)).toEqual(encodeStreamAppends(appends));
    const again = packStreamAppends(appends.slice(1), { bytes: cloned.bytes, lengths: cloned.lengths });
    expect(again.bytes).toBe(cloned.bytes);
    expect(again.lengths).toBe(cloned.lengths);
    expect(unpackStreamAppends(again)).toEqual(encodeStreamAppends(appends.slice(1)));
  });

  it('grows buffers too small for the transaction', () => {
    const long = 'ü'.repeat(600_000);
    const big: StreamAppend[] = [{ stream: 's', expectedRevision: 'any', events: Array.from({ length: 300 }, (_, i) => ({ eventId: `e-${i}`, type: 'T', data: null, dataJson: i === 7 ? `"${long}"` : '1', metadata: {} })) }];
    const small = { bytes: new ArrayBuffer(16), lengths: new Float64Array(4) };
    expect(unpackStreamAppends(packStreamAppends(big, small))).toEqual(encodeStreamAppends(big));
  });

  it('packs no appends as nothing', () => {
    expect(unpackStreamAppends(packStreamAppends([]))).toEqual([]);
  });

  it('gives the append results back as they were', () => {
    const results = [
      { nextExpectedRevision: 0, position: 1n },
      { nextExpectedRevision: 12, position: 9_007_199_254_740_993n },
    ];
    expect(unpackAppendResults(structuredClone(packAppendResults(results)))).toEqual(results);
    expect(unpackAppendResults(packAppendResults([]))).toEqual([]);
  });
});
