import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import {
  FUND_IDS,
  FundId,
  formatFen,
  formatMoney,
  shanghaiDateOf,
  notFound,
  residentStream,
  type ResidentState,
  SchemePeriod,
  SettleClaim,
} from '@ledger/domain';
import { addDays } from '@ledger/policy';
import { LedgerService } from '@ledger/application';
import { type Policy, PolicyNotInForceError } from '@ledger/policy';
import {
  buildStatement,
  FundLedger,
  incomeOf,
  incomeToJson,
  monthsOfPaymentStatus,
  MonthsOfPaymentThresholds,
  outflowOf,
  outflowToJson,
  ProjectionRunner,
  StatementView,
} from '@ledger/projections';
import { deepFreeze, RevisionCache } from './revision-cache';

export class ListFundsQuery {
  /**
   * @param asOf figures of every posting dated on or before this day; undefined, every date.
   * @param knownAt only events recorded by this instant (normalised ISO); undefined, all recorded.
   */
  constructor(
    readonly asOf?: string,
    readonly knownAt?: string,
  ) {}
}

export class GetFundQuery {
  constructor(
    readonly fundId: FundId,
    readonly asOf: string | undefined,
    readonly knownAt?: string,
  ) {}
}

export class GetStatementQuery {
  constructor(
    readonly fundId: FundId,
    readonly from: string,
    readonly to: string,
    readonly knownAt?: string,
  ) {}
}

/** The read model to answer from: the live one, or the ledger as known at an instant. */
function ledgerFor(projections: ProjectionRunner, knownAt: string | undefined): Promise<FundLedger> {
  return knownAt === undefined ? Promise.resolve(projections.ledger) : projections.ledgerKnownAt(knownAt);
}

/** The policy's months-of-payment levels on a date; null before they are in force (no status then, not a 500). */
function thresholdsOn(policy: Policy, date: string): MonthsOfPaymentThresholds | null {
  try {
    return { shortage: policy.monthsOfPaymentShortage(date), warning: policy.monthsOfPaymentWarning(date), excess: policy.monthsOfPaymentExcess(date) };
  } catch (error) {
    if (error instanceof PolicyNotInForceError) return null;
    throw error;
  }
}

export class GetResidentQuery {
  constructor(readonly residentId: string) {}
}

@QueryHandler(ListFundsQuery)
export class ListFundsHandler implements IQueryHandler<ListFundsQuery> {
  constructor(private readonly projections: ProjectionRunner) {}

  async execute({ asOf, knownAt }: ListFundsQuery) {
    const ledger = await ledgerFor(this.projections, knownAt);
    return FUND_IDS.map((fundId) => {
      const figures = asOf ? ledger.asOf(fundId, asOf) : ledger.current(fundId);
      return {
        fundId,
        balance: formatMoney(figures.balance),
        income: formatMoney(incomeOf(figures)),
        outflow: formatMoney(outflowOf(figures)),
      };
    });
  }
}

export type FundView = ReturnType<typeof fundView>;

function fundView(ledger: FundLedger, policy: Policy, fundId: FundId, asOf: string | undefined, date: string, knownAt: string | undefined) {
  const figures = asOf ? ledger.asOf(fundId, asOf) : ledger.current(fundId);
  const months = ledger.monthsOfPayment(fundId, date);
  return {
    fundId,
    asOf: asOf ?? null,
    knownAt: knownAt ?? null,
    balance: formatMoney(figures.balance),
    income: incomeToJson(figures),
    outflow: outflowToJson(figures),
    monthsOfPayment: months === null ? null : months.toDecimalPlaces(1).toFixed(1),
    monthsOfPaymentStatus: monthsOfPaymentStatus(months, thresholdsOn(policy, date)),
  };
}

@QueryHandler(GetFundQuery)
export class GetFundHandler implements IQueryHandler<GetFundQuery> {
  /** By fund revision and question: the current figures on a given "today", or as of a date. */
  private readonly answers = new RevisionCache<FundView>();

  constructor(
    private readonly projections: ProjectionRunner,
    private readonly service: LedgerService,
  ) {}

  async execute({ fundId, asOf, knownAt }: GetFundQuery): Promise<FundView> {
    const date = asOf ?? shanghaiDateOf(new Date());
    if (knownAt !== undefined) {
      // Answers as known at an instant come from a ledger of their own (cached by the runner).
      return fundView(await this.projections.ledgerKnownAt(knownAt), this.service.policy, fundId, asOf, date, knownAt);
    }
    const ledger = this.projections.ledger;
    // "Today" is in the current answer's key: its months of payment look back from today.
    const key = asOf === undefined ? `current ${date}` : `as of ${asOf}`;
    const revision = ledger.revision(fundId);
    const known = this.answers.get(fundId, revision, key);
    if (known) return known;
    const view = deepFreeze(fundView(ledger, this.service.policy, fundId, asOf, date, undefined));
    this.answers.set(fundId, revision, key, view);
    return view;
  }
}

@QueryHandler(GetStatementQuery)
export class GetStatementHandler implements IQueryHandler<GetStatementQuery> {
  /** By fund revision and range, for the current books: a statement of many months is rebuilt only when the fund moved. */
  private readonly answers = new RevisionCache<StatementView>();

  constructor(
    private readonly projections: ProjectionRunner,
    private readonly service: LedgerService,
  ) {}

  async execute({ fundId, from, to, knownAt }: GetStatementQuery): Promise<StatementView> {
    const current = knownAt === undefined;
    const revision = this.projections.ledger.revision(fundId);
    const key = `${from}..${to}`;
    const known = current ? this.answers.get(fundId, revision, key) : undefined;
    if (known) return known;
    const ledger = await ledgerFor(this.projections, knownAt);
    const policy = this.service.policy;
    const view = buildStatement(ledger, fundId, from, to, { knownAt: knownAt ?? null, thresholdsOn: (date) => thresholdsOn(policy, date) });
    if (current) this.answers.set(fundId, revision, key, deepFreeze(view));
    return view;
  }
}

/**
 * Coverage periods with both ends: a change closes the old scheme the day before it takes effect
 * and opens the new one that day, so periods never overlap and leave no gap (opinions-2017 §七).
 */
function schemeHistoryOf(periods: readonly SchemePeriod[]) {
  return periods.map((period, index) => {
    const next = periods[index + 1];
    return { scheme: period.scheme, from: period.from, to: next ? addDays(next.from, -1) : null };
  });
}

export type ResidentView = ReturnType<typeof residentViewOf>;

/** A resident's history as the API shows it. */
function residentViewOf(residentId: string, state: ResidentState) {
  return {
    residentId,
    birthDate: state.birthDate,
    hukou: state.hukou,
    residenceDistrict: state.residenceDistrict,
    hardship: state.hardship,
    enrollments: [...state.years.values()]
      .sort((a, b) => a.year - b.year)
      .map((year) => ({
        year: year.year,
        enrollmentId: year.enrollmentId,
        category: year.category,
        fundId: year.fundId,
        enrolledAt: year.enrolledAt,
        universityStudent: year.category === 'university-student',
        contributionExempt: year.contributionExempt,
        contributionDue: formatFen(year.contributionDueFen),
        contributionPaid: formatFen(year.paidFen),
        benefitStart: year.benefitStart,
      })),
    schemeHistory: schemeHistoryOf(state.schemes),
    yearToDate: [...state.accumulations.values()]
      .sort((a, b) => a.year - b.year)
      .map((acc) => ({
        year: acc.year,
        compliantCost: formatFen(acc.compliantCost),
        basicFundPaid: formatFen(acc.basicFundPaid),
        personalBurdenInScope: formatFen(acc.personalBurdenInScope),
        criticalIllnessPaid: formatFen(acc.criticalIllnessPaid),
        assistancePaid: formatFen(acc.assistancePaid),
      })),
    claims: [...state.claims.values()].map((claim) => ({
      claimId: claim.claimId,
      year: claim.year,
      fundId: claim.fundId,
      careType: claim.careType,
      basicFundPayment: formatFen(claim.basicFundPaymentFen),
      criticalIllnessPayment: formatFen(claim.criticalIllnessPaymentFen),
      assistancePayment: formatFen(claim.assistancePaymentFen),
      personalPayment: formatFen(claim.personalPaymentFen),
      reversed: claim.reversed,
    })),
    // Already inside yearToDate.assistancePaid of their year; listed for what each one counted.
    assistanceGrants: state.assistanceGrants.map((grant) => ({
      applicationId: grant.applicationId,
      year: grant.year,
      fundId: grant.fundId,
      appliedAt: grant.appliedAt,
      window: grant.window,
      claims: grant.claimIds,
      base: grant.base,
      ratio: grant.ratio,
      amount: grant.amount,
    })),
  };
}

/** Resident views kept (the most recently asked for). */
export const RESIDENT_VIEWS_KEPT = 128;

@QueryHandler(GetResidentQuery)
export class GetResidentHandler implements IQueryHandler<GetResidentQuery> {
  /**
   * By resident, with the stream revision it was built at: a view is built (and, frozen, serialised
   * — http/frozen-json.ts) once until the resident's stream moves. A resident with thousands of
   * claims took tens of milliseconds of the API's one thread to build and serialise per request.
   */
  private readonly views = new Map<string, { revision: number; view: ResidentView }>();

  constructor(private readonly ledger: LedgerService) {}

  async execute({ residentId }: GetResidentQuery): Promise<ResidentView> {
    // Folded from the kept snapshot on: a write by another process is in it, at a new revision.
    const { state, revision } = await this.ledger.loadSnapshot(residentStream(residentId));
    if (revision < 0) throw notFound(`resident ${residentId} is not known to the ledger`);
    const kept = this.views.get(residentId);
    this.views.delete(residentId);
    // Frozen at the top only: the view shares parts with the kept state, which is not this handler's to freeze.
    const view = kept && kept.revision === revision ? kept.view : Object.freeze(residentViewOf(residentId, state));
    this.views.set(residentId, { revision, view });
    if (this.views.size > RESIDENT_VIEWS_KEPT) this.views.delete(this.views.keys().next().value!);
    return view;
  }
}

export class QuoteSettlementQuery {
  constructor(
    readonly claim: SettleClaim,
    readonly fundScope: FundId | null,
  ) {}
}

@QueryHandler(QuoteSettlementQuery)
export class QuoteSettlementHandler implements IQueryHandler<QuoteSettlementQuery> {
  constructor(private readonly ledger: LedgerService) {}

  async execute({ claim, fundScope }: QuoteSettlementQuery) {
    const quote = await this.ledger.quote(claim, fundScope);
    return {
      residentId: claim.residentId,
      fundId: quote.fundId,
      year: quote.year,
      basicFundPayment: formatMoney(quote.basicFundPayment),
      criticalIllnessPayment: formatMoney(quote.criticalIllnessPayment),
      assistancePayment: formatMoney(quote.assistancePayment),
      personalPayment: formatMoney(quote.personalPayment),
      paymentsSource: quote.paymentsSource,
      basis: {
        deductible: formatMoney(quote.basis.deductible),
        deductibleWaived: quote.basis.deductibleWaived,
        basicRatio: quote.basis.basicRatio.toString(),
        criticalIllnessSchedule: quote.basis.criticalIllnessSchedule,
        assistanceGroup: quote.basis.assistanceGroup,
        assistanceRatio: quote.basis.assistanceRatio.toString(),
      },
    };
  }
}

export const QUERY_HANDLERS = [ListFundsHandler, GetFundHandler, GetStatementHandler, GetResidentHandler, QuoteSettlementHandler];
