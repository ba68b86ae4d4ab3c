import { yearOf } from '@ledger/domain';
import { daysBetween } from '@ledger/policy';
import type { Folded } from '../fold/audit-fold';
import { benefitStartOf, startFromPaidUpDate } from '../fold/coverage';
import type { EnrollmentFact } from '../fold/records';
import { defineRule, type RuleContext } from '../rule';

/**
 * newborn-exemption — opinions-2017 §五:
 * (一) a newborn is aged 1 year or less (policy newborn.max-age-years);
 * (二) the birth-year contribution is exempt only when a parent is insured in the city and paid;
 *      the year after the birth year (跨年度参保) is always paid;
 * (三) registered (exempt) or paid within 90 days of birth inclusive (newborn.registration-window-days)
 *      → benefits from the birth date; later → from the first day of the month after the
 *      registration / payment.
 *
 * Checked on every newborn enrollment (the exemption, and the benefit start recorded with an exempt
 * registration) and on the payment that the ledger marked as completing a paid newborn year (the
 * benefit start it recorded then).
 */
export const newbornExemption = defineRule({
  id: 'newborn-exemption',
  title: { zh: '新生儿出生当年免缴无参保父母或待遇享受时间错误', en: 'Newborn birth-year exemption without an insured parent, or a wrong benefit start' },
  basis: 'opinions-2017 §五(一)-(三)',
  onEvent: inspectNewbornExemption,
});

function inspectNewbornExemption(folded: Folded, context: RuleContext): void {
  if (folded.type === 'ResidentEnrolled') {
    if (folded.enrollment.category === 'newborn') inspectNewbornEnrollment(folded.enrollment, folded.resident.residentId, context);
    return;
  }
  if ((folded.type === 'ContributionPaid' || folded.type === 'SubsidyGranted') && folded.payment && folded.resident) {
    inspectNewbornPayment(folded, context);
  }
}

function inspectNewbornEnrollment(enrollment: EnrollmentFact, residentId: string, context: RuleContext): void {
  const { policy } = context;
  const subject = { residentId };
  const where = `newborn enrollment ${enrollment.enrollmentId} for ${enrollment.year} (born ${enrollment.birthDate}, registered ${enrollment.enrolledAt})`;
  const problems: string[] = [];

  if (!policy.isNewborn(enrollment.birthDate, enrollment.enrolledAt)) {
    problems.push(`the child was older than ${policy.newbornMaxAgeYears(enrollment.enrolledAt)} year(s) at registration, so not a newborn (§五(一))`);
  }
  if (enrollment.contributionExempt) {
    if (enrollment.year !== yearOf(enrollment.birthDate)) {
      problems.push(`only the birth year ${yearOf(enrollment.birthDate)} is exempt; ${enrollment.year} must be paid (§五(二))`);
    } else if (!enrollment.parents.some((parent) => parent.insured)) {
      problems.push('the birth-year contribution was exempted although no parent is insured in the city (§五(二))');
    }
    const expected = startFromPaidUpDate(policy, enrollment, enrollment.enrolledAt);
    if (enrollment.recordedBenefitStart !== expected) {
      problems.push(benefitStartProblem(enrollment.recordedBenefitStart, expected, enrollment, enrollment.enrolledAt, 'registration'));
    }
  } else if (enrollment.recordedBenefitStart !== null) {
    problems.push(`a benefit start (${enrollment.recordedBenefitStart}) was recorded at registration although the year's contribution (${enrollment.contributionDue}) was still unpaid (§五(三))`);
  }
  if (problems.length === 0) return;
  context.raise({ fundId: enrollment.recordedFundId, ...subject, message: `${where}: ${problems.join('; ')}.`, evidence: [enrollment.position] });
}

function benefitStartProblem(recorded: string | null, expected: string, enrollment: EnrollmentFact, qualifying: string, how: string): string {
  const days = daysText(enrollment.birthDate, qualifying);
  return `benefits were recorded to start on ${recorded ?? '(none)'} but ${how} on ${qualifying}, ${days} after birth, starts them on ${expected} (§五(三))`;
}

function daysText(from: string, to: string): string {
  const days = daysBetween(from, to);
  return `${days} day${days === 1 ? '' : 's'}`;
}

function inspectNewbornPayment(folded: Extract<Folded, { type: 'ContributionPaid' | 'SubsidyGranted' }>, context: RuleContext): void {
  const payment = folded.payment!;
  const resident = folded.resident!;
  if (payment.recordedBenefitStart === null) return;
  const enrollment = resident.latestEnrollment(payment.year);
  if (!enrollment || enrollment.category !== 'newborn' || enrollment.contributionExempt) return;
  // Only the payment that first recorded a benefit start is judged; later payments repeat it.
  const earlier = resident.paymentsOf(payment.year).some((p) => p !== payment && p.position < payment.position && p.recordedBenefitStart !== null);
  if (earlier) return;
  const computed = benefitStartOf(context.policy, enrollment, resident.paymentsOf(payment.year));
  const where = `newborn ${resident.residentId}'s ${payment.year} contribution (enrollment ${enrollment.enrollmentId}, born ${enrollment.birthDate})`;
  if (computed.start === null) {
    context.raise({
      fundId: enrollment.recordedFundId,
      residentId: resident.residentId,
      message: `${where}: benefits were recorded to start on ${payment.recordedBenefitStart} although only ${computed.paid.toFixed(2)} of ${enrollment.contributionDue} was paid (§五(三)).`,
      evidence: [payment.position, enrollment.position],
    });
    return;
  }
  if (computed.start === payment.recordedBenefitStart) return;
  context.raise({
    fundId: enrollment.recordedFundId,
    residentId: resident.residentId,
    message: `${where}: ${benefitStartProblem(payment.recordedBenefitStart, computed.start, enrollment, computed.paidUpOn!, 'payment')}.`,
    evidence: [payment.position, enrollment.position, computed.completedBy?.position],
  });
}
