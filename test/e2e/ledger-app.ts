import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { issueToken, resolveSigningKey, Role } from '@ledger/access';
import { SqliteEventStore } from '@ledger/event-store';
import { createLedgerApp, LedgerApp } from '../../apps/ledger-api/src/bootstrap';

/** A real ledger app on a throwaway embedded store, for end-to-end tests over HTTP. */
export interface TestLedger {
  app: LedgerApp;
  http: () => ReturnType<typeof request>;
  /** Requests carrying a bearer token of the given role. */
  as: (role: Role, fundId?: string) => Promise<AuthorizedClient>;
  token: (role: Role, fundId?: string) => Promise<string>;
  dataDir: string;
  restart: () => Promise<void>;
  close: () => Promise<void>;
}

export interface AuthorizedClient {
  get: (path: string) => request.Test;
  post: (path: string, body?: unknown) => request.Test;
}

/** Test-only key, long enough for HS256; production keys come from configuration. */
export const TEST_JWT_SECRET = 'test-secret-for-e2e-only-0123456789abcdef';

export async function startTestLedger(options: { policyFile?: string } = {}): Promise<TestLedger> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ledger-e2e-'));
  const keySource = { secret: TEST_JWT_SECRET, dataDir };
  const key = resolveSigningKey(keySource);
  const boot = async () => {
    const app = await createLedgerApp({ port: 0, dataDir, keySource, policyFile: options.policyFile }, { logger: false });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    return app;
  };
  const ledger: TestLedger = {
    app: await boot(),
    http: () => request(ledger.app.getHttpServer()),
    token: (role, fundId) => issueToken(key, { subject: `test-${role}`, role, fundId }),
    as: async (role, fundId) => {
      const header = `Bearer ${await ledger.token(role, fundId)}`;
      return {
        get: (path) => ledger.http().get(path).set('Authorization', header),
        post: (path, body) => ledger.http().post(path).set('Authorization', header).send(body as object),
      };
    },
    dataDir,
    restart: async () => {
      await ledger.app.close();
      ledger.app = await boot();
    },
    close: async () => {
      await ledger.app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return ledger;
}

/** The store's head position, read through a connection of its own: unchanged means nothing was written. */
export async function storedEventCount(ledger: TestLedger): Promise<number> {
  const store = new SqliteEventStore({ file: join(ledger.dataDir, 'events.sqlite') });
  const head = await store.headPosition();
  await store.close();
  return Number(head ?? 0n);
}

let sequence = 0;
/** Unique ids per test so that tests sharing an app never collide. */
export function uid(prefix: string): string {
  sequence += 1;
  return `${prefix}-${process.pid}-${sequence}`;
}

export function adultEnrollment(overrides: Record<string, unknown> = {}) {
  return {
    enrollmentId: uid('E'),
    residentId: uid('R'),
    year: 2024,
    birthDate: '1980-05-01',
    category: 'adult',
    hukou: { local: true, district: 'wuchang' },
    residenceDistrict: 'wuchang',
    enrolledAt: '2023-11-15',
    ...overrides,
  };
}
