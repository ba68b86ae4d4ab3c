import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';

/**
 * Starts a worker thread running one of this project's modules, given its path without the
 * extension. Compiled (dist/…/x.js, `npm start`) it is the module itself. Run from the TypeScript
 * sources (jest with @swc/jest, which compiles in memory and leaves no .js behind), the worker
 * first installs the tests' own in-memory compilation, test/e2e/support/register-ts.js (jest's
 * @swc/core options and @ledger/* aliases), which the crash tests' child processes use too.
 * Either way the worker runs the same source as the caller.
 */
export function startModuleWorker(modulePathWithoutExtension: string, workerData: unknown): Worker {
  if (!__filename.endsWith('.ts')) return new Worker(`${modulePathWithoutExtension}.js`, { workerData });
  return new Worker(FROM_SOURCES, {
    eval: true,
    workerData: { sources: { register: REGISTER_TS, entry: `${modulePathWithoutExtension}.ts` }, data: workerData },
  });
}

/** The data the caller handed to startModuleWorker, in the worker (the sources' loader wraps it). */
export function moduleWorkerData<T>(workerData: unknown): T {
  const wrapped = workerData as { sources?: unknown; data?: T } | null;
  return (wrapped && typeof wrapped === 'object' && 'sources' in wrapped ? wrapped.data : workerData) as T;
}

/** apps/ledger-api/src/workers → the repository root → the tests' TypeScript hook. */
const REGISTER_TS = resolve(__dirname, '..', '..', '..', '..', 'test', 'e2e', 'support', 'register-ts.js');

const FROM_SOURCES = `
const { workerData } = require('node:worker_threads');
require(workerData.sources.register);
require(workerData.sources.entry);
`;
