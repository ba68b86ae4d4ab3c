import { FUND_IDS, type FundId, type Money, ZERO } from '@ledger/domain';
import type { Position } from '@ledger/event-store';
import type { Policy } from '@ledger/policy';
import { balanceOfFigures, type FundBooks } from '../fold/fund-books';
import { type MonthEnd, monthsOfPaymentText } from '../fold/fund-series';
import { defineRule, fundZh, type RaisedFinding, type ReportContext } from '../rule';

/**
 * fund-deficit — opinions-2017 §二: each district "负责基金的收支平衡、平稳运行"; SPEC.md: district
 * managers watch how many months of outflow the balance can pay (可支付月数).
 *
 * - Negative balance: the fund's balance at the end of a business day (every money fact dated on
 *   or before it, as the finance bureau reads a balance "as of" a date) below 0.00. 0.00 is fine,
 *   −0.01 is a finding. One finding per run of negative days, with the claims paid on the day it
 *   went negative as evidence.
 * - Months of payment: at each complete month end with a non-negative balance, balance ÷ the
 *   average monthly outflow of the trailing months (fold/fund-series.ts) under the policy
 *   parameter fund.months-of-payment-warning (in force at that month end). Months with no outflow
 *   in the window are skipped (nothing to divide by); a negative month end is left to the check
 *   above. One finding per run of consecutive months under the threshold.
 */
export const fundDeficit = defineRule({
  id: 'fund-deficit',
  title: { zh: '基金余额为负或可支付月数低于预警线', en: 'Fund balance negative, or months of payment under the warning threshold' },
  basis: 'opinions-2017 §二 (各区负责基金的收支平衡); policy parameter fund.months-of-payment-warning',
  atEnd: inspectFunds,
});

/** Each fund and each check on its own: one that cannot be judged does not hide the others. */
function inspectFunds(context: ReportContext): void {
  for (const fundId of FUND_IDS) {
    const checks = [
      () => inspectNegativeBalances(context.fold.books, fundId, context.asOf),
      () => inspectMonthsOfPayment(context.policy, fundId, context.monthEnds.get(fundId) ?? []),
    ];
    for (const check of checks) {
      let found: RaisedFinding[];
      try {
        found = check();
      } catch (error) {
        context.couldNotJudge(error);
        continue;
      }
      for (const f of found) context.raise(f);
    }
  }
}

function inspectNegativeBalances(books: FundBooks, fundId: FundId, asOf: string | null): RaisedFinding[] {
  const findings: RaisedFinding[] = [];
  let balance: Money = ZERO;
  let episode: { start: string; lowest: Money; lowestOn: string; evidence: Position[]; startBalance: Money } | null = null;
  const close = (endedOn: string | null) => {
    if (!episode) return;
    const until = endedOn ? `until ${endedOn}, when it was back at or above 0.00` : 'through the end of the audited period';
    const untilZh = endedOn ? `直至 ${endedOn} 恢复到 0.00 以上` : '直至检查期末';
    findings.push({
      fundId,
      message: {
        zh: `${fundZh(fundId)}余额于 ${episode.start} 日终跌破零（${episode.startBalance.toFixed(2)} 元），${untilZh}一直为负；最低为 ${episode.lowestOn} 的 ${episode.lowest.toFixed(2)} 元。各区应负责基金收支平衡（opinions-2017 §二）。`,
        en: `fund ${fundId}'s balance fell below zero on ${episode.start} (${episode.startBalance.toFixed(2)} at the end of the day) and stayed negative ${until}; the lowest was ${episode.lowest.toFixed(2)} on ${episode.lowestOn}. The fund must balance its income and outflow (opinions-2017 §二).`,
      },
      evidence: episode.evidence,
    });
    episode = null;
  };
  for (const day of books.daysOf(fundId, asOf)) {
    balance = balance.plus(balanceOfFigures(day.figures));
    if (balance.isNegative()) {
      if (!episode) {
        episode = {
          start: day.date,
          startBalance: balance,
          lowest: balance,
          lowestOn: day.date,
          evidence: day.outflowPositions.length ? [...day.outflowPositions] : [...day.positions],
        };
      } else if (balance.lessThan(episode.lowest)) {
        episode.lowest = balance;
        episode.lowestOn = day.date;
      }
    } else if (episode) {
      close(day.date);
    }
  }
  close(null);
  return findings;
}

function inspectMonthsOfPayment(policy: Policy, fundId: FundId, series: readonly MonthEnd[]): RaisedFinding[] {
  const findings: RaisedFinding[] = [];
  let run: { first: MonthEnd; last: MonthEnd; lowest: MonthEnd; threshold: Money } | null = null;
  const close = () => {
    if (!run) return;
    const span = run.first.month === run.last.month ? `at the end of ${run.first.month}` : `from ${run.first.month} to ${run.last.month}`;
    const spanZh = run.first.month === run.last.month ? `${run.first.month} 月末` : `${run.first.month} 至 ${run.last.month} 各月末`;
    const lowest = run.lowest;
    findings.push({
      fundId,
      message: {
        zh: `${fundZh(fundId)}${spanZh}可支付月数低于 ${run.threshold.toString()} 个月：最低为 ${lowest.month} 月末的 ${monthsOfPaymentText(lowest.monthsOfPayment!)} 个月（余额 ${lowest.balance.toFixed(2)} 元，前几个月支出 ${lowest.trailingOutflow.toFixed(2)} 元）；预警线 fund.months-of-payment-warning（opinions-2017 §二 收支平衡）。`,
        en: `fund ${fundId} could pay fewer than ${run.threshold.toString()} months of outflow ${span}: the lowest was ${monthsOfPaymentText(lowest.monthsOfPayment!)} months at the end of ${lowest.month} (balance ${lowest.balance.toFixed(2)}, outflow of the trailing months ${lowest.trailingOutflow.toFixed(2)}); warning threshold fund.months-of-payment-warning (opinions-2017 §二 收支平衡).`,
      },
      evidence: run.first.positions,
    });
    run = null;
  };
  for (const monthEnd of series) {
    if (!monthEnd.complete || monthEnd.monthsOfPayment === null || monthEnd.balance.isNegative()) {
      close();
      continue;
    }
    const threshold = policy.monthsOfPaymentWarning(monthEnd.through);
    if (monthEnd.monthsOfPayment.lessThan(threshold)) {
      if (!run) run = { first: monthEnd, last: monthEnd, lowest: monthEnd, threshold };
      run.last = monthEnd;
      if (monthEnd.monthsOfPayment.lessThan(run.lowest.monthsOfPayment!)) run.lowest = monthEnd;
    } else {
      close();
    }
  }
  close();
  return findings;
}

