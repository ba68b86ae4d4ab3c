import { OmitType } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { ClaimDto, IsIdentifier, IsQueryDate } from '@ledger/application';

/** Query strings and bodies only the HTTP edge has; command bodies live in @ledger/application/input. */
export class AsOfQueryDto {
  @IsOptional() @IsQueryDate() asOf?: string;
}

export class StatementQueryDto {
  @IsQueryDate() from: string;
  @IsQueryDate() to: string;
}

export class AuditRequestDto {
  @IsQueryDate() asOf: string;
}

/**
 * A claim as it would be filed; its id may be left out (or sent, as in the body to be filed
 * later): the quote records nothing under it.
 */
export class QuoteDto extends OmitType(ClaimDto, ['claimId'] as const) {
  @IsOptional() @IsIdentifier() claimId?: string;
}
