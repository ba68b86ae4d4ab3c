import { type Policy, type Settlement, type SettlementInput, loadPolicy, rememberingPolicy, settleClaim, settleClaimReference } from '@ledger/policy';
import { SyntheticYear } from './year';

/**
 * `npm run compare-settlement -- --residents 100000 --seed 2025`: every claim of a generated year
 * settled by both implementations — `settleClaim` (integer fen inside) and the decimal.js
 * reference — and compared part by part, accumulation by accumulation, basis by basis. Each claim
 * is compared as the generator settles it (the resident's year so far, no reported parts) and in
 * three variants that take other branches: every part reported as the reference computed it, the
 * resident not entitled to basic benefits, and the care at a non-designated institution. The
 * generator goes on with the reference's answer, so one difference cannot hide the next.
 * Nothing is written; exit 1 if any claim differs.
 */
export interface SettlementComparison {
  claims: number;
  compared: number;
  differences: string[];
  /** Time inside each implementation on the claims as generated (variants not counted), ns. */
  fenNs: number;
  referenceNs: number;
}

function described(s: Settlement): string {
  const a = s.accumulations;
  const b = s.basis;
  return [
    s.basicFundPayment, s.criticalIllnessPayment, s.assistancePayment, s.personalPayment,
    a.basicFundPaid, a.personalBurdenInScope, a.criticalIllnessPaid, a.assistancePaid, a.outpatientCompliant,
    b.deductible, b.basicRatio, b.assistanceRatio,
  ].map((d) => d.toString()).concat([String(b.deductibleWaived), String(b.criticalIllnessSchedule), String(b.assistanceGroup)]).join(' ');
}

function outcome(settle: () => Settlement): string {
  try {
    return described(settle());
  } catch (error) {
    return `error ${(error as Error).message}`;
  }
}

export function compareSettlementOverYear(policy: Policy, options: { residents: number; seed: number; year?: number; maxDifferences?: number }): SettlementComparison {
  const result: SettlementComparison = { claims: 0, compared: 0, differences: [], fenNs: 0, referenceNs: 0 };
  const maxDifferences = options.maxDifferences ?? 20;
  const compare = (input: SettlementInput, what: string) => {
    const fen = outcome(() => settleClaim(policy, input));
    const reference = outcome(() => settleClaimReference(policy, input));
    result.compared += 1;
    if (fen !== reference && result.differences.length < maxDifferences) {
      result.differences.push(`${what} ${JSON.stringify(input)}\n  fen ${fen}\n  ref ${reference}`);
    }
  };
  const settle = (p: Policy, input: SettlementInput): Settlement => {
    result.claims += 1;
    const t0 = process.hrtime.bigint();
    const fen = settleClaim(p, input);
    const t1 = process.hrtime.bigint();
    const reference = settleClaimReference(p, input);
    const t2 = process.hrtime.bigint();
    result.fenNs += Number(t1 - t0);
    result.referenceNs += Number(t2 - t1);
    result.compared += 1;
    if (described(fen) !== described(reference) && result.differences.length < maxDifferences) {
      result.differences.push(`claim ${result.claims} ${JSON.stringify(input)}\n  fen ${described(fen)}\n  ref ${described(reference)}`);
    }
    const reported = { basicFundPayment: reference.basicFundPayment, criticalIllnessPayment: reference.criticalIllnessPayment, assistancePayment: reference.assistancePayment };
    compare({ ...input, reported }, `claim ${result.claims} reported`);
    compare({ ...input, entitledToBasic: false }, `claim ${result.claims} not entitled`);
    compare({ ...input, designated: !input.designated }, `claim ${result.claims} designation flipped`);
    return reference;
  };
  const year = new SyntheticYear(policy, { residents: options.residents, seed: options.seed, year: options.year, settle });
  for (const day of year.days()) void day;
  return result;
}

function argument(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  if (at < 0) return fallback;
  const value = Number(String(process.argv[at + 1]).replace(/_/g, ''));
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`--${name} takes a positive integer`);
  return value;
}

if (require.main === module) {
  const residents = argument('residents', 100_000);
  const seed = argument('seed', 2025);
  const started = Date.now();
  const comparison = compareSettlementOverYear(rememberingPolicy(loadPolicy()), { residents, seed });
  const perClaim = (ns: number) => Number((ns / comparison.claims / 1000).toFixed(2));
  process.stdout.write(
    `${JSON.stringify(
      {
        residents,
        seed,
        claims: comparison.claims,
        settlementsCompared: comparison.compared,
        differences: comparison.differences.length,
        fenMicrosecondsPerClaim: perClaim(comparison.fenNs),
        referenceMicrosecondsPerClaim: perClaim(comparison.referenceNs),
        seconds: (Date.now() - started) / 1000,
      },
      null,
      2,
    )}\n`,
  );
  for (const difference of comparison.differences) process.stderr.write(`${difference}\n`);
  process.exitCode = comparison.differences.length === 0 ? 0 : 1;
}
