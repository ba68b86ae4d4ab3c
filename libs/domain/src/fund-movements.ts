import type { RecordFundMovement, RecordFundTransfer } from './commands';
import { businessKeyOf } from './commands';
import type { DomainEvent } from './events';
import { fundStream } from './events';
import { invalid, notFound, ruleBroken } from './errors';
import { decimalOfFen } from '@ledger/policy';
import { formatFen, formatMoney } from './money';
import type { ResidentState } from './resident';

/**
 * The fund's own books: interest, the critical-illness premium, recoveries, other income and
 * expenditure, and transfers between funds. decide is pure like the resident deciders; the
 * stream a command is decided on is chosen here too (routeFundCommand).
 */

/**
 * Where a fund-books command is decided and stored:
 * - a recovery that names a claim goes to the stream holding the claim (the resident's), so the
 *   claim's fund, its basic fund payment and what was already recovered decide it, and two
 *   recoveries of one claim can never together exceed what the fund paid;
 * - every other movement to `fund-<fundId>`;
 * - a transfer to the paying fund's stream `fund-<fromFundId>`: it is one event whose postings
 *   reach both books, so one stream holds it and one append stores it.
 */
export type FundCommandRoute = { stream: string } | { streamHolding: string; missing: string };

export function routeFundCommand(command: RecordFundMovement | RecordFundTransfer): FundCommandRoute {
  if (command.kind === 'RecordFundTransfer') return { stream: fundStream(command.fromFundId) };
  if (command.movement === 'recovery' && command.claimId !== undefined) {
    return { streamHolding: `claim:${command.claimId}`, missing: `claim ${command.claimId} is not recorded` };
  }
  return { stream: fundStream(command.fundId) };
}

function checkFieldsOfKind(command: RecordFundMovement): void {
  const premium = command.movement === 'critical-illness-premium';
  if (premium && command.year === undefined) throw invalid('year', 'a critical-illness premium names the insurance year it covers');
  if (!premium && command.year !== undefined) throw invalid('year', 'only a critical-illness premium names an insurance year');
  if (command.movement !== 'recovery' && command.claimId !== undefined) throw invalid('claimId', 'only a recovery names a claim');
  const needsReason = command.movement === 'other-income' || command.movement === 'other-expense';
  if (needsReason && !command.reason?.trim()) throw invalid('reason', `${command.movement} is recorded with the reason for it`);
}

export function decideFundMovement(command: RecordFundMovement, state: ResidentState): DomainEvent[] {
  checkFieldsOfKind(command);
  const facts = {
    movementId: command.movementId,
    fundId: command.fundId,
    amount: formatMoney(command.amount),
    occurredAt: command.occurredAt,
    reference: command.reference ?? null,
  };
  const envelope = { businessKey: businessKeyOf(command), occurredAt: command.occurredAt };
  switch (command.movement) {
    case 'interest':
      return [{ type: 'InterestReceived', ...envelope, data: facts }];
    case 'critical-illness-premium':
      return [{ type: 'CriticalIllnessPremiumPaid', ...envelope, data: { ...facts, year: command.year! } }];
    case 'recovery': {
      const residentId = command.claimId === undefined ? null : checkRecoveryOfClaim(command, state);
      return [
        {
          type: 'RecoveryReceived',
          ...envelope,
          data: { ...facts, claimId: command.claimId ?? null, residentId, reason: command.reason ?? null },
        },
      ];
    }
    case 'other-income':
      return [{ type: 'OtherIncomeReceived', ...envelope, data: { ...facts, reason: command.reason! } }];
    case 'other-expense':
      return [{ type: 'OtherExpenditurePaid', ...envelope, data: { ...facts, reason: command.reason! } }];
  }
}

/**
 * 条例 art. 45: recovered money goes back to the fund that paid, and no more than it paid. Returns
 * the claim's resident.
 */
function checkRecoveryOfClaim(command: RecordFundMovement, state: ResidentState): string {
  const claim = state.claims.get(command.claimId!);
  if (!claim) throw notFound(`claim ${command.claimId} is not recorded`);
  if (claim.fundId !== command.fundId) {
    throw ruleBroken(`claim ${claim.claimId} was paid by fund ${claim.fundId}; its recovery is credited back to that fund, not ${command.fundId}`, 'fundId');
  }
  if (claim.reversed) throw ruleBroken(`claim ${claim.claimId} is reversed: its payment is already back in the fund`, 'claimId');
  if (command.occurredAt < claim.dischargedAt) {
    throw ruleBroken(`a recovery is not dated before the payment it recovers (claim ${claim.claimId} paid ${claim.dischargedAt})`, 'occurredAt');
  }
  const paid = claim.basicFundPaymentFen;
  const left = paid - claim.recoveredFen;
  if (command.amount.greaterThan(decimalOfFen(left))) {
    throw ruleBroken(
      `claim ${claim.claimId}: the basic fund paid ${formatFen(paid)} and ${formatFen(claim.recoveredFen)} is already recovered; at most ${formatFen(left < 0 ? 0 : left)} can be recovered`,
      'amount',
    );
  }
  return state.residentId;
}

export function decideFundTransfer(command: RecordFundTransfer): DomainEvent[] {
  if (command.toFundId === command.fromFundId) throw invalid('toFundId', 'a transfer moves money between two different funds');
  return [
    {
      type: 'FundTransferred',
      businessKey: businessKeyOf(command),
      occurredAt: command.occurredAt,
      data: {
        transferId: command.transferId,
        kind: command.transfer,
        fromFundId: command.fromFundId,
        toFundId: command.toFundId,
        amount: formatMoney(command.amount),
        occurredAt: command.occurredAt,
        reference: command.reference ?? null,
      },
    },
  ];
}
