// class-transformer's @Type reads design-time types through the Reflect metadata API: load the
// polyfill here, so every entry point using these DTOs (the API, scripts/import, tests) has it.
import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { HARDSHIP_CODES } from '@ledger/policy';
import {
  CARE_TYPES,
  CATEGORIES,
  COLLECTORS,
  DISTRICT_CODES,
  FUND_IDS,
  FUND_MOVEMENT_KINDS,
  FUND_TRANSFER_KINDS,
  INSTITUTION_DISTRICT_CODES,
  OUT_OF_TOWN,
  SCHEMES,
  SETTLEMENTS,
  SUBSIDY_LEVELS,
  SUBSIDY_PURPOSES,
} from '@ledger/domain';
import type {
  CareType,
  Category,
  Collector,
  FundId,
  FundMovementKind,
  FundTransferKind,
  Scheme,
  Settlement,
  SubsidyLevel,
  SubsidyPurpose,
} from '@ledger/domain';
import { IsBusinessDate, IsMoney, YEAR_MAX, YEAR_MIN } from './validators';

/** Business keys and ids: printable, no spaces or control characters, bounded. */
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:\-/]*$/;
const ID_MESSAGE = '$property must be 1-64 characters of letters, digits and . _ : - /';

/** The same rule for ids that arrive as path parameters (`/v1/residents/:residentId`…). */
export function isIdentifier(value: unknown): value is string {
  return typeof value === 'string' && value.length >= 1 && value.length <= 64 && ID_PATTERN.test(value);
}
export const IDENTIFIER_REASON = 'must be 1-64 characters of letters, digits and . _ : - /, starting with a letter or digit';

export function IsIdentifier(): PropertyDecorator {
  return (target, key) => {
    IsString()(target, key);
    Length(1, 64)(target, key);
    Matches(ID_PATTERN, { message: ID_MESSAGE })(target, key);
  };
}

function IsYear(): PropertyDecorator {
  return (target, key) => {
    IsInt()(target, key);
    Min(YEAR_MIN)(target, key);
    Max(YEAR_MAX)(target, key);
  };
}

export class HukouDto {
  @IsBoolean()
  local: boolean;

  @ValidateIf((hukou: HukouDto) => hukou.local || hukou.district !== undefined)
  @IsIn(DISTRICT_CODES, { message: 'district must be a known Wuhan district code (required when local is true)' })
  district?: string;
}

export class ParentDto {
  @IsIn(SCHEMES)
  scheme: Scheme;

  @IsBoolean()
  insured: boolean;

  // @ValidateNested alone accepts an array (of anything, even []) where the object goes.
  @IsObject()
  @ValidateNested()
  @Type(() => HukouDto)
  hukou: HukouDto;

  @IsIn(DISTRICT_CODES, { message: 'residenceDistrict must be a known Wuhan district code' })
  residenceDistrict: string;
}

export class EnrollmentDto {
  @IsIdentifier() enrollmentId: string;
  @IsIdentifier() residentId: string;
  @IsYear() year: number;
  @IsBusinessDate() birthDate: string;
  @IsIn(CATEGORIES) category: Category;

  // @ValidateNested alone accepts an array (of anything, even []) where the object goes.
  @IsObject()
  @ValidateNested()
  @Type(() => HukouDto)
  hukou: HukouDto;

  @IsIn(DISTRICT_CODES, { message: 'residenceDistrict must be a known Wuhan district code' })
  residenceDistrict: string;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(HARDSHIP_CODES.length)
  @IsIn(HARDSHIP_CODES, { each: true, message: 'each hardship code must be one of: $constraint1' })
  hardship?: string[];

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(2)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => ParentDto)
  parents?: ParentDto[];

  @IsBusinessDate() enrolledAt: string;
}

export class ContributionDto {
  @IsIdentifier() receiptNo: string;
  @IsIdentifier() residentId: string;
  @IsYear() year: number;
  @IsMoney({ positive: true }) amount: string;
  @IsBusinessDate() paidAt: string;
  @IsIn(COLLECTORS) collector: Collector;
  @IsOptional() @IsIn(FUND_IDS) fundId?: FundId;
}

export class SubsidyDto {
  @IsIdentifier() subsidyId: string;
  @IsIn(SUBSIDY_LEVELS) level: SubsidyLevel;
  @IsIn(SUBSIDY_PURPOSES) purpose: SubsidyPurpose;
  @IsYear() year: number;
  @IsMoney({ positive: true }) amount: string;
  @IsBusinessDate() grantedAt: string;
  @IsOptional() @IsIn(FUND_IDS) fundId?: FundId;
  @IsOptional() @IsIdentifier() residentId?: string;
}

export class SchemeChangeDto {
  @IsIdentifier() changeId: string;
  @IsIdentifier() residentId: string;
  @IsIn(SCHEMES) to: Scheme;
  @IsBusinessDate() effectiveAt: string;
}

export class InstitutionDto {
  @IsIdentifier() id: string;
  @IsIn([1, 2, 3]) level: 1 | 2 | 3;
  @IsBoolean() designated: boolean;
  @IsIn(INSTITUTION_DISTRICT_CODES, { message: `district must be a known Wuhan district code or "${OUT_OF_TOWN}"` })
  district: string;
}

export class ClaimDto {
  @IsIdentifier() claimId: string;
  @IsIdentifier() residentId: string;
  @IsIn(CARE_TYPES) careType: CareType;

  @IsObject()
  @ValidateNested()
  @Type(() => InstitutionDto)
  institution: InstitutionDto;

  @IsBusinessDate() admittedAt: string;
  @IsBusinessDate() dischargedAt: string;
  @IsMoney() totalCost: string;
  @IsMoney() compliantCost: string;
  @IsIn(SETTLEMENTS) settlement: Settlement;
  @IsBusinessDate() filedAt: string;
  @IsOptional() @IsMoney() basicFundPayment?: string;
  @IsOptional() @IsMoney() criticalIllnessPayment?: string;
  @IsOptional() @IsMoney() assistancePayment?: string;
}

export class InsurerDecisionDto {
  @IsBusinessDate() receivedAt: string;
  @IsBusinessDate() decidedAt: string;
  @IsBoolean() covered: boolean;
}

export class InsurerPaymentDto {
  @IsBusinessDate() paidAt: string;
  @IsMoney({ positive: true }) amount: string;
}

export class ReversalDto {
  @IsIdentifier() reversalId: string;
  @IsBusinessDate() reversedAt: string;
  @IsString() @Length(1, 500) reason: string;
}

export class AssistanceApplicationDto {
  @IsIdentifier() applicationId: string;
  @IsIdentifier() residentId: string;
  @IsBusinessDate() appliedAt: string;
}

/** A fund's own movement (SPEC.md "The fund's books"); `year`, `claimId` and `reason` depend on `kind`. */
export class FundMovementDto {
  @IsIdentifier() movementId: string;
  @IsIn(FUND_IDS) fundId: FundId;
  @IsIn(FUND_MOVEMENT_KINDS) kind: FundMovementKind;
  @IsMoney({ positive: true }) amount: string;
  @IsBusinessDate() occurredAt: string;
  @IsOptional() @IsYear() year?: number;
  @IsOptional() @IsIdentifier() claimId?: string;
  @IsOptional() @IsString() @Length(1, 200) reference?: string;
  @IsOptional() @IsString() @Length(1, 500) reason?: string;
}

/** A transfer between two funds (上解上级 / 补助下级 / 调剂). */
export class FundTransferDto {
  @IsIdentifier() transferId: string;
  @IsIn(FUND_IDS) fromFundId: FundId;
  @IsIn(FUND_IDS) toFundId: FundId;
  @IsIn(FUND_TRANSFER_KINDS) kind: FundTransferKind;
  @IsMoney({ positive: true }) amount: string;
  @IsBusinessDate() occurredAt: string;
  @IsOptional() @IsString() @Length(1, 200) reference?: string;
}
