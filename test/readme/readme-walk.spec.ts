import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLedgerApp, LedgerApp } from '../../apps/ledger-api/src/bootstrap';
import { configFromEnv } from '../../apps/ledger-api/src/config';
import { runTokenCli } from '../../scripts/token';
import { CurlStep, expand, mismatch, parseWalk, WalkStep } from './readme-walk';

const README = join(__dirname, '..', '..', 'README.md');

/**
 * The README's "Using the API" walk, run as written against a fresh server (the format it must
 * keep is in readme-walk.ts and at the top of that README section). Each curl command is one test,
 * named by its README line; they run in README order, each on what the ones before recorded.
 */
describe('README "Using the API", as written', () => {
  const steps: WalkStep[] = parseWalk(readFileSync(README, 'utf8'));
  const vars = new Map<string, string>();
  let app: LedgerApp;
  let dataDir: string;
  let base: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'ledger-readme-'));
    // What `npm start` does, with a data folder of its own: the local key in DATA_DIR/.jwt-secret.
    const env: NodeJS.ProcessEnv = { DATA_DIR: dataDir, PORT: '0' };
    app = await createLedgerApp(configFromEnv(env), { logger: false });
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function assign(step: Extract<WalkStep, { kind: 'assign' }>): Promise<void> {
    if (step.tokenArgs) vars.set(step.name, await runTokenCli(step.tokenArgs, { DATA_DIR: dataDir }));
    else vars.set(step.name, step.name === 'API' ? base : expand(step.value, vars, step.line));
  }

  async function run(step: CurlStep): Promise<{ status: number; text: string }> {
    const headers = new Headers();
    for (const [name, value] of step.headers) headers.append(name, expand(value, vars, step.line));
    const response = await fetch(expand(step.url, vars, step.line), {
      method: step.method,
      headers,
      body: step.body === null ? undefined : expand(step.body, vars, step.line),
    });
    return { status: response.status, text: await response.text() };
  }

  it('has curl commands with expected answers to check', () => {
    expect(steps.filter((step) => step.kind === 'curl' && step.expected?.json !== undefined).length).toBeGreaterThan(0);
  });

  for (const step of steps) {
    if (step.kind === 'assign') {
      it(`README.md:${step.line} ${step.name}=${step.tokenArgs ? `$(npm run -s token -- ${step.tokenArgs.join(' ')})` : step.value}`, () => assign(step));
      continue;
    }
    const expected = step.expected;
    const title = `README.md:${step.line} ${step.method} ${step.url.replace(/\0[^\0]+\0/g, (v) => `$${v.slice(1, -1)}`)} → ${expected ? expected.status : '2xx'}`;
    it(title, async () => {
      const answer = await run(step);
      const where = `README.md:${step.line} (${step.method} ${step.url.replace(/\0/g, '')})`;
      const shown = answer.text.length > 600 ? `${answer.text.slice(0, 600)}…` : answer.text;
      if (!expected) {
        if (answer.status < 200 || answer.status > 299) throw new Error(`${where} answered ${answer.status} ${shown}; with no "# →" line after it, it must answer 2xx`);
        return;
      }
      if (answer.status !== expected.status) {
        throw new Error(`${where} answered ${answer.status} ${shown}; README.md:${expected.line} says ${expected.status}`);
      }
      if (expected.json === undefined) return;
      let body: unknown;
      try {
        body = JSON.parse(answer.text);
      } catch {
        throw new Error(`${where} answered ${answer.status} with no JSON: ${shown}`);
      }
      const difference = mismatch(expected.json, body);
      if (difference) throw new Error(`${where}: ${difference}\n  README.md:${expected.line} says ${expected.text}\n  the server answered ${shown}`);
    });
  }
});
