import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { CARE_TYPES, FUND_IDS, FUND_MOVEMENT_KINDS, FUND_TRANSFER_KINDS, SUBSIDY_LEVELS } from '@ledger/domain';

/**
 * The success answers of every route, by operation id (`<Controller>_<method>`). The answers are
 * built from read models and events, not from classes, so their schemas are written here; the
 * OpenAPI test fails for a route whose answer is not described (add it here).
 */
type Schema = SchemaObject;

const money: Schema = { type: 'string', pattern: '^-?\\d+\\.\\d{2}$', example: '380.00', description: 'yuan, two decimals' };
const date: Schema = { type: 'string', format: 'date', example: '2025-06-30' };
const nullableDate: Schema = { ...date, nullable: true };
const text: Schema = { type: 'string' };
const integer: Schema = { type: 'integer' };
const fundId: Schema = { type: 'string', enum: [...FUND_IDS] };
const position: Schema = { oneOf: [{ type: 'integer' }, { type: 'string' }], description: 'a position in the event log' };

/** An object whose listed properties are all present (`optional` ones may be absent). */
function object(properties: Record<string, Schema>, optional: string[] = []): Schema {
  return { type: 'object', properties, required: Object.keys(properties).filter((key) => !optional.includes(key)), additionalProperties: true };
}
const keyed = (keys: readonly string[], value: Schema): Schema => object(Object.fromEntries(keys.map((key) => [key, value])));
const list = (items: Schema): Schema => ({ type: 'array', items });

const income = object({
  contributions: money,
  subsidies: { ...keyed(SUBSIDY_LEVELS, money), description: '财政补贴收入 by level, hardship contribution aid included' },
  hardshipContributionAid: { ...keyed(SUBSIDY_LEVELS, money), description: 'of which 资助参保 (hardship contribution aid), by level' },
  interest: money,
  transfersIn: money,
  recoveries: money,
  other: money,
  total: money,
});
const outflow = object({ claims: keyed(CARE_TYPES, money), criticalIllnessPremium: money, transfersOut: money, other: money, total: money });

const fundRow = object({ fundId, balance: money, income: money, outflow: money });
const instant: Schema = { type: 'string', format: 'date-time', nullable: true, description: 'only events recorded by this instant counted (knownAt); null: all' };
const monthsStatus: Schema = { type: 'string', enum: ['shortage', 'warning', 'normal', 'excess'], nullable: true, description: 'months of payment against the policy thresholds fund.months-of-payment-*' };
const fund = object({
  fundId,
  asOf: nullableDate,
  knownAt: instant,
  monthsOfPaymentStatus: monthsStatus,
  balance: money,
  income,
  outflow,
  monthsOfPayment: { type: 'string', nullable: true, example: '7.4', description: 'months of average monthly outflow the balance pays; null when nothing was paid out' },
});
const statement = {
  ...object({
    fundId,
    fundName: text,
    from: date,
    to: date,
    knownAt: instant,
    openingBalance: money,
    closingBalance: money,
    monthsOfPayment: { type: 'string', nullable: true },
    monthsOfPaymentStatus: monthsStatus,
    thresholds: { ...object({ shortage: text, warning: text, excess: text, parameters: list(text) }), nullable: true },
    lines: list(object({ code: text, level: integer, zh: text, en: text, months: list(text), total: text })),
    months: list(
      object({
        month: { type: 'string', example: '2025-06' }, openingBalance: money, income, outflow, surplus: money, closingBalance: money,
        monthsOfPayment: { type: 'string', nullable: true }, monthsOfPaymentStatus: monthsStatus,
      }),
    ),
  }),
  description: 'JSON by default; format=csv gives text/csv (UTF-8 with BOM) and format=xlsx an Excel workbook, both with the same lines',
};
const resident = object({
  residentId: text,
  birthDate: date,
  hukou: object({ local: { type: 'boolean' }, district: text }, ['district']),
  residenceDistrict: text,
  hardship: list(text),
  enrollments: list(
    object({
      year: integer, enrollmentId: text, category: text, fundId, enrolledAt: date, universityStudent: { type: 'boolean' },
      contributionExempt: { type: 'boolean' }, contributionDue: money, contributionPaid: money, benefitStart: nullableDate,
    }),
  ),
  schemeHistory: list(object({ scheme: { type: 'string', enum: ['employee', 'resident'] }, from: date, to: nullableDate })),
  yearToDate: list(object({ year: integer, compliantCost: money, basicFundPaid: money, personalBurdenInScope: money, criticalIllnessPaid: money, assistancePaid: money })),
  claims: list(
    object({
      claimId: text, year: integer, fundId, careType: text, basicFundPayment: money, criticalIllnessPayment: money,
      assistancePayment: money, personalPayment: money, reversed: { type: 'boolean' },
    }),
  ),
  assistanceGrants: list(
    object({
      applicationId: text, year: integer, fundId, appliedAt: date, window: object({ from: date, through: date }), claims: list(text),
      base: money, ratio: text, amount: money,
    }),
  ),
});
const split = { basicFundPayment: money, criticalIllnessPayment: money, assistancePayment: money, personalPayment: money };
const quote = object({
  residentId: text, fundId, year: integer, ...split, paymentsSource: text,
  basis: object({
    deductible: money, deductibleWaived: { type: 'boolean' }, basicRatio: text, criticalIllnessSchedule: { type: 'object', nullable: true },
    assistanceGroup: { type: 'string', nullable: true }, assistanceRatio: text,
  }),
});
const inspection = object({
  asOf: nullableDate,
  cutOffPosition: { ...position, nullable: true },
  lastPositionRead: { ...position, nullable: true },
  eventsRead: integer,
  eventsReplayed: integer,
  digest: text,
  policyVersion: text,
  policyDigest: text,
  reconciliation: text,
  projectionCheckpoint: { ...position, nullable: true },
  logDigest: text,
  funds: list(
    object({
      fundId, income: money, outflow: money, balance: money, findings: integer,
      monthEndBalances: list(object({ month: text, balance: money, monthsOfPayment: { type: 'string', nullable: true } })),
    }),
  ),
  summary: object({ findings: integer, byRule: { type: 'object', additionalProperties: integer }, byFund: { type: 'object', additionalProperties: integer }, withoutFund: integer, notEvaluated: list(object({ rule: text, reason: text, count: integer })) }),
  findings: list(object({ rule: text, fundId: { ...fundId, nullable: true }, residentId: text, claimId: text, message: text, evidence: list(position) }, ['residentId', 'claimId'])),
});

const periodClose = object({
  year: integer,
  closedAt: date,
  funds: list(object({ fundId, openingBalance: money, income: money, outflow: money, closingBalance: money })),
  throughPosition: { type: 'string', nullable: true, description: 'the last position of the history the figures and digest cover' },
  eventsCounted: integer,
  digest: { type: 'string', description: 'sha256 hex over eventId + "\\n" + hash + "\\n" of every event through throughPosition, in position order' },
});

const bankConfirmation = object({ confirmationId: text, fundId, date, ledgerBalance: money, bankBalance: money, difference: money });

export const SUCCESS_SCHEMAS: Record<string, Schema> = {
  PeriodsController_close: periodClose,
  PeriodsController_periods: list(object({ ...(periodClose.properties as Record<string, Schema>), recordedAt: text, position })),
  PeriodsController_confirm: bankConfirmation,
  PeriodsController_bankConfirmations: list(object({ ...(bankConfirmation.properties as Record<string, Schema>), recordedAt: text, recordedBy: text, position })),
  QueriesController_health: object({ status: { type: 'string', enum: ['ok'] } }),
  QueriesController_funds: list(fundRow),
  QueriesController_fund: fund,
  QueriesController_statement: statement,
  QueriesController_resident: resident,
  QueriesController_quote: quote,
  AuditsController_run: inspection,
  CommandsController_enroll: object({ residentId: text, year: integer, fundId, benefitStart: nullableDate, contributionExempt: { type: 'boolean' } }),
  CommandsController_contribute: object({ receiptNo: text, fundId, benefitStart: nullableDate }),
  CommandsController_subsidise: object({ subsidyId: text, fundId: { ...fundId, nullable: true }, residentId: { type: 'string', nullable: true }, benefitStart: nullableDate }, ['residentId', 'benefitStart']),
  CommandsController_changeScheme: object({ changeId: text, residentId: text, from: text, to: text, effectiveAt: date }),
  CommandsController_claim: object({ claimId: text, fundId, ...split }),
  CommandsController_insurerDecision: object({ claimId: text }, []),
  CommandsController_insurerPayment: object({ claimId: text }, []),
  CommandsController_reverseClaim: object({ claimId: text }, []),
  CommandsController_reverseContribution: object({ receiptNo: text }, []),
  CommandsController_recordFundMovement: object(
    {
      movementId: text, fundId, kind: { type: 'string', enum: [...FUND_MOVEMENT_KINDS] }, amount: money, occurredAt: date,
      reference: { type: 'string', nullable: true }, year: integer, claimId: { type: 'string', nullable: true },
      residentId: { type: 'string', nullable: true }, reason: { type: 'string', nullable: true },
    },
    ['year', 'claimId', 'residentId', 'reason'],
  ),
  CommandsController_recordFundTransfer: object({
    transferId: text, kind: { type: 'string', enum: [...FUND_TRANSFER_KINDS] }, fromFundId: fundId, toFundId: fundId, amount: money, occurredAt: date,
    reference: { type: 'string', nullable: true },
  }),
  CommandsController_applyForAssistance: object({
    applicationId: text, residentId: text, fundId, amount: money, base: money, claims: list(text), ratio: text, window: object({ from: date, through: date }),
  }),
};

/** One error shape for every refusal (API.md). */
export const PROBLEM_SCHEMA: Schema = object(
  {
    type: { type: 'string', enum: ['about:blank'], description: 'the status and its title say what kind of problem it is (RFC 9457)' },
    title: { type: 'string', example: 'Bad Request', description: 'the HTTP reason phrase of the status' },
    status: { type: 'integer', example: 400 },
    detail: { type: 'string', description: 'what was wrong, in words a person can act on' },
    message: { type: 'string', description: 'the same text as detail, for clients written against the first error shape' },
    problems: { ...list(object({ field: text, reason: text })), description: 'for 400: every field at fault (the body itself is the field `body`)' },
  },
  ['problems'],
);

/** Answers in another media type besides JSON, by operation id. */
export const OTHER_CONTENT: Record<string, Record<string, { schema: Schema }>> = {
  AuditsController_run: { 'text/html': { schema: { type: 'string', description: 'with Accept: text/html, the HTML report the CLI writes' } } },
};

/**
 * Answers described by method and OpenAPI path, for routes whose handler name is not known here
 * yet (written before the route landed); an operation id above wins.
 */
export const SUCCESS_SCHEMAS_BY_ROUTE: Record<string, Schema> = {
  'GET /v1/events/{position}': {
    type: 'object',
    description: 'the stored event at that position: what the evidence lists of an inspection point at',
    properties: {
      position,
      type: { type: 'string', example: 'ClaimSettled' },
      stream: text,
      revision: integer,
      occurredAt: date,
      recordedAt: { type: 'string', format: 'date-time' },
      recordedBy: object({ subject: text, role: text }),
      data: { type: 'object', additionalProperties: true },
      hash: text,
    },
    required: ['type'],
    additionalProperties: true,
  },
};

