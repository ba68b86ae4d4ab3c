import 'reflect-metadata';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { EMBEDDED_EVENTS_FILE, openEventStore } from '@ledger/event-store';
import { loadPolicy } from '@ledger/policy';
import { runAuditCli } from '../../apps/auditor/src/cli';
import { importSyntheticYear } from '../synthetic/import-year';

/**
 * Issue 18 item 4, measured: a history of several synthetic years (20,000 residents a year, written
 * day by day; a resident's id holds the birth date the year's draw gives, so each year's residents
 * are new ids and a resumed year touches none of the earlier residents' records), the yearly audits
 * sealed one after another, then the last year audited three ways, back to back and alternating
 * — a full replay from the first event, a resume from the previous year's sealed state, and the
 * first year alone from scratch (the "time of one year" a resume is held to) — with the same
 * reports checked. Each audit's wall and CPU time
 * (process.cpuUsage: main thread and the hash-check worker), the state's size and load time.
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
  let loadedS: number | null = null;
  const io = {
    stdout: {
      write: (text: string) => {
        const loaded = /loaded in ([\d.]+) s/.exec(text);
        if (loaded) loadedS = Number(loaded[1]);
        return true;
      },
    },
    stderr: { write: (text: string) => process.stderr.write(text), isTTY: false },
    env: {} as NodeJS.ProcessEnv,
  };
  let lastCpuMs = 0;
  const audit = async (args: string[]) => {
    const started = performance.now();
    const cpu = process.cpuUsage();
    const code = await runAuditCli([...args, '--data-dir', dataDir], io);
    if (code !== 0) throw new Error(`audit ${args.join(' ')} exited ${code}`);
    const used = process.cpuUsage(cpu);
    lastCpuMs = (used.user + used.system) / 1000;
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
  let firstYearThrough = '';
  for (let year = first; year < last; year += 1) {
    const state = join(dir, `state-${year}.bin`);
    // Without --position: each seal reads up to the event before the first one dated after its year.
    const args = ['--as-of', `${year}-12-31`, '--out', join(reports, String(year)), '--seal', state];
    if (previous) args.push('--resume', previous.state, '--baseline', previous.report);
    const ms = await audit(args);
    process.stderr.write(`sealed ${year} in ${(ms / 1000).toFixed(1)} s${previous ? ' (resumed)' : ''}\n`);
    previous = { report: join(reports, String(year), `inspection-${year}-12-31.json`), state };
    if (year === first) firstYearThrough = String(JSON.parse(readFileSync(previous.report, 'utf8')).lastPositionRead);
  }
  const asOf = `${last}-12-31`;
  const kinds = ['full', 'resumed', 'oneYear'] as const;
  const wall: Record<string, number[]> = { full: [], resumed: [], oneYear: [] };
  const cpu: Record<string, number[]> = { full: [], resumed: [], oneYear: [] };
  const loads: number[] = [];
  const load: number[] = [];
  for (let round = 0; round < rounds; round += 1) {
    // Each round starts with another kind, so none always runs first (or after the same one).
    const order = kinds.map((_, i) => kinds[(i + round) % kinds.length]);
    for (const kind of order) {
      load.push(loadavg()[0]);
      const out = join(reports, `${kind}-${round}`);
      const args =
        kind === 'oneYear'
          ? ['--as-of', `${first}-12-31`, '--position', firstYearThrough, '--out', out]
          : ['--as-of', asOf, '--out', out, '--baseline', previous!.report, ...(kind === 'resumed' ? ['--resume', previous!.state] : [])];
      loadedS = null;
      const ms = await audit(args);
      wall[kind].push(ms);
      cpu[kind].push(lastCpuMs);
      if (kind === 'resumed' && loadedS !== null) loads.push(loadedS);
      process.stderr.write(`${kind}: ${(ms / 1000).toFixed(2)} s, cpu ${(lastCpuMs / 1000).toFixed(2)} s${kind === 'resumed' ? `, state loaded in ${loadedS} s` : ''}\n`);
    }
    const a = JSON.parse(readFileSync(join(reports, `full-${round}`, `inspection-${asOf}.json`), 'utf8'));
    const b = JSON.parse(readFileSync(join(reports, `resumed-${round}`, `inspection-${asOf}.json`), 'utf8'));
    delete b.resumedFrom;
    if (JSON.stringify(a) !== JSON.stringify(b)) throw new Error('the resumed report differs from the full replay');
    for (const kind of kinds) rmSync(join(reports, `${kind}-${round}`), { recursive: true });
  }
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
  const seconds = (xs: number[]) => xs.map((ms) => +(ms / 1000).toFixed(2));
  const eventsAfterSeal = Number(head) - Number(JSON.parse(readFileSync(previous!.report, 'utf8')).lastPositionRead);
  const summary = {
    years: last - first + 1,
    events: Number(head),
    eventsAfterSeal,
    firstYearEvents: Number(firstYearThrough),
    stateBytes: statSync(previous!.state).size,
    stateBytesPerEventBefore: +(statSync(previous!.state).size / (Number(head) - eventsAfterSeal)).toFixed(1),
    stateLoadMedianS: loads.length ? median(loads) : null,
    fullMedianS: +(median(wall.full) / 1000).toFixed(2),
    resumedMedianS: +(median(wall.resumed) / 1000).toFixed(2),
    oneYearMedianS: +(median(wall.oneYear) / 1000).toFixed(2),
    resumedOverFull: +(median(wall.resumed) / median(wall.full)).toFixed(3),
    resumedOverOneYear: +(median(wall.resumed) / median(wall.oneYear)).toFixed(3),
    cpuUsPerEvent: {
      full: +((median(cpu.full) * 1000) / Number(head)).toFixed(1),
      resumedPerEventAfterSeal: +((median(cpu.resumed) * 1000) / eventsAfterSeal).toFixed(1),
      oneYear: +((median(cpu.oneYear) * 1000) / Number(firstYearThrough)).toFixed(1),
    },
    resumedOverOneYearCpu: +(median(cpu.resumed) / median(cpu.oneYear)).toFixed(3),
    wallS: Object.fromEntries(kinds.map((k) => [k, seconds(wall[k])])),
    cpuS: Object.fromEntries(kinds.map((k) => [k, seconds(cpu[k])])),
    stateLoadS: loads,
    load1: load.map((l) => +l.toFixed(2)),
  };
  process.stdout.write(`${JSON.stringify(summary)}\n`);
}

void main().catch((error) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exitCode = 1;
});
