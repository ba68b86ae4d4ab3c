import { CommanderError, Command, Option } from 'commander';
import { SingleBar } from 'cli-progress';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Auditor, baselineFromReport, type LiveProjection, type LogBaseline, replayStore, serializeReport } from '@ledger/audit';
import { resolveDataDir } from '@ledger/access';
import { isBusinessDate, shanghaiDateOf } from '@ledger/domain';
import { EMBEDDED_EVENTS_FILE, type EventStorePort, openEventStore, parsePosition, type Position } from '@ledger/event-store';
import { loadPolicy } from '@ledger/policy';
import { readFundLedgerFile } from '@ledger/projections';
import { collectHashCheck, type ParallelHashCheck, parallelHashCheckAvailable, startParallelHashCheck } from './parallel-hash-check';
import { type EvidenceEvent, renderInspectionHtml, REPORT_LANGUAGES, type ReportLanguage } from './html-report';

/**
 * The auditor's command line (API.md: `npm run audit -- --as-of YYYY-MM-DD --out DIR`):
 *
 *   node dist/apps/auditor/src/cli.js --as-of YYYY-MM-DD --out DIR [--data-dir DIR] [--position N] [--lang zh|en]
 *
 * Replays the history in DATA_DIR (or EventStoreDB when EVENTSTORE_CONNECTION_STRING is set) up to
 * the end of the --as-of date (and at most to --position), reconciles with the live read model in
 * DATA_DIR/projections.sqlite when there is one, and writes DIR/inspection-<as-of>.json and .html.
 *
 * Exit codes: 0 whatever the audit finds; 2 bad arguments; 1 the audit could not run (no or
 * unreadable store, unreadable parameters, unwritable output). Errors go to stderr; a progress bar
 * goes to stderr only when it is a terminal.
 */
export interface AuditCliIo {
  stdout?: { write(text: string): unknown };
  stderr?: { write(text: string): unknown; isTTY?: boolean };
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** The clock that says what "today" is when --as-of is not given. */
  now?: () => Date;
}

const AUDIT_HELP = `
Exit codes: 0 the report was written, whatever it finds; 1 the audit could not run (no or
unreadable store, unreadable parameters, unwritable output); 2 bad arguments.

Examples:
  npm run audit                                            # up to today (Asia/Shanghai), into ./reports
  npm run audit -- --as-of 2024-12-31 --out reports
  npm run audit -- --as-of 2025-06-30 --position 120000    # and no further than that store position
  npm run audit -- --baseline reports/inspection-2024-12-31.json   # the history that audit saw is unchanged
  npm run audit -- --as-of 2024-12-31 --lang en            # the HTML in English (the JSON carries both languages)
  DATA_DIR=/tmp/scn npm run audit -- --as-of 2025-12-31 --out /tmp/scn/reports`;

export const EXIT_OK = 0;
export const EXIT_COULD_NOT_RUN = 1;
export const EXIT_BAD_ARGUMENTS = 2;

class UsageError extends Error {}

interface CliOptions {
  asOf: string;
  out: string;
  dataDir?: string;
  position?: string;
  baseline?: string;
  lang: ReportLanguage;
}

/** Runs the CLI in-process. `argv`: the arguments after the script name. Resolves to the exit code. */
export async function runAuditCli(argv: readonly string[], io: AuditCliIo = {}): Promise<number> {
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  const env = io.env ?? process.env;
  const cwd = io.cwd ?? process.cwd();

  const program = new Command('audit')
    .description('Replay the ledger history up to a cut-off and write the supervision inspection report (JSON and HTML).')
    .option('--as-of <date>', 'business-date cut-off YYYY-MM-DD: events up to the end of that date (default: today in Asia/Shanghai)')
    .option('--out <dir>', 'folder for inspection-<date>.json and .html', 'reports')
    .option('--data-dir <dir>', 'ledger data folder (default: $DATA_DIR, else data, from the repository root)')
    .option('--position <n>', 'also stop at this store position')
    .option('--baseline <report.json>', "an earlier inspection's JSON: the history through its last position must still have the log digest it states")
    .addOption(new Option('--lang <lang>', "the HTML report's language (the JSON carries both)").choices(REPORT_LANGUAGES).default('zh'))
    .addHelpText('after', AUDIT_HELP)
    .exitOverride()
    .configureOutput({ writeOut: (text) => stdout.write(text), writeErr: (text) => stderr.write(text) });

  let options: CliOptions;
  let throughPosition: Position | null = null;
  let baseline: LogBaseline | null = null;
  try {
    program.parse([...argv], { from: 'user' });
    options = program.opts<CliOptions>();
    // Without --as-of, everything up to today: the business date where the funds are, not here.
    options.asOf ??= shanghaiDateOf(io.now?.() ?? new Date());
    if (!isBusinessDate(options.asOf)) throw new UsageError(`--as-of must be a calendar date YYYY-MM-DD, got ${JSON.stringify(options.asOf)}`);
    if (options.position !== undefined) {
      try {
        throughPosition = parsePosition(options.position);
      } catch {
        throw new UsageError(`--position must be a non-negative whole number, got ${JSON.stringify(options.position)}`);
      }
    }
    if (options.baseline !== undefined) {
      baseline = readBaseline(resolve(cwd, options.baseline));
      if (throughPosition !== null && throughPosition < baseline.position) {
        throw new UsageError(`--position ${throughPosition} stops before the baseline's last position ${baseline.position}: the audit must read the history the baseline covers`);
      }
    }
  } catch (error) {
    if (error instanceof CommanderError) return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' ? EXIT_OK : EXIT_BAD_ARGUMENTS;
    stderr.write(`auditor: ${(error as Error).message}\n`);
    return EXIT_BAD_ARGUMENTS;
  }

  const dataDir = options.dataDir ? resolve(cwd, options.dataDir) : resolveDataDir(env);
  const outDir = resolve(cwd, options.out);
  const connectionString = env.EVENTSTORE_CONNECTION_STRING || undefined;
  let store: EventStorePort | undefined;
  try {
    if (!connectionString && !existsSync(join(dataDir, EMBEDDED_EVENTS_FILE))) {
      throw new Error(`no event store at ${join(dataDir, EMBEDDED_EVENTS_FILE)} (set --data-dir or DATA_DIR, or EVENTSTORE_CONNECTION_STRING)`);
    }
    const policy = loadPolicy(env.POLICY_FILE || undefined);
    const projection = readFundLedgerFile(join(dataDir, 'projections.sqlite'));
    // Read-only: the audit judges the file as found and never writes to it, not even to create or
    // backfill a missing digest (which would paper over the digest's removal).
    store = await openEventStore({ dataDir, eventStoreConnectionString: connectionString, readOnly: true });
    // The audit reads the store as it is now: events appended while it runs are not in it.
    const head = await store.headPosition();
    const readThrough = head === null ? 0n : throughPosition !== null && throughPosition < head ? throughPosition : head;

    // Read before the first event, so the digest's snapshot covers at least what is replayed.
    const logDigest = store.logDigest ? await store.logDigest() : null;
    let hashCheck: ParallelHashCheck | null = null;
    if (!connectionString && readThrough > 0n && parallelHashCheckAvailable()) {
      hashCheck = startParallelHashCheck(join(dataDir, EMBEDDED_EVENTS_FILE), readThrough, logDigest, undefined, baseline?.position ?? null);
      await hashCheck.ready.catch(async () => {
        await hashCheck?.stop();
        hashCheck = null;
      });
    }
    const auditor = new Auditor({
      policy,
      asOf: options.asOf,
      throughPosition,
      projectionCheckpoint: projection ? projection.checkpoint : undefined,
      contentHashes: hashCheck ? 'elsewhere' : 'verify',
      logDigest: hashCheck ? 'elsewhere' : 'verify',
      baseline,
    });
    const bar = stderr.isTTY ? new SingleBar({ stream: stderr as NodeJS.WritableStream, format: 'auditing [{bar}] {percentage}% | position {value}/{total}', hideCursor: true }) : null;
    bar?.start(Number(readThrough), 0);
    await replayStore(store, auditor, { through: readThrough, logDigest, onProgress: (progress) => bar?.update(Number(progress.position)) });
    bar?.stop();
    if (hashCheck) await collectHashCheck(hashCheck, store, auditor, readThrough, logDigest);

    const live: LiveProjection | null = projection ? { ledger: projection.ledger, checkpoint: projection.checkpoint } : null;
    const report = auditor.report(live);
    mkdirSync(outDir, { recursive: true });
    const base = join(outDir, `inspection-${options.asOf}`);
    writeFileSync(`${base}.json`, serializeReport(report));
    writeFileSync(`${base}.html`, renderInspectionHtml(report, { lang: options.lang, evidence: await evidenceIndex(store, report) }));
    stdout.write(
      `inspection as of ${options.asOf}: ${report.eventsReplayed} events replayed (${report.eventsRead} read), ${report.summary.findings} finding(s); wrote ${base}.json and ${base}.html\n`,
    );
    return EXIT_OK;
  } catch (error) {
    stderr.write(`auditor: could not run: ${(error as Error).message}\n`);
    return EXIT_COULD_NOT_RUN;
  } finally {
    await store?.close().catch(() => undefined);
  }
}

/** The baseline report named by --baseline; a usage error names what is wrong with it. */
function readBaseline(file: string): LogBaseline {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`--baseline ${file}: cannot read it as JSON (${(error as Error).message})`);
  }
  try {
    return baselineFromReport(json);
  } catch (error) {
    throw new UsageError(`--baseline ${file}: ${(error as Error).message}`);
  }
}

/** What each evidence position holds (type, stream, business date), read back from the store, for the static page. */
async function evidenceIndex(store: EventStorePort, report: { findings: Array<{ evidence: Array<number | string> }> }): Promise<Map<string, EvidenceEvent>> {
  const index = new Map<string, EvidenceEvent>();
  for (const finding of report.findings) {
    for (const json of finding.evidence) {
      const key = String(json);
      if (index.has(key)) continue;
      const position = BigInt(key);
      for await (const stored of store.readAll({ after: position === 0n ? null : position - 1n, maxCount: 1 })) {
        if (stored.position !== position) break;
        const occurredAt = (stored.metadata as { occurredAt?: unknown } | null)?.occurredAt;
        index.set(key, { type: stored.type, stream: stored.stream, occurredAt: typeof occurredAt === 'string' ? occurredAt : null });
      }
    }
  }
  return index;
}

if (require.main === module) {
  void runAuditCli(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
