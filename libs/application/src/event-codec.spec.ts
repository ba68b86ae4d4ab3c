import type { EventMetadata } from '@ledger/domain';
import { encodeEvents, metadataText } from './event-codec';

describe('event codec: the metadata text', () => {
  const base: EventMetadata = {
    schemaVersion: 1,
    businessKey: 'claim:C-"1"\u2028住院',
    occurredAt: '2025-03-04',
    recordedAt: '2025-03-04T02:00:00.000Z',
    recordedBy: { subject: 'clerk \\ 1', role: 'clerk' },
    requestDigest: 'a'.repeat(64),
    previousHash: '0'.repeat(64),
    hash: 'f'.repeat(64),
    hashVersion: 2,
  };
  const provenanceOf = (m: Partial<EventMetadata>) => JSON.stringify({ recordedAt: m.recordedAt, recordedBy: m.recordedBy, requestDigest: m.requestDigest }).slice(1, -1);

  it.each([
    ['the ledger shape', base],
    ['a recordedBy with more members, in its own order', { ...base, recordedBy: { role: 'clerk', subject: 's', extra: [1] } as unknown as EventMetadata['recordedBy'] }],
    ['no recordedAt', { ...base, recordedAt: undefined as unknown as string }],
    ['no provenance at all', { ...base, recordedAt: undefined as unknown as string, recordedBy: undefined as unknown as EventMetadata['recordedBy'], requestDigest: undefined as unknown as string }],
    ['no hash version', { ...base, hashVersion: undefined }],
    ['a lone surrogate in the business key', { ...base, businessKey: 'k\ud800' }],
  ])('is JSON.stringify of the metadata: %s', (_, metadata) => {
    expect(metadataText(metadata, provenanceOf(metadata))).toBe(JSON.stringify(metadata));
  });

  it('is what encodeEvents hands the store', () => {
    const [event] = encodeEvents([{ type: 'ResidentNoteAdded', data: { note: 'x' }, businessKey: 'note:1', occurredAt: '2025-01-02' } as never], {
      stream: 'resident-R-1',
      revision: -1,
      previousHash: '0'.repeat(64),
      recordedAt: '2025-01-02T02:00:00.000Z',
      recordedBy: { subject: 'u', role: 'clerk' },
      requestDigest: 'b'.repeat(64),
      newEventId: () => 'e-1',
    });
    expect(event.metadataJson).toBe(JSON.stringify(event.metadata));
  });
});
