import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import YAML from 'yaml';
import {
  BUNDLED_PARAMETERS_FILE,
  CATEGORIES,
  HARDSHIP_CODES,
  type HardshipCode,
  PolicyFileError,
  PolicyNotInForceError,
  loadPolicy,
  resolveBundledParametersPath,
} from './index';

const policy = loadPolicy();
const bundledPath = resolveBundledParametersPath();
const text = (d: { toFixed(n: number): string }) => d.toFixed(2);

describe('the bundled parameters file', () => {
  it('names its version and the sha256 of its bytes', () => {
    expect(policy.version).toMatch(/\S/);
    expect(policy.digest).toBe(createHash('sha256').update(fs.readFileSync(bundledPath)).digest('hex'));
    expect(policy.file).toBe(bundledPath);
  });

  it('gives every dated value a source: a seed text and section, or an assumption with its reason', () => {
    for (const parameterPath of policy.parameterPaths()) {
      for (const entry of policy.history(parameterPath)) {
        expect(entry.source).toMatch(/^(assumption: \S|opinions-2017 §|linkage-2018 §)/);
      }
    }
  });

  it.each([
    [2017, '180.00'],
    [2018, '220.00'],
    [2019, '250.00'],
    [2020, '280.00'],
    [2021, '320.00'],
    [2022, '350.00'],
    [2023, '380.00'],
    [2024, '380.00'],
    [2026, '380.00'],
  ])('adult contribution for %d is %s', (year, amount) => {
    expect(text(policy.contributionStandard(year, 'adult'))).toBe(amount);
  });

  it('never charges minors, pupils, university students or newborns more than adults', () => {
    for (let year = 2017; year <= 2030; year++) {
      const adult = policy.contributionStandard(year, 'adult');
      for (const category of CATEGORIES) expect(policy.contributionStandard(year, category).lessThanOrEqualTo(adult)).toBe(true);
    }
  });

  it('has a per-capita subsidy for every level from 2017', () => {
    for (const level of ['central', 'provincial', 'municipal', 'district'] as const) {
      expect(policy.perCapitaSubsidy(2017, level).greaterThan(0)).toBe(true);
      expect(policy.perCapitaSubsidy(2025, level).greaterThanOrEqualTo(policy.perCapitaSubsidy(2017, level))).toBe(true);
    }
  });

  it('refuses a year before the first contribution standard with an error naming the parameter', () => {
    expect(() => policy.contributionStandard(2016, 'adult')).toThrow(PolicyNotInForceError);
    expect(() => policy.contributionStandard(2016, 'adult')).toThrow(/contribution\.individual\.adult.*2016-01-01/);
  });

  // opinions-2017 §五(一), §五(三), §十(四); linkage-2018 §二(四)1
  it('carries the day counts of the texts', () => {
    expect(policy.newbornMaxAgeYears('2024-01-01')).toBe(1);
    expect(policy.newbornWindowDays('2024-01-01')).toBe(90);
    expect(policy.cashAdvanceWindowDays(false, '2024-01-01')).toBe(30);
    expect(policy.cashAdvanceWindowDays(true, '2024-01-01')).toBe(90);
    expect(policy.insurerDecisionDays('2024-01-01')).toBe(30);
    expect(policy.insurerPaymentDays('2024-01-01')).toBe(10);
    expect(policy.illnessPovertyLookbackMonths('2024-01-01')).toBe(12);
    expect(policy.uninsuredAssistanceMaxYears('2024-01-01')).toBe(1);
    expect(policy.monthsOfPaymentWarning('2024-01-01').greaterThan(0)).toBe(true);
  });

  it('puts the opinions in force on 2017-09-01 and the insurer deadlines on the linkage date 2018-08-25', () => {
    expect(() => policy.newbornWindowDays('2017-08-31')).toThrow(PolicyNotInForceError);
    expect(policy.newbornWindowDays('2017-09-01')).toBe(90);
    expect(() => policy.insurerDecisionDays('2018-08-24')).toThrow(/insurer\.decision-days.*not in force on 2018-08-24/);
    expect(policy.insurerDecisionDays('2018-08-25')).toBe(30);
  });

  it('gives the registered-poor critical-illness schedule of linkage-2018 §二(二)1 from 2018-08-25', () => {
    const schedule = policy.registeredPoorCriticalIllness('2018-08-25');
    expect(text(schedule.deductible)).toBe('4800.00');
    expect(schedule.tiers.map((tier) => [tier.upTo === null ? null : text(tier.upTo), tier.ratio.toFixed(2)])).toEqual([
      ['30000.00', '0.65'],
      ['100000.00', '0.75'],
      [null, '0.85'],
    ]);
    expect(text(schedule.annualCap)).toBe('500000.00');
    expect(() => policy.registeredPoorCriticalIllness('2018-08-24')).toThrow(PolicyNotInForceError);
    expect(policy.criticalIllnessSchedule(['registered-poor'], '2018-08-24').schedule).toBe('ordinary');
    expect(policy.criticalIllnessSchedule(['registered-poor'], '2018-08-25').schedule).toBe('registered-poor');
    expect(policy.criticalIllnessSchedule(['dibao'], '2024-01-01').schedule).toBe('ordinary');
  });

  it('gives an ordinary schedule whose deductible is above the registered-poor one (the text says it was lowered to 4800)', () => {
    const ordinary = policy.ordinaryCriticalIllness('2024-01-01');
    expect(ordinary.deductible.greaterThan(4800)).toBe(true);
    expect(ordinary.annualCap.lessThan(500000)).toBe(true);
  });

  describe('deductible waiver (linkage-2018 §二(二)1)', () => {
    const waived: HardshipCode[] = ['extreme-poverty', 'orphan', 'dibao', 'special-care', 'disabled-incapable', 'dibao-disabled'];
    it.each(HARDSHIP_CODES.map((code) => [code, waived.includes(code)] as const))('%s → waived %s', (code, expected) => {
      expect(policy.deductibleWaived([code], '2024-01-01')).toBe(expected);
    });
    it('is waived for nobody without a hardship code, and not before the linkage date', () => {
      expect(policy.deductibleWaived([], '2024-01-01')).toBe(false);
      expect(policy.deductibleWaived(['dibao'], '2018-08-24')).toBe(false);
      expect(policy.deductibleWaived(['dibao'], '2018-08-25')).toBe(true);
    });
  });

  it('adds 2 points to the inpatient ratio for dibao-disabled only', () => {
    for (const code of HARDSHIP_CODES) {
      expect(policy.inpatientRatioIncrease([code], '2024-01-01').toFixed(2)).toBe(code === 'dibao-disabled' ? '0.02' : '0.00');
    }
  });

  describe('medical assistance groups (linkage-2018 §二(二)2)', () => {
    it.each([
      // after the 2018-08 raise
      [['extreme-poverty'], true, '2018-08-01', 'key', '0.80', '70000.00'],
      [['orphan'], true, '2024-01-01', 'key', '0.80', '70000.00'],
      [['dibao'], true, '2024-01-01', 'key', '0.80', '70000.00'],
      [['special-care'], true, '2024-01-01', 'key', '0.80', '70000.00'],
      [['registered-poor'], true, '2024-01-01', 'key', '0.80', '70000.00'],
      // 享受最低生活保障的残疾人 receive dibao: a key target
      [['dibao-disabled'], true, '2024-01-01', 'key', '0.80', '70000.00'],
      [['low-income'], true, '2024-01-01', 'low-income', '0.70', '40000.00'],
      [['low-income-elderly'], true, '2024-01-01', 'low-income', '0.70', '40000.00'],
      [['low-income-minor'], true, '2024-01-01', 'low-income', '0.70', '40000.00'],
      [['illness-poverty'], true, '2024-01-01', 'illness-poverty', '0.60', '30000.00'],
      [['illness-poverty', 'low-income'], true, '2024-01-01', 'low-income', '0.70', '40000.00'],
      [['dibao'], false, '2024-01-01', 'uninsured', '0.30', '10000.00'],
      [['low-income'], false, '2024-01-01', 'uninsured', '0.30', '10000.00'],
      // before the raise: 70%/50000, 60%/20000, 50%/10000
      [['dibao'], true, '2018-07-31', 'key', '0.70', '50000.00'],
      [['registered-poor'], true, '2018-07-31', 'key', '0.70', '50000.00'],
      [['low-income'], true, '2018-07-31', 'low-income', '0.60', '20000.00'],
      [['illness-poverty'], true, '2018-07-31', 'illness-poverty', '0.50', '10000.00'],
    ] as const)('%j entitled=%s on %s → %s %s cap %s', (hardship, entitled, on, group, ratio, cap) => {
      const result = policy.assistanceGroup([...hardship], entitled, on);
      expect(result.group).toBe(group);
      expect(result.ratio.toFixed(2)).toBe(ratio);
      expect(text(result.annualCap)).toBe(cap);
    });

    it.each([
      [[], true],
      [[], false],
      [['disabled-incapable'], true],
    ] as const)('%j entitled=%s → no group', (hardship, entitled) => {
      const result = policy.assistanceGroup([...hardship], entitled, '2024-01-01');
      expect(result.group).toBeNull();
      expect(result.ratio.isZero()).toBe(true);
      expect(result.annualCap.isZero()).toBe(true);
    });

    it('rejects unknown hardship codes', () => {
      expect(() => policy.assistanceGroup(['rich' as HardshipCode], true, '2024-01-01')).toThrow(/unknown hardship code/);
    });
  });
});

describe('locating the bundled file', () => {
  it('uses the file beside the sources', () => {
    expect(resolveBundledParametersPath(__dirname, '/nonexistent')).toBe(path.join(__dirname, '..', 'parameters', BUNDLED_PARAMETERS_FILE));
  });

  it('falls back to the repository root when running from compiled output without a copy', () => {
    const repoRoot = path.resolve(__dirname, '..', '..', '..');
    const compiledDir = path.join(repoRoot, 'dist', 'libs', 'policy', 'src-that-does-not-exist');
    expect(resolveBundledParametersPath(compiledDir, repoRoot)).toBe(path.join(repoRoot, 'libs', 'policy', 'parameters', BUNDLED_PARAMETERS_FILE));
  });

  it('says where it looked when there is no file', () => {
    expect(() => resolveBundledParametersPath('/nonexistent/src', '/nonexistent')).toThrow(PolicyFileError);
  });
});

describe('loader rejects malformed files', () => {
  const bundled = () => YAML.parse(fs.readFileSync(bundledPath, 'utf8'));
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'policy-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  let counter = 0;
  function write(content: string): string {
    const file = path.join(dir, `parameters-${++counter}.yaml`);
    fs.writeFileSync(file, content);
    return file;
  }
  function mutated(change: (doc: any) => void): string {
    const doc = bundled();
    change(doc);
    return write(YAML.stringify(doc));
  }
  function expectRejected(file: string, ...fragments: Array<string | RegExp>): void {
    let error: unknown;
    try {
      loadPolicy(file);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(PolicyFileError);
    const message = (error as Error).message;
    expect(message).toContain(file);
    for (const fragment of fragments) expect(message).toMatch(fragment);
  }
  const rp = (doc: any) => doc.parameters['critical-illness']['registered-poor'];

  it('accepts an unchanged copy (round-trip)', () => {
    const copy = mutated(() => undefined);
    expect(loadPolicy(copy).registeredPoorCriticalIllness('2024-01-01').deductible.toFixed(2)).toBe('4800.00');
  });

  it('a value without a source', () => {
    const file = mutated((doc) => delete rp(doc).deductible.values['2018-08-25'].source);
    expectRejected(file, 'critical-illness.registered-poor.deductible', /missing source/);
  });

  it('an empty source', () => {
    const file = mutated((doc) => (doc.parameters.insurer['decision-days'].values['2018-08-25'].source = '  '));
    expectRejected(file, 'insurer.decision-days', /missing source/);
  });

  it('a source that cites no declared text and is not an assumption', () => {
    const file = mutated((doc) => (doc.parameters.insurer['payment-days'].values['2018-08-25'].source = 'somebody said so'));
    expectRejected(file, 'insurer.payment-days', /must start with "assumption: <reason>"/);
  });

  it('an impossible effective date', () => {
    const file = mutated((doc) => {
      const values = doc.parameters.newborn['registration-window-days'].values;
      values['2018-02-30'] = values['2017-09-01'];
    });
    expectRejected(file, 'newborn.registration-window-days', /"2018-02-30" is not a valid YYYY-MM-DD date/);
  });

  it('a badly written effective date', () => {
    const file = mutated((doc) => {
      const values = doc.parameters.newborn['max-age-years'].values;
      values['2017-9-1'] = values['2017-09-01'];
      delete values['2017-09-01'];
    });
    expectRejected(file, 'newborn.max-age-years', /"2017-9-1" is not a valid/);
  });

  it('a ratio above 1', () => {
    const file = mutated((doc) => (doc.parameters.basic.inpatient.ratio['level-2'].values['2017-01-01'].value = '1.2'));
    expectRejected(file, 'basic.inpatient.ratio.level-2', /ratio must be within \[0, 1\]/);
  });

  it('a negative ratio', () => {
    const file = mutated((doc) => (doc.parameters['medical-assistance'].key.ratio.values['2018-08-01'].value = -0.8));
    expectRejected(file, 'medical-assistance.key.ratio', /non-negative decimal/);
  });

  it('tiers that are not ascending', () => {
    const file = mutated((doc) => (rp(doc).tiers.values['2018-08-25'].value[1]['up-to'] = '20000.00'));
    expectRejected(file, 'critical-illness.registered-poor.tiers', /ascending/);
  });

  it('an unbounded tier before the last', () => {
    const file = mutated((doc) => (rp(doc).tiers.values['2018-08-25'].value[0]['up-to'] = null));
    expectRejected(file, 'critical-illness.registered-poor.tiers', /only the last tier may be unbounded/);
  });

  it('a first tier that does not start above the deductible', () => {
    const file = mutated((doc) => (rp(doc).deductible.values['2018-08-25'].value = '30000.00'));
    expectRejected(file, 'critical-illness.registered-poor.tiers', /not above the deductible/);
  });

  it('money with more than two decimals', () => {
    const file = mutated((doc) => (doc.parameters.basic['annual-cap'].values['2017-01-01'].value = '150000.001'));
    expectRejected(file, 'basic.annual-cap', /at most two fraction digits/);
  });

  it('money written as text that is not a number', () => {
    const file = mutated((doc) => (doc.parameters.contribution.individual.adult.values['2023-01-01'].value = '380 yuan'));
    expectRejected(file, 'contribution.individual.adult', /non-negative decimal/);
  });

  it('a day count that is not a whole number', () => {
    const file = mutated((doc) => (doc.parameters['cash-advance']['filing-window-days'].ordinary.values['2017-09-01'].value = 30.5));
    expectRejected(file, 'cash-advance.filing-window-days.ordinary', /whole number/);
  });

  it('an unknown hardship code in a group', () => {
    const file = mutated((doc) => doc.parameters.basic.inpatient['deductible-waived-groups'].values['2018-08-25'].value.push('millionaire'));
    expectRejected(file, 'basic.inpatient.deductible-waived-groups', /unknown hardship code "millionaire"/);
  });

  it('a parameter without values', () => {
    const file = mutated((doc) => (doc.parameters.fund['months-of-payment-warning'].values = {}));
    expectRejected(file, 'fund.months-of-payment-warning', /at least one dated value/);
  });

  it('a missing parameter', () => {
    const file = mutated((doc) => delete doc.parameters['medical-assistance']['illness-poverty']['annual-cap']);
    expectRejected(file, 'medical-assistance.illness-poverty.annual-cap', /missing parameter/);
  });

  it('an unknown parameter', () => {
    const file = mutated((doc) => (doc.parameters.basic['mystery-bonus'] = { description: 'x', values: { '2020-01-01': { value: '1', source: 'assumption: x' } } }));
    expectRejected(file, 'basic.mystery-bonus', /unknown parameter/);
  });

  it('a missing version', () => {
    const file = mutated((doc) => delete doc.version);
    expectRejected(file, /"version" must be a non-empty string/);
  });

  it('text that is not YAML, or repeats a key', () => {
    expectRejected(write('version: "1"\nparameters: [unclosed\n'), /not valid YAML/);
    expectRejected(write('version: "1"\nversion: "2"\n'), /not valid YAML/);
  });

  it('a file that does not exist', () => {
    expectRejected(path.join(dir, 'missing.yaml'), /cannot read the file/);
  });
});

describe('no policy figure is a literal in the TypeScript code', () => {
  // The figures of the texts must come from the parameters file only.
  const figures = ['4800', '30000', '100000', '500000', '70000', '40000', '10000', '0.65', '0.75', '0.85', '0.8', '0.7', '0.6', '0.3', '0.02', '380', ' 90', ' 30'];
  const sources = fs
    .readdirSync(__dirname)
    .filter((name) => name.endsWith('.ts') && !name.endsWith('.spec.ts'))
    .map((name) => [name, fs.readFileSync(path.join(__dirname, name), 'utf8')] as const);

  it.each(figures)('%s does not appear in code', (figure) => {
    const pattern = new RegExp(`(?<![\\w.])${figure.trim().replace('.', '\\.')}(?![\\w.])`);
    for (const [name, source] of sources) {
      const code = source
        .split('\n')
        .filter((line) => !/^\s*(\*|\/\/|\/\*)/.test(line))
        .map((line) => line.replace(/\/\/.*$/, ''))
        .join('\n');
      expect({ name, found: pattern.test(code) }).toEqual({ name, found: false });
    }
  });
});
