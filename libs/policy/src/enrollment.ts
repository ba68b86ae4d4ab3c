/**
 * Enrollment rules: which years a newborn is registered for, and when benefits start
 * (opinions-2017 §五(二)-(三); the ordinary-resident rule is an assumption kept in the parameters).
 */
import { type Category, isCategory } from './codes';
import {
  type BusinessDate,
  addDays,
  assertBusinessDate,
  daysBetween,
  firstDayOfNextMonth,
  firstDayOfYear,
  laterOf,
  yearOf,
} from './dates';
import type { Policy } from './parameters';

export interface NewbornYear {
  year: number;
  contributionExempt: boolean;
}

export interface NewbornEnrollmentInput {
  birthDate: BusinessDate;
  registeredAt: BusinessDate;
  /** Either parent is insured in the city (employee or resident scheme) and paid up. */
  anyParentInsured: boolean;
}

/**
 * The insurance years a newborn's registration covers (opinions-2017 §五(二)): the birth year —
 * contribution-exempt iff a parent is insured and paid — and, when registering in a later calendar
 * year than the birth (跨年度参保), also the next year, which is always paid.
 * Throws when the child is no longer a newborn on the registration date.
 */
export function newbornYears(policy: Policy, input: NewbornEnrollmentInput): NewbornYear[] {
  const { birthDate, registeredAt, anyParentInsured } = input;
  assertBusinessDate(birthDate, 'birthDate');
  assertBusinessDate(registeredAt, 'registeredAt');
  if (registeredAt < birthDate) throw new RangeError(`registration ${registeredAt} is before the birth ${birthDate}`);
  if (!policy.isNewborn(birthDate, registeredAt)) {
    throw new RangeError(`a child born ${birthDate} is no longer a newborn on ${registeredAt}; enroll as a minor`);
  }
  const birthYear = yearOf(birthDate);
  const years: NewbornYear[] = [{ year: birthYear, contributionExempt: anyParentInsured }];
  if (yearOf(registeredAt) > birthYear) years.push({ year: birthYear + 1, contributionExempt: false });
  return years;
}

export interface BenefitStartInput {
  category: Category;
  /** The insurance year whose benefits are asked about. */
  year: number;
  birthDate: BusinessDate;
  registeredAt: BusinessDate;
  /** The year needs no contribution (an exempt newborn's birth year, or a contribution paid for by others at registration). */
  contributionExempt: boolean;
  /** When the year's contribution was paid in full; null while unpaid. */
  paidAt: BusinessDate | null;
}

/**
 * The first day benefits of `year` may be paid, or null while a required contribution is unpaid.
 *
 * Newborns (the birth year, and the next year when enrolled across the boundary), opinions-2017 §五(三):
 * registered (exempt) or paid within the window (date − birth ≤ 90 days) → from the birth date;
 * later → from the first day of the month after the registration / payment. For the year after
 * the birth year benefits never start before 1 January of that year.
 *
 * Everyone else (assumption, see `benefit-start.ordinary-waiting-days`): paid (or registered,
 * when exempt) before the year starts → 1 January; during the year → the payment date plus the
 * waiting days.
 */
export function benefitStart(policy: Policy, input: BenefitStartInput): BusinessDate | null {
  const { category, year, birthDate, registeredAt, contributionExempt, paidAt } = input;
  if (!isCategory(category)) throw new RangeError(`unknown category: ${JSON.stringify(category)}`);
  assertBusinessDate(birthDate, 'birthDate');
  assertBusinessDate(registeredAt, 'registeredAt');
  if (paidAt !== null) assertBusinessDate(paidAt, 'paidAt');
  const yearStart = firstDayOfYear(year);

  const qualifyingDate = contributionExempt ? registeredAt : paidAt;
  if (qualifyingDate === null) return null;

  if (category === 'newborn') {
    const birthYear = yearOf(birthDate);
    if (year !== birthYear && year !== birthYear + 1) {
      throw new RangeError(`a newborn born ${birthDate} is registered for ${birthYear} and ${birthYear + 1} only, not ${year}`);
    }
    if (qualifyingDate < birthDate) throw new RangeError(`registration / payment ${qualifyingDate} is before the birth ${birthDate}`);
    const withinWindow = daysBetween(birthDate, qualifyingDate) <= policy.newbornWindowDays(qualifyingDate);
    const start = withinWindow ? birthDate : firstDayOfNextMonth(qualifyingDate);
    return year > birthYear ? laterOf(start, yearStart) : start;
  }

  if (qualifyingDate < yearStart) return yearStart;
  return addDays(qualifyingDate, policy.ordinaryBenefitWaitingDays(qualifyingDate));
}
