import {
  assessLookback,
  assistedOneStop,
  benefitStart,
  decimalOfFen,
  newbornYears,
  Policy,
  PolicyNotInForceError,
  roundFen,
  settleClaimInFen,
  type HardshipCode,
  type SettlementInFen,
  isAssistanceGroupName,
  type LookbackAssessment,
  type LookbackClaim,
  type SettlementBasis,
} from '@ledger/policy';
import type {
  ApplyForAssistance,
  ChangeScheme,
  EnrollResident,
  GrantSubsidy,
  RecordContribution,
  RecordInsurerDecision,
  RecordInsurerPayment,
  ReverseClaim,
  ReverseContribution,
  SettleClaim,
} from './commands';
import { claimTerms } from './claim-settlement';
import { businessKeyOf } from './commands';
import { daysBetween, yearOf } from './dates';
import type { DomainEvent, ResidentEnrolledV1 } from './events';
import { conflict, invalid, notFound, ruleBroken } from './errors';
import { attributedFund, type FundId } from './funds';
import { type Fen, fenOfMoney, formatFen, formatMoney, Money, ZERO } from './money';
import {
  type Accumulations,
  claimsCountedByGrants,
  type ClaimRecord,
  currentScheme,
  emptyAccumulationsOf,
  EnrollmentYear,
  isKnownResident,
  latestEnrollment,
  ResidentState,
  schemeOn,
  schemePeriodOn,
} from './resident';

/**
 * decide(command, state) → events. Pure: everything a decision needs (the resident's history, the
 * policy in force) comes in as arguments; refusals are thrown as CommandRefused.
 */
export interface DecisionContext {
  policy: Policy;
}

export function decideEnrollment(command: EnrollResident, state: ResidentState, { policy }: DecisionContext): DomainEvent[] {
  const enrolled = state.years.get(command.year);
  if (enrolled) {
    throw conflict(`resident ${command.residentId} is already enrolled for ${command.year} (enrollment ${enrolled.enrollmentId})`);
  }
  if (command.enrolledAt < command.birthDate) throw invalid('enrolledAt', 'is before the birth date');
  const base = {
    residentId: command.residentId,
    birthDate: command.birthDate,
    category: command.category,
    hukou: command.hukou,
    residenceDistrict: command.residenceDistrict,
    hardship: command.hardship,
    parents: command.parents,
    enrolledAt: command.enrolledAt,
    policyVersion: policy.version,
  };
  const key = businessKeyOf(command);

  if (command.category !== 'newborn') {
    const fundId = attributedFund(command);
    const data: ResidentEnrolledV1 = {
      ...base,
      enrollmentId: command.enrollmentId,
      year: command.year,
      fundId,
      contributionExempt: false,
      contributionDue: formatMoney(policy.contributionStandard(command.year, command.category)),
      benefitStart: null,
    };
    return [{ type: 'ResidentEnrolled', data, businessKey: key, occurredAt: command.enrolledAt }];
  }

  const firstParent = command.parents[0];
  if (!firstParent) throw invalid('parents', 'a newborn is enrolled with at least one parent');
  if (!policy.isNewborn(command.birthDate, command.enrolledAt)) {
    throw ruleBroken('a newborn is aged 1 year or less at registration (opinions-2017 §五(一))', 'birthDate');
  }
  // A newborn's fund follows the first-named parent (opinions-2017 §四).
  const fundId = attributedFund(firstParent);
  const plans = newbornYears(policy, {
    birthDate: command.birthDate,
    registeredAt: command.enrolledAt,
    anyParentInsured: command.parents.some((parent) => parent.insured),
  });
  if (!plans.some((plan) => plan.year === command.year)) {
    const years = plans.map((plan) => plan.year).join(' and ');
    throw ruleBroken(`a newborn born on ${command.birthDate} registered on ${command.enrolledAt} enrolls for ${years}`, 'year');
  }
  return plans
    .filter((plan) => plan.year === command.year || !state.years.has(plan.year))
    .map((plan): DomainEvent => {
      const data: ResidentEnrolledV1 = {
        ...base,
        enrollmentId: command.enrollmentId,
        year: plan.year,
        fundId,
        contributionExempt: plan.contributionExempt,
        contributionDue: formatMoney(plan.contributionExempt ? ZERO : policy.contributionStandard(plan.year, 'newborn')),
        benefitStart: plan.contributionExempt
          ? benefitStart(policy, {
              category: 'newborn',
              year: plan.year,
              birthDate: command.birthDate,
              registeredAt: command.enrolledAt,
              contributionExempt: true,
              paidAt: null,
            })
          : null,
      };
      const businessKey = plan.year === command.year ? key : `${key}:${plan.year}`;
      return { type: 'ResidentEnrolled', data, businessKey, occurredAt: command.enrolledAt };
    });
}

function requireResident(state: ResidentState): void {
  if (!isKnownResident(state)) throw notFound(`resident ${state.residentId} is not enrolled in any year`);
}

function requireEnrollment(state: ResidentState, year: number): EnrollmentYear {
  const enrollment = state.years.get(year);
  if (!enrollment) throw ruleBroken(`resident ${state.residentId} is not enrolled for ${year}`, 'year');
  return enrollment;
}

/** Benefit start once a payment brings the year's contribution up to what is due. */
function benefitStartAfterPayment(
  policy: Policy,
  state: ResidentState,
  enrollment: EnrollmentYear,
  amount: Money,
  paidAt: string,
): string | null {
  if (enrollment.benefitStart) return enrollment.benefitStart;
  if (compareWithFen(amount, enrollment.contributionDueFen - enrollment.paidFen) < 0) return null;
  return benefitStart(policy, {
    category: enrollment.category,
    year: enrollment.year,
    birthDate: state.birthDate!,
    registeredAt: enrollment.enrolledAt,
    contributionExempt: enrollment.contributionExempt,
    paidAt,
  });
}

/**
 * The year's standard is due once, in full (按时足额缴纳, opinions-2017 §三): individual contributions
 * and hardship contribution aid of the year together never exceed it.
 */
function requireWithinStandard(state: ResidentState, enrollment: EnrollmentYear, amount: Money): void {
  const stillDue = enrollment.contributionDueFen - enrollment.paidFen;
  if (compareWithFen(amount, stillDue) <= 0) return;
  const due = stillDue > 0 ? `${formatFen(stillDue)} is still due` : 'nothing is still due';
  throw ruleBroken(
    `${formatMoney(amount)} would take resident ${state.residentId}'s ${enrollment.year} contributions above the year's standard of ${formatFen(enrollment.contributionDueFen)} (${enrollment.category}); ${formatFen(enrollment.paidFen)} is already paid (contributions and hardship aid), ${due} (opinions-2017 §三 按时足额缴纳)`,
    'amount',
  );
}

/**
 * A command's amount against whole fen of the state: -1, 0 or 1. In fen when the amount is whole
 * fen within 2^53 (always, for what the input accepts short of absurd sizes), else in decimal.js.
 */
function compareWithFen(amount: Money, fen: Fen): number {
  let amountFen: Fen;
  try {
    amountFen = fenOfMoney(amount);
  } catch {
    return amount.comparedTo(decimalOfFen(fen));
  }
  return amountFen < fen ? -1 : amountFen > fen ? 1 : 0;
}

export function decideContribution(command: RecordContribution, state: ResidentState, { policy }: DecisionContext): DomainEvent[] {
  requireResident(state);
  const enrollment = requireEnrollment(state, command.year);
  if (enrollment.contributionExempt) {
    throw ruleBroken(`resident ${command.residentId}'s ${command.year} contribution is exempt (newborn with an insured parent)`, 'year');
  }
  requireWithinStandard(state, enrollment, command.amount);
  return [
    {
      type: 'ContributionPaid',
      businessKey: businessKeyOf(command),
      occurredAt: command.paidAt,
      data: {
        receiptNo: command.receiptNo,
        residentId: command.residentId,
        year: command.year,
        amount: formatMoney(command.amount),
        paidAt: command.paidAt,
        collector: command.collector,
        fundId: command.fundId ?? enrollment.fundId,
        attributedFundId: enrollment.fundId,
        benefitStart: benefitStartAfterPayment(policy, state, enrollment, command.amount, command.paidAt),
      },
    },
  ];
}

/** Per-capita subsidies go to a fund and need no resident; hardship aid pays a resident's contribution. */
export function decideSubsidy(command: GrantSubsidy, state: ResidentState | null, { policy }: DecisionContext): DomainEvent[] {
  const common = {
    subsidyId: command.subsidyId,
    level: command.level,
    purpose: command.purpose,
    year: command.year,
    amount: formatMoney(command.amount),
    grantedAt: command.grantedAt,
  };
  const businessKey = businessKeyOf(command);
  if (command.purpose === 'per-capita') {
    if (!command.fundId) throw invalid('fundId', 'a per-capita subsidy names the fund it is granted to');
    if (command.residentId) throw invalid('residentId', 'a per-capita subsidy is granted to a fund, not to a resident');
    return [
      {
        type: 'SubsidyGranted',
        businessKey,
        occurredAt: command.grantedAt,
        data: { ...common, fundId: command.fundId, residentId: null, attributedFundId: null, benefitStart: null },
      },
    ];
  }
  if (!command.residentId || !state) throw invalid('residentId', 'hardship contribution aid names the resident it pays for');
  requireResident(state);
  const enrollment = requireEnrollment(state, command.year);
  if (enrollment.contributionExempt) {
    throw ruleBroken(`resident ${command.residentId}'s ${command.year} contribution is exempt; there is nothing to aid`, 'year');
  }
  if (enrollment.hardship.length === 0) {
    throw ruleBroken(`resident ${command.residentId} belongs to no hardship group`, 'residentId');
  }
  requireWithinStandard(state, enrollment, command.amount);
  return [
    {
      type: 'SubsidyGranted',
      businessKey,
      occurredAt: command.grantedAt,
      data: {
        ...common,
        fundId: command.fundId ?? enrollment.fundId,
        residentId: command.residentId,
        attributedFundId: enrollment.fundId,
        benefitStart: benefitStartAfterPayment(policy, state, enrollment, command.amount, command.grantedAt),
      },
    },
  ];
}

export function decideSchemeChange(command: ChangeScheme, state: ResidentState): DomainEvent[] {
  requireResident(state);
  const from = currentScheme(state);
  if (from === command.to) throw ruleBroken(`resident ${command.residentId} is already in the ${command.to} scheme`, 'to');
  const last = state.schemes[state.schemes.length - 1];
  if (last && command.effectiveAt < last.from) {
    throw ruleBroken(`a scheme change cannot take effect before the current period began (${last.from})`, 'effectiveAt');
  }
  return [
    {
      type: 'SchemeChanged',
      businessKey: businessKeyOf(command),
      occurredAt: command.effectiveAt,
      data: { changeId: command.changeId, residentId: command.residentId, from, to: command.to, effectiveAt: command.effectiveAt },
    },
  ];
}

/** Enrolled, paid up, on or after the benefit start, and not in the employee scheme on the day care began. */
export function entitledToBasicBenefits(state: ResidentState, year: number, on: string): boolean {
  const enrollment = state.years.get(year);
  return (
    enrollment !== undefined &&
    enrollment.benefitStart !== null &&
    enrollment.benefitStart <= on &&
    schemeOn(state, on) === 'resident'
  );
}

/**
 * Employee-scheme members are insured, in the other scheme (opinions-2017 §五(二), §七): the
 * resident ledger refuses their claims and quotes; they are never the "uninsured" assistance group.
 */
function requireResidentScheme(state: ResidentState, admittedAt: string): void {
  const period = schemePeriodOn(state, admittedAt);
  if (period?.scheme !== 'employee') return;
  const change = period.changeId ? `scheme change ${period.changeId}, ` : '';
  throw ruleBroken(
    `resident ${state.residentId} is in the employee scheme on ${admittedAt} (${change}effective ${period.from}); the employee scheme settles that care, not the resident fund (opinions-2017 §五(二), §七)`,
    'admittedAt',
  );
}

/** How a claim would be settled: the split, its fund, and the policy basis, without deciding anything. */
export interface ClaimQuote {
  year: number;
  fundId: FundId;
  basicFundPayment: Money;
  criticalIllnessPayment: Money;
  assistancePayment: Money;
  personalPayment: Money;
  burdenInScope: Money;
  paymentsSource: 'recorded' | 'computed';
  basis: SettlementBasis;
}

/** A claim's settlement as decideClaim records it: in whole fen, as the resident state holds the year's sums. */
interface FenQuote {
  year: number;
  fundId: FundId;
  split: SettlementInFen;
  burdenInScopeFen: Fen;
  paymentsSource: 'recorded' | 'computed';
}

export function quoteClaim(command: SettleClaim, state: ResidentState, context: DecisionContext): ClaimQuote {
  const quote = quoteInFen(command, state, context);
  const { split } = quote;
  return {
    year: quote.year,
    fundId: quote.fundId,
    basicFundPayment: decimalOfFen(split.basicFundPayment),
    criticalIllnessPayment: decimalOfFen(split.criticalIllnessPayment),
    assistancePayment: decimalOfFen(split.assistancePayment),
    personalPayment: decimalOfFen(split.personalPayment),
    burdenInScope: decimalOfFen(quote.burdenInScopeFen),
    paymentsSource: quote.paymentsSource,
    basis: split.basis,
  };
}

function quoteInFen(command: SettleClaim, state: ResidentState, { policy }: DecisionContext): FenQuote {
  requireResident(state);
  requireResidentScheme(state, command.admittedAt);
  if (command.dischargedAt < command.admittedAt) throw invalid('dischargedAt', 'is before admittedAt');
  if (command.filedAt < command.dischargedAt) throw invalid('filedAt', 'is before dischargedAt');
  if (command.compliantCost.greaterThan(command.totalCost)) throw invalid('compliantCost', 'exceeds totalCost');
  const year = yearOf(command.admittedAt);
  const enrollment = state.years.get(year) ?? latestEnrollment(state)!;
  const recorded = command.basicFundPayment !== undefined || command.criticalIllnessPayment !== undefined || command.assistancePayment !== undefined;

  if (recorded) {
    // The settlement platform already paid: its parts are recorded as reported (the auditor
    // judges them) and only the omitted parts are computed, in the policy's order.
    if (reportedExceedTotal(command)) {
      throw ruleBroken('basicFundPayment + criticalIllnessPayment + assistancePayment exceed totalCost', 'totalCost');
    }
  } else if (command.settlement === 'cash-advance') {
    const universityStudent = state.years.get(year)?.category === 'university-student';
    const window = policy.cashAdvanceWindowDays(universityStudent, command.dischargedAt);
    if (daysBetween(command.dischargedAt, command.filedAt) > window) {
      throw ruleBroken(`a cash-advance claim is filed within ${window} days of the end of treatment (opinions-2017 §十(四))`, 'filedAt');
    }
  }
  const before = state.accumulations.get(year) ?? emptyAccumulationsOf(year);
  requireHeldExactly(before, command.totalCost);
  // Field by field, not spread: every claim of an import passes here, and the spread's copy was ~1 % of it.
  const terms = claimTerms(command);
  const split = settleClaimInFen(policy, {
    on: terms.on,
    careType: terms.careType,
    institutionLevel: terms.institutionLevel,
    designated: terms.designated,
    totalCost: terms.totalCost,
    compliantCost: terms.compliantCost,
    hardship: (enrollment.year === year ? enrollment.hardship : NO_HARDSHIP) as HardshipCode[],
    entitledToBasic: entitledToBasicBenefits(state, year, command.admittedAt),
    accumulations: before,
    uninsuredAssistanceYearsUsed: otherYears(state.uninsuredAssistanceYears, year),
    // None reported (the usual claim): nothing to carry.
    reported: recorded
      ? { basicFundPayment: command.basicFundPayment, criticalIllnessPayment: command.criticalIllnessPayment, assistancePayment: command.assistancePayment }
      : undefined,
  });
  return {
    year,
    fundId: enrollment.fundId,
    split,
    burdenInScopeFen: split.accumulations.personalBurdenInScope - before.personalBurdenInScope,
    paymentsSource: recorded ? 'recorded' : 'computed',
  };
}

/** Whether the reported parts add up to more than the total cost: in fen, or in decimal.js for amounts beyond it. */
function reportedExceedTotal(command: SettleClaim): boolean {
  const parts = [command.basicFundPayment, command.criticalIllnessPayment, command.assistancePayment];
  try {
    let sum = 0;
    for (const part of parts) if (part !== undefined) sum += fenOfMoney(part);
    if (Number.isSafeInteger(sum)) return sum > fenOfMoney(command.totalCost);
  } catch {
    // an amount beyond whole fen within 2^53: exactly, below
  }
  return parts.reduce<Money>((total, part) => total.plus(part ?? ZERO), ZERO).greaterThan(command.totalCost);
}

const NO_HARDSHIP: readonly string[] = Object.freeze([]);

function otherYears(years: readonly number[], year: number): number {
  let count = 0;
  for (const used of years) if (used !== year) count += 1;
  return count;
}

/**
 * The resident state holds amounts in whole fen below 2^53 (money.ts): a claim whose cost could take
 * the year's sums past that (some 90 trillion yuan) is refused rather than recorded inexactly.
 */
function requireHeldExactly(before: Accumulations, totalCost: Money): void {
  const largest = Math.max(before.compliantCost, before.basicFundPaid, before.personalBurdenInScope, before.criticalIllnessPaid, before.assistancePaid, before.outpatientCompliant);
  if (compareWithFen(totalCost, Number.MAX_SAFE_INTEGER - largest) <= 0) return;
  throw ruleBroken(`a total cost of ${formatMoney(totalCost)} would take the year's sums beyond what the ledger holds exactly`, 'totalCost');
}

export function decideClaim(command: SettleClaim, state: ResidentState, context: DecisionContext): DomainEvent[] {
  const quote = quoteInFen(command, state, context);
  const { split } = quote;
  return [
    {
      type: 'ClaimSettled',
      businessKey: businessKeyOf(command),
      occurredAt: command.dischargedAt,
      data: {
        claimId: command.claimId,
        residentId: command.residentId,
        year: quote.year,
        fundId: quote.fundId,
        careType: command.careType,
        institution: command.institution,
        admittedAt: command.admittedAt,
        dischargedAt: command.dischargedAt,
        totalCost: formatMoney(command.totalCost),
        compliantCost: formatMoney(command.compliantCost),
        settlement: command.settlement,
        filedAt: command.filedAt,
        basicFundPayment: formatFen(split.basicFundPayment),
        criticalIllnessPayment: formatFen(split.criticalIllnessPayment),
        assistancePayment: formatFen(split.assistancePayment),
        personalPayment: formatFen(split.personalPayment),
        burdenInScope: formatFen(quote.burdenInScopeFen),
        assistanceGroup: split.basis.assistanceGroup,
        paymentsSource: quote.paymentsSource,
        policyVersion: context.policy.version,
      },
    },
  ];
}

function requireClaim(state: ResidentState, claimId: string) {
  const claim = state.claims.get(claimId);
  if (!claim) throw notFound(`claim ${claimId} is not recorded`);
  return claim;
}

export function decideInsurerDecision(command: RecordInsurerDecision, state: ResidentState): DomainEvent[] {
  const claim = requireClaim(state, command.claimId);
  if (command.decidedAt < command.receivedAt) throw invalid('decidedAt', 'is before receivedAt');
  if (claim.insurerDecision) throw conflict(`claim ${command.claimId} already has an insurer decision`);
  return [
    {
      type: 'InsurerDecisionRecorded',
      businessKey: businessKeyOf(command),
      occurredAt: command.decidedAt,
      data: { claimId: command.claimId, residentId: state.residentId, receivedAt: command.receivedAt, decidedAt: command.decidedAt, covered: command.covered },
    },
  ];
}

export function decideInsurerPayment(command: RecordInsurerPayment, state: ResidentState): DomainEvent[] {
  const claim = requireClaim(state, command.claimId);
  if (!claim.insurerDecision) throw ruleBroken(`claim ${command.claimId} has no insurer decision to pay on`, 'claimId');
  if (!claim.insurerDecision.covered) throw ruleBroken(`the insurer decided claim ${command.claimId} is not covered`, 'claimId');
  if (command.paidAt < claim.insurerDecision.decidedAt) throw invalid('paidAt', 'is before the insurer decision');
  return [
    {
      type: 'InsurerPaymentRecorded',
      businessKey: businessKeyOf(command),
      occurredAt: command.paidAt,
      data: { claimId: command.claimId, residentId: state.residentId, paidAt: command.paidAt, amount: formatMoney(command.amount) },
    },
  ];
}

/**
 * A correction is dated in its own period and never before the fact it corrects (SPEC "Period
 * close"): dated earlier, it would rewrite balances already reported (a fund negative in a month
 * that closed positive).
 */
function refuseReversalBefore(reversedAt: string, factDate: string, fact: string): void {
  if (reversedAt < factDate) throw ruleBroken(`a reversal cannot be dated before the fact it reverses: ${fact} is dated ${factDate}`, 'reversedAt');
}

export function decideContributionReversal(command: ReverseContribution, state: ResidentState): DomainEvent[] {
  const receipt = state.receipts.get(command.receiptNo);
  if (!receipt) throw notFound(`contribution ${command.receiptNo} is not recorded`);
  if (receipt.reversed) throw ruleBroken(`contribution ${command.receiptNo} is already reversed`, 'receiptNo');
  refuseReversalBefore(command.reversedAt, receipt.paidAt, `contribution ${command.receiptNo}`);
  return [
    {
      type: 'ContributionReversed',
      businessKey: businessKeyOf(command),
      occurredAt: command.reversedAt,
      data: {
        reversalId: command.reversalId,
        receiptNo: command.receiptNo,
        residentId: state.residentId,
        year: receipt.year,
        amount: formatFen(receipt.amountFen),
        fundId: receipt.fundId,
        reversedAt: command.reversedAt,
        reason: command.reason,
      },
    },
  ];
}

export function decideClaimReversal(command: ReverseClaim, state: ResidentState): DomainEvent[] {
  const claim = requireClaim(state, command.claimId);
  if (claim.reversed) throw ruleBroken(`claim ${command.claimId} is already reversed`, 'claimId');
  if (claim.recoveredFen !== 0) {
    // The reversal would give the fund back the whole payment, the recovered part a second time.
    throw ruleBroken(`claim ${command.claimId} already has ${formatFen(claim.recoveredFen)} recovered; correct it with a further recovery instead of a reversal`, 'claimId');
  }
  refuseReversalBefore(command.reversedAt, claim.dischargedAt, `claim ${command.claimId}`);
  return [
    {
      type: 'ClaimReversed',
      businessKey: businessKeyOf(command),
      occurredAt: command.reversedAt,
      data: {
        reversalId: command.reversalId,
        claimId: command.claimId,
        residentId: state.residentId,
        year: claim.year,
        fundId: claim.fundId,
        careType: claim.careType,
        basicFundPayment: formatFen(claim.basicFundPaymentFen),
        criticalIllnessPayment: formatFen(claim.criticalIllnessPaymentFen),
        assistancePayment: formatFen(claim.assistancePaymentFen),
        compliantCost: formatFen(claim.compliantCostFen),
        burdenInScope: formatFen(claim.burdenInScopeFen),
        reversedAt: command.reversedAt,
        reason: command.reason,
      },
    },
  ];
}

const ILLNESS_POVERTY = 'illness-poverty';

/** A recorded claim as the look-back rule of the policy library reads it. */
function lookbackClaim(policy: Policy, claim: ClaimRecord): LookbackClaim {
  // A group the policy does not know (none is written today) is no one-stop group.
  const assistanceGroup = isAssistanceGroupName(claim.assistanceGroup) ? claim.assistanceGroup : null;
  const assistancePayment = decimalOfFen(claim.assistancePaymentFen);
  return {
    claimId: claim.claimId,
    admittedAt: claim.admittedAt,
    reversed: claim.reversed,
    compliantCost: decimalOfFen(claim.compliantCostFen),
    basicFundPayment: decimalOfFen(claim.basicFundPaymentFen),
    criticalIllnessPayment: decimalOfFen(claim.criticalIllnessPaymentFen),
    assistancePayment,
    assistedOneStop: assistedOneStop(policy, { admittedAt: claim.admittedAt, assistancePayment, assistanceGroup }),
  };
}

/**
 * Look-back assistance for an illness-poverty target (linkage-2018 §二(二)2): the self-paid
 * compliant costs (compliant − basic − critical illness) of the claims admitted in the months
 * before the application (the 1.5× income threshold is abolished, so no threshold applies), at the
 * group's ratio, within what the natural year's cap leaves. A claim is assisted in one channel and
 * once: the rule itself is the policy library's `assessLookback`.
 */
export function decideAssistanceApplication(command: ApplyForAssistance, state: ResidentState, { policy }: DecisionContext): DomainEvent[] {
  requireResident(state);
  const { appliedAt } = command;
  const year = yearOf(appliedAt);
  const enrollment = requireEnrollment(state, year);
  if (!enrollment.hardship.includes(ILLNESS_POVERTY)) {
    throw ruleBroken(
      `resident ${command.residentId} is not an illness-poverty target (因病致贫救助对象) in its ${year} enrollment; look-back assistance is for them only (linkage-2018 §二(二)2)`,
      'residentId',
    );
  }
  let assessed: LookbackAssessment;
  try {
    assessed = assessLookback(policy, {
      appliedAt,
      claims: [...state.claims.values()].map((claim) => lookbackClaim(policy, claim)),
      countedBefore: claimsCountedByGrants(state),
      assistancePaidInYear: decimalOfFen(state.accumulations.get(year)?.assistancePaid ?? 0),
    });
  } catch (error) {
    // An application from before the rule took effect is a business refusal, not a server fault.
    if (error instanceof PolicyNotInForceError) throw ruleBroken(`look-back assistance is not in force on ${appliedAt}: ${error.message}`, 'appliedAt');
    throw error;
  }
  const { window, months } = assessed;
  if (assessed.due.isZero()) {
    throw ruleBroken(
      `no self-paid compliant costs in the ${months} months before ${appliedAt} (claims admitted ${window.from} to ${window.through}) that are not already assisted (one-stop at settlement, or by an earlier application)`,
      'appliedAt',
    );
  }
  if (assessed.capLeft.isZero()) {
    // Refused rather than granted at 0.00, so the claims stay available to a later year's application.
    const paidThisYear = state.accumulations.get(year)?.assistancePaid ?? 0;
    throw ruleBroken(
      `resident ${command.residentId}'s ${year} assistance (${formatFen(paidThisYear)}) has already reached the illness-poverty annual cap of ${formatMoney(assessed.annualCap)}`,
      'appliedAt',
    );
  }
  const { counted: claimIds, base, ratio, amount } = assessed;
  return [
    {
      type: 'LookbackAssistanceGranted',
      businessKey: businessKeyOf(command),
      occurredAt: appliedAt,
      data: {
        applicationId: command.applicationId,
        residentId: command.residentId,
        year,
        fundId: enrollment.fundId,
        appliedAt,
        window,
        claimIds,
        base: formatMoney(base),
        ratio: ratio.toString(),
        amount: formatMoney(amount),
        policyVersion: policy.version,
      },
    },
  ];
}
