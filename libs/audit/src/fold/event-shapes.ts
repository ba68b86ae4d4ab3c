import {
  CARE_TYPES,
  CATEGORIES,
  DomainEvent,
  FUND_TRANSFER_KINDS,
  isBusinessDate,
  isFundId,
  isMoneyText,
  SCHEMES,
  SETTLEMENTS,
  SUBSIDY_LEVELS,
  SUBSIDY_PURPOSES,
} from '@ledger/domain';
import { INSTITUTION_LEVELS } from '@ledger/policy';

/**
 * The auditor does not trust stored data to have the shape its type promises: a row edited by
 * hand, or an event written by a faulty tool, must become a finding, not a crash. These checks
 * cover every field the auditor's own fold reads.
 */
type FieldKind =
  | 'string'
  | 'string?'
  | 'date'
  | 'date?'
  | 'money'
  | 'year'
  | 'boolean'
  | 'fund'
  | 'fund?'
  | 'object'
  | 'array'
  | { oneOf: readonly unknown[] };

const SHAPES: Record<DomainEvent['type'], Record<string, FieldKind>> = {
  ResidentEnrolled: {
    enrollmentId: 'string',
    residentId: 'string',
    year: 'year',
    birthDate: 'date',
    category: { oneOf: CATEGORIES },
    hukou: 'object',
    residenceDistrict: 'string',
    hardship: 'array',
    parents: 'array',
    enrolledAt: 'date',
    fundId: 'fund',
    contributionExempt: 'boolean',
    contributionDue: 'money',
    benefitStart: 'date?',
  },
  ContributionPaid: {
    receiptNo: 'string',
    residentId: 'string',
    year: 'year',
    amount: 'money',
    paidAt: 'date',
    fundId: 'fund',
    benefitStart: 'date?',
  },
  SubsidyGranted: {
    subsidyId: 'string',
    level: { oneOf: SUBSIDY_LEVELS },
    purpose: { oneOf: SUBSIDY_PURPOSES },
    year: 'year',
    amount: 'money',
    grantedAt: 'date',
    fundId: 'fund',
    residentId: 'string?',
    benefitStart: 'date?',
  },
  SchemeChanged: { changeId: 'string', residentId: 'string', to: { oneOf: SCHEMES }, effectiveAt: 'date' },
  ClaimSettled: {
    claimId: 'string',
    residentId: 'string',
    fundId: 'fund',
    careType: { oneOf: CARE_TYPES },
    institution: 'object',
    admittedAt: 'date',
    dischargedAt: 'date',
    totalCost: 'money',
    compliantCost: 'money',
    settlement: { oneOf: SETTLEMENTS },
    filedAt: 'date',
    basicFundPayment: 'money',
    criticalIllnessPayment: 'money',
    assistancePayment: 'money',
  },
  InsurerDecisionRecorded: { claimId: 'string', residentId: 'string', receivedAt: 'date', decidedAt: 'date', covered: 'boolean' },
  InsurerPaymentRecorded: { claimId: 'string', residentId: 'string', paidAt: 'date', amount: 'money' },
  ContributionReversed: { receiptNo: 'string', residentId: 'string', year: 'year', amount: 'money', fundId: 'fund', reversedAt: 'date' },
  ClaimReversed: { claimId: 'string', residentId: 'string', fundId: 'fund', careType: { oneOf: CARE_TYPES }, basicFundPayment: 'money', reversedAt: 'date' },
  LookbackAssistanceGranted: { applicationId: 'string', residentId: 'string', fundId: 'fund', appliedAt: 'date', claimIds: 'array', base: 'money', amount: 'money' },
  InterestReceived: { movementId: 'string', fundId: 'fund', amount: 'money', occurredAt: 'date', reference: 'string?' },
  CriticalIllnessPremiumPaid: { movementId: 'string', fundId: 'fund', amount: 'money', occurredAt: 'date', year: 'year', reference: 'string?' },
  RecoveryReceived: { movementId: 'string', fundId: 'fund', amount: 'money', occurredAt: 'date', claimId: 'string?', residentId: 'string?', reference: 'string?' },
  OtherIncomeReceived: { movementId: 'string', fundId: 'fund', amount: 'money', occurredAt: 'date', reason: 'string', reference: 'string?' },
  OtherExpenditurePaid: { movementId: 'string', fundId: 'fund', amount: 'money', occurredAt: 'date', reason: 'string', reference: 'string?' },
  FundTransferred: {
    transferId: 'string',
    kind: { oneOf: FUND_TRANSFER_KINDS },
    fromFundId: 'fund',
    toFundId: 'fund',
    amount: 'money',
    occurredAt: 'date',
    reference: 'string?',
  },
  PeriodClosed: { year: 'year', closedAt: 'date', funds: 'array', throughPosition: 'string?', eventsCounted: 'year', digest: 'string' },
  BankBalanceConfirmed: { confirmationId: 'string', fundId: 'fund', date: 'date', bankBalance: 'money', ledgerBalance: 'money', difference: 'money' },
};

/**
 * isBusinessDate, remembered: a history holds a few thousand distinct dates and millions of
 * events, and the calendar check is the costly part of reading them.
 */
const knownDates = new Map<string, boolean>();
const KNOWN_DATES_LIMIT = 100_000;

export function isCalendarDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  let valid = knownDates.get(value);
  if (valid === undefined) {
    valid = isBusinessDate(value);
    if (knownDates.size < KNOWN_DATES_LIMIT) knownDates.set(value, valid);
  }
  return valid;
}

/** One string per distinct date, fund or code, however many events repeat it (memory, not meaning). */
const interned = new Map<string, string>();
export function intern<T extends string>(value: T): T {
  const known = interned.get(value);
  if (known !== undefined) return known as T;
  if (interned.size < KNOWN_DATES_LIMIT) interned.set(value, value);
  return value;
}

const FIELD_LISTS = Object.fromEntries(Object.entries(SHAPES).map(([type, fields]) => [type, Object.entries(fields)])) as Record<
  DomainEvent['type'],
  Array<[string, FieldKind]>
>;

/** fits() of each kind as an expression over a variable (Set.has and includes agree: both SameValueZero). */
const FIT_EXPRESSIONS: Record<Exclude<FieldKind, { oneOf: readonly unknown[] }>, (v: string) => string> = {
  string: (v) => `typeof ${v} === 'string' && ${v}.length > 0`,
  'string?': (v) => `${v} === null || ${v} === undefined || (typeof ${v} === 'string' && ${v}.length > 0)`,
  date: (v) => `isCalendarDate(${v})`,
  'date?': (v) => `${v} === null || ${v} === undefined || isCalendarDate(${v})`,
  money: (v) => `isMoneyText(${v})`,
  year: (v) => `Number.isInteger(${v})`,
  boolean: (v) => `typeof ${v} === 'boolean'`,
  fund: (v) => `isFundId(${v})`,
  'fund?': (v) => `${v} === null || ${v} === undefined || isFundId(${v})`,
  object: (v) => `${v} !== null && typeof ${v} === 'object' && !Array.isArray(${v})`,
  array: (v) => `Array.isArray(${v})`,
};

/**
 * Per type, whether every field fits its kind: the same tests as fits(), written out as one
 * function per type (property names fixed, kinds decided once) so that the sound event — nearly
 * every one — costs a few loads and compares; fits() then names the fields of one that is not.
 */
const FIELDS_FIT = Object.fromEntries(Object.entries(FIELD_LISTS).map(([type, fields]) => [type, compiledFit(fields)])) as Record<
  DomainEvent['type'],
  (record: Record<string, unknown>) => boolean
>;

function compiledFit(fields: ReadonlyArray<[string, FieldKind]>): (record: Record<string, unknown>) => boolean {
  const sets: Array<ReadonlySet<unknown>> = [];
  const tests = fields.map(([field, kind], index) => {
    const v = `v${index}`;
    const load = `const ${v} = r[${JSON.stringify(field)}];`;
    if (typeof kind === 'object') {
      sets.push(new Set(kind.oneOf));
      return `${load} if (!sets[${sets.length - 1}].has(${v})) return false;`;
    }
    return `${load} if (!(${FIT_EXPRESSIONS[kind](v)})) return false;`;
  });
  const body = `return function fit(r) { ${tests.join(' ')} return true; };`;
  return new Function('sets', 'isCalendarDate', 'isMoneyText', 'isFundId', body)(sets, isCalendarDate, isMoneyText, isFundId) as (record: Record<string, unknown>) => boolean;
}

function fits(value: unknown, kind: FieldKind): boolean {
  if (typeof kind === 'object') return kind.oneOf.includes(value);
  switch (kind) {
    case 'string':
      return typeof value === 'string' && value.length > 0;
    case 'string?':
      return value === null || value === undefined || (typeof value === 'string' && value.length > 0);
    case 'date':
      return isCalendarDate(value);
    case 'date?':
      return value === null || value === undefined || isCalendarDate(value);
    case 'money':
      return isMoneyText(value);
    case 'year':
      return Number.isInteger(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'fund':
      return isFundId(value);
    case 'fund?':
      return value === null || value === undefined || isFundId(value);
    case 'object':
      return value !== null && typeof value === 'object' && !Array.isArray(value);
    case 'array':
      return Array.isArray(value);
  }
}

/** The fields of `data` that do not have the shape the auditor needs ([] when it is sound). */
export function malformedFields(type: DomainEvent['type'], data: unknown): string[] {
  if (data === null || typeof data !== 'object') return ['data'];
  const record = data as Record<string, unknown>;
  const bad: string[] = FIELDS_FIT[type](record) ? [] : FIELD_LISTS[type].filter(([field, kind]) => !fits(record[field], kind)).map(([field]) => field);
  if (type === 'ClaimSettled' && !bad.includes('institution')) {
    const institution = record.institution as Record<string, unknown>;
    if (!(INSTITUTION_LEVELS as readonly unknown[]).includes(institution.level)) bad.push('institution.level');
    if (typeof institution.designated !== 'boolean') bad.push('institution.designated');
  }
  if (type === 'LookbackAssistanceGranted' && !bad.includes('claimIds') && !(record.claimIds as unknown[]).every((id) => typeof id === 'string')) {
    bad.push('claimIds');
  }
  if (type === 'PeriodClosed' && !bad.includes('funds')) {
    const sound = (row: unknown) =>
      row !== null && typeof row === 'object' && isFundId((row as Record<string, unknown>).fundId) &&
      ['openingBalance', 'income', 'outflow', 'closingBalance'].every((key) => isMoneyText((row as Record<string, unknown>)[key]));
    if (!(record.funds as unknown[]).every(sound)) bad.push('funds');
  }
  if (type === 'ResidentEnrolled' && !bad.includes('hukou')) {
    const hukou = record.hukou as Record<string, unknown>;
    if (typeof hukou.local !== 'boolean') bad.push('hukou.local');
  }
  return bad;
}
