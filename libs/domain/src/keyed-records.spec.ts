import { ClaimRecords, type ClaimRecord } from './resident';

const claim = (claimId: string, year = 2025): ClaimRecord => ({
  claimId,
  year,
  fundId: 'huangpi',
  careType: 'inpatient',
  admittedAt: '2025-03-01',
  dischargedAt: '2025-03-05',
  assistanceGroup: null,
  compliantCostFen: 100,
  basicFundPaymentFen: 50,
  criticalIllnessPaymentFen: 0,
  assistancePaymentFen: 0,
  personalPaymentFen: 50,
  burdenInScopeFen: 50,
  insurerDecision: null,
  insurerPayment: null,
  reversed: false,
  recoveredFen: 0,
});

function listOf(count: number, prefix = 'C'): ClaimRecords {
  let list = ClaimRecords.EMPTY;
  for (let i = 0; i < count; i += 1) list = list.with(claim(`${prefix}-${i}`));
  return list;
}

describe('KeyedRecords (the resident state maps)', () => {
  it('adds, replaces in place and leaves the list it came from unchanged', () => {
    const one = ClaimRecords.EMPTY.with(claim('A'));
    const two = one.with(claim('B'));
    const replaced = two.with({ ...claim('A'), reversed: true });
    expect([...one.keys()]).toEqual(['A']);
    expect([...two.keys()]).toEqual(['A', 'B']);
    expect([...replaced.keys()]).toEqual(['A', 'B']);
    expect(two.get('A')?.reversed).toBe(false);
    expect(replaced.get('A')?.reversed).toBe(true);
    expect(replaced.size).toBe(2);
    expect(ClaimRecords.EMPTY.size).toBe(0);
    expect(new Map(replaced)).toEqual(new Map([['A', { ...claim('A'), reversed: true }], ['B', claim('B')]]));
  });

  it('answers as a Map would on branches that share one index (long lists)', () => {
    const base = listOf(12);
    // Two lists derived from the same one each put a different record at the same position.
    const left = base.with(claim('L'));
    const right = base.with(claim('R'));
    const leftReplaced = left.with({ ...claim('C-3'), reversed: true });
    const model = (list: ClaimRecords) => new Map([...list.values()].map((record) => [record.claimId, record]));
    for (const list of [base, left, right, leftReplaced, right.with(claim('L2')), left.with(claim('R'))]) {
      const expected = model(list);
      for (const key of ['C-0', 'C-3', 'C-11', 'L', 'R', 'L2', 'missing']) {
        expect(list.get(key)).toBe(expected.get(key));
        expect(list.has(key)).toBe(expected.has(key));
      }
    }
    expect(left.get('R')).toBeUndefined();
    expect(right.get('L')).toBeUndefined();
    expect(base.get('L')).toBeUndefined();
    expect(left.with(claim('R')).get('R')?.claimId).toBe('R');
    expect(left.get('C-3')?.reversed).toBe(false);
    expect(leftReplaced.get('C-3')?.reversed).toBe(true);
  });
});
