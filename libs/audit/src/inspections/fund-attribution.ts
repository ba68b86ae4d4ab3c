import { attributedFund, type FundId } from '@ledger/domain';
import type { Folded } from '../fold/audit-fold';
import type { EnrollmentFact } from '../fold/records';
import { defineRule, type RuleContext } from '../rule';

/**
 * fund-attribution — opinions-2017 §四: "居民按照户籍地和居住地划分基金归属 … 分别按照户籍地和居住地
 * 归集个人缴费及各级财政补助" and "新生儿以父母任意一方相关信息划分基金归属".
 *
 * The auditor recomputes the attributed fund from the enrollment facts of the year (local hukou →
 * the hukou district's fund, else the residence district's; a newborn follows the first-named
 * parent, SPEC.md) and compares it with the fund account that actually received each individual
 * contribution and each hardship contribution aid. A reversal must take the money back out of the
 * fund that received it.
 */
export const fundAttribution = defineRule({
  id: 'fund-attribution',
  title: { zh: '个人缴费或财政补助未归集到参保人所属区基金', en: "Contribution or subsidy credited to a fund other than the resident's attributed fund" },
  basis: 'opinions-2017 §四 (基金归属: hukou district, else residence district; a newborn follows a parent)',
  onEvent: inspectFundAttribution,
});

interface Attribution {
  fundId: FundId | null;
  why: string;
}

export function attributionOf(enrollment: EnrollmentFact): Attribution {
  try {
    if (enrollment.category === 'newborn') {
      const parent = enrollment.parents[0];
      if (!parent) return { fundId: null, why: 'a newborn enrollment names no parent to attribute by' };
      return { fundId: attributedFund(parent), why: describe('the first-named parent', parent) };
    }
    return { fundId: attributedFund(enrollment), why: describe('the resident', enrollment) };
  } catch (error) {
    return { fundId: null, why: `the enrollment facts name no known district (${(error as Error).message})` };
  }
}

function describe(who: string, facts: { hukou: { local: boolean; district?: string }; residenceDistrict: string }): string {
  return facts.hukou.local
    ? `${who} has local hukou in ${facts.hukou.district}`
    : `${who} has no local hukou and lives in ${facts.residenceDistrict}`;
}

function inspectFundAttribution(folded: Folded, context: RuleContext): void {
  if (folded.type === 'ContributionPaid' || (folded.type === 'SubsidyGranted' && folded.resident)) {
    const resident = folded.resident!;
    const year = folded.data.year;
    const credited = folded.data.fundId;
    const what =
      folded.type === 'ContributionPaid'
        ? `contribution ${folded.data.receiptNo} of ${folded.data.amount} for ${year}`
        : `hardship contribution aid ${folded.data.subsidyId} of ${folded.data.amount} for ${year}`;
    const enrollment = resident.latestEnrollment(year);
    const withdrawnByReversalOf = folded.type === 'ContributionPaid' ? `receipt:${folded.data.receiptNo}` : undefined;
    if (!enrollment) {
      context.raise({
        fundId: credited,
        residentId: resident.residentId,
        message: `${what} was credited to fund ${credited}, but resident ${resident.residentId} has no enrollment for ${year} to attribute it by (opinions-2017 §四).`,
        evidence: [folded.position],
        withdrawnByReversalOf,
      });
      return;
    }
    const attribution = attributionOf(enrollment);
    if (attribution.fundId === credited) return;
    const expected = attribution.fundId === null ? 'cannot be attributed' : `belongs to fund ${attribution.fundId}`;
    context.raise({
      fundId: credited,
      residentId: resident.residentId,
      message: `${what} was credited to fund ${credited} but ${expected}: ${attribution.why} (enrollment ${enrollment.enrollmentId}; opinions-2017 §四). Move it to the attributed fund.`,
      evidence: [folded.position, enrollment.position],
      withdrawnByReversalOf,
    });
    return;
  }
  if (folded.type === 'ContributionReversed' && folded.original && folded.original.fundId !== folded.data.fundId) {
    context.raise({
      fundId: folded.data.fundId,
      residentId: folded.data.residentId,
      message: `reversal ${folded.data.reversalId} took ${folded.data.amount} out of fund ${folded.data.fundId}, but contribution ${folded.data.receiptNo} had been credited to fund ${folded.original.fundId} (opinions-2017 §四: money never moves between funds).`,
      evidence: [folded.position, folded.original.position],
    });
  }
}
