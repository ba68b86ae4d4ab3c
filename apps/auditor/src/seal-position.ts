import Database from 'better-sqlite3';
import type { Position } from '@ledger/event-store';

/**
 * Where `--seal` without `--position` seals: a sealed state must hold every event it read, and an
 * audit as of a date reads events dated after it too (next year's enrollments are recorded in
 * November), so the audit reads only up to the event before the first one dated after the
 * cut-off. Found with one indexed scan of the embedded store's metadata, from `after` (a resumed
 * audit's sealed position); null when no event after it is dated later, or when the file cannot
 * tell (the audit then refuses to seal and names the position, see Auditor.seal).
 */
export function lastPositionBeforeLaterEvent(file: string, after: Position, asOf: string): Position | null {
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const row = db
      .prepare("SELECT position FROM events WHERE position > ? AND json_extract(metadata, '$.occurredAt') > ? ORDER BY position LIMIT 1")
      .safeIntegers(true)
      .get(after, asOf) as { position: bigint } | undefined;
    return row === undefined ? null : row.position - 1n;
  } catch {
    return null;
  } finally {
    db?.close();
  }
}
