import { CommanderError, Command, Option } from 'commander';
import { SingleBar } from 'cli-progress';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  Auditor,
  baselineFromReport,
  type LiveProjection,
  type LogBaseline,
  positionJson,
  readSealedState,
  replayStore,
  SealedStateRefused,
  type SealedStateHeader,
  serializeReport,
  sha256Hex,
  writeSealedState,
} from '@ledger/audit';
import { resolveDataDir } from '@ledger/access';
import { isBusinessDate, shanghaiDateOf } from '@ledger/domain';
import { EMBEDDED_EVENTS_FILE, type EventStorePort, openEventStore, parsePosition, type Position } from '@ledger/event-store';
import { loadPolicy } from '@ledger/policy';
import { readFundLedgerFile } from '@ledger/projections';
import { checkHashesInline, collectHashCheck, type ParallelHashCheck, parallelHashCheckAvailable, startParallelHashCheck } from './parallel-hash-check';
import { lastPositionBeforeLaterEvent } from './seal-position';
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
unreadable store, unreadable parameters, unwritable output); 2 bad arguments; 3 a sealed state
was refused (--seal: the history read cannot be sealed; --resume: the state, its report or the
store's history through the sealed position do not match) — the message names what.

Incremental audits: --seal FILE also writes the audit's state at its last position (the report
records the file's sha256). A state holds only events it replayed, so without --position a sealing
audit reads up to the event before the first one dated after --as-of. A later audit given
--resume FILE --baseline ITS-REPORT replays only the events after that position, once the file
matches the report's sha256 and the store's history through the sealed position still has the log
digest the report states (recomputed from the first event, as --baseline does); otherwise nothing
is written. Its report is the one a full replay writes, but for its "resumedFrom" field.

Examples:
  npm run audit                                            # up to today (Asia/Shanghai), into ./reports
  npm run audit -- --as-of 2024-12-31 --out reports
  npm run audit -- --as-of 2025-06-30 --position 120000    # and no further than that store position
  npm run audit -- --baseline reports/inspection-2024-12-31.json   # the history that audit saw is unchanged
  npm run audit -- --as-of 2024-12-31 --lang en            # the HTML in English (the JSON carries both languages)
  npm run audit -- --as-of 2024-12-31 --seal reports/state-2024.bin   # reads up to the first event dated after the cut-off
  npm run audit -- --as-of 2025-12-31 --resume reports/state-2024.bin --baseline reports/inspection-2024-12-31.json --seal reports/state-2025.bin
  DATA_DIR=/tmp/scn npm run audit -- --as-of 2025-12-31 --out /tmp/scn/reports`;

export const EXIT_OK = 0;
export const EXIT_COULD_NOT_RUN = 1;
export const EXIT_BAD_ARGUMENTS = 2;
export const EXIT_STATE_REFUSED = 3;

class UsageError extends Error {}

interface CliOptions {
  asOf: string;
  out: string;
  dataDir?: string;
  position?: string;
  baseline?: string;
  seal?: string;
  resume?: string;
  lang: ReportLanguage;
}

/** The state a --resume names, read and checked against the sha256 its --baseline report records. */
interface ResumeFrom {
  header: SealedStateHeader;
  payload: Buffer;
  sha256: string;
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
    .option('--seal <state-file>', "also write the audit's state at its last position, for a later --resume (the report records its sha256)")
    .option('--resume <state-file>', "start from a state an earlier audit sealed (with --baseline that audit's report): replay only the events after it")
    .addOption(new Option('--lang <lang>', "the HTML report's language (the JSON carries both)").choices(REPORT_LANGUAGES).default('zh'))
    .addHelpText('after', AUDIT_HELP)
    .exitOverride()
    .configureOutput({ writeOut: (text) => stdout.write(text), writeErr: (text) => stderr.write(text) });

  let options: CliOptions;
  let throughPosition: Position | null = null;
  let baseline: LogBaseline | null = null;
  let baselineJson: unknown = null;
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
      ({ baseline, json: baselineJson } = readBaseline(resolve(cwd, options.baseline)));
      if (throughPosition !== null && throughPosition < baseline.position) {
        throw new UsageError(`--position ${throughPosition} stops before the baseline's last position ${baseline.position}: the audit must read the history the baseline covers`);
      }
    }
    if (options.resume !== undefined && options.baseline === undefined) {
      throw new UsageError('--resume needs --baseline: the report of the audit that sealed the state (it records the state\'s sha256 and log digest)');
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
  let resumeFrom: ResumeFrom | null = null;
  try {
    if (options.resume !== undefined) resumeFrom = readResumeState(resolve(cwd, options.resume), baselineJson);
  } catch (error) {
    stderr.write(`auditor: ${(error as Error).message}\n`);
    return error instanceof SealedStateRefused ? EXIT_STATE_REFUSED : EXIT_COULD_NOT_RUN;
  }
  const resumeAfter = resumeFrom ? BigInt(resumeFrom.header.position) : null;
  let sealing = false;
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
    if (options.seal !== undefined && throughPosition === null && !connectionString) {
      throughPosition = lastPositionBeforeLaterEvent(join(dataDir, EMBEDDED_EVENTS_FILE), resumeAfter ?? 0n, options.asOf);
      if (throughPosition !== null) stdout.write(`sealing through position ${throughPosition}: the next event is dated after ${options.asOf}\n`);
    }
    const readThrough = head === null ? 0n : throughPosition !== null && throughPosition < head ? throughPosition : head;

    // Read before the first event, so the digest's snapshot covers at least what is replayed.
    const logDigest = store.logDigest ? await store.logDigest() : null;
    let hashCheck: ParallelHashCheck | null = null;
    // The history checks go to the worker too, but for a state that is sealed or resumed: it holds their state.
    const historyInWorker = options.seal === undefined && resumeFrom === null;
    if (!connectionString && readThrough > 0n && parallelHashCheckAvailable()) {
      hashCheck = startParallelHashCheck(join(dataDir, EMBEDDED_EVENTS_FILE), readThrough, logDigest, undefined, baseline?.position ?? null, resumeAfter, historyInWorker);
      await hashCheck.ready.catch(async () => {
        await hashCheck?.stop();
        hashCheck = null;
      });
    }
    const auditorOptions = {
      policy,
      asOf: options.asOf,
      throughPosition,
      projectionCheckpoint: projection ? projection.checkpoint : undefined,
      contentHashes: hashCheck ? 'elsewhere' : 'verify',
      historyChecks: hashCheck && historyInWorker ? 'elsewhere' : 'verify',
      // A resumed audit always has the log digests recomputed apart, from the first event (below without the worker).
      logDigest: hashCheck || resumeFrom ? 'elsewhere' : 'verify',
      baseline,
      sealable: options.seal !== undefined,
    } as const;
    const loading = Date.now();
    const auditor = resumeFrom ? Auditor.resume(auditorOptions, resumeFrom, logDigest) : new Auditor(auditorOptions);
    if (resumeFrom) stdout.write(`resumed from the state sealed at position ${resumeFrom.header.position} (loaded in ${((Date.now() - loading) / 1000).toFixed(1)} s)\n`);
    const bar = stderr.isTTY ? new SingleBar({ stream: stderr as NodeJS.WritableStream, format: 'auditing [{bar}] {percentage}% | position {value}/{total}', hideCursor: true }) : null;
    bar?.start(Number(readThrough), 0);
    await replayStore(store, auditor, { after: resumeAfter, through: readThrough, logDigest, onProgress: (progress) => bar?.update(Number(progress.position)) });
    bar?.stop();
    if (hashCheck) await collectHashCheck(hashCheck, store, auditor, readThrough, logDigest);
    else if (resumeFrom) await checkHashesInline(store, auditor, readThrough, { contentHashes: false, logDigest, logChain: true });
    auditor.verifyResumedHistory();

    const live: LiveProjection | null = projection ? { ledger: projection.ledger, checkpoint: projection.checkpoint } : null;
    const report = auditor.report(live);
    mkdirSync(outDir, { recursive: true });
    if (resumeFrom) report.resumedFrom = { position: positionJson(resumeAfter)!, sealedStateSha256: resumeFrom.sha256 };
    if (options.seal !== undefined) {
      sealing = true;
      const { header, payload } = auditor.seal();
      const file = writeSealedState(header, payload);
      const sealFile = resolve(cwd, options.seal);
      writeFileSync(sealFile, file);
      report.sealedState = { position: positionJson(BigInt(header.position))!, logDigest: header.logDigest, sha256: sha256Hex(file) };
      stdout.write(`sealed the audit's state through position ${header.position} into ${sealFile} (sha256 ${report.sealedState.sha256})\n`);
    }
    const base = join(outDir, `inspection-${options.asOf}`);
    writeFileSync(`${base}.json`, serializeReport(report));
    writeFileSync(`${base}.html`, renderInspectionHtml(report, { lang: options.lang, evidence: await evidenceIndex(store, report) }));
    stdout.write(
      `inspection as of ${options.asOf}: ${report.eventsReplayed} events replayed (${report.eventsRead} read), ${report.summary.findings} finding(s); wrote ${base}.json and ${base}.html\n`,
    );
    return EXIT_OK;
  } catch (error) {
    if (error instanceof SealedStateRefused) {
      stderr.write(`auditor: ${sealing ? `refused to seal into ${options.seal}` : `refused to resume from ${options.resume}`}: ${error.message}\n`);
      return EXIT_STATE_REFUSED;
    }
    stderr.write(`auditor: could not run: ${(error as Error).message}\n`);
    return EXIT_COULD_NOT_RUN;
  } finally {
    await store?.close().catch(() => undefined);
  }
}

/**
 * The sealed state named by --resume, refused unless the --baseline report records it (its sha256,
 * position and log digest) — the report is what ties a state to an audit someone signed off.
 */
function readResumeState(file: string, report: unknown): ResumeFrom {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new Error(`--resume ${file}: cannot read it (${(error as Error).message})`);
  }
  const sealed = (report as { sealedState?: { sha256?: unknown; position?: unknown; logDigest?: unknown } } | null)?.sealedState;
  if (!sealed || typeof sealed.sha256 !== 'string') {
    throw new SealedStateRefused(`--resume ${file}: the --baseline report records no sealed state (it was not written with --seal)`);
  }
  const sha256 = sha256Hex(bytes);
  if (sha256 !== sealed.sha256) {
    throw new SealedStateRefused(`--resume ${file}: its sha256 ${sha256} is not the one the --baseline report records (${sealed.sha256}): the state was changed, or is another audit's`);
  }
  const { header, payload } = readSealedState(bytes);
  if (header.position !== String(sealed.position) || header.logDigest !== sealed.logDigest) {
    throw new SealedStateRefused(`--resume ${file}: the state is of position ${header.position} (log digest ${header.logDigest}), the report's seal of position ${String(sealed.position)} (${String(sealed.logDigest)})`);
  }
  return { header, payload, sha256 };
}

/** The baseline report named by --baseline; a usage error names what is wrong with it. */
function readBaseline(file: string): { baseline: LogBaseline; json: unknown } {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`--baseline ${file}: cannot read it as JSON (${(error as Error).message})`);
  }
  try {
    return { baseline: baselineFromReport(json), json };
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
