import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { createLedgerApp } from '../../apps/ledger-api/src/bootstrap';

/** A real ledger app on a throwaway embedded store, for end-to-end tests over HTTP. */
export interface TestLedger {
  app: NestExpressApplication;
  http: () => ReturnType<typeof request>;
  dataDir: string;
  restart: () => Promise<void>;
  close: () => Promise<void>;
}

export async function startTestLedger(): Promise<TestLedger> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ledger-e2e-'));
  const boot = async () => {
    const app = await createLedgerApp({ port: 0, dataDir }, { logger: false });
    await app.init();
    return app;
  };
  const ledger: TestLedger = {
    app: await boot(),
    http: () => request(ledger.app.getHttpServer()),
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
