/**
 * The six separately managed funds and the district codes that map onto them
 * (opinions-2017 §二: the five new-city districts manage their own fund; everything else is 市本级).
 */
export const FUND_IDS = ['municipal', 'caidian', 'jiangxia', 'dongxihu', 'huangpi', 'xinzhou'] as const;
export type FundId = (typeof FUND_IDS)[number];

const NEW_CITY_DISTRICTS: readonly FundId[] = ['caidian', 'jiangxia', 'dongxihu', 'huangpi', 'xinzhou'];

/** Central districts and function zones, all attributed to the municipal fund. */
export const MUNICIPAL_DISTRICTS = [
  'jiangan', 'jianghan', 'qiaokou', 'hanyang', 'wuchang', 'qingshan', 'hongshan',
  'hannan', 'donghu-hightech', 'wuhan-econ', 'donghu-scenic',
] as const;

export const DISTRICT_CODES: readonly string[] = [...NEW_CITY_DISTRICTS, ...MUNICIPAL_DISTRICTS];

/**
 * Where a claim's institution may be: a Wuhan district, or outside the city. Care out of town is
 * one of the cases the texts name (异地就医: cash advance, opinions-2017 §十(四)), so it has a code
 * of its own; any other code is a 400 (SPEC "District codes accepted in input").
 */
export const OUT_OF_TOWN = 'out-of-town';
export const INSTITUTION_DISTRICT_CODES: readonly string[] = [...DISTRICT_CODES, OUT_OF_TOWN];

const FUND_OF_DISTRICT: ReadonlyMap<string, FundId> = new Map<string, FundId>([
  ...NEW_CITY_DISTRICTS.map((district): [string, FundId] => [district, district]),
  ...MUNICIPAL_DISTRICTS.map((district): [string, FundId] => [district, 'municipal']),
]);

export function isFundId(value: unknown): value is FundId {
  return typeof value === 'string' && (FUND_IDS as readonly string[]).includes(value);
}

export function isDistrictCode(value: unknown): value is string {
  return typeof value === 'string' && FUND_OF_DISTRICT.has(value);
}

export function fundOfDistrict(district: string): FundId {
  const fund = FUND_OF_DISTRICT.get(district);
  if (!fund) throw new RangeError(`unknown district code: ${district}`);
  return fund;
}

export interface Hukou {
  local: boolean;
  district?: string;
}

export interface AttributionFacts {
  hukou: Hukou;
  residenceDistrict: string;
}

/**
 * 基金归属 (opinions-2017 §四): local hukou → the hukou district's fund, otherwise the residence
 * district's fund. A newborn follows the first-named parent (the caller passes that parent's facts).
 */
export function attributedFund(facts: AttributionFacts): FundId {
  if (facts.hukou.local) {
    if (!facts.hukou.district) throw new RangeError('local hukou needs a hukou district');
    return fundOfDistrict(facts.hukou.district);
  }
  return fundOfDistrict(facts.residenceDistrict);
}

/**
 * 可支付月数 (months of payment) = balance ÷ the average monthly basic-fund outflow over this many
 * months, ending with the day (the API) or the month (the auditor's month ends) judged. A
 * definition of the measure, kept in one place for the read model and the auditor alike; the
 * threshold it is compared with is the policy parameter fund.months-of-payment-warning.
 */
export const TRAILING_MONTHS_OF_OUTFLOW = 12;

/** The funds' names as statements print them. */
export const FUND_NAMES: Readonly<Record<FundId, { zh: string; en: string }>> = {
  municipal: { zh: '市本级', en: 'Municipal' },
  caidian: { zh: '蔡甸区', en: 'Caidian' },
  jiangxia: { zh: '江夏区', en: 'Jiangxia' },
  dongxihu: { zh: '东西湖区', en: 'Dongxihu' },
  huangpi: { zh: '黄陂区', en: 'Huangpi' },
  xinzhou: { zh: '新洲区', en: 'Xinzhou' },
};
