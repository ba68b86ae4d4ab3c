import type { Folded } from '../fold/audit-fold';
import { sha256HexOf } from '../digest';
import { FirstSeenIndex, KeyForm } from '../integrity/first-seen';
import { fixedText } from '../fold/fen';
import { defineRule, type RuleContext } from '../rule';

/**
 * duplicate-settlement — 重复结算, 医疗保障基金使用监督管理条例 (国务院令第735号, 2021) art. 15
 * (不得重复收费、重复结算) and art. 38: the same care settled twice.
 *
 * Definition: a claim (under another claim id) of the same resident at the same institution with the
 * same admission and discharge dates and the same total and compliant costs as a claim settled
 * before it in the history. Each later copy is one finding, withdrawn if it is reversed; the claim
 * it repeats is in the evidence.
 *
 * Memory: one entry per claim of the history, so the identity of a claim is kept as the first 16
 * bytes of a sha256 of those facts, as the four words of a UUID, in the compact first-seen table
 * (integrity/first-seen.ts) rather than as a string in a Map.
 */
export const duplicateSettlement = defineRule({
  id: 'duplicate-settlement',
  title: { zh: '重复结算：同一参保人同一机构同日期同费用的报销结算两次', en: 'Duplicate settlement: two claims of one resident at one institution with the same dates and costs' },
  basis: '医疗保障基金使用监督管理条例 (国务院令第735号, 2021) art. 15 (不得重复结算), art. 38',
  onEvent: inspectSettlement,
});

function inspectSettlement(folded: Folded, context: RuleContext): void {
  if (folded.type !== 'ClaimSettled') return;
  const { claim, resident } = folded;
  // The costs as toFixed(2) writes them, from the fen (no Decimal is made for a claim that repeats nothing).
  const total = fixedText(folded.data.totalCost, claim.fen.totalCost);
  const compliant = fixedText(folded.data.compliantCost, claim.fen.compliantCost);
  const facts = [claim.residentId, claim.institution.id, claim.admittedAt, claim.dischargedAt, total, compliant].join('\n');
  const first = context.state(() => new FirstSeenIndex()).firstOrAddWords(KeyForm.Uuid, uuidWords(facts), claim.position);
  if (first === undefined) return;
  const original = [...context.fold.claims.of(resident)].map((index) => context.fold.claims.record(index)).find((record) => record.position === first);
  const originalId = original?.claimId ?? `(position ${first})`;
  const what = `${claim.institution.id}, ${claim.admittedAt} – ${claim.dischargedAt}, ${claim.totalCost.toFixed(2)} / ${claim.compliantCost.toFixed(2)}`;
  context.raise({
    fundId: claim.fundId,
    residentId: claim.residentId,
    claimId: claim.claimId,
    message: {
      zh: `参保人 ${claim.residentId} 的报销 ${claim.claimId} 与此前已结算的报销 ${originalId} 机构、入出院日期和费用完全相同（${claim.institution.id}，${claim.admittedAt} 至 ${claim.dischargedAt}，总费用 ${claim.totalCost.toFixed(2)} 元，合规费用 ${claim.compliantCost.toFixed(2)} 元），疑似重复结算；基本医保基金本次支付 ${claim.basicFundPayment.toFixed(2)} 元（医疗保障基金使用监督管理条例第十五条、第三十八条）。`,
      en: `claim ${claim.claimId} of resident ${claim.residentId} repeats claim ${originalId} settled before it — same institution, dates and costs (${what}, total / compliant) — a possible duplicate settlement; the basic fund paid ${claim.basicFundPayment.toFixed(2)} on it (条例 art. 15, 38).`,
    },
    evidence: [first, claim.position],
    withdrawnByReversalOf: `claim:${claim.claimId}`,
  });
}

/**
 * The first 128 bits of the facts' sha256 as the first-seen table holds a UUID (four big-endian
 * words): the words packing the UUID text of those 32 hex digits would give, without the text.
 */
function uuidWords(text: string): Uint32Array {
  const hex = sha256HexOf(text);
  for (let i = 0; i < 4; i += 1) FACT_WORDS[i] = parseInt(hex.slice(8 * i, 8 * i + 8), 16);
  return FACT_WORDS;
}

const FACT_WORDS = new Uint32Array(4);
