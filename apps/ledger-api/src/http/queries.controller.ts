import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { normaliseInstant, type StatementView } from '@ledger/projections';
import { CSV_TYPE, statementCsv, statementFileName, statementXlsx, XLSX_TYPE } from './statement-files';
import { claimCommand } from '@ledger/application';
import { QueryBus } from '@nestjs/cqrs';
import { fundScopeOf, Principal } from '@ledger/access';
import { forbidden, FundId, invalid, isFundId, notFound } from '@ledger/domain';
import { GetFundQuery, GetResidentQuery, ResidentView, GetStatementQuery, ListFundsQuery, QuoteSettlementQuery } from '../cqrs/queries';
import { assertFundVisible, CurrentPrincipal, Public, Requires } from './auth.guard';
import { IdentifierPipe } from './strict-input';
import { residentViewFor } from './resident-scope';
import { AsOfQueryDto, QuoteDto, StatementQueryDto } from './dto';

/** A century of month rows. */
export const MAX_STATEMENT_MONTHS = 1200;

function monthsCovered(from: string, to: string): number {
  const months = (date: string) => Number(date.slice(0, 4)) * 12 + Number(date.slice(5, 7));
  return months(to) - months(from) + 1;
}

/** A validated knownAt in the form recorded times are compared in (undefined when not asked). */
function knownAtOf(query: { knownAt?: string }): string | undefined {
  return query.knownAt === undefined ? undefined : normaliseInstant(query.knownAt)!;
}

export function knownFund(fundId: string): FundId {
  if (!isFundId(fundId)) throw notFound(`fund ${fundId} does not exist; funds are municipal, caidian, jiangxia, dongxihu, huangpi, xinzhou`);
  return fundId;
}

@Controller()
export class QueriesController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get('health')
  @Public()
  health() {
    return { status: 'ok' };
  }

  /** A district manager sees its own fund only; other readers see all six. */
  @Get('v1/funds')
  @Requires('read-funds')
  async funds(@Query() query: AsOfQueryDto, @CurrentPrincipal() principal: Principal) {
    const rows: Array<{ fundId: FundId }> = await this.queryBus.execute(new ListFundsQuery(query.asOf, knownAtOf(query)));
    const scope = fundScopeOf(principal);
    return scope ? rows.filter((row) => row.fundId === scope) : rows;
  }

  @Get('v1/funds/:fundId')
  @Requires('read-funds')
  fund(@Param('fundId') fundId: string, @Query() query: AsOfQueryDto, @CurrentPrincipal() principal: Principal) {
    const fund = knownFund(fundId);
    assertFundVisible(principal, fund);
    return this.queryBus.execute(new GetFundQuery(fund, query.asOf, knownAtOf(query)));
  }

  @Get('v1/funds/:fundId/statement')
  @Requires('read-funds')
  async statement(
    @Param('fundId') fundId: string,
    @Query() query: StatementQueryDto,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const fund = knownFund(fundId);
    assertFundVisible(principal, fund);
    if (query.to < query.from) throw invalid('to', 'is before from');
    // One row per month: bound the work and the answer (a ten-millennia range took seconds of CPU).
    if (monthsCovered(query.from, query.to) > MAX_STATEMENT_MONTHS) {
      throw invalid('to', `a statement covers at most ${MAX_STATEMENT_MONTHS} months; ask for a shorter range`);
    }
    const view: StatementView = await this.queryBus.execute(new GetStatementQuery(fund, query.from, query.to, knownAtOf(query)));
    if (query.format === 'csv' || query.format === 'xlsx') {
      reply.header('content-disposition', `attachment; filename="${statementFileName(view, query.format)}"`);
      reply.header('content-type', query.format === 'csv' ? CSV_TYPE : XLSX_TYPE);
      return query.format === 'csv' ? statementCsv(view) : statementXlsx(view);
    }
    return view;
  }

  @Get('v1/residents/:residentId')
  @Requires('read-residents')
  async resident(@Param('residentId', IdentifierPipe) residentId: string, @CurrentPrincipal() principal: Principal) {
    const view: ResidentView = await this.queryBus.execute(new GetResidentQuery(residentId));
    const scope = fundScopeOf(principal);
    if (!scope) return view;
    const own = residentViewFor(view, scope);
    if (!own) throw forbidden(`this token may read only residents enrolled in fund ${scope}`);
    return own;
  }

  /** The split a claim would get now (one-stop settlement), recording nothing. */
  @Post('v1/settlements/quote')
  @HttpCode(HttpStatus.OK)
  @Requires('record')
  quote(@Body() body: QuoteDto, @CurrentPrincipal() principal: Principal) {
    const claim = claimCommand({ ...body, claimId: body.claimId ?? 'quote' });
    return this.queryBus.execute(new QuoteSettlementQuery(claim, fundScopeOf(principal)));
  }
}
