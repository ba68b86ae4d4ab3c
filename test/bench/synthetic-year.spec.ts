import { decodeEvent } from '@ledger/application';
import { CARE_TYPES, FUND_IDS, formatMoney, type LedgerEventType, SUBSIDY_LEVELS } from '@ledger/domain';
import { SqliteEventStore } from '@ledger/event-store';
import { loadPolicy } from '@ledger/policy';
import { ProjectionRunner } from '@ledger/projections';
import { importSyntheticYear } from '../../scripts/synthetic/import-year';
import { balanceFen, fenText, SyntheticYear } from '../../scripts/synthetic/year';

/**
 * Keeps the synthetic-year generator honest at a tiny scale: everything it generates goes through
 * the ledger's write path without a refusal, the store holds the events it counted, and the fund
 * read model built from the store shows exactly the money the generator decided (including the
 * one-stop claims the ledger settled itself).
 */
describe('synthetic year (benchmark data)', () => {
  const policy = loadPolicy();

  it('imports a small year (400 residents) through the ledger and the read model balances to the generated money facts', async () => {
    const store = new SqliteEventStore({ file: ':memory:' });
    const result = await importSyntheticYear({ residents: 400, seed: 25, store, policy, batchSize: 50 });
    const { summary } = result;

    const counted: Record<string, number> = {};
    let criticalIllness = 0;
    let assistance = 0;
    const fen = (text: string) => Math.round(Number(text) * 100);
    for await (const event of store.readAll()) {
      counted[event.type] = (counted[event.type] ?? 0) + 1;
      if (event.type === 'ClaimSettled') {
        const data = event.data as { criticalIllnessPayment: string; assistancePayment: string };
        criticalIllness += fen(data.criticalIllnessPayment);
        assistance += fen(data.assistancePayment);
      }
    }
    // The one-stop claims the ledger settled itself carry the payments the generator predicted.
    expect([criticalIllness, assistance]).toEqual([summary.criticalIllnessPaid, summary.assistancePaid]);
    expect({ criticalIllness: summary.criticalIllnessPaid > 0, assistance: summary.assistancePaid > 0 }).toEqual({ criticalIllness: true, assistance: true });
    const expected = Object.fromEntries(Object.entries(summary.eventsByType).filter(([, n]) => n > 0));
    expect(counted).toEqual(expected);
    expect(result.events).toBe(Object.values(summary.eventsByType).reduce((a, b) => a + b, 0));
    expect(summary.eventsByType.ResidentEnrolled).toBe(400);
    expect(summary.eventsByType.ClaimSettled).toBeGreaterThan(1000);
    expect(summary.eventsByType.InsurerPaymentRecorded).toBeGreaterThan(0);
    expect(summary.recordedClaims).toBeGreaterThan(summary.computedClaims);
    expect(summary.computedClaims).toBeGreaterThan(0);
    // The funds' own books: a premium per fund with insured, monthly interest, a few recoveries.
    expect(summary.eventsByType.CriticalIllnessPremiumPaid).toBeGreaterThan(0);
    expect(summary.eventsByType.InterestReceived).toBeGreaterThanOrEqual(12);
    expect(summary.eventsByType.RecoveryReceived).toBeGreaterThan(0);

    const runner = new ProjectionRunner({ store, file: ':memory:', decode: decodeEvent });
    await runner.start();
    for (const fundId of FUND_IDS) {
      const figures = runner.ledger.current(fundId);
      const sums = summary.funds[fundId];
      expect(formatMoney(figures.contributions)).toBe(fenText(sums.contributions));
      for (const level of SUBSIDY_LEVELS) expect(`${fundId} ${level} ${formatMoney(figures.subsidies[level])}`).toBe(`${fundId} ${level} ${fenText(sums.subsidies[level])}`);
      for (const careType of CARE_TYPES) expect(`${fundId} ${careType} ${formatMoney(figures.claims[careType])}`).toBe(`${fundId} ${careType} ${fenText(sums.claims[careType])}`);
      expect(`${fundId} interest ${formatMoney(figures.interest)}`).toBe(`${fundId} interest ${fenText(sums.interest)}`);
      expect(`${fundId} premium ${formatMoney(figures.criticalIllnessPremium)}`).toBe(`${fundId} premium ${fenText(sums.criticalIllnessPremium)}`);
      expect(`${fundId} recoveries ${formatMoney(figures.recoveries)}`).toBe(`${fundId} recoveries ${fenText(sums.recoveries)}`);
      expect(`${fundId} balance ${formatMoney(figures.balance)}`).toBe(`${fundId} balance ${fenText(balanceFen(sums))}`);
      expect(figures.imbalance.isZero()).toBe(true);
    }
    await runner.stop();
    await store.close();
  });

  it('is deterministic in its seed, covers every district, category and care type, and stays within the texts', () => {
    const first = new SyntheticYear(policy, { residents: 2_000, seed: 5 });
    const second = new SyntheticYear(policy, { residents: 2_000, seed: 5 });
    const commandsOf = (year: SyntheticYear) => [...year.days()].flatMap((day) => day.commands);
    const a = commandsOf(first);
    const b = commandsOf(second);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(first.summary).toEqual(second.summary);

    const enrollments = a.filter((c) => c.kind === 'EnrollResident');
    const districts = new Set(enrollments.flatMap((c) => (c.kind === 'EnrollResident' ? [c.residenceDistrict, c.hukou.district ?? c.residenceDistrict] : [])));
    expect(districts.size).toBe(16);
    const categories = new Set(enrollments.map((c) => (c.kind === 'EnrollResident' ? c.category : '')));
    expect([...categories].sort()).toEqual(['adult', 'minor', 'newborn', 'student', 'university-student']);
    expect(enrollments.some((c) => c.kind === 'EnrollResident' && !c.hukou.local)).toBe(true);
    expect(enrollments.some((c) => c.kind === 'EnrollResident' && c.hardship.length > 0)).toBe(true);
    const claims = a.filter((c) => c.kind === 'SettleClaim');
    expect(new Set(claims.map((c) => (c.kind === 'SettleClaim' ? c.careType : ''))).size).toBe(3);
    const subsidies = a.filter((c) => c.kind === 'GrantSubsidy' && c.purpose === 'per-capita');
    expect(new Set(subsidies.map((c) => (c.kind === 'GrantSubsidy' ? c.level : ''))).size).toBe(4);
    const types: LedgerEventType[] = ['ResidentEnrolled', 'ContributionPaid', 'SubsidyGranted', 'ClaimSettled'];
    for (const type of types) expect(first.summary.eventsByType[type]).toBeGreaterThan(0);
    // ≥ 6 events per resident, as the full-scale benchmark needs.
    const total = Object.values(first.summary.eventsByType).reduce((x, y) => x + y, 0);
    expect(total / 2_000).toBeGreaterThanOrEqual(6);

    const other = new SyntheticYear(policy, { residents: 2_000, seed: 6 });
    expect(JSON.stringify(commandsOf(other))).not.toBe(JSON.stringify(a));
  });
});
