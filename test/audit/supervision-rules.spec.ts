import { claim, expectNoFindings, expectOnly, fundSubsidy, newHistory, paidUpAdult, policy, audit, type TestHistory } from './support';

/** The 2021 regulation's checks (医疗保障基金使用监督管理条例 art. 15, 38): split admissions and duplicate settlements. */
describe('split-admission (分解住院)', () => {
  let history: TestHistory;
  beforeEach(() => {
    history = newHistory();
  });
  afterEach(() => history.close());

  const window = policy.splitAdmissionDays('2024-03-01');
  const hospital = { id: 'H-SPLIT', level: 2 as const, designated: true, district: 'wuchang' };
  const stay = (residentId: string, admittedAt: string, dischargedAt: string, overrides: Record<string, unknown> = {}) =>
    claim(residentId, { careType: 'inpatient', institution: hospital, admittedAt, dischargedAt, filedAt: dischargedAt, totalCost: '6000.00', compliantCost: '5000.00', ...overrides });
  const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

  async function resident() {
    await history.run(fundSubsidy('municipal'));
    return (await paidUpAdult(history)).residentId;
  }

  it(`finds a readmission to the same hospital ${window} days after discharge, on the readmission`, async () => {
    const residentId = await resident();
    await history.run(stay(residentId, '2024-03-01', '2024-03-08', { claimId: 'C-FIRST' }));
    await history.run(stay(residentId, addDays('2024-03-08', window), addDays('2024-03-08', window + 4), { claimId: 'C-AGAIN' }));
    const report = await audit(history.store);
    expectOnly(report, 'split-admission', 1);
    expect(report.findings[0]).toMatchObject({ fundId: 'municipal', residentId, claimId: 'C-AGAIN' });
    expect(report.findings[0].evidence).toHaveLength(2);
    expect(report.findings[0].message).toContain(`${window} day(s) after discharge`);
    expect(report.findings[0].messageZh).toContain('疑似分解住院');
  });

  it('leaves a readmission one day past the window, another hospital, or an overlapping stay alone', async () => {
    const residentId = await resident();
    await history.run(stay(residentId, '2024-03-01', '2024-03-08'));
    await history.run(stay(residentId, addDays('2024-03-08', window + 1), addDays('2024-03-08', window + 3)));
    await history.run(stay(residentId, '2024-06-01', '2024-06-05'));
    await history.run(stay(residentId, '2024-06-06', '2024-06-09', { institution: { ...hospital, id: 'H-OTHER' } }));
    expectNoFindings(await audit(history.store));
  });

  it('pairs stays by admission date whatever order they were recorded in, and a reversed stay pairs with nothing', async () => {
    const residentId = await resident();
    await history.run(stay(residentId, '2024-04-10', '2024-04-12', { claimId: 'C-LATER' }));
    await history.run(stay(residentId, '2024-04-01', '2024-04-09', { claimId: 'C-EARLIER' }));
    const report = await audit(history.store);
    expectOnly(report, 'split-admission', 1);
    expect(report.findings[0].claimId).toBe('C-LATER');
    await history.run({ kind: 'ReverseClaim', reversalId: 'RV-1', claimId: 'C-EARLIER', reversedAt: '2024-04-20', reason: 'settled in error' });
    expectNoFindings(await audit(history.store));
  });
});

describe('duplicate-settlement (重复结算)', () => {
  let history: TestHistory;
  beforeEach(() => {
    history = newHistory();
  });
  afterEach(() => history.close());

  it('finds a second claim with the same hospital, dates and costs, naming the claim it repeats', async () => {
    await history.run(fundSubsidy('municipal'));
    const { residentId } = await paidUpAdult(history);
    await history.run(claim(residentId, { claimId: 'C-ONE', admittedAt: '2024-05-02', dischargedAt: '2024-05-02', filedAt: '2024-05-02' }));
    await history.run(claim(residentId, { claimId: 'C-TWO', admittedAt: '2024-05-02', dischargedAt: '2024-05-02', filedAt: '2024-05-03' }));
    const report = await audit(history.store);
    expectOnly(report, 'duplicate-settlement', 1);
    expect(report.findings[0]).toMatchObject({ fundId: 'municipal', residentId, claimId: 'C-TWO' });
    expect(report.findings[0].message).toContain('repeats claim C-ONE');
    expect(report.findings[0].messageZh).toContain('疑似重复结算');
  });

  it('leaves claims that differ in a cost or a date alone, and withdraws the finding when the copy is reversed', async () => {
    await history.run(fundSubsidy('municipal'));
    const { residentId } = await paidUpAdult(history);
    await history.run(claim(residentId, { admittedAt: '2024-05-02', dischargedAt: '2024-05-02', filedAt: '2024-05-02' }));
    await history.run(claim(residentId, { admittedAt: '2024-05-02', dischargedAt: '2024-05-02', filedAt: '2024-05-02', totalCost: '500.01' }));
    await history.run(claim(residentId, { admittedAt: '2024-05-03', dischargedAt: '2024-05-03', filedAt: '2024-05-03' }));
    expectNoFindings(await audit(history.store));
    await history.run(claim(residentId, { claimId: 'C-COPY', admittedAt: '2024-05-03', dischargedAt: '2024-05-03', filedAt: '2024-05-03' }));
    expectOnly(await audit(history.store), 'duplicate-settlement', 1);
    await history.run({ kind: 'ReverseClaim', reversalId: 'RV-COPY', claimId: 'C-COPY', reversedAt: '2024-05-10', reason: 'settled twice' });
    expectNoFindings(await audit(history.store));
  });
});
