import { Auditor, type LogBaseline, replayStore } from '@ledger/audit';
import { type Account, type BusinessDate, type FundId, money } from '@ledger/domain';
import { openEventStore, type Position } from '@ledger/event-store';
import type { Policy } from '@ledger/policy';
import { FundLedger } from '@ledger/projections';
import { renderInspectionHtml } from '../../../auditor/src/html-report';

/**
 * One POST /v1/audits, as the audit worker (audit-worker.ts) runs it: everything it needs travels
 * by value — the store's location, the cut-offs, and a copy of the live read model taken at the
 * checkpoint the replay stops at — and it answers the report already serialised, so the API's
 * thread neither replays, nor builds the report, nor turns megabytes of it into JSON.
 */
export interface AuditJob {
  dataDir: string;
  eventStoreConnectionString?: string;
  asOf: string;
  baseline: LogBaseline | null;
  /** The read model's checkpoint when the copy was taken: the replay stops there; null, nothing to replay. */
  checkpoint: Position | null;
  /** The read model's rows at that checkpoint (encodeLedgerRows). */
  liveRows: string;
  /** Also render the HTML report (Accept: text/html). */
  html: boolean;
  /** Where the HTML report's evidence positions link to (consoleEventLinkBase). */
  eventLinkBase: string;
}

/**
 * UTF-8 bytes rather than text: they cross from the worker without a copy (transferred), and the
 * API's thread writes them to the socket without encoding megabytes of text again.
 */
export interface AuditAnswer {
  /** The report as the API answered it when it ran the audit itself (Fastify's JSON.stringify of the report). */
  json: Uint8Array;
  html: Uint8Array | null;
}

/**
 * Replays the store through the checkpoint with the auditor, as the CLI does (read-only store,
 * replayStore, Auditor of @ledger/audit), and reconciles with the read model copy. The live model
 * in the API held still for the reconciliation; the copy is that still model.
 */
export async function runAuditJob(job: AuditJob, policy: Policy): Promise<AuditAnswer> {
  const auditor = new Auditor({ policy, asOf: job.asOf, baseline: job.baseline });
  // The embedded store through a read-only connection of its own: the audit cannot write to what it judges.
  const store = await openEventStore({ dataDir: job.dataDir, eventStoreConnectionString: job.eventStoreConnectionString, readOnly: true });
  try {
    if (job.checkpoint !== null) await replayStore(store, auditor, { through: job.checkpoint });
  } finally {
    await store.close();
  }
  const report = auditor.report({ ledger: ledgerFromRows(job.liveRows), checkpoint: job.checkpoint });
  const utf8 = new TextEncoder();
  return { json: utf8.encode(JSON.stringify(report)), html: job.html ? utf8.encode(renderInspectionHtml(report, { eventLinkBase: job.eventLinkBase })) : null };
}

type LedgerRow = ReturnType<FundLedger['rows']>[number];

/** Rows encoded per slice before the API's thread lets other requests in. */
const ROWS_PER_SLICE = 2_000;

/**
 * The read model's rows as one text (a line per fund, day and account: debit and credit in full),
 * built a slice at a time: the rows were taken at one instant and do not change, so the slices
 * need not run at once. One string crosses to the worker as one copy.
 */
export async function encodeLedgerRows(rows: readonly LedgerRow[]): Promise<string> {
  const lines: string[] = [];
  for (let start = 0; start < rows.length; start += ROWS_PER_SLICE) {
    if (start > 0) await new Promise((resolve) => setImmediate(resolve));
    for (const row of rows.slice(start, start + ROWS_PER_SLICE)) {
      lines.push(`${row.fundId}\t${row.date}\t${row.account}\t${row.totals.debit.toString()}\t${row.totals.credit.toString()}`);
    }
  }
  return lines.join('\n');
}

/** The fund ledger the rows describe, loaded as the auditor CLI loads the persisted read model. */
export function ledgerFromRows(text: string): FundLedger {
  const ledger = new FundLedger();
  if (text === '') return ledger;
  for (const line of text.split('\n')) {
    const [fundId, date, account, debit, credit] = line.split('\t');
    ledger.load(fundId as FundId, date as BusinessDate, account as Account, { debit: money(debit), credit: money(credit) });
  }
  return ledger;
}
