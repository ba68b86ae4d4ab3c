import { loadPolicy, rememberingPolicy } from '@ledger/policy';
import { compareSettlementOverYear } from '../../scripts/synthetic/compare-settlement';

/**
 * The integer-fen settlement against the decimal.js reference on every claim of a generated year
 * (as generated, and with every part reported, not entitled, and designation flipped). The same
 * comparison over 100,000 residents: `npm run compare-settlement -- --residents 100000`.
 */
describe('integer-fen settlement over a generated year', () => {
  it('equals the decimal.js reference on every claim of a 2,000-resident year', () => {
    const comparison = compareSettlementOverYear(rememberingPolicy(loadPolicy()), { residents: 2000, seed: 2025 });
    expect(comparison.differences).toEqual([]);
    expect(comparison.claims).toBeGreaterThan(8000);
    expect(comparison.compared).toBe(comparison.claims * 4);
  });
});
