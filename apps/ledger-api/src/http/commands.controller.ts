import { Body, Controller, HttpStatus, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { Response } from 'express';
import { fundScopeOf, Principal } from '@ledger/access';
import { LedgerCommand, money } from '@ledger/domain';
import type { CommandOutcome } from '@ledger/application';
import { RecordFactCommand } from '../cqrs/commands';
import { CurrentPrincipal, Requires } from './auth.guard';
import {
  ClaimDto,
  ContributionDto,
  EnrollmentDto,
  InsurerDecisionDto,
  InsurerPaymentDto,
  ReversalDto,
  SchemeChangeDto,
  SubsidyDto,
} from './dto';
import { resultOf } from './results';

const optionalMoney = (text: string | undefined) => (text === undefined ? undefined : money(text));

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
    return this.record(
      {
        kind: 'EnrollResident',
        enrollmentId: body.enrollmentId,
        residentId: body.residentId,
        year: body.year,
        birthDate: body.birthDate,
        category: body.category,
        hukou: { local: body.hukou.local, ...(body.hukou.district ? { district: body.hukou.district } : {}) },
        residenceDistrict: body.residenceDistrict,
        hardship: [...new Set(body.hardship ?? [])].sort(),
        parents: (body.parents ?? []).map((parent) => ({
          scheme: parent.scheme,
          insured: parent.insured,
          hukou: { local: parent.hukou.local, ...(parent.hukou.district ? { district: parent.hukou.district } : {}) },
          residenceDistrict: parent.residenceDistrict,
        })),
        enrolledAt: body.enrolledAt,
      },
      actor,
      response,
    );
  }

  @Post('contributions')
  contribute(@Body() body: ContributionDto, @CurrentPrincipal() actor: Principal, @Res({ passthrough: true }) response: Response) {
    return this.record(
      {
        kind: 'RecordContribution',
        receiptNo: body.receiptNo,
        residentId: body.residentId,
        year: body.year,
        amount: money(body.amount),
        paidAt: body.paidAt,
        collector: body.collector,
        fundId: body.fundId,
      },
      actor,
      response,
    );
  }

  @Post('subsidies')
  subsidise(@Body() body: SubsidyDto, @CurrentPrincipal() actor: Principal, @Res({ passthrough: true }) response: Response) {
    return this.record(
      {
        kind: 'GrantSubsidy',
        subsidyId: body.subsidyId,
        level: body.level,
        purpose: body.purpose,
        year: body.year,
        amount: money(body.amount),
        grantedAt: body.grantedAt,
        fundId: body.fundId,
        residentId: body.residentId,
      },
      actor,
      response,
    );
  }

  @Post('scheme-changes')
  changeScheme(@Body() body: SchemeChangeDto, @CurrentPrincipal() actor: Principal, @Res({ passthrough: true }) response: Response) {
    return this.record(
      { kind: 'ChangeScheme', changeId: body.changeId, residentId: body.residentId, to: body.to, effectiveAt: body.effectiveAt },
      actor,
      response,
    );
  }

  @Post('claims')
  claim(@Body() body: ClaimDto, @CurrentPrincipal() actor: Principal, @Res({ passthrough: true }) response: Response) {
    return this.record(
      {
        kind: 'SettleClaim',
        claimId: body.claimId,
        residentId: body.residentId,
        careType: body.careType,
        institution: { id: body.institution.id, level: body.institution.level, designated: body.institution.designated, district: body.institution.district },
        admittedAt: body.admittedAt,
        dischargedAt: body.dischargedAt,
        totalCost: money(body.totalCost),
        compliantCost: money(body.compliantCost),
        settlement: body.settlement,
        filedAt: body.filedAt,
        basicFundPayment: optionalMoney(body.basicFundPayment),
        criticalIllnessPayment: optionalMoney(body.criticalIllnessPayment),
        assistancePayment: optionalMoney(body.assistancePayment),
      },
      actor,
      response,
    );
  }

  @Post('claims/:claimId/insurer-decision')
  insurerDecision(
    @Param('claimId') claimId: string,
    @Body() body: InsurerDecisionDto,
    @CurrentPrincipal() actor: Principal,
    @Res({ passthrough: true }) response: Response,
  ) {
    return this.record(
      { kind: 'RecordInsurerDecision', claimId, receivedAt: body.receivedAt, decidedAt: body.decidedAt, covered: body.covered },
      actor,
      response,
    );
  }

  @Post('claims/:claimId/insurer-payment')
  insurerPayment(
    @Param('claimId') claimId: string,
    @Body() body: InsurerPaymentDto,
    @CurrentPrincipal() actor: Principal,
    @Res({ passthrough: true }) response: Response,
  ) {
    return this.record({ kind: 'RecordInsurerPayment', claimId, paidAt: body.paidAt, amount: money(body.amount) }, actor, response);
  }

  @Post('claims/:claimId/reversal')
  reverseClaim(
    @Param('claimId') claimId: string,
    @Body() body: ReversalDto,
    @CurrentPrincipal() actor: Principal,
    @Res({ passthrough: true }) response: Response,
  ) {
    return this.record(
      { kind: 'ReverseClaim', reversalId: body.reversalId, claimId, reversedAt: body.reversedAt, reason: body.reason },
      actor,
      response,
    );
  }

  @Post('contributions/:receiptNo/reversal')
  reverseContribution(
    @Param('receiptNo') receiptNo: string,
    @Body() body: ReversalDto,
    @CurrentPrincipal() actor: Principal,
    @Res({ passthrough: true }) response: Response,
  ) {
    return this.record(
      { kind: 'ReverseContribution', reversalId: body.reversalId, receiptNo, reversedAt: body.reversedAt, reason: body.reason },
      actor,
      response,
    );
  }
}
