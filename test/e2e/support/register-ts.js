/* eslint-disable */
/**
 * `node -r ./test/e2e/support/register-ts.js some/file.ts …` runs the repository's TypeScript
 * straight from source in a child process, the way jest does (same @swc/core transform, same
 * @ledger/* aliases), so the crash tests can SIGKILL real processes without a `tsc` build first.
 *
 * Why not build: `tsc -p tsconfig.build.json` type-checks the whole repository (≈10 s on an idle
 * machine, much more with jest workers on the same two cores), writes a shared output directory
 * other people's `npm start` also uses, and runs whatever was last compiled rather than the
 * sources under test. This hook transpiles only the files the child loads, from the current
 * sources, in a few hundred milliseconds, and never touches dist/.
 */
'use strict';
const Module = require('node:module');
const fs = require('node:fs');
const path = require('node:path');
const swc = require('@swc/core');

const ROOT = path.resolve(__dirname, '..', '..', '..');
const ALIAS = /^@ledger\/(domain|event-store|projections|policy|audit|application|access)(\/.*)?$/;

const originalResolve = Module._resolveFilename;
Module._resolveFilename = function resolveLedgerAlias(request, parent, isMain, options) {
  const match = ALIAS.exec(request);
  if (match) request = path.join(ROOT, 'libs', match[1], 'src', match[2] ?? '');
  return originalResolve.call(this, request, parent, isMain, options);
};

// Same options as jest.config.js, so the child runs exactly what the tests run.
const SWC_OPTIONS = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
  },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
};

Module._extensions['.ts'] = function compileTypeScript(module, filename) {
  const source = fs.readFileSync(filename, 'utf8');
  const { code } = swc.transformSync(source, { ...SWC_OPTIONS, filename });
  module._compile(code, filename);
};
