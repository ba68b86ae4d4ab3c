import { plainToInstance } from 'class-transformer';
import { validate, ValidationError } from 'class-validator';
import type { ClassConstructor } from 'class-transformer';
import type {
  ApplyForAssistance,
  ChangeScheme,
  EnrollResident,
  FieldProblem,
  GrantSubsidy,
  Hukou,
  LedgerCommand,
  RecordContribution,
  RecordFundMovement,
  RecordFundTransfer,
  RecordInsurerDecision,
  RecordInsurerPayment,
  ReverseClaim,
  ReverseContribution,
  SettleClaim,
} from '@ledger/domain';
import { money } from '@ledger/domain';
import {
  AssistanceApplicationDto,
  ClaimDto,
  ContributionDto,
  EnrollmentDto,
  FundMovementDto,
  FundTransferDto,
  HukouDto,
  InsurerDecisionDto,
  InsurerPaymentDto,
  ReversalDto,
  SchemeChangeDto,
  SubsidyDto,
} from './dto';

/**
 * Validated input → domain command. One mapping serves the HTTP API and the batch import, so a
 * fact means the same whichever door it comes in by.
 */
// null is how some senders write "not given"; @IsOptional() lets it through, so it means omitted here too.
const optionalMoney = (text: string | null | undefined) => (text === undefined || text === null ? undefined : money(text));

const hukouOf = (hukou: HukouDto): Hukou => ({ local: hukou.local, ...(hukou.district ? { district: hukou.district } : {}) });

export function enrollmentCommand(body: EnrollmentDto): EnrollResident {
  return {
    kind: 'EnrollResident',
    enrollmentId: body.enrollmentId,
    residentId: body.residentId,
    year: body.year,
    birthDate: body.birthDate,
    category: body.category,
    hukou: hukouOf(body.hukou),
    residenceDistrict: body.residenceDistrict,
    hardship: [...new Set(body.hardship ?? [])].sort(),
    parents: (body.parents ?? []).map((parent) => ({
      scheme: parent.scheme,
      insured: parent.insured,
      hukou: hukouOf(parent.hukou),
      residenceDistrict: parent.residenceDistrict,
    })),
    enrolledAt: body.enrolledAt,
  };
}

export function contributionCommand(body: ContributionDto): RecordContribution {
  return {
    kind: 'RecordContribution',
    receiptNo: body.receiptNo,
    residentId: body.residentId,
    year: body.year,
    amount: money(body.amount),
    paidAt: body.paidAt,
    collector: body.collector,
    fundId: body.fundId,
  };
}

export function subsidyCommand(body: SubsidyDto): GrantSubsidy {
  return {
    kind: 'GrantSubsidy',
    subsidyId: body.subsidyId,
    level: body.level,
    purpose: body.purpose,
    year: body.year,
    amount: money(body.amount),
    grantedAt: body.grantedAt,
    fundId: body.fundId,
    residentId: body.residentId,
  };
}

export function schemeChangeCommand(body: SchemeChangeDto): ChangeScheme {
  return { kind: 'ChangeScheme', changeId: body.changeId, residentId: body.residentId, to: body.to, effectiveAt: body.effectiveAt };
}

export function claimCommand(body: ClaimDto): SettleClaim {
  return {
    kind: 'SettleClaim',
    claimId: body.claimId,
    residentId: body.residentId,
    careType: body.careType,
    institution: { id: body.institution.id, level: body.institution.level, designated: body.institution.designated, district: body.institution.district },
    admittedAt: body.admittedAt,
    dischargedAt: body.dischargedAt,
    totalCost: money(body.totalCost),
    compliantCost: money(body.compliantCost),
    settlement: body.settlement,
    filedAt: body.filedAt,
    basicFundPayment: optionalMoney(body.basicFundPayment),
    criticalIllnessPayment: optionalMoney(body.criticalIllnessPayment),
    assistancePayment: optionalMoney(body.assistancePayment),
  };
}

export function insurerDecisionCommand(claimId: string, body: InsurerDecisionDto): RecordInsurerDecision {
  return { kind: 'RecordInsurerDecision', claimId, receivedAt: body.receivedAt, decidedAt: body.decidedAt, covered: body.covered };
}

export function insurerPaymentCommand(claimId: string, body: InsurerPaymentDto): RecordInsurerPayment {
  return { kind: 'RecordInsurerPayment', claimId, paidAt: body.paidAt, amount: money(body.amount) };
}

export function claimReversalCommand(claimId: string, body: ReversalDto): ReverseClaim {
  return { kind: 'ReverseClaim', reversalId: body.reversalId, claimId, reversedAt: body.reversedAt, reason: body.reason };
}

export function contributionReversalCommand(receiptNo: string, body: ReversalDto): ReverseContribution {
  return { kind: 'ReverseContribution', reversalId: body.reversalId, receiptNo, reversedAt: body.reversedAt, reason: body.reason };
}

export function assistanceApplicationCommand(body: AssistanceApplicationDto): ApplyForAssistance {
  return { kind: 'ApplyForAssistance', applicationId: body.applicationId, residentId: body.residentId, appliedAt: body.appliedAt };
}

/** null is "not given" for optional fields, as for money. */
const given = <T>(value: T | null | undefined): T | undefined => (value === null ? undefined : value);

export function fundMovementCommand(body: FundMovementDto): RecordFundMovement {
  return {
    kind: 'RecordFundMovement',
    movementId: body.movementId,
    fundId: body.fundId,
    movement: body.kind,
    amount: money(body.amount),
    occurredAt: body.occurredAt,
    year: given(body.year),
    claimId: given(body.claimId),
    reference: given(body.reference),
    reason: given(body.reason),
  };
}

export function fundTransferCommand(body: FundTransferDto): RecordFundTransfer {
  return {
    kind: 'RecordFundTransfer',
    transferId: body.transferId,
    transfer: body.kind,
    fromFundId: body.fromFundId,
    toFundId: body.toFundId,
    amount: money(body.amount),
    occurredAt: body.occurredAt,
    reference: given(body.reference),
  };
}

/** The kinds of record a batch import line may carry, with the API body it takes. */
export const IMPORT_TYPES = [
  'enrollment',
  'contribution',
  'subsidy',
  'scheme-change',
  'claim',
  'insurer-decision',
  'insurer-payment',
  'assistance-application',
  'fund-movement',
  'fund-transfer',
] as const;
export type ImportType = (typeof IMPORT_TYPES)[number];

/** Flattens class-validator's tree into `field.path: reason` problems. */
export function validationProblems(errors: ValidationError[], parent = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((reason) => ({ field, reason }));
    return [...own, ...validationProblems(error.children ?? [], field)];
  });
}

/**
 * Keys naming what every object inherits (`__proto__`, `constructor`, `toString`, `hasOwnProperty`…):
 * class-transformer drops them without a word, so they would slip past the unknown-field check
 * (and `__proto__` is the prototype-pollution vector). `prototype` with them: no input has such a field.
 */
const RESERVED_KEYS = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);
/** Deeper than any command body (enrollment → parents → [i] → hukou is 3). */
export const MAX_INPUT_DEPTH = 8;
const MAX_SHAPE_PROBLEMS = 20;

/**
 * What no valid input can contain, found before class-transformer and class-validator see it (both
 * recurse, and would drop reserved keys or exhaust the stack on deep nesting): reserved keys at any
 * depth and nesting deeper than MAX_INPUT_DEPTH. Iterative, so any parsed JSON is safe to inspect.
 */
export function inputShapeProblems(value: unknown): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const pending: Array<{ value: unknown; path: string; depth: number }> = [{ value, path: '', depth: 0 }];
  while (pending.length > 0 && problems.length < MAX_SHAPE_PROBLEMS) {
    const { value: current, path, depth } = pending.pop()!;
    if (current === null || typeof current !== 'object') continue;
    if (depth >= MAX_INPUT_DEPTH) {
      problems.push({ field: path || 'body', reason: `nests deeper than ${MAX_INPUT_DEPTH} levels` });
      continue;
    }
    for (const key of Object.keys(current)) {
      const field = path ? `${path}.${key}` : key;
      if (RESERVED_KEYS.has(key)) problems.push({ field, reason: 'is not an accepted field name' });
      else pending.push({ value: (current as Record<string, unknown>)[key], path: field, depth: depth + 1 });
    }
  }
  return problems;
}

async function validated<T extends object>(type: ClassConstructor<T>, body: unknown): Promise<T | FieldProblem[]> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return [{ field: 'body', reason: 'must be a JSON object' }];
  const shape = inputShapeProblems(body);
  if (shape.length) return shape;
  const instance = plainToInstance(type, body);
  const errors = await validate(instance, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
  return errors.length ? validationProblems(errors) : instance;
}

/**
 * One import line `{ type, body, claimId? }` → a command, or the problems that make it unusable
 * (the same checks as the HTTP API).
 */
export async function commandFromImport(line: { type?: unknown; body?: unknown; claimId?: unknown }): Promise<LedgerCommand | FieldProblem[]> {
  const map = async <T extends object>(type: ClassConstructor<T>, toCommand: (dto: T) => LedgerCommand) => {
    const result = await validated(type, line.body);
    return Array.isArray(result) ? result : toCommand(result);
  };
  const claimId = typeof line.claimId === 'string' && line.claimId.length > 0 ? line.claimId : undefined;
  switch (line.type as ImportType) {
    case 'enrollment':
      return map(EnrollmentDto, enrollmentCommand);
    case 'contribution':
      return map(ContributionDto, contributionCommand);
    case 'subsidy':
      return map(SubsidyDto, subsidyCommand);
    case 'scheme-change':
      return map(SchemeChangeDto, schemeChangeCommand);
    case 'claim':
      return map(ClaimDto, claimCommand);
    case 'insurer-decision':
      return claimId ? map(InsurerDecisionDto, (dto) => insurerDecisionCommand(claimId, dto)) : [{ field: 'claimId', reason: 'names the claim decided on' }];
    case 'insurer-payment':
      return claimId ? map(InsurerPaymentDto, (dto) => insurerPaymentCommand(claimId, dto)) : [{ field: 'claimId', reason: 'names the claim paid' }];
    case 'assistance-application':
      return map(AssistanceApplicationDto, assistanceApplicationCommand);
    case 'fund-movement':
      return map(FundMovementDto, fundMovementCommand);
    case 'fund-transfer':
      return map(FundTransferDto, fundTransferCommand);
    default:
      return [{ field: 'type', reason: `must be one of ${IMPORT_TYPES.join(', ')}` }];
  }
}
