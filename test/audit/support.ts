import 'reflect-metadata';
import { appendUndecided, LedgerService } from '@ledger/application';
import {
  type DomainEvent,
  type EnrollResident,
  type LedgerCommand,
  money,
  type RecordedBy,
  type SettleClaim,
  settleFirstClaim,
} from '@ledger/domain';
import { type EventStorePort, SqliteEventStore } from '@ledger/event-store';
import { type HardshipCode, isFenPrecise, loadPolicy, type Policy } from '@ledger/policy';
import { Auditor, type AuditorOptions, type InspectionReport, type LiveProjection, replayStore } from '@ledger/audit';

/** Helpers for building histories the auditor judges: the real append path plus raw appends. */
export const policy: Policy = loadPolicy();
export const CLERK: RecordedBy = { subject: 'audit-test', role: 'clerk' };
export const FIXED_CLOCK = () => new Date('2025-01-15T08:00:00.000Z');

export interface TestHistory {
  store: SqliteEventStore;
  ledger: LedgerService;
  run: (command: LedgerCommand) => Promise<void>;
  close: () => Promise<void>;
}

export function newHistory(): TestHistory {
  const store = new SqliteEventStore({ file: ':memory:' });
  const ledger = new LedgerService({ store, policy, clock: FIXED_CLOCK });
  return {
    store,
    ledger,
    run: async (command) => {
      await ledger.execute(command, CLERK);
    },
    close: () => store.close(),
  };
}

/**
 * The small history the CLI and tamper-evidence specs audit, recorded through the ledger: the caidian
 * fund's subsidy, one resident enrolled and paid up for 2024, one outpatient claim in May 2024.
 * Returns a way to record more and the resident, for specs that need a longer history.
 */
export async function recordSmallHistory(store: EventStorePort) {
  const ledger = new LedgerService({ store, policy, clock: FIXED_CLOCK });
  const run = (command: Parameters<LedgerService['execute']>[0]) => ledger.execute(command, CLERK);
  await run(fundSubsidy('caidian'));
  const resident = enrollment({ hukou: { local: true, district: 'caidian' }, residenceDistrict: 'caidian' });
  await run(resident);
  await run(contribution(resident.residentId, '380.00'));
  await run(claim(resident.residentId, { admittedAt: '2024-05-01', dischargedAt: '2024-05-01', filedAt: '2024-05-01' }));
  return { run, residentId: resident.residentId };
}

/** Appends already-decided events to a stream as a faulty tool or a migration would: correctly hashed. */
export async function appendRaw(store: EventStorePort, stream: string, events: DomainEvent[]): Promise<void> {
  await appendUndecided(store, stream, events, { recordedAt: FIXED_CLOCK().toISOString(), recordedBy: CLERK, requestDigest: 'raw-append' });
}

export async function audit(store: EventStorePort, options: Partial<AuditorOptions> & { live?: LiveProjection | null } = {}): Promise<InspectionReport> {
  const auditor = new Auditor({ policy, asOf: '2025-12-31', ...options });
  await replayStore(store, auditor);
  return auditor.report(options.live);
}

export function findingsOf(report: InspectionReport, rule: string) {
  return report.findings.filter((f) => f.rule === rule);
}

let counter = 0;
export function nextId(prefix: string): string {
  counter += 1;
  return `${prefix}-${counter}`;
}

export function enrollment(overrides: Partial<EnrollResident> = {}): EnrollResident {
  return {
    kind: 'EnrollResident',
    enrollmentId: nextId('E'),
    residentId: nextId('R'),
    year: 2024,
    birthDate: '1980-05-01',
    category: 'adult',
    hukou: { local: true, district: 'wuchang' },
    residenceDistrict: 'wuchang',
    hardship: [],
    parents: [],
    enrolledAt: '2023-11-15',
    ...overrides,
  };
}

export function contribution(residentId: string, amount: string, paidAt = '2023-12-01', overrides: Record<string, unknown> = {}): LedgerCommand {
  return {
    kind: 'RecordContribution',
    receiptNo: nextId('RC'),
    residentId,
    year: 2024,
    amount: money(amount),
    paidAt,
    collector: 'self',
    ...overrides,
  } as LedgerCommand;
}

/** An enrolled adult, paid up for 2024 before the year starts (benefits from 1 January). */
export async function paidUpAdult(history: TestHistory, overrides: Partial<EnrollResident> = {}): Promise<EnrollResident> {
  const command = enrollment(overrides);
  await history.run(command);
  const due = policy.contributionStandard(command.year, command.category);
  await history.run(contribution(command.residentId, due.toFixed(2), `${command.year - 1}-12-01`, { year: command.year }));
  return command;
}

/** A per-capita subsidy that keeps a fund far from any deficit in tests that are not about it. */
export function fundSubsidy(fundId: string, amount = '1000000.00', grantedAt = '2024-01-02'): LedgerCommand {
  return { kind: 'GrantSubsidy', subsidyId: nextId('S'), level: 'central', purpose: 'per-capita', year: 2024, amount: money(amount), grantedAt, fundId } as LedgerCommand;
}

export function claim(residentId: string, overrides: Partial<Omit<SettleClaim, 'totalCost' | 'compliantCost' | 'basicFundPayment' | 'criticalIllnessPayment' | 'assistancePayment'>> & {
  totalCost?: string;
  compliantCost?: string;
  basicFundPayment?: string;
  criticalIllnessPayment?: string;
  assistancePayment?: string;
} = {}): SettleClaim {
  const { totalCost, compliantCost, basicFundPayment, criticalIllnessPayment, assistancePayment, ...rest } = overrides;
  const command: SettleClaim = {
    kind: 'SettleClaim',
    claimId: nextId('C'),
    residentId,
    careType: 'outpatient',
    institution: { id: 'H-1', level: 2, designated: true, district: 'wuchang' },
    admittedAt: '2024-03-01',
    dischargedAt: '2024-03-01',
    totalCost: money(totalCost ?? '500.00'),
    compliantCost: money(compliantCost ?? '400.00'),
    settlement: 'direct',
    filedAt: '2024-03-01',
    ...rest,
  };
  if (basicFundPayment !== undefined) command.basicFundPayment = money(basicFundPayment);
  if (criticalIllnessPayment !== undefined) command.criticalIllnessPayment = money(criticalIllnessPayment);
  if (assistancePayment !== undefined) command.assistancePayment = money(assistancePayment);
  return command;
}

/**
 * The basic fund payment the policy gives a claim (an entitled resident, no earlier claims in the
 * year): what a settlement platform reports when it is right, so tests about other rules report it
 * and leave basic-payment silent.
 */
export function basicDue(command: SettleClaim, hardship: HardshipCode[] = []): string {
  return settleFirstClaim(policy, command, hardship).basicFundPayment.toFixed(2);
}

/**
 * A recorded level-1 outpatient claim on which the policy pays exactly `basicFundPayment`
 * (compliant = payment ÷ ratio + deductible), for tests that need the fund to pay a given amount.
 */
export function claimPaying(residentId: string, basicFundPayment: string, overrides: Parameters<typeof claim>[1] = {}): SettleClaim {
  const on = overrides.admittedAt ?? '2024-03-01';
  const compliant = money(basicFundPayment).div(policy.basicRatio('outpatient', 1, on)).plus(policy.basicDeductible('outpatient', 1, on));
  if (!isFenPrecise(compliant)) throw new RangeError(`no whole-fen compliant cost pays ${basicFundPayment} at level 1`);
  return claim(residentId, {
    institution: { id: 'H-L1', level: 1, designated: true, district: 'wuchang' },
    totalCost: compliant.toFixed(2),
    compliantCost: compliant.toFixed(2),
    basicFundPayment,
    ...overrides,
  });
}

/** A ResidentEnrolled as the ledger would write it, for raw appends of what the ledger refuses. */
export function enrolledEvent(data: Partial<import('@ledger/domain').ResidentEnrolledV1> & { residentId: string; year: number }): DomainEvent {
  const full: import('@ledger/domain').ResidentEnrolledV1 = {
    enrollmentId: nextId('E'),
    birthDate: '1980-05-01',
    category: 'adult',
    hukou: { local: true, district: 'wuchang' },
    residenceDistrict: 'wuchang',
    hardship: [],
    parents: [],
    enrolledAt: '2023-11-15',
    fundId: 'municipal',
    contributionExempt: false,
    contributionDue: '380.00',
    benefitStart: null,
    policyVersion: policy.version,
    ...data,
  };
  return { type: 'ResidentEnrolled', data: full, businessKey: `enrollment:${full.enrollmentId}`, occurredAt: full.enrolledAt };
}

/** Every finding of the report is of `rule`, and there are `count` of them. */
export function expectOnly(report: InspectionReport, rule: string, count: number): void {
  // Findings of other rules show with their message, so a failure says what else was found.
  expect(report.findings.map((f) => (f.rule === rule ? rule : `${f.rule}: ${f.message}`))).toEqual(Array(count).fill(rule));
}

export function expectNoFindings(report: InspectionReport): void {
  expect(report.findings.map((f) => `${f.rule}: ${f.message}`)).toEqual([]);
}
