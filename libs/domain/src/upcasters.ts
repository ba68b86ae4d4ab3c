import { CURRENT_VERSION, DomainEvent, isLedgerEventType, LedgerEventType } from './events';

/**
 * Stored events keep the shape they were written with. Reading brings an old version up to the
 * current one, one version step at a time; a new version adds an entry here and never edits
 * what is stored.
 */
type Upcaster = (data: Record<string, unknown>) => Record<string, unknown>;

const UPCASTERS: { [T in LedgerEventType]?: Record<number, Upcaster> } = {
  // Example for the next change: ResidentEnrolled: { 1: (v1) => ({ ...v1, newField: default }) },
};

export class UnknownEventError extends Error {
  constructor(
    readonly type: string,
    readonly version: number,
  ) {
    super(`unknown event ${type} v${version}`);
    this.name = 'UnknownEventError';
  }
}

export function upcast(type: string, version: number, data: unknown): DomainEvent['data'] {
  if (!isLedgerEventType(type)) throw new UnknownEventError(type, version);
  const target = CURRENT_VERSION[type];
  if (!Number.isInteger(version) || version < 1 || version > target) throw new UnknownEventError(type, version);
  let current = data as Record<string, unknown>;
  for (let from = version; from < target; from += 1) {
    const step = UPCASTERS[type]?.[from];
    if (!step) throw new UnknownEventError(type, from);
    current = step(current);
  }
  return current as unknown as DomainEvent['data'];
}
