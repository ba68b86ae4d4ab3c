import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IMPORT_EXIT, runImportCli } from '../../scripts/import';

const enrollment = (residentId: string, overrides: Record<string, unknown> = {}) => ({
  type: 'enrollment',
  body: {
    enrollmentId: `E-${residentId}`, residentId, year: 2024, birthDate: '1980-05-01', category: 'adult',
    hukou: { local: true, district: 'wuchang' }, residenceDistrict: 'wuchang', enrolledAt: '2023-11-15', ...overrides,
  },
});

function io(env: NodeJS.ProcessEnv) {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, streams: { stdout: { write: (t: string) => out.push(t) }, stderr: { write: (t: string) => err.push(t) }, env } };
}

describe('npm run import', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'import-cli-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('prints rejected lines in file order, then created / replayed / rejected, and exits 1 when some were rejected', async () => {
    const file = join(dir, 'facts.ndjson');
    const lines = [
      JSON.stringify(enrollment('420102198005010011')),
      'not json',
      // Valid input refused by a business rule: known only when its batch is decided, after line 4.
      JSON.stringify({ type: 'contribution', body: { receiptNo: 'R-1', residentId: '420102198005019999', year: 2024, amount: '380.00', paidAt: '2023-12-01', collector: 'self' } }),
      '',
      JSON.stringify(enrollment('420102198005010022', { category: 'martian' })),
    ];
    writeFileSync(file, `${lines.join('\n')}\n`);
    const env = { DATA_DIR: join(dir, 'data') };

    const first = io(env);
    expect(await runImportCli(['--file', file, '--batch-size', '100'], first.streams)).toBe(IMPORT_EXIT.someRejected);
    const rejected = first.err.join('').split('\n').filter((line) => line.startsWith('line '));
    expect(rejected.map((line) => line.split(':')[0])).toEqual(['line 2', 'line 3', 'line 5']);
    expect(rejected[0]).toBe('line 2: not valid JSON');
    expect(rejected[2]).toContain('category');
    expect(first.err.join('')).toContain('import: 5 lines: 1 created, 0 replayed (already recorded), 3 rejected');
    expect(JSON.parse(first.out.join(''))).toEqual({ lines: 5, created: 1, replayed: 0, rejected: 3 });

    // Only the recordable line again: recognised, nothing written twice, exit 0.
    writeFileSync(file, `${lines[0]}\n`);
    const second = io(env);
    expect(await runImportCli(['--file', file], second.streams)).toBe(IMPORT_EXIT.recorded);
    expect(JSON.parse(second.out.join(''))).toEqual({ lines: 1, created: 0, replayed: 1, rejected: 0 });
  });

  it('says plainly that a file is missing, exits 2 and creates no store', async () => {
    const run = io({ DATA_DIR: join(dir, 'data') });
    expect(await runImportCli(['--file', join(dir, 'nope.ndjson')], run.streams)).toBe(IMPORT_EXIT.couldNotRun);
    expect(run.err.join('')).toBe(`import: no such file: ${join(dir, 'nope.ndjson')}\n`);
    expect(run.out).toEqual([]);
    expect(existsSync(join(dir, 'data'))).toBe(false);
  });

  it('exits 2 on a bad option and 0 on --help, which shows examples and the exit codes', async () => {
    expect(await runImportCli(['--file', 'x', '--batch-size', '0'], io({}).streams)).toBe(IMPORT_EXIT.couldNotRun);
    const help = io({});
    expect(await runImportCli(['--help'], help.streams)).toBe(0);
    expect(help.out.join('')).toContain('Examples:');
    expect(help.out.join('')).toContain('Exit codes: 0 every line recorded');
  });
});
