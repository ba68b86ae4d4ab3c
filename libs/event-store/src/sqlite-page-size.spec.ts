import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventToAppend } from './port';
import { EVENTS_SCHEMA, NEW_FILE_PAGE_SIZE, SqliteEventStore, walAutocheckpointPages } from './sqlite-event-store';

const event = (n: number): EventToAppend => ({
  eventId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  type: 'Noted',
  data: { n },
  metadata: { hash: `hash-${n}` },
  businessKey: `note:${n}`,
});

const pragma = (store: SqliteEventStore, name: string) => Number(store.database.pragma(name, { simple: true }));

describe('the embedded store file page size', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'ledger-page-size-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('gives a new file 16 KiB pages and checkpoints its WAL every 64 MiB', async () => {
    const store = new SqliteEventStore({ file: join(dir, 'events.sqlite') });
    expect(pragma(store, 'page_size')).toBe(NEW_FILE_PAGE_SIZE);
    expect(NEW_FILE_PAGE_SIZE).toBe(16_384);
    expect(pragma(store, 'wal_autocheckpoint')).toBe(4_096);
    expect(store.database.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(pragma(store, 'synchronous')).toBe(2); // FULL
    await store.append('s-1', [event(1)], 'no_stream');
    await store.close();
  });

  it('opens a file written with 4 KiB pages as it is: same page size, same events, appends and digest chain on', async () => {
    // A store file as the code before this change wrote it: SQLite's default 4 KiB pages, WAL.
    const file = join(dir, 'events.sqlite');
    const old = new SqliteEventStore({ file, newFilePageSize: 4_096 });
    await old.append('s-1', [event(1), event(2)], 'no_stream');
    const before = await old.readStream('s-1');
    await old.close();
    const raw = new Database(file, { readonly: true });
    expect(raw.pragma('page_size', { simple: true })).toBe(4_096);
    raw.close();

    const store = new SqliteEventStore({ file });
    expect(pragma(store, 'page_size')).toBe(4_096);
    expect(pragma(store, 'wal_autocheckpoint')).toBe(walAutocheckpointPages(4_096));
    expect(walAutocheckpointPages(4_096)).toBe(16_384);
    expect(await store.readStream('s-1')).toEqual(before);
    await store.append('s-1', [event(3)], 1);
    const digest = await store.logDigest();
    expect(digest.head?.position).toBe(3n);
    await store.close();

    const reader = new SqliteEventStore({ file, readOnly: true });
    expect((await reader.readStream('s-1')).map((e) => e.eventId)).toEqual([event(1), event(2), event(3)].map((e) => e.eventId));
    await reader.close();
  });

  it('leaves the page size of a file that has tables but no events alone', async () => {
    const file = join(dir, 'events.sqlite');
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.exec(EVENTS_SCHEMA);
    db.close();
    const store = new SqliteEventStore({ file });
    expect(pragma(store, 'page_size')).toBe(4_096);
    await store.close();
  });
});
