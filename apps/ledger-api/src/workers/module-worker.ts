import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';

/**
 * Starts a worker thread running one of this project's modules, given its path without the
 * extension. Compiled (dist/…/x.js, `npm start`) it is the module itself. Run from the TypeScript
 * sources (jest with @swc/jest, which compiles in memory and leaves no .js behind), the worker
 * first installs the same in-memory compilation for itself: .ts files through @swc/core with
 * jest.config.js's options, and the @ledger/* names mapped to libs/<name>/src as tsconfig.json and
 * jest's moduleNameMapper map them. Either way the worker runs the same source as the caller.
 */
export function startModuleWorker(modulePathWithoutExtension: string, workerData: unknown): Worker {
  if (!__filename.endsWith('.ts')) return new Worker(`${modulePathWithoutExtension}.js`, { workerData });
  return new Worker(FROM_SOURCES, {
    eval: true,
    workerData: {
      sources: { entry: `${modulePathWithoutExtension}.ts`, root: REPOSITORY_ROOT, swc: require.resolve('@swc/core') },
      data: workerData,
    },
  });
}

/** The data the caller handed to startModuleWorker, in the worker (the sources' loader wraps it). */
export function moduleWorkerData<T>(workerData: unknown): T {
  const wrapped = workerData as { sources?: unknown; data?: T } | null;
  return (wrapped && typeof wrapped === 'object' && 'sources' in wrapped ? wrapped.data : workerData) as T;
}

/** apps/ledger-api/src/workers → the repository root. */
const REPOSITORY_ROOT = resolve(__dirname, '..', '..', '..', '..');

/** Options of jest.config.js's swc transform. */
const SWC_OPTIONS = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
  },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
};

const FROM_SOURCES = `
const Module = require('node:module');
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { workerData } = require('node:worker_threads');
const { root, entry, swc } = workerData.sources;
const { transformSync } = require(swc);
const options = ${JSON.stringify(SWC_OPTIONS)};
Module._extensions['.ts'] = (module, filename) => {
  module._compile(transformSync(readFileSync(filename, 'utf8'), { ...options, filename }).code, filename);
};
const LEDGER = /^@ledger\\/(domain|event-store|projections|policy|audit|application|access)(\\/.*)?$/;
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  const mapped = LEDGER.exec(request);
  return resolveFilename.call(this, mapped ? join(root, 'libs', mapped[1], 'src', mapped[2] || '') : request, ...rest);
};
require(entry);
`;

