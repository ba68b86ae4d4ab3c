import { formatMoney, FUND_IDS, isFundId, type Money, type PeriodClosedV1, yearOf } from '@ledger/domain';
import type { Position } from '@ledger/event-store';
import type { Folded } from '../fold/audit-fold';
import type { HistoryPoint } from '../fold/closes';
import { isCalendarDate } from '../fold/event-shapes';
import { balanceOfFigures, type FundBooks, incomeOfFigures, outflowOfFigures } from '../fold/fund-books';
import { type Bilingual, defineRule, fundZh, type RuleContext } from '../rule';

/**
 * closed-period — SPEC.md "The fund's books": a closed year never changes; the closing record
 * carries each fund's closing figures and a digest of the history through the close, and the
 * auditor checks both. Judges every close against the auditor's own replay (each fund's figures
 * from the auditor's books of the events before it; its digest from every event read before it),
 * and reports every fact dated in a closed year — a close seals its year and every year before
 * it — recorded after the close: such a fact is what makes a closed year's figures stop matching
 * its closing record.
 */
export const closedPeriod = defineRule({
  id: 'closed-period',
  title: {
    zh: '已结账年度在结账后仍记录了业务日期属于该年度的事项，或结账记录的期末数、摘要与历史不符',
    en: 'A fact dated in a closed year recorded after the close, or a closing record whose figures or digest do not match the history',
  },
  basis: 'SPEC.md "The fund\'s books" (period close: a closed year never changes; corrections are dated in the open period); 社会保险基金财务制度 (年度终了结账)',
  onEvent: inspectClosedPeriod,
});

function inspectClosedPeriod(folded: Folded, context: RuleContext): void {
  if (folded.type === 'PeriodClosed') {
    judgeDigest(folded.data, folded.position, folded.historyBefore, context);
    judgeFigures(folded.data, folded.position, context.fold.books, context);
    return;
  }
  const latest = context.fold.closes.latest;
  const event = context.fold.current;
  if (!latest || !event || !isCalendarDate(event.occurredAt) || yearOf(event.occurredAt) > latest.year) return;
  const data = event.data as { fundId?: unknown; fromFundId?: unknown; residentId?: unknown; claimId?: unknown };
  const year = yearOf(event.occurredAt);
  const sealed = year === latest.year ? `${year} was closed` : `${year} was sealed by the close of ${latest.year}`;
  const sealedZh = year === latest.year ? `${year} 年度结账` : `${latest.year} 年度结账封存 ${year} 年度`;
  context.raise({
    fundId: isFundId(data.fundId) ? data.fundId : isFundId(data.fromFundId) ? data.fromFundId : null,
    residentId: typeof data.residentId === 'string' ? data.residentId : null,
    claimId: typeof data.claimId === 'string' ? data.claimId : null,
    message: {
      zh: `业务日期为 ${event.occurredAt} 的 ${event.type} ${event.businessKey} 于位置 ${event.position} 记录，晚于 ${latest.closedAt} ${sealedZh}（位置 ${latest.position}）：已结账年度的账目不得再变动，其结账数已与结账记录不符；更正应记在未结账期间并指明所更正的事项。`,
      en: `${event.type} ${event.businessKey} dated ${event.occurredAt} was recorded at position ${event.position}, after ${sealed} on ${latest.closedAt} (position ${latest.position}): a closed year's books never change, so its closing figures no longer match the closing record; a correction is dated in the open period and refers to the original.`,
    },
    evidence: [latest.position, event.position],
  });
}

function judgeDigest(close: PeriodClosedV1, position: Position, point: HistoryPoint | null, context: RuleContext): void {
  if (!point) return;
  const actual = point.position === null ? null : point.position.toString();
  let problem: Bilingual | null = null;
  if (close.throughPosition !== actual) {
    problem = {
      zh: `载明历史截至位置 ${close.throughPosition ?? '无'}，但其前的事件截至 ${actual ?? '无'}`,
      en: `states the history through position ${close.throughPosition ?? 'none'}, but the events before it run through ${actual ?? 'none'}`,
    };
  } else if (close.eventsCounted !== point.count || close.digest !== point.digest) {
    problem = {
      zh: `载明 ${close.eventsCounted} 个事件、摘要 ${close.digest}，但截至位置 ${actual ?? '无'} 读取的 ${point.count} 个事件的摘要为 ${point.digest}：结账前的历史被改动过`,
      en: `states ${close.eventsCounted} events with digest ${close.digest}, but the ${point.count} events read through position ${actual ?? 'none'} digest to ${point.digest}: the history through the close was changed`,
    };
  }
  if (problem) {
    context.raise({
      fundId: null,
      message: { zh: `${close.year} 年度结账（位置 ${position}）${problem.zh}。`, en: `the close of ${close.year} (position ${position}) ${problem.en}.` },
      evidence: [position],
    });
  }
}

type Figures = Record<'openingBalance' | 'income' | 'outflow' | 'closingBalance', Money>;

function replayedFigures(books: FundBooks, fundId: (typeof FUND_IDS)[number], year: number): Figures {
  const before = books.figuresThrough(fundId, `${year - 1}-12-31`);
  const through = books.figuresThrough(fundId, `${year}-12-31`);
  return {
    openingBalance: balanceOfFigures(before),
    income: incomeOfFigures(through).minus(incomeOfFigures(before)),
    outflow: outflowOfFigures(through).minus(outflowOfFigures(before)),
    closingBalance: balanceOfFigures(through),
  };
}

function judgeFigures(close: PeriodClosedV1, position: Position, books: FundBooks, context: RuleContext): void {
  for (const fundId of FUND_IDS) {
    const recorded = close.funds.find((row) => row.fundId === fundId);
    const replayed = replayedFigures(books, fundId, close.year);
    const keys = Object.keys(replayed) as Array<keyof Figures>;
    const differing = keys.filter((key) => !recorded || recorded[key] !== formatMoney(replayed[key]));
    if (differing.length === 0) continue;
    const stated = differing.map((key) => `${key} ${recorded ? recorded[key] : 'none'}`).join(', ');
    const found = differing.map((key) => `${key} ${formatMoney(replayed[key])}`).join(', ');
    context.raise({
      fundId,
      message: {
        zh: `${close.year} 年度结账（位置 ${position}）载明${fundZh(fundId)} ${stated}；检查对其前历史的重放得出 ${found}。`,
        en: `the close of ${close.year} (position ${position}) states for ${fundId} ${stated}; the auditor's replay of the history before it gives ${found}.`,
      },
      evidence: [position],
    });
  }
}
