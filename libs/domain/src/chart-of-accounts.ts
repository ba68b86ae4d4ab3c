import { CARE_TYPES, SUBSIDY_LEVELS, type CareType, type SubsidyLevel } from '@ledger/policy';
import { formatMoney, type Money, ZERO } from './money';

/**
 * The chart of accounts of a resident medical insurance fund, in the standard categories of social
 * insurance fund accounts (社会保险基金财务制度: 基金收入 / 基金支出 / 本期收支结余 / 期末滚存结余).
 * Defined once: the postings (postings.ts), the read model's figures, the statement and the
 * auditor's independent books all name their lines from here. Only *which event goes where* is
 * written twice (postings.ts for the ledger, the auditor's own fold), so the auditor still checks
 * the ledger's posting rules rather than repeating them.
 *
 * Every posting debits one account and credits another of the same fund; `bank` is the fund's
 * dedicated account (财政专户, 社会保险法 art. 68), the asset whose balance the bank confirms.
 */
export type IncomeAccount =
  | 'income:contributions'
  | `income:subsidies:${SubsidyLevel}`
  | `income:hardship-aid:${SubsidyLevel}`
  | 'income:interest'
  | 'income:transfers'
  | 'income:recoveries'
  | 'income:other';

export type OutflowAccount =
  | `outflow:claims:${CareType}`
  | 'outflow:critical-illness-premium'
  | 'outflow:transfers'
  | 'outflow:other';

export type Account = 'bank' | IncomeAccount | OutflowAccount;

export const INCOME_ACCOUNTS: readonly IncomeAccount[] = [
  'income:contributions',
  ...SUBSIDY_LEVELS.map((level): IncomeAccount => `income:subsidies:${level}`),
  ...SUBSIDY_LEVELS.map((level): IncomeAccount => `income:hardship-aid:${level}`),
  'income:interest',
  'income:transfers',
  'income:recoveries',
  'income:other',
];

export const OUTFLOW_ACCOUNTS: readonly OutflowAccount[] = [
  ...CARE_TYPES.map((careType): OutflowAccount => `outflow:claims:${careType}`),
  'outflow:critical-illness-premium',
  'outflow:transfers',
  'outflow:other',
];

export const ACCOUNTS: readonly Account[] = ['bank', ...INCOME_ACCOUNTS, ...OUTFLOW_ACCOUNTS];

export function isAccount(value: unknown): value is Account {
  return typeof value === 'string' && (ACCOUNTS as readonly string[]).includes(value);
}

/**
 * A fund's figures in the standard categories, each in its natural direction (income as credited,
 * outflow as debited; a reversal lowers its category). `subsidies` is 财政补贴收入 by level *with*
 * the hardship contribution aid of that level; `hardshipAid` is the "of which" (其中: 资助参保) line,
 * never added to the total a second time.
 */
export interface FundBookFigures {
  contributions: Money;
  subsidies: Record<SubsidyLevel, Money>;
  hardshipAid: Record<SubsidyLevel, Money>;
  interest: Money;
  transfersIn: Money;
  recoveries: Money;
  otherIncome: Money;
  claims: Record<CareType, Money>;
  criticalIllnessPremium: Money;
  transfersOut: Money;
  otherExpense: Money;
}

const byLevel = (): Record<SubsidyLevel, Money> => ({ central: ZERO, provincial: ZERO, municipal: ZERO, district: ZERO });
const byCareType = (): Record<CareType, Money> => ({ outpatient: ZERO, 'chronic-outpatient': ZERO, inpatient: ZERO });

export function emptyBookFigures(): FundBookFigures {
  return {
    contributions: ZERO,
    subsidies: byLevel(),
    hardshipAid: byLevel(),
    interest: ZERO,
    transfersIn: ZERO,
    recoveries: ZERO,
    otherIncome: ZERO,
    claims: byCareType(),
    criticalIllnessPremium: ZERO,
    transfersOut: ZERO,
    otherExpense: ZERO,
  };
}

export function copyBookFigures(figures: FundBookFigures): FundBookFigures {
  return { ...figures, subsidies: { ...figures.subsidies }, hardshipAid: { ...figures.hardshipAid }, claims: { ...figures.claims } };
}

/**
 * Adds `amount` (in the account's natural direction) to the category the account belongs to.
 * Mutates `figures`: callers sum many accounts into one fresh object.
 */
export function addToBookFigures(figures: FundBookFigures, account: IncomeAccount | OutflowAccount, amount: Money): void {
  switch (account) {
    case 'income:contributions':
      figures.contributions = figures.contributions.plus(amount);
      return;
    case 'income:interest':
      figures.interest = figures.interest.plus(amount);
      return;
    case 'income:transfers':
      figures.transfersIn = figures.transfersIn.plus(amount);
      return;
    case 'income:recoveries':
      figures.recoveries = figures.recoveries.plus(amount);
      return;
    case 'income:other':
      figures.otherIncome = figures.otherIncome.plus(amount);
      return;
    case 'outflow:critical-illness-premium':
      figures.criticalIllnessPremium = figures.criticalIllnessPremium.plus(amount);
      return;
    case 'outflow:transfers':
      figures.transfersOut = figures.transfersOut.plus(amount);
      return;
    case 'outflow:other':
      figures.otherExpense = figures.otherExpense.plus(amount);
      return;
  }
  if (account.startsWith('income:subsidies:')) {
    const level = account.slice('income:subsidies:'.length) as SubsidyLevel;
    figures.subsidies[level] = figures.subsidies[level].plus(amount);
  } else if (account.startsWith('income:hardship-aid:')) {
    const level = account.slice('income:hardship-aid:'.length) as SubsidyLevel;
    figures.subsidies[level] = figures.subsidies[level].plus(amount);
    figures.hardshipAid[level] = figures.hardshipAid[level].plus(amount);
  } else if (account.startsWith('outflow:claims:')) {
    const careType = account.slice('outflow:claims:'.length) as CareType;
    figures.claims[careType] = figures.claims[careType].plus(amount);
  }
}

/** a + sign × b, category by category. */
export function combineBookFigures(a: FundBookFigures, b: FundBookFigures, sign: 1 | -1 = 1): FundBookFigures {
  const f = (x: Money, y: Money) => (sign === 1 ? x.plus(y) : x.minus(y));
  const levels = (x: Record<SubsidyLevel, Money>, y: Record<SubsidyLevel, Money>) =>
    Object.fromEntries(SUBSIDY_LEVELS.map((level) => [level, f(x[level], y[level])])) as Record<SubsidyLevel, Money>;
  return {
    contributions: f(a.contributions, b.contributions),
    subsidies: levels(a.subsidies, b.subsidies),
    hardshipAid: levels(a.hardshipAid, b.hardshipAid),
    interest: f(a.interest, b.interest),
    transfersIn: f(a.transfersIn, b.transfersIn),
    recoveries: f(a.recoveries, b.recoveries),
    otherIncome: f(a.otherIncome, b.otherIncome),
    claims: Object.fromEntries(CARE_TYPES.map((careType) => [careType, f(a.claims[careType], b.claims[careType])])) as Record<CareType, Money>,
    criticalIllnessPremium: f(a.criticalIllnessPremium, b.criticalIllnessPremium),
    transfersOut: f(a.transfersOut, b.transfersOut),
    otherExpense: f(a.otherExpense, b.otherExpense),
  };
}

/** 财政补贴收入: every level, hardship aid included once. */
export function subsidyIncomeOf(figures: FundBookFigures): Money {
  return SUBSIDY_LEVELS.reduce((total, level) => total.plus(figures.subsidies[level]), ZERO);
}

/** 其他收入: recoveries and other income. */
export function otherIncomeTotalOf(figures: FundBookFigures): Money {
  return figures.recoveries.plus(figures.otherIncome);
}

/** 待遇支出: basic fund payments of every care type. */
export function benefitOutflowOf(figures: FundBookFigures): Money {
  return CARE_TYPES.reduce((total, careType) => total.plus(figures.claims[careType]), ZERO);
}

/** 基金收入合计. */
export function totalIncomeOf(figures: FundBookFigures): Money {
  return figures.contributions
    .plus(subsidyIncomeOf(figures))
    .plus(figures.interest)
    .plus(figures.transfersIn)
    .plus(otherIncomeTotalOf(figures));
}

/** 基金支出合计. */
export function totalOutflowOf(figures: FundBookFigures): Money {
  return benefitOutflowOf(figures).plus(figures.criticalIllnessPremium).plus(figures.transfersOut).plus(figures.otherExpense);
}

/** 本期收支结余. */
export function surplusOf(figures: FundBookFigures): Money {
  return totalIncomeOf(figures).minus(totalOutflowOf(figures));
}

/**
 * What 可支付月数 divides by: the fund's own spending on insurance — 待遇支出 and the
 * 大病保险支出 it buys for its insured — but not transfers (moving money between funds says
 * nothing about how long a fund can pay) nor other expenditure (one-off).
 */
export function paymentOutflowOf(figures: FundBookFigures): Money {
  return benefitOutflowOf(figures).plus(figures.criticalIllnessPremium);
}

/**
 * The statement's lines in the standard order, each with its Chinese and English name. `level`
 * 1 is a category, 2 a line within it, 3 an "of which" line (never summed into the category again).
 */
export interface StandardLine {
  code: string;
  level: 1 | 2 | 3;
  zh: string;
  en: string;
  amount: (figures: FundBookFigures) => Money;
}

const LEVEL_ZH: Record<SubsidyLevel, string> = { central: '中央', provincial: '省级', municipal: '市级', district: '区级' };
const CARE_ZH: Record<CareType, string> = { outpatient: '普通门诊', 'chronic-outpatient': '门诊重症（慢性病）', inpatient: '住院' };

export const STANDARD_LINES: readonly StandardLine[] = [
  { code: 'income', level: 1, zh: '一、基金收入', en: 'Income', amount: totalIncomeOf },
  { code: 'income.contributions', level: 2, zh: '个人缴费收入', en: 'Individual contributions', amount: (f) => f.contributions },
  { code: 'income.subsidies', level: 2, zh: '财政补贴收入', en: 'Fiscal subsidies', amount: subsidyIncomeOf },
  ...SUBSIDY_LEVELS.map((level): StandardLine => ({
    code: `income.subsidies.${level}`,
    level: 3,
    zh: `${LEVEL_ZH[level]}财政补贴`,
    en: `${level} subsidies (hardship aid included)`,
    amount: (f) => f.subsidies[level],
  })),
  ...SUBSIDY_LEVELS.map((level): StandardLine => ({
    code: `income.hardshipContributionAid.${level}`,
    level: 3,
    zh: `其中：${LEVEL_ZH[level]}资助参保`,
    en: `of which ${level} hardship contribution aid`,
    amount: (f) => f.hardshipAid[level],
  })),
  { code: 'income.interest', level: 2, zh: '利息收入', en: 'Interest', amount: (f) => f.interest },
  { code: 'income.transfersIn', level: 2, zh: '转移收入', en: 'Transfers in', amount: (f) => f.transfersIn },
  { code: 'income.otherTotal', level: 2, zh: '其他收入', en: 'Other income', amount: otherIncomeTotalOf },
  { code: 'income.recoveries', level: 3, zh: '其中：追回资金', en: 'of which recoveries', amount: (f) => f.recoveries },
  { code: 'income.other', level: 3, zh: '其中：其他', en: 'of which other', amount: (f) => f.otherIncome },
  { code: 'outflow', level: 1, zh: '二、基金支出', en: 'Expenditure', amount: totalOutflowOf },
  { code: 'outflow.claims', level: 2, zh: '待遇支出', en: 'Benefits (basic fund)', amount: benefitOutflowOf },
  ...CARE_TYPES.map((careType): StandardLine => ({
    code: `outflow.claims.${careType}`,
    level: 3,
    zh: `其中：${CARE_ZH[careType]}`,
    en: `of which ${careType}`,
    amount: (f) => f.claims[careType],
  })),
  { code: 'outflow.criticalIllnessPremium', level: 2, zh: '大病保险支出', en: 'Critical-illness insurance premium', amount: (f) => f.criticalIllnessPremium },
  { code: 'outflow.transfersOut', level: 2, zh: '转移支出', en: 'Transfers out', amount: (f) => f.transfersOut },
  { code: 'outflow.other', level: 2, zh: '其他支出', en: 'Other expenditure', amount: (f) => f.otherExpense },
  { code: 'surplus', level: 1, zh: '三、本期收支结余', en: 'Surplus of the period', amount: surplusOf },
];

/** The API's `income` object: the first round's fields, and the books' categories beside them. */
export function incomeJson(figures: FundBookFigures) {
  return {
    contributions: formatMoney(figures.contributions),
    subsidies: Object.fromEntries(SUBSIDY_LEVELS.map((level) => [level, formatMoney(figures.subsidies[level])])),
    hardshipContributionAid: Object.fromEntries(SUBSIDY_LEVELS.map((level) => [level, formatMoney(figures.hardshipAid[level])])),
    interest: formatMoney(figures.interest),
    transfersIn: formatMoney(figures.transfersIn),
    recoveries: formatMoney(figures.recoveries),
    other: formatMoney(figures.otherIncome),
    total: formatMoney(totalIncomeOf(figures)),
  };
}

/** The API's `outflow` object. */
export function outflowJson(figures: FundBookFigures) {
  return {
    claims: Object.fromEntries(CARE_TYPES.map((careType) => [careType, formatMoney(figures.claims[careType])])),
    criticalIllnessPremium: formatMoney(figures.criticalIllnessPremium),
    transfersOut: formatMoney(figures.transfersOut),
    other: formatMoney(figures.otherExpense),
    total: formatMoney(totalOutflowOf(figures)),
  };
}
