import 'reflect-metadata';
import Decimal from 'decimal.js';
import { join } from 'node:path';
import { decodeEvent, LedgerService } from '@ledger/application';
import { FUND_IDS, type LedgerCommand, type RecordedBy } from '@ledger/domain';
import type { EventStorePort } from '@ledger/event-store';
import type { Policy } from '@ledger/policy';
import { ProjectionRunner } from '@ledger/projections';
import { isRuleId, RULE_IDS, type RuleId } from '@ledger/audit';
import { fundOfResidentIndex, type ScenarioWriter, type ScenarioYears, writePerCapitaSubsidies, writeResident } from './history';
import { closeFirstYear, confirmMatchingBalance, plantBankDifference, plantLateFact, plantWrongClose } from './book-plants';
import { LEDGER_PLANTS, plantFundDeficit, plantIntegrityBreak, plantReadModelDrift, type PlantContext, type PlantedViolation } from './plants';

export type { PlantedViolation } from './plants';

export interface ScenarioOptions {
  store: EventStorePort;
  policy: Policy;
  seed: number;
  /** How many ordinary residents (planted violations add their own). */
  residents: number;
  /**
   * The first ordinary resident's number (default 1): a second scenario appended to the same store
   * (later years, other plants) starts past the first one's residents so their records never collide.
   */
  firstResident?: number;
  /** How many violations of each rule to plant. */
  violations?: Partial<Record<RuleId, number>>;
  /** Insurance years the history covers; default 2022–2024. */
  years?: ScenarioYears;
  /**
   * The live read model's file (DATA_DIR/projections.sqlite). When given, the read model is built
   * there from the history (as the API would), which ledger-reconciliation violations need.
   */
  projectionFile?: string;
  onProgress?: (done: number, total: number) => void;
}

export interface ScenarioManifest {
  seed: number;
  residents: number;
  years: ScenarioYears;
  /** The cut-off to audit the scenario at: the end of its last year. */
  asOf: string;
  planted: PlantedViolation[];
}

/** Every fact is stamped with this instant: the scenario does not depend on when it is generated. */
export const SCENARIO_CLOCK = new Date('2025-01-31T00:00:00.000Z');
export const SCENARIO_CLERK: RecordedBy = { subject: 'scenario-generator', role: 'clerk' };
export const DEFAULT_YEARS: ScenarioYears = { first: 2022, last: 2024 };

/**
 * Writes a realistic synthetic history (see history.ts) and plants the asked-for violations (see
 * plants.ts), returning the manifest of what was planted. Deterministic in its facts for a seed;
 * event ids are the ledger codec's random UUIDs, so the digest differs between generations.
 */
export async function generateScenario(options: ScenarioOptions): Promise<ScenarioManifest> {
  const { store, policy, seed } = options;
  const years = options.years ?? DEFAULT_YEARS;
  const violations = options.violations ?? {};
  for (const [rule, count] of Object.entries(violations)) {
    if (!isRuleId(rule)) throw new RangeError(`unknown rule ${JSON.stringify(rule)}; rules are ${RULE_IDS.join(', ')}`);
    if (!Number.isInteger(count) || (count as number) < 0) throw new RangeError(`violations of ${rule} must be a whole number ≥ 0`);
  }
  if ((violations['ledger-reconciliation'] ?? 0) > 0 && !options.projectionFile) {
    throw new RangeError('ledger-reconciliation violations drift the read model: give projectionFile');
  }

  const ledger = new LedgerService({ store, policy, clock: () => SCENARIO_CLOCK });
  const writer: ScenarioWriter = {
    ledger,
    store,
    policy,
    clerk: SCENARIO_CLERK,
    run: (command: LedgerCommand) => ledger.execute(command, SCENARIO_CLERK),
  };
  const plantsTotal = Object.values(violations).reduce<number>((sum, count) => sum + (count ?? 0), 0);
  const total = options.residents + plantsTotal;
  let done = 0;
  const tick = () => options.onProgress?.((done += 1), total);

  const enrolledCount = new Map<string, number>();
  const outflow = new Map<string, Decimal>();
  const firstResident = options.firstResident ?? 1;
  for (let index = firstResident; index < firstResident + options.residents; index += 1) {
    const written = await writeResident(writer, seed, index, years);
    const fundId = fundOfResidentIndex(index);
    for (const year of new Set(written.years)) enrolledCount.set(`${fundId}|${year}`, (enrolledCount.get(`${fundId}|${year}`) ?? 0) + 1);
    for (const [year, paid] of written.outflow) outflow.set(`${fundId}|${year}`, (outflow.get(`${fundId}|${year}`) ?? new Decimal(0)).plus(paid));
    tick();
  }
  // Dated 1 January but written last: they cover what the year's claims actually paid out.
  await writePerCapitaSubsidies(writer, enrolledCount, outflow, years, FUND_IDS);

  const context: PlantContext = { ...writer, years, recordedAt: SCENARIO_CLOCK.toISOString() };
  if (firstResident !== 1) context.appendedSuffix = `-${years.first}`;
  const planted: PlantedViolation[] = [];
  for (const rule of RULE_IDS) {
    const plant = LEDGER_PLANTS[rule];
    if (!plant) continue;
    for (let n = 0; n < (violations[rule] ?? 0); n += 1) {
      planted.push(await plant(context, n));
      tick();
    }
  }
  // The first year closed, then facts recorded in it after the close (they move balances, so before the deficits).
  await closeFirstYear(context);
  const closedPeriodPlants = violations['closed-period'] ?? 0;
  for (let n = 0; n < closedPeriodPlants; n += 2) {
    planted.push(await plantLateFact(context, n));
    tick();
  }
  // Deficits are computed from the funds' balances, so they come after every other money fact.
  for (let n = 0; n < (violations['fund-deficit'] ?? 0); n += 1) {
    planted.push(await plantFundDeficit(context, n));
    tick();
  }
  // Bank confirmations compare with the final balances; a wrong close seals a year, so it comes last.
  await confirmMatchingBalance(context);
  for (let n = 0; n < (violations['bank-reconciliation'] ?? 0); n += 1) {
    planted.push(await plantBankDifference(context, n));
    tick();
  }
  for (let n = 1; n < closedPeriodPlants; n += 2) {
    planted.push(await plantWrongClose(context, n));
    tick();
  }
  if (options.projectionFile) {
    const runner = new ProjectionRunner({ store, file: options.projectionFile, decode: decodeEvent });
    await runner.start();
    await runner.stop();
    for (let n = 0; n < (violations['ledger-reconciliation'] ?? 0); n += 1) {
      planted.push(plantReadModelDrift(options.projectionFile, n));
      tick();
    }
  }
  // Last: an unknown event type would stop the read model, and an edit must not reach it.
  for (let n = 0; n < (violations['stream-integrity'] ?? 0); n += 1) {
    planted.push(await plantIntegrityBreak(context, n));
    tick();
  }

  planted.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  return { seed, residents: options.residents, years, asOf: `${years.last}-12-31`, planted };
}

function key(violation: PlantedViolation): string {
  return [violation.rule, violation.fundId ?? '', violation.residentId ?? '', violation.claimId ?? '', violation.description].join('|');
}

export function projectionFileIn(dataDir: string): string {
  return join(dataDir, 'projections.sqlite');
}
