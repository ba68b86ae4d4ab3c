import {
  BusinessDate,
  FUND_NAMES,
  FundId,
  formatMoney,
  Money,
  STANDARD_LINES,
  surplusOf,
} from '@ledger/domain';
import { addDays } from '@ledger/policy';
import { FundFigures, FundLedger, incomeToJson, outflowToJson } from './fund-ledger';

/**
 * A fund's statement in the standard categories of social insurance fund accounts (the chart of
 * accounts' STANDARD_LINES), month by month, with opening and closing balances (期初 / 期末滚存结余)
 * and months of payment (可支付月数) judged against the policy's thresholds. One view feeds the
 * JSON answer and the CSV and XLSX files, so all three say the same.
 */
export interface MonthsOfPaymentThresholds {
  /** Below: the balance is short (结余不足). */
  shortage: Money;
  /** Below: warning (可支付月数预警). */
  warning: Money;
  /** Above: the fund holds too much (结余过多). */
  excess: Money;
}

export type MonthsOfPaymentStatus = 'shortage' | 'warning' | 'normal' | 'excess';

export function monthsOfPaymentStatus(months: Money | null, thresholds: MonthsOfPaymentThresholds | null): MonthsOfPaymentStatus | null {
  if (months === null || thresholds === null) return null;
  if (months.lessThan(thresholds.shortage)) return 'shortage';
  if (months.lessThan(thresholds.warning)) return 'warning';
  if (months.greaterThan(thresholds.excess)) return 'excess';
  return 'normal';
}

export const MONTHS_OF_PAYMENT_STATUS_ZH: Record<MonthsOfPaymentStatus, string> = {
  shortage: '结余不足',
  warning: '预警',
  normal: '正常',
  excess: '结余过多',
};

/** One line of the statement: a category with its amount per month and over the period. */
export interface StatementLine {
  code: string;
  level: 0 | 1 | 2 | 3;
  zh: string;
  en: string;
  months: string[];
  total: string;
}

export interface StatementView {
  fundId: FundId;
  fundName: string;
  from: BusinessDate;
  to: BusinessDate;
  knownAt: string | null;
  openingBalance: string;
  closingBalance: string;
  monthsOfPayment: string | null;
  monthsOfPaymentStatus: MonthsOfPaymentStatus | null;
  /** The thresholds in force on `to` (null: none in force then). */
  thresholds: { shortage: string; warning: string; excess: string; parameters: string[] } | null;
  /** The standard categories over the whole period, then the balances and months of payment. */
  lines: StatementLine[];
  months: Array<{
    month: string;
    openingBalance: string;
    income: ReturnType<typeof incomeToJson>;
    outflow: ReturnType<typeof outflowToJson>;
    surplus: string;
    closingBalance: string;
    monthsOfPayment: string | null;
    monthsOfPaymentStatus: MonthsOfPaymentStatus | null;
  }>;
}

/** The month's last day, worked out inside the month (so 9999-12 needs no year 10000). */
function lastDayOfMonth(month: string): BusinessDate {
  const [year, monthNumber] = month.split('-').map(Number);
  const days = new Date(Date.UTC(2000 + (year % 400), monthNumber, 0)).getUTCDate();
  return `${month}-${String(days).padStart(2, '0')}`;
}

/** Months of payment shown to one decimal, cut rather than rounded up (as the fund figures show it). */
function monthsText(months: Money | null): string | null {
  return months === null ? null : months.toDecimalPlaces(1).toFixed(1);
}

/**
 * A month's figures as the statement shows them, worked out once per figures object: the months
 * without postings share one (FundLedger.between), and a century's statement is mostly such
 * months — formatting every line of each of them again was most of its first computation.
 */
function shownOnce() {
  const shown = new Map<FundFigures, { lines: string[]; income: ReturnType<typeof incomeToJson>; outflow: ReturnType<typeof outflowToJson>; surplus: string }>();
  return (figures: FundFigures) => {
    let seen = shown.get(figures);
    if (!seen) {
      seen = {
        lines: STANDARD_LINES.map((standard) => formatMoney(standard.amount(figures))),
        income: incomeToJson(figures),
        outflow: outflowToJson(figures),
        surplus: formatMoney(surplusOf(figures)),
      };
      shown.set(figures, seen);
    }
    return seen;
  };
}

export function buildStatement(
  ledger: FundLedger,
  fundId: FundId,
  from: BusinessDate,
  to: BusinessDate,
  /** thresholdsOn answers null on a date before the thresholds are in force. */
  options: { knownAt: string | null; thresholdsOn: (date: BusinessDate) => MonthsOfPaymentThresholds | null },
): StatementView {
  const rows = ledger.statement(fundId, from, to);
  const period = ledger.between(fundId, addDays(from, -1), to);
  const opening = rows[0]?.opening ?? ledger.asOf(fundId, addDays(from, -1)).balance;
  const closing = rows[rows.length - 1]?.closing ?? ledger.asOf(fundId, to).balance;
  const months = rows.map((row) => {
    const end = lastDayOfMonth(row.month) < to ? lastDayOfMonth(row.month) : to;
    const capacity = ledger.monthsOfPayment(fundId, end);
    return { row, capacity, status: monthsOfPaymentStatus(capacity, options.thresholdsOn(end)) };
  });
  const thresholds = options.thresholdsOn(to);
  const capacity = ledger.monthsOfPayment(fundId, to);
  const line = (code: string, level: StatementLine['level'], zh: string, en: string, perMonth: string[], total: string): StatementLine => ({
    code, level, zh, en, months: perMonth, total,
  });
  const show = shownOnce();
  const lines: StatementLine[] = [
    line('openingBalance', 0, '期初滚存结余', 'Opening balance', rows.map((r) => formatMoney(r.opening)), formatMoney(opening)),
    ...STANDARD_LINES.map((standard, index) =>
      line(standard.code, standard.level, standard.zh, standard.en, rows.map((r) => show(r.figures).lines[index]), formatMoney(standard.amount(period))),
    ),
    line('closingBalance', 1, '四、期末滚存结余', 'Closing balance', rows.map((r) => formatMoney(r.closing)), formatMoney(closing)),
    line('monthsOfPayment', 0, '可支付月数', 'Months of payment', months.map((m) => monthsText(m.capacity) ?? ''), monthsText(capacity) ?? ''),
  ];
  return {
    fundId,
    fundName: FUND_NAMES[fundId].zh,
    from,
    to,
    knownAt: options.knownAt,
    openingBalance: formatMoney(opening),
    closingBalance: formatMoney(closing),
    monthsOfPayment: monthsText(capacity),
    monthsOfPaymentStatus: monthsOfPaymentStatus(capacity, thresholds),
    thresholds: thresholds && {
      shortage: thresholds.shortage.toString(),
      warning: thresholds.warning.toString(),
      excess: thresholds.excess.toString(),
      parameters: ['fund.months-of-payment-shortage', 'fund.months-of-payment-warning', 'fund.months-of-payment-excess'],
    },
    lines,
    months: months.map(({ row, capacity: monthCapacity, status }) => ({
      month: row.month,
      openingBalance: formatMoney(row.opening),
      income: show(row.figures).income,
      outflow: show(row.figures).outflow,
      surplus: show(row.figures).surplus,
      closingBalance: formatMoney(row.closing),
      monthsOfPayment: monthsText(monthCapacity),
      monthsOfPaymentStatus: status,
    })),
  };
}
