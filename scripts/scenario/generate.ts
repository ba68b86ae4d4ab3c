import 'reflect-metadata';
import { SingleBar } from 'cli-progress';
import { Command, CommanderError } from 'commander';
import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isRuleId, RULE_IDS, type RuleId } from '@ledger/audit';
import { EMBEDDED_EVENTS_FILE, SqliteEventStore } from '@ledger/event-store';
import { loadPolicy } from '@ledger/policy';
import { generateScenario, projectionFileIn } from './scenario';

/**
 * Writes a synthetic history with planted violations into a data folder, for trying the auditor:
 *
 *   node dist/scripts/scenario/generate.js --data-dir DIR [--residents 300] [--seed 1]
 *        [--violations fund-deficit=1,stream-integrity=2,…]
 *
 * The folder must not hold a store yet. Writes DIR/events.sqlite, DIR/projections.sqlite (the read
 * model, as the API would keep it) and DIR/scenario-manifest.json (what was planted). Then:
 * `npm run audit -- --data-dir DIR --as-of <manifest.asOf> --out DIR/reports`.
 */
export function parseViolations(text: string | undefined): Partial<Record<RuleId, number>> {
  const violations: Partial<Record<RuleId, number>> = {};
  if (!text) return violations;
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const [rule, count] = part.split('=');
    if (rule === 'all') {
      for (const id of RULE_IDS) violations[id] = Number(count ?? 1);
      continue;
    }
    if (!isRuleId(rule)) throw new Error(`unknown rule ${JSON.stringify(rule)} in --violations; rules are ${RULE_IDS.join(', ')} (or all=N)`);
    const n = Number(count ?? 1);
    if (!Number.isInteger(n) || n < 0) throw new Error(`--violations ${rule}=${count}: the count must be a whole number ≥ 0`);
    violations[rule] = n;
  }
  return violations;
}

export async function runGenerateCli(argv: readonly string[]): Promise<number> {
  const program = new Command('generate-scenario')
    .requiredOption('--data-dir <dir>', 'folder to write the scenario into (must not hold a store yet)')
    .option('--residents <n>', 'ordinary residents', '300')
    .option('--seed <n>', 'PRNG seed', '1')
    .option('--violations <list>', 'rule=count,… (or all=N) planted violations')
    .addHelpText(
      'after',
      `
Writes DIR/events.sqlite, DIR/projections.sqlite and DIR/scenario-manifest.json (what was planted,
and the asOf to audit at). A folder that already holds a store is refused.

Exit codes: 0 written; 1 failed while writing; 2 bad arguments or a store already there.

Examples:
  npm run scenario -- --data-dir /tmp/scn --violations all=1
  npm run scenario -- --data-dir /tmp/scn2 --residents 1000 --seed 7 --violations fund-deficit=2
  npm run audit -- --data-dir /tmp/scn --as-of <asOf from the manifest> --out /tmp/scn/reports`,
    )
    .exitOverride();
  let options: { dataDir: string; residents: string; seed: string; violations?: string };
  let violations: Partial<Record<RuleId, number>>;
  try {
    program.parse([...argv], { from: 'user' });
    options = program.opts();
    violations = parseViolations(options.violations);
    if (!/^\d+$/.test(options.residents)) throw new Error('--residents must be a whole number');
    if (!/^\d+$/.test(options.seed)) throw new Error('--seed must be a whole number');
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    process.stderr.write(`generate: ${(error as Error).message}\n`);
    return 2;
  }
  const dataDir = resolve(options.dataDir);
  if (existsSync(join(dataDir, EMBEDDED_EVENTS_FILE))) {
    process.stderr.write(`generate: ${join(dataDir, EMBEDDED_EVENTS_FILE)} already exists; give an empty folder\n`);
    return 2;
  }
  let policy;
  try {
    // Before the store is created: a bad parameters file must not leave an empty store behind.
    policy = loadPolicy(process.env.POLICY_FILE || undefined);
  } catch (error) {
    process.stderr.write(`generate: ${(error as Error).message}\n`);
    return 1;
  }
  const store = new SqliteEventStore({ file: join(dataDir, EMBEDDED_EVENTS_FILE) });
  const bar = process.stderr.isTTY ? new SingleBar({ format: 'generating [{bar}] {value}/{total} residents and plants', hideCursor: true }) : null;
  try {
    let started = false;
    const manifest = await generateScenario({
      store,
      policy,
      seed: Number(options.seed),
      residents: Number(options.residents),
      violations,
      projectionFile: projectionFileIn(dataDir),
      onProgress: (done, total) => {
        if (!started) bar?.start(total, 0);
        started = true;
        bar?.update(done);
      },
    });
    bar?.stop();
    writeFileSync(join(dataDir, 'scenario-manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    process.stdout.write(`wrote ${options.residents} residents and ${manifest.planted.length} planted violation(s) to ${dataDir}; audit it as of ${manifest.asOf}\n`);
    return 0;
  } catch (error) {
    bar?.stop();
    process.stderr.write(`generate: ${(error as Error).message}\n`);
    return 1;
  } finally {
    await store.close();
  }
}

if (require.main === module) {
  void runGenerateCli(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
