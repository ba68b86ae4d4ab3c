import { OmitType } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { ClaimDto, IsBusinessDate } from '@ledger/application';

/** Query strings and bodies only the HTTP edge has; command bodies live in @ledger/application/input. */
export class AsOfQueryDto {
  @IsOptional() @IsBusinessDate() asOf?: string;
}

export class StatementQueryDto {
  @IsBusinessDate() from: string;
  @IsBusinessDate() to: string;
}

export class AuditRequestDto {
  @IsBusinessDate() asOf: string;
}

/** A claim as it would be filed, without an id: the quote records nothing. */
export class QuoteDto extends OmitType(ClaimDto, ['claimId'] as const) {}
