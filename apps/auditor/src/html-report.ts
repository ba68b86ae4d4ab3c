import Decimal from 'decimal.js';
import { Eta } from 'eta';
import type { FundId } from '@ledger/domain';
import { type FundReportJson, type InspectionReport, RULE_IDS, RULES } from '@ledger/audit';
import { INSPECTION_TEMPLATE } from './templates/inspection.eta';
import { type ReportLanguage, REPORT_LABELS } from './templates/labels';

export { REPORT_LANGUAGES, type ReportLanguage } from './templates/labels';

export interface HtmlReportOptions {
  /** The page's language (findings, titles, labels): Chinese unless asked otherwise. */
  lang?: ReportLanguage;
  /** Served by the ledger: each evidence position links to GET /v1/events/:position. */
  eventLinks?: boolean;
}

/** The funds' names as the bureaus write them (opinions-2017 §二). */
const FUND_LABELS: Record<FundId, string> = {
  municipal: '市本级',
  caidian: '蔡甸区',
  jiangxia: '江夏区',
  dongxihu: '东西湖区',
  huangpi: '黄陂区',
  xinzhou: '新洲区',
};

const eta = new Eta({ autoEscape: true, autoTrim: false, cache: false });

/** Same report → same bytes: the page is a function of the report JSON only. */
export function renderInspectionHtml(report: InspectionReport, options: HtmlReportOptions = {}): string {
  const lang = options.lang ?? 'zh';
  const t = REPORT_LABELS[lang];
  const sum = (pick: (fund: FundReportJson) => string) => report.funds.reduce((total, fund) => total.plus(pick(fund)), new Decimal(0)).toFixed(2);
  const view = {
    t,
    htmlLang: t.htmlLang,
    title: t.title(report.asOf),
    asOf: report.asOf ?? t.noDateCutOff,
    cutOffPosition: report.cutOffPosition ?? t.noPositionCutOff,
    eventsRead: report.eventsRead,
    eventsReplayed: report.eventsReplayed,
    digest: report.digest,
    policyVersion: report.policyVersion,
    policyDigest: report.policyDigest,
    reconciliation: report.reconciliation,
    logDigest: report.logDigest,
    totalFindings: report.summary.findings,
    withoutFund: report.summary.withoutFund,
    funds: report.funds.map((fund) => ({ ...fund, label: FUND_LABELS[fund.fundId] })),
    totals: {
      income: sum((f) => f.income),
      outflow: sum((f) => f.outflow),
      balance: sum((f) => f.balance),
      findings: report.summary.findings,
    },
    charts: report.funds.map((fund) => ({ label: `${FUND_LABELS[fund.fundId]} (${fund.fundId})`, svg: balanceChartSvg(fund, lang) })),
    rules: RULE_IDS.map((id) => ({
      id,
      title: RULES[id].title[lang],
      basis: RULES[id].basis,
      count: report.summary.byRule[id],
      findings: report.findings
        .filter((f) => f.rule === id)
        .map((f) => ({
          subject: [
            f.fundId ? `${FUND_LABELS[f.fundId as FundId] ?? f.fundId} (${f.fundId})` : t.noFund,
            f.residentId ? t.resident(f.residentId) : null,
            f.claimId ? t.claim(f.claimId) : null,
          ]
            .filter(Boolean)
            .join(' · '),
          message: lang === 'zh' ? f.messageZh : f.message,
          evidence: f.evidence.map((position) => ({ position: String(position), href: options.eventLinks ? `/v1/events/${position}` : null })),
        })),
    })),
    notEvaluated: report.summary.notEvaluated,
  };
  return eta.renderString(INSPECTION_TEMPLATE, view);
}

const CHART = { width: 560, height: 200, left: 96, right: 16, top: 16, bottom: 36 };

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/**
 * A line of the fund's month-end balances, drawn server-side as inline SVG. Coordinates are
 * computed with decimal.js and written with one decimal, so the markup is byte-stable.
 */
export function balanceChartSvg(fund: Pick<FundReportJson, 'fundId' | 'monthEndBalances'>, lang: ReportLanguage = 'zh'): string {
  const t = REPORT_LABELS[lang];
  const points = fund.monthEndBalances;
  const { width, height, left, right, top, bottom } = CHART;
  const plotWidth = new Decimal(width - left - right);
  const plotHeight = new Decimal(height - top - bottom);
  const title = t.balanceChartTitle(fund.fundId);
  const open = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeXml(title)}">`;
  if (points.length === 0) {
    return `${open}<text x="${left}" y="${top + 20}" font-size="12">${escapeXml(t.noMovements)}</text></svg>`;
  }
  const values = points.map((p) => new Decimal(p.balance));
  let low = Decimal.min(...values, new Decimal(0));
  let high = Decimal.max(...values, new Decimal(0));
  if (low.equals(high)) {
    low = low.minus(1);
    high = high.plus(1);
  }
  const span = high.minus(low);
  const y = (value: Decimal) => new Decimal(top).plus(high.minus(value).div(span).times(plotHeight));
  const step = points.length > 1 ? plotWidth.div(points.length - 1) : new Decimal(0);
  const x = (index: number) => new Decimal(left).plus(points.length > 1 ? step.times(index) : plotWidth.div(2));
  const fmt = (d: Decimal) => d.toFixed(1);
  const line = points.map((_, index) => `${fmt(x(index))},${fmt(y(values[index]))}`).join(' ');
  const zeroY = fmt(y(new Decimal(0)));
  const markers = points
    .map((p, index) => {
      const negative = values[index].isNegative();
      return `<circle cx="${fmt(x(index))}" cy="${fmt(y(values[index]))}" r="2" fill="${negative ? '#b00020' : '#1565c0'}"><title>${escapeXml(`${p.month}: ${p.balance}`)}</title></circle>`;
    })
    .join('');
  const label = (text: string, xPos: string, yPos: string, anchor: string) =>
    `<text x="${xPos}" y="${yPos}" font-size="11" text-anchor="${anchor}">${escapeXml(text)}</text>`;
  const bottomY = String(height - bottom + 16);
  return [
    open,
    `<title>${escapeXml(title)}</title>`,
    `<rect x="${left}" y="${top}" width="${fmt(plotWidth)}" height="${fmt(plotHeight)}" fill="#fafafa" stroke="#ccc"/>`,
    `<line x1="${left}" y1="${zeroY}" x2="${width - right}" y2="${zeroY}" stroke="#888" stroke-dasharray="4 3"/>`,
    label(high.toFixed(2), String(left - 6), fmt(new Decimal(top).plus(4)), 'end'),
    label(low.toFixed(2), String(left - 6), fmt(new Decimal(height - bottom)), 'end'),
    low.isZero() || high.isZero() ? '' : label('0.00', String(left - 6), fmt(new Decimal(zeroY).plus(4)), 'end'),
    label(points[0].month, String(left), bottomY, 'start'),
    label(points[points.length - 1].month, String(width - right), bottomY, 'end'),
    `<polyline points="${line}" fill="none" stroke="#1565c0" stroke-width="1.5"/>`,
    markers,
    '</svg>',
  ].join('');
}
