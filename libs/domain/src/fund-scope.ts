import type { LedgerCommand } from './commands';
import { forbidden } from './errors';
import type { DomainEvent } from './events';
import { attributedFund, type FundId } from './funds';
import { fundsTouchedBy, type ResidentState } from './resident';
import { yearOf } from './dates';

/**
 * A district manager answers for one fund (opinions-2017 §二) and may never change what another
 * fund's records say. These checks run around decide(): `fundsAddressedBy` before it, so a command
 * aimed at another fund's records is refused 403 before any business rule could tell the manager
 * something about them (unpaid, not in a hardship group, already enrolled…); `fundsWrittenBy`
 * after it, on what the decision would actually record.
 */

/** Every fund the resident has a record in: enrollments, receipts, claims, look-back grants. */
export function fundsOfRecords(state: ResidentState): Set<FundId> {
  const funds = new Set<FundId>();
  for (const year of state.years.values()) funds.add(year.fundId);
  for (const receipt of state.receipts.values()) funds.add(receipt.fundId);
  for (const claim of state.claims.values()) funds.add(claim.fundId);
  for (const grant of state.assistanceGrants) funds.add(grant.fundId);
  return funds;
}

/** The fund of the year a command names; a year the resident is not enrolled in could be any of theirs. */
function fundsOfYear(state: ResidentState, year: number): Set<FundId> {
  const enrollment = state.years.get(year);
  return enrollment ? new Set([enrollment.fundId]) : fundsOfRecords(state);
}

/** Funds a command names itself (`fundId`, and any `…FundId` such as a transfer's two funds). */
function namedFunds(command: LedgerCommand): string[] {
  const fields = command as unknown as Record<string, unknown>;
  return Object.keys(fields)
    .filter((key) => key === 'fundId' || key.endsWith('FundId'))
    .map((key) => fields[key])
    .filter((value): value is string => typeof value === 'string');
}

/** The fund a new enrollment will belong to, when the input already says it (validation comes later). */
function enrollmentFund(command: Extract<LedgerCommand, { kind: 'EnrollResident' }>): FundId[] {
  const facts = command.category === 'newborn' ? command.parents[0] : command;
  try {
    return facts ? [attributedFund(facts)] : [];
  } catch {
    return [];
  }
}

/**
 * The funds whose records a command reads or changes, known before deciding it. An enrollment
 * rewrites the resident's birth date, hukou and hardship groups for every reader: it addresses every
 * fund the resident has records in, so a manager enrolls only residents new to the ledger or whose
 * records are all in the manager's fund.
 */
export function fundsAddressedBy(command: LedgerCommand, state: ResidentState): Set<string> {
  const funds = new Set<string>(namedFunds(command));
  const add = (more: Iterable<string>) => {
    for (const fund of more) funds.add(fund);
  };
  switch (command.kind) {
    case 'EnrollResident':
      add(fundsOfRecords(state));
      add(enrollmentFund(command));
      break;
    case 'RecordContribution':
      add(fundsOfYear(state, command.year));
      break;
    case 'GrantSubsidy':
      if (command.purpose !== 'per-capita' && command.residentId) add(fundsOfYear(state, command.year));
      break;
    case 'SettleClaim':
      add(fundsOfYear(state, yearOf(command.admittedAt)));
      break;
    case 'ApplyForAssistance':
      add(fundsOfYear(state, yearOf(command.appliedAt)));
      break;
    case 'RecordInsurerDecision':
    case 'RecordInsurerPayment':
    case 'ReverseClaim': {
      const claim = state.claims.get(command.claimId);
      add(claim ? [claim.fundId] : fundsOfRecords(state));
      break;
    }
    case 'ReverseContribution': {
      const receipt = state.receipts.get(command.receiptNo);
      add(receipt ? [receipt.fundId, ...fundsOfYear(state, receipt.year)] : fundsOfRecords(state));
      break;
    }
    case 'RecordFundMovement':
      // A fund's own books, named by the command; a recovery also touches the claim it recovers.
      if (command.claimId) {
        const claim = state.claims.get(command.claimId);
        add(claim ? [claim.fundId] : fundsOfRecords(state));
      }
      break;
    case 'RecordFundTransfer':
      // Both books are named by the command (fromFundId, toFundId).
      break;
    default:
      // A scheme change moves the person for every year; a command kind added later is judged
      // by every fund of the stream it writes to until it says otherwise.
      add(fundsOfRecords(state));
  }
  return funds;
}

/** What decided events would record, and whose records they change (a grant spends the claims it counts). */
export function fundsWrittenBy(events: readonly DomainEvent[], state: ResidentState): Set<string> {
  const funds = fundsTouchedBy(events, state);
  for (const event of events) {
    const claimIds = (event.data as { claimIds?: unknown }).claimIds;
    if (!Array.isArray(claimIds)) continue;
    for (const claimId of claimIds) {
      const claim = state.claims.get(claimId as string);
      if (claim) funds.add(claim.fundId);
    }
  }
  return funds;
}

/** 403 when any of `funds` is not the manager's own. */
export function refuseOutsideFund(fundScope: FundId, funds: Iterable<string>): void {
  const outside = [...new Set(funds)].filter((fundId) => fundId !== fundScope).sort();
  if (outside.length) throw forbidden(`this token may record only for fund ${fundScope}; the fact concerns records of ${outside.join(', ')}`);
}
