import 'reflect-metadata';
import { networkInterfaces } from 'node:os';
import { describeKeySource, keyId, resolveSigningKey } from '@ledger/access';
import { createLedgerApp } from './bootstrap';
import { configFromEnv } from './config';

/**
 * Every address, as a plain Node server (and so the API on Express) listened by default: `::`
 * (dual-stack, IPv4 too) where the machine has IPv6, else 0.0.0.0. Fastify alone would listen on
 * localhost only.
 */
function everyAddress(): string {
  const hasIpv6 = Object.values(networkInterfaces()).some((addresses) => addresses?.some((address) => address.family === 'IPv6'));
  return hasIpv6 ? '::' : '0.0.0.0';
}

async function main(): Promise<void> {
  const config = configFromEnv();
  const app = await createLedgerApp(config);
  await app.listen(config.port, everyAddress());
  const store = config.eventStoreConnectionString ? 'EventStoreDB' : `embedded store in ${config.dataDir}`;
  console.log(`ledger-api listening on http://localhost:${config.port} (${store})`);
  console.log(`  console: http://localhost:${config.port}/console   API docs: http://localhost:${config.port}/docs`);
  // Which key signs and checks tokens: `npm run token` prints the same kid when it uses the same key.
  console.log(`bearer tokens: key ${keyId(resolveSigningKey(config.keySource))} from ${describeKeySource(config.keySource)}`);
}

main().catch((error: Error) => {
  // A start-up failure (bad policy file, unreadable store) is printed plainly and exits non-zero.
  console.error(`ledger-api could not start: ${error.message}`);
  process.exit(1);
});
