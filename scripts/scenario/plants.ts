import Database from 'better-sqlite3';
import { decodeEvent } from '@ledger/application';
import {
  attributedFund,
  type Category,
  DISTRICT_CODES,
  eventHash,
  FUND_IDS,
  type FundId,
  fundOfDistrict,
  GENESIS_HASH,
  type Hukou,
  money,
  type ParentFacts,
  residentStream,
  type SettleClaim,
  settleFirstClaim,
} from '@ledger/domain';
import type { EventStorePort } from '@ledger/event-store';
import { addDays, daysBetween, emptyAccumulations, type HardshipCode, settleClaim } from '@ledger/policy';
import { FundLedger } from '@ledger/projections';
import type { RuleId } from '@ledger/audit';
import { appendClaimIgnoringSchemeChanges, appendDecided, enrolledData, type ScenarioWriter, type ScenarioYears } from './history';

/**
 * Planted violations: one fresh resident (or fund, or stored row) per violation, each breaking
 * exactly one rule and nothing else, so an audit of the scenario must find exactly these.
 * Facts the ledger accepts go through LedgerService (recorded payments, a contribution naming a
 * wrong fund, a late cash-advance claim with recorded payments…); facts it refuses are appended
 * directly, correctly hashed (a second enrollment for a year, a wrong newborn exemption); the
 * history's integrity is broken by editing a stored row or appending an unknown event type.
 */
export interface PlantedViolation {
  rule: RuleId;
  fundId: FundId | null;
  residentId?: string;
  claimId?: string;
  description: string;
}

export interface PlantContext extends ScenarioWriter {
  years: ScenarioYears;
  recordedAt: string;
  /** Told apart from an earlier scenario in the same store (ScenarioOptions.firstResident): its fixed ids get a suffix. */
  appendedSuffix?: string;
}

const NEW_CITY_FUNDS: readonly FundId[] = ['caidian', 'jiangxia', 'dongxihu', 'huangpi', 'xinzhou'];

function day(year: number, month: number, dayOfMonth: number): string {
  return `${year}-${String(month).padStart(2, '0')}-${String(dayOfMonth).padStart(2, '0')}`;
}

function districtFor(rule: RuleId, n: number): string {
  let hash = 0;
  for (const char of rule) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return DISTRICT_CODES[(hash + n * 5) % DISTRICT_CODES.length];
}

/** Short, unique prefixes for the planted residents' ids. */
const PLANT_PREFIX: Record<RuleId, string> = {
  'ledger-reconciliation': 'LR',
  'fund-attribution': 'FA',
  'benefit-outside-coverage': 'BC',
  'dual-scheme-benefit': 'DS',
  'duplicate-student-benefit': 'US',
  'newborn-exemption': 'NB',
  'cash-advance-late': 'CA',
  'deductible-waiver': 'DW',
  'critical-illness-payment': 'CI',
  'assistance-payment': 'AP',
  'insurer-decision-late': 'ID',
  'insurer-payment-late': 'IP',
  'fund-deficit': 'FD',
  'stream-integrity': 'SI',
  'closed-period': 'CP',
  'bank-reconciliation': 'BR',
  'basic-payment': 'BP',
  'split-admission': 'SA',
  'duplicate-settlement': 'DU',
};

function plantId(rule: RuleId, n: number): string {
  return `P-${PLANT_PREFIX[rule]}-${n + 1}`;
}

/** A fresh resident enrolled for the last year and paid up before it (benefits from 1 January). */
async function paidUpResident(
  ctx: PlantContext,
  residentId: string,
  district: string,
  options: { category?: Category; hardship?: HardshipCode[]; birthDate?: string; pay?: boolean } = {},
): Promise<{ residentId: string; fundId: FundId; hukou: Hukou }> {
  const year = ctx.years.last;
  const category = options.category ?? 'adult';
  const hukou: Hukou = { local: true, district };
  await ctx.run({
    kind: 'EnrollResident',
    enrollmentId: `E-${residentId}`,
    residentId,
    year,
    birthDate: options.birthDate ?? '1975-06-15',
    category,
    hukou,
    residenceDistrict: district,
    hardship: options.hardship ?? [],
    parents: [],
    enrolledAt: day(year - 1, 11, 20),
  });
  if (options.pay !== false) {
    await ctx.run({
      kind: 'RecordContribution',
      receiptNo: `RC-${residentId}`,
      residentId,
      year,
      amount: money(ctx.policy.contributionStandard(year, category).toFixed(2)),
      paidAt: day(year - 1, 12, 1),
      collector: category === 'university-student' ? 'school' : 'self',
    });
  }
  return { residentId, fundId: fundOfDistrict(district), hukou };
}

function recordedClaim(residentId: string, claimId: string, admittedAt: string, overrides: Partial<SettleClaim> = {}): SettleClaim {
  return {
    kind: 'SettleClaim',
    claimId,
    residentId,
    careType: 'outpatient',
    institution: { id: 'H-PLANT', level: 2, designated: true, district: 'wuchang' },
    admittedAt,
    dischargedAt: admittedAt,
    totalCost: money('500.00'),
    compliantCost: money('400.00'),
    settlement: 'direct',
    filedAt: admittedAt,
    basicFundPayment: money('100.00'),
    criticalIllnessPayment: money('0.00'),
    assistancePayment: money('0.00'),
    ...overrides,
  };
}

/** The basic fund payment the policy gives a claim of a resident entitled all year with no earlier claims. */
function policyBasic(ctx: PlantContext, command: SettleClaim, hardship: HardshipCode[] = []) {
  return settleFirstClaim(ctx.policy, command, hardship).basicFundPayment;
}

type Plant = (ctx: PlantContext, n: number) => Promise<PlantedViolation>;

/** The plants the ledger's append path (and direct appends) can make; deficits, read model and integrity come after. */
export const LEDGER_PLANTS: Partial<Record<RuleId, Plant>> = {
  'fund-attribution': async (ctx, n) => {
    const residentId = plantId('fund-attribution', n);
    const district = districtFor('fund-attribution', n);
    const attributed = fundOfDistrict(district);
    const wrong = FUND_IDS[(FUND_IDS.indexOf(attributed) + 1 + n) % FUND_IDS.length];
    await paidUpResident(ctx, residentId, district, { pay: false });
    const year = ctx.years.last;
    await ctx.run({
      kind: 'RecordContribution',
      receiptNo: `RC-${residentId}`,
      residentId,
      year,
      amount: money(ctx.policy.contributionStandard(year, 'adult').toFixed(2)),
      paidAt: day(year - 1, 12, 2),
      collector: 'agency',
      fundId: wrong,
    });
    return { rule: 'fund-attribution', fundId: wrong, residentId, description: `contribution of a ${attributed} resident credited to ${wrong}` };
  },

  'benefit-outside-coverage': async (ctx, n) => {
    const residentId = plantId('benefit-outside-coverage', n);
    const district = districtFor('benefit-outside-coverage', n);
    const year = ctx.years.last;
    const { fundId } = await paidUpResident(ctx, residentId, district, { pay: false });
    const claimId = `C-${residentId}`;
    if (n % 2 === 1) {
      // Paid during the year: benefits start on the payment date, and the claim is a week earlier.
      await ctx.run({ kind: 'RecordContribution', receiptNo: `RC-${residentId}`, residentId, year, amount: money(ctx.policy.contributionStandard(year, 'adult').toFixed(2)), paidAt: day(year, 5, 20), collector: 'self' });
      await ctx.run(recordedClaim(residentId, claimId, day(year, 5, 13)));
      return { rule: 'benefit-outside-coverage', fundId, residentId, claimId, description: 'claim admitted before the benefit start' };
    }
    await ctx.run(recordedClaim(residentId, claimId, day(year, 5, 10 + (n % 10))));
    return { rule: 'benefit-outside-coverage', fundId, residentId, claimId, description: 'claim paid for a resident who never paid' };
  },

  'dual-scheme-benefit': async (ctx, n) => {
    const residentId = plantId('dual-scheme-benefit', n);
    const year = ctx.years.last;
    const { fundId } = await paidUpResident(ctx, residentId, districtFor('dual-scheme-benefit', n));
    await ctx.run({ kind: 'ChangeScheme', changeId: `SC-${residentId}`, residentId, to: 'employee', effectiveAt: day(year, 3, 1) });
    const claimId = `C-${residentId}`;
    // The ledger refuses it: a platform that missed the switch reports it into the history.
    await appendClaimIgnoringSchemeChanges(ctx.store, ctx.policy, recordedClaim(residentId, claimId, day(year, 4, 10 + (n % 10))), ctx.clerk, ctx.recordedAt);
    return { rule: 'dual-scheme-benefit', fundId, residentId, claimId, description: 'resident fund paid while in the employee scheme' };
  },

  'duplicate-student-benefit': async (ctx, n) => {
    const residentId = plantId('duplicate-student-benefit', n);
    const year = ctx.years.last;
    const district = districtFor('duplicate-student-benefit', n);
    const birthDate = day(year - 18, 8, 1);
    const { fundId, hukou } = await paidUpResident(ctx, residentId, district, { birthDate });
    const unsettled = (claimId: string, admittedAt: string): SettleClaim => {
      const { basicFundPayment: _b, criticalIllnessPayment: _c, assistancePayment: _a, ...computed } = recordedClaim(residentId, claimId, admittedAt);
      return computed;
    };
    await ctx.run(unsettled(`C-${residentId}-a`, day(year, 2, 10)));
    // The ledger refuses a second enrollment for the year: the university's is written directly.
    const university = enrolledData(ctx.policy, {
      enrollmentId: `E-${residentId}-univ`,
      residentId,
      year,
      fundId,
      category: 'university-student',
      birthDate,
      hukou,
      residenceDistrict: district,
      enrolledAt: day(year, 9, 1),
    });
    await appendDecided(ctx.store, residentStream(residentId), [{ type: 'ResidentEnrolled', data: university, businessKey: `enrollment:${university.enrollmentId}`, occurredAt: university.enrolledAt }], ctx.clerk, ctx.recordedAt);
    await ctx.run({ kind: 'RecordContribution', receiptNo: `RC-${residentId}-univ`, residentId, year, amount: money(university.contributionDue), paidAt: day(year, 9, 1), collector: 'school' });
    await ctx.run(unsettled(`C-${residentId}-b`, day(year, 10, 10)));
    return { rule: 'duplicate-student-benefit', fundId, residentId, description: 'ordinary and university-student benefits in one year' };
  },

  'newborn-exemption': async (ctx, n) => {
    const residentId = plantId('newborn-exemption', n);
    const year = ctx.years.last;
    const district = districtFor('newborn-exemption', n);
    const hukou: Hukou = { local: true, district };
    const birthDate = day(year, 3, 1 + (n % 20));
    const wrongStart = n % 2 === 1;
    const parent: ParentFacts = { scheme: 'resident', insured: wrongStart, hukou, residenceDistrict: district };
    const fundId = attributedFund(parent);
    const data = enrolledData(ctx.policy, {
      enrollmentId: `E-${residentId}`,
      residentId,
      year,
      fundId,
      category: 'newborn',
      birthDate,
      hukou,
      residenceDistrict: district,
      parents: [parent],
      // Registered on day 100 yet given benefits from birth; or exempt with no insured parent.
      enrolledAt: addDays(birthDate, wrongStart ? 100 : 20),
      contributionExempt: true,
      contributionDue: '0.00',
      benefitStart: birthDate,
    });
    await appendDecided(ctx.store, residentStream(residentId), [{ type: 'ResidentEnrolled', data, businessKey: `enrollment:${data.enrollmentId}`, occurredAt: data.enrolledAt }], ctx.clerk, ctx.recordedAt);
    return {
      rule: 'newborn-exemption',
      fundId,
      residentId,
      description: wrongStart ? 'benefits from birth although registered on day 100' : 'birth-year exemption with no insured parent',
    };
  },

  'cash-advance-late': async (ctx, n) => {
    const residentId = plantId('cash-advance-late', n);
    const year = ctx.years.last;
    const universityStudent = n % 2 === 1;
    const { fundId } = await paidUpResident(ctx, residentId, districtFor('cash-advance-late', n), universityStudent ? { category: 'university-student', birthDate: day(year - 19, 9, 1) } : {});
    const dischargedAt = day(year, 6, 10 + (n % 10));
    const window = ctx.policy.cashAdvanceWindowDays(universityStudent, dischargedAt);
    const claimId = `C-${residentId}`;
    const late = recordedClaim(residentId, claimId, dischargedAt, {
      institution: { id: 'OUT-PLANT', level: 3, designated: false, district: 'out-of-town' },
      settlement: 'cash-advance',
      filedAt: addDays(dischargedAt, window + 1 + (n % 7)),
    });
    // Late, but paid as the policy pays: the one fault is the filing date.
    await ctx.run({ ...late, basicFundPayment: policyBasic(ctx, late) });
    return { rule: 'cash-advance-late', fundId, residentId, claimId, description: `cash-advance claim filed after ${window} days` };
  },

  'deductible-waiver': async (ctx, n) => {
    const residentId = plantId('deductible-waiver', n);
    const year = ctx.years.last;
    const entitled = n % 2 === 1;
    const hardship: HardshipCode[] = entitled ? ['dibao'] : [];
    const { fundId } = await paidUpResident(ctx, residentId, districtFor('deductible-waiver', n), { hardship });
    const admittedAt = day(year, 4, 1 + (n % 20));
    const split = (asIf: HardshipCode[]) =>
      settleClaim(ctx.policy, {
        on: admittedAt,
        careType: 'inpatient',
        institutionLevel: 2,
        designated: true,
        totalCost: money('12000.00'),
        compliantCost: money('10000.00'),
        hardship: asIf,
        entitledToBasic: true,
        accumulations: emptyAccumulations(),
      });
    // Not entitled: paid as if waived (as for extreme poverty); entitled: paid with the deductible.
    const basic = entitled ? split([]).basicFundPayment : split(['extreme-poverty']).basicFundPayment;
    const claimId = `C-${residentId}`;
    await ctx.run(
      recordedClaim(residentId, claimId, admittedAt, {
        careType: 'inpatient',
        dischargedAt: addDays(admittedAt, 5),
        filedAt: addDays(admittedAt, 5),
        totalCost: money('12000.00'),
        compliantCost: money('10000.00'),
        basicFundPayment: money(basic.toFixed(2)),
      }),
    );
    return { rule: 'deductible-waiver', fundId, residentId, claimId, description: entitled ? 'deductible charged to a dibao resident' : 'deductible waived for an ordinary resident' };
  },

  'critical-illness-payment': async (ctx, n) =>
    misreportedInpatientPlant(ctx, n, 'critical-illness-payment', ['registered-poor'], (split) => ({
      criticalIllnessPayment: split.criticalIllnessPayment.plus(100),
      description: 'registered-poor tier payment 100.00 too high',
    })),

  'assistance-payment': async (ctx, n) =>
    misreportedInpatientPlant(ctx, n, 'assistance-payment', ['dibao'], (split) => ({
      criticalIllnessPayment: split.criticalIllnessPayment,
      assistancePayment: split.assistancePayment.plus(500),
      description: 'assistance 500.00 over ratio × base',
    })),

  'basic-payment': async (ctx, n) => {
    // Even: an ordinary resident's inpatient payment reported 100.00 over the policy's. Odd: a
    // dibao-disabled resident's paid without the +2 points (deductible rightly waived).
    const residentId = plantId('basic-payment', n);
    const plus2 = n % 2 === 1;
    const hardship: HardshipCode[] = plus2 ? ['dibao-disabled'] : [];
    const { fundId } = await paidUpResident(ctx, residentId, districtFor('basic-payment', n), { hardship });
    const admittedAt = day(ctx.years.last, 7, 1 + (n % 20));
    const claimId = `C-${residentId}`;
    const { criticalIllnessPayment: _c, assistancePayment: _a, ...claim } = recordedClaim(residentId, claimId, admittedAt, {
      careType: 'inpatient',
      institution: { id: 'H-PLANT-BP', level: plus2 ? 3 : 2, designated: true, district: 'wuchang' },
      dischargedAt: addDays(admittedAt, 6),
      filedAt: addDays(admittedAt, 6),
      totalCost: money('9000.00'),
      compliantCost: money('8000.00'),
    });
    const reported = plus2 ? policyBasic(ctx, claim, ['dibao']) : policyBasic(ctx, claim, hardship).plus(100);
    await ctx.run({ ...claim, basicFundPayment: reported });
    return { rule: 'basic-payment', fundId, residentId, claimId, description: plus2 ? 'dibao-disabled inpatient paid without the +2 points' : 'basic fund payment 100.00 over the policy' };
  },

  'split-admission': async (ctx, n) => {
    const residentId = plantId('split-admission', n);
    const { fundId } = await paidUpResident(ctx, residentId, districtFor('split-admission', n));
    const institution = { id: 'H-PLANT-SPLIT', level: 2 as const, designated: true, district: 'wuchang' };
    const admittedAt = day(ctx.years.last, 3, 1 + (n % 20));
    const dischargedAt = addDays(admittedAt, 6);
    // Back in the same hospital within the window (0 days: the next stay starts on the day of discharge).
    const readmittedAt = addDays(dischargedAt, n % (ctx.policy.splitAdmissionDays(dischargedAt) + 1));
    const stay = (claimId: string, from: string, to: string): SettleClaim => ({
      kind: 'SettleClaim',
      claimId,
      residentId,
      careType: 'inpatient',
      institution,
      admittedAt: from,
      dischargedAt: to,
      totalCost: money('8000.00'),
      compliantCost: money('7000.00'),
      settlement: 'direct',
      filedAt: to,
    });
    await ctx.run(stay(`C-${residentId}-a`, admittedAt, dischargedAt));
    await ctx.run(stay(`C-${residentId}-b`, readmittedAt, addDays(readmittedAt, 5)));
    return { rule: 'split-admission', fundId, residentId, claimId: `C-${residentId}-b`, description: `readmitted ${daysBetween(dischargedAt, readmittedAt)} day(s) after discharge to the same hospital` };
  },

  'duplicate-settlement': async (ctx, n) => {
    const residentId = plantId('duplicate-settlement', n);
    const { fundId } = await paidUpResident(ctx, residentId, districtFor('duplicate-settlement', n));
    const admittedAt = day(ctx.years.last, 7, 1 + (n % 20));
    const settled = (claimId: string): SettleClaim => {
      const { basicFundPayment: _b, criticalIllnessPayment: _c, assistancePayment: _a, ...computed } = recordedClaim(residentId, claimId, admittedAt, {
        totalCost: money('420.50'),
        compliantCost: money('380.25'),
      });
      return computed;
    };
    await ctx.run(settled(`C-${residentId}-a`));
    await ctx.run(settled(`C-${residentId}-b`));
    return { rule: 'duplicate-settlement', fundId, residentId, claimId: `C-${residentId}-b`, description: 'the same outpatient visit settled under two claim ids' };
  },

  'insurer-decision-late': async (ctx, n) => insurerPlant(ctx, n, 'insurer-decision-late'),
  'insurer-payment-late': async (ctx, n) => insurerPlant(ctx, n, 'insurer-payment-late'),
};

/**
 * A hardship resident's 60,000 inpatient claim recorded as the platform reported it, with the
 * basic fund's share right and the later parts misstated as `misstate` says.
 */
async function misreportedInpatientPlant(
  ctx: PlantContext,
  n: number,
  rule: 'critical-illness-payment' | 'assistance-payment',
  hardship: HardshipCode[],
  misstate: (split: ReturnType<typeof settleClaim>) => Pick<SettleClaim, 'criticalIllnessPayment' | 'assistancePayment'> & { description: string },
): Promise<PlantedViolation> {
  const residentId = plantId(rule, n);
  const { fundId } = await paidUpResident(ctx, residentId, districtFor(rule, n), { hardship });
  const admittedAt = day(ctx.years.last, 5, 1 + (n % 20));
  const totalCost = money('60000.00');
  const compliantCost = money('50000.00');
  const split = settleClaim(ctx.policy, {
    on: admittedAt,
    careType: 'inpatient',
    institutionLevel: 3,
    designated: true,
    totalCost,
    compliantCost,
    hardship,
    entitledToBasic: true,
    accumulations: emptyAccumulations(),
  });
  const { description, ...payments } = misstate(split);
  const claimId = `C-${residentId}`;
  await ctx.run(
    recordedClaim(residentId, claimId, admittedAt, {
      careType: 'inpatient',
      institution: { id: 'H-PLANT-3', level: 3, designated: true, district: 'wuchang' },
      dischargedAt: addDays(admittedAt, 10),
      filedAt: addDays(admittedAt, 10),
      totalCost,
      compliantCost,
      basicFundPayment: split.basicFundPayment,
      ...payments,
    }),
  );
  return { rule, fundId, residentId, claimId, description };
}

async function insurerPlant(ctx: PlantContext, n: number, rule: 'insurer-decision-late' | 'insurer-payment-late'): Promise<PlantedViolation> {
  const residentId = plantId(rule, n);
  const year = ctx.years.last;
  const { fundId } = await paidUpResident(ctx, residentId, districtFor(rule, n));
  const admittedAt = day(year, 6, 1 + (n % 20));
  const claimId = `C-${residentId}`;
  const { basicFundPayment: _b, criticalIllnessPayment: _c, assistancePayment: _a, ...computed } = recordedClaim(residentId, claimId, admittedAt, {
    careType: 'inpatient',
    dischargedAt: addDays(admittedAt, 7),
    filedAt: addDays(admittedAt, 7),
    totalCost: money('30000.00'),
    compliantCost: money('28000.00'),
  });
  await ctx.run(computed);
  const receivedAt = addDays(admittedAt, 10);
  const decisionDays = ctx.policy.insurerDecisionDays(receivedAt);
  const decidedAt = addDays(receivedAt, rule === 'insurer-decision-late' ? decisionDays + 1 + (n % 5) : decisionDays);
  await ctx.run({ kind: 'RecordInsurerDecision', claimId, receivedAt, decidedAt, covered: true });
  if (rule === 'insurer-payment-late' && n % 2 === 1) {
    // Covered in June and never paid: the window ended long before the year-end cut-off.
    return { rule, fundId, residentId, claimId, description: 'covered decision never paid' };
  }
  const paymentDays = ctx.policy.insurerPaymentDays(decidedAt);
  const paidAt = addDays(decidedAt, rule === 'insurer-payment-late' ? paymentDays + 1 + (n % 5) : paymentDays);
  await ctx.run({ kind: 'RecordInsurerPayment', claimId, paidAt, amount: money('1000.00') });
  return { rule, fundId, residentId, claimId, description: rule === 'insurer-decision-late' ? 'insurer decided late' : 'insurer paid late' };
}

/** The day-end balance of a fund as the read model would show it, from the whole store. */
async function balanceOn(store: EventStorePort, fundId: FundId, date: string) {
  const ledger = new FundLedger();
  for await (const stored of store.readAll()) ledger.apply(decodeEvent(stored));
  return ledger.asOf(fundId, date).balance;
}

/**
 * A fund drained to −0.01 for one day by another expenditure (其他支出), then replenished the next
 * day with three times it (so months of payment stay far above the warning). Planted after every
 * other money fact, because it is computed from the fund's balance on that day.
 */
export async function plantFundDeficit(ctx: PlantContext, n: number): Promise<PlantedViolation> {
  const id = plantId('fund-deficit', n);
  const year = ctx.years.last;
  const fundId = NEW_CITY_FUNDS[n % NEW_CITY_FUNDS.length];
  const drainedOn = day(year, 6 + Math.floor(n / NEW_CITY_FUNDS.length), 15);
  const drain = (await balanceOn(ctx.store, fundId, drainedOn)).plus('0.01');
  await ctx.run({ kind: 'RecordFundMovement', movementId: `MV-${id}`, fundId, movement: 'other-expense', amount: drain, occurredAt: drainedOn, reason: 'scenario: a payment the balance could not cover' });
  await ctx.run({ kind: 'GrantSubsidy', subsidyId: `PC-RESTORE-${id}`, level: 'district', purpose: 'per-capita', year, amount: drain.times(3), grantedAt: addDays(drainedOn, 1), fundId });
  return { rule: 'fund-deficit', fundId, description: `balance −0.01 at the end of ${drainedOn}` };
}

/** Drifts the persisted read model of one fund by 0.01 on its bank account (no longer balanced either). */
export function plantReadModelDrift(projectionFile: string, n: number): PlantedViolation {
  const fundId = FUND_IDS[n % FUND_IDS.length];
  const db = new Database(projectionFile);
  try {
    const row = db.prepare("SELECT date, debit FROM fund_day_account WHERE fund_id = ? AND account = 'bank' ORDER BY date LIMIT 1").get(fundId) as
      | { date: string; debit: string }
      | undefined;
    if (!row) throw new Error(`fund ${fundId} has no read-model rows to drift`);
    db.prepare("UPDATE fund_day_account SET debit = ? WHERE fund_id = ? AND account = 'bank' AND date = ?").run(money(row.debit).plus('0.01').toFixed(2), fundId, row.date);
  } finally {
    db.close();
  }
  return { rule: 'ledger-reconciliation', fundId, description: `read model of ${fundId} drifted by 0.01` };
}

/** Breaks the history: edits a stored claim in place (embedded store), or appends an event of an unknown type. */
export async function plantIntegrityBreak(ctx: PlantContext, n: number): Promise<PlantedViolation> {
  const database = (ctx.store as { database?: Database.Database }).database;
  if (n % 2 === 0 && database) {
    const row = database
      .prepare("SELECT position, stream, data FROM events WHERE type = 'ClaimSettled' AND stream LIKE 'resident-R%' ORDER BY position LIMIT 1 OFFSET ?")
      .get(n * 7) as { position: number; stream: string; data: string } | undefined;
    if (row) {
      const data = JSON.parse(row.data) as { claimId: string; institution: { id: string } };
      data.institution.id = `${data.institution.id}-EDITED`;
      database.prepare('UPDATE events SET data = ? WHERE position = ?').run(JSON.stringify(data), row.position);
      return { rule: 'stream-integrity', fundId: null, residentId: row.stream.slice('resident-'.length), claimId: data.claimId, description: `claim ${data.claimId} edited in place` };
    }
  }
  const stream = `notes-${plantId('stream-integrity', n)}`;
  const eventId = `00000000-0000-4000-8000-${String(n + 1).padStart(12, '0')}`;
  const occurredAt = day(ctx.years.last, 8, 1);
  const businessKey = `note:${stream}`;
  const data = { note: 'written by a tool that knows a type the ledger does not' };
  const hash = eventHash(GENESIS_HASH, { stream, revision: 0, eventId, type: 'ResidentNoteAdded', schemaVersion: 1, businessKey, occurredAt, data });
  await ctx.store.append(
    stream,
    [{ eventId, type: 'ResidentNoteAdded', data, businessKey, metadata: { schemaVersion: 1, businessKey, occurredAt, recordedAt: ctx.recordedAt, recordedBy: ctx.clerk, requestDigest: 'scenario', previousHash: GENESIS_HASH, hash } }],
    'no_stream',
  );
  return { rule: 'stream-integrity', fundId: null, description: `unknown event type in stream ${stream}` };
}

