#!/usr/bin/env node
'use strict';
/**
 * Installs exactly what a package-lock.json pins (npm ci) when its node_modules is missing or was
 * installed from another lockfile, so `npm start` and `npm test` work on a fresh clone with no
 * other step. Plain Node with no dependencies: it runs before anything is installed.
 *
 *   node scripts/setup.js                       the ledger itself (the repository root)
 *   node scripts/setup.js --dir <folder> [--why <text>]
 *                                               another package with its own lockfile, e.g. the
 *                                               benchmark's peer store in scripts/bench/peer
 *
 * An install on a fresh clone takes minutes (better-sqlite3 compiles SQLite), so it is never
 * silent: npm's own output and the native build's lines are shown as they come, and a heartbeat
 * line every HEARTBEAT_SECONDS says how long it has run and how many packages are in place.
 */
const { createHash } = require('node:crypto');
const { existsSync, readdirSync, readFileSync, writeFileSync } = require('node:fs');
const { join, relative, resolve } = require('node:path');
const { spawn } = require('node:child_process');

const HEARTBEAT_SECONDS = 15;
const MARKER = '.installed-lock-sha256';

function lockHash(dir) {
  return createHash('sha256').update(readFileSync(join(dir, 'package-lock.json'))).digest('hex');
}

/** True when `dir`'s node_modules was installed from its current lockfile. */
function isInstalled(dir) {
  const marker = join(dir, 'node_modules', MARKER);
  return existsSync(marker) && readFileSync(marker, 'utf8').trim() === lockHash(dir);
}

function countPackages(modules) {
  let count = 0;
  let names;
  try {
    names = readdirSync(modules);
  } catch {
    return 0;
  }
  for (const name of names) {
    if (name.startsWith('.')) continue;
    if (name.startsWith('@')) {
      try {
        count += readdirSync(join(modules, name)).length;
      } catch {
        // a scope folder being written right now
      }
    } else count += 1;
  }
  return count;
}

function elapsed(started) {
  const seconds = Math.round((Date.now() - started) / 1000);
  return seconds < 60 ? `${seconds}s` : `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
}

/** Resolves with npm's exit status once `npm ci` in `dir` has finished. */
function install(dir, why) {
  const name = relative(process.cwd(), dir) || '.';
  process.stderr.write(`${why ? `${why}\n` : ''}Installing ${name === '.' ? 'dependencies' : name} from package-lock.json (npm ci); this takes a few minutes on a fresh clone (a native SQLite build)…\n`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const started = Date.now();
  // --foreground-scripts: the native build's output shows as it happens, instead of minutes of silence.
  const child = spawn(npm, ['ci', '--no-audit', '--no-fund', '--foreground-scripts'], { cwd: dir, stdio: 'inherit' });
  const modules = join(dir, 'node_modules');
  const heartbeat = setInterval(() => {
    process.stderr.write(`setup: still installing, ${elapsed(started)} so far, ${countPackages(modules)} packages in place…\n`);
  }, HEARTBEAT_SECONDS * 1000);
  return new Promise((done) => {
    child.on('error', (error) => {
      clearInterval(heartbeat);
      process.stderr.write(`setup: could not run npm: ${error.message}\n`);
      done(1);
    });
    child.on('exit', (code, signal) => {
      clearInterval(heartbeat);
      if (code === 0) {
        writeFileSync(join(modules, MARKER), `${lockHash(dir)}\n`);
        process.stderr.write(`setup: installed in ${elapsed(started)}.\n`);
      }
      done(code ?? (signal ? 1 : 0));
    });
  });
}

function parseArgs(argv) {
  const options = { dir: join(__dirname, '..'), why: '' };
  for (let i = 0; i < argv.length; i += 1) {
    if (argv[i] === '--dir') options.dir = resolve(argv[++i]);
    else if (argv[i] === '--why') options.why = argv[++i];
    else {
      process.stderr.write(`setup: unknown argument ${argv[i]}\nusage: node scripts/setup.js [--dir <folder with a package-lock.json>] [--why <text>]\n`);
      process.exit(2);
    }
  }
  return options;
}

if (require.main === module) {
  const { dir, why } = parseArgs(process.argv.slice(2));
  if (!isInstalled(dir)) {
    install(dir, why).then((status) => {
      if (status !== 0) {
        process.stderr.write('npm ci failed; see the output above.\n');
        process.exit(status);
      }
    });
  }
}

module.exports = { isInstalled, install };
