import { Body, Controller, Get, HttpStatus, Param, Post, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import type { FastifyReply as Response } from 'fastify';
import { fundScopeOf, type Principal } from '@ledger/access';
import { invalid } from '@ledger/domain';
import { BankConfirmationDto, bankConfirmationCommand, ClosePeriodDto, closePeriodCommand, CommandOutcome } from '@ledger/application';
import { ClosePeriodCommand, ConfirmBankBalanceCommand, ListBankConfirmationsQuery, ListPeriodsQuery } from '../cqrs/periods';
import { assertFundVisible, CurrentPrincipal, recordedByOf, Requires } from './auth.guard';
import { knownFund } from './queries.controller';
import { resultOf } from './results';

const YEAR = /^(19|20)\d\d$|^2100$/;

/** A year in the path: 1900–2100, written as four digits (400 otherwise, naming the parameter). */
function yearOf(text: string): number {
  if (!YEAR.test(text)) throw invalid('year', 'must be a year from 1900 to 2100 written as four digits');
  return Number(text);
}

function answer(outcome: CommandOutcome, response: Response) {
  response.status(outcome.status === 'created' ? HttpStatus.CREATED : HttpStatus.OK);
  return resultOf(outcome.event);
}

/** The finance bureau's period close and bank confirmations (SPEC.md "The fund's books"). */
@Controller('v1')
export class PeriodsController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly queryBus: QueryBus,
  ) {}

  @Post('periods/:year/close')
  @Requires('close-periods')
  async close(@Param('year') year: string, @Body() body: ClosePeriodDto, @CurrentPrincipal() actor: Principal, @Res({ passthrough: true }) response: Response) {
    const command = closePeriodCommand(yearOf(year), body);
    return answer(await this.commandBus.execute(new ClosePeriodCommand(command, recordedByOf(actor))), response);
  }

  /** A district manager sees its own fund's closing figures only. */
  @Get('periods')
  @Requires('read-funds')
  async periods(@CurrentPrincipal() principal: Principal) {
    const closes: Array<{ funds: Array<{ fundId: string }> }> = await this.queryBus.execute(new ListPeriodsQuery());
    const scope = fundScopeOf(principal);
    return scope ? closes.map((close) => ({ ...close, funds: close.funds.filter((fund) => fund.fundId === scope) })) : closes;
  }

  @Post('bank-confirmations')
  @Requires('confirm-bank-balances')
  async confirm(@Body() body: BankConfirmationDto, @CurrentPrincipal() actor: Principal, @Res({ passthrough: true }) response: Response) {
    const command = bankConfirmationCommand(body);
    return answer(await this.commandBus.execute(new ConfirmBankBalanceCommand(command, recordedByOf(actor))), response);
  }

  /** Everyone who reads the fund reads its bank confirmations; a district manager its own fund's only (403 otherwise). */
  @Get('funds/:fundId/bank-confirmations')
  @Requires('read-funds')
  async bankConfirmations(@Param('fundId') fundId: string, @CurrentPrincipal() principal: Principal) {
    const fund = knownFund(fundId);
    assertFundVisible(principal, fund);
    return this.queryBus.execute(new ListBankConfirmationsQuery(fund));
  }
}
