import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSyntheticGenerateCli } from '../../scripts/synthetic/generate';

describe('npm run generate into a folder that already holds a store', () => {
  let dir: string;
  const saved = process.env.DATA_DIR;
  let stderr: jest.SpyInstance;
  let stdout: jest.SpyInstance;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'generate-cli-'));
    process.env.DATA_DIR = dir;
    stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    stdout = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  });
  afterEach(() => {
    stderr.mockRestore();
    stdout.mockRestore();
    process.env.DATA_DIR = saved;
    if (saved === undefined) delete process.env.DATA_DIR;
    rmSync(dir, { recursive: true, force: true });
  });
  const written = (spy: jest.SpyInstance) => spy.mock.calls.map((call) => String(call[0])).join('');

  it('refuses before writing anything, saying what is there', async () => {
    writeFileSync(join(dir, 'events.sqlite'), 'someone else\'s history');
    const before = statSync(join(dir, 'events.sqlite')).mtimeMs;
    expect(await runSyntheticGenerateCli(['--residents', '10'])).toBe(2);
    expect(written(stderr)).toBe(
      `generate: ${dir} already holds a store (events.sqlite); generating into it would mix two histories. Give an empty DATA_DIR, or --force to delete that store first\n`,
    );
    expect(readFileSync(join(dir, 'events.sqlite'), 'utf8')).toBe('someone else\'s history');
    expect(statSync(join(dir, 'events.sqlite')).mtimeMs).toBe(before);
    expect(existsSync(join(dir, 'projections.sqlite'))).toBe(false);
  });

  it('replaces that store with --force, and keeps the token key', async () => {
    writeFileSync(join(dir, 'projections.sqlite'), 'stale');
    writeFileSync(join(dir, '.jwt-secret'), 'k'.repeat(48));
    expect(await runSyntheticGenerateCli(['--residents', '10', '--force'])).toBe(0);
    expect(written(stderr)).toContain(`generate: --force: deleted the store in ${dir}`);
    expect(JSON.parse(written(stdout))).toMatchObject({ dataDir: dir, residents: 10 });
    expect(readFileSync(join(dir, '.jwt-secret'), 'utf8')).toBe('k'.repeat(48));
  });

  it('shows examples and exit codes on --help', async () => {
    expect(await runSyntheticGenerateCli(['--help'])).toBe(0);
    expect(written(stdout)).toContain('Examples:');
    expect(written(stdout)).toContain('Exit codes: 0 generated');
  });
});
