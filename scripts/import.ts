import { createReadStream, existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { resolveDataDir } from '@ledger/access';
import { SingleBar, Presets } from 'cli-progress';
import { BatchImporter, commandFromImport, IMPORT_TYPES, LedgerService, OneBatchInFlight } from '@ledger/application';
import type { LedgerCommand } from '@ledger/domain';
import { EMBEDDED_EVENTS_FILE, openEventStore, SqliteEventStore, SqliteWriterThread } from '@ledger/event-store';
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
  // The embedded store's batches commit on a thread of their own while the next batch is decided.
  const writer = store instanceof SqliteEventStore ? new SqliteWriterThread(join(options.dataDir, EMBEDDED_EVENTS_FILE)) : undefined;
  const ledger = new LedgerService({ store, policy: loadPolicy(process.env.POLICY_FILE || undefined) });
  const importer = new BatchImporter(ledger, store, { writer });
  const recordedBy = { subject: options.subject, role: 'clerk' };
  const summary: ImportSummary = { lines: 0, created: 0, replayed: 0, rejected: [] };
  const bar = options.progress ? new SingleBar({ format: 'import |{bar}| {value} lines', hideCursor: true }, Presets.shades_classic) : undefined;
  bar?.start(0, 0);
  let batch: Array<{ line: number; command: LedgerCommand }> = [];

  const inFlight = new OneBatchInFlight();
  /** Starts the batch and returns once the one before it has committed (the importer decides this one meanwhile). */
  const flush = async () => {
    if (batch.length === 0) return;
    const lines = batch;
    batch = [];
    const counted = importer.importBatch(lines.map((entry) => entry.command), recordedBy).then((outcome) => {
      summary.created += outcome.created;
      summary.replayed += outcome.replayed;
      for (const refused of outcome.refused) summary.rejected.push({ line: lines[refused.index].line, reason: refused.error.message });
      bar?.update(summary.lines);
    });
    await inFlight.submit(counted);
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
    await inFlight.settled();
  } finally {
    bar?.stop();
    await inFlight.abandon();
    await writer?.close();
    await store.close();
  }
  // Parse errors are known at once, business refusals only when their batch is decided.
  summary.rejected.sort((a, b) => a.line - b.line);
  return summary;
}

const HELP = `
Each line is { "type": ${IMPORT_TYPES.map((type) => `"${type}"`).join(' | ')},
"body": { …the API body… } }
(insurer lines also carry "claimId"), validated exactly as the API validates it. Each batch is one
transaction: an interrupted import leaves whole batches only, and re-running the file records
nothing twice (those lines count as replayed). The store is the one in DATA_DIR (default: data, from
the repository root), or EventStoreDB when EVENTSTORE_CONNECTION_STRING is set.

Output: each rejected line, in file order, as "line N: reason" on stderr; then a summary, on stderr
for people and as one JSON line on stdout: {"lines":…,"created":…,"replayed":…,"rejected":…}.

Exit codes: 0 every line recorded (created or replayed); 1 some lines rejected (the others are
recorded); 2 the import could not run (bad option, missing file, unreadable store).

Examples:
  npm run import -- --file facts.ndjson
  npm run import -- --file facts.ndjson --batch-size 5000 --subject nightly-upload
  DATA_DIR=/srv/ledger npm run import -- --file facts.ndjson`;

export const IMPORT_EXIT = { recorded: 0, someRejected: 1, couldNotRun: 2 } as const;

interface ImportCliIo {
  stdout?: { write(text: string): unknown };
  stderr?: { write(text: string): unknown; isTTY?: boolean };
  env?: NodeJS.ProcessEnv;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number ≥ 1');
  return n;
}

/** The import's command line, in-process; resolves to its exit code (IMPORT_EXIT). */
export async function runImportCli(argv: readonly string[], io: ImportCliIo = {}): Promise<number> {
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  const env = io.env ?? process.env;
  const program = new Command('import')
    .description('record facts from an NDJSON file through the ledger, batch by batch')
    .requiredOption('--file <path>', 'NDJSON file, one { type, body } per line (relative to where npm was run)')
    .option('--batch-size <n>', 'commands per transaction', positiveInt, 1000)
    .option('--subject <name>', 'recorded as who recorded each event', 'batch-import')
    .addHelpText('after', HELP)
    .exitOverride()
    .configureOutput({ writeOut: (text) => stdout.write(text), writeErr: (text) => stderr.write(text) });
  try {
    program.parse([...argv], { from: 'user' });
  } catch (error) {
    return error instanceof CommanderError && error.exitCode === 0 ? IMPORT_EXIT.recorded : IMPORT_EXIT.couldNotRun;
  }
  const options = program.opts<{ file: string; batchSize: number; subject: string }>();
  // npm runs scripts from the repository root; INIT_CWD is where the person typed the command.
  const file = resolve(env.INIT_CWD ?? process.cwd(), options.file);
  if (!existsSync(file) || !statSync(file).isFile()) {
    stderr.write(`import: no such file: ${file}\n`);
    return IMPORT_EXIT.couldNotRun;
  }
  let summary: ImportSummary;
  try {
    summary = await importFile({
      ...options,
      file,
      dataDir: resolveDataDir(env),
      eventStoreConnectionString: env.EVENTSTORE_CONNECTION_STRING || undefined,
      progress: Boolean(stderr.isTTY),
    });
  } catch (error) {
    stderr.write(`import: could not run: ${(error as Error).message}\n`);
    return IMPORT_EXIT.couldNotRun;
  }
  for (const rejected of summary.rejected) stderr.write(`line ${rejected.line}: ${rejected.reason}\n`);
  stderr.write(`import: ${summary.lines} lines: ${summary.created} created, ${summary.replayed} replayed (already recorded), ${summary.rejected.length} rejected\n`);
  stdout.write(`${JSON.stringify({ lines: summary.lines, created: summary.created, replayed: summary.replayed, rejected: summary.rejected.length })}\n`);
  return summary.rejected.length ? IMPORT_EXIT.someRejected : IMPORT_EXIT.recorded;
}

if (require.main === module) {
  runImportCli(process.argv.slice(2)).then((code) => process.exit(code));
}
