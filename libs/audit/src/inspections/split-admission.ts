import type { Position } from '@ledger/event-store';
import { daysBetween } from '@ledger/policy';
import type { FundId } from '@ledger/domain';
import type { Folded } from '../fold/audit-fold';
import { defineRule, type ReportContext, type RuleContext } from '../rule';

/**
 * split-admission — 分解住院, 医疗保障基金使用监督管理条例 (国务院令第735号, 2021) art. 15 (定点医药机构
 * 不得分解住院) and art. 38 (its sanction): one stay billed as two, so that each pays its own share.
 *
 * Definition: an inpatient claim (not reversed) whose admission is 0 to N days after the discharge
 * of the same resident's previous inpatient stay at the same institution (institution id), N being
 * the policy's supervision.split-admission.readmission-days in force on the readmission date. Judged
 * at the end of the replay over every stay, in admission order, so a stay recorded late is paired
 * with the one it follows whatever order they were written in, and a reversed stay pairs with
 * nothing. One finding per readmission, charged to the fund that paid it, with both claims as
 * evidence. A stay that begins before the previous one ended is not a readmission (not judged here).
 */
export const splitAdmission = defineRule({
  id: 'split-admission',
  title: { zh: '分解住院：出院后短期内在同一定点医疗机构再次住院', en: 'Split admission: inpatient readmission to the same institution shortly after discharge' },
  basis: '医疗保障基金使用监督管理条例 (国务院令第735号, 2021) art. 15 (不得分解住院), art. 38; policy supervision.split-admission.readmission-days',
  onEvent: rememberStay,
  atEnd: judgeStays,
});

interface Stay {
  claimId: string;
  fundId: FundId;
  institutionId: string;
  admittedAt: string;
  dischargedAt: string;
  position: Position;
}

/** Inpatient stays by resident: only what the pairing needs, kept as the claims are replayed. */
type Stays = Map<string, Stay[]>;

function rememberStay(folded: Folded, context: RuleContext): void {
  if (folded.type !== 'ClaimSettled' || folded.claim.careType !== 'inpatient') return;
  const { claim } = folded;
  const stays = context.state<Stays>(() => new Map());
  const stay: Stay = {
    claimId: claim.claimId,
    fundId: claim.fundId,
    institutionId: claim.institution.id,
    admittedAt: claim.admittedAt,
    dischargedAt: claim.dischargedAt,
    position: claim.position,
  };
  const list = stays.get(claim.residentId);
  if (list) list.push(stay);
  else stays.set(claim.residentId, [stay]);
}

function judgeStays(context: ReportContext): void {
  const { fold } = context;
  const reversed = (stay: Stay) => {
    const index = fold.claims.find(stay.claimId);
    return index !== undefined && fold.claims.isReversed(index);
  };
  for (const [residentId, all] of context.state<Stays>(() => new Map())) {
    if (all.length < 2) continue;
    const stays = all.filter((stay) => !reversed(stay)).sort((a, b) => (a.admittedAt < b.admittedAt ? -1 : a.admittedAt > b.admittedAt ? 1 : a.position < b.position ? -1 : 1));
    const lastAt = new Map<string, Stay>();
    for (const stay of stays) {
      const previous = lastAt.get(stay.institutionId);
      if (previous === undefined || stay.dischargedAt > previous.dischargedAt) lastAt.set(stay.institutionId, stay);
      if (previous === undefined) continue;
      let window: number;
      try {
        window = context.policy.splitAdmissionDays(stay.admittedAt);
      } catch (error) {
        context.couldNotJudge(error);
        continue;
      }
      const gap = daysBetween(previous.dischargedAt, stay.admittedAt);
      if (gap < 0 || gap > window) continue;
      context.raise({
        fundId: stay.fundId,
        residentId,
        claimId: stay.claimId,
        message: {
          zh: `参保人 ${residentId} 于 ${previous.dischargedAt} 从 ${stay.institutionId} 出院（报销 ${previous.claimId}）后第 ${gap} 日即在同一机构再次住院（报销 ${stay.claimId}，${stay.admittedAt} 入院），在 ${window} 日之内，疑似分解住院（医疗保障基金使用监督管理条例第十五条、第三十八条）。`,
          en: `resident ${residentId} was readmitted to ${stay.institutionId} on ${stay.admittedAt} (claim ${stay.claimId}), ${gap} day(s) after discharge from it on ${previous.dischargedAt} (claim ${previous.claimId}), within ${window} days: a possible split admission (条例 art. 15, 38).`,
        },
        evidence: [previous.position, stay.position],
      });
    }
  }
}
