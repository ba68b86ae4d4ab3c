import Database from 'better-sqlite3';
import { readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { EVENT_STORE_PRAGMAS, EVENTS_SCHEMA, type EventsTableRow, walAutocheckpointPages } from '@ledger/event-store';

/**
 * The limits the benchmark holds the ledger to, each the best this machine reaches in the same run:
 *
 *   node --expose-gc dist/scripts/bench/limits.js ceiling '{"source":…,"workDir":…,"configs":[{"layout":"compact","pageSize":16384,"txRows":10000},…]}'
 *   node dist/scripts/bench/limits.js floor   '{"source":…,"pageSizes":[…]}'
 *
 * - ceiling (durable append): the stored events of a generated year, read back already serialised
 *   and inserted raw into a fresh file with full durability (WAL, synchronous=FULL: every commit
 *   fsynced) and the store's three uniqueness guarantees (event id, business key, stream +
 *   revision), positions never reused (AUTOINCREMENT). Two layouts: a compact one (COMPACT_SCHEMA:
 *   event ids and the three hex digests of the metadata as BLOBs, an integer stream id from a
 *   streams table) and the project's own (EVENTS_SCHEMA), each at several page sizes and
 *   transaction sizes, every configuration twice taking turns; the fastest is the ceiling. The
 *   old "raw INSERT" limit (the project's schema, 4 KiB pages, the import's own batches) is
 *   measured too, for information. Only the inserts and commits are timed, not
 *   reading the source or converting rows (the compact form would come from the encoder).
 * - floor (read + decode): every stored event in position order, data and metadata parsed, at
 *   several page sizes (rows per query); the fastest is the floor.
 *
 * Each prints one JSON line. Run in a child process of their own, so the import's heap in the
 * parent does not add its collections to the timings.
 */

export interface InsertTrial {
  layout: 'compact' | 'project';
  pageSize: number;
  /** Rows per transaction; 0 means the import's own batches (`batches`). */
  txRows: number;
  events: number;
  ms: number;
  perSecond: number;
  /** Bytes the process wrote (write(2), WAL and checkpoints) per event, from /proc/self/io wchar. */
  bytesWrittenPerEvent: number | null;
  /** Size of the database file after a final checkpoint, per event. */
  fileBytesPerEvent: number;
  /** events/s of each round, when the configuration was measured more than once (the best is kept). */
  rounds?: number[];
}

export interface CeilingSpec {
  source: string;
  workDir: string;
  /** The configurations tried, each `rounds` times taking turns; the fastest is the ceiling. */
  configs: Array<{ layout: InsertTrial['layout']; pageSize: number; txRows: number }>;
  /** Events per transaction of the import, for the old limit's row (project schema, 4 KiB pages); when absent, 1,000-row transactions. */
  batches?: number[];
  /** Times each configuration is measured, taking turns; its best round counts (default 2). */
  rounds?: number;
}

export interface CeilingResult {
  /** The fastest configuration: the durable-append ceiling. */
  best: InsertTrial;
  /** The old limit, for information: the project's schema, 4 KiB pages, the import's own batches. */
  projectSchema: InsertTrial;
  trials: InsertTrial[];
  verifiedRows: number;
}

export interface FloorTrial {
  pageSize: number;
  events: number;
  ms: number;
  perSecond: number;
}

export interface FloorResult {
  best: FloorTrial;
  trials: FloorTrial[];
}

/** A row of the generated store, read as it is stored. */
type SourceRow = EventsTableRow;

/** The compact layout: the same uniqueness constraints as EVENTS_SCHEMA, on binary and integer keys. */
export const COMPACT_SCHEMA = `
CREATE TABLE streams (
  id   INTEGER PRIMARY KEY,
  name TEXT    NOT NULL UNIQUE
);
CREATE TABLE events (
  position       INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id       BLOB    NOT NULL UNIQUE,
  stream_id      INTEGER NOT NULL,
  revision       INTEGER NOT NULL,
  type           TEXT    NOT NULL,
  data           TEXT    NOT NULL,
  metadata       TEXT    NOT NULL,
  request_digest BLOB,
  previous_hash  BLOB,
  hash           BLOB,
  business_key   TEXT    UNIQUE,
  UNIQUE (stream_id, revision)
);
`;

/** Metadata fields stored as columns in the compact layout (hex digests as 32-byte BLOBs). */
const DIGEST_FIELDS = ['requestDigest', 'previousHash', 'hash'] as const;

interface CompactRow {
  eventId: Buffer;
  stream: string;
  revision: number;
  type: string;
  data: string;
  metadata: string;
  digests: [Buffer | null, Buffer | null, Buffer | null];
  businessKey: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const HEX64 = /^[0-9a-f]{64}$/;

function uuidToBytes(id: string): Buffer {
  if (!UUID.test(id)) throw new Error(`compact layout: event id ${id} is not a lower-case UUID`);
  return Buffer.from(id.replace(/-/g, ''), 'hex');
}

function bytesToUuid(bytes: Buffer): string {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The row in compact form; what cannot be stored in binary exactly stays in the metadata text. */
export function toCompact(row: SourceRow): CompactRow {
  const metadata = JSON.parse(row.metadata) as Record<string, unknown>;
  const digests: CompactRow['digests'] = [null, null, null];
  DIGEST_FIELDS.forEach((field, i) => {
    const value = metadata[field];
    if (typeof value === 'string' && HEX64.test(value)) {
      digests[i] = Buffer.from(value, 'hex');
      delete metadata[field];
    }
  });
  if (row.business_key !== null && metadata.businessKey === row.business_key) delete metadata.businessKey;
  return { eventId: uuidToBytes(row.event_id), stream: row.stream, revision: row.revision, type: row.type, data: row.data, metadata: JSON.stringify(metadata), digests, businessKey: row.business_key };
}

/** The stored metadata object back from the compact columns (key order aside). */
export function metadataFromCompact(metadata: string, digests: Array<Buffer | null>, businessKey: string | null): Record<string, unknown> {
  const out = JSON.parse(metadata) as Record<string, unknown>;
  if (businessKey !== null && !('businessKey' in out)) out.businessKey = businessKey;
  DIGEST_FIELDS.forEach((field, i) => {
    if (digests[i]) out[field] = digests[i]!.toString('hex');
  });
  return out;
}

function writtenBytes(): number | null {
  try {
    const match = /^wchar:\s+(\d+)$/m.exec(readFileSync('/proc/self/io', 'utf8'));
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

const collectGarbage: () => void = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

function freshFile(path: string): void {
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
}

/**
 * The store's pragmas on a new file of the given page size. The page size is set before WAL mode
 * (it cannot change after); the WAL is checkpointed at the same size in bytes (64 MiB) whatever
 * the page size, as the store does, so larger pages do not win by deferring checkpoints.
 */
function openFresh(path: string, pageSize: number): Database.Database {
  freshFile(path);
  const db = new Database(path);
  db.pragma(`page_size = ${pageSize}`);
  for (const pragma of EVENT_STORE_PRAGMAS) db.pragma(pragma);
  db.pragma(`wal_autocheckpoint = ${walAutocheckpointPages(pageSize)}`);
  if (db.pragma('synchronous', { simple: true }) !== 2) throw new Error('ceiling: synchronous is not FULL');
  return db;
}

/** Cuts the source into transactions: the import's own batches, or fixed-size ones. */
function transactionSizes(total: number, txRows: number, batches: number[] | undefined): number[] {
  if (txRows === 0 && batches) return batches.filter((n) => n > 0);
  const size = txRows === 0 ? 1_000 : txRows;
  const out: number[] = [];
  for (let left = total; left > 0; left -= size) out.push(Math.min(size, left));
  return out;
}

function insertTrial(source: Database.Database, total: number, file: string, layout: InsertTrial['layout'], pageSize: number, txRows: number, options: { batches?: number[]; verifyEvery?: number } = {}): InsertTrial & { verifiedRows?: number } {
  const db = openFresh(file, pageSize);
  db.exec(layout === 'compact' ? COMPACT_SCHEMA : EVENTS_SCHEMA);
  const page = source.prepare('SELECT position, event_id, stream, revision, type, data, metadata, business_key FROM events WHERE position > ? ORDER BY position LIMIT ?');
  // prepare: untimed (reading the source, and for the compact layout converting the rows, which
  // the encoder would hand over in that form); write: timed, one transaction.
  let prepare: (rows: SourceRow[]) => unknown[];
  let write: (rows: unknown[]) => void;
  if (layout === 'project') {
    const insert = db.prepare('INSERT INTO events (event_id, stream, revision, type, data, metadata, business_key) VALUES (?, ?, ?, ?, ?, ?, ?)');
    prepare = (rows) => rows;
    write = db.transaction((rows: SourceRow[]) => {
      for (const r of rows) insert.run(r.event_id, r.stream, r.revision, r.type, r.data, r.metadata, r.business_key);
    }).immediate as (rows: unknown[]) => void;
  } else {
    const insert = db.prepare(
      'INSERT INTO events (event_id, stream_id, revision, type, data, metadata, request_digest, previous_hash, hash, business_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    const insertStream = db.prepare('INSERT INTO streams (name) VALUES (?)');
    // A store on this layout keeps its streams' ids in memory; a new stream costs one INSERT, timed.
    const streamIds = new Map<string, number | bigint>();
    prepare = (rows) => rows.map(toCompact);
    write = db.transaction((rows: CompactRow[]) => {
      for (const r of rows) {
        let id = streamIds.get(r.stream);
        if (id === undefined) {
          id = insertStream.run(r.stream).lastInsertRowid;
          streamIds.set(r.stream, id);
        }
        insert.run(r.eventId, id, r.revision, r.type, r.data, r.metadata, r.digests[0], r.digests[1], r.digests[2], r.businessKey);
      }
    }).immediate as (rows: unknown[]) => void;
  }
  let timedMs = 0;
  let after = 0;
  let events = 0;
  const writtenBefore = writtenBytes();
  for (const size of transactionSizes(total, txRows, options.batches)) {
    const rows = page.all(after, size) as SourceRow[];
    if (rows.length === 0) break;
    const prepared = prepare(rows);
    // The rows just read and converted are young garbage-to-be: collected here, untimed, rather
    // than by a scavenge in the middle of the transaction (the child runs with --expose-gc).
    collectGarbage();
    const started = performance.now();
    write(prepared);
    timedMs += performance.now() - started;
    events += rows.length;
    after = rows[rows.length - 1].position;
  }
  const writtenAfter = writtenBytes();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  const fileBytes = statSync(file).size;
  const verifiedRows = layout === 'compact' && options.verifyEvery ? verifyCompact(source, file, options.verifyEvery) : undefined;
  freshFile(file);
  return {
    layout,
    pageSize,
    txRows,
    events,
    ms: Math.round(timedMs),
    perSecond: Math.round(events / (timedMs / 1000)),
    bytesWrittenPerEvent: writtenBefore === null || writtenAfter === null ? null : Math.round((writtenAfter - writtenBefore) / events),
    fileBytesPerEvent: Math.round(fileBytes / events),
    ...(verifiedRows === undefined ? {} : { verifiedRows }),
  };
}

/**
 * Reads a compact file back and compares every `every`-th event with the source: the same id,
 * stream, revision, type, data text and metadata (as objects). The ceiling must store the events,
 * not less than them.
 */
function verifyCompact(source: Database.Database, file: string, every: number): number {
  const db = new Database(file, { readonly: true });
  const compact = db.prepare(
    'SELECT e.position, e.event_id, s.name AS stream, e.revision, e.type, e.data, e.metadata, e.request_digest, e.previous_hash, e.hash, e.business_key FROM events e JOIN streams s ON s.id = e.stream_id WHERE e.position % ? = 0 ORDER BY e.position',
  );
  // Both files were filled in position order from 1, so positions match.
  const original = source.prepare('SELECT position, event_id, stream, revision, type, data, metadata, business_key FROM events WHERE position = ?');
  let checked = 0;
  for (const row of compact.iterate(every) as Iterable<{ position: number; event_id: Buffer; stream: string; revision: number; type: string; data: string; metadata: string; request_digest: Buffer | null; previous_hash: Buffer | null; hash: Buffer | null; business_key: string | null }>) {
    const src = original.get(row.position) as SourceRow | undefined;
    const metadata = metadataFromCompact(row.metadata, [row.request_digest, row.previous_hash, row.hash], row.business_key);
    const same =
      src !== undefined &&
      bytesToUuid(row.event_id) === src.event_id &&
      row.stream === src.stream &&
      row.revision === src.revision &&
      row.type === src.type &&
      row.data === src.data &&
      row.business_key === src.business_key &&
      sameJson(metadata, JSON.parse(src.metadata) as Record<string, unknown>);
    if (!same) throw new Error(`compact layout: event at position ${row.position} does not read back as stored`);
    checked += 1;
  }
  db.close();
  if (checked === 0) throw new Error('compact layout: nothing read back');
  return checked;
}

function sameJson(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const keys = Object.keys(a).sort();
  return keys.length === Object.keys(b).length && keys.every((k) => JSON.stringify(a[k]) === JSON.stringify(b[k]));
}

export function durableAppendCeiling(spec: CeilingSpec): CeilingResult {
  const source = new Database(spec.source, { readonly: true });
  const total = Number(source.prepare('SELECT count(*) FROM events').pluck().get());
  const file = join(spec.workDir, 'ceiling.sqlite');
  const trials: InsertTrial[] = [];
  let verifiedRows = 0;
  try {
    // Warm-up, untimed: the insert paths through the JIT before the first trial that counts.
    insertTrial(source, Math.min(total, 20_000), file, 'compact', 4096, 1_000);
    insertTrial(source, Math.min(total, 20_000), file, 'project', 4096, 1_000);
    // The old limit first, as it was measured: the project's schema, its pragmas, the import's batches.
    const projectSchema = insertTrial(source, total, file, 'project', 4096, spec.batches ? 0 : 1_000, { batches: spec.batches });
    const bestOf = new Map<string, InsertTrial>();
    for (let round = 0; round < (spec.rounds ?? 2); round += 1) {
      for (const { layout, pageSize, txRows } of spec.configs) {
        // Every compact trial writes the same content: the first is read back and checked.
        const verifyEvery = layout === 'compact' && !verifiedRows ? Math.max(1, Math.floor(total / 5_000)) : undefined;
        const trial = insertTrial(source, total, file, layout, pageSize, txRows, { verifyEvery });
        verifiedRows ||= trial.verifiedRows ?? 0;
        delete trial.verifiedRows;
        const key = `${layout}/${pageSize}/${txRows}`;
        const kept = bestOf.get(key);
        const rounds = [...(kept?.rounds ?? []), trial.perSecond];
        bestOf.set(key, { ...(!kept || trial.perSecond > kept.perSecond ? trial : kept), rounds });
      }
    }
    trials.push(projectSchema, ...bestOf.values());
    const best = [...bestOf.values()].reduce((a, b) => (b.perSecond > a.perSecond ? b : a));
    return { best, projectSchema, trials, verifiedRows };
  } finally {
    source.close();
    freshFile(file);
  }
}

/** Every stored event read in position order and decoded, `pageSize` rows per query. */
function readTrial(db: Database.Database, pageSize: number): FloorTrial {
  const page = db.prepare('SELECT position, event_id, stream, revision, type, data, metadata FROM events WHERE position > ? ORDER BY position LIMIT ?');
  const started = performance.now();
  let events = 0;
  let check = 0;
  let after = 0;
  for (;;) {
    const rows = page.all(after, pageSize) as Array<{ position: number; data: string; metadata: string }>;
    if (rows.length === 0) break;
    for (const row of rows) {
      const data = JSON.parse(row.data) as unknown;
      const metadata = JSON.parse(row.metadata) as { hash?: string };
      if (data && metadata.hash) check += 1;
      events += 1;
    }
    after = rows[rows.length - 1].position;
  }
  const ms = performance.now() - started;
  if (check !== events) throw new Error('raw read: an event without a hash');
  return { pageSize, events, ms: Math.round(ms), perSecond: Math.round(events / (ms / 1000)) };
}

export function readFloor(spec: { source: string; pageSizes: number[] }): FloorResult {
  const db = new Database(spec.source, { readonly: true });
  try {
    // One untimed pass first: the file into the OS cache and the code through the JIT, so the
    // first page size tried is not the one that pays for either.
    readTrial(db, 2_000);
    const trials = spec.pageSizes.map((pageSize) => readTrial(db, pageSize));
    return { best: trials.reduce((a, b) => (b.perSecond > a.perSecond ? b : a)), trials };
  } finally {
    db.close();
  }
}

if (require.main === module) {
  const [mode, json] = process.argv.slice(2);
  try {
    const result = mode === 'ceiling' ? durableAppendCeiling(JSON.parse(json) as CeilingSpec) : mode === 'floor' ? readFloor(JSON.parse(json) as { source: string; pageSizes: number[] }) : undefined;
    if (!result) throw new Error(`unknown mode ${mode}`);
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } catch (error) {
    process.stderr.write(`limits: ${(error as Error).stack ?? (error as Error).message}\n`);
    process.exit(1);
  }
}
