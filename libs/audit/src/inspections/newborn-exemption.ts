import { yearOf } from '@ledger/domain';
import { daysBetween } from '@ledger/policy';
import type { Folded } from '../fold/audit-fold';
import { benefitStartOf, startFromPaidUpDate } from '../fold/coverage';
import type { EnrollmentFact } from '../fold/records';
import { type Bilingual, defineRule, joinProblems, type RuleContext } from '../rule';

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
  const where: Bilingual = {
    zh: `新生儿 ${enrollment.year} 年度参保登记 ${enrollment.enrollmentId}（${enrollment.birthDate} 出生，${enrollment.enrolledAt} 登记）`,
    en: `newborn enrollment ${enrollment.enrollmentId} for ${enrollment.year} (born ${enrollment.birthDate}, registered ${enrollment.enrolledAt})`,
  };
  const problems: Bilingual[] = [];

  if (!policy.isNewborn(enrollment.birthDate, enrollment.enrolledAt)) {
    const maxAge = policy.newbornMaxAgeYears(enrollment.enrolledAt);
    problems.push({
      zh: `登记时已超过 ${maxAge} 周岁，不属于新生儿（§五(一)）`,
      en: `the child was older than ${maxAge} year(s) at registration, so not a newborn (§五(一))`,
    });
  }
  if (enrollment.contributionExempt) {
    if (enrollment.year !== yearOf(enrollment.birthDate)) {
      problems.push({
        zh: `仅出生当年 ${yearOf(enrollment.birthDate)} 年免缴，${enrollment.year} 年度应当缴费（§五(二)）`,
        en: `only the birth year ${yearOf(enrollment.birthDate)} is exempt; ${enrollment.year} must be paid (§五(二))`,
      });
    } else if (!enrollment.parents.some((parent) => parent.insured)) {
      problems.push({ zh: '父母均未在本市参保，出生当年的个人缴费却被免除（§五(二)）', en: 'the birth-year contribution was exempted although no parent is insured in the city (§五(二))' });
    }
    const expected = startFromPaidUpDate(policy, enrollment, enrollment.enrolledAt);
    if (enrollment.recordedBenefitStart !== expected) {
      problems.push(benefitStartProblem(enrollment.recordedBenefitStart, expected, enrollment, enrollment.enrolledAt, 'registration'));
    }
  } else if (enrollment.recordedBenefitStart !== null) {
    problems.push({
      zh: `登记时当年个人缴费（${enrollment.contributionDue} 元）尚未缴纳，却已记录待遇享受起始日 ${enrollment.recordedBenefitStart}（§五(三)）`,
      en: `a benefit start (${enrollment.recordedBenefitStart}) was recorded at registration although the year's contribution (${enrollment.contributionDue}) was still unpaid (§五(三))`,
    });
  }
  if (problems.length === 0) return;
  const what = joinProblems(problems);
  context.raise({
    fundId: enrollment.recordedFundId,
    ...subject,
    message: { zh: `${where.zh}：${what.zh}。`, en: `${where.en}: ${what.en}.` },
    evidence: [enrollment.position],
  });
}

function benefitStartProblem(recorded: string | null, expected: string, enrollment: EnrollmentFact, qualifying: string, how: 'registration' | 'payment'): Bilingual {
  const days = daysBetween(enrollment.birthDate, qualifying);
  const howZh = how === 'registration' ? '登记' : '缴费';
  return {
    zh: `记录的待遇享受起始日为 ${recorded ?? '（无）'}，但 ${qualifying} ${howZh}（出生后第 ${days} 日），待遇应自 ${expected} 起享受（§五(三)）`,
    en: `benefits were recorded to start on ${recorded ?? '(none)'} but ${how} on ${qualifying}, ${days} day${days === 1 ? '' : 's'} after birth, starts them on ${expected} (§五(三))`,
  };
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
  const where: Bilingual = {
    zh: `新生儿 ${resident.residentId} 的 ${payment.year} 年度缴费（参保登记 ${enrollment.enrollmentId}，${enrollment.birthDate} 出生）`,
    en: `newborn ${resident.residentId}'s ${payment.year} contribution (enrollment ${enrollment.enrollmentId}, born ${enrollment.birthDate})`,
  };
  if (computed.start === null) {
    context.raise({
      fundId: enrollment.recordedFundId,
      residentId: resident.residentId,
      message: {
        zh: `${where.zh}：应缴 ${enrollment.contributionDue} 元仅缴纳 ${computed.paid.toFixed(2)} 元，却已记录待遇自 ${payment.recordedBenefitStart} 起享受（§五(三)）。`,
        en: `${where.en}: benefits were recorded to start on ${payment.recordedBenefitStart} although only ${computed.paid.toFixed(2)} of ${enrollment.contributionDue} was paid (§五(三)).`,
      },
      evidence: [payment.position, enrollment.position],
    });
    return;
  }
  if (computed.start === payment.recordedBenefitStart) return;
  const problem = benefitStartProblem(payment.recordedBenefitStart, computed.start, enrollment, computed.paidUpOn!, 'payment');
  context.raise({
    fundId: enrollment.recordedFundId,
    residentId: resident.residentId,
    message: { zh: `${where.zh}：${problem.zh}。`, en: `${where.en}: ${problem.en}.` },
    evidence: [payment.position, enrollment.position, computed.completedBy?.position],
  });
}
