import { Body, Controller, Headers, HttpCode, HttpStatus, Post, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import type { FastifyReply } from 'fastify';
import { baselineFromReport } from '@ledger/audit';
import type { AuditAnswer } from '../cqrs/audit-run';
import { RunAuditQuery } from '../cqrs/audit';
import { Requires } from './auth.guard';
import { AuditRequestDto } from './dto';

/** A client that asks for HTML before JSON (the console's download) gets the CLI's HTML report. */
function wantsHtml(accept: string | undefined): boolean {
  const types = (accept ?? '').split(',').map((part) => part.split(';')[0].trim().toLowerCase());
  const html = types.indexOf('text/html');
  const json = types.indexOf('application/json');
  return html !== -1 && (json === -1 || html < json);
}

/** The audit thread's bytes as a Buffer, which Fastify sends as they are. */
function bytesOf(part: Uint8Array): Buffer {
  return Buffer.from(part.buffer, part.byteOffset, part.byteLength);
}

/**
 * POST /v1/audits { asOf } → the inspection report, the same JSON as the auditor CLI writes
 * (API.md), or with `Accept: text/html` the same HTML report as the CLI's. Answers 200, not 201:
 * running an audit reads the history and records nothing.
 */
@Controller('v1')
export class AuditsController {
  constructor(private readonly queryBus: QueryBus) {}

  @Post('audits')
  @HttpCode(HttpStatus.OK)
  @Requires('run-audits')
  async run(
    @Body() body: AuditRequestDto,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Buffer> {
    const baseline = body.baseline ? baselineFromReport(body.baseline) : null;
    const html = wantsHtml(accept);
    // Serialised by the audit thread: megabytes of report are not turned into JSON on this one.
    const answer = await this.queryBus.execute<RunAuditQuery, AuditAnswer>(new RunAuditQuery(body.asOf, baseline, html));
    if (!html) {
      void reply.header('content-type', 'application/json; charset=utf-8');
      return bytesOf(answer.json);
    }
    void reply.header('content-type', 'text/html; charset=utf-8').header('content-disposition', `attachment; filename="inspection-${body.asOf}.html"`);
    return bytesOf(answer.html!);
  }
}
