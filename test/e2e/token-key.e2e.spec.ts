import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { keyId, resolveSigningKey } from '@ledger/access';
import { createLedgerApp, LedgerApp } from '../../apps/ledger-api/src/bootstrap';
import { runTokenCli } from '../../scripts/token';

/** `npm run token` and the server agree on the key by default, and say so when they do not. */
describe('tokens from npm run token', () => {
  let app: LedgerApp;
  let dataDir: string;
  let otherDir: string;
  const env = (dir: string): NodeJS.ProcessEnv => ({ DATA_DIR: dir });

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'ledger-token-key-'));
    otherDir = mkdtempSync(join(tmpdir(), 'ledger-token-other-'));
    // The local key, as `npm start` uses it with neither LEDGER_JWT_SECRET nor a secret file set.
    app = await createLedgerApp({ port: 0, dataDir, keySource: { dataDir } }, { logger: false });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });
  afterAll(async () => {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(otherDir, { recursive: true, force: true });
  });

  it('is accepted when made with the server\'s DATA_DIR', async () => {
    const token = await runTokenCli(['--role', 'finance-bureau'], env(dataDir));
    await request(app.getHttpServer()).get('/v1/funds').set('Authorization', `Bearer ${token}`).expect(200);
  });

  it('is refused with both keys named when made with another DATA_DIR', async () => {
    const token = await runTokenCli(['--role', 'finance-bureau'], env(otherDir));
    const response = await request(app.getHttpServer()).get('/v1/funds').set('Authorization', `Bearer ${token}`).expect(401);
    const mine = keyId(resolveSigningKey({ dataDir }));
    const theirs = keyId(resolveSigningKey({ dataDir: otherDir }));
    expect(JSON.stringify(response.body)).toContain(
      `the token was signed with another key (kid ${theirs}); this server's key is ${mine} in ${join(dataDir, '.jwt-secret')}`,
    );
  });

  it('takes the key folder from --data-dir too, and says which key it used', async () => {
    const lines: string[] = [];
    const token = await runTokenCli(['--role', 'auditor', '--data-dir', dataDir], {}, (line) => lines.push(line));
    await request(app.getHttpServer()).get('/v1/funds').set('Authorization', `Bearer ${token}`).expect(200);
    expect(lines).toEqual([`token: signed with key ${keyId(resolveSigningKey({ dataDir }))} from ${join(dataDir, '.jwt-secret')}`]);
  });
});
