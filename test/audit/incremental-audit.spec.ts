import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { readSealedState, RULE_IDS } from '@ledger/audit';
import { SqliteEventStore } from '@ledger/event-store';
import { EXIT_OK, EXIT_STATE_REFUSED, runAuditCli } from '../../apps/auditor/src/cli';
import { generateScenario } from '../../scripts/scenario/scenario';
import { policy } from './support';

/**
 * Issue 18 item 4: a yearly audit resumed from the state an earlier audit sealed replays only the
 * events after it and writes the report a full replay writes — byte for byte, JSON and HTML, but
 * for the JSON's `resumedFrom` — over a three-year history with findings of many rules planted
 * both before and after the sealed position. That equality is also what catches a component that
 * gains state the seal forgets. And a resume is refused when the state, its report or the store's
 * history through the sealed position do not match.
 */
function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, streams: { stdout: { write: (text: string) => out.push(text) }, stderr: { write: (text: string) => err.push(text), isTTY: false }, env: {} as NodeJS.ProcessEnv } };
}

async function audit(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const { out, err, streams } = io();
  const code = await runAuditCli(args, streams);
  return { code, out: out.join(''), err: err.join('') };
}

const read = (file: string) => readFileSync(file, 'utf8');

describe('an audit resumed from a sealed state', () => {
  let root: string;
  let dataDir: string;
  let sealedPosition: number;
  let state1: string;
  let report1: string;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'audit-incremental-'));
    dataDir = join(root, 'data');
    const store = new SqliteEventStore({ file: join(dataDir, 'events.sqlite') });
    const projectionFile = join(dataDir, 'projections.sqlite');
    // Two generated histories appended: 2022–2023, then 2024; each plants findings of every other rule.
    const early = Object.fromEntries(RULE_IDS.filter((_, i) => i % 2 === 0).map((rule) => [rule, 1]));
    const late = Object.fromEntries(RULE_IDS.filter((_, i) => i % 2 === 1).map((rule) => [rule, 1]));
    await generateScenario({ store, policy, seed: 18_4, residents: 40, violations: early, years: { first: 2022, last: 2023 }, projectionFile });
    sealedPosition = Number(await store.headPosition());
    await generateScenario({ store, policy, seed: 18_5, residents: 40, firstResident: 41, violations: late, years: { first: 2024, last: 2024 }, projectionFile });
    await store.close();

    state1 = join(root, 'state-2023.bin');
    const sealed = await audit(['--as-of', '2023-12-31', '--position', String(sealedPosition), '--out', join(root, 'r2023'), '--data-dir', dataDir, '--seal', state1]);
    expect(sealed).toMatchObject({ code: EXIT_OK, err: '' });
    report1 = join(root, 'r2023', 'inspection-2023-12-31.json');
  }, 300_000);

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('seals at the report\'s last position and records the state file\'s sha256 in the report', () => {
    const report = JSON.parse(read(report1));
    expect(report.lastPositionRead).toBe(sealedPosition);
    expect(report.sealedState).toEqual({ position: sealedPosition, logDigest: report.logDigestAtLastPosition, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(report.summary.findings).toBeGreaterThan(3);
  });

  it('writes the report a full replay writes, JSON and HTML', async () => {
    const full = await audit(['--as-of', '2024-12-31', '--out', join(root, 'full'), '--data-dir', dataDir, '--baseline', report1]);
    const resumed = await audit(['--as-of', '2024-12-31', '--out', join(root, 'resumed'), '--data-dir', dataDir, '--baseline', report1, '--resume', state1]);
    expect(full).toMatchObject({ code: EXIT_OK, err: '' });
    expect(resumed).toMatchObject({ code: EXIT_OK, err: '' });
    const fullJson = read(join(root, 'full', 'inspection-2024-12-31.json'));
    const resumedJson = read(join(root, 'resumed', 'inspection-2024-12-31.json'));
    const parsed = JSON.parse(resumedJson);
    expect(parsed.resumedFrom).toEqual({ position: sealedPosition, sealedStateSha256: JSON.parse(read(report1)).sealedState.sha256 });
    // The one field that differs, taken out of the text as written.
    const withoutResumedFrom = resumedJson.replace(/\n {2}"resumedFrom": \{\n[^}]*\n {2}\},/, '');
    expect(withoutResumedFrom).toBe(fullJson);
    expect(read(join(root, 'resumed', 'inspection-2024-12-31.html'))).toBe(read(join(root, 'full', 'inspection-2024-12-31.html')));
    // Findings of several rules on both sides of the sealed position.
    const report = JSON.parse(fullJson);
    const rules = new Set(report.findings.map((f: { rule: string }) => f.rule));
    expect(rules.size).toBeGreaterThanOrEqual(8);
    expect(report.findings.some((f: { evidence: number[] }) => f.evidence.some((p) => p <= sealedPosition))).toBe(true);
    expect(report.findings.some((f: { evidence: number[] }) => f.evidence.some((p) => p > sealedPosition))).toBe(true);
  }, 300_000);

  it('seals, after a resume, the state a full replay seals, byte for byte', async () => {
    const full = await audit(['--as-of', '2024-12-31', '--out', join(root, 'full-sealed'), '--data-dir', dataDir, '--baseline', report1, '--seal', join(root, 'full.bin')]);
    const resumed = await audit([
      '--as-of', '2024-12-31', '--out', join(root, 'resumed-sealed'), '--data-dir', dataDir, '--baseline', report1, '--resume', state1, '--seal', join(root, 'resumed.bin'),
    ]);
    expect([full.code, resumed.code]).toEqual([EXIT_OK, EXIT_OK]);
    const a = readSealedState(readFileSync(join(root, 'full.bin')));
    const b = readSealedState(readFileSync(join(root, 'resumed.bin')));
    expect(b.header).toEqual(a.header);
    // Where they differ, if they do, before the bytes.
    expect(differenceBetween(skeletonOf(a.payload), skeletonOf(b.payload))).toBeNull();
    expect(b.payload.equals(a.payload)).toBe(true);
  }, 300_000);

  it('refuses a state file changed after it was sealed', async () => {
    const tampered = join(root, 'tampered.bin');
    const bytes = readFileSync(state1);
    bytes[bytes.length - 10] ^= 1;
    writeFileSync(tampered, bytes);
    const result = await audit(['--as-of', '2024-12-31', '--out', join(root, 'no'), '--data-dir', dataDir, '--baseline', report1, '--resume', tampered]);
    expect({ code: result.code, err: result.err }).toMatchObject({ code: EXIT_STATE_REFUSED });
    expect(result.err).toContain('is not the one the --baseline report records');
  });

  it('refuses a store whose history before the sealed position was rewritten', async () => {
    const copy = join(root, 'rewritten');
    const fresh = await copyStore(dataDir, copy);
    // Recompute nothing: change one early event's recorded hash, as a rewrite that recomputed its chain would.
    const db = new Database(join(fresh, 'events.sqlite'));
    const row = db.prepare('SELECT position, metadata FROM events WHERE position = 7').get() as { position: number; metadata: string };
    const metadata = JSON.parse(row.metadata);
    metadata.hash = metadata.hash.replace(/^./, (c: string) => (c === '0' ? '1' : '0'));
    db.prepare('UPDATE events SET metadata = ? WHERE position = 7').run(JSON.stringify(metadata));
    db.close();
    const result = await audit(['--as-of', '2024-12-31', '--out', join(root, 'no'), '--data-dir', fresh, '--baseline', report1, '--resume', state1]);
    expect({ code: result.code, err: result.err }).toMatchObject({ code: EXIT_STATE_REFUSED });
    expect(result.err).toContain(`no longer has the log digest the sealed audit's report states`);
  }, 120_000);

  it("refuses another store's state", async () => {
    const otherDir = join(root, 'other');
    const store = new SqliteEventStore({ file: join(otherDir, 'events.sqlite') });
    await generateScenario({ store, policy, seed: 99, residents: 10, years: { first: 2023, last: 2024 } });
    await store.close();
    const result = await audit(['--as-of', '2024-12-31', '--out', join(root, 'no'), '--data-dir', otherDir, '--baseline', report1, '--resume', state1]);
    expect({ code: result.code, err: result.err }).toMatchObject({ code: EXIT_STATE_REFUSED });
    expect(result.err).toMatch(/no longer has the log digest|ends \(or its digest record stops\) before the sealed position/);
  }, 120_000);

  it('seals, without --position, up to the event before the first one dated after the cut-off', async () => {
    const result = await audit(['--as-of', '2023-12-31', '--out', join(root, 'auto'), '--data-dir', dataDir, '--seal', join(root, 'auto.bin')]);
    expect(result).toMatchObject({ code: EXIT_OK, err: '' });
    const report = JSON.parse(read(join(root, 'auto', 'inspection-2023-12-31.json')));
    expect(result.out).toContain(`sealing through position ${report.lastPositionRead}: the next event is dated after 2023-12-31`);
    expect(report.cutOffPosition).toBe(report.lastPositionRead);
    expect(report.lastPositionRead).toBeGreaterThanOrEqual(sealedPosition);
    expect(report.eventsRead).toBe(report.eventsReplayed);
  });

  it('refuses to seal a history that holds events dated after the cut-off, naming the position to seal through', async () => {
    const result = await audit(['--as-of', '2023-12-31', '--position', '100000', '--out', join(root, 'no'), '--data-dir', dataDir, '--seal', join(root, 'no.bin')]);
    expect({ code: result.code, err: result.err }).toMatchObject({ code: EXIT_STATE_REFUSED });
    expect(result.err).toMatch(/is dated after the cut-off 2023-12-31.*--position \d+/);
  });

  it('needs --baseline with --resume', async () => {
    const result = await audit(['--as-of', '2024-12-31', '--out', join(root, 'no'), '--data-dir', dataDir, '--resume', state1]);
    expect(result.code).toBe(2);
    expect(result.err).toContain('--resume needs --baseline');
  });
});

async function copyStore(from: string, to: string): Promise<string> {
  const { mkdirSync } = await import('node:fs');
  mkdirSync(to, { recursive: true });
  for (const name of ['events.sqlite', 'projections.sqlite']) copyFileSync(join(from, name), join(to, name));
  return to;
}

/** The JSON part of a sealed payload (sealed-state.ts: its length, it, then the typed arrays' bytes). */
function skeletonOf(payload: Buffer): unknown {
  return JSON.parse(payload.subarray(4, 4 + payload.readUInt32BE(0)).toString('utf8'));
}

/** The first place where two decoded state graphs differ — in a value, a shape or which objects are shared — or null. */
function differenceBetween(a: unknown, b: unknown): string | null {
  const seenA = new Map<object, string>();
  const seenB = new Map<object, string>();
  const walk = (x: unknown, y: unknown, path: string): string | null => {
    if (typeof x !== typeof y) return `${path}: ${typeof x} vs ${typeof y}`;
    if (x === null || typeof x !== 'object') return Object.is(x, y) ? null : `${path}: ${String(x)} vs ${String(y)}`;
    const o = y as object;
    if (seenA.has(x) || seenB.has(o)) return seenA.get(x) === seenB.get(o) ? null : `${path}: shared with ${seenA.get(x)} vs ${seenB.get(o)}`;
    seenA.set(x, path);
    seenB.set(o, path);
    if (ArrayBuffer.isView(x)) {
      const bytes = (v: ArrayBufferView) => Buffer.from(v.buffer, v.byteOffset, v.byteLength);
      return x.constructor === o.constructor && bytes(x).equals(bytes(o as ArrayBufferView)) ? null : `${path}: typed arrays differ`;
    }
    const entries = (v: object): Array<[unknown, unknown]> =>
      v instanceof Map ? [...v] : v instanceof Set ? [...v].map((item, i) => [i, item]) : Object.keys(v).map((key) => [key, (v as Record<string, unknown>)[key]]);
    if (Array.isArray(x) !== Array.isArray(o) || (x instanceof Map) !== (o instanceof Map) || (x instanceof Set) !== (o instanceof Set)) return `${path}: kinds differ`;
    const ex = entries(x);
    const ey = entries(o);
    if (ex.length !== ey.length) return `${path}: ${ex.length} vs ${ey.length} entries`;
    for (let i = 0; i < ex.length; i += 1) {
      const key = walk(ex[i][0], ey[i][0], `${path}.<key ${i}>`);
      if (key) return key;
      const value = walk(ex[i][1], ey[i][1], `${path}[${String(ex[i][0]).slice(0, 40)}]`);
      if (value) return value;
    }
    return null;
  };
  return walk(a, b, '$');
}
