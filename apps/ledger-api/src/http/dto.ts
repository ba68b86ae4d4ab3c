import { IsOptional } from 'class-validator';
import { IsBusinessDate } from '@ledger/application';

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
