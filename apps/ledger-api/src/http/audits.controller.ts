import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import type { InspectionReport } from '@ledger/audit';
import { RunAuditQuery } from '../cqrs/audit';
import { Requires } from './auth.guard';
import { AuditRequestDto } from './dto';

/**
 * POST /v1/audits { asOf } → the inspection report, the same JSON as the auditor CLI writes
 * (API.md). Answers 200, not 201: running an audit reads the history and records nothing.
 */
@Controller('v1')
export class AuditsController {
  constructor(private readonly queryBus: QueryBus) {}

  @Post('audits')
  @HttpCode(HttpStatus.OK)
  @Requires('run-audits')
  run(@Body() body: AuditRequestDto): Promise<InspectionReport> {
    return this.queryBus.execute<RunAuditQuery, InspectionReport>(new RunAuditQuery(body.asOf));
  }
}
