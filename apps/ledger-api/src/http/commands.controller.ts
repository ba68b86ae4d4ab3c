import { Body, Controller, HttpStatus, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { FastifyReply as Response } from 'fastify';
import { fundScopeOf, Principal } from '@ledger/access';
import type { LedgerCommand } from '@ledger/domain';
import {
  AssistanceApplicationDto,
  assistanceApplicationCommand,
  ClaimDto,
  claimCommand,
  claimReversalCommand,
  CommandOutcome,
  ContributionDto,
  contributionCommand,
  contributionReversalCommand,
  EnrollmentDto,
  enrollmentCommand,
  FundMovementDto,
  fundMovementCommand,
  FundTransferDto,
  fundTransferCommand,
  InsurerDecisionDto,
  insurerDecisionCommand,
  InsurerPaymentDto,
  insurerPaymentCommand,
  ReversalDto,
  SchemeChangeDto,
  schemeChangeCommand,
  SubsidyDto,
  subsidyCommand,
} from '@ledger/application';
import { RecordFactCommand } from '../cqrs/commands';
import { CurrentPrincipal, Requires } from './auth.guard';
import { resultOf } from './results';
import { IdentifierPipe } from './strict-input';

/** POST endpoints: each turns its DTO into one domain command and sends it through the command bus. */
@Controller('v1')
@Requires('record')
export class CommandsController {
  constructor(private readonly commandBus: CommandBus) {}

  private async record(command: LedgerCommand, actor: Principal, response: Response) {
    const outcome = await this.commandBus.execute<RecordFactCommand, CommandOutcome>(
      new RecordFactCommand(command, { subject: actor.subject, role: actor.role }, fundScopeOf(actor)),
    );
    response.status(outcome.status === 'created' ? HttpStatus.CREATED : HttpStatus.OK);
    return resultOf(outcome.event);
  }

  @Post('enrollments')
  enroll(@Body() body: EnrollmentDto, @CurrentPrincipal() actor: Principal, @Res({ passthrough: true }) response: Response) {
    return this.record(enrollmentCommand(body), actor, response);
  }

  @Post('contributions')
  contribute(@Body() body: ContributionDto, @CurrentPrincipal() actor: Principal, @Res({ passthrough: true }) response: Response) {
    return this.record(contributionCommand(body), actor, response);
  }

  @Post('subsidies')
  subsidise(@Body() body: SubsidyDto, @CurrentPrincipal() actor: Principal, @Res({ passthrough: true }) response: Response) {
    return this.record(subsidyCommand(body), actor, response);
  }

  @Post('scheme-changes')
  changeScheme(@Body() body: SchemeChangeDto, @CurrentPrincipal() actor: Principal, @Res({ passthrough: true }) response: Response) {
    return this.record(schemeChangeCommand(body), actor, response);
  }

  @Post('claims')
  claim(@Body() body: ClaimDto, @CurrentPrincipal() actor: Principal, @Res({ passthrough: true }) response: Response) {
    return this.record(claimCommand(body), actor, response);
  }

  @Post('claims/:claimId/insurer-decision')
  insurerDecision(
    @Param('claimId', IdentifierPipe) claimId: string,
    @Body() body: InsurerDecisionDto,
    @CurrentPrincipal() actor: Principal,
    @Res({ passthrough: true }) response: Response,
  ) {
    return this.record(insurerDecisionCommand(claimId, body), actor, response);
  }

  @Post('claims/:claimId/insurer-payment')
  insurerPayment(
    @Param('claimId', IdentifierPipe) claimId: string,
    @Body() body: InsurerPaymentDto,
    @CurrentPrincipal() actor: Principal,
    @Res({ passthrough: true }) response: Response,
  ) {
    return this.record(insurerPaymentCommand(claimId, body), actor, response);
  }

  @Post('claims/:claimId/reversal')
  reverseClaim(
    @Param('claimId', IdentifierPipe) claimId: string,
    @Body() body: ReversalDto,
    @CurrentPrincipal() actor: Principal,
    @Res({ passthrough: true }) response: Response,
  ) {
    return this.record(claimReversalCommand(claimId, body), actor, response);
  }

  @Post('contributions/:receiptNo/reversal')
  reverseContribution(
    @Param('receiptNo', IdentifierPipe) receiptNo: string,
    @Body() body: ReversalDto,
    @CurrentPrincipal() actor: Principal,
    @Res({ passthrough: true }) response: Response,
  ) {
    return this.record(contributionReversalCommand(receiptNo, body), actor, response);
  }

  @Post('assistance-applications')
  applyForAssistance(
    @Body() body: AssistanceApplicationDto,
    @CurrentPrincipal() actor: Principal,
    @Res({ passthrough: true }) response: Response,
  ) {
    return this.record(assistanceApplicationCommand(body), actor, response);
  }

  /** Interest, the critical-illness premium, a recovery, other income or expenditure of one fund. */
  @Post('fund-movements')
  recordFundMovement(@Body() body: FundMovementDto, @CurrentPrincipal() actor: Principal, @Res({ passthrough: true }) response: Response) {
    return this.record(fundMovementCommand(body), actor, response);
  }

  /**
   * A transfer between two funds. It touches both, so a district manager (whose token covers one
   * fund) is refused with 403; clerks record transfers.
   */
  @Post('fund-transfers')
  recordFundTransfer(@Body() body: FundTransferDto, @CurrentPrincipal() actor: Principal, @Res({ passthrough: true }) response: Response) {
    return this.record(fundTransferCommand(body), actor, response);
  }
}
