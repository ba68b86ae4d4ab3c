import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveBundledParametersPath } from '@ledger/policy';
import { createLedgerApp } from '../../apps/ledger-api/src/bootstrap';
import { TEST_JWT_SECRET } from './ledger-app';

describe('start-up', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'ledger-startup-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  async function start(policyFile: string) {
    const app = await createLedgerApp({ port: 0, dataDir, policyFile, keySource: { secret: TEST_JWT_SECRET, dataDir } }, { logger: false });
    await app.init();
    return app;
  }

  it('refuses to start on a malformed policy parameters file, naming the parameter', async () => {
    const bundled = readFileSync(resolveBundledParametersPath(), 'utf8');
    const broken = join(dataDir, 'broken.yaml');
    // Break one value's source: every value must say where it comes from.
    writeFileSync(broken, bundled.replace(/source: [^\n]+/, 'source: ""'));
    await expect(start(broken)).rejects.toThrow(/broken\.yaml.*source|source.*broken\.yaml/s);
  });

  it('starts on the bundled parameters', async () => {
    const app = await start(resolveBundledParametersPath());
    await app.close();
  });
});
