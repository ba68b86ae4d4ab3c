import { KeySource, keySourceFromEnv, resolveDataDir } from '@ledger/access';
import { HttpLimits, httpLimitsFromEnv } from './http-limits';

/** Everything the ledger reads from its environment, read once at start-up. */
export interface LedgerConfig {
  port: number;
  dataDir: string;
  eventStoreConnectionString?: string;
  policyFile?: string;
  /** Where the bearer-token key comes from (LEDGER_JWT_SECRET, LEDGER_JWT_SECRET_FILE, or a local file in dataDir). */
  keySource: KeySource;
  /** Client deadlines (http-limits.ts); omitted, the defaults. */
  httpLimits?: HttpLimits;
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): LedgerConfig {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a TCP port number, got ${env.PORT}`);
  // Against the repository root, not the working directory: `npm run token` finds the same key.
  const dataDir = resolveDataDir(env);
  return {
    port,
    dataDir,
    keySource: keySourceFromEnv(dataDir, env),
    eventStoreConnectionString: env.EVENTSTORE_CONNECTION_STRING || undefined,
    policyFile: env.POLICY_FILE || undefined,
    httpLimits: httpLimitsFromEnv(env),
  };
}
