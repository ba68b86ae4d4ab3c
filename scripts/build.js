#!/usr/bin/env node
'use strict';
/**
 * Compiles the project (tsc + tsc-alias into dist/) only when its sources changed since the last
 * build, so `npm run token`, `audit`, `import`, `generate` and `start` start at once on a second
 * run instead of paying tsc's start-up every time (10–20 s on a busy machine).
 *
 *   node scripts/build.js            build if stale, else say nothing and exit 0
 *   node scripts/build.js --force    build anyway (`npm run build`)
 *
 * "Changed" is by content, not mtime: a SHA-256 over the path and bytes of every file tsc reads
 * from the repository (the .ts and .json files of apps/, libs/, scripts/ except tests and
 * node_modules, the tsconfigs and package-lock.json, whose types the build depends on). The hash
 * is written to dist/.sources-sha256 after a successful build; tsc itself stays incremental
 * (dist/.tsbuildinfo) for the builds that do run. Plain Node: it runs before anything is compiled.
 */
const { createHash } = require('node:crypto');
const { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } = require('node:fs');
const { join, relative } = require('node:path');
const { spawnSync } = require('node:child_process');
const { install, isInstalled } = require('./setup');

const root = join(__dirname, '..');
const dist = join(root, 'dist');
const stampFile = join(dist, '.sources-sha256');
const SOURCE_DIRS = ['apps', 'libs', 'scripts'];
const ROOT_FILES = ['tsconfig.json', 'tsconfig.build.json', 'package-lock.json'];
/** What the commands run: a build missing one of these is not a build, whatever the stamp says. */
const ENTRY = join(dist, 'apps', 'ledger-api', 'src', 'main.js');

function isSource(name) {
  if (!(name.endsWith('.ts') || name.endsWith('.json'))) return false;
  return !/\.(spec|test)\.ts$/.test(name);
}

function collect(dir, out) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) collect(path, out);
    else if (entry.isFile() && isSource(entry.name)) out.push(path);
  }
  return out;
}

function sourcesHash() {
  const files = SOURCE_DIRS.flatMap((dir) => collect(join(root, dir), [])).concat(ROOT_FILES.map((file) => join(root, file)));
  const hash = createHash('sha256');
  for (const file of files.sort()) {
    hash.update(relative(root, file)).update('\0');
    hash.update(existsSync(file) ? readFileSync(file) : Buffer.alloc(0)).update('\0');
  }
  return hash.digest('hex');
}

function isFresh(hash) {
  return existsSync(ENTRY) && existsSync(stampFile) && readFileSync(stampFile, 'utf8').trim() === hash;
}

function run(script, args) {
  const result = spawnSync(process.execPath, [require.resolve(script, { paths: [root] }), ...args], { cwd: root, stdio: 'inherit' });
  return result.status ?? 1;
}

function build(hash) {
  const started = Date.now();
  process.stderr.write('build: sources changed since the last build; compiling (tsc, incremental)…\n');
  const status = run('typescript/bin/tsc', ['-p', 'tsconfig.build.json']) || run('tsc-alias/dist/bin/index.js', ['-p', 'tsconfig.build.json']);
  if (status !== 0) {
    process.stderr.write('build: compilation failed; see the errors above.\n');
    return status;
  }
  // Written last and atomically: an interrupted build leaves no stamp, so the next command builds again.
  writeFileSync(`${stampFile}.tmp`, `${hash}\n`);
  renameSync(`${stampFile}.tmp`, stampFile);
  process.stderr.write(`build: compiled in ${((Date.now() - started) / 1000).toFixed(1)} s.\n`);
  return 0;
}

async function main() {
  // A fresh clone's first command installs first (scripts/setup.js), whichever command it is.
  if (!isInstalled(root)) {
    const status = await install(root, '');
    if (status !== 0) return status;
  }
  const hash = sourcesHash();
  return process.argv.includes('--force') || !isFresh(hash) ? build(hash) : 0;
}

if (require.main === module) {
  main().then((status) => {
    if (status !== 0) process.exit(status);
  });
}

module.exports = { sourcesHash, isFresh };
