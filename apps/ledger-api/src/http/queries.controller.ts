import { Controller, Get, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { FundId, invalid, isFundId, notFound } from '@ledger/domain';
import { GetFundQuery, GetResidentQuery, GetStatementQuery, ListFundsQuery } from '../cqrs/queries';
import { AsOfQueryDto, StatementQueryDto } from './dto';

function knownFund(fundId: string): FundId {
  if (!isFundId(fundId)) throw notFound(`fund ${fundId} does not exist; funds are municipal, caidian, jiangxia, dongxihu, huangpi, xinzhou`);
  return fundId;
}

@Controller()
export class QueriesController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get('health')
  health() {
    return { status: 'ok' };
  }

  @Get('v1/funds')
  funds() {
    return this.queryBus.execute(new ListFundsQuery());
  }

  @Get('v1/funds/:fundId')
  fund(@Param('fundId') fundId: string, @Query() query: AsOfQueryDto) {
    return this.queryBus.execute(new GetFundQuery(knownFund(fundId), query.asOf));
  }

  @Get('v1/funds/:fundId/statement')
  statement(@Param('fundId') fundId: string, @Query() query: StatementQueryDto) {
    const fund = knownFund(fundId);
    if (query.to < query.from) throw invalid('to', 'is before from');
    return this.queryBus.execute(new GetStatementQuery(fund, query.from, query.to));
  }

  @Get('v1/residents/:residentId')
  resident(@Param('residentId') residentId: string) {
    return this.queryBus.execute(new GetResidentQuery(residentId));
  }
}
