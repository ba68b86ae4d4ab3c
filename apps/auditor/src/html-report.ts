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
  /**
   * Served by the ledger: each evidence position links to this address followed by the position
   * (the ledger's console event route, which signs in and shows the event). Omitted, no links.
   */
  eventLinkBase?: string;
  /** What each evidence position holds (the CLI reads it back from the store), shown beside it. */
  evidence?: ReadonlyMap<string, EvidenceEvent>;
}

export interface EvidenceEvent {
  type: string;
  stream: string;
  occurredAt: string | null;
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
    monthsCharts: report.funds.map((fund) => ({ label: `${FUND_LABELS[fund.fundId]} (${fund.fundId})`, svg: monthsOfPaymentChartSvg(fund, lang) })),
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
          evidence: f.evidence.map((position) => {
            const held = options.evidence?.get(String(position));
            return { position: String(position), href: options.eventLinkBase === undefined ? null : `${options.eventLinkBase}${position}`, what: held ? ` (${held.type}, ${held.stream}, ${held.occurredAt ?? '?'})` : '' };
          }),
        })),
    })),
    notEvaluated: report.summary.notEvaluated,
  };
  return eta.renderString(INSPECTION_TEMPLATE, view);
}

const CHART = { width: 560, height: 220, left: 96, right: 16, top: 16, bottom: 44 };
/** At most this many month labels on the x axis: every month up to it, else every k-th. */
const MAX_MONTH_LABELS = 12;
const Y_TICKS = 5;

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** A step of 1, 2 or 5 × 10^k that splits the span into about Y_TICKS parts, so labels are round and never crowd. */
function niceStep(span: Decimal): Decimal {
  const raw = span.div(Y_TICKS);
  const power = new Decimal(10).pow(Math.floor(Math.log10(raw.toNumber())));
  for (const factor of [1, 2, 5, 10]) if (power.times(factor).greaterThanOrEqualTo(raw)) return power.times(factor);
  return power.times(10);
}

interface ChartPoint {
  label: string;
  value: Decimal | null;
  tooltip: string;
}

/**
 * A line over the report's months, drawn server-side as inline SVG: y ticks at round steps that
 * include zero (one label each, so none overlap), a month label every month or every k-th when
 * there are many, a dashed zero line. Coordinates are computed with decimal.js and written with
 * one decimal, so the markup is byte-stable. Months without a value (null) break the line.
 */
function lineChartSvg(points: readonly ChartPoint[], title: string, empty: string, decimals: number): string {
  const { width, height, left, right, top, bottom } = CHART;
  const plotWidth = new Decimal(width - left - right);
  const plotHeight = new Decimal(height - top - bottom);
  const open = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeXml(title)}">`;
  const values = points.map((p) => p.value).filter((v): v is Decimal => v !== null);
  if (values.length === 0) return `${open}<text x="${left}" y="${top + 20}" font-size="12">${escapeXml(empty)}</text></svg>`;
  let low = Decimal.min(...values, new Decimal(0));
  let high = Decimal.max(...values, new Decimal(0));
  if (low.equals(high)) high = high.plus(1);
  const step = niceStep(high.minus(low));
  low = low.div(step).floor().times(step);
  high = high.div(step).ceil().times(step);
  const span = high.minus(low);
  const y = (value: Decimal) => new Decimal(top).plus(high.minus(value).div(span).times(plotHeight));
  const xStep = points.length > 1 ? plotWidth.div(points.length - 1) : new Decimal(0);
  const x = (index: number) => new Decimal(left).plus(points.length > 1 ? xStep.times(index) : plotWidth.div(2));
  const fmt = (d: Decimal) => d.toFixed(1);
  const text = (content: string, xPos: string, yPos: string, anchor: string) =>
    `<text x="${xPos}" y="${yPos}" font-size="11" text-anchor="${anchor}">${escapeXml(content)}</text>`;

  const ticks: string[] = [];
  for (let value = low; value.lessThanOrEqualTo(high); value = value.plus(step)) {
    const yPos = fmt(y(value));
    ticks.push(`<line x1="${left}" y1="${yPos}" x2="${width - right}" y2="${yPos}" stroke="${value.isZero() ? '#888' : '#e4e4e4'}"${value.isZero() ? ' stroke-dasharray="4 3"' : ''}/>`);
    ticks.push(text(value.toFixed(decimals), String(left - 6), fmt(y(value).plus(4)), 'end'));
  }
  const every = Math.ceil(points.length / MAX_MONTH_LABELS);
  const months: string[] = [];
  points.forEach((p, index) => {
    if (index % every !== 0 && index !== points.length - 1) return;
    if (index === points.length - 1 && index % every !== 0 && (index % every) * 2 < every) return; // too close to the last labelled month
    const xPos = fmt(x(index));
    months.push(`<line x1="${xPos}" y1="${height - bottom}" x2="${xPos}" y2="${height - bottom + 4}" stroke="#888"/>`);
    months.push(`<text x="${xPos}" y="${height - bottom + 8}" font-size="10" text-anchor="end" transform="rotate(-45 ${xPos} ${height - bottom + 8})">${escapeXml(p.label)}</text>`);
  });
  const segments: string[] = [];
  let current: string[] = [];
  points.forEach((p, index) => {
    if (p.value === null) {
      if (current.length) segments.push(current.join(' '));
      current = [];
    } else current.push(`${fmt(x(index))},${fmt(y(p.value))}`);
  });
  if (current.length) segments.push(current.join(' '));
  const markers = points
    .map((p, index) =>
      p.value === null
        ? ''
        : `<circle cx="${fmt(x(index))}" cy="${fmt(y(p.value))}" r="2" fill="${p.value.isNegative() ? '#b00020' : '#1565c0'}"><title>${escapeXml(p.tooltip)}</title></circle>`,
    )
    .join('');
  return [
    open,
    `<title>${escapeXml(title)}</title>`,
    `<rect x="${left}" y="${top}" width="${fmt(plotWidth)}" height="${fmt(plotHeight)}" fill="#fafafa" stroke="#ccc"/>`,
    ...ticks,
    ...months,
    ...segments.map((line) => `<polyline points="${line}" fill="none" stroke="#1565c0" stroke-width="1.5"/>`),
    markers,
    '</svg>',
  ].join('');
}

/** The fund's month-end balances. */
export function balanceChartSvg(fund: Pick<FundReportJson, 'fundId' | 'monthEndBalances'>, lang: ReportLanguage = 'zh'): string {
  const t = REPORT_LABELS[lang];
  const points = fund.monthEndBalances.map((m) => ({ label: m.month, value: new Decimal(m.balance), tooltip: `${m.month}: ${m.balance}` }));
  return lineChartSvg(points, t.balanceChartTitle(fund.fundId), t.noMovements, 2);
}

/** The months of outflow each month end's balance could pay (可支付月数); months with no outflow to divide by are gaps. */
export function monthsOfPaymentChartSvg(fund: Pick<FundReportJson, 'fundId' | 'monthEndBalances'>, lang: ReportLanguage = 'zh'): string {
  const t = REPORT_LABELS[lang];
  const points = fund.monthEndBalances.map((m) => ({
    label: m.month,
    value: m.monthsOfPayment === null ? null : new Decimal(m.monthsOfPayment),
    tooltip: `${m.month}: ${m.monthsOfPayment ?? '—'}`,
  }));
  return lineChartSvg(points, t.monthsChartTitle(fund.fundId), t.noMovements, 1);
}
