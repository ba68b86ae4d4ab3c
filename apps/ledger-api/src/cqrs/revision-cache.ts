/** How many answers (distinct dates asked about) a RevisionCache keeps per fund. */
export const ANSWERS_KEPT_PER_FUND = 512;

/**
 * Answers about a fund, kept while the fund's read-model revision stays the same: a new posting to
 * the fund moves its revision and every answer about it is computed afresh. A balance request
 * otherwise rebuilt the same answer (binary searches, decimal arithmetic and formatting of a dozen
 * amounts) on every call between postings.
 */
export class RevisionCache<V> {
  private readonly byFund = new Map<string, { revision: number; answers: Map<string, V> }>();

  constructor(private readonly capacity: number = ANSWERS_KEPT_PER_FUND) {}

  get(fundId: string, revision: number, key: string): V | undefined {
    const fund = this.byFund.get(fundId);
    return fund && fund.revision === revision ? fund.answers.get(key) : undefined;
  }

  set(fundId: string, revision: number, key: string, value: V): void {
    let fund = this.byFund.get(fundId);
    if (!fund || fund.revision !== revision) this.byFund.set(fundId, (fund = { revision, answers: new Map() }));
    fund.answers.set(key, value);
    // The oldest answer goes first; a date asked about often is soon computed again.
    if (fund.answers.size > this.capacity) fund.answers.delete(fund.answers.keys().next().value!);
  }
}

/** Answers are shared by every request that asks the same question: nothing may change one. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
