import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { decodeEvent } from '@ledger/application';
import { SqliteEventStore } from '@ledger/event-store';
import { ProjectionRunner, readFundLedgerFile } from '@ledger/projections';
import { runAuditCli } from '../../apps/auditor/src/cli';
import { AUDITOR_NODE_OPTIONS } from '../../apps/auditor/src/node-options';
import { claim, recordSmallHistory } from './support';

/** Captures what the CLI writes. */
function io() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    streams: { stdout: { write: (text: string) => out.push(text) }, stderr: { write: (text: string) => err.push(text), isTTY: false }, env: {} as NodeJS.ProcessEnv },
  };
}

describe('auditor CLI (runAuditCli)', () => {
  let dataDir: string;
  let outDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'audit-cli-data-'));
    outDir = mkdtempSync(join(tmpdir(), 'audit-cli-out-'));
    const store = new SqliteEventStore({ file: join(dataDir, 'events.sqlite') });
    const { run, residentId } = await recordSmallHistory(store);
    await run(claim(residentId, { admittedAt: '2025-02-01', dischargedAt: '2025-02-01', filedAt: '2025-02-01', basicFundPayment: '10.00' }));
    // The live read model, persisted as the API keeps it.
    const runner = new ProjectionRunner({ store, file: join(dataDir, 'projections.sqlite'), decode: decodeEvent });
    await runner.start();
    await runner.stop();
    await store.close();
  });

  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(outDir, { recursive: true, force: true });
  });

  it('writes inspection-<date>.json and .html and exits 0', async () => {
    const { out, err, streams } = io();
    const code = await runAuditCli(['--as-of', '2024-12-31', '--out', outDir, '--data-dir', dataDir], streams);
    expect({ code, err: err.join('') }).toEqual({ code: 0, err: '' });
    const json = JSON.parse(readFileSync(join(outDir, 'inspection-2024-12-31.json'), 'utf8'));
    expect(json).toMatchObject({ asOf: '2024-12-31', eventsRead: 5, eventsReplayed: 4, findings: [], reconciliation: 'compared with the live projection at position 5' });
    expect(json.funds.find((f: { fundId: string }) => f.fundId === 'caidian')).toMatchObject({ income: '1000380.00', outflow: '160.00', balance: '1000220.00' });
    const html = readFileSync(join(outDir, 'inspection-2024-12-31.html'), 'utf8');
    // Chinese by default: the bureaus' auditors read it.
    expect(html).toContain('<html lang="zh-CN">');
    expect(html).toContain('<title>监督检查报告（截至 2024-12-31）</title>');
    expect(html).toContain('<svg');
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    expect(out.join('')).toContain('0 finding(s)');
  });

  it('reads DATA_DIR from the environment and finds a drifted read model', async () => {
    const file = join(dataDir, 'projections.sqlite');
    const db = new Database(file);
    db.prepare("UPDATE fund_day_account SET credit = '161.00' WHERE fund_id = 'caidian' AND account = 'bank' AND date = '2024-05-01'").run();
    db.close();
    expect(readFundLedgerFile(file)?.checkpoint).toBe(5n);
    const { streams } = io();
    const code = await runAuditCli(['--as-of', '2024-12-31', '--out', join(outDir, 'drift')], { ...streams, env: { DATA_DIR: dataDir } });
    expect(code).toBe(0);
    const json = JSON.parse(readFileSync(join(outDir, 'drift', 'inspection-2024-12-31.json'), 'utf8'));
    expect(json.findings.map((f: { rule: string; fundId: string }) => `${f.rule}:${f.fundId}`)).toEqual(['ledger-reconciliation:caidian']);
  });

  it('writes an HTML report a bureau can read: per-fund summary, findings grouped by rule, a balance chart per fund', async () => {
    const { streams } = io();
    expect(await runAuditCli(['--as-of', '2024-12-31', '--out', join(outDir, 'html'), '--data-dir', dataDir, '--lang', 'en'], streams)).toBe(0);
    const html = readFileSync(join(outDir, 'html', 'inspection-2024-12-31.html'), 'utf8');
    const json = JSON.parse(readFileSync(join(outDir, 'html', 'inspection-2024-12-31.json'), 'utf8'));
    for (const heading of ['Scope', 'Funds as of 2024-12-31', 'Month-end balances', 'Findings by rule']) expect(html).toContain(`<h2>${heading}</h2>`);
    // Every rule of SPEC.md's table is listed with its count, the drifted fund's finding under its rule.
    for (const rule of Object.keys(json.summary.byRule)) expect(html).toContain(`<code>${rule}</code>`);
    expect(html).toMatch(/<h3><code>ledger-reconciliation<\/code>[^<]*\(1\)<\/h3>/);
    // The per-fund figures as in the JSON, and one chart per fund.
    for (const fund of json.funds) {
      expect(html).toContain(`(<code>${fund.fundId}</code>)</td><td class="money">${fund.income}</td><td class="money">${fund.outflow}</td><td class="money">${fund.balance}</td>`);
    }
    // Two charts per fund: month-end balances and months of payment.
    expect(html.match(/<svg/g)).toHaveLength(2 * json.funds.length);
  });

  it('writes the HTML in Chinese by default, with each finding in Chinese, and refuses a language it does not have', async () => {
    const { streams } = io();
    expect(await runAuditCli(['--as-of', '2024-12-31', '--out', join(outDir, 'zh'), '--data-dir', dataDir], streams)).toBe(0);
    const html = readFileSync(join(outDir, 'zh', 'inspection-2024-12-31.html'), 'utf8');
    const json = JSON.parse(readFileSync(join(outDir, 'zh', 'inspection-2024-12-31.json'), 'utf8'));
    for (const heading of ['检查范围', '各基金情况（截至 2024-12-31）', '月末余额', '按检查规则分列的问题']) expect(html).toContain(`<h2>${heading}</h2>`);
    // The JSON carries both languages; the page shows the Chinese one.
    expect(json.findings.length).toBeGreaterThan(0);
    for (const finding of json.findings) {
      expect(finding.messageZh).toMatch(/[\u4e00-\u9fff]/);
      expect(html).toContain(finding.messageZh.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;'));
      expect(html).not.toContain(finding.message);
    }
    expect(html).toContain('重算余额与实时读模型不一致');
    // Beside each evidence position, what the event there is (type, stream, business date).
    expect(html).toMatch(/\d+ \([A-Z][A-Za-z]+, (resident|fund)-[^,]+, \d{4}-\d{2}-\d{2}\)/);
    const bad = io();
    expect(await runAuditCli(['--as-of', '2024-12-31', '--out', join(outDir, 'fr'), '--data-dir', dataDir, '--lang', 'fr'], bad.streams)).toBe(2);
    expect(bad.err.join('')).toMatch(/--lang/);
  });

  it('shows a progress bar on a terminal, and nothing when stderr is not one', async () => {
    const tty = io();
    const onTerminal = { ...tty.streams, stderr: { write: (text: string) => tty.err.push(text), isTTY: true } };
    expect(await runAuditCli(['--as-of', '2024-12-31', '--out', join(outDir, 'tty'), '--data-dir', dataDir], onTerminal)).toBe(0);
    expect(tty.err.join('')).toMatch(/auditing \[.*\] 100% \| position 5\/5/);
    const piped = io();
    expect(await runAuditCli(['--as-of', '2024-12-31', '--out', join(outDir, 'piped'), '--data-dir', dataDir], piped.streams)).toBe(0);
    expect(piped.err).toEqual([]);
  });

  it('skips reconciliation, and says so, when there is no read model', async () => {
    rmSync(join(dataDir, 'projections.sqlite'));
    const { streams } = io();
    expect(await runAuditCli(['--as-of', '2025-03-01', '--out', outDir, '--data-dir', dataDir], streams)).toBe(0);
    const json = JSON.parse(readFileSync(join(outDir, 'inspection-2025-03-01.json'), 'utf8'));
    expect(json).toMatchObject({ reconciliation: 'no live projection found', eventsReplayed: 5 });
  });

  it('honours --position', async () => {
    const { streams } = io();
    expect(await runAuditCli(['--as-of', '2025-03-01', '--out', join(outDir, 'pos'), '--data-dir', dataDir, '--position', '3'], streams)).toBe(0);
    const json = JSON.parse(readFileSync(join(outDir, 'pos', 'inspection-2025-03-01.json'), 'utf8'));
    expect(json).toMatchObject({ cutOffPosition: 3, lastPositionRead: 3, eventsRead: 3, eventsReplayed: 3 });
  });

  it.each([
    ['an impossible --as-of', ['--as-of', '2024-02-30', '--out', 'x'], /--as-of must be a calendar date/],
    ['a malformed --as-of', ['--as-of', '31/12/2024', '--out', 'x'], /--as-of must be a calendar date/],
    ['a bad --position', ['--as-of', '2024-12-31', '--out', 'x', '--position', '-1'], /--position must be a non-negative whole number/],
  ])('exits non-zero on %s, with a message on stderr and nothing written', async (_label, argv, message) => {
    const { err, streams } = io();
    const code = await runAuditCli(argv as string[], { ...streams, cwd: outDir });
    expect(code).not.toBe(0);
    expect(err.join('')).toMatch(message);
    expect(existsSync(join(outDir, 'x'))).toBe(false);
  });

  it('exits non-zero when there is no store to read', async () => {
    const { err, streams } = io();
    const empty = mkdtempSync(join(tmpdir(), 'audit-cli-empty-'));
    const code = await runAuditCli(['--as-of', '2024-12-31', '--out', join(empty, 'out'), '--data-dir', empty], streams);
    expect(code).toBe(1);
    expect(err.join('')).toMatch(/could not run: no event store at/);
    expect(existsSync(join(empty, 'events.sqlite'))).toBe(false);
    rmSync(empty, { recursive: true, force: true });
  });
});

describe('npm run audit', () => {
  it('runs the auditor with its own Node options (the benchmark measures the same)', () => {
    const scripts = (JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts.audit).toContain(`node ${AUDITOR_NODE_OPTIONS.join(' ')} dist/apps/auditor/src/cli.js`);
  });
});
