import { formatMoney, money } from '@ledger/domain';
import type { ClaimRecord, EnrollmentFact } from '../fold/records';
import { defineRule, type ReportContext } from '../rule';

/**
 * duplicate-student-benefit — opinions-2017 §八: a new university student "按规定享受大学生居民医保待遇，
 * 不再重复享受当年的普通居民医保待遇".
 *
 * The ledger refuses a second enrollment for a year, so this can only arise from written history.
 * Definition: a resident has, for one insurance year, both a university-student enrollment and an
 * ordinary (any other category) enrollment. Each claim of that year that paid from the basic fund
 * (not reversed) is taken as paid under the enrollment in force on its admission date — the one
 * registered last on or before that date (ties: the later event); a claim admitted before every
 * registration falls to the earliest. If claims were paid under both kinds, the resident drew
 * both benefits that year: one finding per resident and year, with both enrollments and all
 * those claims as evidence, charged to the fund that paid the ordinary-resident benefits.
 */
export const duplicateStudentBenefit = defineRule({
  id: 'duplicate-student-benefit',
  title: { zh: '同一年度重复享受大学生和普通居民医保待遇', en: 'University-student and ordinary-resident benefits in the same year' },
  basis: 'opinions-2017 §八 (不再重复享受当年的普通居民医保待遇)',
  atEnd: inspectDuplicateStudent,
});

function enrollmentInForce(enrollments: readonly EnrollmentFact[], date: string): EnrollmentFact {
  const ordered = [...enrollments].sort((a, b) =>
    a.enrolledAt < b.enrolledAt ? -1 : a.enrolledAt > b.enrolledAt ? 1 : a.position < b.position ? -1 : 1,
  );
  let inForce = ordered[0];
  for (const enrollment of ordered) if (enrollment.enrolledAt <= date) inForce = enrollment;
  return inForce;
}

function inspectDuplicateStudent({ fold, raise }: ReportContext): void {
  for (const resident of fold.residents.values()) {
    for (const [year, enrollments] of resident.enrollments) {
      const university = enrollments.filter((e) => e.category === 'university-student');
      const ordinary = enrollments.filter((e) => e.category !== 'university-student');
      if (university.length === 0 || ordinary.length === 0) continue;
      const underUniversity: ClaimRecord[] = [];
      const underOrdinary: ClaimRecord[] = [];
      for (const index of fold.claims.of(resident)) {
        if (fold.claims.yearOf(index) !== year || fold.claims.isReversed(index) || !fold.claims.paidFromBasicFund(index)) continue;
        const claim = fold.claims.record(index);
        const inForce = enrollmentInForce(enrollments, claim.admittedAt);
        (inForce.category === 'university-student' ? underUniversity : underOrdinary).push(claim);
      }
      if (underUniversity.length === 0 || underOrdinary.length === 0) continue;
      const list = (claims: ClaimRecord[]) => claims.map((c) => `${c.claimId} (${c.admittedAt}, ${formatMoney(money(c.basicFundPayment))})`).join(', ');
      const listZh = (claims: ClaimRecord[]) => claims.map((c) => `${c.claimId}（${c.admittedAt}，${formatMoney(money(c.basicFundPayment))} 元）`).join('、');
      const registrations = (of: EnrollmentFact[]) => of.map((e) => `${e.enrollmentId} 于 ${e.enrolledAt}`).join('、');
      raise({
        fundId: underOrdinary[0].fundId,
        residentId: resident.residentId,
        message: {
          zh:
            `参保人 ${resident.residentId} ${year} 年度既以大学生身份参保（${registrations(university)}），又以普通居民身份参保（${registrations(ordinary)}），` +
            `基本医保基金按两种身份均有支付：大学生报销 ${listZh(underUniversity)}；普通居民报销 ${listZh(underOrdinary)}。新入学大学生不再重复享受当年的普通居民医保待遇（opinions-2017 §八）。`,
          en:
            `resident ${resident.residentId} was enrolled for ${year} both as a university student (${university.map((e) => `${e.enrollmentId} on ${e.enrolledAt}`).join(', ')}) ` +
            `and as an ordinary resident (${ordinary.map((e) => `${e.enrollmentId} on ${e.enrolledAt}`).join(', ')}), and the basic fund paid under both: ` +
            `university-student claims ${list(underUniversity)}; ordinary-resident claims ${list(underOrdinary)}. A new university student does not also receive ordinary-resident benefits in the same year (opinions-2017 §八).`,
        },
        evidence: [...enrollments.map((e) => e.position), ...underUniversity.map((c) => c.position), ...underOrdinary.map((c) => c.position)],
      });
    }
  }
}
