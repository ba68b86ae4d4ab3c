#!/usr/bin/env node
'use strict';
/**
 * Installs exactly what package-lock.json pins (npm ci) when node_modules is missing or was
 * installed from another lockfile, so `npm start` and `npm test` work on a fresh clone with no
 * other step. Plain Node with no dependencies: it runs before anything is installed.
 */
const { createHash } = require('node:crypto');
const { existsSync, readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { spawnSync } = require('node:child_process');

const root = join(__dirname, '..');
const lockfile = join(root, 'package-lock.json');
const marker = join(root, 'node_modules', '.installed-lock-sha256');

const wanted = createHash('sha256').update(readFileSync(lockfile)).digest('hex');
const installed = existsSync(marker) ? readFileSync(marker, 'utf8').trim() : '';

if (installed !== wanted) {
  process.stderr.write('Installing dependencies from package-lock.json (npm ci)…\n');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    process.stderr.write('npm ci failed; see the output above.\n');
    process.exit(result.status ?? 1);
  }
  writeFileSync(marker, `${wanted}\n`);
}
