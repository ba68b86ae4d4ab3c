import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type Decimal from 'decimal.js';
import YAML from 'yaml';
import {
  ASSISTANCE_GROUPS,
  type AssistanceGroupName,
  type CareType,
  type Category,
  HARDSHIP_CODES,
  type HardshipCode,
  type InstitutionLevel,
  type SubsidyLevel,
  isAssistanceGroupName,
  isCareType,
  isCategory,
  isHardshipCode,
} from './codes';
import { type BusinessDate, addYears, assertBusinessDate, firstDayOfYear, isValidBusinessDate } from './dates';
import { ZERO, toDecimal } from './decimal';
import { PARAMETER_PATHS as P, PARAMETER_SPECS, type ParameterKind, type ParameterSpec } from './schema';

export const BUNDLED_PARAMETERS_FILE = 'wuhan-resident-medical-insurance.yaml';

/** The parameters file is unreadable or breaks a rule; the message names the file, the parameter and the reason. */
export class PolicyFileError extends Error {
  constructor(
    readonly file: string,
    readonly parameterPath: string | null,
    readonly reason: string,
  ) {
    super(`${file}: ${parameterPath === null ? '' : `parameter "${parameterPath}": `}${reason}`);
    this.name = 'PolicyFileError';
  }
}

/** A parameter was asked for on a date before its first effective date. */
export class PolicyNotInForceError extends Error {
  constructor(
    readonly parameterPath: string,
    readonly on: BusinessDate,
    readonly firstEffectiveDate: BusinessDate,
    file: string,
  ) {
    super(`policy parameter "${parameterPath}" is not in force on ${on}: its first value takes effect ${firstEffectiveDate} (${file})`);
    this.name = 'PolicyNotInForceError';
  }
}

/** One bracket of a cumulative critical-illness schedule: pays `ratio` on the part up to `upTo` (inclusive; null = unbounded). */
export interface Tier {
  upTo: Decimal | null;
  ratio: Decimal;
}

export type CriticalIllnessScheduleName = 'ordinary' | 'registered-poor';

export interface CriticalIllnessSchedule {
  schedule: CriticalIllnessScheduleName;
  /** Cumulative personal burden within scope at or below which nothing is paid. */
  deductible: Decimal;
  tiers: readonly Tier[];
  annualCap: Decimal;
}

export interface AssistanceGroup {
  /** null: no assistance group applies (ratio and cap are then 0). */
  group: AssistanceGroupName | null;
  ratio: Decimal;
  annualCap: Decimal;
}

type ParameterValue = Decimal | number | readonly string[] | readonly Tier[];

interface DatedValue {
  effectiveFrom: BusinessDate;
  value: ParameterValue;
  source: string;
}

/** A parameter's value as plain JSON, for reports that must show which figures were applied. */
export type ParameterValueJson = string | number | string[] | Array<{ upTo: string | null; ratio: string }>;

export interface ParameterHistoryEntry {
  effectiveFrom: BusinessDate;
  value: ParameterValueJson;
  source: string;
}

/**
 * The parameters of one file, validated. Every accessor takes the business date the value must
 * be in force on and returns the value with the latest effective date on or before it.
 * Load once (at start-up) and share: a Policy is immutable.
 */
export class Policy {
  constructor(
    readonly file: string,
    readonly version: string,
    readonly description: string,
    /** sha256 (hex) of the file's bytes: names exactly which parameters a computation used. */
    readonly digest: string,
    private readonly parameters: ReadonlyMap<string, readonly DatedValue[]>,
  ) {}

  // ---- generic access -------------------------------------------------------------------

  /**
   * Every date on which some parameter takes effect, sorted and unique: between two of them (and
   * after the last) every parameter has the same value, so an answer that depends on its date only
   * through the parameters in force is the same for all the dates between (remembering-policy.ts).
   */
  effectiveDates(): BusinessDate[] {
    const dates = new Set<BusinessDate>();
    for (const values of this.parameters.values()) for (const value of values) dates.add(value.effectiveFrom);
    return [...dates].sort();
  }

  parameterPaths(): string[] {
    return [...this.parameters.keys()].sort();
  }

  /** Every dated value of a parameter, oldest first. */
  history(parameterPath: string): ParameterHistoryEntry[] {
    return this.datedValues(parameterPath).map((entry) => ({
      effectiveFrom: entry.effectiveFrom,
      value: valueToJson(entry.value),
      source: entry.source,
    }));
  }

  /** Whether the parameter has a value on `on` (i.e. asking for it would not throw). */
  inForce(parameterPath: string, on: BusinessDate): boolean {
    assertBusinessDate(on, 'on');
    const values = this.parameters.get(parameterPath);
    return values !== undefined && values[0].effectiveFrom <= on;
  }

  /** The dated value in force on `on`, with its source. */
  entryAt(parameterPath: string, on: BusinessDate): ParameterHistoryEntry {
    const entry = this.datedValueAt(parameterPath, on);
    return { effectiveFrom: entry.effectiveFrom, value: valueToJson(entry.value), source: entry.source };
  }

  // ---- contributions and subsidies -----------------------------------------------------------

  /** Individual contribution (yuan/person/year) for the insurance year, as in force on 1 January of it. */
  contributionStandard(year: number, category: Category): Decimal {
    if (!isCategory(category)) throw new RangeError(`unknown category: ${JSON.stringify(category)}`);
    return this.money(P.contribution(category), firstDayOfYear(year));
  }

  /** Per-capita fiscal subsidy (yuan/person/year) of one government level for the year. */
  perCapitaSubsidy(year: number, level: SubsidyLevel): Decimal {
    return this.money(P.perCapitaSubsidy(level), firstDayOfYear(year));
  }

  /** The critical-illness premium per insured resident for an insurance year (an assumption: see the file). */
  criticalIllnessPremiumPerCapita(year: number): Decimal {
    return this.money(P.criticalIllnessPremiumPerCapita, firstDayOfYear(year));
  }

  // ---- newborns, benefit start, filing windows -----------------------------------------------------

  newbornMaxAgeYears(on: BusinessDate): number {
    return this.wholeNumber(P.newbornMaxAgeYears, on);
  }

  /** 1周岁及以内 (opinions-2017 §五(一)): born on or before `on`, and `on` no later than the first birthday. */
  isNewborn(birthDate: BusinessDate, on: BusinessDate): boolean {
    assertBusinessDate(birthDate, 'birthDate');
    assertBusinessDate(on, 'on');
    if (on < birthDate) return false;
    return on <= addYears(birthDate, this.newbornMaxAgeYears(on));
  }

  /** Registration / payment within this many days of birth (inclusive) starts benefits at birth (opinions-2017 §五(三)). */
  newbornWindowDays(on: BusinessDate): number {
    return this.wholeNumber(P.newbornWindowDays, on);
  }

  ordinaryBenefitWaitingDays(on: BusinessDate): number {
    return this.wholeNumber(P.ordinaryWaitingDays, on);
  }

  /** Days after the end of treatment to file a cash-advance claim (opinions-2017 §十(四)). */
  cashAdvanceWindowDays(universityStudent: boolean, on: BusinessDate): number {
    return this.wholeNumber(universityStudent ? P.cashAdvanceUniversity : P.cashAdvanceOrdinary, on);
  }

  // ---- insurers and funds --------------------------------------------------------------------

  /** Days from receipt of a critical-illness claim to the insurer's decision (linkage-2018 §二(四)1). */
  insurerDecisionDays(on: BusinessDate): number {
    return this.wholeNumber(P.insurerDecisionDays, on);
  }

  /** Days from a covered decision to payment (linkage-2018 §二(四)1). */
  insurerPaymentDays(on: BusinessDate): number {
    return this.wholeNumber(P.insurerPaymentDays, on);
  }

  /** An inpatient readmission to the same institution within this many days of discharge is a possible split admission (分解住院, 条例 art. 15). */
  splitAdmissionDays(on: BusinessDate): number {
    return this.wholeNumber(P.splitAdmissionDays, on);
  }

  /** A fund paying fewer months of outflow than this from its balance is flagged. */
  monthsOfPaymentWarning(on: BusinessDate): Decimal {
    return this.decimal(P.monthsOfPaymentWarning, on);
  }

  /** Below this many months of outflow a fund's balance is short (结余不足). */
  monthsOfPaymentShortage(on: BusinessDate): Decimal {
    return this.decimal(P.monthsOfPaymentShortage, on);
  }

  /** Above this many months of outflow a fund holds too much (结余过多). */
  monthsOfPaymentExcess(on: BusinessDate): Decimal {
    return this.decimal(P.monthsOfPaymentExcess, on);
  }

  // ---- hardship groups ---------------------------------------------------------------------

  /** The person's codes plus those they imply (e.g. a dibao-disabled person is a dibao recipient), sorted in HARDSHIP_CODES order. */
  expandHardship(hardship: readonly HardshipCode[], on: BusinessDate): HardshipCode[] {
    const codes = new Set<HardshipCode>();
    const pending = [...hardship];
    while (pending.length > 0) {
      const code = pending.pop() as HardshipCode;
      if (!isHardshipCode(code)) throw new RangeError(`unknown hardship code: ${JSON.stringify(code)}`);
      if (codes.has(code)) continue;
      codes.add(code);
      const impliesPath = P.hardshipImplies(code);
      if (this.inForce(impliesPath, on)) pending.push(...this.codes<HardshipCode>(impliesPath, on));
    }
    return HARDSHIP_CODES.filter((code) => codes.has(code));
  }

  private anyOf(hardship: readonly HardshipCode[], groupPath: string, on: BusinessDate): boolean {
    const members = this.codes<HardshipCode>(groupPath, on);
    return this.expandHardship(hardship, on).some((code) => members.includes(code));
  }

  /** The inpatient deductible (起付标准) is waived for these groups (linkage-2018 §二(二)1). */
  deductibleWaived(hardship: readonly HardshipCode[], on: BusinessDate): boolean {
    return this.anyOf(hardship, P.deductibleWaivedGroups, on);
  }

  /** Added to the inpatient basic fund ratio: +2 points for dibao-disabled (linkage-2018 §二(二)1), else 0. */
  inpatientRatioIncrease(hardship: readonly HardshipCode[], on: BusinessDate): Decimal {
    return this.anyOf(hardship, P.ratioIncreaseGroups, on) ? this.ratio(P.ratioIncreasePoints, on) : ZERO;
  }

  // ---- basic insurance ---------------------------------------------------------------------

  basicDeductible(careType: CareType, level: InstitutionLevel, on: BusinessDate): Decimal {
    return this.money(P.basicDeductible(checkedCareType(careType), checkedLevel(level)), on);
  }

  basicRatio(careType: CareType, level: InstitutionLevel, on: BusinessDate): Decimal {
    return this.ratio(P.basicRatio(checkedCareType(careType), checkedLevel(level)), on);
  }

  basicAnnualCap(on: BusinessDate): Decimal {
    return this.money(P.basicAnnualCap, on);
  }

  nonDesignatedRatioReduction(on: BusinessDate): Decimal {
    return this.ratio(P.nonDesignatedRatioReduction, on);
  }

  // ---- critical-illness insurance -------------------------------------------------------------

  criticalIllnessCareTypes(on: BusinessDate): CareType[] {
    return this.codes<CareType>(P.criticalIllnessCareTypes, on);
  }

  ordinaryCriticalIllness(on: BusinessDate): CriticalIllnessSchedule {
    return this.criticalIllnessScheduleNamed('ordinary', on);
  }

  /** 建档立卡农村贫困人口: 4800 deductible, tiers 65/75/85%, cap 500000 (linkage-2018 §二(二)1). */
  registeredPoorCriticalIllness(on: BusinessDate): CriticalIllnessSchedule {
    return this.criticalIllnessScheduleNamed('registered-poor', on);
  }

  /** The schedule a person is settled under: the registered-poor one while it is in force for them, else the ordinary one. */
  criticalIllnessSchedule(hardship: readonly HardshipCode[], on: BusinessDate): CriticalIllnessSchedule {
    const registeredPoor = this.expandHardship(hardship, on).includes('registered-poor');
    if (registeredPoor && this.inForce(P.criticalIllness('registered-poor', 'deductible'), on)) {
      return this.registeredPoorCriticalIllness(on);
    }
    return this.ordinaryCriticalIllness(on);
  }

  private criticalIllnessScheduleNamed(schedule: CriticalIllnessScheduleName, on: BusinessDate): CriticalIllnessSchedule {
    return {
      schedule,
      deductible: this.money(P.criticalIllness(schedule, 'deductible'), on),
      tiers: this.tiers(P.criticalIllness(schedule, 'tiers'), on),
      annualCap: this.money(P.criticalIllness(schedule, 'annual-cap'), on),
    };
  }

  // ---- medical assistance ------------------------------------------------------------------

  /**
   * The medical assistance group (linkage-2018 §二(二)2). Someone not entitled to basic insurance
   * benefits falls under the uninsured rule (30%, cap 10000); otherwise the most favourable group
   * the person's codes belong to (higher ratio, then higher cap). No matching group → null, 0, 0.
   */
  assistanceGroup(hardship: readonly HardshipCode[], entitledToBasic: boolean, on: BusinessDate): AssistanceGroup {
    return this.bestAssistanceGroup(hardship, entitledToBasic, on, ASSISTANCE_GROUPS);
  }

  /**
   * The group whose assistance is paid one-stop at settlement (linkage-2018 §二(二)3): as
   * `assistanceGroup`, among the groups of medical-assistance.one-stop-groups only. Illness-poverty
   * targets are assisted on application instead (§二(二)2), so for them alone this is null.
   */
  oneStopAssistanceGroup(hardship: readonly HardshipCode[], entitledToBasic: boolean, on: BusinessDate): AssistanceGroup {
    return this.bestAssistanceGroup(hardship, entitledToBasic, on, this.oneStopAssistanceGroups(on));
  }

  /** The assistance groups paid at one-stop settlement; the others are assisted on application. */
  oneStopAssistanceGroups(on: BusinessDate): AssistanceGroupName[] {
    return this.codes<AssistanceGroupName>(P.oneStopAssistanceGroups, on);
  }

  private bestAssistanceGroup(
    hardship: readonly HardshipCode[],
    entitledToBasic: boolean,
    on: BusinessDate,
    among: readonly AssistanceGroupName[],
  ): AssistanceGroup {
    const codes = this.expandHardship(hardship, on);
    const candidates = among.filter((group) => (group === 'uninsured') === !entitledToBasic);
    let best: AssistanceGroup = { group: null, ratio: ZERO, annualCap: ZERO };
    for (const group of candidates) {
      const members = this.codes<HardshipCode>(P.assistance(group, 'members'), on);
      if (!codes.some((code) => members.includes(code))) continue;
      const candidate = this.assistanceGroupNamed(group, on);
      const better =
        best.group === null ||
        candidate.ratio.greaterThan(best.ratio) ||
        (candidate.ratio.equals(best.ratio) && candidate.annualCap.greaterThan(best.annualCap));
      if (better) best = candidate;
    }
    return best;
  }

  /** One group's ratio and annual cap, whoever asks (a look-back application names its group). */
  assistanceGroupNamed(group: AssistanceGroupName, on: BusinessDate): AssistanceGroup & { group: AssistanceGroupName } {
    return { group, ratio: this.ratio(P.assistance(group, 'ratio'), on), annualCap: this.money(P.assistance(group, 'annual-cap'), on) };
  }

  /** Outpatient assistance ratio while the year's compliant outpatient cost is below the critical-illness deductible. */
  outpatientAssistanceBelowThresholdRatio(on: BusinessDate): Decimal {
    return this.ratio(P.outpatientBelowThresholdRatio, on);
  }

  /** Illness-poverty targets: self-paid compliant costs of this many months before application count. */
  illnessPovertyLookbackMonths(on: BusinessDate): number {
    return this.wholeNumber(P.illnessPovertyLookbackMonths, on);
  }

  /** The uninsured rule assists, in principle, for this many natural years only. */
  uninsuredAssistanceMaxYears(on: BusinessDate): number {
    return this.wholeNumber(P.uninsuredMaxNaturalYears, on);
  }

  // ---- typed lookups -------------------------------------------------------------------------

  private datedValues(parameterPath: string): readonly DatedValue[] {
    const values = this.parameters.get(parameterPath);
    if (!values) throw new RangeError(`unknown policy parameter "${parameterPath}" (${this.file})`);
    return values;
  }

  private datedValueAt(parameterPath: string, on: BusinessDate): DatedValue {
    assertBusinessDate(on, 'on');
    const values = this.datedValues(parameterPath);
    let found: DatedValue | undefined;
    for (const entry of values) {
      if (entry.effectiveFrom > on) break;
      found = entry;
    }
    if (!found) throw new PolicyNotInForceError(parameterPath, on, values[0].effectiveFrom, this.file);
    return found;
  }

  private money(parameterPath: string, on: BusinessDate): Decimal {
    return this.datedValueAt(parameterPath, on).value as Decimal;
  }

  private ratio(parameterPath: string, on: BusinessDate): Decimal {
    return this.datedValueAt(parameterPath, on).value as Decimal;
  }

  private decimal(parameterPath: string, on: BusinessDate): Decimal {
    return this.datedValueAt(parameterPath, on).value as Decimal;
  }

  private wholeNumber(parameterPath: string, on: BusinessDate): number {
    return this.datedValueAt(parameterPath, on).value as number;
  }

  private codes<T extends string>(parameterPath: string, on: BusinessDate): T[] {
    return [...(this.datedValueAt(parameterPath, on).value as readonly T[])];
  }

  private tiers(parameterPath: string, on: BusinessDate): Tier[] {
    return [...(this.datedValueAt(parameterPath, on).value as readonly Tier[])];
  }
}

function checkedCareType(careType: CareType): CareType {
  if (!isCareType(careType)) throw new RangeError(`unknown care type: ${JSON.stringify(careType)}`);
  return careType;
}

function checkedLevel(level: InstitutionLevel): InstitutionLevel {
  if (level !== 1 && level !== 2 && level !== 3) throw new RangeError(`institution level must be 1, 2 or 3, got ${JSON.stringify(level)}`);
  return level;
}

function valueToJson(value: ParameterValue): ParameterValueJson {
  if (typeof value === 'number') return value;
  if (Array.isArray(value)) {
    if (value.every((item) => typeof item === 'string')) return [...(value as readonly string[])];
    return (value as readonly Tier[]).map((tier) => ({ upTo: tier.upTo === null ? null : tier.upTo.toString(), ratio: tier.ratio.toString() }));
  }
  return (value as Decimal).toString();
}

// ==== loading ==================================================================================

/**
 * Where the bundled file is: next to the sources (`libs/policy/src/../parameters`, as under jest),
 * else from the repository root, because the compiled `dist/libs/policy/src` has no copy of it.
 */
export function resolveBundledParametersPath(dirname: string = __dirname, cwd: string = process.cwd()): string {
  const candidates = [
    path.join(dirname, '..', 'parameters', BUNDLED_PARAMETERS_FILE),
    path.join(cwd, 'libs', 'policy', 'parameters', BUNDLED_PARAMETERS_FILE),
  ];
  const found = candidates.find((candidate) => fs.existsSync(candidate));
  if (!found) throw new PolicyFileError(candidates[0], null, `bundled parameters file not found; looked in ${candidates.join(' and ')}`);
  return found;
}

/** Read and strictly validate a parameters file (default: the bundled one). */
export function loadPolicy(filePath?: string): Policy {
  const file = filePath === undefined ? resolveBundledParametersPath() : path.resolve(filePath);
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (error) {
    throw new PolicyFileError(file, null, `cannot read the file: ${(error as Error).message}`);
  }
  return parsePolicy(bytes, file);
}

/** Validate parameters given as bytes; `file` only names them in errors. */
export function parsePolicy(bytes: Buffer | string, file: string): Policy {
  const buffer = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
  const digest = createHash('sha256').update(buffer).digest('hex');
  let document: unknown;
  try {
    document = YAML.parse(buffer.toString('utf8'), { uniqueKeys: true, schema: 'core' });
  } catch (error) {
    throw new PolicyFileError(file, null, `not valid YAML: ${(error as Error).message}`);
  }
  return new PolicyValidator(file).validate(document, digest);
}

const TOP_LEVEL_KEYS = ['version', 'description', 'sources', 'parameters'];
const PARAMETER_KEYS = ['description', 'unit', 'values'];
const ENTRY_KEYS = ['value', 'source'];
const TIER_KEYS = ['up-to', 'ratio'];
const SOURCE_ID_PATTERN = /^[a-z][a-z0-9-]*$/;
const DECIMAL_TEXT = /^\d+(\.\d+)?$/;

type PlainObject = Record<string, unknown>;

function isPlainObject(value: unknown): value is PlainObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.trim().length > 0;
}

class PolicyValidator {
  private sourceIds: string[] = [];

  constructor(private readonly file: string) {}

  private fail(parameterPath: string | null, reason: string): never {
    throw new PolicyFileError(this.file, parameterPath, reason);
  }

  validate(document: unknown, digest: string): Policy {
    if (!isPlainObject(document)) this.fail(null, 'the file must be a YAML mapping with version, description, sources and parameters');
    for (const key of Object.keys(document)) {
      if (!TOP_LEVEL_KEYS.includes(key)) this.fail(null, `unknown top-level key "${key}"`);
    }
    const { version, description, sources, parameters } = document;
    if (!nonEmptyString(version)) this.fail(null, '"version" must be a non-empty string');
    if (!nonEmptyString(description)) this.fail(null, '"description" must be a non-empty string');
    if (!isPlainObject(sources) || Object.keys(sources).length === 0) {
      this.fail(null, '"sources" must map each source id to its title');
    }
    for (const [id, title] of Object.entries(sources)) {
      if (!SOURCE_ID_PATTERN.test(id) || id === 'assumption') this.fail(null, `source id "${id}" must be lower-case words and not "assumption"`);
      if (!nonEmptyString(title)) this.fail(null, `source "${id}" needs a title`);
    }
    this.sourceIds = Object.keys(sources);
    if (!isPlainObject(parameters)) this.fail(null, '"parameters" must be a mapping');

    const nodes = new Map<string, PlainObject>();
    this.collect(parameters, '', nodes);
    const specs = new Map<string, ParameterSpec>(PARAMETER_SPECS.map((spec) => [spec.path, spec]));
    for (const parameterPath of nodes.keys()) {
      if (!specs.has(parameterPath)) this.fail(parameterPath, 'unknown parameter (not in the library schema)');
    }
    const validated = new Map<string, DatedValue[]>();
    for (const spec of PARAMETER_SPECS) {
      const node = nodes.get(spec.path);
      if (!node) {
        if (spec.optional) continue;
        this.fail(spec.path, 'missing parameter');
      }
      validated.set(spec.path, this.parameter(spec, node));
    }
    this.crossCheckCriticalIllness(validated);
    return new Policy(this.file, version, description, digest, validated);
  }

  /** Every mapping with a `values` key is a parameter; everything above it is a folder. */
  private collect(node: unknown, prefix: string, out: Map<string, PlainObject>): void {
    if (!isPlainObject(node)) this.fail(prefix || null, 'must be a mapping (a folder of parameters or a parameter with "values")');
    if ('values' in node) {
      out.set(prefix, node);
      return;
    }
    if (Object.keys(node).length === 0) this.fail(prefix || null, 'empty folder: no parameters and no "values"');
    for (const [key, child] of Object.entries(node)) this.collect(child, prefix ? `${prefix}.${key}` : key, out);
  }

  private parameter(spec: ParameterSpec, node: PlainObject): DatedValue[] {
    for (const key of Object.keys(node)) {
      if (!PARAMETER_KEYS.includes(key)) this.fail(spec.path, `unknown key "${key}" (allowed: ${PARAMETER_KEYS.join(', ')})`);
    }
    if (!nonEmptyString(node.description)) this.fail(spec.path, 'needs a non-empty "description"');
    const values = node.values;
    if (!isPlainObject(values) || Object.keys(values).length === 0) this.fail(spec.path, 'needs at least one dated value under "values"');
    const entries: DatedValue[] = [];
    for (const [effectiveFrom, entry] of Object.entries(values)) {
      if (!isValidBusinessDate(effectiveFrom)) this.fail(spec.path, `effective date "${effectiveFrom}" is not a valid YYYY-MM-DD date`);
      const where = `${spec.path}@${effectiveFrom}`;
      if (!isPlainObject(entry)) this.fail(where, 'each dated entry must be a mapping with "value" and "source"');
      for (const key of Object.keys(entry)) {
        if (!ENTRY_KEYS.includes(key)) this.fail(where, `unknown key "${key}" (allowed: ${ENTRY_KEYS.join(', ')})`);
      }
      if (!('value' in entry)) this.fail(where, 'missing "value"');
      entries.push({ effectiveFrom, value: this.value(spec.kind, entry.value, where), source: this.source(entry.source, where) });
    }
    return entries.sort((a, b) => (a.effectiveFrom < b.effectiveFrom ? -1 : 1));
  }

  /** `assumption: <reason>`, or a declared source id followed by its section (`linkage-2018 §二(二)1`). */
  private source(source: unknown, where: string): string {
    if (!nonEmptyString(source)) this.fail(where, 'missing source: every value needs the text and section it comes from, or "assumption: <reason>"');
    const text = source.trim();
    const assumption = /^assumption:\s*\S/.test(text);
    const cited = this.sourceIds.some((id) => text.startsWith(`${id} §`));
    if (!assumption && !cited) {
      this.fail(where, `source "${text}" must start with "assumption: <reason>" or with a declared source and section (${this.sourceIds.map((id) => `"${id} §…"`).join(', ')})`);
    }
    return text;
  }

  private value(kind: ParameterKind, raw: unknown, where: string): ParameterValue {
    switch (kind) {
      case 'money':
        return this.money(raw, where);
      case 'ratio':
        return this.ratio(raw, where);
      case 'decimal':
        return this.decimal(raw, where);
      case 'days':
        return this.integer(raw, where, 0);
      case 'count':
        return this.integer(raw, where, 1);
      case 'hardship-codes':
        return this.codeList(raw, where, isHardshipCode, 'hardship code');
      case 'care-types':
        return this.codeList(raw, where, isCareType, 'care type');
      case 'assistance-groups':
        return this.codeList(raw, where, isAssistanceGroupName, 'assistance group');
      case 'tiers':
        return this.tiers(raw, where);
    }
  }

  private decimal(raw: unknown, where: string): Decimal {
    // A YAML number is read back through its shortest decimal form, which is the literal as written.
    const text = typeof raw === 'number' && Number.isFinite(raw) ? String(raw) : raw;
    if (typeof text !== 'string' || !DECIMAL_TEXT.test(text)) {
      this.fail(where, `value must be a non-negative decimal number (e.g. "380.00"), got ${JSON.stringify(raw)}`);
    }
    return toDecimal(text);
  }

  private money(raw: unknown, where: string): Decimal {
    const amount = this.decimal(raw, where);
    if (amount.decimalPlaces() > 2) this.fail(where, `money must have at most two fraction digits (fen), got ${JSON.stringify(raw)}`);
    return amount;
  }

  private ratio(raw: unknown, where: string): Decimal {
    const ratio = this.decimal(raw, where);
    if (ratio.greaterThan(1)) this.fail(where, `ratio must be within [0, 1], got ${JSON.stringify(raw)}`);
    return ratio;
  }

  private integer(raw: unknown, where: string, minimum: number): number {
    if (typeof raw !== 'number' || !Number.isSafeInteger(raw) || raw < minimum) {
      this.fail(where, `value must be a whole number ≥ ${minimum}, got ${JSON.stringify(raw)}`);
    }
    return raw;
  }

  private codeList(raw: unknown, where: string, isKnown: (code: unknown) => boolean, what: string): readonly string[] {
    if (!Array.isArray(raw)) this.fail(where, `value must be a list of ${what}s, got ${JSON.stringify(raw)}`);
    const seen = new Set<string>();
    for (const code of raw) {
      if (!isKnown(code)) this.fail(where, `unknown ${what} ${JSON.stringify(code)}`);
      if (seen.has(code as string)) this.fail(where, `${what} "${String(code)}" listed twice`);
      seen.add(code as string);
    }
    return Object.freeze([...seen]);
  }

  private tiers(raw: unknown, where: string): readonly Tier[] {
    if (!Array.isArray(raw) || raw.length === 0) this.fail(where, 'tiers must be a non-empty list of { up-to, ratio }');
    const tiers: Tier[] = [];
    raw.forEach((item, index) => {
      const at = `${where} tier ${index + 1}`;
      if (!isPlainObject(item)) this.fail(at, 'each tier must be a mapping { up-to, ratio }');
      for (const key of Object.keys(item)) {
        if (!TIER_KEYS.includes(key)) this.fail(at, `unknown key "${key}" (allowed: ${TIER_KEYS.join(', ')})`);
      }
      if (!('up-to' in item)) this.fail(at, 'missing "up-to" (null for the last, unbounded tier)');
      const upTo = item['up-to'] === null ? null : this.money(item['up-to'], at);
      const ratio = this.ratio(item.ratio, at);
      const previous = tiers[tiers.length - 1];
      if (previous && previous.upTo === null) this.fail(at, 'only the last tier may be unbounded (up-to: null)');
      if (previous && upTo !== null && previous.upTo !== null && !upTo.greaterThan(previous.upTo)) {
        this.fail(at, `tiers must be ascending: up-to ${upTo.toString()} is not above the previous ${previous.upTo.toString()}`);
      }
      tiers.push(Object.freeze({ upTo, ratio }));
    });
    return Object.freeze(tiers);
  }

  /** A schedule's first tier must start above its deductible on every date both are in force. */
  private crossCheckCriticalIllness(validated: Map<string, DatedValue[]>): void {
    for (const schedule of ['ordinary', 'registered-poor'] as const) {
      const deductiblePath = P.criticalIllness(schedule, 'deductible');
      const tiersPath = P.criticalIllness(schedule, 'tiers');
      const deductibles = validated.get(deductiblePath) ?? [];
      const tierSeries = validated.get(tiersPath) ?? [];
      const dates = [...new Set([...deductibles, ...tierSeries].map((entry) => entry.effectiveFrom))];
      for (const date of dates) {
        const deductible = latestOnOrBefore(deductibles, date)?.value as Decimal | undefined;
        const tiers = latestOnOrBefore(tierSeries, date)?.value as readonly Tier[] | undefined;
        const firstBound = tiers?.[0]?.upTo;
        if (deductible && firstBound && !firstBound.greaterThan(deductible)) {
          this.fail(tiersPath, `on ${date} the first tier's up-to ${firstBound.toString()} is not above the deductible ${deductible.toString()} (tiers must be ascending from the deductible)`);
        }
      }
    }
  }
}

function latestOnOrBefore(entries: readonly DatedValue[], date: BusinessDate): DatedValue | undefined {
  let found: DatedValue | undefined;
  for (const entry of entries) if (entry.effectiveFrom <= date) found = entry;
  return found;
}
