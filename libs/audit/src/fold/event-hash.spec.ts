import { canonicalJson, eventHash, GENESIS_HASH } from '@ledger/domain';
import { hashMatches } from './event-hash';

const samples: unknown[] = [
  { b: 1, a: [3, { z: null, y: undefined, x: 'é"\n' }], c: { '10': true, '9': false, 'B': 1, 'a': 2 } },
  [undefined, null, 1.5, -0, 'x', [], {}],
  { nested: { deeper: { list: [{ k2: 1, k1: 2 }] } }, empty: '', n: 1e21 },
  'plain',
  null,
];

describe('the auditor’s fast event hash', () => {
  it('agrees with integrity.ts, and tells any added, removed or changed member', () => {
    const content = (data: unknown) => ({ stream: 's', revision: 0, eventId: 'e', type: 'T', schemaVersion: 1, businessKey: 'k', occurredAt: '2024-01-01', data });
    for (const data of samples.filter((s) => s !== null && typeof s === 'object')) {
      const hash = eventHash(GENESIS_HASH, content(data));
      expect(hashMatches(GENESIS_HASH, content(data), hash)).toBe(true);
      expect(hashMatches(GENESIS_HASH, content({ ...(data as object), extra: 1 }), hash)).toBe(false);
      expect(hashMatches(GENESIS_HASH, { ...content(data), revision: 1 }, hash)).toBe(false);
    }
    const claim = { claimId: 'C1', amount: '10.00', institution: { id: 'H', level: 2 } };
    const hash = eventHash(GENESIS_HASH, content(claim));
    expect(hashMatches(GENESIS_HASH, content({ claimId: 'C1', amount: '10.00', institution: { id: 'H' } }), hash)).toBe(false);
    expect(hashMatches(GENESIS_HASH, content({ ...claim, amount: '10.01' }), hash)).toBe(false);
    expect(hashMatches(GENESIS_HASH, content({ institution: { level: 2, id: 'H' }, amount: '10.00', claimId: 'C1' }), hash)).toBe(true);
  });
});
