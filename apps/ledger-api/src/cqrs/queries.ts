import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import {
  FUND_IDS,
  FundId,
  formatMoney,
  shanghaiDateOf,
  notFound,
} from '@ledger/domain';
import { LedgerService } from '@ledger/application';
import { incomeOf, incomeToJson, outflowOf, outflowToJson, ProjectionRunner } from '@ledger/projections';

export class ListFundsQuery {}

export class GetFundQuery {
  constructor(
    readonly fundId: FundId,
    readonly asOf: string | undefined,
  ) {}
}

export class GetStatementQuery {
  constructor(
    readonly fundId: FundId,
    readonly from: string,
    readonly to: string,
  ) {}
}

export class GetResidentQuery {
  constructor(readonly residentId: string) {}
}

@QueryHandler(ListFundsQuery)
export class ListFundsHandler implements IQueryHandler<ListFundsQuery> {
  constructor(private readonly projections: ProjectionRunner) {}

  async execute() {
    return FUND_IDS.map((fundId) => {
      const figures = this.projections.ledger.current(fundId);
      return {
        fundId,
        balance: formatMoney(figures.balance),
        income: formatMoney(incomeOf(figures)),
        outflow: formatMoney(outflowOf(figures)),
      };
    });
  }
}

@QueryHandler(GetFundQuery)
export class GetFundHandler implements IQueryHandler<GetFundQuery> {
  constructor(private readonly projections: ProjectionRunner) {}

  async execute({ fundId, asOf }: GetFundQuery) {
    const ledger = this.projections.ledger;
    const date = asOf ?? shanghaiDateOf(new Date());
    const figures = asOf ? ledger.asOf(fundId, asOf) : ledger.current(fundId);
    const months = ledger.monthsOfPayment(fundId, date);
    return {
      fundId,
      asOf: asOf ?? null,
      balance: formatMoney(figures.balance),
      income: incomeToJson(figures),
      outflow: outflowToJson(figures),
      monthsOfPayment: months === null ? null : months.toDecimalPlaces(1).toFixed(1),
    };
  }
}

@QueryHandler(GetStatementQuery)
export class GetStatementHandler implements IQueryHandler<GetStatementQuery> {
  constructor(private readonly projections: ProjectionRunner) {}

  async execute({ fundId, from, to }: GetStatementQuery) {
    const rows = this.projections.ledger.statement(fundId, from, to);
    return {
      fundId,
      from,
      to,
      openingBalance: formatMoney(rows[0]?.opening ?? this.projections.ledger.asOf(fundId, from).balance),
      closingBalance: formatMoney(rows[rows.length - 1]?.closing ?? this.projections.ledger.asOf(fundId, to).balance),
      months: rows.map((row) => ({
        month: row.month,
        openingBalance: formatMoney(row.opening),
        income: incomeToJson(row.figures),
        outflow: outflowToJson(row.figures),
        closingBalance: formatMoney(row.closing),
      })),
    };
  }
}

@QueryHandler(GetResidentQuery)
export class GetResidentHandler implements IQueryHandler<GetResidentQuery> {
  constructor(private readonly ledger: LedgerService) {}

  async execute({ residentId }: GetResidentQuery) {
    const found = await this.ledger.residentState(residentId);
    if (!found) throw notFound(`resident ${residentId} is not known to the ledger`);
    const { state } = found;
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
          contributionExempt: year.contributionExempt,
          contributionDue: formatMoney(year.contributionDue),
          contributionPaid: formatMoney(year.paid),
          benefitStart: year.benefitStart,
        })),
      schemeHistory: state.schemes.map((period) => ({ scheme: period.scheme, from: period.from })),
      yearToDate: [...state.accumulations.entries()]
        .sort(([a], [b]) => a - b)
        .map(([year, acc]) => ({
          year,
          compliantCost: formatMoney(acc.compliantCost),
          basicFundPaid: formatMoney(acc.basicFundPaid),
          personalBurdenInScope: formatMoney(acc.personalBurdenInScope),
          criticalIllnessPaid: formatMoney(acc.criticalIllnessPaid),
          assistancePaid: formatMoney(acc.assistancePaid),
        })),
      claims: [...state.claims.values()].map((claim) => ({
        claimId: claim.claimId,
        year: claim.year,
        fundId: claim.fundId,
        careType: claim.careType,
        basicFundPayment: claim.settled.basicFundPayment,
        criticalIllnessPayment: claim.settled.criticalIllnessPayment,
        assistancePayment: claim.settled.assistancePayment,
        personalPayment: claim.settled.personalPayment,
        reversed: claim.reversed,
      })),
    };
  }
}

export const QUERY_HANDLERS = [ListFundsHandler, GetFundHandler, GetStatementHandler, GetResidentHandler];
