import {
  attributedFund,
  type Category,
  type Collector,
  type FundId,
  type Hukou,
  type ParentFacts,
} from '@ledger/domain';
import { benefitStart, type HardshipCode, type Policy } from '@ledger/policy';
import { intBetween, pick, type Random, rngFor, weighted } from './prng';

/**
 * The synthetic population: every resident is a pure function of (seed, index), so a resident can
 * be regenerated whenever it is needed (enrollment day, payment day, each claim) and a million of
 * them cost a few typed arrays, not a million objects.
 *
 * The figures below are shapes, not statistics: they make a plausible Wuhan year (central
 * districts larger, mostly local hukou, about one percent newborns, a few percent hardship groups,
 * a few late or missing payments) for load and replay measurements.
 */

/** Epoch days (days since 1970-01-01, UTC) are the generator's date arithmetic; text only at the edge. */
export function epochDay(date: string): number {
  return Date.parse(`${date}T00:00:00Z`) / 86_400_000;
}

const DAY_TEXT = new Map<number, string>();
export function dayText(day: number): string {
  let text = DAY_TEXT.get(day);
  if (text === undefined) DAY_TEXT.set(day, (text = new Date(day * 86_400_000).toISOString().slice(0, 10)));
  return text;
}

/** All sixteen district codes the API accepts, weighted roughly by resident-scheme population. */
export const DISTRICTS = weighted<string>([
  ['jiangan', 7],
  ['jianghan', 5],
  ['qiaokou', 5],
  ['hanyang', 6],
  ['wuchang', 8],
  ['qingshan', 4],
  ['hongshan', 10],
  ['hannan', 1.5],
  ['donghu-hightech', 6],
  ['wuhan-econ', 4],
  ['donghu-scenic', 0.5],
  ['caidian', 6],
  ['jiangxia', 8],
  ['dongxihu', 5],
  ['huangpi', 10],
  ['xinzhou', 9],
]);

const KEY_HARDSHIP = weighted<HardshipCode>([
  ['dibao', 30],
  ['registered-poor', 22],
  ['extreme-poverty', 8],
  ['disabled-incapable', 7],
  ['dibao-disabled', 6],
  ['special-care', 3],
  ['orphan', 2],
]);
const LOW_INCOME_HARDSHIP = weighted<HardshipCode>([
  ['low-income', 15],
  ['illness-poverty', 6],
]);
/** Groups whose contribution the government pays in full; the others get half. */
const FULLY_AIDED: ReadonlySet<HardshipCode> = new Set(['dibao', 'registered-poor', 'extreme-poverty', 'disabled-incapable', 'dibao-disabled', 'special-care', 'orphan']);

export type PaymentPlan =
  /** Paid by the resident (or the school) during the enrollment period. */
  | 'self'
  /** Hardship contribution aid pays the whole contribution. */
  | 'aid-full'
  /** Hardship aid pays half, the resident the rest, the same day. */
  | 'aid-half'
  /** Paid during the insurance year: benefits from the payment date. */
  | 'late'
  /** Enrolled but never paid: no benefits. */
  | 'none'
  /** A newborn with an insured parent: the birth year is exempt. */
  | 'exempt';

export interface ResidentProfile {
  index: number;
  residentId: string;
  category: Category;
  birthDate: string;
  hukou: Hukou;
  residenceDistrict: string;
  hardship: HardshipCode[];
  parents: ParentFacts[];
  fundId: FundId;
  enrollDay: number;
  /** Day the year's contribution is complete (aid and own payment); null when never paid or exempt. */
  payDay: number | null;
  plan: PaymentPlan;
  collector: Collector;
  /** Frequent outpatient and chronic care. */
  chronic: boolean;
  /** Leaves for the employee scheme on this day (effective date), or null. */
  schemeChangeDay: number | null;
}

export interface PopulationOptions {
  seed: number;
  /** The insurance year, e.g. 2025. */
  year: number;
}

const DOMAIN_RESIDENT = 1;

function parentFacts(random: Random, insured: boolean): ParentFacts {
  const local = random() < 0.85;
  const residenceDistrict = pick(random, DISTRICTS);
  return {
    scheme: random() < 0.45 ? 'employee' : 'resident',
    insured,
    hukou: local ? { local: true, district: random() < 0.8 ? residenceDistrict : pick(random, DISTRICTS) } : { local: false },
    residenceDistrict,
  };
}

/** The resident with this index: deterministic in (seed, year, index). */
export function residentProfile({ seed, year }: PopulationOptions, index: number): ResidentProfile {
  const random = rngFor(seed, DOMAIN_RESIDENT, index);
  const yearStart = epochDay(`${year}-01-01`);
  const enrollStart = epochDay(`${year - 1}-09-01`);
  const enrollEnd = epochDay(`${year - 1}-12-20`);
  const lastDay = epochDay(`${year}-12-31`);

  if (random() < 0.01) {
    // A newborn of the insurance year, enrolled with its parents' facts (opinions-2017 §五).
    const birthDay = yearStart + intBetween(random, 0, 333);
    const lateRegistration = random() < 0.15;
    const enrollDay = Math.min(lastDay, birthDay + (lateRegistration ? intBetween(random, 91, 200) : intBetween(random, 3, 85)));
    const anyInsured = random() < 0.88;
    const parents = [parentFacts(random, anyInsured)];
    if (random() < 0.7) parents.push(parentFacts(random, anyInsured && random() < 0.8));
    const first = parents[0];
    const plan: PaymentPlan = anyInsured ? 'exempt' : 'self';
    const birthDate = dayText(birthDay);
    return {
      index,
      residentId: residentIdOf(birthDate, index),
      category: 'newborn',
      birthDate,
      hukou: first.hukou,
      residenceDistrict: first.residenceDistrict,
      hardship: [],
      parents,
      fundId: attributedFund(first),
      enrollDay,
      payDay: plan === 'self' ? Math.min(lastDay, enrollDay + intBetween(random, 0, 10)) : null,
      plan,
      collector: 'self',
      chronic: false,
      schemeChangeDay: null,
    };
  }

  const ageBand = random();
  const age =
    ageBand < 0.07 ? intBetween(random, 1, 6) : ageBand < 0.22 ? intBetween(random, 7, 17) : ageBand < 0.31 ? intBetween(random, 18, 24) : ageBand < 0.75 ? intBetween(random, 25, 59) : intBetween(random, 60, 92);
  const birthDay = yearStart - age * 365 - intBetween(random, 0, 364);
  const category: Category =
    age <= 2 ? 'minor' : age <= 6 ? (random() < 0.6 ? 'student' : 'minor') : age <= 17 ? 'student' : age <= 24 ? (random() < 0.55 ? 'university-student' : 'adult') : 'adult';

  const local = random() < 0.85;
  const residenceDistrict = pick(random, DISTRICTS);
  const hukou: Hukou = local ? { local: true, district: random() < 0.8 ? residenceDistrict : pick(random, DISTRICTS) } : { local: false };

  let hardship: HardshipCode[] = [];
  const hardshipDraw = random();
  if (hardshipDraw < 0.04) hardship = [pick(random, KEY_HARDSHIP)];
  else if (hardshipDraw < 0.06) hardship = [age >= 60 && random() < 0.5 ? 'low-income-elderly' : age < 18 && random() < 0.5 ? 'low-income-minor' : pick(random, LOW_INCOME_HARDSHIP)];
  if (hardship[0] === 'orphan' && age >= 18) hardship = ['dibao'];

  const universityStudent = category === 'university-student';
  const enrollDay = universityStudent ? enrollStart + intBetween(random, 0, 60) : intBetween(random, enrollStart, enrollEnd);
  const inWindow = Math.min(yearStart - 1, enrollDay + intBetween(random, 0, 10));
  let plan: PaymentPlan;
  if (hardship.length) plan = FULLY_AIDED.has(hardship[0]) ? 'aid-full' : 'aid-half';
  else {
    const draw = random();
    plan = draw < 0.955 ? 'self' : draw < 0.985 ? 'late' : 'none';
  }
  const payDay = plan === 'none' ? null : plan === 'late' ? yearStart + 1 + intBetween(random, 0, 179) : inWindow;

  const chronic = random() < (age >= 60 ? 0.22 : age >= 45 ? 0.1 : 0.015);
  const schemeChangeDay = category === 'adult' && age < 60 && random() < 0.006 ? yearStart + 31 + intBetween(random, 0, 300) : null;
  const birthDate = dayText(birthDay);
  return {
    index,
    residentId: residentIdOf(birthDate, index),
    category,
    birthDate,
    hukou,
    residenceDistrict,
    hardship,
    parents: [],
    fundId: attributedFund({ hukou, residenceDistrict }),
    enrollDay,
    payDay,
    plan,
    collector: category === 'student' || universityStudent ? 'school' : random() < 0.7 ? 'self' : 'agency',
    chronic,
    schemeChangeDay,
  };
}

/** An 18-character id that looks like a resident id number and is unique by index. */
function residentIdOf(birthDate: string, index: number): string {
  return `WH${birthDate.replace(/-/g, '')}${String(index).padStart(8, '0')}`;
}

/** The first day the resident's benefits of the year may be paid (the policy's rule), or null. */
export function benefitStartDay(policy: Policy, options: PopulationOptions, profile: ResidentProfile): number | null {
  const exempt = profile.plan === 'exempt';
  if (!exempt && profile.payDay === null) return null;
  const start = benefitStart(policy, {
    category: profile.category,
    year: options.year,
    birthDate: profile.birthDate,
    registeredAt: dayText(profile.enrollDay),
    contributionExempt: exempt,
    paidAt: exempt ? null : dayText(profile.payDay!),
  });
  return start === null ? null : epochDay(start);
}
