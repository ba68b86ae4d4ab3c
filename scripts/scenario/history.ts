import Decimal from 'decimal.js';
import { appendUndecided, type CommandOutcome, decodeEvent, type LedgerService } from '@ledger/application';
import {
  type Category,
  type ClaimSettledV1,
  decideClaim,
  foldResident,
  residentStream,
  DISTRICT_CODES,
  type DomainEvent,
  type FundId,
  fundOfDistrict,
  type Hukou,
  type LedgerCommand,
  money,
  type ParentFacts,
  type RecordedBy,
  type ResidentEnrolledV1,
  type SettleClaim,
  yearOf,
} from '@ledger/domain';
import type { EventStorePort } from '@ledger/event-store';
import { addDays, daysBetween, type Policy, roundFen, SUBSIDY_LEVELS } from '@ledger/policy';
import { Prng } from './prng';

/**
 * The normal part of a scenario: a synthetic population living through a few insurance years,
 * written fact by fact through the ledger's real append path (LedgerService.execute). Everything
 * is drawn from a seeded PRNG, one stream per resident, so the same seed gives the same facts.
 * Every fact is one the texts allow: the auditor must find nothing in it.
 */
export interface ScenarioYears {
  first: number;
  last: number;
}

/** How much more than the per-capita standard each fund receives, so no fund nears a deficit. */
export const SUBSIDY_GENEROSITY = 10;
/**
 * And at least this many times the year's actual claim outflow, all four levels together, granted
 * on 1 January: the balance then pays well over the months-of-payment warning all year.
 */
export const SUBSIDY_TIMES_OUTFLOW = 3;
/** A floor per fund, year and level on top of it, for the small district funds. */
export const SUBSIDY_FLOOR_YUAN = 50_000;

export interface ScenarioWriter {
  ledger: LedgerService;
  store: EventStorePort;
  policy: Policy;
  clerk: RecordedBy;
  run(command: LedgerCommand): Promise<CommandOutcome>;
}

export function pad(index: number): string {
  return String(index).padStart(5, '0');
}

function dateIn(year: number, rng: Prng, fromMonth = 1, toMonth = 12): string {
  const month = rng.int(fromMonth, toMonth);
  return `${year}-${String(month).padStart(2, '0')}-${String(rng.int(1, 28)).padStart(2, '0')}`;
}

function later(a: string, b: string): string {
  return a >= b ? a : b;
}

function earlier(a: string, b: string): string {
  return a <= b ? a : b;
}

/** Appends decided events as a migration or a faulty tool would: correctly hashed, past the ledger's checks. */
export async function appendDecided(store: EventStorePort, stream: string, events: DomainEvent[], clerk: RecordedBy, recordedAt: string): Promise<void> {
  await appendUndecided(store, stream, events, { recordedAt, recordedBy: clerk, requestDigest: 'scenario-direct-append' });
}

/**
 * Appends the claim a ledger that never heard of the resident's scheme changes would have decided:
 * what a migration from another system, or a settlement platform that missed the switch to the
 * employee scheme, leaves in the history (the ledger itself refuses such a claim).
 */
export async function appendClaimIgnoringSchemeChanges(store: EventStorePort, policy: Policy, command: SettleClaim, clerk: RecordedBy, recordedAt: string): Promise<void> {
  const stream = residentStream(command.residentId);
  const stored = await store.readStream(stream);
  const state = foldResident(command.residentId, stored.map((event) => decodeEvent(event) as DomainEvent));
  const events = decideClaim(command, { ...state, schemes: [] }, { policy });
  await appendDecided(store, stream, events, clerk, recordedAt);
}

export function enrolledData(policy: Policy, data: Partial<ResidentEnrolledV1> & Pick<ResidentEnrolledV1, 'enrollmentId' | 'residentId' | 'year' | 'fundId'>): ResidentEnrolledV1 {
  return {
    birthDate: '1980-01-01',
    category: 'adult',
    hukou: { local: true, district: 'wuchang' },
    residenceDistrict: 'wuchang',
    hardship: [],
    parents: [],
    enrolledAt: `${data.year - 1}-11-20`,
    contributionExempt: false,
    contributionDue: policy.contributionStandard(data.year, data.category ?? 'adult').toFixed(2),
    benefitStart: null,
    policyVersion: policy.version,
    ...data,
  };
}

interface Person {
  residentId: string;
  rng: Prng;
  district: string;
  fundId: FundId;
  hukou: Hukou;
  residenceDistrict: string;
  category: Category;
  birthDate: string;
  hardship: string[];
  parents: ParentFacts[];
  /** Scheme periods: employee from `employeeFrom` until `residentAgainFrom` (if any). */
  employeeFrom: string | null;
  residentAgainFrom: string | null;
  /** Each hospital's last discharge of this person, so the realistic history holds no split admission (planted ones only). */
  lastDischarge?: Map<string, string>;
}

const ADULT_HARDSHIP: ReadonlyArray<readonly [string, number]> = [
  ['registered-poor', 4],
  ['dibao', 3],
  ['extreme-poverty', 1],
  ['low-income', 2],
  ['illness-poverty', 1],
  ['dibao-disabled', 1],
  ['special-care', 1],
  ['disabled-incapable', 1],
];
const MINOR_HARDSHIP: ReadonlyArray<readonly [string, number]> = [
  ['orphan', 1],
  ['low-income-minor', 2],
  ['dibao', 2],
  ['registered-poor', 2],
];

function drawPerson(seed: number, index: number, years: ScenarioYears): Person {
  const rng = Prng.derive(seed, 1, index);
  const district = DISTRICT_CODES[index % DISTRICT_CODES.length];
  const local = rng.chance(0.75);
  const hukou: Hukou = local ? { local: true, district } : { local: false };
  // Local hukou: the fund follows the hukou district whatever the residence; otherwise the residence.
  const residenceDistrict = local && rng.chance(0.2) ? rng.pick(DISTRICT_CODES) : district;
  const category = rng.weighted<Category>([
    ['adult', 45],
    ['minor', 8],
    ['student', 15],
    ['university-student', 10],
    ['newborn', 22],
  ]);
  let birthDate: string;
  switch (category) {
    case 'adult':
      birthDate = dateIn(rng.int(1950, 2000), rng);
      break;
    case 'minor':
      birthDate = dateIn(rng.int(years.first - 5, years.first - 2), rng);
      break;
    case 'student':
      birthDate = dateIn(rng.int(years.first - 14, years.first - 6), rng);
      break;
    case 'university-student':
      birthDate = dateIn(rng.int(years.first - 20, years.first - 17), rng);
      break;
    case 'newborn':
      birthDate = dateIn(rng.int(years.first, years.last), rng, 1, 10);
      break;
  }
  let hardship: string[] = [];
  if ((category === 'adult' || category === 'minor' || category === 'student') && rng.chance(0.22)) {
    const code = rng.weighted(category === 'adult' ? ADULT_HARDSHIP : MINOR_HARDSHIP);
    hardship = [code];
    if (category === 'adult' && yearOf(birthDate) <= years.first - 60 && rng.chance(0.3)) hardship = [...new Set([code, 'low-income-elderly'])].sort();
  }
  const parents: ParentFacts[] = [];
  if (category === 'newborn') {
    const count = rng.int(1, 2);
    for (let p = 0; p < count; p += 1) {
      parents.push({
        scheme: rng.chance(0.5) ? 'employee' : 'resident',
        insured: rng.chance(0.65),
        hukou,
        residenceDistrict,
      });
    }
  }
  let employeeFrom: string | null = null;
  let residentAgainFrom: string | null = null;
  if (category === 'adult' && hardship.length === 0 && rng.chance(0.06)) {
    employeeFrom = `${years.last}-0${rng.int(3, 6)}-01`;
    if (rng.chance(0.5)) residentAgainFrom = `${years.last}-${rng.int(10, 11)}-01`;
  }
  return {
    residentId: `R${pad(index)}`,
    rng,
    district,
    fundId: fundOfDistrict(district),
    hukou,
    residenceDistrict,
    category,
    birthDate,
    hardship,
    parents,
    employeeFrom,
    residentAgainFrom,
  };
}

interface EnrolledYear {
  year: number;
  category: Category;
  enrolledAt: string;
  exempt: boolean;
  benefitStart: string | null;
}

export interface ResidentWritten {
  /** Years enrolled (for the per-capita subsidies). */
  years: number[];
  /** Basic fund paid out per insurance year (for subsidies that cover it). */
  outflow: Map<number, Decimal>;
}

/** Writes one resident's whole life in the scenario. */
export async function writeResident(writer: ScenarioWriter, seed: number, index: number, years: ScenarioYears): Promise<ResidentWritten> {
  const { policy } = writer;
  const person = drawPerson(seed, index, years);
  const { rng } = person;
  const asOf = `${years.last}-12-31`;
  const enrolled: EnrolledYear[] = [];
  let enrollmentSequence = 0;
  const enrollmentId = () => `E${pad(index)}-${(enrollmentSequence += 1)}`;
  const base = {
    residentId: person.residentId,
    birthDate: person.birthDate,
    hukou: person.hukou,
    residenceDistrict: person.residenceDistrict,
    hardship: person.hardship,
    parents: person.parents,
  };

  let firstOrdinaryYear = years.first + (rng.chance(0.2) ? 1 : 0);
  if (person.category === 'newborn') {
    const birthYear = yearOf(person.birthDate);
    // Registered within days to months of birth; a newborn born in the last year registers in it.
    let registeredAt = addDays(person.birthDate, rng.int(3, 150));
    const lastRegistration = birthYear === years.last ? `${years.last}-12-20` : `${birthYear + 1}-03-31`;
    registeredAt = earlier(registeredAt, lastRegistration);
    const outcome = await writer.run({ kind: 'EnrollResident', enrollmentId: enrollmentId(), ...base, year: birthYear, category: 'newborn', enrolledAt: registeredAt });
    const first = outcome.event.data as ResidentEnrolledV1;
    enrolled.push({ year: birthYear, category: 'newborn', enrolledAt: registeredAt, exempt: first.contributionExempt, benefitStart: first.benefitStart });
    if (yearOf(registeredAt) > birthYear) {
      enrolled.push({ year: birthYear + 1, category: 'newborn', enrolledAt: registeredAt, exempt: false, benefitStart: null });
    }
    firstOrdinaryYear = enrolled[enrolled.length - 1].year + 1;
  }
  const ordinaryCategory: Category = person.category === 'newborn' ? 'minor' : person.category;
  for (let year = firstOrdinaryYear; year <= years.last; year += 1) {
    const enrolledAt = `${year - 1}-11-${String(rng.int(10, 28)).padStart(2, '0')}`;
    await writer.run({ kind: 'EnrollResident', enrollmentId: enrollmentId(), ...base, year, category: ordinaryCategory, enrolledAt });
    enrolled.push({ year, category: ordinaryCategory, enrolledAt, exempt: false, benefitStart: null });
  }

  // Contributions: own payment, hardship aid, or both; some paid during the year.
  let receipt = 0;
  const receiptNo = () => `RC${pad(index)}-${(receipt += 1)}`;
  for (const year of enrolled) {
    if (year.exempt) continue;
    const due = policy.contributionStandard(year.year, year.category);
    const beforeYear = `${year.year - 1}-12-${String(rng.int(1, 20)).padStart(2, '0')}`;
    let paidAt =
      year.category === 'newborn'
        ? earlier(addDays(year.enrolledAt, rng.int(0, 100)), asOf)
        : rng.chance(0.85)
          ? later(beforeYear, year.enrolledAt)
          : dateIn(year.year, rng, 1, 4);
    if (paidAt < year.enrolledAt) paidAt = year.enrolledAt;
    const collector = year.category === 'student' || year.category === 'university-student' ? 'school' : rng.chance(0.3) ? 'agency' : 'self';
    let ownShare = due;
    if (person.hardship.length > 0) {
      const aid = rng.chance(0.7) ? due : roundFen(due.div(2));
      const grantedAt = earlier(addDays(year.enrolledAt, 10), paidAt);
      const outcome = await writer.run({
        kind: 'GrantSubsidy',
        subsidyId: `HA${pad(index)}-${year.year}`,
        level: rng.pick(['municipal', 'district'] as const),
        purpose: 'hardship-contribution',
        year: year.year,
        amount: money(aid.toFixed(2)),
        grantedAt,
        residentId: person.residentId,
      });
      year.benefitStart = (outcome.event.data as { benefitStart: string | null }).benefitStart ?? year.benefitStart;
      ownShare = due.minus(aid);
    }
    if (ownShare.greaterThan(0)) {
      if (rng.chance(0.03)) {
        // A receipt recorded against the wrong person's payment and reversed the same day, before the
        // real one: the standard is paid once, in full (opinions-2017 §三), so a second payment is refused.
        const mistaken = receiptNo();
        await writer.run({ kind: 'RecordContribution', receiptNo: mistaken, residentId: person.residentId, year: year.year, amount: money(ownShare.toFixed(2)), paidAt, collector: 'agency' });
        await writer.run({ kind: 'ReverseContribution', reversalId: `RV${mistaken}`, receiptNo: mistaken, reversedAt: paidAt, reason: 'recorded against the wrong payment' });
      }
      const outcome = await writer.run({ kind: 'RecordContribution', receiptNo: receiptNo(), residentId: person.residentId, year: year.year, amount: money(ownShare.toFixed(2)), paidAt, collector });
      year.benefitStart = (outcome.event.data as { benefitStart: string | null }).benefitStart ?? year.benefitStart;
    }
  }

  if (person.employeeFrom) {
    await writer.run({ kind: 'ChangeScheme', changeId: `SC${pad(index)}-1`, residentId: person.residentId, to: 'employee', effectiveAt: person.employeeFrom });
    if (person.residentAgainFrom) {
      await writer.run({ kind: 'ChangeScheme', changeId: `SC${pad(index)}-2`, residentId: person.residentId, to: 'resident', effectiveAt: person.residentAgainFrom });
    }
  }

  let claimSequence = 0;
  const outflow = new Map<number, Decimal>();
  for (const year of enrolled) {
    if (!year.benefitStart) continue;
    const claims = rng.weighted([
      [0, 30],
      [1, 30],
      [2, 22],
      [3, 12],
      [4, 6],
    ] as const);
    const windowStart = later(year.benefitStart, `${year.year}-01-01`);
    const windowEnd = earlier(`${year.year}-12-10`, asOf);
    if (windowStart > windowEnd) continue;
    const span = daysBetween(windowStart, windowEnd);
    const admissions = Array.from({ length: claims }, () => addDays(windowStart, rng.int(0, span))).sort();
    for (const admittedAt of admissions) {
      // Care in the employee scheme is that scheme's claim: the resident ledger refuses it (opinions-2017 §七).
      if (inEmployeeScheme(person, admittedAt)) continue;
      claimSequence += 1;
      const paid = await writeClaim(writer, person, year, admittedAt, `C${pad(index)}-${claimSequence}`, asOf);
      outflow.set(year.year, (outflow.get(year.year) ?? new Decimal(0)).plus(paid));
    }
  }
  return { years: enrolled.map((year) => year.year), outflow };
}

function inEmployeeScheme(person: Person, date: string): boolean {
  return person.employeeFrom !== null && date >= person.employeeFrom && (person.residentAgainFrom === null || date < person.residentAgainFrom);
}

/**
 * The hospital a stay is written at: another one of the same level when the person left this one
 * within the split-admission window (supervision.split-admission.readmission-days) — a realistic
 * history breaks no rule by chance. Draws nothing from the person's random stream.
 */
function institutionFor(person: Person, careType: string, id: string, admittedAt: string, dischargedAt: string, policy: Policy): string {
  if (careType !== 'inpatient') return id;
  const discharges = (person.lastDischarge ??= new Map());
  let chosen = id;
  for (let n = 2; ; n += 1) {
    const last = discharges.get(chosen);
    if (last === undefined || daysBetween(last, admittedAt) > policy.splitAdmissionDays(admittedAt)) break;
    chosen = `${id}-${n}`;
  }
  discharges.set(chosen, dischargedAt);
  return chosen;
}

/** Writes one claim (and its insurer handling); returns what the basic fund paid. */
async function writeClaim(writer: ScenarioWriter, person: Person, year: EnrolledYear, admittedAt: string, claimId: string, asOf: string): Promise<Decimal> {
  const { rng } = person;
  const { policy } = writer;
  const careType = rng.weighted([
    ['outpatient', 62],
    ['chronic-outpatient', 18],
    ['inpatient', 20],
  ] as const);
  const designated = rng.chance(0.88);
  const level = rng.weighted([
    [1, 3],
    [2, 4],
    [3, 3],
  ] as const);
  const totalCost =
    careType === 'outpatient'
      ? rng.yuan(30, 600)
      : careType === 'chronic-outpatient'
        ? rng.yuan(200, 4000)
        : rng.chance(person.hardship.includes('registered-poor') ? 0.6 : 0.08)
          ? rng.yuan(40_000, 150_000)
          : rng.yuan(2_000, 30_000);
  const compliantCost = totalCost.times(rng.int(70, 100)).div(100).toDecimalPlaces(2, Decimal.ROUND_DOWN);
  const dischargedAt = earlier(careType === 'inpatient' ? addDays(admittedAt, rng.int(1, 20)) : admittedAt, asOf);
  const universityStudent = year.category === 'university-student';
  const settlement = designated ? 'direct' : 'cash-advance';
  const filedAt = designated ? dischargedAt : addDays(dischargedAt, rng.int(1, policy.cashAdvanceWindowDays(universityStudent, dischargedAt)));
  const command: SettleClaim = {
    kind: 'SettleClaim',
    claimId,
    residentId: person.residentId,
    careType,
    institution: { id: institutionFor(person, careType, designated ? `H-${person.district}-${level}` : `OUT-${level}`, admittedAt, dischargedAt, policy), level, designated, district: designated ? person.district : 'out-of-town' },
    admittedAt,
    dischargedAt,
    totalCost: money(totalCost.toFixed(2)),
    compliantCost: money(compliantCost.toFixed(2)),
    settlement,
    filedAt,
  };
  if (rng.chance(0.2)) {
    // The settlement platform paid and reports its split: the same split the policy gives.
    const quote = await writer.ledger.quote(command);
    command.basicFundPayment = quote.basicFundPayment;
    command.criticalIllnessPayment = quote.criticalIllnessPayment;
    command.assistancePayment = quote.assistancePayment;
  }
  const outcome = await writer.run(command);
  const settled = outcome.event.data as ClaimSettledV1;

  const criticalIllness = money(settled.criticalIllnessPayment);
  if (criticalIllness.greaterThan(0) && rng.chance(0.8)) {
    // Critical-illness insurance handled by the insurer within its windows (linkage-2018 §二(四)1).
    const receivedAt = addDays(filedAt, rng.int(1, 10));
    const decidedAt = addDays(receivedAt, rng.int(0, policy.insurerDecisionDays(receivedAt)));
    if (decidedAt <= asOf) {
      const covered = rng.chance(0.9);
      await writer.run({ kind: 'RecordInsurerDecision', claimId, receivedAt, decidedAt, covered });
      const paidAt = addDays(decidedAt, rng.int(0, policy.insurerPaymentDays(decidedAt)));
      if (covered && paidAt <= asOf) await writer.run({ kind: 'RecordInsurerPayment', claimId, paidAt, amount: criticalIllness });
    }
  }
  if (rng.chance(0.02)) {
    const reversedAt = earlier(addDays(dischargedAt, rng.int(1, 15)), asOf);
    await writer.run({ kind: 'ReverseClaim', reversalId: `RV${claimId}`, claimId, reversedAt, reason: 'settled in error' });
  }
  return money(settled.basicFundPayment);
}

/** Per-capita subsidies of all four levels for every fund and year, generous enough that no fund nears a deficit. */
export async function writePerCapitaSubsidies(
  writer: ScenarioWriter,
  enrolledCount: Map<string, number>,
  outflow: Map<string, Decimal>,
  years: ScenarioYears,
  funds: readonly FundId[],
): Promise<void> {
  for (let year = years.first; year <= years.last; year += 1) {
    for (const fundId of funds) {
      const count = enrolledCount.get(`${fundId}|${year}`) ?? 0;
      const outflowShare = (outflow.get(`${fundId}|${year}`) ?? new Decimal(0)).times(SUBSIDY_TIMES_OUTFLOW).div(SUBSIDY_LEVELS.length);
      for (const level of SUBSIDY_LEVELS) {
        const standard = writer.policy.perCapitaSubsidy(year, level).times(count * SUBSIDY_GENEROSITY);
        const amount = Decimal.max(standard, outflowShare).plus(SUBSIDY_FLOOR_YUAN).toDecimalPlaces(2, Decimal.ROUND_UP);
        await writer.run({
          kind: 'GrantSubsidy',
          subsidyId: `PC-${fundId}-${year}-${level}`,
          level,
          purpose: 'per-capita',
          year,
          amount: money(amount.toFixed(2)),
          grantedAt: `${year}-01-01`,
          fundId,
        });
      }
    }
  }
}

export function fundOfResidentIndex(index: number): FundId {
  return fundOfDistrict(DISTRICT_CODES[index % DISTRICT_CODES.length]);
}

