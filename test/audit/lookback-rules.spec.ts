import { decideAssistanceApplication, type DomainEvent, type EventOf, formatMoney, money, residentStream, type SettleClaim } from '@ledger/domain';
import { appendRaw, audit, claim, expectNoFindings, expectOnly, fundSubsidy, newHistory, paidUpAdult, policy, type TestHistory } from './support';
import { decimalOfFen } from '@ledger/policy';

/**
 * assistance-payment on look-back grants (linkage-2018 §二(二)2: 因病致贫救助对象申报前12个月内自付合规
 * 医疗费用直接给予救助, 60%, 年度救助封顶线3万元), judged from the auditor's own claim records.
 */
let history: TestHistory;
beforeEach(async () => {
  history = newHistory();
  await history.run(fundSubsidy('municipal'));
});
afterEach(() => history.close());

const inpatient = (residentId: string, admittedAt: string, compliantCost = '20000.00') =>
  claim(residentId, { careType: 'inpatient', admittedAt, dischargedAt: admittedAt, filedAt: admittedAt, totalCost: compliantCost, compliantCost });

/** An illness-poverty target with two claims settled one-stop (no assistance there) in 2024; returns the grant the ledger would decide on 2024-12-01. */
async function targetWithClaims(): Promise<{ residentId: string; grant: EventOf<'LookbackAssistanceGranted'> }> {
  const { residentId } = await paidUpAdult(history, { hardship: ['illness-poverty'] });
  await history.run(inpatient(residentId, '2024-02-01'));
  await history.run(inpatient(residentId, '2024-07-01', '8000.00'));
  const { state } = await history.ledger.loadSnapshot(residentStream(residentId));
  const [grant] = decideAssistanceApplication({ kind: 'ApplyForAssistance', applicationId: 'AA-1', residentId, appliedAt: '2024-12-01' }, state, { policy });
  return { residentId, grant: grant as EventOf<'LookbackAssistanceGranted'> };
}

const misrecorded = (grant: EventOf<'LookbackAssistanceGranted'>, change: Partial<EventOf<'LookbackAssistanceGranted'>['data']>): DomainEvent => ({
  ...grant,
  data: { ...grant.data, ...change },
});

describe('assistance-payment on look-back grants (linkage-2018 §二(二)2)', () => {
  it('finds nothing in a grant the ledger decided, and the grant moves no fund money', async () => {
    const { residentId, grant } = await targetWithClaims();
    const before = await audit(history.store);
    await history.run({ kind: 'ApplyForAssistance', applicationId: 'AA-1', residentId, appliedAt: '2024-12-01' });
    const report = await audit(history.store);
    expectNoFindings(report);
    expect(money(grant.data.amount).greaterThan(0)).toBe(true);
    expect(report.funds).toEqual(before.funds);
  });

  it('flags a grant recorded over 60% of the base, naming the application, with its evidence', async () => {
    const { residentId, grant } = await targetWithClaims();
    const over = formatMoney(money(grant.data.amount).plus('500.00'));
    await appendRaw(history.store, residentStream(residentId), [misrecorded(grant, { amount: over })]);
    const report = await audit(history.store);
    expectOnly(report, 'assistance-payment', 1);
    const [found] = report.findings;
    expect(found).toMatchObject({ fundId: 'municipal', residentId });
    expect(found.message).toContain('application AA-1');
    expect(found.message).toContain(`paid ${over}`);
    expect(found.message).toContain(`base ${grant.data.base}`);
    expect(found.message).toContain(`= ${grant.data.amount}`);
    // The grant, the enrollment and both claims it counted.
    expect(found.evidence).toHaveLength(4);
    expect(found.evidence[found.evidence.length - 1]).toBe(report.lastPositionRead);
  });

  it('flags a second grant that counts the same claims again', async () => {
    const { residentId, grant } = await targetWithClaims();
    await history.run({ kind: 'ApplyForAssistance', applicationId: 'AA-1', residentId, appliedAt: '2024-12-01' });
    await appendRaw(history.store, residentStream(residentId), [
      { ...misrecorded(grant, { applicationId: 'AA-2', appliedAt: '2024-12-10' }), businessKey: 'assistance-application:AA-2', occurredAt: '2024-12-10' },
    ]);
    const report = await audit(history.store);
    expectOnly(report, 'assistance-payment', 1);
    expect(report.findings[0].message).toContain('already counted by an earlier application');
  });

  it('flags a grant that takes the year over the 30000.00 cap', async () => {
    const { residentId } = await paidUpAdult(history, { hardship: ['illness-poverty'] });
    for (const admittedAt of ['2024-02-01', '2024-03-01', '2024-04-01', '2024-06-01', '2024-08-01', '2024-10-01']) await history.run(inpatient(residentId, admittedAt, '60000.00'));
    const { state } = await history.ledger.loadSnapshot(residentStream(residentId));
    const [grant] = decideAssistanceApplication({ kind: 'ApplyForAssistance', applicationId: 'AA-1', residentId, appliedAt: '2024-12-01' }, state, { policy }) as [EventOf<'LookbackAssistanceGranted'>];
    // The ledger capped it; recorded uncapped, it is over the cap (and within 60% of the base).
    const uncapped = formatMoney(money(grant.data.base).times(grant.data.ratio).toDecimalPlaces(2));
    expect(money(uncapped).greaterThan(grant.data.amount)).toBe(true);
    await appendRaw(history.store, residentStream(residentId), [misrecorded(grant, { amount: uncapped })]);
    const report = await audit(history.store);
    expectOnly(report, 'assistance-payment', 1);
    expect(report.findings[0].message).toContain('over the illness-poverty annual cap of 30000.00');
  });

  describe('one channel per claim (linkage-2018 §二(二)2-3)', () => {
    it('flags assistance paid at settlement to an illness-poverty target, who is assisted on application only', async () => {
      const { residentId } = await paidUpAdult(history, { hardship: ['illness-poverty'] });
      const command = inpatient(residentId, '2024-03-01') as SettleClaim;
      const quote = await history.ledger.quote(command);
      expect(quote.assistancePayment.toFixed(2)).toBe('0.00');
      await history.run({ ...command, basicFundPayment: quote.basicFundPayment, criticalIllnessPayment: quote.criticalIllnessPayment, assistancePayment: money('1000.00') });
      const report = await audit(history.store);
      expectOnly(report, 'assistance-payment', 1);
      expect(report.findings[0]).toMatchObject({ residentId, claimId: command.claimId });
      expect(report.findings[0].message).toContain('paid 1000.00 of medical assistance at settlement');
      expect(report.findings[0].message).toContain('belongs to the illness-poverty group, which is assisted only on application');
    });

    it('flags a grant that counts a claim already assisted one-stop (a claim in both channels)', async () => {
      const { residentId } = await paidUpAdult(history, { hardship: ['illness-poverty', 'low-income'] });
      const unassisted = inpatient(residentId, '2024-02-01') as SettleClaim;
      const quote = await history.ledger.quote(unassisted);
      // Recorded by the platform without assistance: countable by an application.
      await history.run({ ...unassisted, basicFundPayment: quote.basicFundPayment, criticalIllnessPayment: quote.criticalIllnessPayment, assistancePayment: money('0.00') });
      const oneStop = inpatient(residentId, '2024-05-01') as SettleClaim;
      await history.run(oneStop);
      const { state } = await history.ledger.loadSnapshot(residentStream(residentId));
      expect(state.claims.get(oneStop.claimId)!.assistancePaymentFen).toBeGreaterThan(0);
      const [grant] = decideAssistanceApplication({ kind: 'ApplyForAssistance', applicationId: 'AA-1', residentId, appliedAt: '2024-12-01' }, state, { policy }) as [EventOf<'LookbackAssistanceGranted'>];
      expect(grant.data.claimIds).toEqual([unassisted.claimId]);
      expectNoFindings(await audit(history.store));
      // Recorded as if the one-stop claim counted too: 60% of its base once more.
      const settled = state.claims.get(oneStop.claimId)!;
      const again = decimalOfFen(settled.compliantCostFen - settled.basicFundPaymentFen - settled.criticalIllnessPaymentFen).times(grant.data.ratio);
      const amount = formatMoney(money(grant.data.amount).plus(again).toDecimalPlaces(2));
      await appendRaw(history.store, residentStream(residentId), [misrecorded(grant, { claimIds: [unassisted.claimId, oneStop.claimId], amount })]);
      const report = await audit(history.store);
      expectOnly(report, 'assistance-payment', 1);
      expect(report.findings[0].message).toContain(`not countable: ${oneStop.claimId} (already assisted one-stop at settlement)`);
      expect(report.findings[0].message).toContain(`= ${grant.data.amount}`);
    });
  });

  it('flags a grant to someone who is not an illness-poverty target', async () => {
    const { grant } = await targetWithClaims();
    const { residentId } = await paidUpAdult(history, { hardship: ['dibao'] });
    await appendRaw(history.store, residentStream(residentId), [misrecorded(grant, { residentId, claimIds: [] })]);
    const report = await audit(history.store);
    expectOnly(report, 'assistance-payment', 1);
    expect(report.findings[0]).toMatchObject({ residentId });
    expect(report.findings[0].message).toContain('not an illness-poverty target');
  });

  it('calls a grant with malformed claim ids a stream-integrity problem, not a crash', async () => {
    const { residentId, grant } = await targetWithClaims();
    await appendRaw(history.store, residentStream(residentId), [misrecorded(grant, { claimIds: [42 as unknown as string] })]);
    const report = await audit(history.store);
    expectOnly(report, 'stream-integrity', 1);
    expect(report.findings[0].message).toContain('LookbackAssistanceGranted data is malformed (claimIds)');
  });
});
