import 'reflect-metadata';
import { createLedgerApp } from './bootstrap';
import { configFromEnv } from './config';

async function main(): Promise<void> {
  const config = configFromEnv();
  const app = await createLedgerApp(config);
  await app.listen(config.port, '::');
  const store = config.eventStoreConnectionString ? 'EventStoreDB' : `embedded store in ${config.dataDir}`;
  console.log(`ledger-api listening on http://localhost:${config.port} (${store})`);
}

main().catch((error: Error) => {
  // A start-up failure (bad policy file, unreadable store) is printed plainly and exits non-zero.
  console.error(`ledger-api could not start: ${error.message}`);
  process.exit(1);
});
