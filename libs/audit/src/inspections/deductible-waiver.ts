import type { Folded } from '../fold/audit-fold';
import { basicPaymentFenFor, basicPaymentFor } from '../fold/basic-payment';
import { type Bilingual, defineRule, type RuleContext } from '../rule';

/**
 * deductible-waiver — linkage-2018 §二(二)1: "特困供养人员、孤儿、最低生活保障家庭成员、特困优抚对象和
 * 丧失劳动能力的残疾人，免除其居民基本医疗保险住院起付标准费用" (groups: policy parameter
 * basic.inpatient.deductible-waived-groups, in force on the admission date).
 *
 * How it is judged: for every inpatient claim of an entitled resident — computed by the ledger or
 * recorded from the settlement platform alike — the auditor recomputes the basic fund payment twice
 * with its own arithmetic (see fold/basic-payment.ts): once with the deductible and once without,
 * with the year's basic fund payments so far against the annual cap. The recorded payment
 * matching the waived figure for someone not entitled, or the unwaived figure for someone entitled,
 * is a finding. A payment matching neither is a different error, not a waiver, and is left to the
 * other rules; when both figures agree (cost under the cap either way…) there is nothing to judge.
 */
export const deductibleWaiver = defineRule({
  id: 'deductible-waiver',
  title: { zh: '住院起付标准减免对象错误（不应免而免或应免未免）', en: 'Inpatient deductible waived for someone not entitled, or not waived for someone entitled' },
  basis: 'linkage-2018 §二(二)1 (免除住院起付标准)',
  onEvent: inspectDeductibleWaiver,
});

function inspectDeductibleWaiver(folded: Folded, context: RuleContext): void {
  if (folded.type !== 'ClaimSettled' || folded.claim.careType !== 'inpatient') return;
  const { claim, resident, totalsBefore } = folded;
  if (!folded.entitled) return;
  const { policy } = context;
  const hardship = resident.hardshipFor(claim.year);
  const entitledToWaiver = policy.deductibleWaived(hardship, claim.admittedAt);
  // In whole fen first: when the payment is neither wrong figure, there is nothing to say.
  const recordedFen = claim.fen.basicFundPayment;
  const withDeductibleFen = basicPaymentFenFor(policy, claim, hardship, false, totalsBefore.basicFundPaid);
  const waivedFen = basicPaymentFenFor(policy, claim, hardship, true, totalsBefore.basicFundPaid);
  if (withDeductibleFen !== null && waivedFen !== null && !Number.isNaN(recordedFen)) {
    if (withDeductibleFen === waivedFen) return;
    if (!(entitledToWaiver && recordedFen === withDeductibleFen) && !(!entitledToWaiver && recordedFen === waivedFen)) return;
  }
  const withDeductible = basicPaymentFor(policy, claim, hardship, false, totalsBefore.basicFundPaid);
  const waived = basicPaymentFor(policy, claim, hardship, true, totalsBefore.basicFundPaid);
  if (withDeductible.equals(waived)) return;
  const recorded = claim.basicFundPayment;
  const deductible = policy.basicDeductible('inpatient', claim.institution.level, claim.admittedAt);
  const groups = hardship.length ? hardship.join(', ') : 'no hardship group';
  const groupsZh = hardship.length ? hardship.join('、') : '不属于困难群体';
  let message: Bilingual | null = null;
  if (entitledToWaiver && recorded.equals(withDeductible)) {
    message = {
      zh:
        `住院报销 ${claim.claimId}（${claim.admittedAt} 入院，合规费用 ${claim.compliantCost.toFixed(2)} 元）扣除起付标准 ${deductible.toFixed(2)} 元后由基本医保基金支付 ${recorded.toFixed(2)} 元，` +
        `但该参保人（${groupsZh}）应免除住院起付标准（linkage-2018 §二(二)1）；免除后应付 ${waived.toFixed(2)} 元。`,
      en:
        `inpatient claim ${claim.claimId} (admitted ${claim.admittedAt}, compliant ${claim.compliantCost.toFixed(2)}) paid ${recorded.toFixed(2)} from the basic fund after a deductible of ${deductible.toFixed(2)}, ` +
        `but the resident (${groups}) is entitled to have it waived (linkage-2018 §二(二)1); the waived payment is ${waived.toFixed(2)}.`,
    };
  } else if (!entitledToWaiver && recorded.equals(waived)) {
    message = {
      zh:
        `住院报销 ${claim.claimId}（${claim.admittedAt} 入院，合规费用 ${claim.compliantCost.toFixed(2)} 元）按免除起付标准 ${deductible.toFixed(2)} 元由基本医保基金支付 ${recorded.toFixed(2)} 元，` +
        `但该参保人（${groupsZh}）不属于免除起付标准的人群（linkage-2018 §二(二)1）；扣除起付标准后应付 ${withDeductible.toFixed(2)} 元。`,
      en:
        `inpatient claim ${claim.claimId} (admitted ${claim.admittedAt}, compliant ${claim.compliantCost.toFixed(2)}) paid ${recorded.toFixed(2)} from the basic fund as if the deductible of ${deductible.toFixed(2)} were waived, ` +
        `but the resident (${groups}) is not in a group entitled to the waiver (linkage-2018 §二(二)1); the payment with the deductible is ${withDeductible.toFixed(2)}.`,
    };
  }
  if (message === null) return;
  context.raise({
    fundId: claim.fundId,
    residentId: claim.residentId,
    claimId: claim.claimId,
    message,
    evidence: [claim.position, resident.latestEnrollment(claim.year)?.position],
    withdrawnByReversalOf: `claim:${claim.claimId}`,
  });
}
