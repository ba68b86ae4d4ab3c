/**
 * The inspection report's fixed wording in each language it is written in (`npm run audit --
 * --lang zh|en`; Chinese by default: the bureaus' auditors read it). Findings carry their own
 * message in both languages (the report JSON's messageZh and message).
 */
export const REPORT_LANGUAGES = ['zh', 'en'] as const;
export type ReportLanguage = (typeof REPORT_LANGUAGES)[number];

export function isReportLanguage(value: unknown): value is ReportLanguage {
  return typeof value === 'string' && (REPORT_LANGUAGES as readonly string[]).includes(value);
}

export interface ReportLabels {
  htmlLang: string;
  title(asOf: string | null): string;
  subtitle: string;
  noDateCutOff: string;
  noPositionCutOff: string;
  scope: string;
  cutOffDate: string;
  cutOffPosition: string;
  eventsRead: string;
  eventsReplayed: string;
  digest: string;
  policy: string;
  policyVersion(version: string): string;
  liveReadModel: string;
  logDigest: string;
  findings: string;
  none: string;
  fundsAsOf(asOf: string): string;
  fund: string;
  income: string;
  outflow: string;
  balance: string;
  allFunds: string;
  withoutFund(count: number): string;
  monthEndBalances: string;
  findingsByRule: string;
  rule: string;
  finding: string;
  count: string;
  basis: string;
  evidence: string;
  notEvaluated: string;
  reason: string;
  events: string;
  noFund: string;
  resident(id: string): string;
  claim(id: string): string;
  balanceChartTitle(fundId: string): string;
  monthsChartTitle(fundId: string): string;
  monthsOfPayment: string;
  noMovements: string;
}

export const REPORT_LABELS: Readonly<Record<ReportLanguage, ReportLabels>> = {
  zh: {
    htmlLang: 'zh-CN',
    title: (asOf) => `监督检查报告（截至 ${asOf ?? '最后一个事件'}）`,
    subtitle: '武汉市城乡居民基本医疗保险基金 — 依据账本事件历史重放的监督检查（Supervision inspection replayed from the ledger’s event history）',
    noDateCutOff: '无（全部事件）',
    noPositionCutOff: '无（截至存储的最后一个事件）',
    scope: '检查范围',
    cutOffDate: '截止日期（业务日期）',
    cutOffPosition: '截止位置',
    eventsRead: '读取的事件（已做完整性检查）',
    eventsReplayed: '重放的事件',
    digest: '重放事件的摘要',
    policy: '政策参数',
    policyVersion: (version) => `版本 ${version}`,
    liveReadModel: '实时读模型',
    logDigest: '日志摘要',
    findings: '问题',
    none: '无',
    fundsAsOf: (asOf) => `各基金情况（截至 ${asOf}）`,
    fund: '基金',
    income: '收入',
    outflow: '支出',
    balance: '余额',
    allFunds: '合计',
    withoutFund: (count) => `${count} 个问题涉及事件历史本身，而非某一基金。`,
    monthEndBalances: '月末余额',
    findingsByRule: '按检查规则分列的问题',
    rule: '规则',
    finding: '检查内容',
    count: '数量',
    basis: '依据',
    evidence: '证据（事件位置）',
    notEvaluated: '未能完成的检查',
    reason: '原因',
    events: '事件数',
    noFund: '不涉及基金',
    resident: (id) => `参保人 ${id}`,
    claim: (id) => `报销 ${id}`,
    balanceChartTitle: (fundId) => `${fundId} 基金月末余额`,
    monthsChartTitle: (fundId) => `${fundId} 基金月末可支付月数`,
    monthsOfPayment: '可支付月数（月末）',
    noMovements: '检查期内无资金变动',
  },
  en: {
    htmlLang: 'en',
    title: (asOf) => `Inspection report as of ${asOf ?? 'the last event'}`,
    subtitle: '武汉市城乡居民基本医疗保险基金 — supervision inspection (监督检查) replayed from the ledger’s event history',
    noDateCutOff: 'none (every event)',
    noPositionCutOff: 'none (through the last event stored)',
    scope: 'Scope',
    cutOffDate: 'Cut-off (business date)',
    cutOffPosition: 'Cut-off (position)',
    eventsRead: 'Events read (integrity checked)',
    eventsReplayed: 'Events replayed',
    digest: 'Digest of the replayed events',
    policy: 'Policy parameters',
    policyVersion: (version) => `version ${version}`,
    liveReadModel: 'Live read model',
    logDigest: 'Log digest',
    findings: 'Findings',
    none: 'none',
    fundsAsOf: (asOf) => `Funds as of ${asOf}`,
    fund: 'Fund',
    income: 'Income',
    outflow: 'Outflow',
    balance: 'Balance',
    allFunds: 'All funds',
    withoutFund: (count) => `${count} finding(s) concern the history itself rather than one fund.`,
    monthEndBalances: 'Month-end balances',
    findingsByRule: 'Findings by rule',
    rule: 'Rule',
    finding: 'Finding',
    count: 'Count',
    basis: 'Basis',
    evidence: 'Evidence (event positions)',
    notEvaluated: 'Checks that could not be made',
    reason: 'Reason',
    events: 'Events',
    noFund: 'no fund',
    resident: (id) => `resident ${id}`,
    claim: (id) => `claim ${id}`,
    balanceChartTitle: (fundId) => `Month-end balance of fund ${fundId}`,
    monthsChartTitle: (fundId) => `Months of payment of fund ${fundId} at each month end`,
    monthsOfPayment: 'Months of payment (month ends)',
    noMovements: 'no money movements in the audited period',
  },
};
