import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { decodeEvent, contributionCommand, claimCommand, LedgerService, subsidyCommand, CommandOutcome } from '@ledger/application';
import type { ClaimDto, ContributionDto, SubsidyDto } from '@ledger/application';
import type { LedgerCommand } from '@ledger/domain';
import { EventStorePort, SqliteEventStore, WrongExpectedRevisionError } from '@ledger/event-store';
import { EVENT_STORE } from '../../apps/ledger-api/src/tokens';
import { loadPolicy, resolveBundledParametersPath } from '@ledger/policy';
import { ProjectionRunner } from '@ledger/projections';
import { AuthorizedClient, startTestLedger, TestLedger } from './ledger-app';
import { countBy, eventsFile, integrityProblems, readRawEvents } from './support/store-checks';

/**
 * Issue 5 §3: 50 concurrent writers on the same residents and fund streams lose nothing and
 * double nothing on the embedded store. 50 HTTP clients against one app, plus a second
 * LedgerService on its own connection to the same SQLite file (another instance of the ledger),
 * all writing to 5 resident streams and 3 fund streams at once, with identical re-sends (200) and
 * conflicting re-sends (409) of the same business keys racing the first sends. Afterwards the log,
 * the fund balances and the resident views must equal sums computed here, exactly.
 */
const CLIENTS = 50;

/**
 * Many contributions land on each resident's 2024, more than the bundled 380.00 standard allows
 * (contributions are paid in full once, opinions-2017 §三). The test is about concurrent writers,
 * so it runs under a copy of the parameters whose 2024 adult standard is far above what it pays;
 * the residents then never reach it and have no benefit start (their claims are recorded as reported).
 */
const TEST_STANDARD = '100000.00';
function policyWithHighStandard(): string {
  const file = resolveBundledParametersPath();
  const document = YAML.parse(readFileSync(file, 'utf8'));
  document.parameters.contribution.individual.adult.values['2024-01-01'] = { value: TEST_STANDARD, source: 'assumption: concurrency test, a standard no test payment reaches' };
  const copy = join(mkdtempSync(join(tmpdir(), 'conc-policy-')), 'policy.yaml');
  writeFileSync(copy, YAML.stringify(document));
  return copy;
}
const POLICY_FILE = policyWithHighStandard();
const SECOND_INSTANCE_COMMANDS = 25;
const SHARED_KEYS = 25;

const RESIDENTS = [
  { district: 'huangpi', hardship: ['dibao'] },
  { district: 'caidian', hardship: ['registered-poor'] },
  { district: 'wuchang', hardship: [] },
  { district: 'huangpi', hardship: [] },
  { district: 'jiangxia', hardship: [] },
].map((resident, index) => ({
  ...resident,
  residentId: `CONC-R${index}`,
  fundId: resident.district === 'wuchang' ? 'municipal' : resident.district,
}));
const SUBSIDISED_FUNDS = ['huangpi', 'caidian', 'municipal'];
const LEVELS = ['central', 'provincial', 'municipal', 'district'];

/** Fen (integers, exact) ↔ the API's yuan strings. */
const yuan = (fen: number) => `${fen < 0 ? '-' : ''}${Math.floor(Math.abs(fen) / 100)}.${String(Math.abs(fen) % 100).padStart(2, '0')}`;
const fenOf = (text: string) => Math.round(Number(text) * 100);

/** Every money fact the test sends once, with where its money lands: the expected ledger. */
interface Expected {
  contributions: Map<string, number>;
  subsidies: Map<string, Record<string, number>>;
  outflow: Map<string, number>;
  paidByResident: Map<string, number>;
  claimsByResident: Map<string, Array<{ compliant: number; basic: number; assistance: number }>>;
  keys: string[];
}

function emptyExpected(): Expected {
  return {
    contributions: new Map(),
    subsidies: new Map(),
    outflow: new Map(),
    paidByResident: new Map(),
    claimsByResident: new Map(),
    keys: [],
  };
}

const add = (map: Map<string, number>, key: string, fen: number) => map.set(key, (map.get(key) ?? 0) + fen);
const residentOf = (residentId: string) => RESIDENTS.find((r) => r.residentId === residentId)!;

function expectContribution(expected: Expected, body: { receiptNo: string; residentId: string; amount: string }) {
  const resident = residentOf(body.residentId);
  add(expected.contributions, resident.fundId, fenOf(body.amount));
  add(expected.paidByResident, resident.residentId, fenOf(body.amount));
  expected.keys.push(`contribution:${body.receiptNo}`);
}

function expectSubsidy(expected: Expected, body: { subsidyId: string; level: string; amount: string; fundId?: string; residentId?: string }) {
  const fundId = body.fundId ?? residentOf(body.residentId!).fundId;
  const levels = expected.subsidies.get(fundId) ?? {};
  levels[body.level] = (levels[body.level] ?? 0) + fenOf(body.amount);
  expected.subsidies.set(fundId, levels);
  if (body.residentId) add(expected.paidByResident, body.residentId, fenOf(body.amount));
  expected.keys.push(`subsidy:${body.subsidyId}`);
}

function expectClaim(expected: Expected, body: { claimId: string; residentId: string; compliantCost: string; basicFundPayment: string; assistancePayment: string }) {
  add(expected.outflow, residentOf(body.residentId).fundId, fenOf(body.basicFundPayment));
  const claims = expected.claimsByResident.get(body.residentId) ?? [];
  claims.push({ compliant: fenOf(body.compliantCost), basic: fenOf(body.basicFundPayment), assistance: fenOf(body.assistancePayment) });
  expected.claimsByResident.set(body.residentId, claims);
  expected.keys.push(`claim:${body.claimId}`);
}

const contribution = (receiptNo: string, residentId: string, amount: string, paidAt = '2024-02-01') => ({
  receiptNo, residentId, year: 2024, amount, paidAt, collector: 'agency',
});
const perCapita = (subsidyId: string, level: string, amount: string, fundId: string) => ({
  subsidyId, level, purpose: 'per-capita', year: 2024, amount, grantedAt: '2024-03-01', fundId,
});
const hardshipAid = (subsidyId: string, residentId: string) => ({
  subsidyId, level: 'district', purpose: 'hardship-contribution', year: 2024, amount: '5.00', grantedAt: '2023-12-20', residentId,
});
const inpatientClaim = (claimId: string, residentId: string, fen: { total: number; compliant: number; basic: number; assistance: number }) => ({
  claimId, residentId, careType: 'inpatient',
  institution: { id: 'H-CONC', level: 2, designated: true, district: 'huangpi' },
  admittedAt: '2024-05-06', dischargedAt: '2024-05-10',
  totalCost: yuan(fen.total), compliantCost: yuan(fen.compliant), settlement: 'direct', filedAt: '2024-05-10',
  basicFundPayment: yuan(fen.basic), criticalIllnessPayment: '0.00', assistancePayment: yuan(fen.assistance),
});
const sharedContribution = (k: number) => contribution(`CONC-SH-${k}`, RESIDENTS[k % RESIDENTS.length].residentId, '7.77', '2024-02-02');

interface Sent {
  label: string;
  status: number;
  body: any;
}

describe('concurrent writers on the embedded store (issue 5 §3)', () => {
  let ledger: TestLedger;
  let clerk: AuthorizedClient;
  let bureau: AuthorizedClient;
  const expected = emptyExpected();

  beforeAll(async () => {
    ledger = await startTestLedger({ policyFile: POLICY_FILE });
    // One listening server: supertest would otherwise listen() per request, which cannot be done
    // concurrently on one server object.
    await ledger.app.listen(0, '127.0.0.1');
    clerk = await ledger.as('clerk');
    bureau = await ledger.as('finance-bureau');
    for (const resident of RESIDENTS) {
      const enrollmentId = `CONC-E-${resident.residentId}`;
      await clerk.post('/v1/enrollments', {
        enrollmentId, residentId: resident.residentId, year: 2024, birthDate: '1975-06-01', category: 'adult',
        hukou: { local: true, district: resident.district }, residenceDistrict: resident.district,
        ...(resident.hardship.length ? { hardship: resident.hardship } : {}), enrolledAt: '2023-11-01',
      }).expect(201);
      expected.keys.push(`enrollment:${enrollmentId}`);
      const paid = contribution(`CONC-SETUP-${resident.residentId}`, resident.residentId, '380.00', '2023-12-01');
      const response = await clerk.post('/v1/contributions', paid).expect(201);
      expect(response.body.benefitStart).toBeNull();
      expectContribution(expected, paid);
    }
    expect((ledger.app.getHttpServer().address() as AddressInfo).port).toBeGreaterThan(0);
  });
  afterAll(async () => ledger?.close());

  it('loses nothing, doubles nothing, answers no 5xx, and every re-send gets the first result or 409', async () => {
    const sent: Sent[] = [];
    const send = async (label: string, path: string, body: unknown): Promise<Sent> => {
      const response = await clerk.post(path, body);
      const result = { label, status: response.status, body: response.body };
      sent.push(result);
      return result;
    };

    // What each HTTP client sends, first wave all at once, then the re-sends all at once.
    const client = async (i: number) => {
      const resident = RESIDENTS[i % RESIDENTS.length];
      const own = contribution(`CONC-CC-${i}`, resident.residentId, `${10 + i}.50`);
      const subsidy = perCapita(`CONC-PS-${i}`, LEVELS[i % LEVELS.length], yuan((1000 + i) * 100 + 25), SUBSIDISED_FUNDS[i % SUBSIDISED_FUNDS.length]);
      const claim = inpatientClaim(`CONC-CL-${i}`, resident.residentId, {
        total: (2000 + 10 * i) * 100, compliant: (1500 + 10 * i) * 100, basic: (700 + i) * 100 + 10, assistance: i % 2 ? 1000 : 0,
      });
      const aid = resident.hardship.length ? hardshipAid(`CONC-HA-${i}`, resident.residentId) : null;
      const shared = sharedContribution(i % SHARED_KEYS);

      const [first] = await Promise.all([
        send(`contribution ${i}`, '/v1/contributions', own),
        send(`subsidy ${i}`, '/v1/subsidies', subsidy),
        send(`claim ${i}`, '/v1/claims', claim),
        aid ? send(`aid ${i}`, '/v1/subsidies', aid) : Promise.resolve(null),
        send(`shared ${i % SHARED_KEYS}`, '/v1/contributions', shared),
      ]);
      const [again] = await Promise.all([
        // "60.5" is the same amount as "60.50": the same request.
        send(`identical re-send ${i}`, '/v1/contributions', { ...own, amount: `${10 + i}.5` }),
        send(`conflicting re-send ${i}`, '/v1/contributions', { ...own, amount: '999.00' }),
        send(`identical subsidy re-send ${i}`, '/v1/subsidies', subsidy),
        send(`conflicting claim re-send ${i}`, '/v1/claims', { ...claim, basicFundPayment: '1.00' }),
        send(`conflicting shared re-send ${i}`, '/v1/contributions', { ...shared, collector: 'self' }),
      ]);
      expect(again.body).toEqual(first.body);

      expectContribution(expected, own);
      expectSubsidy(expected, subsidy);
      expectClaim(expected, claim);
      if (aid) expectSubsidy(expected, aid);
    };

    // A second ledger instance: its own connection to the same file, its own LedgerService.
    const secondStore = new SqliteEventStore({ file: eventsFile(ledger.dataDir) });
    // Count the races lost at append time, to show the test really made writers collide.
    let lostRaces = 0;
    for (const store of [ledger.app.get<EventStorePort>(EVENT_STORE), secondStore]) {
      const append = store.append.bind(store);
      store.append = async (...args) => {
        try {
          return await append(...args);
        } catch (error) {
          if (error instanceof WrongExpectedRevisionError) lostRaces += 1;
          throw error;
        }
      };
    }
    const second = new LedgerService({ store: secondStore, policy: loadPolicy(POLICY_FILE) });
    const recordedBy = { subject: 'second-instance', role: 'clerk' };
    const secondResults: Array<{ label: string; outcome?: CommandOutcome; error?: unknown }> = [];
    const run = async (label: string, command: LedgerCommand) => {
      try {
        secondResults.push({ label, outcome: await second.execute(command, recordedBy) });
      } catch (error) {
        secondResults.push({ label, error });
      }
    };
    const secondInstance = async () => {
      const work: Array<Promise<void>> = [];
      for (let j = 0; j < SECOND_INSTANCE_COMMANDS; j += 1) {
        const resident = RESIDENTS[j % RESIDENTS.length];
        const own = contribution(`CONC-BC-${j}`, resident.residentId, `${3 + j}.33`);
        const subsidy = perCapita(`CONC-BS-${j}`, 'central', `${500 + j}.00`, SUBSIDISED_FUNDS[j % SUBSIDISED_FUNDS.length]);
        const claim = inpatientClaim(`CONC-BCL-${j}`, resident.residentId, { total: 90_000, compliant: 80_000, basic: 30_000 + j, assistance: 0 });
        work.push(
          run(`contribution B${j}`, contributionCommand(own as ContributionDto)),
          run(`subsidy B${j}`, subsidyCommand(subsidy as SubsidyDto)),
          run(`claim B${j}`, claimCommand(claim as ClaimDto)),
          run(`shared ${j % SHARED_KEYS}`, contributionCommand(sharedContribution(j % SHARED_KEYS) as ContributionDto)),
        );
        expectContribution(expected, own);
        expectSubsidy(expected, subsidy);
        expectClaim(expected, claim);
      }
      await Promise.all(work);
    };

    const started = Date.now();
    await Promise.all([...Array.from({ length: CLIENTS }, (_, i) => client(i)), secondInstance()]);
    const elapsed = Date.now() - started;
    await secondStore.close();
    for (let k = 0; k < SHARED_KEYS; k += 1) expectContribution(expected, sharedContribution(k));

    expect(lostRaces).toBeGreaterThan(0);
    process.stdout.write(`concurrency: ${sent.length} HTTP requests + ${secondResults.length} direct commands in ${elapsed} ms, ${lostRaces} lost races retried\n`);
    // No 5xx, no failure of the second instance, and each request got exactly its status.
    expect(sent.filter((s) => s.status >= 500)).toEqual([]);
    expect(secondResults.filter((r) => r.error)).toEqual([]);
    const statusOf = (prefix: string) => countBy(sent.filter((s) => s.label.startsWith(prefix)), (s) => String(s.status));
    expect(statusOf('contribution ')).toEqual({ 201: CLIENTS });
    expect(statusOf('subsidy ')).toEqual({ 201: CLIENTS });
    expect(statusOf('claim ')).toEqual({ 201: CLIENTS });
    expect(statusOf('aid ')).toEqual({ 201: CLIENTS * 2 / RESIDENTS.length });
    expect(statusOf('identical ')).toEqual({ 200: 2 * CLIENTS });
    expect(statusOf('conflicting ')).toEqual({ 409: 3 * CLIENTS });
    for (const conflictBody of sent.filter((s) => s.status === 409)) expect(conflictBody.body.message).toContain('different payload');
    // Each shared key: two HTTP senders and the second instance raced; exactly one created it.
    for (let k = 0; k < SHARED_KEYS; k += 1) {
      const http = sent.filter((s) => s.label === `shared ${k}`);
      const direct = secondResults.filter((r) => r.label === `shared ${k}`);
      const created = http.filter((s) => s.status === 201).length + direct.filter((r) => r.outcome!.status === 'created').length;
      expect({ k, created, statuses: http.map((s) => s.status).filter((status) => status !== 200 && status !== 201) }).toEqual({ k, created: 1, statuses: [] });
    }

    // The log: per type, per business key, per stream.
    const events = await readRawEvents(ledger.dataDir);
    expect(countBy(events, (e) => e.type)).toEqual({
      ResidentEnrolled: RESIDENTS.length,
      ContributionPaid: RESIDENTS.length + CLIENTS + SHARED_KEYS + SECOND_INSTANCE_COMMANDS,
      SubsidyGranted: CLIENTS + CLIENTS * 2 / RESIDENTS.length + SECOND_INSTANCE_COMMANDS,
      ClaimSettled: CLIENTS + SECOND_INSTANCE_COMMANDS,
    });
    expect(events.map((e) => e.businessKey).sort()).toEqual([...expected.keys].sort());
    expect(new Set(expected.keys).size).toBe(expected.keys.length);
    expect(integrityProblems(events)).toEqual([]);
    expect(new Set(events.map((e) => e.stream))).toEqual(
      new Set([...RESIDENTS.map((r) => `resident-${r.residentId}`), ...SUBSIDISED_FUNDS.map((f) => `fund-${f}`)]),
    );
    // Every event decodes (nothing half-written).
    for (const event of events) expect(() => decodeEvent({ ...event, position: BigInt(event.position), metadata: event.metadata })).not.toThrow();

    // Balances: the second instance's events reach the API's read model through its polling.
    await ledger.app.get(ProjectionRunner).catchUp();
    const funds = await bureau.get('/v1/funds').expect(200);
    for (const row of funds.body as Array<{ fundId: string; balance: string; income: string; outflow: string }>) {
      const subsidies = Object.values(expected.subsidies.get(row.fundId) ?? {}).reduce((a, b) => a + b, 0);
      const income = (expected.contributions.get(row.fundId) ?? 0) + subsidies;
      const outflow = expected.outflow.get(row.fundId) ?? 0;
      expect(row).toEqual({ fundId: row.fundId, balance: yuan(income - outflow), income: yuan(income), outflow: yuan(outflow) });
      const detail = await bureau.get(`/v1/funds/${row.fundId}`).expect(200);
      expect(detail.body.income.contributions).toBe(yuan(expected.contributions.get(row.fundId) ?? 0));
      for (const level of LEVELS) expect(detail.body.income.subsidies[level]).toBe(yuan(expected.subsidies.get(row.fundId)?.[level] ?? 0));
      expect(detail.body.outflow.claims.inpatient).toBe(yuan(outflow));
    }
    expect(funds.body.some((row: { balance: string }) => row.balance !== '0.00')).toBe(true);

    // The resident views: contributions paid and year-to-date accumulations, to the fen.
    for (const resident of RESIDENTS) {
      const view = await bureau.get(`/v1/residents/${resident.residentId}`).expect(200);
      const claims = expected.claimsByResident.get(resident.residentId)!;
      const total = (pick: (c: (typeof claims)[number]) => number) => yuan(claims.reduce((sum, c) => sum + pick(c), 0));
      expect(view.body.enrollments).toEqual([
        expect.objectContaining({ year: 2024, fundId: resident.fundId, benefitStart: null, contributionPaid: yuan(expected.paidByResident.get(resident.residentId)!) }),
      ]);
      expect(view.body.yearToDate).toEqual([
        {
          year: 2024,
          compliantCost: total((c) => c.compliant),
          basicFundPaid: total((c) => c.basic),
          // Never paid up to the test standard, the residents are not entitled to basic benefits, so
          // no claim counts toward the critical-illness base (compliant − basic, linkage-2018 §二(三)1).
          personalBurdenInScope: '0.00',
          criticalIllnessPaid: '0.00',
          assistancePaid: total((c) => c.assistance),
        },
      ]);
      expect(view.body.claims).toHaveLength(claims.length);
    }
  }, 90_000);

  it('lands a burst of 150 simultaneous writers on one stream: lost races retry, none fails with contention', async () => {
    const store = new SqliteEventStore({ file: eventsFile(ledger.dataDir) });
    const service = new LedgerService({ store, policy: loadPolicy(POLICY_FILE) });
    const resident = RESIDENTS[4];
    const before = (await store.readStream(`resident-${resident.residentId}`)).length;
    try {
      const outcomes = await Promise.allSettled(
        Array.from({ length: 150 }, (_, n) =>
          service.execute(contributionCommand(contribution(`CONC-BURST-${n}`, resident.residentId, '1.00') as ContributionDto), { subject: 'burst', role: 'clerk' }),
        ),
      );
      expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([]);
      const stream = await store.readStream(`resident-${resident.residentId}`);
      expect(stream).toHaveLength(before + 150);
      expect(stream.map((e) => e.revision)).toEqual(stream.map((_, index) => index));
    } finally {
      await store.close();
    }
  }, 60_000);
});
