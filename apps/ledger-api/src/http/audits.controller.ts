import { Body, Controller, Headers, HttpCode, HttpStatus, Post, Req, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { baselineFromReport } from '@ledger/audit';
import type { AuditAnswer } from '../cqrs/audit-run';
import { CONSOLE_EVENT_ROUTE, RunAuditQuery } from '../cqrs/audit';
import { Requires } from './auth.guard';
import { AuditRequestDto } from './dto';

/** A client that asks for HTML before JSON (the console's download) gets the CLI's HTML report. */
function wantsHtml(accept: string | undefined): boolean {
  const types = (accept ?? '').split(',').map((part) => part.split(';')[0].trim().toLowerCase());
  const html = types.indexOf('text/html');
  const json = types.indexOf('application/json');
  return html !== -1 && (json === -1 || html < json);
}

/** A host name or address with an optional port, as a Host header may carry: nothing that could leave an HTML attribute or a URL's authority. */
const PLAIN_HOST = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

/**
 * The HTML report is downloaded (content-disposition: attachment) and opened from a file, where a
 * relative link would point into the file system: its evidence links are absolute, to this
 * ledger's console event route, which asks for a token and then shows the event. A Host header
 * that is not a plain host keeps the link relative.
 */
export function consoleEventLinkBase(request: Pick<FastifyRequest, 'protocol' | 'headers'>): string {
  const host = request.headers.host;
  return host !== undefined && PLAIN_HOST.test(host) ? `${request.protocol}://${host}${CONSOLE_EVENT_ROUTE}` : CONSOLE_EVENT_ROUTE;
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
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Buffer> {
    const baseline = body.baseline ? baselineFromReport(body.baseline) : null;
    const html = wantsHtml(accept);
    // Serialised by the audit thread: megabytes of report are not turned into JSON on this one.
    const answer = await this.queryBus.execute<RunAuditQuery, AuditAnswer>(new RunAuditQuery(body.asOf, baseline, html, consoleEventLinkBase(request)));
    if (!html) {
      void reply.header('content-type', 'application/json; charset=utf-8');
      return bytesOf(answer.json);
    }
    void reply.header('content-type', 'text/html; charset=utf-8').header('content-disposition', `attachment; filename="inspection-${body.asOf}.html"`);
    return bytesOf(answer.html!);
  }
}
