import 'reflect-metadata';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { EMBEDDED_EVENTS_FILE, openEventStore } from '@ledger/event-store';
import { loadPolicy } from '@ledger/policy';
import { runAuditCli } from '../../apps/auditor/src/cli';
import { importSyntheticYear } from '../synthetic/import-year';

/**
 * Issue 18 item 4, measured: a history of several synthetic years (the same residents each year,
 * written day by day), the yearly audits sealed one after another, then the last year audited
 * both ways, back to back and alternating — a full replay from the first event and a resume from
 * the previous year's sealed state — with the same reports checked.
 *
 *   node dist/scripts/bench/incremental-audit.js DIR RESIDENTS FIRST_YEAR LAST_YEAR [ROUNDS]
 *
 * DIR is created (and reused when it already holds the years: delete it to regenerate).
 */
async function main(): Promise<void> {
  const [dir, residentsText, firstText, lastText, roundsText] = process.argv.slice(2);
  const residents = Number(residentsText);
  const first = Number(firstText);
  const last = Number(lastText);
  const rounds = Number(roundsText ?? 3);
  const dataDir = join(dir, 'data');
  const policy = loadPolicy();
  mkdirSync(dataDir, { recursive: true });
  const io = { stdout: { write: () => true }, stderr: { write: (text: string) => process.stderr.write(text), isTTY: false }, env: {} as NodeJS.ProcessEnv };
  const audit = async (args: string[]) => {
    const started = performance.now();
    const code = await runAuditCli([...args, '--data-dir', dataDir], io);
    if (code !== 0) throw new Error(`audit ${args.join(' ')} exited ${code}`);
    return performance.now() - started;
  };

  if (!existsSync(join(dataDir, EMBEDDED_EVENTS_FILE))) {
    const store = await openEventStore({ dataDir });
    for (let year = first; year <= last; year += 1) {
      const result = await importSyntheticYear({ store, policy, residents, seed: 2025, year });
      process.stderr.write(`year ${year}: ${result.events} events in ${(result.totalMs / 1000).toFixed(1)} s\n`);
    }
    await store.close();
  }
  const store = await openEventStore({ dataDir, readOnly: true });
  const head = (await store.headPosition())!;
  await store.close();

  // The yearly chain of sealed audits up to the year before the last.
  const reports = join(dir, 'reports');
  let previous: { report: string; state: string } | null = null;
  for (let year = first; year < last; year += 1) {
    const state = join(dir, `state-${year}.bin`);
    // Without --position: each seal reads up to the event before the first one dated after its year.
    const args = ['--as-of', `${year}-12-31`, '--out', join(reports, String(year)), '--seal', state];
    if (previous) args.push('--resume', previous.state, '--baseline', previous.report);
    const ms = await audit(args);
    process.stderr.write(`sealed ${year} in ${(ms / 1000).toFixed(1)} s${previous ? ' (resumed)' : ''}\n`);
    previous = { report: join(reports, String(year), `inspection-${year}-12-31.json`), state };
  }
  const asOf = `${last}-12-31`;
  const full: number[] = [];
  const resumed: number[] = [];
  const load: number[] = [];
  for (let round = 0; round < rounds; round += 1) {
    const order = round % 2 === 0 ? ['full', 'resumed'] : ['resumed', 'full'];
    for (const kind of order) {
      load.push(loadavg()[0]);
      const out = join(reports, `${kind}-${round}`);
      const args = ['--as-of', asOf, '--out', out, '--baseline', previous!.report];
      if (kind === 'resumed') args.push('--resume', previous!.state);
      const ms = await audit(args);
      (kind === 'full' ? full : resumed).push(ms);
      process.stderr.write(`${kind}: ${(ms / 1000).toFixed(2)} s\n`);
    }
    const a = JSON.parse(readFileSync(join(reports, `full-${round}`, `inspection-${asOf}.json`), 'utf8'));
    const b = JSON.parse(readFileSync(join(reports, `resumed-${round}`, `inspection-${asOf}.json`), 'utf8'));
    delete b.resumedFrom;
    if (JSON.stringify(a) !== JSON.stringify(b)) throw new Error('the resumed report differs from the full replay');
    rmSync(join(reports, `full-${round}`), { recursive: true });
    rmSync(join(reports, `resumed-${round}`), { recursive: true });
  }
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
  const summary = {
    events: Number(head),
    eventsAfterSeal: Number(head) - Number(JSON.parse(readFileSync(previous!.report, 'utf8')).lastPositionRead),
    fullMedianS: +(median(full) / 1000).toFixed(2),
    resumedMedianS: +(median(resumed) / 1000).toFixed(2),
    ratio: +(median(resumed) / median(full)).toFixed(3),
    full: full.map((ms) => +(ms / 1000).toFixed(2)),
    resumed: resumed.map((ms) => +(ms / 1000).toFixed(2)),
    load1: load.map((l) => +l.toFixed(2)),
  };
  process.stdout.write(`${JSON.stringify(summary)}\n`);
}

void main().catch((error) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exitCode = 1;
});
