import { money, Money, ZERO } from '@ledger/domain';
import { addDays, daysBetween, firstDayOfNextMonth, firstDayOfYear, type Policy, yearOf } from '@ledger/policy';
import { intern } from './event-shapes';
import type { EnrollmentFact, PaymentFact, ResidentRecord } from './records';

/**
 * When benefits of an enrolled year start, recomputed by the auditor from the enrollment and the
 * payments (not read from what the ledger recorded).
 *
 * - The year is paid up on the first business date on which the year's payments dated on or
 *   before it (own contributions + hardship contribution aid − reversals) reach the contribution
 *   due; an exempt year (newborn with an insured parent) counts as paid at registration.
 * - Newborns (opinions-2017 §五(三)): paid / registered within the window of days after birth
 *   (inclusive) → from the birth date; later → from the first day of the following month. The
 *   year after the birth year never starts before its 1 January.
 * - Everyone else (policy parameter benefit-start.ordinary-waiting-days, an assumption the texts
 *   leave open): paid before the year → 1 January; during the year → payment date + waiting days.
 */
export interface BenefitStart {
  /** null: not paid up by the payments in the audited history. */
  start: string | null;
  /** The date the year counted as paid (registration when exempt). */
  paidUpOn: string | null;
  /** Net paid for the year (all payments in the audited history). */
  paid: Money;
  /** The payment that completed the year, for the evidence. */
  completedBy: PaymentFact | null;
}

export function benefitStartOf(policy: Policy, enrollment: EnrollmentFact, payments: readonly PaymentFact[]): BenefitStart {
  const ordered = [...payments].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.position < b.position ? -1 : 1));
  const amounts = ordered.map((payment) => money(payment.amount));
  const paid = sharedAmount(amounts.reduce((total, amount) => total.plus(amount), ZERO as Money));
  const due = money(enrollment.contributionDue);
  let paidUpOn: string | null = null;
  let completedBy: PaymentFact | null = null;
  if (enrollment.contributionExempt || !due.greaterThan(ZERO)) {
    paidUpOn = enrollment.enrolledAt;
  } else {
    let running: Money = money('0');
    // Payments of one day count together: the year is paid up at the end of the day they reach the due.
    for (let index = 0; index < ordered.length; index += 1) {
      running = running.plus(amounts[index]);
      const lastOfDay = index === ordered.length - 1 || ordered[index + 1].date !== ordered[index].date;
      if (lastOfDay && running.greaterThanOrEqualTo(due)) {
        paidUpOn = ordered[index].date;
        completedBy = ordered[index];
        break;
      }
    }
  }
  // Interned: the start is a computed date string, kept per resident and year in the cache.
  return { start: paidUpOn === null ? null : intern(startFromPaidUpDate(policy, enrollment, paidUpOn)), paidUpOn, paid, completedBy };
}

/** Net amounts paid, one Decimal per value (decimal.js never changes one): most residents pay the same few. */
const sharedAmounts = new Map<string, Money>();
const SHARED_AMOUNTS_LIMIT = 10_000;

/**
 * The first Decimal of the same value and sign, kept in a million residents' benefit starts instead
 * of a Decimal each (the shared ZERO stays itself). Benefit starts are a cache the sealed state
 * leaves out (records.ts), so sharing them between residents changes no seal.
 */
function sharedAmount(amount: Money): Money {
  if (amount === ZERO) return amount;
  const key = `${amount.isNegative() ? '-' : ''}${amount.toString()}`;
  const known = sharedAmounts.get(key);
  if (known !== undefined) return known;
  if (sharedAmounts.size < SHARED_AMOUNTS_LIMIT) sharedAmounts.set(key, amount);
  return amount;
}

export function startFromPaidUpDate(policy: Policy, enrollment: EnrollmentFact, paidUpOn: string): string {
  const yearStart = firstDayOfYear(enrollment.year);
  if (enrollment.category === 'newborn') {
    const withinWindow = daysBetween(enrollment.birthDate, paidUpOn) <= policy.newbornWindowDays(paidUpOn);
    const start = withinWindow ? enrollment.birthDate : firstDayOfNextMonth(paidUpOn);
    return enrollment.year > yearOf(enrollment.birthDate) && start < yearStart ? yearStart : start;
  }
  if (paidUpOn < yearStart) return yearStart;
  return addDays(paidUpOn, policy.ordinaryBenefitWaitingDays(paidUpOn));
}

export type CoverageGap = 'not-enrolled' | 'not-paid-up' | 'before-benefit-start';

export interface Coverage {
  /** null when covered on the date. */
  gap: CoverageGap | null;
  /** Earliest benefit start among the year's enrollments (null when none is paid up). */
  benefitStart: string | null;
  enrollments: readonly EnrollmentFact[];
  starts: BenefitStart[];
}

/** Whether the resident's enrollment(s) for `year` cover care that began on `date` (scheme aside). */
export function coverageOn(policy: Policy, record: ResidentRecord, year: number, date: string): Coverage {
  const enrollments = record.enrollmentsOf(year);
  if (enrollments.length === 0) return { gap: 'not-enrolled', benefitStart: null, enrollments, starts: [] };
  const starts = startsOf(policy, record, year, enrollments);
  const earliest = earliestOf(starts);
  if (earliest === null) return { gap: 'not-paid-up', benefitStart: null, enrollments, starts };
  return { gap: date < earliest ? 'before-benefit-start' : null, benefitStart: earliest, enrollments, starts };
}

/** The year's benefit starts, remembered until its enrollments or payments change. */
function startsOf(policy: Policy, record: ResidentRecord, year: number, enrollments: readonly EnrollmentFact[]): BenefitStart[] {
  let starts = record.benefitStarts.get(year);
  if (!starts) {
    const payments = record.paymentsOf(year);
    starts = enrollments.map((enrollment) => benefitStartOf(policy, enrollment, payments));
    record.benefitStarts.set(year, starts);
  }
  return starts;
}

function earliestOf(starts: readonly BenefitStart[]): string | null {
  let earliest: string | null = null;
  for (const { start } of starts) if (start !== null && (earliest === null || start < earliest)) earliest = start;
  return earliest;
}

/**
 * Entitled to resident basic benefits on a date: covered and in the resident scheme (opinions-2017
 * §七). coverageOn's verdict without its object: this runs for every claim of the history.
 */
export function entitledOn(policy: Policy, record: ResidentRecord, year: number, date: string): boolean {
  if (!coveredOn(policy, record, year, date)) return false;
  // With no scheme change on record the scheme is the resident one (ResidentRecord.schemeOn).
  return record.schemes.length === 0 || record.schemeOn(date).scheme === 'resident';
}

/** coverageOn(…).gap === null without its object (throws where it throws): asked for every claim of the history at the end. */
export function coveredOn(policy: Policy, record: ResidentRecord, year: number, date: string): boolean {
  const enrollments = record.enrollmentsOf(year);
  if (enrollments.length === 0) return false;
  const earliest = earliestOf(startsOf(policy, record, year, enrollments));
  return earliest !== null && date >= earliest;
}
