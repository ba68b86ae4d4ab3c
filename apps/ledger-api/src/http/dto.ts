import { OmitType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsObject, IsOptional, Matches, Min, registerDecorator, ValidateNested, ValidationArguments } from 'class-validator';
import { ClaimDto, IsIdentifier, IsQueryDate } from '@ledger/application';
import { normaliseInstant } from '@ledger/projections';
import { STATEMENT_FORMATS, type StatementFormat } from './statement-files';

/** An ISO 8601 instant with its zone ("2025-07-01T00:00:00+08:00", "2025-06-30T16:00:00Z"). */
function IsInstant() {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isInstant',
      target: target.constructor,
      propertyName,
      validator: {
        validate: (value: unknown) => typeof value === 'string' && normaliseInstant(value) !== null,
        defaultMessage: (args: ValidationArguments) =>
          `${args.property} must be an ISO 8601 instant with a time and a zone, e.g. 2025-07-01T00:00:00+08:00`,
      },
    });
}

/** Query strings and bodies only the HTTP edge has; command bodies live in @ledger/application/input. */
export class AsOfQueryDto {
  @IsOptional() @IsQueryDate() asOf?: string;
  /** Only events recorded by this instant count (reproduces an earlier report after later corrections). */
  @IsOptional() @IsInstant() knownAt?: string;
}

export class StatementQueryDto {
  @IsQueryDate() from: string;
  @IsQueryDate() to: string;
  @IsOptional() @IsInstant() knownAt?: string;
  @IsOptional() @IsIn(STATEMENT_FORMATS) format?: StatementFormat;
}

/** The two fields of an earlier report that make it a baseline (README "The auditor"), and its date to name it. */
export class AuditBaselineDto {
  @IsOptional() @IsQueryDate() asOf?: string;
  @IsInt() @Min(1) lastPositionRead: number;
  @Matches(/^[0-9a-f]{64}$/, { message: 'logDigestAtLastPosition must be the 64 hex digits an earlier report states' })
  logDigestAtLastPosition: string;
}

export class AuditRequestDto {
  @IsQueryDate() asOf: string;
  /** An earlier report's last position and log digest: the history through it must be unchanged. */
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => AuditBaselineDto)
  baseline?: AuditBaselineDto;
}

/**
 * A claim as it would be filed; its id may be left out (or sent, as in the body to be filed
 * later): the quote records nothing under it.
 */
export class QuoteDto extends OmitType(ClaimDto, ['claimId'] as const) {
  @IsOptional() @IsIdentifier() claimId?: string;
}
