import { ZERO } from '@ledger/domain';
import type { Position } from '@ledger/event-store';
import { ReplayDigest } from './digest';
import { AuditFold } from './fold/audit-fold';
import { ClaimTable } from './fold/claim-table';
import { ClosesFold } from './fold/closes';
import { FundBooks } from './fold/fund-books';
import { ResidentRecord } from './fold/records';
import { YearMap } from './fold/year-map';
import { FirstSeenIndex } from './integrity/first-seen';
import { StreamIntegrityCheck } from './integrity/stream-check';
import { StreamTips } from './integrity/stream-tips';
import { ResumableSha256 } from './resumable-sha256';
import { ClassRegistry, decodeGraph, encodeGraph, SealedStateRefused } from './sealed-state';

/**
 * What of an Auditor a seal leaves out: what the resuming audit's own options give (the policy,
 * cut-offs, the live projection's point), what it rebuilds from them (the rules' hooks), and the
 * log's inspections, which it takes up against the store as it is then (Auditor.resume). Every
 * other field is sealed as it is, whatever it holds — a field added later is sealed without a
 * word here, or sealing fails naming it (a function, a class the registry does not know).
 */
export const NOT_SEALED: ReadonlySet<string> = new Set([
  'policy',
  'asOf',
  'throughPosition',
  'projectionCheckpoint',
  'eventHooks',
  'logDigest',
  'logDigestHere',
  'chain',
  'baseline',
  'resumedAfter',
]);

/**
 * The classes a sealed state may hold: those a state grows (listed), and every class reachable
 * from a freshly built auditor (its fold, tables and indexes, and theirs).
 */
export function sealRegistry(fresh: object, externals: ReadonlySet<object>): ClassRegistry {
  const registry = new ClassRegistry();
  for (const type of [AuditFold, ClaimTable, ClosesFold, FundBooks, ResidentRecord, YearMap, FirstSeenIndex, StreamIntegrityCheck, StreamTips, ReplayDigest, ResumableSha256]) {
    registry.add(type.prototype as object);
  }
  registry.add(Object.getPrototypeOf(ZERO) as object); // decimal.js
  registry.addReachable(fresh, externals);
  return registry;
}

/** An exact copy of part of a state (the books kept at the live projection's point). */
export function copyOf<T>(value: T, registry: ClassRegistry, externals: ReadonlyMap<object, string>, named: ReadonlyMap<string, object>): T {
  return decodeGraph(encodeGraph(value, registry, externals), registry, named) as T;
}

/** The live projection's point must be one the sealed books can stand for. */
export function booksPointRefusal(checkpoint: Position | null | undefined, sealedPosition: Position): string | null {
  if (checkpoint === undefined || checkpoint === null || checkpoint >= sealedPosition) return null;
  return `the live read model's checkpoint (position ${checkpoint}) is before the sealed position ${sealedPosition}: a resumed audit cannot keep the books at that point; run a full replay`;
}

export function refuse(message: string): never {
  throw new SealedStateRefused(message);
}
