import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Command } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import { BatchImporter, commandFromImport, LedgerService } from '@ledger/application';
import type { LedgerCommand } from '@ledger/domain';
import { openEventStore } from '@ledger/event-store';
import { loadPolicy } from '@ledger/policy';

/**
 * `npm run import -- --file facts.ndjson`: records one fact per line, `{ "type": "contribution",
 * "body": { …the API body… } }` (insurer lines also carry `"claimId"`), in batches that are each
 * one transaction. Lines that fail validation or a business rule are reported with their number
 * and skipped; re-running the same file records nothing twice.
 */
export interface ImportSummary {
  lines: number;
  created: number;
  replayed: number;
  rejected: Array<{ line: number; reason: string }>;
}

export interface ImportOptions {
  file: string;
  dataDir: string;
  eventStoreConnectionString?: string;
  batchSize: number;
  subject: string;
  progress: boolean;
}

export async function importFile(options: ImportOptions): Promise<ImportSummary> {
  const store = await openEventStore(options);
  const ledger = new LedgerService({ store, policy: loadPolicy(process.env.POLICY_FILE || undefined) });
  const importer = new BatchImporter(ledger, store);
  const recordedBy = { subject: options.subject, role: 'clerk' };
  const summary: ImportSummary = { lines: 0, created: 0, replayed: 0, rejected: [] };
  const bar = options.progress ? new SingleBar({ format: 'import |{bar}| {value} lines', hideCursor: true }, Presets.shades_classic) : undefined;
  bar?.start(0, 0);
  let batch: Array<{ line: number; command: LedgerCommand }> = [];

  const flush = async () => {
    if (batch.length === 0) return;
    const outcome = await importer.importBatch(batch.map((entry) => entry.command), recordedBy);
    summary.created += outcome.created;
    summary.replayed += outcome.replayed;
    for (const refused of outcome.refused) summary.rejected.push({ line: batch[refused.index].line, reason: refused.error.message });
    batch = [];
    bar?.update(summary.lines);
  };

  try {
    const lines = createInterface({ input: createReadStream(options.file, 'utf8'), crlfDelay: Infinity });
    for await (const text of lines) {
      summary.lines += 1;
      if (text.trim() === '') continue;
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        summary.rejected.push({ line: summary.lines, reason: 'not valid JSON' });
        continue;
      }
      const command = await commandFromImport((parsed ?? {}) as Record<string, unknown>);
      if (Array.isArray(command)) {
        summary.rejected.push({ line: summary.lines, reason: command.map((p) => `${p.field}: ${p.reason}`).join('; ') });
        continue;
      }
      batch.push({ line: summary.lines, command });
      if (batch.length >= options.batchSize) await flush();
    }
    await flush();
  } finally {
    bar?.stop();
    await store.close();
  }
  return summary;
}

if (require.main === module) {
  const program = new Command('import')
    .description('record facts from an NDJSON file through the ledger, batch by batch')
    .requiredOption('--file <path>', 'NDJSON file, one { type, body } per line')
    .option('--batch-size <n>', 'commands per transaction', (v) => Number.parseInt(v, 10), 1000)
    .option('--subject <name>', 'recorded as who recorded each event', 'batch-import')
    .parse();
  const options = program.opts<{ file: string; batchSize: number; subject: string }>();
  importFile({
    ...options,
    dataDir: process.env.DATA_DIR ?? join(process.cwd(), 'data'),
    eventStoreConnectionString: process.env.EVENTSTORE_CONNECTION_STRING || undefined,
    progress: Boolean(process.stderr.isTTY),
  })
    .then((summary) => {
      for (const rejected of summary.rejected) process.stderr.write(`line ${rejected.line}: ${rejected.reason}\n`);
      process.stdout.write(`${JSON.stringify({ lines: summary.lines, created: summary.created, replayed: summary.replayed, rejected: summary.rejected.length })}\n`);
      process.exit(summary.rejected.length ? 1 : 0);
    })
    .catch((error: Error) => {
      process.stderr.write(`import: ${error.message}\n`);
      process.exit(2);
    });
}
