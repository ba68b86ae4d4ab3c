import 'reflect-metadata';
import { IsIn } from 'class-validator';
import { ClosePeriod, ConfirmBankBalance, FUND_IDS, type FundId, money } from '@ledger/domain';
import { IsIdentifier } from './dto';
import { IsBusinessDate, IsMoney } from './validators';

/** `POST /v1/periods/:year/close`: the year comes from the path. */
export class ClosePeriodDto {
  @IsBusinessDate() closedAt: string;
}

/** `POST /v1/bank-confirmations`: the balance the fund's bank (财政专户) confirmed for a date. */
export class BankConfirmationDto {
  @IsIdentifier() confirmationId: string;
  @IsIn(FUND_IDS) fundId: FundId;
  @IsBusinessDate() date: string;
  @IsMoney({ allowZero: true }) balance: string;
}

export function closePeriodCommand(year: number, body: ClosePeriodDto): ClosePeriod {
  return { kind: 'ClosePeriod', year, closedAt: body.closedAt };
}

export function bankConfirmationCommand(body: BankConfirmationDto): ConfirmBankBalance {
  return { kind: 'ConfirmBankBalance', confirmationId: body.confirmationId, fundId: body.fundId, date: body.date, balance: money(body.balance) };
}
