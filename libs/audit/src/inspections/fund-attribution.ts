import { attributedFund, type FundId } from '@ledger/domain';
import type { Folded } from '../fold/audit-fold';
import type { EnrollmentFact } from '../fold/records';
import { type Bilingual, defineRule, fundZh, type RuleContext } from '../rule';

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
  why: Bilingual;
}

export function attributionOf(enrollment: EnrollmentFact): Attribution {
  try {
    if (enrollment.category === 'newborn') {
      const parent = enrollment.parents[0];
      if (!parent) return { fundId: null, why: { zh: '新生儿参保登记未列明可据以划分基金归属的父母', en: 'a newborn enrollment names no parent to attribute by' } };
      return { fundId: attributedFund(parent), why: describe({ zh: '其列于首位的父母', en: 'the first-named parent' }, parent) };
    }
    return { fundId: attributedFund(enrollment), why: describe({ zh: '该参保人', en: 'the resident' }, enrollment) };
  } catch (error) {
    const reason = (error as Error).message;
    return { fundId: null, why: { zh: `参保登记信息中的区不在本市区划之列（${reason}）`, en: `the enrollment facts name no known district (${reason})` } };
  }
}

function describe(who: Bilingual, facts: { hukou: { local: boolean; district?: string }; residenceDistrict: string }): Bilingual {
  return facts.hukou.local
    ? { zh: `${who.zh}户籍在 ${facts.hukou.district}`, en: `${who.en} has local hukou in ${facts.hukou.district}` }
    : { zh: `${who.zh}无本市户籍，居住在 ${facts.residenceDistrict}`, en: `${who.en} has no local hukou and lives in ${facts.residenceDistrict}` };
}

function inspectFundAttribution(folded: Folded, context: RuleContext): void {
  if (folded.type === 'ContributionPaid' || (folded.type === 'SubsidyGranted' && folded.resident)) {
    const resident = folded.resident!;
    const year = folded.data.year;
    const credited = folded.data.fundId;
    const what: Bilingual =
      folded.type === 'ContributionPaid'
        ? { zh: `${year} 年度个人缴费 ${folded.data.receiptNo}（${folded.data.amount} 元）`, en: `contribution ${folded.data.receiptNo} of ${folded.data.amount} for ${year}` }
        : { zh: `${year} 年度困难人员参保资助 ${folded.data.subsidyId}（${folded.data.amount} 元）`, en: `hardship contribution aid ${folded.data.subsidyId} of ${folded.data.amount} for ${year}` };
    const enrollment = resident.latestEnrollment(year);
    const withdrawnByReversalOf = folded.type === 'ContributionPaid' ? `receipt:${folded.data.receiptNo}` : undefined;
    if (!enrollment) {
      context.raise({
        fundId: credited,
        residentId: resident.residentId,
        message: {
          zh: `${what.zh}计入${fundZh(credited)}，但参保人 ${resident.residentId} 没有 ${year} 年度的参保登记，无从划分基金归属（opinions-2017 §四）。`,
          en: `${what.en} was credited to fund ${credited}, but resident ${resident.residentId} has no enrollment for ${year} to attribute it by (opinions-2017 §四).`,
        },
        evidence: [folded.position],
        withdrawnByReversalOf,
      });
      return;
    }
    const attribution = attributionOf(enrollment);
    if (attribution.fundId === credited) return;
    const expected = attribution.fundId === null ? 'cannot be attributed' : `belongs to fund ${attribution.fundId}`;
    const expectedZh = attribution.fundId === null ? '无法划分基金归属' : `应归属${fundZh(attribution.fundId)}`;
    context.raise({
      fundId: credited,
      residentId: resident.residentId,
      message: {
        zh: `${what.zh}计入${fundZh(credited)}，但${expectedZh}：${attribution.why.zh}（参保登记 ${enrollment.enrollmentId}；opinions-2017 §四）。应调整到所属基金。`,
        en: `${what.en} was credited to fund ${credited} but ${expected}: ${attribution.why.en} (enrollment ${enrollment.enrollmentId}; opinions-2017 §四). Move it to the attributed fund.`,
      },
      evidence: [folded.position, enrollment.position],
      withdrawnByReversalOf,
    });
    return;
  }
  if (folded.type === 'ContributionReversed' && folded.original && folded.original.fundId !== folded.data.fundId) {
    context.raise({
      fundId: folded.data.fundId,
      residentId: folded.data.residentId,
      message: {
        zh: `冲正 ${folded.data.reversalId} 从${fundZh(folded.data.fundId)}退出 ${folded.data.amount} 元，但个人缴费 ${folded.data.receiptNo} 原计入${fundZh(folded.original.fundId)}（opinions-2017 §四：基金之间不得相互划转）。`,
        en: `reversal ${folded.data.reversalId} took ${folded.data.amount} out of fund ${folded.data.fundId}, but contribution ${folded.data.receiptNo} had been credited to fund ${folded.original.fundId} (opinions-2017 §四: money never moves between funds).`,
      },
      evidence: [folded.position, folded.original.position],
    });
  }
}
