/**
 * Child process for the crash tests: catches the fund-ledger projection up over an existing store
 * (DATA_DIR/events.sqlite → DATA_DIR/projections.sqlite) exactly as the API does at start-up,
 * with a small flushEvery so the checkpoint moves often, then prints the balances and exits.
 *
 *   node -r test/e2e/support/register-ts.js test/e2e/support/projection-child.ts DATA_DIR FLUSH_EVERY
 */
import 'reflect-metadata';
import { join } from 'node:path';
import { decodeEvent } from '@ledger/application';
import { FUND_IDS, formatMoney } from '@ledger/domain';
import { SqliteEventStore } from '@ledger/event-store';
import { ProjectionRunner } from '@ledger/projections';

async function main(): Promise<void> {
  const [dataDir, flushEvery] = process.argv.slice(2);
  const store = new SqliteEventStore({ file: join(dataDir, 'events.sqlite'), pageSize: 500 });
  const runner = new ProjectionRunner({ store, file: join(dataDir, 'projections.sqlite'), decode: decodeEvent, flushEvery: Number(flushEvery) });
  process.stderr.write(`resuming after ${String(runner.position)}\n`);
  await runner.start();
  const balances = Object.fromEntries(FUND_IDS.map((fundId) => [fundId, formatMoney(runner.ledger.current(fundId).balance)]));
  process.stdout.write(`${JSON.stringify({ position: String(runner.position), balances })}\n`);
  await runner.stop();
  await store.close();
}

main().catch((error: Error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
