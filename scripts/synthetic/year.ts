import {
  CARE_TYPES,
  type CareType,
  FUND_IDS,
  type FundId,
  type LedgerCommand,
  type LedgerEventType,
  money,
  SUBSIDY_LEVELS,
  type SubsidyLevel,
} from '@ledger/domain';
import { type Decimal, type HardshipCode, type Policy, PolicyDecimal, settleClaim, type YearAccumulations } from '@ledger/policy';
import {
  benefitStartDay,
  DISTRICTS,
  dayText,
  epochDay,
  type PopulationOptions,
  type ResidentProfile,
  residentProfile,
} from './population';
import { intBetween, logNormal, pick, rngFor, weighted } from './prng';

/**
 * A synthetic insurance year as ledger commands, day by day in recording order: the enrollment
 * period of the autumn before (enrollments, contributions, hardship contribution aid), then the
 * year itself (late payments, newborns, scheme changes, per-capita subsidies at four levels,
 * claims of the three care types, critical-illness insurer decisions and payments), and the funds'
 * own books: the year's critical-illness premium, monthly interest and a few recoveries of claims.
 *
 * Claims carry the payments the settlement platform reported for most of them and leave them out
 * ("settled one-stop by the ledger") for the rest. Reported payments are what the policy gives for
 * the resident's year so far, so a clean year audits clean; the generator keeps each resident's
 * year-to-date sums as the policy library returns them, as the ledger does, to compute them.
 */
export interface SyntheticYearOptions {
  residents: number;
  seed: number;
  /** The insurance year; default 2025. */
  year?: number;
  /** Average claims per resident over the year; default 4.3 (≈ 6.3 events per resident in all). */
  claimsPerResident?: number;
  /** Share of claims whose payments are recorded as reported; the rest are computed one-stop. Default 0.85. */
  recordedShare?: number;
  /**
   * How each claim is settled; default the policy library's settleClaim. A test or
   * `npm run compare-settlement` passes one that also runs the decimal.js reference and compares.
   */
  settle?: typeof settleClaim;
}

export interface SyntheticDay {
  date: string;
  commands: LedgerCommand[];
}

/** Money facts in fen (exact integers in a double up to 2^53), per fund, as the generator decided them. */
export interface FundSums {
  contributions: number;
  subsidies: Record<SubsidyLevel, number>;
  claims: Record<CareType, number>;
  interest: number;
  criticalIllnessPremium: number;
  recoveries: number;
}

export interface SyntheticSummary {
  residents: number;
  commands: number;
  /** Events each command kind appends (one each in this generator). */
  eventsByType: Record<LedgerEventType, number>;
  funds: Record<FundId, FundSums>;
  recordedClaims: number;
  computedClaims: number;
  /** Critical-illness and assistance payments of all claims, in fen (kept on claims, not fund money). */
  criticalIllnessPaid: number;
  assistancePaid: number;
}

const DOMAIN_CLAIM = 2;
const DOMAIN_DAY = 3;

const OUTPATIENT_LEVELS = weighted<1 | 2 | 3>([[1, 50], [2, 30], [3, 20]]);
const INPATIENT_LEVELS = weighted<1 | 2 | 3>([[1, 15], [2, 40], [3, 45]]);

/** Per-capita subsidy tranches: level, business date (month-day), share of the year's standard. */
const PER_CAPITA_TRANCHES: ReadonlyArray<{ level: SubsidyLevel; monthDay: string; share: number }> = [
  { level: 'municipal', monthDay: '02-28', share: 0.5 },
  { level: 'central', monthDay: '03-20', share: 0.6 },
  { level: 'district', monthDay: '03-31', share: 1 },
  { level: 'provincial', monthDay: '04-25', share: 1 },
  { level: 'municipal', monthDay: '08-29', share: 0.5 },
  { level: 'central', monthDay: '09-19', share: 0.4 },
];

export function fenText(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

function fenOf(amount: Decimal): number {
  return Number(amount.times(100).toFixed(0));
}

function emptySums(): FundSums {
  return {
    contributions: 0,
    subsidies: { central: 0, provincial: 0, municipal: 0, district: 0 },
    claims: { outpatient: 0, 'chronic-outpatient': 0, inpatient: 0 },
    interest: 0,
    criticalIllnessPremium: 0,
    recoveries: 0,
  };
}

/** The day the year's critical-illness premium is paid to the insurer (month-day). */
const PREMIUM_MONTH_DAY = '01-20';
/** Interest is credited on the 21st of each month (the banks' settlement day), on the balance then held. */
const INTEREST_DAY_OF_MONTH = '21';
/**
 * Synthetic data, not policy: the yearly rate the dedicated account earns (a current-account level
 * of rate, in basis points so the fen stay integers), and one claim in this many later partly
 * recovered (half its basic fund payment, 60 days after it was filed).
 */
const INTEREST_BASIS_POINTS_PER_YEAR = 135;
const RECOVERY_EVERY_CLAIMS = 500;
const RECOVERY_AFTER_DAYS = 60;

export class SyntheticYear {
  readonly year: number;
  readonly summary: SyntheticSummary;
  private readonly population: PopulationOptions;
  private readonly n: number;
  private readonly claimsPerResident: number;
  private readonly recordedShare: number;
  private readonly settle: typeof settleClaim;
  private readonly dueFen: Record<string, number> = {};

  // Compact per-resident facts (epoch days; -1 = none) for the claim draw.
  private readonly benefitStart: Int32Array;
  private readonly recordedBy: Int32Array;
  private readonly schemeChange: Int32Array;
  private chronicIndices: Int32Array = new Int32Array(0);
  private readonly insuredByFund = new Map<FundId, number>();
  private readonly enrollOn = new Map<number, number[]>();
  private readonly payOn = new Map<number, number[]>();
  private readonly changeOn = new Map<number, number[]>();

  // The year-to-date sums per resident (the policy's YearAccumulations), in fen.
  private readonly accBasic: Float64Array;
  private readonly accBurden: Float64Array;
  private readonly accCritical: Float64Array;
  private readonly accAssistance: Float64Array;
  private readonly accOutpatient: Float64Array;

  constructor(
    private readonly policy: Policy,
    options: SyntheticYearOptions,
  ) {
    if (!Number.isInteger(options.residents) || options.residents < 1) throw new RangeError('residents must be a positive integer');
    this.year = options.year ?? 2025;
    this.n = options.residents;
    this.population = { seed: options.seed >>> 0, year: this.year };
    this.claimsPerResident = options.claimsPerResident ?? 4.3;
    this.recordedShare = options.recordedShare ?? 0.85;
    this.settle = options.settle ?? settleClaim;
    this.benefitStart = new Int32Array(this.n);
    this.recordedBy = new Int32Array(this.n);
    this.schemeChange = new Int32Array(this.n);
    this.accBasic = new Float64Array(this.n);
    this.accBurden = new Float64Array(this.n);
    this.accCritical = new Float64Array(this.n);
    this.accAssistance = new Float64Array(this.n);
    this.accOutpatient = new Float64Array(this.n);
    for (const category of ['adult', 'minor', 'student', 'university-student', 'newborn'] as const) {
      this.dueFen[category] = fenOf(policy.contributionStandard(this.year, category));
    }
    const eventsByType = Object.fromEntries(
      [
        'ResidentEnrolled', 'ContributionPaid', 'SubsidyGranted', 'SchemeChanged', 'ClaimSettled', 'InsurerDecisionRecorded',
        'InsurerPaymentRecorded', 'ContributionReversed', 'ClaimReversed', 'InterestReceived', 'CriticalIllnessPremiumPaid', 'RecoveryReceived',
      ].map((t) => [t, 0]),
    ) as Record<LedgerEventType, number>;
    this.summary = {
      residents: this.n,
      commands: 0,
      eventsByType,
      funds: Object.fromEntries(FUND_IDS.map((fundId) => [fundId, emptySums()])) as Record<FundId, FundSums>,
      recordedClaims: 0,
      computedClaims: 0,
      criticalIllnessPaid: 0,
      assistancePaid: 0,
    };
    this.survey();
  }

  /** One pass over the population: who enrolls and pays when, who may claim from when. */
  private survey(): void {
    const chronic: number[] = [];
    for (const fundId of FUND_IDS) this.insuredByFund.set(fundId, 0);
    const push = (map: Map<number, number[]>, day: number, index: number) => {
      let list = map.get(day);
      if (!list) map.set(day, (list = []));
      list.push(index);
    };
    for (let index = 0; index < this.n; index += 1) {
      const profile = this.profile(index);
      const start = benefitStartDay(this.policy, this.population, profile);
      this.benefitStart[index] = start ?? -1;
      const recorded = Math.max(profile.enrollDay, profile.payDay ?? profile.enrollDay);
      this.recordedBy[index] = recorded;
      this.schemeChange[index] = profile.schemeChangeDay ?? -1;
      push(this.enrollOn, profile.enrollDay, index);
      if (profile.payDay !== null && profile.payDay !== profile.enrollDay) push(this.payOn, profile.payDay, index);
      if (profile.schemeChangeDay !== null) push(this.changeOn, profile.schemeChangeDay, index);
      if (profile.chronic) chronic.push(index);
      if (start !== null) this.insuredByFund.set(profile.fundId, this.insuredByFund.get(profile.fundId)! + 1);
    }
    this.chronicIndices = Int32Array.from(chronic);
  }

  profile(index: number): ResidentProfile {
    return residentProfile(this.population, index);
  }

  /** The year's commands, one day at a time, in the order they are recorded. */
  *days(): Generator<SyntheticDay> {
    const first = epochDay(`${this.year - 1}-09-01`);
    const yearStart = epochDay(`${this.year}-01-01`);
    const yearEnd = epochDay(`${this.year}-12-31`);
    const pending = new Map<number, LedgerCommand[]>();
    const later = (day: number, command: LedgerCommand) => {
      let list = pending.get(day);
      if (!list) pending.set(day, (list = []));
      list.push(command);
    };

    const weights: number[] = [];
    for (let day = yearStart; day <= yearEnd; day += 1) weights.push(this.dayWeight(day));
    const totalWeight = weights.reduce((a, b) => a + b, 0);
    const totalClaims = Math.round(this.n * this.claimsPerResident);
    let carry = 0;
    let claimSeq = 0;

    let lastDay = yearEnd;
    for (let day = first; day <= lastDay; day += 1) {
      const commands: LedgerCommand[] = [];
      const date = dayText(day);
      for (const tranche of PER_CAPITA_TRANCHES) if (date === `${this.year}-${tranche.monthDay}`) commands.push(...this.perCapita(tranche));
      if (date === `${this.year}-${PREMIUM_MONTH_DAY}`) commands.push(...this.premiums());
      // Interest on the balance held at the end of the day before (the commands of the day are counted after).
      if (date.startsWith(`${this.year}-`) && date.endsWith(`-${INTEREST_DAY_OF_MONTH}`)) commands.push(...this.interest(date));
      for (const index of this.enrollOn.get(day) ?? []) {
        const profile = this.profile(index);
        commands.push(this.enrollment(profile));
        if (profile.payDay === day) commands.push(...this.payment(profile));
      }
      for (const index of this.payOn.get(day) ?? []) commands.push(...this.payment(this.profile(index)));
      for (const index of this.changeOn.get(day) ?? []) {
        const profile = this.profile(index);
        commands.push({ kind: 'ChangeScheme', changeId: `SC-${this.year}-${index}`, residentId: profile.residentId, to: 'employee', effectiveAt: date });
      }
      commands.push(...(pending.get(day) ?? []));
      pending.delete(day);
      if (day >= yearStart && day <= yearEnd) {
        const exact = (totalClaims * weights[day - yearStart]) / totalWeight + carry;
        const count = day === yearEnd ? totalClaims - claimSeq : Math.floor(exact);
        carry = exact - Math.floor(exact);
        for (let i = 0; i < count; i += 1) {
          const claim = this.claim(day, claimSeq, later);
          claimSeq += 1;
          if (claim) commands.push(claim);
        }
      }
      if (day === yearEnd && pending.size) lastDay = Math.max(...pending.keys());
      for (const command of commands) this.count(command);
      if (commands.length) yield { date, commands };
    }
  }

  /** Weekdays are busier than weekends; the Spring Festival week is quiet. */
  private dayWeight(day: number): number {
    const weekday = new Date(day * 86_400_000).getUTCDay();
    const base = weekday === 0 ? 0.6 : weekday === 6 ? 0.75 : 1;
    const random = rngFor(this.population.seed, DOMAIN_DAY, day);
    const festival = dayText(day) >= `${this.year}-01-28` && dayText(day) <= `${this.year}-02-04` ? 0.4 : 1;
    return base * festival * (0.9 + 0.2 * random());
  }

  private perCapita(tranche: { level: SubsidyLevel; monthDay: string; share: number }): LedgerCommand[] {
    const standard = fenOf(this.policy.perCapitaSubsidy(this.year, tranche.level));
    return FUND_IDS.filter((fundId) => this.insuredByFund.get(fundId)! > 0).map((fundId) => ({
      kind: 'GrantSubsidy',
      subsidyId: `PC-${this.year}-${tranche.level}-${tranche.monthDay}-${fundId}`,
      level: tranche.level,
      purpose: 'per-capita',
      year: this.year,
      amount: money(fenText(Math.round(standard * tranche.share) * this.insuredByFund.get(fundId)!)),
      grantedAt: `${this.year}-${tranche.monthDay}`,
      fundId,
    }));
  }

  /** The year's critical-illness premium, per capita × the fund's insured, paid by each basic fund. */
  private premiums(): LedgerCommand[] {
    const perCapita = fenOf(this.policy.criticalIllnessPremiumPerCapita(this.year));
    return FUND_IDS.filter((fundId) => this.insuredByFund.get(fundId)! > 0).map((fundId) => ({
      kind: 'RecordFundMovement',
      movementId: `PREM-${this.year}-${fundId}`,
      fundId,
      movement: 'critical-illness-premium',
      amount: money(fenText(perCapita * this.insuredByFund.get(fundId)!)),
      occurredAt: `${this.year}-${PREMIUM_MONTH_DAY}`,
      year: this.year,
      reference: `DBBX-${this.year}-${fundId}`,
    }));
  }

  /** A month's interest on each fund's positive balance so far, in whole fen. */
  private interest(date: string): LedgerCommand[] {
    return FUND_IDS.flatMap((fundId): LedgerCommand[] => {
      const balance = balanceFen(this.summary.funds[fundId]);
      const fen = Math.floor((balance * INTEREST_BASIS_POINTS_PER_YEAR) / 10_000 / 12);
      if (fen <= 0) return [];
      return [
        { kind: 'RecordFundMovement', movementId: `INT-${date}-${fundId}`, fundId, movement: 'interest', amount: money(fenText(fen)), occurredAt: date, reference: `BANK-${date}` },
      ];
    });
  }

  private enrollment(profile: ResidentProfile): LedgerCommand {
    return {
      kind: 'EnrollResident',
      enrollmentId: `ENR-${this.year}-${profile.index}`,
      residentId: profile.residentId,
      year: this.year,
      birthDate: profile.birthDate,
      category: profile.category,
      hukou: profile.hukou,
      residenceDistrict: profile.residenceDistrict,
      hardship: profile.hardship,
      parents: profile.parents,
      enrolledAt: dayText(profile.enrollDay),
    };
  }

  /** The year's contribution: own payment, hardship aid, or both (aid first). */
  private payment(profile: ResidentProfile): LedgerCommand[] {
    if (profile.payDay === null) return [];
    const due = this.dueFen[profile.category];
    const paidAt = dayText(profile.payDay);
    const commands: LedgerCommand[] = [];
    let own = due;
    if (profile.plan === 'aid-full' || profile.plan === 'aid-half') {
      const aid = profile.plan === 'aid-full' ? due : Math.floor(due / 2);
      own = due - aid;
      commands.push({
        kind: 'GrantSubsidy',
        subsidyId: `AID-${this.year}-${profile.index}`,
        level: profile.fundId === 'municipal' ? 'municipal' : 'district',
        purpose: 'hardship-contribution',
        year: this.year,
        amount: money(fenText(aid)),
        grantedAt: paidAt,
        residentId: profile.residentId,
      });
    }
    if (own > 0) {
      commands.push({
        kind: 'RecordContribution',
        receiptNo: `TAX-${this.year}-${profile.index}`,
        residentId: profile.residentId,
        year: this.year,
        amount: money(fenText(own)),
        paidAt,
        collector: profile.collector,
      });
    }
    return commands;
  }

  /** One claim filed on `day`, for a resident entitled to benefits on the days of care; null if none found. */
  private claim(day: number, seq: number, later: (day: number, command: LedgerCommand) => void): LedgerCommand | null {
    const random = rngFor(this.population.seed, DOMAIN_CLAIM, seq);
    const yearStart = epochDay(`${this.year}-01-01`);
    for (let attempt = 0; attempt < 20; attempt += 1) {
      const frequent = this.chronicIndices.length > 0 && random() < 0.35;
      const index = frequent ? this.chronicIndices[Math.floor(random() * this.chronicIndices.length)] : Math.floor(random() * this.n);
      const chronic = frequent || random() < 0.02;
      const careDraw = random();
      const careType: CareType = chronic
        ? careDraw < 0.5 ? 'chronic-outpatient' : careDraw < 0.975 ? 'outpatient' : 'inpatient'
        : careDraw < 0.986 ? 'outpatient' : 'inpatient';
      const cashAdvance = random() < 0.05;
      const discharged = cashAdvance ? day - intBetween(random, 1, 25) : day;
      const admitted = careType === 'inpatient' ? discharged - intBetween(random, 2, 18) : discharged;
      const start = this.benefitStart[index];
      const change = this.schemeChange[index];
      if (start < 0 || admitted < Math.max(start, yearStart) || this.recordedBy[index] > day) continue;
      if (change >= 0 && discharged >= change) continue;

      const profile = this.profile(index);
      const [median, sigma, min, max] =
        careType === 'inpatient' ? [6_000, 0.85, 800, 600_000] : careType === 'chronic-outpatient' ? [280, 0.7, 50, 20_000] : [110, 0.8, 15, 5_000];
      const totalFen = Math.round(Math.min(max, Math.max(min, logNormal(random, median, sigma))) * 100);
      const compliantFen = Math.round(totalFen * (0.7 + 0.28 * random()));
      const level = pick(random, careType === 'inpatient' ? INPATIENT_LEVELS : OUTPATIENT_LEVELS);
      const designated = !cashAdvance || random() < 0.5;
      const district = random() < 0.85 ? profile.residenceDistrict : pick(random, DISTRICTS);
      const admittedAt = dayText(admitted);
      const totalCost = money(fenText(totalFen));
      const compliantCost = money(fenText(compliantFen));
      const recorded = random() < this.recordedShare;
      const claim = {
        on: admittedAt,
        careType,
        institutionLevel: level,
        designated,
        totalCost,
        compliantCost,
        hardship: profile.hardship as HardshipCode[],
        entitledToBasic: true,
      };
      // The ledger keeps a resident's year-to-date sums as the policy library's settleClaim returns
      // them (ResidentState.accumulations); the generator keeps the same sums, so reported payments
      // are what the policy gives and omitted ones are predicted exactly as the ledger settles them.
      const split = this.settle(this.policy, { ...claim, accumulations: this.accumulationsOf(index) });
      const basic = fenOf(split.basicFundPayment);
      const critical = fenOf(split.criticalIllnessPayment);
      this.keep(index, split.accumulations);
      this.summary.funds[profile.fundId].claims[careType] += basic;
      this.summary.criticalIllnessPaid += critical;
      this.summary.assistancePaid += fenOf(split.assistancePayment);

      if (recorded) this.summary.recordedClaims += 1;
      else this.summary.computedClaims += 1;
      const claimId = `CLM-${this.year}-${String(seq).padStart(8, '0')}`;
      if (basic >= 2 && seq % RECOVERY_EVERY_CLAIMS === RECOVERY_EVERY_CLAIMS - 1) {
        // An inspection later finds part of the payment improper: it is recovered to the fund that paid.
        const recoveredAt = day + RECOVERY_AFTER_DAYS;
        later(recoveredAt, {
          kind: 'RecordFundMovement', movementId: `REC-${claimId}`, fundId: profile.fundId, movement: 'recovery', amount: money(fenText(Math.floor(basic / 2))),
          occurredAt: dayText(recoveredAt), claimId, reason: 'improper payment found by inspection',
        });
      }
      if (critical > 0 && (cashAdvance || random() < 0.3)) {
        // Critical-illness insurance not settled one-stop: the insurer decides, then pays.
        const decided = day + intBetween(random, 2, 25);
        const paid = decided + intBetween(random, 1, 8);
        later(decided, { kind: 'RecordInsurerDecision', claimId, receivedAt: dayText(day), decidedAt: dayText(decided), covered: true });
        later(paid, { kind: 'RecordInsurerPayment', claimId, paidAt: dayText(paid), amount: money(fenText(critical)) });
      }
      return {
        kind: 'SettleClaim',
        claimId,
        residentId: profile.residentId,
        careType,
        institution: { id: `${district}-L${level}-${intBetween(random, 1, level === 3 ? 4 : 15)}`, level, designated, district },
        admittedAt,
        dischargedAt: dayText(discharged),
        totalCost,
        compliantCost,
        settlement: cashAdvance ? 'cash-advance' : 'direct',
        filedAt: dayText(day),
        ...(recorded
          ? { basicFundPayment: split.basicFundPayment, criticalIllnessPayment: split.criticalIllnessPayment, assistancePayment: split.assistancePayment }
          : {}),
      };
    }
    return null;
  }

  private accumulationsOf(index: number): YearAccumulations {
    const d = (fen: number) => new PolicyDecimal(fen).div(100);
    return {
      basicFundPaid: d(this.accBasic[index]),
      personalBurdenInScope: d(this.accBurden[index]),
      criticalIllnessPaid: d(this.accCritical[index]),
      assistancePaid: d(this.accAssistance[index]),
      outpatientCompliant: d(this.accOutpatient[index]),
    };
  }

  private keep(index: number, after: YearAccumulations): void {
    this.accBasic[index] = fenOf(after.basicFundPaid);
    this.accBurden[index] = fenOf(after.personalBurdenInScope);
    this.accCritical[index] = fenOf(after.criticalIllnessPaid);
    this.accAssistance[index] = fenOf(after.assistancePaid);
    this.accOutpatient[index] = fenOf(after.outpatientCompliant);
  }

  private count(command: LedgerCommand): void {
    const s = this.summary;
    s.commands += 1;
    switch (command.kind) {
      case 'EnrollResident':
        s.eventsByType.ResidentEnrolled += 1;
        break;
      case 'RecordContribution': {
        s.eventsByType.ContributionPaid += 1;
        s.funds[this.fundOfResident(command.residentId)].contributions += fenOf(command.amount);
        break;
      }
      case 'GrantSubsidy': {
        s.eventsByType.SubsidyGranted += 1;
        const fundId = command.fundId ?? this.fundOfResident(command.residentId!);
        s.funds[fundId].subsidies[command.level] += fenOf(command.amount);
        break;
      }
      case 'ChangeScheme':
        s.eventsByType.SchemeChanged += 1;
        break;
      case 'SettleClaim':
        s.eventsByType.ClaimSettled += 1;
        break;
      case 'RecordInsurerDecision':
        s.eventsByType.InsurerDecisionRecorded += 1;
        break;
      case 'RecordInsurerPayment':
        s.eventsByType.InsurerPaymentRecorded += 1;
        break;
      case 'RecordFundMovement': {
        const fund = s.funds[command.fundId];
        const fen = fenOf(command.amount);
        if (command.movement === 'interest') {
          s.eventsByType.InterestReceived += 1;
          fund.interest += fen;
        } else if (command.movement === 'critical-illness-premium') {
          s.eventsByType.CriticalIllnessPremiumPaid += 1;
          fund.criticalIllnessPremium += fen;
        } else if (command.movement === 'recovery') {
          s.eventsByType.RecoveryReceived += 1;
          fund.recoveries += fen;
        }
        break;
      }
      default:
        break;
    }
  }

  private fundOfResident(residentId: string): FundId {
    return this.profile(Number(residentId.slice(-8))).fundId;
  }
}

/** A fund's balance in fen from what the generator decided so far. */
export function balanceFen(sums: FundSums): number {
  const income = sums.contributions + SUBSIDY_LEVELS.reduce((t, l) => t + sums.subsidies[l], 0) + sums.interest + sums.recoveries;
  const outflow = CARE_TYPES.reduce((t, c) => t + sums.claims[c], 0) + sums.criticalIllnessPremium;
  return income - outflow;
}

export { CARE_TYPES, SUBSIDY_LEVELS };
