import Database from 'better-sqlite3';
import { mkdirSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { repoRoot } from '@ledger/access';
import { type ExpectedRevision, SqliteEventStore, type StreamAppend } from '@ledger/event-store';

/**
 * The embedded store against a peer Node.js event store on the same workload: Emmett's SQLite
 * event store (@event-driven-io/emmett-sqlite, on node-sqlite3), WAL and SQLite's default FULL
 * synchronous mode like ours. The workload is the first `limit` events of a generated year, with
 * their real payloads:
 *
 * - append, batched: the events in batches of `batchSize`, each batch one transaction holding one
 *   expected-revision append per stream (BatchImporter's shape; Emmett's appends nest in its
 *   connection's transaction);
 * - append, one transaction per append: the API's shape (one command, one append, one fsync), on
 *   the first `singleAppends` events;
 * - read streams: every stream of the workload read back whole (what a command does before deciding);
 * - read all: every event in global order, in pages.
 */
export interface PeerWorkloadResult {
  name: string;
  events: number;
  oursPerSecond: number;
  peerPerSecond: number;
  ratio: number;
}

export interface PeerResult {
  peer: string;
  rows: PeerWorkloadResult[];
}

interface SourceEvent {
  eventId: string;
  stream: string;
  type: string;
  data: unknown;
  metadata: Record<string, unknown>;
  businessKey: string | null;
}

interface EmmettModule {
  sqliteConnection(options: { fileName: string }): EmmettConnection;
  createEventStoreSchema(connection: EmmettConnection): Promise<void>;
  appendToStream(
    connection: EmmettConnection,
    streamName: string,
    streamType: string,
    messages: Array<{ type: string; data: unknown; metadata: Record<string, unknown> }>,
    options: { expectedStreamVersion: bigint },
  ): Promise<{ success: boolean }>;
  readStream(connection: EmmettConnection, streamId: string): Promise<{ events: unknown[] }>;
  readMessagesBatch(connection: EmmettConnection, options: { after: bigint; batchSize: number }): Promise<{ messages: unknown[]; currentGlobalPosition: bigint; areEventsLeft: boolean }>;
}

interface EmmettConnection {
  withTransaction<T>(fn: () => Promise<T>): Promise<T>;
  close(): void;
}

/**
 * The peer store's packages (Emmett, node-sqlite3: a second native SQLite build) are not the
 * ledger's dependencies: they have their own package.json and lockfile in scripts/bench/peer, so
 * `npm ci` builds better-sqlite3 alone, and are installed there the first time the bench needs them.
 */
export function peerPackageDir(): string {
  return join(repoRoot(), 'scripts', 'bench', 'peer');
}

/** Installs the peer packages unless installed from the current lockfile; false when that failed. */
export function ensurePeerInstalled(log: (text: string) => void): boolean {
  const dir = peerPackageDir();
  const why = 'The peer comparison needs Emmett and node-sqlite3, kept out of the ledger\'s own install; installing them once into scripts/bench/peer/node_modules (skip with --only append,replay,api).';
  const result = spawnSync(process.execPath, [join(repoRoot(), 'scripts', 'setup.js'), '--dir', dir, '--why', why], { stdio: 'inherit' });
  if (result.status === 0) return true;
  log(`peer store: the install in ${dir} failed (exit ${result.status ?? result.signal}); its row is reported as n/a`);
  return false;
}

export function loadEmmett(): EmmettModule | string {
  try {
    return createRequire(join(peerPackageDir(), 'package.json'))('@event-driven-io/emmett-sqlite') as EmmettModule;
  } catch (error) {
    return `@event-driven-io/emmett-sqlite could not be loaded from scripts/bench/peer (npm run bench:peer-setup): ${(error as Error).message}`;
  }
}

function readSource(file: string, limit: number): SourceEvent[] {
  const db = new Database(file, { readonly: true });
  const rows = db
    .prepare('SELECT event_id, stream, type, data, metadata, business_key FROM events ORDER BY position LIMIT ?')
    .all(limit) as Array<{ event_id: string; stream: string; type: string; data: string; metadata: string; business_key: string | null }>;
  db.close();
  return rows.map((row) => ({
    eventId: row.event_id,
    stream: row.stream,
    type: row.type,
    data: JSON.parse(row.data) as unknown,
    metadata: JSON.parse(row.metadata) as Record<string, unknown>,
    businessKey: row.business_key,
  }));
}

/** Consecutive events of one stream form one append; a stream met again later gets another. */
function appendsOf(events: SourceEvent[]): Array<{ stream: string; events: SourceEvent[] }> {
  const appends: Array<{ stream: string; events: SourceEvent[] }> = [];
  for (const event of events) {
    const last = appends[appends.length - 1];
    if (last && last.stream === event.stream) last.events.push(event);
    else appends.push({ stream: event.stream, events: [event] });
  }
  return appends;
}

function batches<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function fresh(dir: string): string {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return join(dir, 'events.sqlite');
}

async function timed(run: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

export async function comparePeer(options: { source: string; workDir: string; limit: number; batchSize: number; singleAppends: number }): Promise<PeerResult | string> {
  const emmett = loadEmmett();
  if (typeof emmett === 'string') return emmett;
  const events = readSource(options.source, options.limit);
  const streams = [...new Set(events.map((event) => event.stream))];
  const batched = batches(events, options.batchSize).map(appendsOf);
  const single = appendsOf(events.slice(0, options.singleAppends));

  // ---- ours
  const ours = new SqliteEventStore({ file: fresh(join(options.workDir, 'peer-ours')) });
  const oursRevision = new Map<string, number>();
  const toAppend = (append: { stream: string; events: SourceEvent[] }): StreamAppend => {
    const current = oursRevision.get(append.stream);
    const expectedRevision: ExpectedRevision = current === undefined ? 'no_stream' : current;
    oursRevision.set(append.stream, (current ?? -1) + append.events.length);
    return {
      stream: append.stream,
      expectedRevision,
      events: append.events.map((e) => ({ eventId: e.eventId, type: e.type, data: e.data, metadata: e.metadata, businessKey: e.businessKey ?? undefined })),
    };
  };
  const oursBatchedMs = await timed(async () => {
    for (const batch of batched) await ours.appendMany(batch.map(toAppend));
  });
  const oursStreamsMs = await timed(async () => {
    for (const stream of streams) await ours.readStream(stream);
  });
  let oursAll = 0;
  const oursAllMs = await timed(async () => {
    for await (const _event of ours.readAll()) oursAll += 1;
  });
  await ours.close();
  const oursSingle = new SqliteEventStore({ file: fresh(join(options.workDir, 'peer-ours-single')) });
  oursRevision.clear();
  const oursSingleMs = await timed(async () => {
    for (const append of single) {
      const a = toAppend(append);
      await oursSingle.append(a.stream, a.events, a.expectedRevision);
    }
  });
  await oursSingle.close();

  // ---- Emmett
  const connection = emmett.sqliteConnection({ fileName: fresh(join(options.workDir, 'peer-emmett')) });
  await emmett.createEventStoreSchema(connection);
  const peerVersion = new Map<string, bigint>();
  const emmettAppend = async (conn: EmmettConnection, append: { stream: string; events: SourceEvent[] }) => {
    const expected = peerVersion.get(append.stream) ?? 0n;
    const result = await emmett.appendToStream(
      conn,
      append.stream,
      'ledger',
      append.events.map((e) => ({ type: e.type, data: e.data, metadata: e.metadata })),
      { expectedStreamVersion: expected },
    );
    if (!result.success) throw new Error(`emmett refused an append to ${append.stream} at version ${expected}`);
    peerVersion.set(append.stream, expected + BigInt(append.events.length));
  };
  const peerBatchedMs = await timed(async () => {
    for (const batch of batched) {
      await connection.withTransaction(async () => {
        for (const append of batch) await emmettAppend(connection, append);
      });
    }
  });
  const peerStreamsMs = await timed(async () => {
    for (const stream of streams) await emmett.readStream(connection, stream);
  });
  let peerAll = 0;
  const peerAllMs = await timed(async () => {
    let after = 0n;
    for (;;) {
      const page = await emmett.readMessagesBatch(connection, { after, batchSize: 5_000 });
      peerAll += page.messages.length;
      if (page.messages.length === 0 || !page.areEventsLeft) break;
      after = page.currentGlobalPosition;
    }
  });
  connection.close();
  const singleConnection = emmett.sqliteConnection({ fileName: fresh(join(options.workDir, 'peer-emmett-single')) });
  await emmett.createEventStoreSchema(singleConnection);
  peerVersion.clear();
  const peerSingleMs = await timed(async () => {
    for (const append of single) await emmettAppend(singleConnection, append);
  });
  singleConnection.close();
  if (oursAll !== events.length || peerAll !== events.length) throw new Error(`read all: ours ${oursAll}, emmett ${peerAll}, expected ${events.length}`);

  const row = (name: string, count: number, oursMs: number, peerMs: number): PeerWorkloadResult => {
    const oursPerSecond = count / (oursMs / 1000);
    const peerPerSecond = count / (peerMs / 1000);
    return { name, events: count, oursPerSecond: Math.round(oursPerSecond), peerPerSecond: Math.round(peerPerSecond), ratio: oursPerSecond / peerPerSecond };
  };
  const singleEvents = single.reduce((n, a) => n + a.events.length, 0);
  return {
    peer: '@event-driven-io/emmett-sqlite 0.38.5 (sqlite3 5.1.7)',
    rows: [
      row(`append, ${options.batchSize} events per transaction`, events.length, oursBatchedMs, peerBatchedMs),
      row('append, one transaction per append', singleEvents, oursSingleMs, peerSingleMs),
      row(`read each stream (${streams.length} streams)`, events.length, oursStreamsMs, peerStreamsMs),
      row('read all in order', events.length, oursAllMs, peerAllMs),
    ],
  };
}
