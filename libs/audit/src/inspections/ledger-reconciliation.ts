import { emptyBookFigures, FUND_IDS, type FundId, type Money, STANDARD_LINES, ZERO } from '@ledger/domain';
import type { Position } from '@ledger/event-store';
import { type FundBooks, type FundFiguresAudited, balanceOfFigures } from '../fold/fund-books';
import { lastDayOfMonth } from '../fold/fund-series';
import type { LiveFundFigures, LiveProjection } from '../live-projection';
import { type Bilingual, defineRule, fundZh, joinProblems, type RaisedFinding, type ReportContext } from '../rule';

/**
 * ledger-reconciliation — SPEC.md: auditors "replay the whole event history, independently of the
 * live read models"; opinions-2017 §二: each fund answers for its balance, so the figures the
 * bureaus read must be the history's.
 *
 * For every fund, the auditor's own books as of the cut-off date (every line of the chart of
 * accounts' standard categories, and the balance) are compared with the live projection's figures as of the
 * same date, over the same events (the projection's checkpoint; see Auditor for a stale one). Any
 * difference, or projection entries whose debits and credits do not balance, is one finding per
 * fund. Evidence: the events of the first month in which the two disagree.
 */
export const ledgerReconciliation = defineRule({
  id: 'ledger-reconciliation',
  title: { zh: '重算余额与实时读模型不一致，或读模型借贷不平', en: 'Recomputed balances differ from the live read model, or its entries do not balance' },
  basis: 'SPEC.md (auditors replay independently of the live read models); opinions-2017 §二 (each fund answers for its balance)',
  atEnd: (context) => {
    // No comparable read model: the report's `reconciliation` says why.
    if (!context.reconciliation) return;
    const found = reconcileFunds(context.reconciliation.books, context.reconciliation.live, context.asOf, context.months);
    for (const f of found) context.raise(f);
  },
});

type Line = { label: string; labelZh: string; audited: Money; live: Money };

function lines(audited: FundFiguresAudited, live: LiveFundFigures): Line[] {
  // Every line of the standard statement (the chart of accounts' categories, their "of which"
  // lines and totals), then the balance.
  return [
    ...STANDARD_LINES.filter((line) => line.level > 1).map((line) => ({ label: `${line.en} (${line.zh})`, labelZh: line.zh, audited: line.amount(audited), live: line.amount(live) })),
    { label: 'balance', labelZh: '余额', audited: balanceOfFigures(audited), live: live.balance },
  ];
}

function differingLines(audited: FundFiguresAudited, live: LiveFundFigures): Line[] {
  return lines(audited, live).filter((line) => !line.audited.equals(line.live));
}

function reconcileFunds(books: FundBooks, live: LiveProjection, asOf: string | null, months: readonly string[]): RaisedFinding[] {
  const findings: RaisedFinding[] = [];
  for (const fundId of FUND_IDS) {
    const audited = books.figuresThrough(fundId, asOf);
    const figures = asOf === null ? live.ledger.current(fundId) : live.ledger.asOf(fundId, asOf);
    const differences = differingLines(audited, figures);
    const unbalanced = !figures.imbalance.isZero();
    if (differences.length === 0 && !unbalanced) continue;
    const parts: Bilingual[] = [];
    if (differences.length) {
      parts.push({
        zh: `实时读模型与重放的历史不一致：${differences.map((line) => `${line.labelZh} 读模型 ${line.live.toFixed(2)} 元，重放 ${line.audited.toFixed(2)} 元`).join('；')}`,
        en: `the live read model differs from the replayed history: ${differences
          .map((line) => `${line.label} ${line.live.toFixed(2)} in the read model vs ${line.audited.toFixed(2)} replayed`)
          .join('; ')}`,
      });
    }
    if (unbalanced) {
      const imbalance = figures.imbalance.toFixed(2);
      parts.push({ zh: `读模型借贷不平（借方 − 贷方 = ${imbalance}）`, en: `the read model's entries do not balance (debits − credits = ${imbalance})` });
    }
    const { month, evidence } = firstDisagreement(books, live, fundId, asOf, months);
    const all = joinProblems(parts);
    findings.push({
      fundId,
      message: {
        zh: `${fundZh(fundId)}截至 ${asOf ?? '最后一个事件'}：${all.zh}。${month ? `最早不一致的月份为 ${month}。` : ''}应从历史重建读模型，并查明被改动之处。`,
        en: `fund ${fundId} as of ${asOf ?? 'the last event'}: ${all.en}.${month ? ` The first month that disagrees is ${month}.` : ''} Rebuild the read model from the history and find what changed it.`,
      },
      evidence,
    });
  }
  return findings;
}

/** The first month whose movements (or balance) differ between the books and the read model. */
function firstDisagreement(
  books: FundBooks,
  live: LiveProjection,
  fundId: FundId,
  asOf: string | null,
  months: readonly string[],
): { month: string | null; evidence: Position[] } {
  if (months.length === 0) return { month: null, evidence: [] };
  const lastDay = lastDayOfMonth(months[months.length - 1]);
  const to = asOf !== null && asOf < lastDay ? asOf : lastDay;
  const rows = live.ledger.statement(fundId, `${months[0]}-01`, to);
  const audited = books.monthsOf(fundId, asOf);
  if (rows.length && !rows[0].opening.equals(ZERO)) return { month: `before ${months[0]}`, evidence: [] };
  for (const row of rows) {
    const mine = audited.get(row.month);
    const differs = differingLines(mine?.figures ?? emptyBookFigures(), row.figures).length > 0 || !row.figures.imbalance.isZero();
    if (differs) return { month: row.month, evidence: mine?.positions ?? [] };
  }
  return { month: null, evidence: [] };
}
